"""Next-period bookings forecast: weighted open pipeline + pipeline not yet created, with a
seeded Monte Carlo (P10/P50/P90 per person, team and company) and a backtest.

Model (docs/planning.md gives every formula):

- an open opportunity *i* at stage *s* is won in the period with probability
  ``q_i = p_s x T_i``: ``p_s`` is the win rate of closed opportunities that reached *s*
  (learned from history, with its count), ``T_i`` the probability that a won
  opportunity of its age closes inside the period (empirical cycle times of won deals,
  conditioned on the age already reached), or 1/0 from its expected close date
  (``timing="expected_close"``);
- opportunities not yet created arrive per owner and segment (a Poisson process by day) at
  the cell's creation rate of the lookback window times the seasonal factor of the day's
  fiscal quarter of the year (:mod:`.seasonality`); each takes its outcome, amount and
  cycle together from a pool of closed opportunities of its cell (thin cells borrow their
  segment's, then everyone's); it counts when it is won and closes inside the period.

Simulated bookings are exact integer minor units per simulation (sums of amounts); the
means and percentiles are statistics (float64). The generator is numpy's PCG64 seeded with
``seed``; simulations run in fixed blocks of :data:`BLOCK` in order, so the numbers are the
same on any machine and for any thread count (numpy draws on one thread).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from .. import tables
from .history import OpportunityHistory, known_on
from .periods import quarter_bounds, quarter_key, quarter_label, to_date
from .seasonality import DayWeights, Seasonality, seasonality

__all__ = ["BLOCK", "Forecast", "forecast", "stage_win_probabilities", "Backtest", "backtest"]

#: Simulations per block (fixed: the draws never depend on memory or threads).
BLOCK = 500
OPEN, WON, LOST = 0, 1, 2


def stage_win_probabilities(history: OpportunityHistory) -> tuple[np.ndarray, np.ndarray, float]:
    """(win rate per stage, closed count per stage, company win rate). A stage with no
    closed opportunity takes the company rate (0 when nothing is closed)."""
    h = history
    closed = h.outcome != OPEN
    won = h.outcome == WON
    k = len(h.stages)
    n_closed = np.cumsum(np.bincount(h.reached[closed], minlength=k)[::-1])[::-1]
    n_won = np.cumsum(np.bincount(h.reached[won], minlength=k)[::-1])[::-1]
    overall = float(won.sum() / closed.sum()) if closed.any() else 0.0
    rates = np.where(n_closed > 0, n_won / np.maximum(n_closed, 1), overall)
    return rates, n_closed, overall


def _segments(h: OpportunityHistory) -> np.ndarray:
    """Segment codes (all 0 when the history has no segments)."""
    if not len(h.segments):
        return np.zeros(len(h), dtype=np.int64)
    return np.asarray(h.segment, dtype=np.int64)


def _segment_stage_rates(
    h: OpportunityHistory, rates: np.ndarray, counts: np.ndarray, min_count: int
) -> tuple[np.ndarray, np.ndarray]:
    """(segment x stage win rates, their closed counts): ``won / closed`` of the segment's
    closed opportunities that reached the stage when there are at least ``min_count`` of
    them, else the stage rate of everyone (with everyone's count)."""
    n_seg, k = max(len(h.segments), 1), len(h.stages)
    segment = _segments(h)
    closed = h.outcome != OPEN
    won = h.outcome == WON
    cell = segment * k + h.reached
    n_closed = np.bincount(cell[closed], minlength=n_seg * k).reshape(n_seg, k)
    n_won = np.bincount(cell[won], minlength=n_seg * k).reshape(n_seg, k)
    n_closed = np.cumsum(n_closed[:, ::-1], axis=1)[:, ::-1]  # reached >= s
    n_won = np.cumsum(n_won[:, ::-1], axis=1)[:, ::-1]
    own = n_closed >= max(min_count, 1)
    out = np.where(own, n_won / np.maximum(n_closed, 1), rates[None, :])
    return out, np.where(own, n_closed, counts[None, :])


def _segment_cycles(h: OpportunityHistory, cycles: np.ndarray, min_won: int) -> list[np.ndarray]:
    """Sorted won cycle days of each segment, or everyone's when it has fewer than
    ``min_won``."""
    segment = _segments(h)
    won = h.outcome == WON
    days = (h.close - h.created).astype(np.int64)
    out = []
    for g in range(max(len(h.segments), 1)):
        own = np.sort(days[won & (segment == g)])
        out.append(own if len(own) >= max(min_won, 1) else cycles)
    return out


def _id_rank(h: OpportunityHistory) -> np.ndarray:
    """Each opportunity's position in id order (code-point order = UTF-8 byte order)."""
    rank = np.empty(len(h), dtype=np.int64)
    rank[np.argsort(np.array(h.ids, dtype=object), kind="stable")] = np.arange(len(h))
    return rank


def _cycles(h: OpportunityHistory) -> np.ndarray:
    """Sorted cycle days (close - created) of won opportunities."""
    return np.sort((h.close - h.created)[h.outcome == WON].astype(np.int64))


def _timing(ages: np.ndarray, lo: np.ndarray, hi: np.ndarray, cycles: np.ndarray) -> np.ndarray:
    """P(lo <= C <= hi | C > age) from the empirical won cycles C; an opportunity older than
    every won cycle closes at the first chance (1 if lo <= age + 1 <= hi, else 0)."""
    if not len(cycles):
        return np.zeros(len(ages))
    start = np.maximum(lo, ages + 1)
    alive = len(cycles) - np.searchsorted(cycles, ages, side="right")
    inside = np.searchsorted(cycles, hi, side="right") - np.searchsorted(cycles, start, side="left")
    inside = np.where(hi >= start, inside, 0)
    fallback = ((lo <= ages + 1) & (ages + 1 <= hi)).astype(np.float64)
    return np.where(alive > 0, inside / np.maximum(alive, 1), fallback)


@dataclass
class Forecast:
    """A forecast of bookings in ``first .. last`` made on ``as_of``.

    ``summary``: level (person/team/company), name, mean, closed_form_mean, p10, p50, p90,
    open_weighted, not_yet_created (float64, in ``currency``, statistics);
    ``open_pipeline``: every open opportunity with its stage, stage win rate (and its
    closed count), timing probability and weight; ``simulations``: company bookings per
    simulation (int64 minor units)."""

    first: Any
    last: Any
    as_of: Any
    currency: str
    summary: pa.Table
    open_pipeline: pa.Table
    stage_rates: pa.Table
    simulations: np.ndarray = field(repr=False)
    seed: int = 0
    seasonality: Seasonality | None = field(default=None, repr=False)

    def company(self) -> dict[str, Any]:
        rows = self.summary.to_pylist()
        return next(r for r in rows if r["level"] == "company")

    def _repr_html_(self) -> str:
        from .._html import arrow_html

        c = self.company()
        head = (
            f"<b>Forecast {self.first} .. {self.last}</b> (as of {self.as_of}, {self.currency}): "
            f"P10 {c['p10']:,.0f} · P50 {c['p50']:,.0f} · P90 {c['p90']:,.0f} "
            f"(mean {c['mean']:,.0f}; closed form {c['closed_form_mean']:,.0f})"
        )
        return (
            f"<div>{html.escape(head)}{arrow_html(self.summary)}<h4>Stage win rates</h4>"
            f"{arrow_html(self.stage_rates)}</div>"
        )


@dataclass(frozen=True)
class _Pools:
    """Per cell (owner x segment, cell ``c = owner x n_segments + segment``): the base
    creation rate (per unit of seasonal day weight) and a pool of closed opportunities
    (amount, won, cycle days) that new ones are drawn from: cell ``c`` draws from
    ``rows[offsets[c] : offsets[c] + sizes[c]]``; ``days`` sums the seasonal day weights."""

    rate: np.ndarray
    owner: np.ndarray
    amount: np.ndarray
    won: np.ndarray
    cycle: np.ndarray
    offsets: np.ndarray
    sizes: np.ndarray
    days: DayWeights


def _segment_shares(counts: np.ndarray, prior: float) -> np.ndarray:
    """Owner x segment shares of creation, each owner's counts shrunk toward the company's
    segment mix with the weight of ``prior`` opportunities:
    ``share_og = (n_og + prior x n_g / N) / (n_o + prior)`` (thin cells borrow the mix)."""
    n_owner = counts.sum(axis=1, keepdims=True)
    total = counts.sum()
    mix = counts.sum(axis=0, keepdims=True) / total if total else np.zeros((1, counts.shape[1]))
    den = n_owner + prior
    return np.where(den > 0, (counts + prior * mix) / np.where(den > 0, den, 1), 0.0)


def _pools(
    h: OpportunityHistory,
    lo_day: int,
    as_of: int,
    last: int,
    min_pool: int,
    rank: np.ndarray,
    season: Seasonality,
    segment_prior: float,
) -> _Pools:
    """Creation rates by owner and segment in (lo_day, as_of], deseasonalised over each
    owner's days there (from their first created opportunity), and the pools of closed
    opportunities created then: a cell with fewer than ``min_pool`` draws from its segment's (all owners), a segment with
    fewer from everyone's (thin cells borrow)."""
    n_owner, n_seg = len(h.owners), max(len(h.segments), 1)
    segment = np.asarray(h.segment, dtype=np.int64) if len(h.segments) else np.zeros(len(h), np.int64)
    cell_of = np.asarray(h.owner, dtype=np.int64) * n_seg + segment
    window = (h.created > lo_day) & (h.created <= as_of)
    counts = np.bincount(cell_of[window], minlength=n_owner * n_seg).reshape(n_owner, n_seg)
    days = DayWeights(season, lo_day + 1, max(last, as_of))
    first = np.full(n_owner, as_of + 1, dtype=np.int64)
    np.minimum.at(first, h.owner, h.created.astype(np.int64))
    exposure = days.total(np.maximum(first, lo_day + 1), as_of)  # 0 for an owner with none yet
    per_owner = counts.sum(axis=1, keepdims=True)
    rate = np.where(
        exposure[:, None] > 0,
        per_owner * _segment_shares(counts, segment_prior) / np.maximum(exposure, 1e-12)[:, None],
        0.0,
    ).ravel()
    rows = np.flatnonzero(window & (h.outcome != OPEN))
    rows = rows[np.argsort(rank[rows])]  # by id, so the row order of the input never matters
    by_segment = rows[np.argsort(segment[rows], kind="stable")]
    by_cell = rows[np.argsort(cell_of[rows], kind="stable")]
    seg_counts = np.bincount(segment[rows], minlength=n_seg)
    cell_counts = np.bincount(cell_of[rows], minlength=n_owner * n_seg)
    seg_start = len(rows) + np.concatenate([[0], np.cumsum(seg_counts)[:-1]])
    cell_start = 2 * len(rows) + np.concatenate([[0], np.cumsum(cell_counts)[:-1]])
    cell_segment = np.tile(np.arange(n_seg), n_owner)
    own = cell_counts >= min_pool
    seg_ok = seg_counts[cell_segment] >= min_pool
    offsets = np.where(own, cell_start, np.where(seg_ok, seg_start[cell_segment], 0))
    sizes = np.where(own, cell_counts, np.where(seg_ok, seg_counts[cell_segment], len(rows)))
    everything = np.concatenate([rows, by_segment, by_cell])
    return _Pools(
        rate=rate,
        owner=np.repeat(np.arange(n_owner), n_seg),
        amount=h.amount[everything],
        won=h.outcome[everything] == WON,
        cycle=(h.close - h.created)[everything].astype(np.int64),
        offsets=offsets.astype(np.int64),
        sizes=sizes.astype(np.int64),
        days=days,
    )


def _new_pipeline_mean(p: _Pools, a: int, f: int, e: int, n_owners: int) -> np.ndarray:
    """Closed form per owner: the sum over its cells of rate_c x sum over pool records j of
    won_j x amount_j x S(creation days in a+1..e with f <= t + cycle_j <= e) / pool size."""
    w, _, _ = _hit_weights(p, a, f, e)
    value = np.concatenate([[0.0], np.cumsum(w * p.amount)])
    per_cell = (value[p.offsets + p.sizes] - value[p.offsets]) / np.maximum(p.sizes, 1)
    per_cell = p.rate * np.where(p.sizes > 0, per_cell, 0.0)
    return np.bincount(p.owner, weights=per_cell, minlength=n_owners)


def forecast(
    history: OpportunityHistory,
    *,
    first: Any,
    last: Any,
    as_of: Any,
    simulations: int = 10_000,
    seed: int = 2026,
    lookback_days: int = 365,
    timing: str = "cycle_time",
    teams: dict[str, str] | None = None,
    min_pool: int = 20,
    start_month: int = 1,
    seasonal: bool = True,
    min_season_count: int = 30,
    segment_prior: float = 10.0,
    min_segment_count: int = 20,
) -> Forecast:
    """Forecast bookings won in ``first .. last`` (dates) from what was known on ``as_of``
    (see the module docstring). ``teams`` maps owner -> team (default: the team column of
    the owner's latest opportunity). New pipeline is created by owner and segment
    (``segment_prior``: the weight of the company's segment mix in a thin owner's mix) at
    a rate with a seasonal factor per fiscal quarter of the year (``start_month``;
    ``seasonal=False`` or fewer than ``min_season_count`` creations in a quarter-of-year:
    none); see docs/planning.md. Open opportunities take their segment's stage win rate
    and won cycle times when the segment has ``min_segment_count`` closed opportunities at
    that stage (won cycles: ``min_pool``), else everyone's."""
    from .periods import day_number

    f, e, a = (day_number(x) for x in (first, last, as_of))
    if not (a < f <= e) and not (f <= a < e):
        raise ValueError("forecast: as_of must be before the end of the period (first <= last)")
    if timing not in ("cycle_time", "expected_close"):
        raise ValueError(f"timing: expected 'cycle_time' or 'expected_close', got {timing!r}")
    h = known_on(history, a)
    rates, closed_counts, overall = stage_win_probabilities(h)
    cycles = _cycles(h)
    rank = _id_rank(h)
    open_rows = np.flatnonzero(h.outcome == OPEN)
    open_rows = open_rows[np.lexsort((rank[open_rows], h.owner[open_rows]))]  # by owner, then id
    stage = np.maximum(h.stage[open_rows], 0)
    seg_rates, seg_counts = _segment_stage_rates(h, rates, closed_counts, min_segment_count)
    segment = _segments(h)[open_rows]
    p_win = seg_rates[segment, stage]
    created = h.created[open_rows].astype(np.int64)
    if timing == "cycle_time":
        p_time = np.zeros(len(open_rows))
        for g, own in enumerate(_segment_cycles(h, cycles, min_pool)):
            mine = segment == g
            c = created[mine]
            p_time[mine] = _timing(a - c, f - c, e - c, own)
    else:
        close = h.close[open_rows]
        p_time = ((close >= f) & (close <= e)).astype(np.float64)
    q = p_win * p_time
    amount = h.amount[open_rows]
    owner = h.owner[open_rows]

    season = (
        seasonality(h.created, h.owner, a, start_month, min_season_count)
        if seasonal
        else seasonality(h.created[:0], h.owner[:0], a, start_month)
    )
    pools = _pools(h, a - lookback_days, a, e, min_pool, rank, season, segment_prior)
    new_mean = _new_pipeline_mean(pools, a, f, e, len(h.owners))
    open_mean = np.zeros(len(h.owners))
    np.add.at(open_mean, owner, amount * q)

    sims = _simulate(simulations, seed, amount, q, owner, len(h.owners), pools, a, f, e)
    team_of = _teams(h, teams)
    summary = _summary(h, sims, open_mean, new_mean, team_of)
    open_table = pa.table(
        {
            "opportunity_id": pa.array([h.ids[i] for i in open_rows.tolist()], pa.string()),
            "owner": pa.array([h.owners[o] for o in owner.tolist()], pa.string()),
            "stage": pa.array([h.stages[s] for s in stage.tolist()], pa.string()),
            "amount": tables.minor_to_arrow(amount, h.currency),
            "stage_win_rate": pa.array(p_win, pa.float64()),
            "stage_closed_count": pa.array(seg_counts[segment, stage], pa.int64()),
            "timing_probability": pa.array(p_time, pa.float64()),
            "weight": pa.array(q, pa.float64()),
        }
    )
    stage_table = pa.table(
        {
            "stage": pa.array(list(h.stages), pa.string()),
            "closed": pa.array(closed_counts, pa.int64()),
            "win_rate": pa.array(rates, pa.float64()),
        }
    )
    return Forecast(
        first=to_date(f),
        last=to_date(e),
        as_of=to_date(a),
        currency=h.currency,
        summary=summary,
        open_pipeline=open_table,
        stage_rates=stage_table,
        simulations=sims.sum(axis=1),
        seed=seed,
        seasonality=season,
    )


def _simulate(
    n_sims: int,
    seed: int,
    amount: np.ndarray,
    q: np.ndarray,
    owner: np.ndarray,
    n_owners: int,
    pools: _Pools,
    a: int,
    f: int,
    e: int,
) -> np.ndarray:
    """Bookings per simulation and owner (int64 minor units), block by block."""
    rng = np.random.Generator(np.random.PCG64(seed))
    out = np.zeros((n_sims, n_owners), dtype=np.int64)
    # Open opportunities come sorted by owner: each owner's columns are one run.
    owners_open, starts = np.unique(owner, return_index=True)
    _, cumulative, per_cell = _hit_weights(pools, a, f, e)
    n_cells = len(per_cell)
    for begin in range(0, n_sims, BLOCK):
        n = min(BLOCK, n_sims - begin)
        block = out[begin : begin + n]
        # Open pipeline: one Bernoulli(q_i) per opportunity and simulation.
        if len(q):
            wins = rng.random((n, len(q))) < q
            block[:, owners_open] += np.add.reduceat(wins * amount, starts, axis=1)
        # Not yet created: the Poisson arrivals thinned to those that are won and close inside
        # the period (hits): Poisson(rate_c x W_c / |pool_c|) per cell (owner x segment), each
        # one a pool record drawn with weight w_j = won_j x S(creation days that put its close
        # inside), S summing the seasonal day weights.
        if n_cells and per_cell.any():
            count = rng.poisson(per_cell, size=(n, n_cells))
            total = int(count.sum())
            sim_of = np.repeat(np.repeat(np.arange(n), n_cells), count.ravel())
            who = np.repeat(np.tile(np.arange(n_cells), n), count.ravel())
            lo = cumulative[pools.offsets[who]]
            target = lo + rng.random(total) * (
                cumulative[pools.offsets[who] + pools.sizes[who]] - lo
            )
            pick = np.searchsorted(cumulative, target, side="right") - 1
            # A target rounded up onto its segment's end stays inside the owner's pool.
            pick = np.clip(pick, pools.offsets[who], pools.offsets[who] + pools.sizes[who] - 1)
            np.add.at(block, (sim_of, pools.owner[who]), pools.amount[pick])
    return out


def _hit_weights(p: _Pools, a: int, f: int, e: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pool record w_j = won_j x S(max(a+1, f-cycle_j), e-cycle_j) (the seasonal weight of
    the creation days t in a+1..e with f <= t + cycle_j <= e); their running sum (length
    records + 1); per cell the expected number of hits rate_c x W_c / |pool_c|."""
    lo = np.maximum(a + 1, f - p.cycle)
    hi = np.minimum(e, e - p.cycle)
    w = p.won * p.days.total(lo, hi)
    cumulative = np.concatenate([[0.0], np.cumsum(w)])
    total = cumulative[p.offsets + p.sizes] - cumulative[p.offsets]
    per_cell = np.where(p.sizes > 0, p.rate * total / np.maximum(p.sizes, 1), 0.0)
    return w, cumulative, per_cell


def _teams(h: OpportunityHistory, teams: dict[str, str] | None) -> list[str]:
    """The team of each owner: ``teams`` or the team of the owner's latest-created opportunity."""
    if teams is not None:
        return [teams.get(o, "") for o in h.owners]
    order = np.lexsort((np.arange(len(h.created)), h.created))[::-1]  # latest first
    owners, first = np.unique(h.owner[order], return_index=True)
    out = [""] * len(h.owners)
    for o, i in zip(owners.tolist(), order[first].tolist()):
        out[o] = h.teams[h.team[i]]
    return out


_SUMMARY_COLUMNS = (
    "mean",
    "closed_form_mean",
    "p10",
    "p50",
    "p90",
    "open_weighted",
    "not_yet_created",
)


def _level(
    level: str,
    names: list[str],
    sims: np.ndarray,
    open_m: np.ndarray,
    new_m: np.ndarray,
    scale: float,
) -> dict[str, Any]:
    """Summary rows of one level; ``sims`` is simulations x names (percentiles column-wise)."""
    if sims.shape[0]:
        p10, p50, p90 = np.percentile(sims, [10, 50, 90], axis=0)
        mean = sims.mean(axis=0)
    else:
        p10 = p50 = p90 = mean = np.zeros(len(names))
    values = (mean, open_m + new_m, p10, p50, p90, open_m, new_m)
    return {
        "level": [level] * len(names),
        "name": names,
        **{k: np.asarray(v, dtype=np.float64) * scale for k, v in zip(_SUMMARY_COLUMNS, values)},
    }


def _summary(
    h: OpportunityHistory,
    sims: np.ndarray,
    open_mean: np.ndarray,
    new_mean: np.ndarray,
    team_of: list[str],
) -> pa.Table:
    scale = 10.0 ** -_exponent(h.currency)
    team_names = sorted(set(team_of))
    code = np.searchsorted(
        np.array(team_names, dtype=object), np.array(team_of, dtype=object)
    ).astype(np.int64)
    team_sims = np.zeros((sims.shape[0], len(team_names)), dtype=np.int64)
    np.add.at(team_sims.T, code, sims.T)
    team_open = np.zeros(len(team_names))
    team_new = np.zeros(len(team_names))
    np.add.at(team_open, code, open_mean)
    np.add.at(team_new, code, new_mean)
    parts = [
        _level("person", list(h.owners), sims, open_mean, new_mean, scale),
        _level("team", team_names, team_sims, team_open, team_new, scale),
        _level(
            "company",
            ["company"],
            sims.sum(axis=1, keepdims=True),
            open_mean.sum(keepdims=True),
            new_mean.sum(keepdims=True),
            scale,
        ),
    ]
    cols: dict[str, Any] = {}
    for k in ("level", "name", *_SUMMARY_COLUMNS):
        if k in ("level", "name"):
            cols[k] = pa.array([x for part in parts for x in part[k]], pa.string())
        else:
            cols[k] = pa.array(np.concatenate([part[k] for part in parts]), pa.float64())
    return pa.table(cols)


def _exponent(code: str) -> int:
    from .._core import Currency

    return int(Currency(code).exponent)


@dataclass
class Backtest:
    """Forecasts of past quarters made at each quarter's start against what was won.

    ``quarters``: quarter, as_of, actual, mean, p10, p50, p90, error (mean - actual),
    abs_pct_error, inside_p10_p90; ``mape`` the mean absolute percentage error of the mean,
    ``bias`` the mean signed percentage error, ``coverage`` the share of actuals inside P10..P90."""

    quarters: pa.Table
    mape: float
    bias: float
    coverage: float

    def _repr_html_(self) -> str:
        from .._html import arrow_html

        return (
            f"<div><b>Backtest</b>: MAPE {self.mape:.1%}, bias {self.bias:+.1%}, "
            f"{self.coverage:.0%} of actuals inside P10..P90{arrow_html(self.quarters)}</div>"
        )


def backtest(
    history: OpportunityHistory,
    *,
    data_as_of: Any,
    start_month: int = 1,
    min_history_days: int = 180,
    simulations: int = 2_000,
    seed: int = 2026,
    lookback_days: int = 365,
    **options: Any,
) -> Backtest:
    """Forecast every complete past quarter from the data known the day before it began
    (at least ``min_history_days`` after the first created opportunity and ending by
    ``data_as_of``) and compare with the amount won in it. ``options`` go to :func:`forecast`
    (e.g. ``seasonal=False``)."""
    from .periods import day_number

    end = day_number(data_as_of)
    if not len(history):
        raise ValueError("backtest: the history is empty")
    first_key = int(quarter_key(int(history.created.min()) + min_history_days, start_month)) + 1
    rows: dict[str, list[Any]] = {
        k: []
        for k in (
            "quarter",
            "as_of",
            "actual",
            "mean",
            "p10",
            "p50",
            "p90",
            "error",
            "abs_pct_error",
            "inside_p10_p90",
        )
    }
    scale = 10.0 ** -_exponent(history.currency)
    key = first_key
    while quarter_bounds(key, start_month)[1] <= end:
        f, e = quarter_bounds(key, start_month)
        fc = forecast(
            history,
            first=to_date(f),
            last=to_date(e),
            as_of=to_date(f - 1),
            simulations=simulations,
            seed=seed,
            lookback_days=lookback_days,
            start_month=start_month,
            **options,
        )
        won = (history.outcome == WON) & (history.close >= f) & (history.close <= e)
        actual = float(history.amount[won].sum()) * scale
        c = fc.company()
        for k, v in (
            ("quarter", quarter_label(key)),
            ("as_of", to_date(f - 1)),
            ("actual", actual),
            ("mean", c["mean"]),
            ("p10", c["p10"]),
            ("p50", c["p50"]),
            ("p90", c["p90"]),
            ("error", c["mean"] - actual),
            ("abs_pct_error", abs(c["mean"] - actual) / actual if actual else None),
            ("inside_p10_p90", bool(c["p10"] <= actual <= c["p90"])),
        ):
            rows[k].append(v)
        key += 1
    t = pa.table(rows)
    pct = [err / x for err, x in zip(rows["error"], rows["actual"]) if x]
    return Backtest(
        quarters=t,
        mape=float(np.mean(np.abs(pct))) if pct else float("nan"),
        bias=float(np.mean(pct)) if pct else float("nan"),
        coverage=float(np.mean(rows["inside_p10_p90"])) if rows["inside_p10_p90"] else float("nan"),
    )
