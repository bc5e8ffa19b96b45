"""Funnel measures of an opportunity history: win rates, cycle times, stage conversion,
pipeline created and coverage.

Counts and money are exact (integers, ``decimal128`` in the reporting currency); rates and
average days are statistics (float64), with the counts behind them beside them so thin
cells are visible. Only *closed* opportunities (won or lost) enter win rates, cycle times
and conversions: an open one has no outcome yet. A won opportunity has passed every stage
(docs/planning.md).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from .. import tables
from .history import OUTCOMES, SOURCES, OpportunityHistory
from .periods import quarter_bounds, quarter_key, quarter_label

__all__ = [
    "FunnelSummary",
    "win_rates",
    "cycle_times",
    "stage_conversion",
    "pipeline_created",
    "coverage",
    "funnel_by_source",
    "funnel_summary",
]

WON, LOST, OPEN = 1, 2, 0


def _rate(numerator: np.ndarray, denominator: np.ndarray) -> pa.Array:
    """numerator / denominator as float64, null where the denominator is 0."""
    num, den = np.asarray(numerator, dtype=np.float64), np.asarray(denominator, dtype=np.float64)
    out = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return pa.array(out, pa.float64(), mask=den == 0)


def win_rates(history: OpportunityHistory, by: str = "stage") -> pa.Table:
    """Won / closed by ``stage`` (closed opportunities that reached the stage), ``source``,
    ``segment``, ``owner`` or ``team``: columns key, closed, won, lost, win_rate."""
    h = history
    closed = h.outcome != OPEN
    won = h.outcome == WON
    if by == "stage":
        k = len(h.stages)
        # reached >= s: a reverse cumulative count over the furthest stage reached.
        n_closed = np.cumsum(np.bincount(h.reached[closed], minlength=k)[::-1])[::-1]
        n_won = np.cumsum(np.bincount(h.reached[won], minlength=k)[::-1])[::-1]
        names: list[str] = list(h.stages)
    else:
        codes, names = _grouping(h, by)
        n_closed = np.bincount(codes[closed], minlength=len(names))
        n_won = np.bincount(codes[won], minlength=len(names))
    return pa.table(
        {
            by: pa.array(names, pa.string()),
            "closed": pa.array(n_closed, pa.int64()),
            "won": pa.array(n_won, pa.int64()),
            "lost": pa.array(n_closed - n_won, pa.int64()),
            "win_rate": _rate(n_won, n_closed),
        }
    )


def _grouping(h: OpportunityHistory, by: str) -> tuple[np.ndarray, list[str]]:
    if by == "source":
        return h.source, list(SOURCES)
    if by == "segment":
        return h.segment, h.segments
    if by == "owner":
        return h.owner, h.owners
    if by == "team":
        return h.team, h.teams
    raise ValueError(f"by: expected stage, source, segment, owner or team, got {by!r}")


def cycle_times(history: OpportunityHistory) -> pa.Table:
    """Days from created to close of won and of lost opportunities: count, mean, median, p90."""
    h = history
    rows: dict[str, list[Any]] = {
        "outcome": [],
        "count": [],
        "mean_days": [],
        "median_days": [],
        "p90_days": [],
    }
    for code in (WON, LOST):
        days = (h.close - h.created)[h.outcome == code].astype(np.float64)
        rows["outcome"].append(OUTCOMES[code])
        rows["count"].append(len(days))
        stats = (
            (days.mean(), np.median(days), np.percentile(days, 90)) if len(days) else (None,) * 3
        )
        for name, value in zip(("mean_days", "median_days", "p90_days"), stats):
            rows[name].append(None if value is None else float(value))
    return pa.table(
        {
            "outcome": pa.array(rows["outcome"], pa.string()),
            "count": pa.array(rows["count"], pa.int64()),
            **{
                k: pa.array(rows[k], pa.float64()) for k in ("mean_days", "median_days", "p90_days")
            },
        }
    )


def stage_conversion(history: OpportunityHistory) -> pa.Table:
    """Closed opportunities that reached each stage and the next one (the last stage's next
    is ``won``): from_stage, to_stage, reached_from, reached_to, conversion."""
    h = history
    closed = h.outcome != OPEN
    k = len(h.stages)
    reached = np.cumsum(np.bincount(h.reached[closed], minlength=k)[::-1])[::-1]
    won = int(np.count_nonzero(h.outcome == WON))
    to = np.append(reached[1:], won)
    return pa.table(
        {
            "from_stage": pa.array(list(h.stages), pa.string()),
            "to_stage": pa.array(list(h.stages[1:]) + ["won"], pa.string()),
            "reached_from": pa.array(reached, pa.int64()),
            "reached_to": pa.array(to, pa.int64()),
            "conversion": _rate(to, reached),
        }
    )


def _sum_by(codes: np.ndarray, amount: np.ndarray, n: int) -> np.ndarray:
    """Exact int64 sums of ``amount`` by code (np.add.at does integer adds; bincount would use floats)."""
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, codes, amount)
    return out


def pipeline_created(history: OpportunityHistory, start_month: int = 1) -> pa.Table:
    """Opportunities and amount created per fiscal quarter (every quarter from the first to
    the last, empty ones included): quarter, first_day, count, amount (exact), won_amount."""
    h = history
    if not len(h):
        return pa.table(
            {
                "quarter": pa.array([], pa.string()),
                "first_day": pa.array([], pa.date32()),
                "count": pa.array([], pa.int64()),
                "amount": tables.minor_to_arrow(np.zeros(0), h.currency),
                "won_amount": tables.minor_to_arrow(np.zeros(0), h.currency),
            }
        )
    keys = quarter_key(h.created, start_month)
    lo = int(keys.min())
    n = int(keys.max()) - lo + 1
    codes = keys - lo
    won = h.outcome == WON
    firsts = [quarter_bounds(lo + i, start_month)[0] for i in range(n)]
    return pa.table(
        {
            "quarter": pa.array([quarter_label(lo + i) for i in range(n)], pa.string()),
            "first_day": pa.array(np.array(firsts, dtype=np.int32), pa.int32()).cast(pa.date32()),
            "count": pa.array(np.bincount(codes, minlength=n), pa.int64()),
            "amount": tables.minor_to_arrow(_sum_by(codes, h.amount, n), h.currency),
            "won_amount": tables.minor_to_arrow(_sum_by(codes[won], h.amount[won], n), h.currency),
        }
    )


def coverage(
    history: OpportunityHistory, quota: Decimal | str | int, first_day: int, last_day: int
) -> dict[str, Any]:
    """Open pipeline expected to close in ``first_day .. last_day`` (day numbers) against the
    quota: ``pipeline`` (exact Decimal), ``quota``, ``coverage`` (pipeline / quota, float)
    and ``opportunities``."""
    h = history
    mask = (h.outcome == OPEN) & (h.close >= first_day) & (h.close <= last_day)
    minor = int(h.amount[mask].sum())
    pipeline = Decimal(minor).scaleb(-_exponent(h.currency))
    quota_d = Decimal(str(quota))
    return {
        "pipeline": pipeline,
        "quota": quota_d,
        "opportunities": int(mask.sum()),
        "coverage": float(pipeline / quota_d) if quota_d else None,
        "currency": h.currency,
    }


def _exponent(code: str) -> int:
    from .._core import Currency

    return int(Currency(code).exponent)


def funnel_by_source(history: OpportunityHistory) -> pa.Table:
    """Per source (marketing, sdr, partner, sales): created, reached each stage, won, lost,
    open and the created-to-won rate of the closed ones (the marketing -> SDR -> AE -> won funnel)."""
    h = history
    cols: dict[str, Any] = {
        "source": pa.array(list(SOURCES), pa.string()),
        "created": pa.array(np.bincount(h.source, minlength=len(SOURCES)), pa.int64()),
    }
    for s, name in enumerate(h.stages):
        cols[f"reached_{name}"] = pa.array(
            np.bincount(h.source[h.reached >= s], minlength=len(SOURCES)), pa.int64()
        )
    counts = {
        code: np.bincount(h.source[h.outcome == code], minlength=len(SOURCES))
        for code in (WON, LOST, OPEN)
    }
    cols["won"] = pa.array(counts[WON], pa.int64())
    cols["lost"] = pa.array(counts[LOST], pa.int64())
    cols["open"] = pa.array(counts[OPEN], pa.int64())
    cols["win_rate"] = _rate(counts[WON], counts[WON] + counts[LOST])
    return pa.table(cols)


@dataclass
class FunnelSummary:
    """Every funnel measure of a history (pyarrow tables); renders in Jupyter."""

    win_rate_by_stage: pa.Table
    win_rate_by_source: pa.Table
    win_rate_by_segment: pa.Table
    win_rate_by_owner: pa.Table
    cycle_times: pa.Table
    conversion: pa.Table
    pipeline_created: pa.Table
    by_source: pa.Table

    def _repr_html_(self) -> str:
        from .._html import arrow_html

        parts = [
            ("Win rate by stage", self.win_rate_by_stage),
            ("Stage conversion", self.conversion),
            ("Funnel by source", self.by_source),
            ("Cycle time (days)", self.cycle_times),
            ("Win rate by segment", self.win_rate_by_segment),
            ("Win rate by owner", self.win_rate_by_owner),
            ("Pipeline created per quarter", self.pipeline_created),
        ]
        return (
            "<div>"
            + "".join(f"<h4>{html.escape(t)}</h4>{arrow_html(x)}" for t, x in parts)
            + "</div>"
        )


def funnel_summary(history: OpportunityHistory, start_month: int = 1) -> FunnelSummary:
    """All the funnel measures at once."""
    return FunnelSummary(
        win_rate_by_stage=win_rates(history, "stage"),
        win_rate_by_source=win_rates(history, "source"),
        win_rate_by_segment=win_rates(history, "segment"),
        win_rate_by_owner=win_rates(history, "owner"),
        cycle_times=cycle_times(history),
        conversion=stage_conversion(history),
        pipeline_created=pipeline_created(history, start_month),
        by_source=funnel_by_source(history),
    )
