"""Issue 12: inputs that changed pay with exit 0. Period bounds are never guessed, missing MBO
achievements and achievements for unknown people are errors, roll-ups of deals dated before
the owner's start are refused, position-based shares must sum to 1, the amortisation plug's
regular months take the policy's rounding, and batch scales are checked."""

from __future__ import annotations

from decimal import Decimal as D

import numpy as np
import pandas as pd
import pytest
import salescomp as sc
from salescomp.engine import run_period
from salescomp.plan import Plan

JAN = {"start": "2026-01-01", "end": "2026-01-31", "quarter_start": "2026-01-01", "year_start": "2026-01-01"}
FEB = {"start": "2026-02-01", "end": "2026-02-28", "quarter_start": "2026-01-01", "year_start": "2026-01-01"}
ONE = [{"person": 0, "plan": "ae", "from": "2026-01-01", "to": None}]


# -- helpers: the only calls into the engine (easy to adapt to the columnar API) ----------------

def monthly_plan_with_yearly_cap() -> Plan:
    return Plan.from_dict({
        "id": "ae", "currency": "USD", "period": "month", "measures": [{"id": "bookings"}],
        "components": [{"id": "commission", "type": "flat_rate", "measure": "bookings", "rate": "0.10",
                        "caps": {"per_year": "5000"}}],
    })


def mbo_plan() -> Plan:
    return Plan.from_dict({
        "id": "ae", "currency": "USD", "period": "quarter", "measures": [{"id": "bookings"}],
        "components": [{"id": "mbo", "type": "mbo", "target": "5000",
                        "objectives": [{"id": "pipeline", "weight": "0.6"}, {"id": "enablement", "weight": "0.4"}]}],
    })


def credits(rows):
    """rows: (deal, date, amount) of person 0 in USD."""
    return pd.DataFrame({"person": [0] * len(rows), "deal": [r[0] for r in rows], "date": [r[1] for r in rows],
                         "amount": [D(r[2]) for r in rows], "currency": ["USD"] * len(rows)})


def run(plan, period, rows, **kw):
    return run_period(plans=[plan], assignments=ONE, credits=credits(rows), period=period, **kw)


def total(result) -> D:
    return sum((D(str(line["amount"])) for line in result.to_arrow().to_pylist()), D(0))


# -- period bounds ------------------------------------------------------------------------------

def test_a_missing_quarter_or_year_start_is_an_error_not_the_period_start():
    plan = monthly_plan_with_yearly_cap()
    for missing in ("quarter_start", "year_start"):
        period = {k: v for k, v in FEB.items() if k != missing}
        with pytest.raises(sc.ValidationError, match=f"missing {missing}"):
            run(plan, period, [(0, "2026-02-10", "30000")])


def test_a_yearly_cap_holds_over_two_monthly_runs():
    plan = monthly_plan_with_yearly_cap()
    rows = [(0, "2026-01-10", "30000"), (1, "2026-02-10", "30000")]
    jan = run(plan, JAN, rows)
    feb = run(plan, FEB, rows, state=jan.next_state)
    # 0.10 x 30,000 = 3,000 in January; February earns 3,000 but only 5,000 - 3,000 = 2,000
    # remain under the yearly cap (it paid 3,000 + 3,000 when year_start defaulted to Feb 1)
    assert total(jan) == D("3000.00") and total(feb) == D("2000.00")


def test_impossible_bounds_are_refused_by_the_engine():
    plan = monthly_plan_with_yearly_cap()
    bad = [dict(FEB, quarter_start="1970-01-01"), dict(FEB, year_start="2026-02-15"),
           dict(FEB, quarter_start="2026-02-05"), dict(FEB, year_start="2024-12-01")]
    for period in bad:
        with pytest.raises(sc.ValidationError, match="SC-RUN-PERIOD"):
            run(plan, period, [(0, "2026-02-10", "100")])


# -- MBO ----------------------------------------------------------------------------------------

Q1 = {"start": "2026-01-01", "end": "2026-03-31", "quarter_start": "2026-01-01", "year_start": "2026-01-01"}
SOME = [(0, "2026-01-10", "100")]  # a credit (the mbo component does not use it)


def test_missing_mbo_achievements_are_an_error_naming_person_and_objective():
    plan = mbo_plan()
    with pytest.raises(sc.ValidationError) as info:
        run(plan, Q1, SOME, mbo=[{"person": 0, "component": "mbo", "objective": "pipeline", "achievement": "1"}])
    assert "no achievement entered" in str(info.value) and "mbo/enablement" in str(info.value)
    assert any(i.get("row") == 0 and i.get("value") == "mbo/enablement" for i in info.value.issues)
    with pytest.raises(sc.ValidationError, match="mbo/pipeline"):
        run(plan, Q1, SOME)  # no rows at all: was paid 0 without a word
    both = [{"person": 0, "component": "mbo", "objective": o, "achievement": a}
            for o, a in (("pipeline", "1"), ("enablement", "0"))]
    assert total(run(plan, Q1, SOME, mbo=both)) == D("3000.00")  # 5,000 x (0.6 x 1 + 0.4 x 0)


def test_mbo_rows_for_people_without_a_plan_are_an_error():
    rows = [{"person": p, "component": "mbo", "objective": o, "achievement": "1"}
            for p in (0, 7) for o in ("pipeline", "enablement")]
    with pytest.raises(sc.ValidationError, match="SC-RUN-MBO-PERSON") as info:
        run(mbo_plan(), Q1, SOME, mbo=rows)
    assert {i.get("value") for i in info.value.issues} == {"7"}


# -- batch scales ---------------------------------------------------------------------------------

def test_batch_format_with_a_large_scale_is_refused_not_a_stack_overflow():
    with pytest.raises(sc.ValidationError, match="0..38"):
        sc.batch.format(np.array([1]), 100)  # overflowed a 48-byte stack buffer (segfault)
    assert sc.batch.format(np.array([1, -5]), 38) == ["0." + "0" * 37 + "1", "-0." + "0" * 37 + "5"]


def test_batch_negative_scales_are_refused():
    with pytest.raises(sc.ValidationError, match="0..38"):
        sc.batch.parse(["1.99"], -1)  # returned [1]
    with pytest.raises(sc.ValidationError):
        sc.batch.format(np.array([1]), -1)
    with pytest.raises(TypeError):
        sc.batch.parse(["1.99"], True)
    assert list(sc.batch.parse(["1.99"], 2)) == [199]


# -- amortisation plug --------------------------------------------------------------------------------

def test_final_period_plug_takes_the_policy_rounding_of_the_regular_months():
    from salescomp import accounting as acct

    down = acct.AmortisationPolicy(remainder="final_period_plug")
    half_even = acct.AmortisationPolicy(remainder="final_period_plug", plug_rounding=sc.RoundingMode.HalfEven)
    assert down.plug_rounding == sc.RoundingMode.Down and half_even.plug_rounding == sc.RoundingMode.HalfEven
    # 200.00 over 3 months: Down 66.66, 66.66, 66.68; HalfEven 66.67, 66.67, 66.66
    assert spread("200.00", 3, down) == [D("66.66"), D("66.66"), D("66.68")]
    assert spread("200.00", 3, half_even) == [D("66.67"), D("66.67"), D("66.66")]
    # 0.03 over 5 months: HalfEven rounds four months to 0.01 each (0.04 > 0.03): refused
    with pytest.raises(sc.ValidationError, match="SC-ACCT-PLUG"):
        spread("0.03", 5, half_even)


def spread(amount: str, months: int, policy) -> list[D]:
    """The monthly amortisation of one capitalised cost (the accounting API in one place)."""
    from salescomp import accounting as acct

    costs = pd.DataFrame({"line_id": [1], "amount": [D(amount)], "currency": ["USD"], "incurred": ["2026-01-01"],
                          "contract_start": ["2026-01-01"], "term_months": [months], "incremental": [True]})
    book = acct.amortise(costs, policy=policy)
    rows = book.schedule(output="arrow").to_pylist()
    return [D(str(r["amortisation"])) for r in rows if r["amortisation"] != 0]
