"""Published examples recomputed from Python (sources cited; the formula wins where a
source's own arithmetic is wrong)."""

from __future__ import annotations

from decimal import Decimal as D

from salescomp.engine import calculate_component, calculate_draw
from salescomp.plan import Plan


def amount_tiers(*bands):
    tiers = [{"from": lo, **({"to": hi} if hi else {}), "rate": r} for lo, hi, r in bands]
    return Plan.from_dict(
        {
            "id": "p",
            "currency": "USD",
            "period": "month",
            "measures": [{"id": "m"}],
            "components": [
                {"id": "t", "type": "tiered", "measure": "m", "basis": "amount", "tiers": tiers}
            ],
        }
    )


def test_sparrowgenie_non_retroactive():
    # https://www.sparrowgenie.com/sales-commission-models/non-retroactive-commission
    # 3% to 300k, 5% to 500k, 7% above; 600k -> 9,000 + 10,000 + 7,000 = 26,000
    plan = amount_tiers(
        ("0", "300000", "0.03"), ("300000", "500000", "0.05"), ("500000", None, "0.07")
    )
    assert calculate_component(plan, "t", measure="600000").amount == D("26000.00")


def test_mytime_tiers_and_its_slip():
    # https://help.mytime.com/hc/en-us/articles/360046956372 : 25% to 500, 30% to 3,000, 40% above.
    # 5,000 -> 125 + 750 + 800 = 1,675.00 as published; 1,500 -> 125 + 300 = 425.00
    # (the page prints 424.98, which its own terms do not give).
    plan = amount_tiers(("0", "500", "0.25"), ("500", "3000", "0.30"), ("3000", None, "0.40"))
    assert calculate_component(plan, "t", measure="5000").amount == D("1675.00")
    assert calculate_component(plan, "t", measure="1500").amount == D("425.00")


def test_xactly_draw_example():
    # https://www.xactlycorp.com/blog/non-recoverable-draw/ : draw 1,500; August earns 500 -> paid 1,500,
    # 1,000 carried; September earns 3,000 -> 2,000 after repaying 1,000 (non-recoverable: 3,000).
    for kind, september_pay in (
        ("recoverable_guarantee", D("2000")),
        ("non_recoverable_guarantee", D("3000")),
    ):
        plan = Plan.from_dict(
            {
                "id": "p",
                "currency": "USD",
                "period": "month",
                "measures": [],
                "components": [
                    {"id": "d", "type": "draw", "kind": kind, "amount": "1500", "term_periods": 12}
                ],
            }
        )
        aug = calculate_draw(plan, "d", earnings="500")
        assert D("500") + aug["paid"] + aug["recovered"] == D("1500")
        sep = calculate_draw(
            plan,
            "d",
            earnings="3000",
            guarantee_balance=aug["guarantee_balance"],
            periods_elapsed=1,
        )
        assert D("3000") + sep["paid"] + sep["recovered"] == september_pay
