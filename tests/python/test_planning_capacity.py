"""Capacity plan: the deterministic hand-computed case, properties, the Monte Carlo, the reverse question."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from salescomp.planning.capacity import (
    attrition_from_roster,
    capacity_plan,
    expected_bookings,
    monthly_hazard,
    ramp_by_quarter,
)

RAMP = ramp_by_quarter([0, 0.5, 1])  # 0,0,0, .5,.5,.5, 1,1,1 by tenure month
TEAM = [24] * 10  # ten fully ramped reps


def plan(**kw):
    args = dict(
        target=13_000_000,
        months=12,
        tenures=TEAM,
        ramp=RAMP,
        annual_attrition=0.10,
        productivity=100_000,
        simulations=2_000,
        seed=5,
    )
    args.update(kw)
    return capacity_plan(**args)


def test_hazard_and_ramp():
    # (1 - h)^12 = 0.9: h = 1 - 0.9^(1/12) = 0.0087416...
    assert monthly_hazard(0.10) == pytest.approx(0.008741610954696721)
    assert (1 - monthly_hazard(0.10)) ** 12 == pytest.approx(0.9)
    assert RAMP == [0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1]


def test_deterministic_case_by_hand():
    # Survival to the end of month m: S(m) = 0.9^(m/12):
    #   S1..S12 = .99126 .98259 .97400 .96549 .95705 .94868 .94039 .93217 .92402 .91594 .90794 .90000
    # Team: 10 reps x 100,000 x (S1 + ... + S12 = 11.33954) = 11,339,539.06.
    # Gap to 13,000,000: 1,660,460.94.
    # A hire starting in month 1 (no lead time): ramp 0 in months 1-3, 50% in 4-6, 100% in 7-12:
    #   100,000 x (0.5 x (S4 + S5 + S6) + S7 + ... + S12) = 100,000 x (0.5 x 2.87122 + 5.52046) = 695,607.27
    #   hires = ceil(1,660,460.94 / 695,607.27) = ceil(2.387) = 3.
    p = plan()
    assert p.team_expected == pytest.approx(11_339_539.06, abs=0.01)
    assert p.per_hire_expected == pytest.approx(695_607.27, abs=0.01)
    assert p.hires == 3 and p.start_month == 1
    assert p.expected == pytest.approx(11_339_539.06 + 3 * 695_607.27, abs=0.05)
    # With a 3-month hiring lead time the hires start in month 4 and work months 4-12 (tenure 1-9):
    #   100,000 x (0.5 x (S4 + S5 + S6) + S7 + S8 + S9) = 100,000 x (1.43561 + 2.79658) = 423,219.22
    #   hires = ceil(1,660,460.94 / 423,219.22) = ceil(3.923) = 4.
    late = plan(lead_time_months=3)
    assert late.per_hire_expected == pytest.approx(423_219.22, abs=0.01)
    assert late.hires == 4 and late.start_month == 4


def test_expected_bookings_matches_monte_carlo():
    p = plan(simulations=20_000)
    se = p.simulations.std() / np.sqrt(20_000)
    assert abs(p.simulations.mean() - p.expected) < 4 * se
    assert p.p10 <= p.p50 <= p.p90


def test_no_variance_without_attrition_and_spread():
    # No attrition, fixed productivity: every simulation books exactly the expected number:
    # 10 x 12 x 100,000 = 12,000,000 and one hire from month 1: 100,000 x (3 x 0.5 + 6) = 750,000.
    p = plan(annual_attrition=0.0, target=12_500_000)
    assert p.hires == 1 and p.expected == pytest.approx(12_750_000)
    assert p.p10 == p.p50 == p.p90 == pytest.approx(12_750_000)


def test_reverse_question_and_cost():
    p = plan(base_monthly=10_000, commission_rate=0.1)
    assert p.reachable(0.9) <= p.reachable(0.5) <= p.reachable(0.1)
    assert p.reachable(0.9) == pytest.approx(p.p10)
    # 13 reps (10 + 3 hires from month 1) x sum S = 11.33954 expected rep-months each.
    assert p.expected_rep_months == pytest.approx(13 * 11.33953906, rel=1e-9)
    assert p.cost == pytest.approx(p.expected_rep_months * 10_000 + 0.1 * p.expected)
    assert "Capacity plan" in p._repr_html_()


def test_out_of_reach():
    with pytest.raises(ValueError, match="out of reach"):
        plan(lead_time_months=12)


@settings(max_examples=40, deadline=None)
@given(
    a1=st.floats(0, 0.6), a2=st.floats(0, 0.6), target=st.floats(1e6, 4e7), lead=st.integers(0, 6)
)
def test_more_attrition_never_needs_fewer_hires(a1, a2, target, lead):
    lo, hi = sorted((a1, a2))
    kw = dict(target=target, lead_time_months=lead, simulations=1)
    assert plan(annual_attrition=hi, **kw).hires >= plan(annual_attrition=lo, **kw).hires


@settings(max_examples=40, deadline=None)
@given(
    t1=st.floats(0, 4e7), t2=st.floats(0, 4e7), attrition=st.floats(0, 0.6), lead=st.integers(0, 6)
)
def test_higher_target_never_needs_fewer_hires(t1, t2, attrition, lead):
    lo, hi = sorted((t1, t2))
    kw = dict(annual_attrition=attrition, lead_time_months=lead, simulations=1)
    assert plan(target=hi, **kw).hires >= plan(target=lo, **kw).hires


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), attrition=st.floats(0, 0.9), n=st.integers(1, 300))
def test_percentiles_ordered(seed, attrition, n):
    p = plan(
        annual_attrition=attrition,
        simulations=n,
        seed=seed,
        productivity=[50_000, 100_000, 180_000],
    )
    assert p.p10 <= p.p50 <= p.p90


def test_expected_bookings_of_a_ramping_rep():
    # Tenure 2 at the start: months 1..3 are tenure 3..5: ramp 0, .5, .5; no attrition.
    assert expected_bookings([2], 3, RAMP, 0.0, 1000.0).tolist() == [1000.0]


def test_attrition_learned_from_a_roster():
    # Two people over a 365.25-day year (12 months): one leaves after 182 days (day 181),
    # one stays. Exposure 182 + 365 days = 547 days = 17.97 months; 1 leaver -> 0.0556 / month.
    h = attrition_from_roster(np.array([0, 0]), np.array([181, 10**9]), 0, 364)
    assert h == pytest.approx(1 / ((182 + 365) / (365.25 / 12)))
