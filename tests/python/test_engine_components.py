"""Worked examples of every component from Python (same numbers as the C++ tests),
plus a property checked against exact Fraction arithmetic as an independent oracle."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN
from decimal import Decimal as D
from fractions import Fraction

import pytest
import salescomp as sc
from hypothesis import given, settings
from hypothesis import strategies as st
from salescomp.engine import (
    calculate_clawback,
    calculate_component,
    calculate_draw,
    calculate_mbo,
    calculate_milestones,
    calculate_payable,
    calculate_spif,
)
from salescomp.plan import Plan


def plan_with(*components, measures=({"id": "m"}, {"id": "n", "aggregation": "count"}), **top):
    return Plan.from_dict(
        {
            "id": "p",
            "currency": "USD",
            "period": "quarter",
            "measures": list(measures),
            "components": list(components),
            **top,
        }
    )


THREE_TIERS = [
    {"from": "0", "to": "0.5", "rate": "0.02"},
    {"from": "0.5", "to": "1.0", "rate": "0.05"},
    {"from": "1.0", "rate": "0.10"},
]


def tiers(mode, **extra):
    return {
        "id": "t",
        "type": "tiered",
        "measure": "m",
        "mode": mode,
        "tiers": THREE_TIERS,
        **extra,
    }


def pay(plan, **inputs):
    return calculate_component(plan, plan.components[0][0], **inputs).amount


def test_flat_rate_rounds_once_with_the_plan_mode():
    # 12,345.70 x 0.05 = 617.285: HalfEven 617.28, HalfUp 617.29
    flat = {"id": "c", "type": "flat_rate", "measure": "m", "rate": "0.05"}
    assert pay(plan_with(flat), measure=D("12345.70")) == D("617.28")
    up = plan_with(flat, rounding={"mode": "HalfUp"})
    e = calculate_component(up, "c", measure="12345.70")
    assert e.amount == D("617.29")
    assert e.exact_value == "617.285"
    assert "HalfUp" in e.to_text()
    with pytest.raises(TypeError):
        calculate_component(up, "c", measure=12345.70)


@pytest.mark.parametrize(
    "mode, measure, expected",
    [
        # 0.02 x 50,000 + 0.05 x 50,000 + 0.10 x 20,000 = 5,500
        ("marginal", "120000", "5500.00"),
        # 0.10 x 120,000
        ("retroactive", "120000", "12000.00"),
        # 0.05 x 80,000
        ("retroactive", "80000", "4000.00"),
        # exactly 100% is in the 10% band (lower edge inclusive): 0.10 x 100,000
        ("retroactive", "100000", "10000.00"),
    ],
)
def test_tier_modes(mode, measure, expected):
    assert pay(plan_with(tiers(mode)), measure=measure, quota="100000") == D(expected)


def test_upper_inclusive_edge_and_hybrid():
    # upper edge inclusive: 100% stays in the 5% band: 0.05 x 100,000 = 5,000
    assert pay(
        plan_with(tiers("retroactive", edge="upper_inclusive")), measure="100000", quota="100000"
    ) == D("5000")
    # hybrid at 100%: 0.05 x 100,000 + 0.10 x 20,000 = 7,000
    hybrid = plan_with(tiers("hybrid", hybrid_threshold="1.0"))
    assert pay(hybrid, measure="120000", quota="100000") == D("7000")


def test_interpolated():
    interpolated = {
        "id": "i",
        "type": "tiered",
        "measure": "m",
        "mode": "interpolated",
        "tiers": [
            {"from": "0", "to": "0.5", "rate": "0.02", "rate_to": "0.04"},
            {"from": "0.5", "to": "1.0", "rate": "0.04", "rate_to": "0.08"},
            {"from": "1.0", "rate": "0.10"},
        ],
    }
    # r = 0.04 + 0.04 x 25,000 / 50,000 = 0.06; 0.06 x 75,000 = 4,500
    e = calculate_component(plan_with(interpolated), "i", measure="75000", quota="100000")
    assert e.amount == D("4500") and e.rate == D("0.06")


def test_accelerator_gate_caps_kicker_and_true_up():
    accel = {
        "id": "a",
        "type": "flat_rate",
        "measure": "m",
        "rate": "0.10",
        "adjustments": [{"direction": "above", "level": "1.0", "multiplier": "1.5"}],
    }
    # 0.10 x 100,000 + 0.15 x 20,000 = 13,000
    assert pay(plan_with(accel), measure="120000", quota="100000") == D("13000")
    gated = {
        "id": "g",
        "type": "flat_rate",
        "measure": "m",
        "rate": "0.10",
        "gate": {
            "measure": "m",
            "basis": "amount",
            "level": "200000",
            "accumulation": "year_to_date",
        },
    }
    # year-to-date 150,000 < 200,000: nothing; at 200,000: 0.10 x 30,000 = 3,000
    assert pay(plan_with(gated), measure="30000", gate_measure="150000") == D("0")
    assert pay(plan_with(gated), measure="30000", gate_measure="200000") == D("3000")
    capped = {
        "id": "k",
        "type": "flat_rate",
        "measure": "m",
        "rate": "0.10",
        "caps": {"per_year": "20000", "soft": {"level": "1.0", "multiplier": "0.5"}},
    }
    # soft: 0.10 x 100,000 + 0.05 x 50,000 = 12,500; year room 20,000 - 10,000 = 10,000
    assert pay(plan_with(capped), measure="150000", quota="100000", paid_in_year="10000") == D(
        "10000"
    )
    per_deal = {
        "id": "d",
        "type": "flat_rate",
        "measure": "m",
        "rate": "0.10",
        "caps": {"per_deal": "3000"},
    }
    # min(5,000, 3,000) + 2,000 + 1,000 = 6,000
    assert pay(plan_with(per_deal), measure="80000", deal_credits=["50000", "20000", "10000"]) == D(
        "6000"
    )
    kicker = {
        "id": "x",
        "type": "flat_rate",
        "measure": "m",
        "rate": "0.10",
        "kicker": {"level": "1", "multiplier": "1.1"},
    }
    assert pay(plan_with(kicker), measure="100000", quota="100000") == D("11000")
    ytd = {
        "id": "y",
        "type": "tiered",
        "measure": "m",
        "accumulation": "year_to_date",
        "tiers": [{"from": "0", "to": "1", "rate": "0.05"}, {"from": "1", "rate": "0.10"}],
    }
    # earned 0.05 x 200,000 + 0.10 x 50,000 = 15,000 minus 5,000 paid in Q1 = 10,000
    e = calculate_component(
        plan_with(ytd), "y", measure="250000", quota="200000", paid_before="5000"
    )
    assert e.amount == D("10000") and e.prior_paid == D("5000.00")


def test_curves_units_and_overrides():
    ti = {
        "id": "ti",
        "type": "target_incentive",
        "measure": "m",
        "target": "10000",
        "curve": {
            "points": [
                {"attainment": "0", "factor": "0"},
                {"attainment": "1", "factor": "1"},
                {"attainment": "1.3", "factor": "1.45"},
            ]
        },
    }
    # f(1.15) = 1 + 1.5 x 0.15 = 1.225 -> 12,250
    assert pay(plan_with(ti), measure="115000", quota="100000") == D("12250")
    unit = {"id": "u", "type": "per_unit", "measure": "n", "amount_per_unit": "50"}
    assert pay(plan_with(unit), count=37) == D("1850")  # 37 x 50
    override = {
        "id": "o",
        "type": "manager_override",
        "measure": "m",
        "basis": "above_threshold",
        "rate": "0.02",
        "threshold": "1000000",
    }
    # 0.02 x 234,567.89 = 4,691.3578 -> 4,691.36
    assert pay(plan_with(override), measure="1234567.89") == D("4691.36")


def test_milestones_spif_mbo():
    plan = plan_with(
        {
            "id": "ms",
            "type": "milestone_bonus",
            "measure": "m",
            "milestones": [
                {"id": "q100", "attainment": "1", "amount": "2000"},
                {"id": "q150", "attainment": "1.5", "amount": "3000"},
            ],
        },
        {
            "id": "sp",
            "type": "spif",
            "deal_types": ["new_business"],
            "from": "2026-03-01",
            "to": "2026-03-31",
            "amount_per_deal": "500",
            "rate": "0.01",
        },
        {
            "id": "mbo",
            "type": "mbo",
            "target": "5000",
            "objectives": [
                {"id": "pipeline", "weight": "0.6"},
                {"id": "enablement", "weight": "0.4"},
            ],
        },
    )
    lines, ids = calculate_milestones(
        plan, "ms", measure="160000", quota="100000", already_paid=["q100"]
    )
    assert ids == ["q150"] and [line.amount for line in lines] == [D("3000.00")]
    spif = calculate_spif(
        plan,
        "sp",
        [
            {
                "deal": 1,
                "date": dt.date(2026, 3, 31),
                "deal_type": "new_business",
                "credit": "20000",
            },  # 500 + 200
            {
                "deal": 2,
                "date": "2026-04-01",
                "deal_type": "new_business",
                "credit": "20000",
            },  # outside
        ],
    )
    assert [(d, e.amount) for d, e in spif] == [(1, D("700.00"))]
    # 5,000 x (0.6 x 1 + 0.4 x 0.5) = 4,000
    assert calculate_mbo(plan, "mbo", {"pipeline": "1.2", "enablement": D("0.5")}).amount == D(
        "4000"
    )


def test_draws_clawbacks_and_timing():
    plan = plan_with(
        {
            "id": "g",
            "type": "draw",
            "kind": "recoverable_guarantee",
            "amount": "5000",
            "term_periods": 3,
            "forgive_at_term_end": True,
        },
        {"id": "cb", "type": "clawback", "window_days": 90, "method": "pro_rata_unserved_term"},
        payout_timing={"basis": "booking", "holdback": {"share": "0.2", "release_after_days": 90}},
    )
    p1 = calculate_draw(plan, "g", earnings="3000")
    assert p1["paid"] == D("2000") and p1["guarantee_balance"] == D("2000")
    p2 = calculate_draw(
        plan, "g", earnings="6000", guarantee_balance=p1["guarantee_balance"], periods_elapsed=1
    )
    assert p2["recovered"] == D("-1000") and p2["guarantee_balance"] == D("1000")
    p3 = calculate_draw(
        plan, "g", earnings="5500", guarantee_balance=p2["guarantee_balance"], periods_elapsed=2
    )
    assert (p3["recovered"], p3["forgiven"], p3["guarantee_balance"]) == (
        D("-500"),
        D("500"),
        D("0"),
    )
    # 275 of 365 days unserved: 1,000 x 275 / 365 = 753.42...
    cb = calculate_clawback(
        plan,
        "cb",
        close="2026-01-01",
        cancellation=dt.date(2026, 4, 1),
        paid="1000",
        term_months=12,
    )
    assert cb.amount == D("-753.42")
    assert (
        calculate_clawback(
            plan, "cb", close="2026-01-01", cancellation="2026-04-02", paid="1000", term_months=12
        )
        is None
    )
    # 20% held back until 2026-04-15
    e = calculate_payable(plan, "c", earned="1000", close="2026-01-15", period_end="2026-03-31")
    assert e.amount == D("800")


@settings(max_examples=300, deadline=None)
@given(
    measure=st.integers(-(10**9), 10**10),
    quota=st.integers(1, 10**10),
    rates=st.lists(st.integers(0, 200), min_size=3, max_size=3),
    mode=st.sampled_from(["marginal", "retroactive"]),
)
def test_tiers_match_an_exact_oracle(measure, quota, rates, mode):
    """The engine against Fraction arithmetic written from DOMAIN.md's formulas (cents)."""
    r = [Fraction(x, 1000) for x in rates]
    plan = plan_with(
        {
            "id": "t",
            "type": "tiered",
            "measure": "m",
            "mode": mode,
            "tiers": [
                {"from": "0", "to": "0.5", "rate": str(D(rates[0]) / 1000)},
                {"from": "0.5", "to": "1.0", "rate": str(D(rates[1]) / 1000)},
                {"from": "1.0", "rate": str(D(rates[2]) / 1000)},
            ],
        }
    )
    x, q = Fraction(measure), Fraction(quota)
    lo = [Fraction(0), q / 2, q]
    hi = [q / 2, q, None]
    if x <= 0:
        exact = r[0] * x
    elif mode == "marginal":
        exact = sum(
            r[i] * max(Fraction(0), (x if hi[i] is None else min(x, hi[i])) - lo[i])
            for i in range(3)
        )
    else:
        exact = r[max(i for i in range(3) if x >= lo[i])] * x
    cents = (D(exact.numerator) / D(exact.denominator)).quantize(D(1), rounding=ROUND_HALF_EVEN)
    got = pay(
        plan,
        measure=sc.Money.from_minor(measure, "USD").amount,
        quota=sc.Money.from_minor(quota, "USD").amount,
    )
    assert got == cents / 100
