"""Fiscal quarters as integer keys, vectorised over day numbers (days since 1970-01-01).

A quarter key is ``fiscal_year * 4 + (quarter - 1)``. A fiscal year is named by the calendar
year it ends in (the convention of :class:`salescomp.org.FiscalCalendar`): with a February
start, FY2026 runs 2025-02-01 .. 2026-01-31.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

__all__ = ["quarter_key", "quarter_bounds", "quarter_label", "day_number", "to_date"]

_EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def to_date(day: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(day))


def quarter_key(days: np.ndarray | int, start_month: int = 1) -> np.ndarray:
    """The fiscal quarter key of each day."""
    months = np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64)
    shifted = months - (start_month - 1)
    year = 1970 + shifted // 12 + (1 if start_month > 1 else 0)
    return year * 4 + (shifted % 12) // 3


def quarter_bounds(key: int, start_month: int = 1) -> tuple[int, int]:
    """First and last day number of the quarter ``key``."""
    year, q = divmod(int(key), 4)
    first_month = (year - (1 if start_month > 1 else 0) - 1970) * 12 + (start_month - 1) + 3 * q
    first = np.datetime64(first_month, "M").astype("datetime64[D]").astype(np.int64)
    after = np.datetime64(first_month + 3, "M").astype("datetime64[D]").astype(np.int64)
    return int(first), int(after) - 1


def quarter_label(key: int) -> str:
    year, q = divmod(int(key), 4)
    return f"FY{year}-Q{q + 1}"
