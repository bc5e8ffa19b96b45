"""Capacity plan: how many reps to hire, and when, to reach a bookings number.

Months are numbered 1..M from the plan's start. A rep's tenure in month *m* is its months
of employment counting that one (a hire starting in month *s* has tenure 1 in month *s*).

- ramp: ``ramp[k - 1]`` is the share of full productivity in tenure month *k*; 1 after the
  list ends (:func:`ramp_by_quarter` turns 0 / 50% / 100% by quarter into months);
- attrition: an annual rate *a* is the monthly hazard ``h = 1 - (1 - a)^(1/12)``; a rep
  employed at the end of month *m* books that month; survival to the end of month *m*
  after the start is ``S(m) = (1 - h)^m`` (no backfill);
- productivity: bookings of a fully ramped rep per month; a fixed number or samples
  (e.g. from the won history, :func:`productivity_from_history`), whose mean the
  expected values use.

Expected bookings of a rep of tenure *tau* at the start: ``P x sum_m S(m) ramp(tau + m)``;
of a hire starting in month *s* = lead time + 1: ``P x sum_{m >= s} S(m - s + 1) ramp(m - s + 1)``.
Hires needed: ``ceil(max(0, target - team) / per_hire)``, all starting at the earliest
month (a later start only adds less). The Monte Carlo (seeded PCG64, fixed blocks) draws
each rep's leaving month (geometric, hazard *h*) and productivity (from the samples) to
give P10 / P50 / P90; the reverse question, the number reachable at a confidence *c*, is
the (1 - c) quantile of the simulated bookings. All of it is statistics (float64).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "CapacityPlan",
    "capacity_plan",
    "monthly_hazard",
    "ramp_by_quarter",
    "expected_bookings",
    "simulate_bookings",
    "reachable",
    "attrition_from_roster",
    "productivity_from_history",
]

BLOCK = 1_000


def monthly_hazard(annual_rate: float) -> float:
    """The monthly hazard of an annual attrition rate: ``1 - (1 - a)^(1/12)``."""
    if not 0 <= annual_rate < 1:
        raise ValueError(f"annual attrition must be in [0, 1), got {annual_rate}")
    return 1.0 - (1.0 - annual_rate) ** (1.0 / 12.0)


def ramp_by_quarter(shares: Sequence[float]) -> list[float]:
    """A monthly ramp from one share per quarter of tenure: ``[0, 0.5, 1]`` -> 0,0,0,.5,.5,.5,1,1,1."""
    return [float(s) for s in shares for _ in range(3)]


def _ramp_at(ramp: Sequence[float], tenure: np.ndarray) -> np.ndarray:
    """ramp(tenure) for tenures >= 1 (1 past the end of the list)."""
    r = np.append(np.asarray(ramp, dtype=np.float64), 1.0)
    return r[np.minimum(np.asarray(tenure) - 1, len(ramp))]


def _cumulative(tenures: np.ndarray, months: int, ramp: Sequence[float]) -> np.ndarray:
    """(reps x months+1): sum of ramp over a rep's first k plan months (k = 0..months)."""
    m = np.arange(1, months + 1)
    per_month = _ramp_at(ramp, tenures[:, None] + m[None, :])
    return np.concatenate([np.zeros((len(tenures), 1)), np.cumsum(per_month, axis=1)], axis=1)


def expected_bookings(
    tenures: Sequence[int],
    months: int,
    ramp: Sequence[float],
    hazard: float,
    productivity: float,
    start_month: int = 1,
) -> np.ndarray:
    """Expected bookings of each rep over months start_month..months: ``tenures`` are their
    tenures (months employed) the month before ``start_month`` (0 for a new hire)."""
    t = np.asarray(tenures, dtype=np.int64)
    k = np.arange(1, months - start_month + 2)  # months since start_month, 1-based
    if len(k) == 0:
        return np.zeros(len(t))
    survive = (1.0 - hazard) ** k
    return productivity * (_ramp_at(ramp, t[:, None] + k[None, :]) * survive[None, :]).sum(axis=1)


@dataclass
class CapacityPlan:
    """The answer: ``hires`` starting in ``start_month``; expected bookings of the team and of
    the plan (team + hires), their P10/P50/P90, and the plan's cost. Renders in Jupyter."""

    target: float
    months: int
    hazard: float
    hires: int
    start_month: int
    team_expected: float
    per_hire_expected: float
    expected: float
    p10: float
    p50: float
    p90: float
    expected_rep_months: float
    base_cost: float
    variable_cost: float
    simulations: np.ndarray = field(repr=False)

    @property
    def cost(self) -> float:
        return self.base_cost + self.variable_cost

    @property
    def cost_of_sales(self) -> float | None:
        return self.cost / self.expected if self.expected else None

    def reachable(self, confidence: float) -> float:
        """The bookings number reached with probability ``confidence`` under this plan."""
        return float(np.quantile(self.simulations, 1.0 - confidence))

    def _repr_html_(self) -> str:
        from .._html import table_html

        rows = [
            ["hires", self.hires],
            ["first month of the hires", self.start_month],
            ["target", f"{self.target:,.0f}"],
            ["team (expected)", f"{self.team_expected:,.0f}"],
            ["plan: expected", f"{self.expected:,.0f}"],
            ["plan: P10 / P50 / P90", f"{self.p10:,.0f} / {self.p50:,.0f} / {self.p90:,.0f}"],
            ["cost (base + variable)", f"{self.cost:,.0f}"],
            ["cost of sales", "-" if self.cost_of_sales is None else f"{self.cost_of_sales:.1%}"],
        ]
        return f"<div><b>{html.escape('Capacity plan')}</b>{table_html(['', 'value'], rows)}</div>"


def capacity_plan(
    *,
    target: float,
    months: int,
    tenures: Sequence[int],
    ramp: Sequence[float],
    annual_attrition: float | None = None,
    hazard: float | None = None,
    productivity: float | Sequence[float],
    lead_time_months: int = 0,
    base_monthly: float = 0.0,
    commission_rate: float = 0.0,
    simulations: int = 10_000,
    seed: int = 2026,
) -> CapacityPlan:
    """How many hires reach ``target`` bookings over ``months`` (see the module docstring).

    ``tenures``: months employed of each current rep at the plan's start; ``productivity``
    a number or samples; ``base_monthly`` the base pay of a rep-month and ``commission_rate``
    the variable pay per unit booked (the plan's cost). Raises ValueError when no number of
    hires can reach the target inside the horizon (the lead time leaves no productive month)."""
    h = _hazard(annual_attrition, hazard)
    samples = np.atleast_1d(np.asarray(productivity, dtype=np.float64))
    mean_p = float(samples.mean())
    start = lead_time_months + 1
    team = float(expected_bookings(tenures, months, ramp, h, mean_p).sum())
    per_hire = (
        float(expected_bookings([0], months, ramp, h, mean_p, start_month=start)[0])
        if start <= months
        else 0.0
    )
    gap = target - team
    if gap <= 0:
        hires = 0
    elif per_hire <= 0:
        raise ValueError(
            f"target {target:,.0f} is out of reach: the team is expected to book {team:,.0f} and a "
            f"hire starting in month {start} books nothing inside {months} months"
        )
    else:
        hires = math.ceil(gap / per_hire)
    all_tenures = np.concatenate(
        [np.asarray(tenures, dtype=np.int64), np.zeros(hires, dtype=np.int64)]
    )
    starts = np.concatenate(
        [np.ones(len(tenures), dtype=np.int64), np.full(hires, start, dtype=np.int64)]
    )
    sims, rep_months = simulate_bookings(
        all_tenures, starts, months, ramp, h, samples, simulations, seed
    )
    p10, p50, p90 = np.percentile(sims, [10, 50, 90]) if len(sims) else (0.0, 0.0, 0.0)
    expected = team + hires * per_hire
    rep_m = _expected_rep_months(all_tenures, starts, months, h)
    return CapacityPlan(
        target=float(target),
        months=months,
        hazard=h,
        hires=hires,
        start_month=start,
        team_expected=team,
        per_hire_expected=per_hire,
        expected=expected,
        p10=float(p10),
        p50=float(p50),
        p90=float(p90),
        expected_rep_months=rep_m,
        base_cost=rep_m * base_monthly,
        variable_cost=expected * commission_rate,
        simulations=sims,
    )


def _hazard(annual: float | None, hazard: float | None) -> float:
    if (annual is None) == (hazard is None):
        raise ValueError("give either annual_attrition or hazard (a monthly hazard)")
    if hazard is not None:
        if not 0 <= hazard < 1:
            raise ValueError(f"hazard must be in [0, 1), got {hazard}")
        return float(hazard)
    return monthly_hazard(float(annual))  # type: ignore[arg-type]


def _expected_rep_months(tenures: np.ndarray, starts: np.ndarray, months: int, h: float) -> float:
    """Expected months employed (at a month's end) inside the horizon, summed over reps."""
    total = 0.0
    for s in np.unique(starts).tolist():
        k = np.arange(1, months - s + 2)
        total += float(((1.0 - h) ** k).sum()) * int((starts == s).sum())
    return total


def simulate_bookings(
    tenures: np.ndarray,
    starts: np.ndarray,
    months: int,
    ramp: Sequence[float],
    hazard: float,
    productivity: np.ndarray,
    simulations: int,
    seed: int,
) -> tuple[np.ndarray, float]:
    """Bookings per simulation: every rep leaves after a geometric number of months (hazard
    ``hazard``) and books its productivity (one draw from the samples per rep and
    simulation) x ramp while employed. Returns (bookings per simulation, mean rep-months)."""
    rng = np.random.Generator(np.random.PCG64(seed))
    tenures = np.asarray(tenures, dtype=np.int64)
    starts = np.asarray(starts, dtype=np.int64)
    span = np.maximum(months - starts + 1, 0)  # months each rep can work inside the horizon
    cum = _cumulative(tenures, months, ramp)
    out = np.zeros(simulations)
    worked_total = 0.0
    for begin in range(0, simulations, BLOCK):
        n = min(BLOCK, simulations - begin)
        # Employed at the end of months 1 .. K-1 where K ~ Geometric(h) (K = inf when h = 0).
        leave = (
            rng.geometric(hazard, size=(n, len(tenures)))
            if hazard > 0
            else np.full((n, len(tenures)), 10**9)
        )
        worked = np.minimum(leave - 1, span[None, :])
        p = productivity[rng.integers(0, len(productivity), size=(n, len(tenures)))]
        out[begin : begin + n] = (p * np.take_along_axis(cum, worked.T, axis=1).T).sum(axis=1)
        worked_total += float(worked.sum())
    return out, worked_total / max(simulations, 1)


def reachable(plan: CapacityPlan, confidence: float) -> float:
    """The number reachable with probability ``confidence`` (the plan's simulated quantile)."""
    return plan.reachable(confidence)


def attrition_from_roster(
    start_days: np.ndarray, end_days: np.ndarray, first_day: int, last_day: int
) -> float:
    """Monthly hazard from a roster: leavers in ``first_day .. last_day`` divided by the
    months employed in it (the exponential model's maximum-likelihood estimate). ``end_days``
    is each person's last day, or any day after ``last_day`` for people still employed."""
    start = np.maximum(np.asarray(start_days, dtype=np.int64), first_day)
    end = np.asarray(end_days, dtype=np.int64)
    left = (end >= first_day) & (end <= last_day)
    stop = np.where(left, end, last_day)
    exposure_days = np.clip(stop - start + 1, 0, None).sum()
    months = exposure_days / (365.25 / 12)
    return float(left.sum() / months) if months > 0 else 0.0


def productivity_from_history(
    history: Any,
    first_day: int,
    last_day: int,
    owners: Sequence[str] | None = None,
) -> np.ndarray:
    """Won bookings per month of each owner in ``first_day .. last_day`` (day numbers), in
    the history's currency units (samples of productivity; statistics)."""
    h = history
    won = (h.outcome == 1) & (h.close >= first_day) & (h.close <= last_day)
    per_owner = np.zeros(len(h.owners), dtype=np.int64)
    np.add.at(per_owner, h.owner[won], h.amount[won])
    months = (last_day - first_day + 1) / (365.25 / 12)
    from .._core import Currency

    scale = 10.0 ** -Currency(h.currency).exponent
    keep = (
        np.ones(len(h.owners), dtype=bool)
        if owners is None
        else np.isin(np.array(h.owners), list(owners))
    )
    return per_owner[keep] * scale / months
