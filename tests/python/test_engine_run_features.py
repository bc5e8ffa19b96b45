"""Run features from Python: payout timing with holdbacks and collections, credits and
statements in other currencies, mid-period plan changes, explanations on demand, and the
credits given as pandas / pyarrow / polars / Arrow PyCapsule tables with exact amounts."""

from __future__ import annotations

from decimal import Decimal as D

import pandas as pd
import pyarrow as pa
import pytest
import salescomp as sc
from salescomp.engine import run_period
from salescomp.plan import Plan

Q1 = {"start": "2026-01-01", "end": "2026-03-31", "quarter_start": "2026-01-01", "year_start": "2026-01-01"}
Q2 = {"start": "2026-04-01", "end": "2026-06-30", "quarter_start": "2026-04-01", "year_start": "2026-01-01"}


def flat(timing=None, currency="USD", plan_id="ae", rate="0.10", extra=()):
    doc = {
        "id": plan_id,
        "currency": currency,
        "period": "quarter",
        "measures": [{"id": "bookings"}],
        "components": [{"id": "commission", "type": "flat_rate", "measure": "bookings", "rate": rate}, *extra],
    }
    if timing:
        doc["payout_timing"] = timing
    return Plan.from_dict(doc)


def credits(rows, currency="USD"):
    """rows: (deal, date, amount)."""
    return pd.DataFrame(
        {
            "person": [0] * len(rows),
            "deal": [r[0] for r in rows],
            "date": [r[1] for r in rows],
            "amount": [D(r[2]) for r in rows],
            "currency": [currency] * len(rows),
        }
    )


ONE = [{"person": 0, "plan": "ae", "from": "2026-01-01", "to": None}]


def test_holdback_released_in_the_next_quarter():
    deals = {"close_date": ["2026-01-10", "2026-03-20"]}
    c = credits([(0, "2026-01-10", "10000"), (1, "2026-03-20", "5000")])
    plan = flat({"basis": "booking", "holdback": {"share": "0.2", "release_after_days": 90}})
    q1 = run_period(plans=[plan], assignments=ONE, credits=c, deals=deals, period=Q1)
    # 10% of 15,000 = 1,500 earned; 20% of each deal's share held: -200 and -100.
    assert q1.statement(0).total == D("1200.00")
    timing = q1.to_pandas().query("component == 'payout_timing'")
    assert timing["amount"].tolist() == [D("-200.00"), D("-100.00")]
    assert timing["deal"].tolist() == [0, 1]
    q2 = run_period(plans=[plan], assignments=ONE, credits=c, deals=deals, period=Q2, state=q1.next_state)
    assert q2.statement(0).total == D("300.00")  # both released by Jun 30


def test_pay_on_collection_pro_rata():
    deals = {"close_date": ["2026-01-10"], "amount": [D("10000")], "currency": ["USD"]}
    collections = {"deal": [0, 0], "date": ["2026-02-01", "2026-05-05"], "amount": [D("4000"), D("6000")]}
    c = credits([(0, "2026-01-10", "10000")])
    plan = flat({"basis": "collection"})
    q1 = run_period(plans=[plan], assignments=ONE, credits=c, deals=deals, period=Q1, collections=collections)
    assert q1.statement(0).total == D("400.00")  # 1,000 x 4,000 / 10,000
    q2 = run_period(plans=[plan], assignments=ONE, credits=c, deals=deals, period=Q2,
                    collections=collections, state=q1.next_state)
    assert q2.statement(0).total == D("600.00")


def test_credits_in_eur_paid_in_eur():
    fx = sc.FxTable()
    fx.add("EUR", "USD", "2026-01-01", "1.10")
    fx.add("EUR", "USD", "2026-02-01", "1.20")
    c = credits([(0, "2026-01-15", "1000"), (1, "2026-02-15", "1000")], currency="EUR")
    with pytest.raises(sc.ValidationError) as e:
        run_period(plans=[flat()], assignments=ONE, credits=c, period=Q1)
    assert "EUR" in str(e.value) and "credits.currency" in str(e.value)
    r = run_period(plans=[flat()], assignments=ONE, credits=c, period=Q1, fx=fx, pay_currencies={0: "EUR"})
    # 1,000 x 1.10 + 1,000 x 1.20 = 2,300 USD -> 230.00 USD; / 1.20 = 191.666... -> 191.67 EUR.
    s = r.statement(0)
    assert (s.total, s.currency, s.pay_total, s.pay_currency) == (D("230.00"), "USD", D("191.67"), "EUR")
    table = r.to_arrow()
    assert table.column("pay_amount").type == pa.decimal128(38, 2)
    assert table.column("pay_amount").to_pylist() == [D("191.67")]
    r2 = run_period(plans=[flat()], assignments=ONE, credits=c, period=Q1, fx=fx, fx_date="period_end")
    assert r2.statement(0).total == D("240.00")  # 2,000 x 1.20 x 10%


def plan_change_run(split):
    a = flat(plan_id="a", rate="0.05")
    b = Plan.from_dict({
        "id": "b", "currency": "USD", "period": "quarter", "measures": [{"id": "bookings"}],
        "components": [{"id": "commission", "type": "tiered", "measure": "bookings", "mode": "retroactive",
                        "tiers": [{"from": "0", "to": "1", "rate": "0.05"}, {"from": "1", "rate": "0.10"}]}]})
    return run_period(
        plans=[a, b],
        assignments=[{"person": 0, "plan": "a", "from": "2026-01-01", "to": "2026-02-14"},
                     {"person": 0, "plan": "b", "from": "2026-02-15", "to": None}],
        credits=credits([(0, "2026-01-20", "10000"), (1, "2026-03-01", "20000")]),
        quotas=[{"person": 0, "measure": "bookings", "period_start": "2026-01-01", "amount": "40000"}],
        period=Q1, plan_change=split)


def test_mid_period_plan_change_both_settings():
    # credits_by_date: a pays 5% x 10,000 = 500; b's quota 40,000 x 45/90 = 20,000 is
    # reached by the 20,000 of Mar 1 -> 10% = 2,000.
    r = plan_change_run("credits_by_date")
    assert [line["amount"] for line in r.lines] == [D("500.00"), D("2000.00")]
    assert r.statement(0).plan == "a -> b"
    # prorated_targets: a on all 30,000 x 5% x 45/90 = 750; b at 75% -> 5% x 30,000 x 45/90 = 750.
    r = plan_change_run("prorated_targets")
    assert r.statement(0).total == D("1500.00")
    with pytest.raises(sc.ValidationError):
        plan_change_run("by_magic")


def test_explanations_on_demand_match_the_full_run():
    c = credits([(0, "2026-01-10", "10000"), (1, "2026-03-20", "5000")])
    deals = {"close_date": ["2026-01-10", "2026-03-20"]}
    plan = flat({"basis": "booking", "holdback": {"share": "0.2", "release_after_days": 90}})
    full = run_period(plans=[plan], assignments=ONE, credits=c, deals=deals, period=Q1)
    lean = run_period(plans=[plan], assignments=ONE, credits=c, deals=deals, period=Q1, explanations=False)
    assert [line["explanation"] for line in lean.lines] == [None, None, None]
    for i in range(len(full.lines)):
        assert lean.lines[i]["amount"] == full.lines[i]["amount"]
        assert lean.explain(i).to_text() == full.explain(i).to_text()
    assert lean.statement(0).explain(1).amount == D("-200.00")


@pytest.mark.parametrize("kind", ["pandas", "arrow", "polars", "capsule", "dict"])
def test_credit_tables_in_every_form_give_the_same_cents(kind):
    amounts = [D("1234.57"), D("0.01"), D("99999999.99")]
    base = pd.DataFrame({"person": [0, 0, 0], "deal": [0, 1, 2],
                         "date": pd.to_datetime(["2026-01-05", "2026-02-05", "2026-03-05"]).date,
                         "amount": amounts, "currency": ["USD"] * 3, "kind": ["direct"] * 3})
    table = pa.Table.from_pandas(base, preserve_index=False).cast(pa.schema([
        ("person", pa.int32()), ("deal", pa.int64()), ("date", pa.date32()), ("amount", pa.decimal128(20, 2)),
        ("currency", pa.string()), ("kind", pa.string())]))
    if kind == "pandas":
        given = base
    elif kind == "arrow":
        given = table
    elif kind == "polars":
        pl = pytest.importorskip("polars")
        given = pl.from_arrow(table)
    elif kind == "capsule":
        class Stream:  # only the Arrow PyCapsule stream interface
            def __arrow_c_stream__(self, requested_schema=None):
                return table.__arrow_c_stream__(requested_schema)
        given = Stream()
    else:
        given = {k: list(v) for k, v in base.to_dict(orient="list").items()}
    r = run_period(plans=[flat(rate="1")], assignments=ONE, credits=given, period=Q1)
    # rate 1: the commission is the exact sum 1,234.57 + 0.01 + 99,999,999.99.
    assert r.statement(0).total == D("100001234.57")


def test_float_amounts_are_refused():
    c = credits([(0, "2026-01-10", "10")])
    c["amount"] = [10.0]
    with pytest.raises(sc.InputTypeError):
        run_period(plans=[flat()], assignments=ONE, credits=c, period=Q1)


def test_run_result_renders_in_jupyter():
    deals = {"close_date": ["2026-01-10", "2026-03-20"]}
    c = credits([(0, "2026-01-10", "10000"), (1, "2026-03-20", "5000")])
    plan = flat({"basis": "booking", "holdback": {"share": "0.2", "release_after_days": 90}}, plan_id="a<b")
    r = run_period(plans=[plan], assignments=[{"person": 0, "plan": "a<b", "from": "2026-01-01", "to": None}],
                   credits=c, deals=deals, period=Q1)
    page = r._repr_html_()
    assert "1,200.00" in page  # 1,500 earned - 300 held back
    assert "a&lt;b" in page and "a<b" not in page
    assert "1,200.00" in r.statement(0)._repr_html_() or "1200.00" in r.statement(0)._repr_html_()
