"""Plan cost modelling: hand-computed variants, and every variant equal to its own run_period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from salescomp import tables
from salescomp.engine import run_period
from salescomp.plan import Plan
from salescomp.planning.plan_cost import Variant, plan_cost

PERIOD = {
    "start": dt.date(2026, 1, 1),
    "end": dt.date(2026, 3, 31),
    "quarter_start": dt.date(2026, 1, 1),
    "year_start": dt.date(2026, 1, 1),
}


def tiered(top_rate="0.10", cap=None, plan_id="ae"):
    component = {
        "id": "commission",
        "type": "tiered",
        "measure": "bookings",
        "basis": "attainment",
        "mode": "marginal",
        "tiers": [{"from": "0", "to": "1", "rate": "0.05"}, {"from": "1", "rate": top_rate}],
    }
    if cap:
        component["caps"] = {"per_period": cap}
    return Plan.from_dict(
        {
            "id": plan_id,
            "currency": "USD",
            "period": "quarter",
            "measures": [{"id": "bookings"}],
            "components": [component],
        }
    )


def small():
    credits = {
        "person": [0, 0, 1],
        "deal": [0, 1, 2],
        "date": ["2026-01-15", "2026-02-10", "2026-03-01"],
        "amount": [Decimal("7000.00"), Decimal("5000.00"), Decimal("5000.00")],
        "currency": ["USD"] * 3,
    }
    quotas = [
        {"person": p, "measure": "bookings", "period_start": PERIOD["start"], "amount": "10000"}
        for p in (0, 1)
    ]
    assignments = [
        {"person": p, "plan": "ae", "from": dt.date(2026, 1, 1), "to": None} for p in (0, 1)
    ]
    return dict(
        plans=[tiered()], assignments=assignments, credits=credits, period=PERIOD, quotas=quotas
    )


def test_hand_computed_variants():
    # Person 0: 12,000 credited on a 10,000 quota (attainment 1.2); person 1: 5,000 (0.5).
    # base:   p0 = 10,000 x 5% + 2,000 x 10% = 700.00;  p1 = 5,000 x 5% = 250.00;  total 950.00
    # rich:   top rate 15%: p0 = 500 + 300 = 800.00;    p1 = 250.00;              total 1,050.00
    # quota:  quotas x 1.2 = 12,000: p0 = 12,000 x 5% = 600.00 (no tier 2), p1 = 250.00; total 850.00
    # capped: per-period cap 650: p0 = 650.00, p1 = 250.00; total 900.00
    # Bookings: the 17,000.00 credited in the quarter; cost of sales = payout / 17,000.
    result = plan_cost(
        [
            Variant("base"),
            Variant("rich", [tiered("0.15")]),
            Variant("quota", quota_factor="1.2"),
            Variant("capped", [tiered(cap="650")]),
        ],
        **small(),
    )
    t = result.totals.to_pydict()
    assert t["variant"] == ["base", "rich", "quota", "capped"]
    assert t["payout"] == [
        Decimal("950.00"),
        Decimal("1050.00"),
        Decimal("850.00"),
        Decimal("900.00"),
    ]
    assert t["bookings"] == [Decimal("17000.00")] * 4
    assert t["cost_of_sales"][0] == pytest.approx(950 / 17000)
    p = result.payouts.to_pydict()
    assert p["base"] == [Decimal("700.00"), Decimal("250.00")] and p["rich"] == [
        Decimal("800.00"),
        Decimal("250.00"),
    ]
    assert p["attainment"] == [pytest.approx(1.2), pytest.approx(0.5)]
    m = result.movers("rich").to_pydict()
    assert m["direction"] == ["gain"] and m["person"] == [0] and m["change"] == [Decimal("100.00")]
    m = result.movers("quota").to_pydict()
    assert m["direction"] == ["loss"] and m["change"] == [Decimal("-100.00")]
    curve = result.curves.to_pandas()
    base = curve[curve.variant == "base"].set_index("band")
    assert base.loc["50%-75%", "people"] == 1 and base.loc["50%-75%", "payout"] == Decimal("250.00")
    assert (
        base.loc["100%-125%", "payout"] == Decimal("700.00") and base.loc["0%-50%", "people"] == 0
    )
    assert "Plan cost" in result._repr_html_()


def _synthetic(people=300, per_person=20, seed=4):
    rng = np.random.Generator(np.random.PCG64(seed))
    n = people * per_person
    person = np.repeat(np.arange(people, dtype=np.int32), per_person)
    cents = rng.integers(1_000_00, 40_000_00, size=n)
    days = tables.to_days(["2026-01-01"])[0] + rng.integers(0, 90, size=n)
    credits = pa.table(
        {
            "person": person,
            "deal": np.arange(n, dtype=np.int64),
            "date": pa.array(days.astype(np.int32), pa.int32()).cast(pa.date32()),
            "amount": tables.minor_to_arrow(cents, "USD"),
            "currency": pa.array(["USD"] * n),
        }
    )
    quotas = [
        {
            "person": p,
            "measure": "bookings",
            "period_start": PERIOD["start"],
            "amount": str(200_000 + 1_000 * (p % 50)),
        }
        for p in range(people)
    ]
    assignments = [
        {"person": p, "plan": "ae" if p % 3 else "ae2", "from": dt.date(2026, 1, 1), "to": None}
        for p in range(people)
    ]
    plans = [tiered(), tiered(plan_id="ae2", cap="30000")]
    return dict(plans=plans, assignments=assignments, credits=credits, period=PERIOD, quotas=quotas)


def test_every_variant_equals_its_own_run_period():
    inputs = _synthetic()
    variants = [
        Variant("base"),
        Variant("accelerated", [tiered("0.18")]),
        Variant("harder", quota_factor="1.15"),
        Variant("capped", [tiered(cap="12000"), tiered("0.2", plan_id="ae2", cap="9000")]),
    ]
    result = plan_cost(variants, **inputs, threads=2)
    for v in variants:
        plans = [next((p for p in v.plans if p.id == b.id), b) for b in inputs["plans"]]
        quotas = [
            dict(
                q,
                amount=str(
                    (Decimal(q["amount"]) * Decimal(str(v.quota_factor or 1))).quantize(
                        Decimal("0.01")
                    )
                ),
            )
            for q in inputs["quotas"]
        ]
        run = run_period(**dict(inputs, plans=plans, quotas=quotas), explanations=False)
        expected = {s.person: s.total for s in run.statements}
        got = dict(
            zip(
                result.payouts.column("person").to_pylist(),
                result.payouts.column(v.name).to_pylist(),
            )
        )
        assert {p: got[p] for p in expected} == expected
        assert all(got[p] == 0 for p in got if p not in expected)
        total = sum(expected.values(), Decimal(0))
        row = [r for r in result.totals.to_pylist() if r["variant"] == v.name]
        assert row[0]["payout"] == total
    # The variants differ, so the comparison means something.
    payouts = result.totals.column("payout").to_pylist()
    assert len(set(payouts)) == 4


def test_bad_variants():
    with pytest.raises(ValueError, match="not in the base plan set"):
        plan_cost([Variant("x", [tiered(plan_id="other")])], **small())
    with pytest.raises(ValueError, match="unique"):
        plan_cost([Variant("x"), Variant("x")], **small())


def test_same_payouts_for_any_thread_count_and_row_order():
    inputs = _synthetic(people=120, per_person=15, seed=9)
    variants = [Variant("base"), Variant("accelerated", [tiered("0.18")])]
    one = plan_cost(variants, **inputs, threads=1)
    credits = inputs["credits"]
    shuffled = credits.take(
        pa.array(np.random.Generator(np.random.PCG64(1)).permutation(credits.num_rows))
    )
    two = plan_cost(variants, **dict(inputs, credits=shuffled), threads=2)
    assert (
        one.payouts.equals(two.payouts)
        and one.totals.equals(two.totals)
        and one.curves.equals(two.curves)
    )


def test_one_engine_call_for_every_variant(monkeypatch):
    # Every variant runs inside one C++ call (salescomp::run_variants): no period run per
    # variant from Python.
    from salescomp import _core

    calls = []
    real = _core._run_variants

    def spy(**kw):
        calls.append([name for name, _plans, _factor in kw["variants"]])
        return real(**kw)

    def no_run_period(**kw):
        raise AssertionError("plan_cost ran a period per variant")

    monkeypatch.setattr(_core, "_run_variants", spy)
    monkeypatch.setattr(_core, "_run_period", no_run_period)
    result = plan_cost([Variant("base"), Variant("rich", [tiered("0.15")])], **small())
    assert calls == [["base", "rich"]]
    assert result.totals.column("payout").to_pylist() == [Decimal("950.00"), Decimal("1050.00")]


def test_people_paid_nothing_are_on_the_curve_and_factors_are_exact():
    # Person 2 has the plan and a 10,000 quota but no credit: paid 0.00, attainment 0, in the
    # 0-50% band of every variant (people 1, payout 0). A factor with 13 decimals is refused
    # (quota factors are exact 12-place rates), not rounded.
    inputs = small()
    inputs["assignments"] = inputs["assignments"] + [
        {"person": 2, "plan": "ae", "from": dt.date(2026, 1, 1), "to": None}
    ]
    inputs["quotas"] = inputs["quotas"] + [
        {"person": 2, "measure": "bookings", "period_start": PERIOD["start"], "amount": "10000"}
    ]
    result = plan_cost([Variant("base")], **inputs)
    p = result.payouts.to_pydict()
    assert p["base"] == [Decimal("700.00"), Decimal("250.00"), Decimal("0.00")]
    assert p["currency"] == ["USD"] * 3 and p["attainment"][2] == 0.0
    low = [r for r in result.curves.to_pylist() if r["band"] == "0%-50%"][0]
    assert low["people"] == 1 and low["payout"] == Decimal("0.00")
    assert result.totals.column("people_paid").to_pylist() == [2]
    with pytest.raises(ValueError):
        plan_cost([Variant("x", quota_factor="1.0000000000001")], **small())
