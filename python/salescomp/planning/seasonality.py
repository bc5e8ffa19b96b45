"""Seasonality of opportunity creation by fiscal quarter of the year (docs/planning.md).

The factor of quarter-of-year *q* (1..4) is the creation rate in that quarter per owner-day
over the rate of the whole history:

    m_q = (n_q / E_q) / (N / E)

``n_q`` opportunities created in days of quarter-of-year *q*, ``E_q`` owner-days in those
days (an owner counts from the day of their first created opportunity, so a growing team
is not mistaken for a season), ``N = sum n_q``, ``E = sum E_q``. With too little history
(a quarter-of-year never observed, or fewer than ``min_count`` creations in one) every
factor is 1: no seasonality. Factors are statistics (float64).

A day's weight is its quarter's factor; :class:`DayWeights` sums them over ranges of days
(``S(x, y) = sum_{t=x..y} m_{q(t)}``) with a prefix sum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .periods import quarter_key

__all__ = ["Seasonality", "seasonality", "DayWeights"]


@dataclass(frozen=True)
class Seasonality:
    """Factors ``m`` (index 0 = Q1), the creations ``n`` and owner-days ``exposure`` per
    quarter-of-year, and whether the factors were estimated (``used``) or are all 1."""

    m: np.ndarray
    n: np.ndarray
    exposure: np.ndarray
    used: bool
    start_month: int = 1


def quarter_of_year(days: np.ndarray | int, start_month: int = 1) -> np.ndarray:
    """0..3: the fiscal quarter of the year of each day."""
    return np.asarray(quarter_key(days, start_month), dtype=np.int64) % 4


def seasonality(
    created: np.ndarray,
    owner: np.ndarray,
    as_of: int,
    start_month: int = 1,
    min_count: int = 30,
) -> Seasonality:
    """Seasonal factors of the creations ``created`` (day numbers, <= ``as_of``) of
    ``owner`` (codes); see the module docstring."""
    created = np.asarray(created, dtype=np.int64)
    owner = np.asarray(owner, dtype=np.int64)
    ones = Seasonality(np.ones(4), np.zeros(4, np.int64), np.zeros(4), False, start_month)
    keep = created <= as_of
    created, owner = created[keep], owner[keep]
    if not len(created):
        return ones
    first_day = int(created.min())
    days = np.arange(first_day, as_of + 1, dtype=np.int64)
    # Owners counting on each day: those whose first creation is on or before it.
    starts = np.full(int(owner.max()) + 1, np.iinfo(np.int64).max)
    np.minimum.at(starts, owner, created)
    starts = np.sort(starts[starts <= as_of])
    active = np.searchsorted(starts, days, side="right").astype(np.float64)
    q_days = quarter_of_year(days, start_month)
    exposure = np.bincount(q_days, weights=active, minlength=4)
    n = np.bincount(quarter_of_year(created, start_month), minlength=4).astype(np.int64)
    observed = np.bincount(q_days, minlength=4)
    if (observed == 0).any() or (n < min_count).any() or (exposure <= 0).any():
        return Seasonality(np.ones(4), n, exposure, False, start_month)
    m = (n / exposure) / (n.sum() / exposure.sum())
    return Seasonality(m, n, exposure, True, start_month)


class DayWeights:
    """``S(x, y)``: the sum of the seasonal factors of days ``x..y`` (0 when ``y < x``),
    vectorised, for days in ``lo .. hi``."""

    def __init__(self, s: Seasonality, lo: int, hi: int):
        self.lo = int(lo)
        days = np.arange(self.lo, int(hi) + 1, dtype=np.int64)
        weights = s.m[quarter_of_year(days, s.start_month)]
        self.prefix = np.concatenate([[0.0], np.cumsum(weights)])

    def total(self, x: np.ndarray | int, y: np.ndarray | int) -> np.ndarray:
        x = np.asarray(x, dtype=np.int64)
        y = np.asarray(y, dtype=np.int64)
        last = len(self.prefix) - 1
        xi = np.clip(x - self.lo, 0, last)
        yi = np.clip(y - self.lo + 1, 0, last)
        return np.where(y >= x, self.prefix[np.maximum(yi, xi)] - self.prefix[xi], 0.0)
