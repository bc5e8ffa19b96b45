"""Quotas and attainment from Python: hand-computed examples (arithmetic in comments)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest
import salescomp as sc

CAL = sc.FiscalCalendar(1)
PEOPLE = pd.DataFrame(
    {
        "person_id": ["boss", "new", "leaver", "away", "steady"],
        "role": ["sales_manager", "ae", "ae", "ae", "ae"],
        "start_date": pd.to_datetime(
            ["2020-01-01", "2026-01-15", "2020-01-01", "2020-01-01", "2020-01-01"]
        ),
        "end_date": pd.to_datetime([None, None, "2026-02-10", None, None]),
        "pay_currency": ["USD"] * 5,
    }
)
ASSIGN = {
    "person_id": ["new", "leaver", "away", "steady"],
    "field": ["team"] * 4,
    "value": ["alpha", "beta", "beta", "alpha"],
    "from": ["2020-01-01"] * 4,
}
LEAVES = {"person_id": ["away"], "first": ["2026-03-01"], "last": ["2026-03-15"]}


@pytest.fixture
def org() -> sc.Organisation:
    return sc.Organisation(PEOPLE, ASSIGN, LEAVES)


def quotas(rows: list[tuple]) -> dict:
    cols = {
        "subject": [],
        "period_kind": [],
        "fiscal_year": [],
        "number": [],
        "amount": [],
        "currency": [],
    }
    for subject, kind, number, amount in rows:
        for k, v in zip(cols, (subject, kind, 2026, number, amount, "USD")):
            cols[k].append(v)
    return cols


def test_percent_ramp_by_tenure_month(org: sc.Organisation) -> None:
    # "new" starts Jan 15; ramp 0% / 50% / 100%; monthly quota 3,100.00.
    # Feb: 14 days at 0% + 14 at 50% of 28: 3100 x 7/28 = 775.00
    # Mar: 14 days at 50% + 17 at 100% of 31: 3100 x 24/31 = 2400.00
    q = sc.effective_quotas(
        org,
        quotas([("new", "month", m, "3100") for m in (1, 2, 3, 4)]),
        calendar=CAL,
        ramps=[{"name": "std", "values": ["0", "0.5", "1"]}],
        ramp_assignments={"person": ["new"], "ramp": ["std"]},
    ).to_pandas()
    assert q["quota"].tolist() == [
        Decimal("0.00"),
        Decimal("775.00"),
        Decimal("2400.00"),
        Decimal("3100.00"),
    ]


@pytest.mark.parametrize(
    "unit, expected",
    [
        ("calendar_days", Decimal("41000.00")),  # 90000 x 41/90
        ("business_days", Decimal("40781.25")),  # 90000 x 29/64
        ("months", Decimal("40714.29")),  # 90000 x (1 + 10/28)/3 = 40714.2857 -> HalfEven
    ],
)
def test_proration_by_each_unit(org: sc.Organisation, unit: str, expected: Decimal) -> None:
    q = sc.effective_quotas(
        org,
        quotas([("leaver", "quarter", 1, Decimal("90000"))]),
        calendar=CAL,
        proration=unit,
        business_calendar=sc.BusinessCalendar(),
    ).to_pandas()
    assert q["quota"].tolist() == [expected]


def test_leave_and_relief_with_reasons(org: sc.Organisation) -> None:
    relief = quotas([("steady", "month", 3, "100.00"), ("steady", "month", 3, "-25")])
    relief["reason"] = ["territory moved", "added account"]
    q = sc.effective_quotas(
        org,
        quotas([("away", "month", 3, "3100"), ("steady", "month", 3, "3100")]),
        calendar=CAL,
        relief=relief,
    ).to_pandas()
    # away: on leave Mar 1..15: 3100 x 16/31 = 1600.00; steady: 3100 - 100 + 25 = 3025.00
    assert q["quota"].tolist() == [Decimal("1600.00"), Decimal("3025.00")]
    assert q["relief_reason"].tolist() == ["", "territory moved; added account"]
    bad = quotas(
        [("steady", "month", 3, "1"), ("nobody", "month", 3, "1"), ("steady", "month", 13, "1")]
    )
    bad["reason"] = ["", "x", "y"]
    with pytest.raises(sc.ValidationError) as e:
        sc.effective_quotas(org, quotas([("steady", "month", 3, "3100")]), calendar=CAL, relief=bad)
    # 1-based rows, in row order: row 1 has no reason, row 2 an unknown person, row 3 month 13.
    assert [(i["row"], i["field"]) for i in e.value.issues] == [(1, "reason"), (2, "subject"), (3, "number")]
    assert all(i["source"] == "quota_relief" for i in e.value.issues)


def credits_for(org: sc.Organisation, rows: list[tuple]) -> sc.Credits:
    deals = sc.Deals(
        org,
        {
            "id": list(range(1, len(rows) + 1)),
            "owner": [r[0] for r in rows],
            "close_date": [r[1] for r in rows],
            "amount": [r[2] for r in rows],
            "currency": ["USD"] * len(rows),
            "type": ["new_business"] * len(rows),
        },
    )
    return sc.credit(deals, [{"kind": "direct"}])


def test_exact_boundary_qtd_ytd(org: sc.Organisation) -> None:
    # Quota 20,000,000,000.01 a month; January credited 1 cent short.
    cr = credits_for(
        org,
        [
            ("steady", "2026-01-05", "20000000000.00"),
            ("steady", "2026-02-01", "20000000000.02"),
            ("steady", "2026-04-30", "10000000000"),
        ],
    )
    q = sc.effective_quotas(
        org,
        quotas([("steady", "month", m, "20000000000.01") for m in (1, 2, 3, 4)]),
        calendar=CAL,
        measures=cr,
    )
    a = sc.attainment(cr, q, calendar=CAL, team_quota="explicit").to_pandas()
    assert a["attainment"][0] == Decimal("1.000000000000")  # 0.9999999999995 rounds up for display
    assert not a["attained"][0]  # the decision is exact
    assert a["attained"][1]
    assert a["qtd_credited"].tolist() == [
        Decimal("20000000000.00"),
        Decimal("40000000000.02"),
        Decimal("40000000000.02"),
        Decimal("10000000000.00"),
    ]
    assert a["ytd_credited"][3] == Decimal("50000000000.02")
    assert pa.types.is_decimal(
        sc.attainment(cr, q, calendar=CAL).to_arrow().schema.field("quota").type
    )


def test_team_roll_up_through_a_mid_period_change() -> None:
    org = sc.Organisation(
        {
            "person_id": ["mover", "stay"],
            "role": ["ae", "ae"],
            "start_date": ["2020-01-01"] * 2,
            "pay_currency": ["USD"] * 2,
        },
        {
            "person_id": ["mover", "mover", "stay"],
            "field": ["team"] * 3,
            "value": ["alpha", "beta", "alpha"],
            "from": ["2020-01-01", "2026-03-15", "2020-01-01"],
            "to": ["2026-03-14", None, None],
        },
    )
    cr = credits_for(
        org,
        [
            ("mover", "2026-03-10", "1000"),
            ("mover", "2026-03-20", "500"),
            ("stay", "2026-03-05", "200"),
        ],
    )
    q = sc.effective_quotas(
        org,
        {
            "subject": ["mover", "stay", "alpha"],
            "subject_kind": ["person", "person", "team"],
            "period_kind": ["month"] * 3,
            "fiscal_year": [2026] * 3,
            "number": [3] * 3,
            "amount": ["2000", "1000", "2500"],
            "currency": ["USD"] * 3,
        },
        calendar=CAL,
    )
    a = sc.attainment(cr, q, calendar=CAL).to_pandas()
    got = {
        (k, s): (c, qq)
        for k, s, c, qq in zip(a["subject_kind"], a["subject"], a["credited"], a["quota"])
    }
    assert got[("team", "alpha")] == (
        Decimal("1200.00"),
        Decimal("2500.00"),
    )  # mover before Mar 15 + stay
    assert got[("team", "beta")] == (
        Decimal("500.00"),
        Decimal("2000.00"),
    )  # quota: mover's, a member on Mar 31
    # Roll-up total = sum of the team: alpha + beta credits = all person credits.
    persons = a[a["subject_kind"] == "person"]["credited"].sum()
    teams = a[a["subject_kind"] == "team"]["credited"].sum()
    assert persons == teams == Decimal("1700.00")


def test_pacing_and_forecasts(org: sc.Organisation) -> None:
    cr = credits_for(org, [("steady", "2026-03-05", "1200"), ("steady", "2026-03-25", "9999.99")])
    q = sc.effective_quotas(org, quotas([("steady", "month", 3, "3100")]), calendar=CAL)
    a = sc.attainment(cr, q, calendar=CAL, through="2026-03-10", team_quota="explicit")
    opps = {
        "owner": ["steady", "steady", "steady"],
        "expected_close": ["2026-03-20", "2026-04-02", "2026-03-31"],
        "amount": ["1000", "5000", "0.01"],
        "currency": ["USD"] * 3,
        "stage": ["proposal", "proposal", "discovery"],
    }
    p = sc.pacing(
        a,
        "2026-03-10",
        opportunities=opps,
        stage_probability={"discovery": "0.5", "proposal": Decimal("0.25")},
    ).to_pandas()
    row = p.iloc[0]
    # 10 of 31 days: expected 3100 x 10/31 = 1000.00; gap 1200 - 1000; run rate 1200 x 31/10.
    assert (row["expected"], row["gap"], row["run_rate"]) == (
        Decimal("1000.00"),
        Decimal("200.00"),
        Decimal("3720.00"),
    )
    # Pipeline: 1000 x 0.25 + 0.01 x 0.5 = 250.005 -> 250.00 (HalfEven, one rounding); April excluded.
    assert (row["pipeline"], row["pipeline_forecast"]) == (Decimal("250.00"), Decimal("1450.00"))
    assert row["on_pace"]
    # Business days: 7 of March's 22 by Mar 10: 3100 x 7/22 = 986.36.
    b = sc.pacing(
        a, "2026-03-10", unit="business_days", business_calendar=sc.BusinessCalendar()
    ).to_pandas()
    assert b["expected"].tolist() == [Decimal("986.36")]


def test_distribution_statistics() -> None:
    table = pa.table(
        {
            "credited": pa.array(
                [Decimal("50"), Decimal("100"), Decimal("150"), Decimal("5"), Decimal("80")],
                pa.decimal128(20, 2),
            ),
            # A different scale on purpose: both are widened to one scale exactly.
            "quota": pa.array(
                [Decimal("100"), Decimal("100"), Decimal("100"), Decimal("0"), Decimal("100")],
                pa.decimal128(20, 4),
            ),
            "currency": ["USD"] * 5,
        }
    )
    d = sc.attainment_distribution(table, percentiles=["0.5", "0.9"], edges=["0.5", "1"])
    assert (d["people"], d["zero_quota"], d["at_or_above"], d["share_at_or_above"]) == (
        4,
        1,
        2,
        Decimal("0.5"),
    )
    # Sorted 0.5, 0.8, 1.0, 1.5; nearest rank: ceil(0.5 x 4) = 2 -> 0.8; ceil(0.9 x 4) = 4 -> 1.5.
    assert d["percentiles"] == {Decimal("0.5"): Decimal("0.8"), Decimal("0.9"): Decimal("1.5")}
    assert [c for _, _, c in d["histogram"]] == [0, 2, 2]


def test_spread_annual_quota() -> None:
    # 1,000,000.01 / 12: 8333333 rem 5 cents -> the first five months get a cent more.
    parts = sc.spread_annual_quota(sc.Money("1000000.01", "USD"), CAL, 2026, "month")
    assert [m.amount for _, m in parts] == [Decimal("83333.34")] * 5 + [Decimal("83333.33")] * 7
    seasonal = sc.spread_annual_quota(
        sc.Money("1000", "USD"), CAL, 2026, "quarter", ["0.1", "0.2", "0.3", "0.4"]
    )
    assert [m.amount for _, m in seasonal] == [
        Decimal("100.00"),
        Decimal("200.00"),
        Decimal("300.00"),
        Decimal("400.00"),
    ]
    assert seasonal[1][0].first == dt.date(2026, 4, 1)
