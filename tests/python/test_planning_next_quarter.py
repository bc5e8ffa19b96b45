"""The demo company's next quarter: consistency with the close, the report section, the CLI."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from salescomp import demo
from salescomp.cli import main
from salescomp.planning import next_quarter
from salescomp.report import close_quarter, render_html


@pytest.fixture(scope="module")
def company():
    return demo.load()


@pytest.fixture(scope="module")
def close(company):
    return close_quarter(company, 3, progress=False)


@pytest.fixture(scope="module")
def nq(company, close):
    return next_quarter(company, close=close, simulations=2_000)


def test_next_quarter_of_the_demo(nq):
    assert (
        nq.label == "FY2027-Q1" and str(nq.first) == "2027-01-01" and str(nq.last) == "2027-03-31"
    )
    c = nq.forecast.company()
    assert c["p10"] <= c["p50"] <= c["p90"]
    # Quota: 8 USD AEs x 300,000 + 4 EUR AEs x 270,000 x 1.08 = 2,400,000 + 1,166,400.
    assert nq.coverage["quota"] == Decimal("3566400.00")
    assert nq.backtest.quarters.num_rows == 9 and nq.capacity.hires >= 0
    assert nq.retention.num_rows == 3


def test_baseline_plan_cost_equals_the_close(nq, close):
    # The baseline variant is the closed quarter's own run: the same total for every person.
    got = dict(
        zip(
            nq.plan_cost.payouts.column("person").to_pylist(),
            nq.plan_cost.payouts.column("baseline").to_pylist(),
        )
    )
    assert {s.person: got[s.person] for s in close.run.statements} == {
        s.person: s.total for s in close.run.statements
    }
    ids = nq.plan_cost.payouts.column("person_id").to_pylist()
    assert ids == list(close.person_ids)  # the user's ids beside the run indexes
    movers = nq.plan_cost.movers("accelerator_2x", 3).to_pydict()
    assert movers["person_id"] == [close.person_ids[p] for p in movers["person"]]
    totals = {(r["variant"], r["currency"]): r["payout"] for r in nq.plan_cost.totals.to_pylist()}
    assert (
        totals[("accelerator_2x", "USD")]
        > totals[("baseline", "USD")]
        > totals[("quotas_plus_10pct", "USD")]
    )


def test_report_section(close, nq):
    close.next_quarter = nq
    try:
        page = render_html(close, {})
    finally:
        del close.next_quarter
    assert "<section id='next-quarter'>" in page and "Next quarter: FY2027-Q1" in page
    assert "Capacity plan" in page and "Cost of plan variants" in page
    assert "next-quarter" not in render_html(close, {})


def test_cli_plan_json_and_out(tmp_path, capsys):
    out = tmp_path / "plan"
    assert main(["plan", "--simulations", "1000", "--json", "--quiet", "--out", str(out)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["quarter"] == "FY2027-Q1" and doc["forecast"]["p10"] <= doc["forecast"]["p90"]
    assert (out / "next_quarter.html").exists() and (out / "forecast.csv").exists()
    assert (out / "plan_cost.csv").exists() and (out / "backtest.csv").exists()


def test_cli_plan_on_a_history_file(tmp_path, capsys, company):
    from salescomp.demo._opportunities import opportunity_history

    opportunities, stages = opportunity_history(company)
    pacsv.write_csv(opportunities, tmp_path / "opportunities.csv")
    pacsv.write_csv(stages, tmp_path / "stages.csv")
    args = [
        "plan",
        "--history",
        str(tmp_path / "opportunities.csv"),
        "--stage-history",
        str(tmp_path / "stages.csv"),
        "--as-of",
        "2026-11-13",
        "--rate",
        "EUR=1.08",
        "--simulations",
        "500",
        "--quiet",
    ]
    assert main(args) == 0
    assert "Next quarter FY2027-Q1" in capsys.readouterr().out
    # A bad cell: exit 2, naming the file, row, column and value.
    bad = opportunities.set_column(
        6,
        "amount",
        pa.array(["12.345"] + [str(x) for x in opportunities.column("amount").to_pylist()[1:]]),
    )
    pacsv.write_csv(bad, tmp_path / "bad.csv")
    assert (
        main(
            [
                "plan",
                "--history",
                str(tmp_path / "bad.csv"),
                "--as-of",
                "2026-11-13",
                "--rate",
                "EUR=1.08",
                "--quiet",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "bad.csv row 1, amount '12.345'" in err and "nothing was written" in err
    (tmp_path / "semi.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    assert (
        main(["plan", "--history", str(tmp_path / "semi.csv"), "--as-of", "2026-11-13", "--quiet"])
        == 2
    )
    assert "separated by ';'" in capsys.readouterr().err


def test_forecast_pay_by_hand(company, close, nq):
    from decimal import ROUND_HALF_EVEN

    from salescomp.planning.forecast_pay import forecast_pay

    t = nq.forecast_pay.to_pydict()
    assert (
        t["scenario"] == ["p10", "p10", "p50", "p50", "p90", "p90"]
        and t["currency"] == ["EUR", "USD"] * 3
    )
    assert t["pay"][1] <= t["pay"][3] <= t["pay"][5]  # USD pay grows with the scenario
    # One USD AE alone (ae_east_1, plan ae_usd, quota 300,000): the P50 bookings become one
    # credit rounded to cents; below quota the marginal tiers pay 4% to 150,000 and 8% above:
    # pay = 150,000 x 0.04 + (x - 150,000) x 0.08, rounded once to cents.
    row = next(r for r in nq.forecast.summary.to_pylist() if r["name"] == "ae_east_1")
    x = Decimal(repr(row["p50"])).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
    assert 150_000 < x < 300_000
    i = list(close.person_ids).index("ae_east_1")
    quota = [
        {
            "person": i,
            "measure": "bookings",
            "period_start": nq.first,
            "amount": "300000",
            "currency": "USD",
        }
    ]
    period = {"start": nq.first, "end": nq.last, "quarter_start": nq.first, "year_start": nq.first}
    one = forecast_pay(
        nq.forecast.summary,
        person_index={"ae_east_1": i},
        plans=[close.plans["ae_usd"]],
        assignments=[{"person": i, "plan": "ae_usd", "from": nq.first, "to": None}],
        quotas=quota,
        period=period,
        rates={},
        reporting_currency="USD",
    ).to_pydict()
    expected = (Decimal(6000) + (x - 150_000) * Decimal("0.08")).quantize(
        Decimal("0.01"), ROUND_HALF_EVEN
    )
    assert one["bookings"][1] == x and one["pay"][1] == expected


def test_attrition_learned_from_the_roster(company):
    from salescomp.planning.next_quarter import DEFAULT_ATTRITION, _attrition, _tenures

    owners = [f"ae_{t}_{i}" for t in ("east", "west", "emea") for i in range(1, 5)]
    # The demo's roster has no end dates: the assumption is used, and said.
    assert _attrition(company, owners, company.as_of, None) == (
        DEFAULT_ATTRITION,
        "assumed: the roster shows no leaver in the last 12 months",
    )
    # Two of the 12 AEs left on 2026-06-30. Over 2025-11-14 .. 2026-11-13 (364 + 1 days) they
    # were employed 229 days each, the other 10 the 365 days (ae_west_4 from 2026-04-01: 227):
    # months = (2 x 229 + 9 x 365 + 227) / (365.25 / 12); hazard h = 2 / months;
    # annual = 1 - (1 - h)^12.
    p = company.people
    ends = [
        "2026-06-30" if x in ("ae_east_2", "ae_west_1") else None
        for x in p.column("person_id").to_pylist()
    ]
    left = type(company)(
        **{**company.__dict__, "people": p.append_column("end_date", pa.array(ends, pa.string()))}
    )
    annual, note = _attrition(left, owners, company.as_of, None)
    h = 2 / ((2 * 229 + 9 * 365 + 227) / (365.25 / 12))
    assert annual == pytest.approx(1 - (1 - h) ** 12) and note.startswith("learned: 2 leavers")
    # Who left is not in next quarter's team.
    team = _tenures(left, owners, dt.date(2027, 1, 1))
    assert (
        "ae_east_2" not in team and len(team) == 10 and team["ae_west_4"] == 9
    )  # Apr 2026 .. Dec 2026
    assert _attrition(company, owners, company.as_of, 0.2) == (0.2, "given")


def test_demo_report_has_the_next_quarter_section(tmp_path, capsys):
    # `salescomp demo --out` closes FY2026-Q3 and plans FY2027-Q1 in report.html.
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--format", "csv", "--quiet", "--no-progress"]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<section id='next-quarter'>" in page and "Next quarter: FY2027-Q1" in page
    assert "80% interval" in page and "from open pipeline weighted by stage win" in page
    assert "Funnel by source" in page and "Capacity plan" in page
    assert "Cost of plan variants (FY2026-Q3 credits)" in page and "quotas_plus_10pct" in page
    # --no-html skips the section's work with the report.
    assert main(["demo", "--out", str(tmp_path / "bare"), "--no-html", "--quiet", "--no-progress"]) == 0
    assert not (tmp_path / "bare" / "report.html").exists()
