"""Plots for people who would rather look than read (matplotlib).

Every function returns a :class:`matplotlib.figure.Figure` (or draws on ``ax`` when one is
given) built without pyplot, so it works with any backend, in scripts, in the CLI (Agg) and
in Jupyter. Money is computed exactly by salescomp; it becomes a float only here, for drawing.

- :func:`payout_curve` - a plan component's payout against attainment (several plans compare)
- :func:`attainment_distribution` - histogram of attainment with the quota line
- :func:`statement_waterfall` - how a statement's lines add up to its total
- :func:`attribution_by_channel` - channel credit under one or several models
- :func:`pacing` - credited, expected to date and forecast against quota
- :func:`totals_bar` - totals by role / component
- :func:`to_png` - PNG bytes of a figure
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

__all__ = [
    "payout_curve",
    "payout_curve_points",
    "attainment_distribution",
    "statement_waterfall",
    "attribution_by_channel",
    "pacing",
    "totals_bar",
    "to_png",
]

_COLORS = ["#1f6feb", "#d29922", "#2da44e", "#cf222e", "#8250df", "#57606a", "#bf3989", "#0a7ea4"]


def _figure(ax: Any = None, size: tuple[float, float] = (7.5, 4.2)) -> tuple[Any, Any]:
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def to_png(fig: Any, dpi: int = 100) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _f(x: Any) -> float:
    """Decimal/Rate/int -> float for drawing only."""
    return float(Decimal(str(x)))


# -- payout curve -------------------------------------------------------------------------------

def payout_curve_points(plan: Any, component_id: str | None = None, *, quota: Any = "100000",
                        attainments: Sequence[Any] | None = None) -> list[tuple[Decimal, Decimal]]:
    """Exact ``(attainment, payout)`` points of one measure-based component of ``plan``
    (computed by :func:`salescomp.engine.calculate_component`; no draws, SPIFs or caps per deal)."""
    from .engine import calculate_component

    comp = component_id or _first_measure_component(plan)
    q = Decimal(str(quota))
    grid = attainments if attainments is not None else [Decimal(i) / 40 for i in range(0, 81)]
    out = []
    for a in grid:
        a = Decimal(str(a))
        measure = (q * a).quantize(Decimal("0.01"))
        e = calculate_component(plan, comp, measure=measure, quota=q)
        out.append((a, e.amount))
    return out


def _first_measure_component(plan: Any) -> str:
    for cid, ctype in plan.components:
        if ctype in ("tiered", "flat_rate", "target_incentive"):
            return cid
    raise ValueError(f"plan {plan.id} has no tiered, flat_rate or target_incentive component")


def payout_curve(plans: Any, component_id: str | None = None, *, quota: Any = "100000",
                 attainments: Sequence[Any] | None = None, ax: Any = None, title: str | None = None) -> Any:
    """Payout of a plan's measure-based component against attainment. ``plans`` may be one
    :class:`~salescomp.plan.Plan` or several (compared on one chart)."""
    fig, ax = _figure(ax)
    many = plans if isinstance(plans, (list, tuple)) else [plans]
    for i, plan in enumerate(many):
        pts = payout_curve_points(plan, component_id, quota=quota, attainments=attainments)
        ax.plot([_f(a) * 100 for a, _ in pts], [_f(p) for _, p in pts], color=_COLORS[i % len(_COLORS)],
                lw=2, label=f"{plan.id}")
    ax.axvline(100, color="#999", lw=1, ls="--")
    ax.set_xlabel("attainment (% of quota)")
    cur = many[0].currency.code
    ax.set_ylabel(f"payout ({cur}) at quota {Decimal(str(quota)):,}")
    ax.set_title(title or "Payout curve")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return fig


# -- attainment ---------------------------------------------------------------------------------

def attainment_distribution(attainment: Any, *, measure: str | None = None, period: int | None = None,
                            bins: Sequence[Any] = tuple(Decimal(i) / 10 for i in range(0, 26)),
                            ax: Any = None, title: str | None = None) -> Any:
    """Histogram of per-person attainment (an attainment table from
    :func:`salescomp.attainment`, pyarrow or pandas; filtered by ``measure`` / ``number``)."""
    rows = _rows(attainment)
    rows = [r for r in rows if r.get("subject_kind", "person") == "person"
            and (measure is None or str(r["measure"]) == measure)
            and (period is None or r["number"] == period) and Decimal(r["quota"]) > 0]
    values = [_f(Decimal(r["credited"]) / Decimal(r["quota"])) for r in rows]
    fig, ax = _figure(ax)
    edges = [_f(b) for b in bins]
    top = edges[-1]
    clipped = [min(v, top - 1e-9) for v in values]
    ax.hist(clipped, bins=edges, color=_COLORS[0], edgecolor="white")
    ax.axvline(1.0, color=_COLORS[3], lw=1.5, ls="--", label="quota")
    attained = sum(1 for r in rows if Decimal(r["credited"]) >= Decimal(r["quota"]))
    ax.set_xlabel("attainment (credited / quota)")
    ax.set_ylabel("people")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title or f"Attainment distribution: {attained} of {len(rows)} at or above quota")
    ax.legend(frameon=False)
    ax.grid(alpha=0.3, axis="y")
    return fig


# -- statements ---------------------------------------------------------------------------------

def statement_waterfall(statement: Any, *, ax: Any = None, title: str | None = None) -> Any:
    """Each component's subtotal as a step from zero to the statement total (an
    :class:`salescomp.engine.Statement`, or a list of ``(component, amount)``)."""
    if hasattr(statement, "subtotals"):
        steps = [(c, Decimal(a)) for c, a in statement.subtotals]
        total, cur = Decimal(statement.total), statement.currency
        who = f"person {getattr(statement, 'person', '')}, plan {getattr(statement, 'plan', '')}"
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
    ax.set_title(title or f"Statement {who}".strip())
    ax.grid(alpha=0.3, axis="y")
    return fig


# -- attribution --------------------------------------------------------------------------------

def attribution_by_channel(results: Any, *, value: str = "value", ax: Any = None, title: str | None = None) -> Any:
    """Grouped bars of channel credit. ``results``: a channels table (pyarrow/pandas with
    ``channel`` and ``value``), an :class:`~salescomp.attribution.AttributionResult`, or a
    mapping model name -> either."""
    if not isinstance(results, Mapping):
        results = {"": results}
    tables = {m: _rows(getattr(r, "channels", r)) for m, r in results.items()}
    channels = sorted({str(row["channel"]) for rows in tables.values() for row in rows})
    fig, ax = _figure(ax, (8.5, 4.2))
    width = 0.8 / max(1, len(tables))
    for k, (model, rows) in enumerate(tables.items()):
        by = {str(r["channel"]): r[value] for r in rows}
        xs = [i + k * width - 0.4 + width / 2 for i in range(len(channels))]
        ax.bar(xs, [_f(by.get(ch, 0)) for ch in channels], width=width, label=model or None,
               color=_COLORS[k % len(_COLORS)])
    ax.set_xticks(range(len(channels)), channels, rotation=25, ha="right")
    ax.set_ylabel(value)
    ax.set_title(title or "Attribution by channel")
    if len(tables) > 1:
        ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    return fig


# -- pacing -------------------------------------------------------------------------------------

def pacing(table: Any, *, ax: Any = None, title: str | None = None) -> Any:
    """Per person: credited to date, expected to date and pipeline forecast, as a share of
    quota (a table from :func:`salescomp.pacing`)."""
    rows = [r for r in _rows(table) if r.get("subject_kind", "person") == "person" and Decimal(r["quota"]) > 0]
    rows.sort(key=lambda r: str(r["subject"]))
    names = [str(r["subject"]) for r in rows]
    fig, ax = _figure(ax, (max(7.5, 0.55 * len(rows) + 2), 4.2))
    xs = range(len(rows))

    def share(key: str) -> list[float]:
        return [_f(Decimal(r[key]) / Decimal(r["quota"])) * 100 for r in rows]

    ax.bar([x - 0.2 for x in xs], share("credited"), width=0.4, color=_COLORS[0], label="credited")
    ax.bar([x + 0.2 for x in xs], share("pipeline_forecast"), width=0.4, color=_COLORS[1], alpha=0.7,
           label="credited + weighted pipeline")
    ax.scatter(list(xs), share("expected"), marker="_", s=300, color=_COLORS[3], zorder=3, label="expected to date")
    ax.axhline(100, color="#999", lw=1, ls="--")
    ax.set_xticks(list(xs), names, rotation=35, ha="right")
    ax.set_ylabel("% of quota")
    ax.set_title(title or "Pacing")
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    return fig


def totals_bar(totals: Iterable[tuple[str, Any]], *, currency: str = "", ax: Any = None,
               title: str | None = None) -> Any:
    """Horizontal bars of ``(label, amount)`` pairs."""
    items = list(totals)
    fig, ax = _figure(ax)
    ax.barh([k for k, _ in items][::-1], [_f(v) for _, v in items][::-1], color=_COLORS[0])
    ax.set_xlabel(currency)
    ax.set_title(title or "Totals")
    ax.grid(alpha=0.3, axis="x")
    return fig


def _rows(table: Any) -> list[dict[str, Any]]:
    if hasattr(table, "to_pylist"):
        return table.to_pylist()
    if hasattr(table, "to_dict"):
        try:
            return table.to_dict(orient="records")
        except TypeError:  # polars
            return table.to_dicts()
    return list(table)
