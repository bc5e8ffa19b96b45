"""The HTML report of a quarter close (:mod:`salescomp.close`).

:func:`write_report` writes ``report.html`` (one self-contained page, charts embedded as PNG)
and ``charts/*.png``; :func:`render_html` returns the page. The page is rendered from Jinja2
templates (``salescomp/templates``, every value HTML-escaped) and reads, top to bottom:

1. the headline: total variable pay, cost of sales (variable pay / credited bookings),
   the change against the previous quarter, attainment per measure, pacing of the quarter
   in progress;
2. attainment: the distribution of each measure and attainment by team;
3. payouts: top movers, totals by role and component, top earners and each plan's payout
   curve at its people's median quota;
4. pacing of the next quarter: distribution, by team, the people furthest ahead and behind;
5. attribution by channel and the commission expense roll-forward.

Everything shown is computed here from the close's tables (:func:`report_view`); money stays
exact (``Decimal``) and becomes a float only for drawing and for the ratios shown as
percentages. No table or chart grows with the roster: distributions, top and bottom N.

The quarter close itself lives in :mod:`salescomp.close`; ``close_quarter``, ``QuarterClose``
and ``quarter_bounds`` are re-exported here for code written against earlier versions.
"""

from __future__ import annotations

import base64
import functools
import html
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .close import (
    CREDIT_KIND_ENUM,
    QuarterClose,
    _require_engine_run,  # noqa: F401  (re-exported: the command line imports it from here)
    close_quarter,
    quarter_bounds,
)

__all__ = [
    "QuarterClose",
    "close_quarter",
    "quarter_bounds",
    "CREDIT_KIND_ENUM",
    "ReportView",
    "report_view",
    "report_charts",
    "render_html",
    "write_report",
    "quarter_attainment",
    "pace_table",
    "top_and_bottom",
]

#: Rows in each "top" / "bottom" table of the report.
TOP_N = 10
#: Credit kinds that count each deal once at its full amount (the cost-of-sales denominator).
BOOKING_KINDS = ("direct", "revenue_split")
#: Payout curves drawn (the plans with the most people first).
MAX_CURVES = 6
#: Attainments at which the report lists each plan's exact payout.
CURVE_POINTS = (Decimal("0.5"), Decimal("1"), Decimal("1.5"), Decimal("2"))
#: Measures drawn in the attainment and pacing charts (the most people first).
MAX_MEASURES = 4


# -- small helpers ------------------------------------------------------------------------------

def _pa() -> Any:
    import pyarrow as pa

    return pa


def _pc() -> Any:
    import pyarrow.compute as pc

    return pc


def _text(column: Any) -> Any:
    pa = _pa()
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return column if pa.types.is_string(column.type) else column.cast(pa.string())


def _where(table: Any, **equal: Any) -> Any:
    """Rows whose columns equal the values given (text and dictionary columns alike)."""
    pc = _pc()
    for name, value in equal.items():
        table = table.filter(pc.equal(table.column(name), value))
    return table


def _decimal_sum(column: Any) -> Decimal:
    value = _pc().sum(column).as_py()
    return Decimal(0) if value is None else Decimal(value)


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator for display (None when the denominator is 0)."""
    if denominator == 0:
        return None
    return numerator / denominator


def _rank(p: Decimal, n: int) -> int:
    """The 1-based nearest rank ceil(p * n) of percentile p among n values (at least 1)."""
    return max(1, min(n, -(-int(p * 1_000_000) * n // 1_000_000)))


def _percentiles(column: Any, *ps: Decimal) -> list[Any]:
    """Nearest-rank percentiles of an Arrow column (nulls left out), sorting once in Arrow."""
    pc = _pc()
    column = pc.drop_null(column)
    if not len(column):
        return [None] * len(ps)
    order = pc.sort_indices(column)
    return [column[order[_rank(p, len(column)) - 1].as_py()].as_py() for p in ps]


# -- attainment of the closed quarter -----------------------------------------------------------

_FINER_KINDS = ("month", "week")


def quarter_attainment(close: QuarterClose) -> Any:
    """Attainment of every person and team in the closed quarter, one row per subject, measure
    and currency: ``subject, subject_kind, measure, currency, credited, quota`` (exact
    decimals), ``attained`` (credited >= quota, exact) and ``attainment`` (float, display).

    The quarter's own rows are used when the quotas are quarterly; otherwise the rows of the
    months (or weeks) inside the quarter are added up (credited and quota both summed)."""
    pa, pc = _pa(), _pc()
    a = close.attainment
    kind = _text(a.column("period_kind"))
    rows = a.filter(pc.and_(pc.equal(kind, "quarter"),
                            pc.and_(pc.equal(a.column("fiscal_year"), close.fiscal_year),
                                    pc.equal(a.column("number"), close.quarter))))
    if not rows.num_rows:
        inside = pc.and_(pc.greater_equal(a.column("period_start"), pa.scalar(close.start, pa.date32())),
                         pc.less_equal(a.column("period_end"), pa.scalar(close.end, pa.date32())))
        for finer in _FINER_KINDS:
            rows = a.filter(pc.and_(inside, pc.equal(kind, finer)))
            if rows.num_rows:
                break
    keys = ["subject", "subject_kind", "measure", "currency"]
    rows = pa.table({k: _text(rows.column(k)) for k in keys}
                    | {"credited": rows.column("credited"), "quota": rows.column("quota")})
    rows = rows.group_by(keys, use_threads=False).aggregate([("credited", "sum"), ("quota", "sum")])
    rows = rows.rename_columns(keys + ["credited", "quota"]).sort_by([(k, "ascending") for k in keys])
    attained = pc.greater_equal(rows.column("credited"), rows.column("quota"))
    share = pc.divide(rows.column("credited").cast(pa.float64()), rows.column("quota").cast(pa.float64()))
    share = pc.if_else(pc.greater(rows.column("quota"), 0), share, pa.scalar(None, pa.float64()))
    return rows.append_column("attained", attained).append_column("attainment", share)


@dataclass
class MeasureAttainment:
    """Attainment of one measure in the closed quarter (people with a positive quota)."""

    measure: str
    people: int
    at_or_above: int
    median: float | None
    p10: float | None
    p90: float | None
    currencies: list[str]

    @property
    def share(self) -> float | None:
        return self.at_or_above / self.people if self.people else None


def _measure_attainment(people: Any) -> list[MeasureAttainment]:
    pc = _pc()
    out = []
    for measure in sorted(pc.unique(people.column("measure")).to_pylist()):
        rows = _where(people, measure=measure)
        p10, median, p90 = _percentiles(rows.column("attainment"), Decimal("0.1"), Decimal("0.5"), Decimal("0.9"))
        out.append(MeasureAttainment(
            measure=measure, people=rows.num_rows, at_or_above=int(pc.sum(rows.column("attained")).as_py() or 0),
            median=median, p10=p10, p90=p90, currencies=sorted(pc.unique(rows.column("currency")).to_pylist())))
    out.sort(key=lambda m: (-m.people, m.measure))
    return out


@dataclass
class TeamAttainment:
    """A team's attainment: its members on the quarter's last day, one measure and currency."""

    team: str
    measure: str
    currency: str
    members: int
    at_or_above: int
    credited: Decimal
    quota: Decimal

    @property
    def attainment(self) -> Decimal | None:
        return _ratio(self.credited, self.quota)

    @property
    def attained(self) -> bool:
        return self.credited >= self.quota


def _teams_of(close: QuarterClose) -> Any:
    """person_id -> team on the quarter's last day (a two-column table), or None."""
    h = getattr(close, "hierarchy", None)
    if h is None or "team" not in h.column_names:
        return None
    pa = _pa()
    return pa.table({"subject": _text(h.column("person_id")), "team": _text(h.column("team"))}).filter(
        _pc().is_valid(h.column("team")))


def _team_attainment(close: QuarterClose, quarter: Any) -> list[TeamAttainment]:
    """Members' credited and quotas added up per team (people on their team of the quarter's
    last day); without the close's hierarchy, the attainment table's team rows (their
    members unknown: 0)."""
    pc = _pc()
    teams = _teams_of(close)
    if teams is None:
        rows = _where(quarter, subject_kind="team").filter(pc.greater(quarter.column("quota"), 0)) \
            if quarter.num_rows else quarter
        return [TeamAttainment(r["subject"], r["measure"], r["currency"], 0, int(r["attained"]),
                               r["credited"], r["quota"]) for r in rows.to_pylist()]
    people = _where(quarter, subject_kind="person")
    people = people.filter(pc.greater(people.column("quota"), 0))
    joined = people.join(teams, "subject", join_type="inner", use_threads=False)
    joined = joined.append_column("n", pc.cast(pc.is_valid(joined.column("subject")), "int64")) \
        .append_column("hit", pc.cast(joined.column("attained"), "int64"))
    g = joined.group_by(["team", "measure", "currency"], use_threads=False).aggregate(
        [("n", "sum"), ("hit", "sum"), ("credited", "sum"), ("quota", "sum")])
    return [TeamAttainment(r["team"], r["measure"], r["currency"], r["n_sum"], r["hit_sum"],
                           r["credited_sum"], r["quota_sum"]) for r in g.to_pylist()]


# -- payouts ------------------------------------------------------------------------------------

@dataclass
class Mover:
    person_id: str
    role: str
    plan: str
    previous: Decimal
    current: Decimal

    @property
    def change(self) -> Decimal:
        return self.current - self.previous


@dataclass
class Change:
    """The closed quarter's variable pay against the previous quarter's, both in the reporting
    currency at the closed quarter's end rates (constant currency)."""

    previous_label: str
    previous: Decimal
    current: Decimal
    unconverted: list[str]  # currencies of the previous quarter with no rate (left out)

    @property
    def delta(self) -> Decimal:
        return self.current - self.previous

    @property
    def ratio(self) -> Decimal | None:
        return _ratio(self.delta, self.previous)


def _run_totals(close: QuarterClose, run: Any) -> tuple[Any, list[str]]:
    """Per person (``person_id``, ``amount``): the run's lines added up in the plan currency
    and converted to the reporting currency at the closed quarter's end as the close
    converts its statements (one rounding per person and currency; only the rows in
    another currency go through Python). Returns the table and the currencies that could
    not be converted (their rows are left out)."""
    pa, pc = _pa(), _pc()
    lines = run.to_arrow()
    if "person_id" in lines.column_names:
        person = _text(lines.column("person_id"))
    else:  # engine runs name people by roster index
        person = pa.array(close.person_ids, pa.string()).take(lines.column("person"))
    t = pa.table({"person_id": person, "currency": _text(lines.column("currency")), "amount": lines.column("amount")})
    g = t.group_by(["person_id", "currency"], use_threads=False).aggregate([("amount", "sum")])
    home = pc.equal(g.column("currency"), close.reporting_currency)
    same = g.filter(home)
    ids: list[str] = []
    amounts: list[Decimal] = []
    missing: set[str] = set()
    foreign = g.filter(pc.invert(home))
    for pid, ccy, amount in zip(*(foreign.column(c).to_pylist() for c in ("person_id", "currency", "amount_sum"))):
        converted = _to_reporting(close, amount, ccy)
        if converted is None:
            missing.add(ccy)
        else:
            ids.append(pid)
            amounts.append(converted)
    scale = _scale(same.column("amount_sum").type, amounts)
    parts = [pa.table({"person_id": same.column("person_id"),
                       "amount": same.column("amount_sum").cast(pa.decimal128(30, scale))}),
             pa.table({"person_id": pa.array(ids, pa.string()), "amount": pa.array(amounts, pa.decimal128(30, scale))})]
    both = pa.concat_tables(parts).group_by(["person_id"], use_threads=False).aggregate([("amount", "sum")])
    return both.rename_columns(["person_id", "amount"]), sorted(missing)


def _scale(decimal_type: Any, values: Sequence[Decimal] = ()) -> int:
    """The larger of a decimal column's scale and the decimals of some Decimal values (2 at least)."""
    digits = [-v.as_tuple().exponent for v in values if v.as_tuple().exponent < 0]
    return max([2, getattr(decimal_type, "scale", 2), *digits])


def _to_reporting(close: QuarterClose, amount: Decimal, currency: str) -> Decimal | None:
    if currency == close.reporting_currency:
        return amount
    fx = getattr(close, "fx", None)
    if fx is None:
        return None
    from . import Money
    from ._errors import Error

    try:
        return fx.convert(Money(amount, currency), close.reporting_currency, close.end).amount
    except Error:
        return None


def _change_and_movers(close: QuarterClose) -> tuple[Change | None, list[Mover], list[Mover]]:
    """The change against the previous quarter and the TOP_N largest increases and decreases
    per person (joined on person_id in Arrow; only the rows shown become Python objects)."""
    if len(close.runs) < 2:
        return None, [], []
    pa, pc = _pa(), _pc()
    previous, missing = _run_totals(close, close.runs[-2])
    st = close.statements
    scale = max(_scale(st.column("total_reporting").type), _scale(previous.column("amount").type))
    money = pa.decimal128(30, scale)
    current = pa.table({"person_id": _text(st.column("person_id")),
                        "current": st.column("total_reporting").cast(money)})
    previous = pa.table({"person_id": previous.column("person_id"), "previous": previous.column("amount").cast(money)})
    j = current.join(previous, "person_id", join_type="full outer", use_threads=False, coalesce_keys=True)
    zero = pa.scalar(Decimal(0), money)
    j = pa.table({"person_id": j.column("person_id"), "previous": pc.fill_null(j.column("previous"), zero),
                  "current": pc.fill_null(j.column("current"), zero)})
    j = j.append_column("change", pc.subtract(j.column("current"), j.column("previous")))
    change = Change(f"Q{close.quarter - 1}", _decimal_sum(j.column("previous")), _decimal_sum(j.column("current")),
                    missing)
    return change, _movers(close, j, increases=True), _movers(close, j, increases=False)


def _movers(close: QuarterClose, changes: Any, *, increases: bool) -> list[Mover]:
    pc = _pc()
    rows = changes.filter((pc.greater if increases else pc.less)(changes.column("change"), 0))
    order = pc.sort_indices(rows, sort_keys=[("change", "descending" if increases else "ascending"),
                                            ("person_id", "ascending")])
    return [Mover(r["person_id"], close.roles.get(r["person_id"], ""), close.plans_of.get(r["person_id"], ""),
                  r["previous"], r["current"]) for r in rows.take(order.slice(0, TOP_N)).to_pylist()]


@dataclass
class CostOfSales:
    """Variable pay of the quarter / credited bookings of the quarter (both in the reporting
    currency). Bookings: the direct and revenue-split credits dated in the quarter, which add
    up to each credited deal's amount exactly once (overlays, roll-ups and SDR, account-manager
    and marketing credits repeat the same deals and are left out); each currency's total is
    converted once at the quarter's end rate."""

    variable_pay: Decimal
    bookings: Decimal
    by_deal_type: list[tuple[str, Decimal]]
    unconverted: list[str]

    @property
    def ratio(self) -> Decimal | None:
        return _ratio(self.variable_pay, self.bookings)


def _cost_of_sales(close: QuarterClose, variable_pay: Decimal) -> CostOfSales:
    pa, pc = _pa(), _pc()
    c = close.credits
    in_quarter = pc.and_(pc.greater_equal(c.column("date"), pa.scalar(close.start, pa.date32())),
                         pc.less_equal(c.column("date"), pa.scalar(close.end, pa.date32())))
    booking = pc.is_in(c.column("kind"), value_set=pa.array(BOOKING_KINDS))
    c = c.filter(pc.and_(in_quarter, booking))
    t = pa.table({"deal_type": _text(c.column("deal_type")) if "deal_type" in c.column_names
                  else pa.array([""] * c.num_rows, pa.string()),
                  "currency": _text(c.column("currency")), "amount": c.column("amount")})
    g = t.group_by(["deal_type", "currency"], use_threads=False).aggregate([("amount", "sum")])
    by_type: dict[str, Decimal] = {}
    missing: set[str] = set()
    for deal_type, ccy, amount in zip(*(g.column(k).to_pylist() for k in ("deal_type", "currency", "amount_sum"))):
        converted = _to_reporting(close, amount, ccy)
        if converted is None:
            missing.add(ccy)
            continue
        by_type[deal_type] = by_type.get(deal_type, Decimal(0)) + converted
    rows = sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))
    return CostOfSales(variable_pay, sum(by_type.values(), Decimal(0)), rows, sorted(missing))


def _totals(table: Any, key: str, amount: str) -> list[tuple[str, Decimal]]:
    pa = _pa()
    t = pa.table({key: _text(table.column(key)), amount: table.column(amount)})
    g = t.group_by([key], use_threads=False).aggregate([(amount, "sum")])
    rows = [(k or "", Decimal(v or 0)) for k, v in zip(g.column(key).to_pylist(), g.column(f"{amount}_sum").to_pylist())]
    return sorted(rows, key=lambda kv: (-kv[1], kv[0]))


def _top_earners(close: QuarterClose, n: int) -> list[dict[str, Any]]:
    st = close.statements
    if not st.num_rows:
        return []
    order = _pc().sort_indices(st, sort_keys=[("total_reporting", "descending"), ("person_id", "ascending")])
    return st.take(order.slice(0, n)).to_pylist()


# -- payout curves ------------------------------------------------------------------------------

@dataclass
class PlanCurve:
    """A plan's measure-based component drawn at the median quota of its people."""

    plan: Any
    component: str
    measure: str
    currency: str
    people: int
    median_quota: Decimal
    band: tuple[float, float] | None  # the people's attainment quartiles (1 = 100%)
    payouts: list[tuple[Decimal, Decimal]]  # exact (attainment, payout) at CURVE_POINTS


def _component_measures(plan: Any) -> dict[str, str]:
    return {c["id"]: c.get("measure", "") for c in plan.to_dict().get("components", [])}


def _plan_curves(close: QuarterClose, quarter: Any) -> tuple[list[PlanCurve], list[str]]:
    """The plans whose measure-based component has people with a quota on its measure, most
    people first; and a note for every other plan with such a component."""
    from .plots import measure_component, payout_curve_points

    pa, pc = _pa(), _pc()
    people = _where(quarter, subject_kind="person")
    people = people.filter(pc.greater(people.column("quota"), 0))
    plan_of = pa.table({"subject": pa.array(list(close.plans_of), pa.string()),
                        "plan": pa.array(list(close.plans_of.values()), pa.string())})
    joined = people.join(plan_of, "subject", join_type="inner", use_threads=False)
    curves, skipped = [], []
    for plan_id in sorted(close.plans):
        plan = close.plans[plan_id]
        try:
            component = measure_component(plan)
        except ValueError:
            continue
        measure = _component_measures(plan).get(component, "")
        rows = _where(joined, plan=plan_id, measure=measure, currency=plan.currency.code)
        if not rows.num_rows:
            skipped.append(f"{plan_id} ({component} on {measure or 'its measure'}: nobody on the plan has a "
                           f"{plan.currency.code} quota on it this quarter)")
            continue
        (median_quota,) = _percentiles(rows.column("quota"), Decimal("0.5"))
        band = tuple(_percentiles(rows.column("attainment"), Decimal("0.25"), Decimal("0.75")))
        payouts = payout_curve_points(plan, component, quota=median_quota, attainments=CURVE_POINTS)
        curves.append(PlanCurve(plan, component, measure, plan.currency.code, rows.num_rows, median_quota, band,
                                payouts))
    curves.sort(key=lambda c: (-c.people, c.plan.id))
    skipped += [f"{c.plan.id} (not drawn: {MAX_CURVES} curves at most)" for c in curves[MAX_CURVES:]]
    return curves[:MAX_CURVES], skipped


# -- pacing -------------------------------------------------------------------------------------

def pace_table(pacing: Any) -> Any:
    """The people's rows of a pacing table (:func:`salescomp.pacing`) with a positive quota,
    sorted from furthest ahead to furthest behind, with the figures the report shows:

    - ``credited_share`` = credited / quota, ``expected_share`` = elapsed / total units
      (what a straight line from the period's start to its end expects by now),
      ``forecast_share`` = (credited + weighted pipeline) / quota;
    - ``pace`` = credited_share - expected_share, in shares of quota (+0.05 = 5 points ahead);
    - ``on_pace``: the library's exact decision, credited x total >= quota x elapsed, which
      is ``pace >= 0`` without rounding.

    "On pace" is about credited to date against the time elapsed; the forecast is a separate
    figure and never decides the label. Rows are sorted by ``on_pace`` then ``pace``
    (descending) then subject, so every on-pace row comes before every behind row and the
    order agrees with the label even where the float ``pace`` is within rounding of 0.
    A table that is already a pace table is returned as it is."""
    pa, pc = _pa(), _pc()
    from .plots import _arrow_table

    t = _arrow_table(pacing)
    if "pace" in t.column_names:  # already a pace table
        return t
    if "subject_kind" in t.column_names:
        t = _where(t, subject_kind="person")
    t = t.filter(pc.greater(t.column("quota"), 0))
    quota = t.column("quota").cast(pa.float64())
    credited = pc.divide(t.column("credited").cast(pa.float64()), quota)
    forecast = pc.divide(t.column("pipeline_forecast").cast(pa.float64()), quota)
    if "elapsed_units" in t.column_names and "total_units" in t.column_names:
        expected = pc.divide(t.column("elapsed_units").cast(pa.float64()), t.column("total_units").cast(pa.float64()))
    else:
        expected = pc.divide(t.column("expected").cast(pa.float64()), quota)
    out = pa.table({
        "subject": _text(t.column("subject")), "measure": _text(t.column("measure")),
        "period_kind": _text(t.column("period_kind")) if "period_kind" in t.column_names
        else pa.array([""] * t.num_rows, pa.string()),
        "currency": _text(t.column("currency")), "quota": t.column("quota"), "credited": t.column("credited"),
        "expected": t.column("expected"), "pipeline_forecast": t.column("pipeline_forecast"),
        "credited_share": credited, "expected_share": expected, "forecast_share": forecast,
        "pace": pc.subtract(credited, expected), "on_pace": t.column("on_pace"),
    } | ({"elapsed_units": t.column("elapsed_units"), "total_units": t.column("total_units")}
         if "elapsed_units" in t.column_names and "total_units" in t.column_names else {}))
    return out.sort_by([("on_pace", "descending"), ("pace", "descending"), ("subject", "ascending")])


def top_and_bottom(pace: Any, n: int = TOP_N) -> list[dict[str, Any]]:
    """The first ``n`` and the last ``n`` rows of a :func:`pace_table` (all rows when there
    are at most 2n), in its order: furthest ahead first, furthest behind last."""
    if pace.num_rows <= 2 * n:
        return pace.to_pylist()
    return pace.slice(0, n).to_pylist() + pace.slice(pace.num_rows - n, n).to_pylist()


@dataclass
class TeamPace:
    """A team's pace: its members' credited, quota and forecast added up (one measure and
    currency; members on their team of the quarter's last day)."""

    team: str
    measure: str
    currency: str
    members: int
    on_pace_members: int
    credited: Decimal
    quota: Decimal
    forecast: Decimal
    expected_share: float
    on_pace: bool

    @property
    def credited_share(self) -> float:
        return float(self.credited / self.quota)

    @property
    def pace(self) -> float:
        return self.credited_share - self.expected_share

    @property
    def forecast_share(self) -> float:
        return float(self.forecast / self.quota)


@dataclass
class PacingView:
    """The quarter in progress: counts, the people and teams ranked by pace (all of them, or
    the TOP_N first and last as ``(rank, row)``), the measures by number of rows."""

    as_of: Any
    label: str  # the quarter in progress, e.g. "Q4"
    rows: int
    on_pace: int
    forecast_at_quota: int
    expected_share: float | None
    people: list[tuple[int, dict[str, Any]]]
    teams: list[tuple[int, TeamPace]]
    team_count: int
    measures: list[str]
    table: Any  # pace_table(close.pacing)

    @property
    def people_cut(self) -> bool:
        return len(self.people) < self.rows

    @property
    def teams_cut(self) -> bool:
        return len(self.teams) < self.team_count


def _ranked(rows: Sequence[Any], n: int) -> list[tuple[int, Any]]:
    """(1-based rank, row) of every row when there are at most 2n, else of the first and last n."""
    ranked = list(enumerate(rows, start=1))
    return ranked if len(ranked) <= 2 * n else ranked[:n] + ranked[-n:]


def _pacing_view(close: QuarterClose) -> PacingView | None:
    if close.pacing is None or not close.pacing.num_rows:
        return None
    pc = _pc()
    pace = pace_table(close.pacing)
    if not pace.num_rows:
        return None
    at_quota = int(pc.sum(pc.greater_equal(pace.column("pipeline_forecast"), pace.column("quota"))).as_py() or 0)
    people = [(i + 1, r) for i, r in enumerate(top_and_bottom(pace, TOP_N))]
    if pace.num_rows > 2 * TOP_N:  # the bottom rows keep their rank in the whole table
        people = people[:TOP_N] + [(pace.num_rows - 2 * TOP_N + i, r) for i, r in people[TOP_N:]]
    teams = _team_pace(close, pace)
    counts = {r["values"]: r["counts"] for r in pc.value_counts(pace.column("measure")).to_pylist()}
    return PacingView(
        as_of=close.as_of, label=f"Q{close.quarter + 1}", rows=pace.num_rows,
        on_pace=int(pc.sum(pace.column("on_pace")).as_py() or 0), forecast_at_quota=at_quota,
        expected_share=_percentiles(pace.column("expected_share"), Decimal("0.5"))[0],
        people=people, teams=_ranked(teams, TOP_N), team_count=len(teams),
        measures=sorted(counts, key=lambda m: (-counts[m], m)), table=pace)


def _team_pace(close: QuarterClose, pace: Any) -> list[TeamPace]:
    """Members' figures added up per team (one measure, period kind and currency), sorted as
    :func:`pace_table` sorts people. A team is on pace when its members' credited x total >=
    their quota x elapsed, decided exactly in Arrow decimals (with no units in the pacing
    table: when their credited >= their expected)."""
    pa, pc = _pa(), _pc()
    teams = _teams_of(close)
    if teams is None or not pace.num_rows:
        return []
    j = pace.join(teams, "subject", join_type="inner", use_threads=False)
    j = j.append_column("n", pc.cast(pc.is_valid(j.column("subject")), "int64")) \
        .append_column("hit", pc.cast(j.column("on_pace"), "int64"))
    units = "elapsed_units" in j.column_names
    sums = [("n", "sum"), ("hit", "sum"), ("credited", "sum"), ("quota", "sum"), ("expected", "sum"),
            ("pipeline_forecast", "sum"), ("expected_share", "max")]
    if units:  # one period per measure and period kind: every member has the same units
        sums += [("elapsed_units", "max"), ("total_units", "max")]
    g = j.group_by(["team", "measure", "period_kind", "currency"], use_threads=False).aggregate(sums)
    credited, quota = g.column("credited_sum"), g.column("quota_sum")
    if units:
        wide = pa.decimal128(27, _scale(credited.type))  # x 10 digits of units fits 38
        on_pace = pc.greater_equal(pc.multiply(credited.cast(wide), g.column("total_units_max").cast(pa.decimal128(10, 0))),
                                   pc.multiply(quota.cast(wide), g.column("elapsed_units_max").cast(pa.decimal128(10, 0))))
    else:
        on_pace = pc.greater_equal(credited, g.column("expected_sum"))
    pace_share = pc.subtract(pc.divide(credited.cast(pa.float64()), quota.cast(pa.float64())),
                             g.column("expected_share_max"))
    g = g.append_column("on_pace", on_pace).append_column("pace", pace_share)
    g = g.sort_by([("on_pace", "descending"), ("pace", "descending"), ("team", "ascending"), ("measure", "ascending")])
    return [TeamPace(r["team"], r["measure"], r["currency"], r["n_sum"], r["hit_sum"], r["credited_sum"],
                     r["quota_sum"], r["pipeline_forecast_sum"], r["expected_share_max"], r["on_pace"])
            for r in g.to_pylist()]


# -- the view -----------------------------------------------------------------------------------

@dataclass
class Headline:
    currency: str
    variable_pay: Decimal
    statements: int
    pay_by_currency: list[tuple[str, Decimal]]
    cost_of_sales: CostOfSales
    change: Change | None
    attainment: list[MeasureAttainment]


@dataclass
class ReportView:
    """Everything the report shows, computed once from a :class:`QuarterClose`."""

    close: QuarterClose
    headline: Headline
    quarter: Any  # quarter_attainment(close)
    teams: list[TeamAttainment]  # every team, by measure then attainment (best first)
    movers_up: list[Mover]
    movers_down: list[Mover]
    by_role: list[tuple[str, Decimal]]
    by_component: list[tuple[str, Decimal]]
    top_earners: list[dict[str, Any]]
    curves: list[PlanCurve]
    curves_skipped: list[str]
    pacing: PacingView | None
    attribution: dict[str, Any]

    @property
    def teams_shown(self) -> list[TeamAttainment]:
        """Every team when there are at most 2 x TOP_N, else the TOP_N best and worst of each measure."""
        if len(self.teams) <= 2 * TOP_N:
            return self.teams
        out = []
        for measure in sorted({t.measure for t in self.teams}):
            rows = [t for t in self.teams if t.measure == measure]
            out += rows if len(rows) <= 2 * TOP_N else rows[:TOP_N] + rows[-TOP_N:]
        return out


def report_view(close: QuarterClose) -> ReportView:
    """Compute everything the report shows (see the module docstring)."""
    quarter = quarter_attainment(close)
    people = _where(quarter, subject_kind="person")
    people = people.filter(_pc().greater(people.column("quota"), 0))
    variable_pay = _decimal_sum(close.statements.column("total_reporting"))
    change, up, down = _change_and_movers(close)
    headline = Headline(
        currency=close.reporting_currency, variable_pay=variable_pay, statements=close.statements.num_rows,
        pay_by_currency=sorted(_totals(close.statements, "currency", "total")),
        cost_of_sales=_cost_of_sales(close, variable_pay), change=change,
        attainment=_measure_attainment(people))
    teams = sorted(_team_attainment(close, quarter),
                   key=lambda t: (t.measure, -(t.attainment or Decimal(0)), t.team, t.currency))
    curves, skipped = _plan_curves(close, quarter)
    return ReportView(
        close=close, headline=headline, quarter=quarter, teams=teams,
        movers_up=up, movers_down=down, by_role=_totals(close.payouts, "role", "amount_reporting"),
        by_component=_totals(close.payouts, "component", "amount_reporting"),
        top_earners=_top_earners(close, TOP_N), curves=curves, curves_skipped=skipped,
        pacing=_pacing_view(close), attribution=_attribution_rows(close))


def _attribution_rows(close: QuarterClose) -> dict[str, Any]:
    """Channel x model values (the top channels by their largest value, then "other")."""
    if not close.attribution:
        return {}
    models = list(close.attribution)
    values = {m: dict(zip(_text(t.column("channel")).to_pylist(), t.column("value").to_pylist()))
              for m, t in close.attribution.items()}
    channels = sorted({ch for v in values.values() for ch in v},
                      key=lambda ch: (-max(abs(v.get(ch) or Decimal(0)) for v in values.values()), ch))
    shown, rest = channels[:12], channels[12:]
    rows = [(ch, [values[m].get(ch) or Decimal(0) for m in models]) for ch in shown]
    if rest:
        rows.append((f"other ({len(rest)} channels)",
                     [sum((values[m].get(ch) or Decimal(0) for ch in rest), Decimal(0)) for m in models]))
    totals = [sum((v or Decimal(0) for v in values[m].values()), Decimal(0)) for m in models]
    return {"models": models, "rows": rows, "totals": totals}


# -- charts -------------------------------------------------------------------------------------

def _margins(fig: Any, *, left: float = 0.75, right: float = 0.25, bottom: float = 0.6, top: float = 0.45,
             gap: float = 0.0) -> Any:
    """Fixed margins in inches instead of matplotlib's constrained layout, which draws every
    chart twice to measure it; the report's charts have fixed sizes and labels cut to 20
    characters, so fixed margins fit them (``gap``: between side-by-side panels)."""
    width, height = fig.get_size_inches()
    fig.set_layout_engine(None)
    panels = len(fig.axes)
    axes_width = (width - left - right - gap * (panels - 1)) / max(panels, 1)
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height,
                        wspace=gap / axes_width if panels > 1 else None)
    return fig


def report_charts(close: QuarterClose, view: ReportView | None = None, *,
                  progress: Callable[[str], None] | None = None) -> dict[str, bytes]:
    """The report's charts as PNG bytes by name (``attainment_distribution``,
    ``attainment_by_team``, ``totals_by_component``, ``statement_waterfall``,
    ``payout_curves``, ``pacing``, ``attribution_by_channel``; those with nothing to show
    are left out). Each has a fixed size whatever the roster's size. ``progress`` is called
    with each chart's name before it is drawn."""
    view = view or report_view(close)
    step = progress or (lambda _name: None)
    out: dict[str, bytes] = {}
    for name, draw in _CHARTS:
        step(name)
        fig = draw(view)
        if fig is not None:
            from .plots import to_png

            out[name] = to_png(fig)
    return out


def _chart_attainment(view: ReportView) -> Any:
    """One histogram per measure (at most MAX_MEASURES, most people first) on one axes."""
    from . import plots

    measures = [m.measure for m in view.headline.attainment][:MAX_MEASURES]
    if not measures:
        return None
    people = _where(view.quarter, subject_kind="person")
    return _margins(plots.attainment_distribution(people, measure=measures, title=f"Attainment, {view.close.label}"))


def _chart_teams(view: ReportView) -> Any:
    """Team attainment of the measure with the most people: a bar per team, or the
    distribution of the teams when there are more than 2 x TOP_N."""
    from . import plots

    if not view.headline.attainment:
        return None
    measure = view.headline.attainment[0].measure
    rows = [t for t in view.teams if t.measure == measure and t.quota > 0]
    if not rows:
        return None
    pa = _pa()
    table = pa.table({"subject": pa.array([t.team for t in rows], pa.string()),
                      "credited": pa.array([t.credited for t in rows], pa.decimal128(38, 12)),
                      "quota": pa.array([t.quota for t in rows], pa.decimal128(38, 12))})
    fig = plots.team_attainment(table, max_bars=2 * TOP_N, title=f"Attainment by team ({measure}, {len(rows):,} teams)")
    return _margins(fig, left=1.6 if len(rows) <= 2 * TOP_N else 0.75)


def _chart_curves(view: ReportView) -> Any:
    """Every plan's curve on one chart, as a % of its median quota (currencies compare)."""
    from . import plots

    if not view.curves:
        return None
    return _margins(plots.payout_curve(
        [c.plan for c in view.curves], {c.plan.id: c.component for c in view.curves},
        quota={c.plan.id: c.median_quota for c in view.curves}, per_quota=True,
        labels={c.plan.id: f"{c.plan.id} ({c.people:,}; {c.median_quota:,} {c.currency})" for c in view.curves},
        title="Payout against attainment at each plan's median quota"))


def _chart_pacing(view: ReportView) -> Any:
    """The main measure's pacing: distribution, and the people furthest ahead and behind."""
    from . import plots

    if view.pacing is None:
        return None
    measure = view.pacing.measures[0]
    fig = plots.pacing(view.pacing.table, measure=measure, top=TOP_N,
                       title=f"Pacing of {view.pacing.label} ({measure}) as of {view.pacing.as_of}")
    return _margins(fig, top=0.75, gap=1.6)


#: Attribution models in the chart (the table lists every model of the close).
CHART_MODELS = ("first_touch", "linear", "position_based", "markov")


def _chart_attribution(view: ReportView) -> Any:
    from . import plots

    if not view.close.attribution:
        return None
    models = {m: t for m, t in view.close.attribution.items() if m in CHART_MODELS} or view.close.attribution
    fig = plots.attribution_by_channel(models, currency=view.headline.currency,
                                       title=f"Converted revenue by channel, year to date ({view.headline.currency})")
    return _margins(fig, left=0.8, bottom=1.3)


_CHARTS: list[tuple[str, Callable[[ReportView], Any]]] = [
    ("attainment_distribution", _chart_attainment),
    ("attainment_by_team", _chart_teams),
    ("payout_curves", _chart_curves),
    ("pacing", _chart_pacing),
    ("attribution_by_channel", _chart_attribution),
]


# -- HTML ---------------------------------------------------------------------------------------

def _money(value: Any) -> str:
    """An exact amount with thousands separators (``1,234.50``); '' for None."""
    if value is None:
        return ""
    return f"{Decimal(value):,}"


def _signed_money(value: Any) -> str:
    d = Decimal(value)
    return f"+{d:,}" if d > 0 else f"{d:,}".replace("-", "\u2212")


def _percent(value: Any, decimals: int = 1) -> str:
    """A share as a percentage (0.651 -> ``65.1%``); an en dash when there is none."""
    if value is None:
        return "\u2013"
    return f"{float(value) * 100:,.{decimals}f}%".replace("-", "\u2212")


def _points(value: float) -> str:
    """A pace in points of quota: ``+3.2 pts`` / ``\u22124.0 pts``; ``0.0 pts`` when it rounds to 0."""
    text = f"{abs(value) * 100:.1f}"
    if text == "0.0":
        return "0.0 pts"
    return f"{'+' if value > 0 else chr(0x2212)}{text} pts"


def _signed_percent(value: Any) -> str:
    if value is None:
        return "\u2013"
    text = _percent(abs(value))
    return f"+{text}" if value > 0 else (f"\u2212{text}" if value < 0 else text)


@functools.cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("salescomp", "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(money=_money, signed_money=_signed_money, percent=_percent, points=_points,
                       signed_percent=_signed_percent)
    return env


def _image(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(close: QuarterClose, charts: dict[str, bytes] | None = None, *, title: str | None = None,
                view: ReportView | None = None) -> str:
    """The report as one self-contained HTML page. ``charts``: PNG bytes by name (default:
    :func:`report_charts`; ``{}`` for a page without images)."""
    view = view or report_view(close)
    if charts is None:
        charts = report_charts(close, view)
    template = _environment().get_template("report.html.j2")
    return template.render(v=view, c=close, title=title or f"Quarter close {close.label}",
                           images={name: _image(png) for name, png in charts.items()}, top_n=TOP_N)


def write_report(close: QuarterClose, folder: str | os.PathLike[str], *, title: str | None = None,
                 progress: Callable[[str], None] | None = None) -> Path:
    """Write ``report.html`` and ``charts/<name>.png`` into ``folder`` (which must exist;
    the command line passes its temporary output folder). Returns the page's path.
    ``progress`` is called with the name of each step."""
    step = progress or (lambda _name: None)
    folder = Path(folder)
    step("report")
    view = report_view(close)
    charts = report_charts(close, view, progress=lambda name: step(f"chart {name}"))
    (folder / "charts").mkdir(exist_ok=True)
    for name, png in charts.items():
        (folder / "charts" / f"{name}.png").write_bytes(png)
    page = folder / "report.html"
    step("report.html")
    page.write_text(render_html(close, charts, title=title, view=view), encoding="utf-8")
    return page


# -- the close's Jupyter display ----------------------------------------------------------------

def _table_html(headers: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()) -> str:
    """A small HTML table (every cell escaped; ``numeric`` columns right-aligned)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td class='n' style='text-align:right'>{html.escape(str(v))}</td>" if i in numeric
                         else f"<td>{html.escape('' if v is None else str(v))}</td>"
                         for i, v in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"
