"""Plots for people who would rather look than read (matplotlib).

Every function returns a figure built without pyplot, so nothing here touches matplotlib's
global state or chooses a backend: in a script save it (``fig.savefig(path)``, :func:`to_png`);
in Jupyter a figure that is a cell's last expression (or passed to ``display``) shows as an
image in a fresh kernel, whatever backend is active (inline, ipympl or none), because it is a
:class:`ChartFigure`, matplotlib's ``Figure`` with a PNG representation. Give ``ax=`` to draw on
axes of your own (from ``pyplot.subplots()`` for instance); the function then returns that
axes' figure and pyplot shows it the way it shows any of its figures.

Money is computed exactly by salescomp; it becomes a float only here, for drawing. Money
axes read ``350k`` / ``1.2M`` with the currency in the label, percentage axes ``50%``; no
chart grows with the number of people (distributions, top and bottom N, "other").

- :func:`payout_curve` - a plan component's payout against attainment (several plans compare)
- :func:`attainment_distribution` - histogram of attainment with the quota line
- :func:`team_attainment` - attainment of each team (bars, or a histogram when there are many)
- :func:`statement_waterfall` - how a statement's lines add up to its total
- :func:`attribution_by_channel` - channel credit under one or several models
- :func:`pacing` - the quarter in progress: distribution of pace and forecast, top and bottom N
- :func:`totals_bar` - totals by role / component
- :func:`to_png` - PNG bytes of a figure
- :func:`compact_amount` - the money tick format (``350k``, ``1.2M``)
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from matplotlib.figure import Figure

# ChartFigure is public but not listed: matplotlib gives each Figure subclass a generated
# ``set`` method whose signature lists every property of the installed version.
__all__ = [
    "payout_curve",
    "payout_curve_points",
    "attainment_distribution",
    "team_attainment",
    "statement_waterfall",
    "attribution_by_channel",
    "pacing",
    "pacing_distribution",
    "pacing_ranking",
    "totals_bar",
    "to_png",
    "compact_amount",
    "measure_component",
]

_COLORS = ["#1f6feb", "#d29922", "#2da44e", "#cf222e", "#8250df", "#57606a", "#bf3989", "#0a7ea4"]
_BEHIND, _AHEAD, _NEUTRAL = "#cf222e", "#2da44e", "#57606a"

#: Pixels per inch of the figures (their size in inches times this is their size on a page).
DPI = 100


class ChartFigure(Figure):
    """A matplotlib ``Figure`` that IPython/Jupyter displays as a PNG image (drawn at twice
    its pixel size and shown at its size, so it stays sharp on high-density screens) whether
    or not a pyplot backend was set up. Everything else is matplotlib's ``Figure``."""

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        width, height = self.get_size_inches() * DPI
        return to_png(self, dpi=2 * DPI), {"width": int(width), "height": int(height)}


def _figure(ax: Any = None, size: tuple[float, float] = (7.5, 4.2)) -> tuple[Any, Any]:
    if ax is not None:
        return ax.figure, ax
    fig = ChartFigure(figsize=size, dpi=DPI, layout="constrained")
    return fig, fig.add_subplot()


def to_png(fig: Any, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes (the same bytes for the same figure and matplotlib version:
    no time stamp or software name is written; zlib level 3, which is as small within a few
    percent as the default level 6 and faster to write)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    return buf.getvalue()


def _short(label: Any, width: int = 20) -> str:
    """A tick label cut to ``width`` characters (with an ellipsis), so long ids do not
    squeeze the chart."""
    text = str(label)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _f(x: Any) -> float:
    """Decimal/Rate/int -> float for drawing only."""
    return float(Decimal(str(x)))


# -- axis formats -----------------------------------------------------------------------------

def compact_amount(value: float) -> str:
    """An axis tick for money: ``0``, ``950``, ``12.5k``, ``350k``, ``1.2M``, ``3B``, three
    significant digits at most (the currency goes in the axis label)."""
    if not value:
        return "0"
    sign, v = ("\u2212" if value < 0 else ""), abs(value)
    units = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"), (1.0, ""))
    for i, (size, suffix) in enumerate(units):
        if v >= size or size == 1.0:
            text = f"{v / size:.3g}"
            if "e" in text and i:  # 999,999 rounds to 1000k: say 1M
                size, suffix = units[i - 1]
                text = f"{v / size:.3g}"
            return f"{sign}{text}{suffix}"
    raise AssertionError("unreachable")


def _money_axis(axis: Any) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: compact_amount(v)))


def _percent_axis(axis: Any, decimals: int | None = 0) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(xmax=100, decimals=decimals))


def _points_axis(axis: Any) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:+.0f}" if round(v) else "0"))


def _count_axis(axis: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


# -- columns ----------------------------------------------------------------------------------

def _arrow_table(table: Any) -> Any:
    """Any table salescomp takes (pyarrow, pandas, polars, salescomp results, Arrow-protocol
    objects, a list of dicts) as a pyarrow Table, without per-row Python work for the
    columnar kinds."""
    import pyarrow as pa

    if isinstance(table, pa.Table):
        return table
    if hasattr(table, "to_arrow"):
        return table.to_arrow()
    if hasattr(table, "__arrow_c_stream__"):
        return pa.table(table)
    if hasattr(table, "to_pandas") or hasattr(table, "iloc"):  # pandas without the protocol
        return pa.Table.from_pandas(table, preserve_index=False)
    return pa.Table.from_pylist(list(table))


def _text(column: Any) -> Any:
    import pyarrow as pa

    column = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    return column.cast(pa.string()) if not pa.types.is_string(column.type) else column


def _floats(column: Any) -> Any:
    """A numeric Arrow column as float64 numpy values (for drawing only)."""
    import pyarrow as pa

    return column.cast(pa.float64()).to_numpy(zero_copy_only=False)


def _select(table: Any, **equal: Any) -> Any:
    """Rows whose columns equal the given values (None: no filter; a missing column: no filter)."""
    import pyarrow.compute as pc

    for name, value in equal.items():
        if value is None or name not in table.column_names:
            continue
        column = table.column(name)
        column = _text(column) if isinstance(value, str) else column
        table = table.filter(pc.equal(column, value))
    return table


# -- payout curve -------------------------------------------------------------------------------

def payout_curve_points(plan: Any, component_id: str | None = None, *, quota: Any,
                        attainments: Sequence[Any] | None = None) -> list[tuple[Decimal, Decimal]]:
    """Exact ``(attainment, payout)`` points of one measure-based component of ``plan`` at
    ``quota`` (computed by :func:`salescomp.engine.calculate_component`; no draws, SPIFs or
    caps per deal). ``attainments`` default to 0, 2.5%, ... 200%."""
    from .engine import calculate_component

    comp = component_id or measure_component(plan)
    q = Decimal(str(quota))
    grid = attainments if attainments is not None else [Decimal(i) / 40 for i in range(0, 81)]
    unit = Decimal(1).scaleb(-plan.currency.exponent)  # the measure in the plan currency's minor units
    out = []
    for a in grid:
        a = Decimal(str(a))
        measure = (q * a).quantize(unit)
        e = calculate_component(plan, comp, measure=measure, quota=q)
        out.append((a, e.amount))
    return out


_MEASURE_COMPONENTS = ("tiered", "flat_rate", "target_incentive")


def measure_component(plan: Any) -> str:
    """The id of the plan's first component paid on a measure (``tiered``, ``flat_rate``
    or ``target_incentive``): the one a payout curve draws by default."""
    for cid, ctype in plan.components:
        if ctype in _MEASURE_COMPONENTS:
            return cid
    raise ValueError(f"plan {plan.id} has no tiered, flat_rate or target_incentive component")


def payout_curve(plans: Any, component_id: str | Mapping[str, str] | None = None, *,
                 quota: Any | Mapping[str, Any], attainments: Sequence[Any] | None = None, per_quota: bool = False,
                 labels: Mapping[str, str] | None = None, ax: Any = None, title: str | None = None) -> Any:
    """Payout of a plan's measure-based component against attainment. ``plans``: one
    :class:`~salescomp.plan.Plan` or several (one line each). ``quota``: one amount, or a
    mapping plan id -> amount (each plan at its own quota); ``component_id`` likewise (default:
    :func:`measure_component`). Payouts are in the plan currency; with ``per_quota=True`` they
    are drawn as a % of the quota, so plans with different quotas and currencies compare on
    one chart (the points stay exact: :func:`payout_curve_points`). ``labels``: legend text by
    plan id."""
    fig, ax = _figure(ax)
    many = plans if isinstance(plans, (list, tuple)) else [plans]
    for i, plan in enumerate(many):
        q = Decimal(str(quota[plan.id] if isinstance(quota, Mapping) else quota))
        comp = component_id.get(plan.id) if isinstance(component_id, Mapping) else component_id
        pts = payout_curve_points(plan, comp, quota=q, attainments=attainments)
        ys = [_f(p / q) * 100 if per_quota else _f(p) for _, p in pts]
        ax.plot([_f(a) * 100 for a, _ in pts], ys, color=_COLORS[i % len(_COLORS)], lw=2,
                label=(labels or {}).get(plan.id, plan.id))
    ax.axvline(100, color="#999", lw=1, ls="--")
    currencies = sorted({p.currency.code for p in many})
    ax.set_xlabel("attainment (% of quota)")
    _percent_axis(ax.xaxis)
    if per_quota:
        ax.set_ylabel("payout, % of quota")
        _percent_axis(ax.yaxis, decimals=None)
    else:
        ax.set_ylabel(f"payout ({', '.join(currencies)})")
        _money_axis(ax.yaxis)
    single = "" if isinstance(quota, Mapping) else f" at a quota of {Decimal(str(quota)):,} {', '.join(currencies)}"
    ax.set_title(title or f"Payout curve{single}")
    ax.grid(alpha=0.3)
    if len(many) > 1 or labels:
        ax.legend(frameon=False, fontsize=8, loc="upper left")
    return fig


# -- attainment ---------------------------------------------------------------------------------

_ATTAINMENT_BINS = tuple(Decimal(i) / 10 for i in range(0, 26))


def attainment_distribution(attainment: Any, *, measure: str | Sequence[str] | None = None,
                            period: int | None = None, fiscal_year: int | None = None,
                            period_kind: str | None = None, bins: Sequence[Any] = _ATTAINMENT_BINS,
                            ax: Any = None, title: str | None = None) -> Any:
    """Histogram of per-person attainment (credited / quota) of an attainment table (from
    :func:`salescomp.attainment`, or any table with ``credited`` and ``quota``; pyarrow,
    pandas or polars), filtered by ``measure``, ``period`` (the ``number`` column),
    ``fiscal_year`` and ``period_kind``. Several measures (a list) are drawn as outlines on
    one chart. Rows with no positive quota are left out; values beyond the last bin count in
    it. People at or above quota are counted exactly on the decimal columns."""
    several = measure is not None and not isinstance(measure, str)
    t = _with_quota(_select(_arrow_table(attainment), subject_kind="person", measure=None if several else measure,
                            number=period, fiscal_year=fiscal_year, period_kind=period_kind))
    fig, ax = _figure(ax)
    if not several:
        _attainment_histogram(ax, t, bins, "people", measure)
        ax.set_title(title or f"{_attained(t):,} of {t.num_rows:,} at or above quota")
        return fig
    for i, m in enumerate(measure):
        rows = _select(t, measure=m)
        _attainment_histogram(ax, rows, bins, "people", None, color=_COLORS[i % len(_COLORS)], outline=True,
                              label=f"{m}: {_attained(rows):,} of {rows.num_rows:,} at or above quota")
    ax.set_title(title or "Attainment")
    return fig


def team_attainment(attainment: Any, *, measure: str | None = None, period: int | None = None,
                    fiscal_year: int | None = None, period_kind: str | None = None, max_bars: int = 20,
                    ax: Any = None, title: str | None = None) -> Any:
    """Attainment of each team (the rows with ``subject_kind`` ``team``, or every row when
    there is no such column): one bar per team, best first, when there are at most
    ``max_bars`` teams, otherwise a histogram of the teams."""
    t = _with_quota(_select(_arrow_table(attainment), subject_kind="team", measure=measure, number=period,
                            fiscal_year=fiscal_year, period_kind=period_kind))
    if t.num_rows > max_bars:
        fig, ax = _figure(ax)
        _attainment_histogram(ax, t, _ATTAINMENT_BINS, "teams", measure)
        ax.set_title(title or f"{t.num_rows:,} teams, {_attained(t):,} at or above quota")
        return fig
    names = [_short(n) for n in _text(t.column("subject")).to_pylist()]
    values = _shares(t) * 100
    order = sorted(range(len(names)), key=lambda i: (-values[i], names[i]))
    fig, ax = _figure(ax, (7.5, max(2.5, 0.3 * len(order) + 1.2)))
    ax.barh([names[i] for i in order][::-1], [values[i] for i in order][::-1],
            color=[_AHEAD if values[i] >= 100 else _COLORS[0] for i in order][::-1])
    ax.axvline(100, color=_COLORS[3], lw=1.5, ls="--")
    ax.set_xlabel(f"team attainment{f' ({measure})' if measure else ''}, % of quota")
    _percent_axis(ax.xaxis)
    ax.set_title(title or "Attainment by team")
    ax.grid(alpha=0.3, axis="x")
    return fig


def _with_quota(table: Any) -> Any:
    import pyarrow.compute as pc

    return table.filter(pc.greater(table.column("quota"), 0))


def _attained(table: Any) -> int:
    """Rows with credited >= quota, compared exactly on the decimal columns."""
    import pyarrow.compute as pc

    return int(pc.sum(pc.greater_equal(table.column("credited"), table.column("quota"))).as_py() or 0)


def _shares(table: Any) -> Any:
    import numpy as np

    if not table.num_rows:
        return np.zeros(0)
    return _floats(table.column("credited")) / _floats(table.column("quota"))


def _attainment_histogram(ax: Any, table: Any, bins: Sequence[Any], what: str, measure: str | None, *,
                          color: str = _COLORS[0], outline: bool = False, label: str | None = None) -> None:
    import numpy as np

    edges = np.array([_f(b) * 100 for b in bins])
    values = np.clip(_shares(table) * 100, edges[0], np.nextafter(edges[-1], -np.inf))
    if outline:
        ax.hist(values, bins=edges, histtype="step", lw=2, color=color, label=label)
    else:
        ax.hist(values, bins=edges, color=color, edgecolor="white", label=label)
    if not ax.lines:  # the quota line once per axes
        ax.axvline(100, color=_COLORS[3], lw=1.5, ls="--", label="quota")
    ax.set_xlabel(f"attainment{f' ({measure})' if measure else ''}, % of quota")
    ax.set_ylabel(what)
    _percent_axis(ax.xaxis)
    _count_axis(ax.yaxis)
    ax.legend(frameon=False, fontsize=8, loc="upper right")
    ax.grid(alpha=0.3, axis="y")


# -- statements ---------------------------------------------------------------------------------

def statement_waterfall(statement: Any, *, ax: Any = None, title: str | None = None) -> Any:
    """Each component's subtotal as a step from zero to the statement total (an
    :class:`salescomp.engine.Statement`, or a list of ``(component, amount)``)."""
    if hasattr(statement, "subtotals"):
        steps = [(c, Decimal(a)) for c, a in statement.subtotals]
        total, cur = Decimal(statement.total), statement.currency
        person = getattr(statement, "person_id", getattr(statement, "person", ""))
        who = f"{person}, plan {getattr(statement, 'plan', '')}"
    else:
        steps = [(c, Decimal(a)) for c, a in statement]
        total, cur, who = sum((a for _, a in steps), Decimal(0)), "", ""
    fig, ax = _figure(ax)
    running = Decimal(0)
    labels = []
    for i, (comp, amount) in enumerate(steps):
        bottom = running if amount >= 0 else running + amount
        ax.bar(i, abs(_f(amount)), bottom=_f(bottom), color=_COLORS[2] if amount >= 0 else _COLORS[3])
        ax.text(i, _f(max(running, running + amount)), f"{amount:,}", ha="center", va="bottom", fontsize=8)
        running += amount
        labels.append(comp)
    ax.bar(len(steps), _f(total), color=_COLORS[0])
    ax.text(len(steps), _f(max(total, Decimal(0))), f"{total:,}", ha="center", va="bottom", fontsize=8,
            fontweight="bold")
    labels.append("total")
    ax.set_xticks(range(len(labels)), labels, rotation=20, ha="right")
    ax.axhline(0, color="#555", lw=0.8)
    ax.set_ylabel(cur)
    _money_axis(ax.yaxis)
    ax.set_title(title or f"Statement of {who}".strip())
    ax.grid(alpha=0.3, axis="y")
    return fig


# -- attribution --------------------------------------------------------------------------------

def attribution_by_channel(results: Any, *, value: str = "value", top: int = 12, currency: str = "",
                           ax: Any = None, title: str | None = None) -> Any:
    """Grouped bars of channel credit. ``results``: a channels table (pyarrow/pandas with
    ``channel`` and ``value``), an :class:`~salescomp.attribution.AttributionResult`, or a
    mapping model name -> either. The ``top`` channels (by their largest credit under any
    model) get a bar each; the others add up in one "other" bar."""
    if not isinstance(results, Mapping):
        results = {"": results}
    values: dict[str, dict[str, Decimal]] = {}
    for model, r in results.items():
        t = _arrow_table(getattr(r, "channels", r))
        values[model] = dict(zip(_text(t.column("channel")).to_pylist(),
                                 (Decimal(str(v)) for v in t.column(value).to_pylist())))
    channels = sorted({ch for by in values.values() for ch in by},
                      key=lambda ch: (-max(abs(by.get(ch, Decimal(0))) for by in values.values()), ch))
    shown, rest = channels[:top], channels[top:]
    labels = [_short(ch) for ch in shown] + ([f"other ({len(rest)})"] if rest else [])
    fig, ax = _figure(ax, (8.5, 4.2))
    width = 0.8 / max(1, len(values))
    for k, (model, by) in enumerate(values.items()):
        heights = [_f(by.get(ch, 0)) for ch in shown]
        if rest:
            heights.append(_f(sum((by.get(ch, Decimal(0)) for ch in rest), Decimal(0))))
        xs = [i + k * width - 0.4 + width / 2 for i in range(len(labels))]
        ax.bar(xs, heights, width=width, label=model or None, color=_COLORS[k % len(_COLORS)])
    ax.set_xticks(range(len(labels)), labels, rotation=25, ha="right")
    ax.set_ylabel(f"{value} ({currency})" if currency else value)
    _money_axis(ax.yaxis)
    ax.set_title(title or "Attribution by channel")
    if len(values) > 1:
        ax.legend(frameon=False, fontsize=8, loc="upper right")
    ax.grid(alpha=0.3, axis="y")
    return fig


# -- pacing -------------------------------------------------------------------------------------

def pacing(table: Any, *, measure: str | None = None, top: int = 10, title: str | None = None) -> Any:
    """The quarter in progress from a pacing table (:func:`salescomp.pacing`): on the left
    the distribution of credited to date (the dashed line is what is expected to date;
    people at or right of it are on pace) and of the forecast (credited + weighted
    pipeline); on the right the ``top`` people furthest ahead and behind, by the same pace
    figure. See :func:`salescomp.report.pace_table` for the definitions."""
    from .report import pace_table

    pace = pace_table(table)
    measures = _text(pace.column("measure")).unique().to_pylist()
    measure = measure or (measures[0] if measures else None)
    fig = ChartFigure(figsize=(11, 4.6), dpi=DPI, layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.1])
    pacing_distribution(pace, measure=measure, ax=left)
    pacing_ranking(pace, measure=measure, top=top, ax=right)
    fig.suptitle(title or f"Pacing{f' ({measure})' if measure else ''}")
    return fig


def pacing_distribution(table: Any, *, measure: str | None = None, ax: Any = None, title: str | None = None) -> Any:
    """Histogram of credited to date and of the forecast (credited + weighted pipeline), as
    % of quota, with the share of quota expected to date (people at or right of it are on
    pace)."""
    import numpy as np

    from .report import pace_table

    pace = _select(pace_table(table), measure=measure)
    credited = np.asarray(pace.column("credited_share").to_numpy(zero_copy_only=False), dtype=float) * 100
    forecast = np.asarray(pace.column("forecast_share").to_numpy(zero_copy_only=False), dtype=float) * 100
    expected = np.asarray(pace.column("expected_share").to_numpy(zero_copy_only=False), dtype=float) * 100
    top = max(200.0, float(np.ceil(np.percentile(forecast, 98) / 25) * 25)) if len(forecast) else 200.0
    edges = np.linspace(0, top, int(top / 10) + 1)
    fig, ax = _figure(ax)
    clip = np.nextafter(edges[-1], -np.inf)
    ax.hist(np.clip(credited, 0, clip), bins=edges, color=_COLORS[0], alpha=0.85, label="credited to date")
    ax.hist(np.clip(forecast, 0, clip), bins=edges, histtype="step", lw=2, color=_COLORS[1],
            label="forecast (credited + weighted pipeline)")
    if len(expected):
        line = float(np.median(expected))
        ax.axvline(line, color=_BEHIND, lw=1.5, ls="--", label=f"expected to date ({line:.0f}%)")
    ax.axvline(100, color="#999", lw=1, ls=":")
    ax.set_xlabel("% of quota")
    ax.set_ylabel("quota rows (people)")
    _percent_axis(ax.xaxis)
    _count_axis(ax.yaxis)
    on = int(np.count_nonzero(pace.column("on_pace").to_numpy(zero_copy_only=False))) if pace.num_rows else 0
    ax.set_title(title or f"{on:,} of {pace.num_rows:,} on pace", fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="upper right")
    ax.grid(alpha=0.3, axis="y")
    return fig


def pacing_ranking(table: Any, *, measure: str | None = None, top: int = 10, ax: Any = None,
                   title: str | None = None) -> Any:
    """The ``top`` people furthest ahead and the ``top`` furthest behind (all of them when
    there are at most 2 × ``top``), by pace: credited to date minus expected to date, in
    points of quota. Bars and labels use the same figure, so every bar right of zero is on
    pace and every bar left of it is behind."""
    from .report import pace_table, top_and_bottom

    pace = _select(pace_table(table), measure=measure)
    rows = top_and_bottom(pace, top)
    names = [_short(r["subject"]) for r in rows]
    gaps = [r["pace"] * 100 for r in rows]
    fig, ax = _figure(ax, (7.5, max(2.5, 0.28 * len(rows) + 1.2)))
    ys = list(range(len(rows)))[::-1]
    ax.barh(ys, gaps, color=[_AHEAD if r["on_pace"] else _BEHIND for r in rows])
    ax.set_yticks(ys, names, fontsize=8)
    ax.axvline(0, color="#555", lw=0.8)
    ax.set_xlabel("pace: credited minus expected to date, points of quota")
    _points_axis(ax.xaxis)
    shown = "all" if len(rows) == pace.num_rows else f"top and bottom {top}"
    ax.set_title(title or f"Ahead (green) and behind (red): {shown} of {pace.num_rows:,}", fontsize=10)
    ax.grid(alpha=0.3, axis="x")
    return fig


def totals_bar(totals: Iterable[tuple[str, Any]], *, currency: str = "", top: int = 12, ax: Any = None,
               title: str | None = None) -> Any:
    """Horizontal bars of ``(label, amount)`` pairs, in the order given; after ``top`` bars the
    rest add up in one "other" bar."""
    items = [(_short(k), Decimal(str(v))) for k, v in totals]
    if len(items) > top:
        rest = items[top:]
        items = items[:top] + [(f"other ({len(rest)})", sum((v for _, v in rest), Decimal(0)))]
    fig, ax = _figure(ax, (7.5, max(2.5, 0.32 * len(items) + 1.2)))
    ax.barh([k for k, _ in items][::-1], [_f(v) for _, v in items][::-1], color=_COLORS[0])
    ax.set_xlabel(currency)
    _money_axis(ax.xaxis)
    ax.set_title(title or "Totals")
    ax.grid(alpha=0.3, axis="x")
    return fig
