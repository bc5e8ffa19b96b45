"""Crediting from Python: hand-computed examples and properties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
import salescomp as sc
from hypothesis import given, settings
from hypothesis import strategies as st

PEOPLE = {
    "person_id": ["cro", "dir", "m1", "m2", "ae", "ae2", "sdr", "am"],
    "role": ["cro", "sales_director", "sales_manager", "sales_manager", "ae", "ae", "sdr", "am"],
    "start_date": ["2020-01-01"] * 8,
    "pay_currency": ["USD", "USD", "USD", "EUR", "USD", "USD", "USD", "USD"],
}
ASSIGNMENTS = {
    "person_id": ["dir", "m1", "m2", "ae", "ae", "ae2", "sdr", "am"],
    "field": ["manager"] * 8,
    "value": ["cro", "dir", "dir", "m1", "m2", "m2", "m1", "dir"],
    "from": [
        "2020-01-01",
        "2020-01-01",
        "2020-01-01",
        "2020-01-01",
        "2026-03-15",
        "2020-01-01",
        "2020-01-01",
        "2020-01-01",
    ],
    "to": [None, None, None, "2026-03-14", None, None, None, None],
}


@pytest.fixture
def org() -> sc.Organisation:
    return sc.Organisation(PEOPLE, ASSIGNMENTS)


def deals_of(org: sc.Organisation, rows: list[tuple]) -> sc.Deals:
    cols = {"id": [], "owner": [], "close_date": [], "amount": [], "currency": [], "type": []}
    for r in rows:
        for k, v in zip(cols, r):
            cols[k].append(v)
    return sc.Deals(org, cols)


def test_split_with_a_remainder_cent(org: sc.Organisation) -> None:
    deals = deals_of(org, [(1, "ae", "2026-02-10", Decimal("100.00"), "USD", "new_business")])
    # Thirds of 100.00: floors 33.33 x 3 = 99.99; the leftover cent goes to the largest
    # remainder (0.333333333334 -> ae).
    splits = pd.DataFrame(
        {
            "deal_id": [1, 1, 1],
            "person": ["ae2", "ae", "sdr"],
            "share": ["0.333333333333", "0.333333333334", "0.333333333333"],
        }
    )
    c = sc.credit(
        deals, [{"kind": "direct"}, {"kind": "revenue_split"}], splits=splits, currency="deal"
    ).to_pandas()
    got = dict(zip(c["person_id"].astype(str), c["amount"]))
    assert got == {"ae": Decimal("33.34"), "ae2": Decimal("33.33"), "sdr": Decimal("33.33")}
    assert sum(got.values()) == Decimal("100.00")
    assert set(c["kind"].astype(str)) == {"revenue_split"}


def test_splits_off_100_percent_list_every_deal(org: sc.Organisation) -> None:
    deals = deals_of(
        org,
        [
            (501, "ae", "2026-02-10", "1", "USD", "new_business"),
            (502, "ae", "2026-02-10", "1", "USD", "new_business"),
        ],
    )
    splits = {
        "deal_id": [501, 501, 502],
        "person": ["ae", "ae2", "ae"],
        "share": ["0.5", "0.49", "1.01"],
    }
    with pytest.raises(sc.ValidationError) as e:
        sc.credit(deals, [{"kind": "revenue_split"}], splits=splits)
    rules = [i["rule"] for i in e.value.issues]
    assert len(rules) == 2 and "deal 501" in rules[0] and "deal 502" in rules[1]


def test_roll_ups_through_a_mid_month_manager_change(org: sc.Organisation) -> None:
    # ae reports to m1 until Mar 14, to m2 from Mar 15; both report to dir.
    deals = deals_of(
        org,
        [
            (1, "ae", "2026-03-10", "1000", "USD", "new_business"),
            (2, "ae", "2026-03-20", "500", "USD", "new_business"),
        ],
    )
    c = sc.credit(
        deals, [{"kind": "direct"}, {"kind": "roll_up", "depth": 2}], currency="deal"
    ).to_pandas()
    r = c[c["kind"] == "roll_up"].groupby(c["person_id"].astype(str))["amount"].sum().to_dict()
    assert r == {"m1": Decimal("1000.00"), "m2": Decimal("500.00"), "dir": Decimal("1500.00")}
    assert set(c.loc[c["kind"] == "roll_up", "via"].astype(str)) == {"ae"}


@pytest.mark.parametrize(
    "fx_date, expected", [("deal_date", Decimal("1100.00")), ("period_end", Decimal("1200.00"))]
)
def test_fx_as_of_each_date_choice(org: sc.Organisation, fx_date: str, expected: Decimal) -> None:
    deals = deals_of(
        org, [(1, "ae", dt.date(2026, 3, 10), Decimal("1000.00"), "EUR", "new_business")]
    )
    fx = sc.FxTable()
    fx.add("EUR", "USD", "2026-03-01", "1.1")
    fx.add("EUR", "USD", "2026-03-20", "1.2")
    c = sc.credit(deals, [{"kind": "direct"}], fx=fx, fx_date=fx_date).to_arrow()
    assert c.column("amount").to_pylist() == [expected]
    assert c.column("currency").to_pylist() == ["USD"]
    assert c.column("source_amount").to_pylist() == [Decimal("1000.00")]
    assert pa.types.is_decimal(c.schema.field("amount").type)


def test_role_credit_and_settings(org: sc.Organisation) -> None:
    deals = sc.Deals(
        org,
        pl.DataFrame(
            {
                "id": [1, 2, 3],
                "owner": ["ae", "ae", "ae"],
                "close_date": [dt.date(2026, 2, 10)] * 3,
                "amount": ["100", "200", "300"],
                "currency": ["USD"] * 3,
                "type": ["new_business", "renewal", "upsell"],
                "source": ["sdr", "", ""],
                "source_person": ["sdr", "", ""],
                "customer": ["", "acme", "zeta"],
            }
        ),
    )
    ams = {"customer": ["acme"], "person": ["am"], "from": ["2026-01-01"]}
    c = sc.credit(
        deals,
        [
            {"kind": "sdr_sourced", "measure": "sourced", "share": "0.5"},
            {"kind": "account_manager", "measure": "nrr"},
        ],
        account_managers=ams,
    ).to_pandas()
    # Rows are sorted by person, and people by their ids ("am" < "sdr"), not the roster's rows.
    assert list(zip(c["person_id"].astype(str), c["amount"], c["measure"].astype(str))) == [
        ("am", Decimal("200.00"), "nrr"),
        ("sdr", Decimal("50.00"), "sourced"),
    ]
    with pytest.raises(sc.ValidationError) as e:
        sc.credit(
            deals,
            [{"kind": "roll_up", "depth": 2}, {"kind": "nope"}, {"kind": "direct", "colour": 1}],
        )
    assert [(i["row"], i["field"]) for i in e.value.issues] == [(1, "kind"), (2, "rule")]
    # Parsed rules are then checked as a set: every bad rule is named.
    with pytest.raises(sc.ValidationError) as e:
        sc.credit(deals, [{"kind": "roll_up", "depth": 0}, {"kind": "direct", "share": "-1"}])
    assert [(i["row"], i["field"]) for i in e.value.issues] == [(0, "depth"), (1, "share")]


def test_bad_deal_rows_are_all_listed(org: sc.Organisation) -> None:
    with pytest.raises(sc.ValidationError) as e:
        sc.Deals(
            org,
            {
                "id": [1, 1, 3],
                "owner": ["ae", "ghost", "ae"],
                "close_date": ["2026-01-01"] * 3,
                "amount": ["1.001", "5", "-5"],
                "currency": ["USD", "USD", "XXX"],
                "type": ["new_business", "gift", "refund"],
            },
        )
    got = [(i["row"], i["field"]) for i in e.value.issues]
    assert got == [(0, "amount"), (1, "owner"), (1, "type"), (2, "currency")]
    with pytest.raises(sc.InputTypeError):
        sc.Deals(
            org,
            {
                "id": [1],
                "owner": ["ae"],
                "close_date": ["2026-01-01"],
                "amount": [1.5],
                "currency": ["USD"],
                "type": ["new_business"],
            },
        )


@settings(max_examples=40, deadline=None)
@given(
    amounts=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=12),
    weights=st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=4),
    seed=st.randoms(),
)
def test_split_conservation_and_row_order_independence(amounts, weights, seed) -> None:
    org = sc.Organisation(PEOPLE, ASSIGNMENTS)
    people = ["ae", "ae2", "sdr", "am"][: len(weights)]
    # Shares as exact Rates summing to exactly 1: w_i / W rounded down, the rest to the first.
    total = sum(weights)
    raw = [w * 10**12 // total for w in weights]
    raw[0] += 10**12 - sum(raw)
    shares = [str(Decimal(r) / Decimal(10**12)) for r in raw]
    rows = [
        (i + 1, "ae", f"2026-0{1 + i % 9}-15", str(Decimal(a) / 100), "USD", "new_business")
        for i, a in enumerate(amounts)
    ]
    split_rows = [(i + 1, p, s) for i in range(len(amounts)) for p, s in zip(people, shares)]

    def run(deal_rows, split_rows):
        deals = deals_of(org, deal_rows)
        splits = {
            "deal_id": [r[0] for r in split_rows],
            "person": [r[1] for r in split_rows],
            "share": [r[2] for r in split_rows],
        }
        return sc.credit(
            deals,
            [{"kind": "revenue_split"}, {"kind": "roll_up", "depth": 3}],
            splits=splits,
            currency="deal",
        ).to_arrow()

    a = run(rows, split_rows)
    shuffled_rows, shuffled_splits = rows[:], split_rows[:]
    seed.shuffle(shuffled_rows)
    seed.shuffle(shuffled_splits)
    b = run(shuffled_rows, shuffled_splits)
    cols = ["person_id", "deal_id", "date", "amount", "kind", "depth", "via"]
    assert a.select(cols).equals(b.select(cols))
    df = a.to_pandas()
    sums = df[df["kind"] == "revenue_split"].groupby("deal_id")["amount"].sum()
    for i, amt in enumerate(amounts):
        assert sums[i + 1] == Decimal(amt) / 100


def test_exact_amount_inputs_of_every_kind(org: sc.Organisation) -> None:
    common = {
        "id": [1, 2],
        "owner": ["ae", "ae"],
        "close_date": [dt.date(2026, 1, 5)] * 2,
        "currency": ["USD", "JPY"],
        "type": ["new_business"] * 2,
    }
    # decimal128 with more places than the currency but only zeros beyond it: accepted exactly.
    a = sc.Deals(
        org,
        pa.table(
            {**common, "amount": pa.array([Decimal("10.5000"), Decimal("7")], pa.decimal128(18, 4))}
        ),
    )
    b = sc.Deals(org, pl.DataFrame({**common, "amount": ["10.50", "7"]}))
    c = sc.Deals(org, {**common, "amount_minor": [1050, 7]})
    for d in (a, b, c):
        assert d._core.amount_minor.tolist() == [1050, 7]  # JPY has no minor unit
    with pytest.raises(sc.ValidationError) as e:
        sc.Deals(
            org,
            pa.table(
                {
                    **common,
                    "amount": pa.array([Decimal("10.505"), Decimal("7.5")], pa.decimal128(18, 3)),
                }
            ),
        )
    assert [(i["row"], i["field"]) for i in e.value.issues] == [(0, "amount"), (1, "amount")]
