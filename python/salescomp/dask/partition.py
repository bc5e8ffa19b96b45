"""The per-partition work of salescomp on a cluster: plain functions, Arrow tables in and out.

Nothing here imports Dask: Spark's ``mapInArrow``, Ray Data's ``map_batches`` or a plain loop
can call the same functions. The small inputs every partition needs (the organisation, the
crediting rules, the plans) travel as :class:`OrgSpec` / :class:`RunSpec`, which hold Arrow
tables and JSON-like values only, so they pickle; each worker process builds the
salescomp objects from them once and keeps them (:func:`_organisation`).

Partitioning rules (docs/dask.md):

- crediting works on any split of the deals; its output is split by **person**
  (:func:`person_partitions`: contiguous ranges of the roster's run index, so the
  partitions read in order are the one-machine order);
- the period run needs one person's credits, quotas and prior state together: partitions by
  person;
- attribution counts are sums over journeys: partitions by **journey**
  (:func:`journey_paths`), added up, solved once (:func:`paths_from_counts`);
- accounting works per asset (cost line); the roll-forwards are summed exactly
  (:func:`sum_roll_forwards`).

Every table a function returns has a fixed schema and a deterministic row order, so the same
data gives the same bytes whatever the partitioning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._errors import ValidationError

__all__ = [
    "OrgSpec",
    "RunSpec",
    "PartitionError",
    "credit_partition",
    "canonical_credits",
    "person_partitions",
    "person_range",
    "person_histogram",
    "balanced_ranges",
    "roster",
    "split_rows",
    "QuotaSpec",
    "quota_partition",
    "stored_credits",
    "run_partition",
    "lines_table",
    "statements_table",
    "state_to_arrow",
    "state_from_arrow",
    "journey_paths",
    "sum_path_counts",
    "paths_from_counts",
    "accounting_partition",
    "sum_roll_forwards",
]

_EPOCH = dt.date(1970, 1, 1)
_PATH_SEPARATOR = "\x1f"  # joins channel names into one group key; refused inside a name


class PartitionError(ValidationError):
    """A partition's rows are bad: the message names the partition (its file) and the rows."""


def _in_partition(
    error: Exception, source: str, rows: Mapping[str, np.ndarray] | None = None
) -> PartitionError:
    """The error re-raised with the partition named and each issue's row as a 1-based row
    (the engine's issues count rows from 0; the table readers' issues, which name their table
    in ``source``, from 1). ``rows``: for tables a partition holds a selection of (by table
    name: the 0-based rows of the user's table), the issue's row becomes the user's row;
    otherwise it is the row within the partition."""
    issues = [dict(i) for i in (getattr(error, "issues", None) or [])]
    where = "in this partition"
    for i in issues:
        if i.get("row") is None:
            continue
        row = int(i["row"]) - (1 if i.get("source") else 0)  # 0-based in what the library read
        picked = None if rows is None else rows.get(str(i.get("source") or ""))
        if picked is not None and 0 <= row < len(picked):
            row = int(picked[row])
            where = "in the input table"
        i["row"] = row + 1
    if issues:
        shown = "; ".join(
            (f"{i['source']} " if i.get("source") else "")
            + (f"row {i['row']}" if i.get("row") is not None else "table")
            + f", field {i.get('field')!r}, value {i.get('value')!r}: {i.get('rule')}"
            for i in issues[:20]
        )
        more = f" (and {len(issues) - 20} more)" if len(issues) > 20 else ""
        failure = PartitionError(
            f"{source}: {len(issues)} bad row(s) (rows 1-based {where}): {shown}{more}"
        )
    else:
        failure = PartitionError(f"{source}: {error}")
    failure.issues = issues
    return failure


def _digest(*parts: Any) -> str:
    """A key for the per-process cache of built objects: a hash of the spec's content."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, pa.Table):
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, part.schema) as writer:
                writer.write_table(part)
            h.update(sink.getvalue().to_pybytes())
        else:
            h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()


# ---------------------------------------------------------------------------- broadcast inputs


@dataclass(frozen=True)
class OrgSpec:
    """Everything crediting needs besides the deals (small; sent to every partition).

    ``people``/``assignments``/``leaves`` as :class:`salescomp.Organisation` takes them,
    ``rules``/``splits``/``account_managers`` and the settings as :func:`salescomp.credit`
    takes them; ``fx_rates`` (from_currency, to_currency, date, rate) builds the
    :class:`salescomp.FxTable`, ``fiscal_start_month`` the :class:`salescomp.FiscalCalendar`."""

    people: pa.Table
    rules: Sequence[Mapping[str, Any]]
    assignments: pa.Table | None = None
    leaves: pa.Table | None = None
    splits: pa.Table | None = None
    account_managers: pa.Table | None = None
    fx_rates: pa.Table | None = None
    fiscal_start_month: int = 1
    currency: str = "pay"
    reporting_currency: str | None = None
    fx_date: str = "deal_date"
    period_kind: str = "month"

    def key(self) -> str:
        memo = self.__dict__.get("_key")  # hashing a large roster once per process, not per task
        if memo is None:
            memo = self._digest()
            object.__setattr__(self, "_key", memo)
        return memo

    def _digest(self) -> str:
        return _digest(
            self.people,
            self.assignments,
            self.leaves,
            self.splits,
            self.account_managers,
            self.fx_rates,
            [dict(r) for r in self.rules],
            self.fiscal_start_month,
            self.currency,
            self.reporting_currency,
            self.fx_date,
            self.period_kind,
        )


@dataclass
class _Built:
    org: Any
    person_ids: list[str]
    fx: Any
    calendar: Any
    roster: pa.Array = None  # the person ids as one Arrow array (built once per process)

    def __post_init__(self) -> None:
        self.roster = pa.array(self.person_ids, pa.string())


_BUILT: dict[str, _Built] = {}  # per worker process: the organisation of a spec, built once


def _organisation(spec: OrgSpec) -> _Built:
    key = spec.key()
    if key not in _BUILT:
        from .. import FxTable, Organisation
        from ..org import FiscalCalendar

        fx = None
        if spec.fx_rates is not None:
            fx = FxTable()
            r = spec.fx_rates.to_pydict()
            for a, b, d, rate in zip(r["from_currency"], r["to_currency"], r["date"], r["rate"]):
                fx.add(a, b, d, rate)
        org = Organisation(spec.people, spec.assignments, spec.leaves)
        _BUILT.clear()  # one organisation at a time per process: a roster can be large
        _BUILT[key] = _Built(org, list(org.person_ids), fx, FiscalCalendar(spec.fiscal_start_month))
    return _BUILT[key]


def roster(spec: OrgSpec) -> list[str]:
    """The person ids in run-index order (the order :class:`salescomp.Organisation` gives)."""
    return _organisation(spec).person_ids


# ---------------------------------------------------------------------------- crediting

# Deal columns the period run reads (row = the credit's deal), carried with every credit.
_RUN_DEAL_COLUMNS = ("close_date", "cancellation_date", "term_months", "product")


def canonical_credits(
    credits: pa.Table,
    deals: pa.Table,
    person_ids: Sequence[str] | pa.Array,
    *,
    deal_rows: Any = None,
    sort: bool = True,
) -> pa.Table:
    """Crediting's table in the form that does not depend on how the deals were split.

    ``deal_row`` (a position in one partition) is dropped; the deal is its user id
    ``deal_id``; ``person`` (int32) is the person's run index; the deal columns the period
    run needs come along as ``deal_close_date``...; dictionary columns become strings; rows
    are sorted by person, deal id, rule, then every other column (``sort=False``: left in
    crediting's order, for a caller that sorts later). ``deal_rows``: the input row of each
    deal row (``Deals.input_rows``; default: found by sorting the deals by id text)."""
    rows = credits.column("deal_row").combine_chunks()
    cols: dict[str, Any] = {"person": _run_index(credits.column("person_id"), person_ids)}
    for name in credits.column_names:
        if name == "deal_row":
            continue
        col = credits.column(name)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        cols[name] = col
    deals = _in_deal_row_order(deals) if deal_rows is None else deals.take(pa.array(deal_rows))
    for name in _RUN_DEAL_COLUMNS:
        if name in deals.column_names:
            cols[f"deal_{name}"] = _deal_column(deals.column(name).take(rows), name)
    return _sort_credits(pa.table(cols)) if sort else pa.table(cols)


def _run_index(person_id: Any, person_ids: Sequence[str] | pa.Array) -> pa.Array:
    """The run index (int32) of each credit's person: the codes of crediting's dictionary
    column when its dictionary is the roster (no text looked up), else looked up."""
    roster_ids = (
        person_ids if isinstance(person_ids, pa.Array) else pa.array(list(person_ids), pa.string())
    )
    col = person_id.combine_chunks() if isinstance(person_id, pa.ChunkedArray) else person_id
    if pa.types.is_dictionary(col.type) and col.dictionary.equals(roster_ids):
        return col.indices.cast(pa.int32())
    return pc.index_in(col.cast(pa.string()), value_set=roster_ids).cast(pa.int32())


def _in_deal_row_order(deals: pa.Table) -> pa.Table:
    """The deals in crediting's deal-row order: the byte order of their ids' text
    (docs/crediting-and-quota.md), so ``deal_row`` indexes them whatever the input order."""
    name = "deal_id" if "deal_id" in deals.column_names else "id"
    text = deals.column(name).cast(pa.string())
    return deals.take(pc.sort_indices(text))


def _deal_column(col: Any, name: str) -> Any:
    """One type per deal column whatever the input gave (a Dask DataFrame gives dates as text)."""
    if name.endswith("_date"):
        return col.cast(pa.date32())
    if name == "term_months" or pa.types.is_integer(col.type):
        return col.cast(pa.int32())
    return col.cast(pa.string())


_CREDIT_ORDER = (
    "person",
    "deal_id",
    "rule",
    "depth",
    "measure",
    "kind",
    "via",
    "date",
    "amount",
    "currency",
)


def _sort_credits(table: pa.Table) -> pa.Table:
    """Credits in their one order: person, deal id, rule, then the other distinguishing columns."""
    order = pc.sort_indices(table, [(k, "ascending", "at_start") for k in _CREDIT_ORDER])
    return table.take(order).combine_chunks()


def credit_partition(
    deals: pa.Table, spec: OrgSpec, *, source: str = "deals", sort: bool = True
) -> pa.Table:
    """Credits of one partition of the deals (any split), in :func:`canonical_credits` form
    (``sort=False``: in crediting's order, for a caller that sorts later).

    Bad rows raise :class:`PartitionError` naming ``source`` and the 1-based rows."""
    from .. import Deals, credit

    built = _organisation(spec)
    try:
        d = Deals(built.org, deals)
    except ValidationError as e:
        raise _in_partition(e, source) from None
    splits = spec.splits
    if splits is not None:  # only this partition's deals: splits of other deals are not errors here
        splits = splits.filter(_of_deals(splits.column("deal_id"), deals))
    try:
        credits = credit(
            d,
            spec.rules,
            splits=splits,
            account_managers=spec.account_managers,
            fx=built.fx,
            calendar=built.calendar,
            currency=spec.currency,
            reporting_currency=spec.reporting_currency,
            fx_date=spec.fx_date,
            period_kind=spec.period_kind,
        )
    except ValidationError as e:
        raise _in_partition(e, source) from None
    return canonical_credits(
        credits.to_arrow(), deals, built.roster, deal_rows=d.input_rows, sort=sort
    )


def _of_deals(deal_id: Any, deals: pa.Table) -> pa.Array:
    """Which rows of ``deal_id`` name a deal of ``deals``, compared as crediting compares
    ids: their text (an integer id 7 and a text id "7" are the same deal)."""
    from ..tables import id_text

    name = "deal_id" if "deal_id" in deals.column_names else "id"
    known = id_text(deals.column(name), name, "deals")
    return pc.fill_null(
        pc.is_in(pc.cast(deal_id, pa.string()), value_set=pa.array(known, pa.string())), False
    )


def _id_array(ids: Any) -> pa.Array:
    """The user's deal ids as one Arrow array of their own type (text stays text, integers
    stay integers): from Arrow, numpy or a list."""
    if isinstance(ids, pa.ChunkedArray):
        return ids.combine_chunks()
    if isinstance(ids, pa.Array):
        return ids
    return pa.array(ids if isinstance(ids, np.ndarray) and ids.dtype != object else list(ids))


def _id_rank(ids: pa.Array) -> np.ndarray:
    """Dense rank of each id in the ids' own order (text: byte order; integers: value),
    missing ids first; for sorting rows by deal id whatever its type."""
    if len(ids) == 0:
        return np.zeros(0, np.int64)
    if ids.null_count == len(ids):
        return np.zeros(len(ids), np.int64)
    rank = pc.rank(ids, sort_keys="ascending", null_placement="at_start", tiebreaker="dense")
    return rank.to_numpy(zero_copy_only=False).astype(np.int64)


def person_partitions(person: Any, people: int, partitions: int) -> np.ndarray:
    """The person partition of each row: contiguous ranges of the run index, so reading the
    partitions in order gives rows in person order. ``person`` is the int run index."""
    p = np.asarray(
        pc.fill_null(person, -1) if isinstance(person, (pa.Array, pa.ChunkedArray)) else person,
        dtype=np.int64,
    )
    return (np.maximum(p, 0) * partitions) // max(people, 1)


def person_range(part: int, people: int, partitions: int) -> tuple[int, int]:
    """Run indexes ``[lo, hi)`` of person partition ``part`` (the inverse of person_partitions)."""
    lo = -(-part * people // partitions)
    hi = -(-(part + 1) * people // partitions)
    return lo, hi


HISTOGRAM_BUCKETS = 4096  # resolution of the credit counts that balance person partitions


def person_histogram(person: Any, people: int) -> np.ndarray:
    """Rows per fine contiguous range of run indexes (``HISTOGRAM_BUCKETS`` of them)."""
    buckets = person_partitions(person, people, HISTOGRAM_BUCKETS)
    return np.bincount(buckets, minlength=HISTOGRAM_BUCKETS).astype(np.int64)


def balanced_ranges(histogram: np.ndarray, people: int, partitions: int) -> list[tuple[int, int]]:
    """``partitions`` contiguous run-index ranges covering ``[0, people)`` with about the same
    number of rows each (managers with many roll-up credits are not all in one partition;
    one person's rows always stay together)."""
    cumulative = np.cumsum(histogram)
    total = int(cumulative[-1]) if len(cumulative) else 0
    if total == 0:
        return [person_range(k, people, partitions) for k in range(partitions)]
    cuts = [0]
    for k in range(1, partitions):
        target = (k * total + partitions - 1) // partitions
        bucket = int(np.searchsorted(cumulative, target, side="left")) + 1  # cut after it
        cuts.append(
            max(
                cuts[-1], person_range(min(bucket, HISTOGRAM_BUCKETS), people, HISTOGRAM_BUCKETS)[0]
            )
        )
    cuts.append(people)
    return [(cuts[i], cuts[i + 1]) for i in range(partitions)]


def split_rows(table: pa.Table, parts: np.ndarray, partitions: int) -> list[pa.Table]:
    """The rows of ``table`` by partition number (row order kept within each)."""
    order = np.argsort(parts, kind="stable")
    ordered = table.take(pa.array(order)) if len(order) else table
    bounds = np.searchsorted(parts[order], np.arange(partitions + 1))
    return [
        ordered.slice(int(bounds[i]), int(bounds[i + 1] - bounds[i])) for i in range(partitions)
    ]


# ---------------------------------------------------------------------------- quotas, attainment


@dataclass(frozen=True)
class QuotaSpec:
    """The quota inputs of :func:`quota_partition` (sent to every person partition).

    ``quotas``, ``ramps``, ``ramp_assignments``, ``relief``, ``proration`` and
    ``prorate_leaves`` as :func:`salescomp.effective_quotas` takes them (person subjects
    only: team quotas and team attainment stay on one machine); ``measures``: the measure
    list (None: the crediting rules' measures, as ``measures=credits`` gives);
    ``person_kinds`` and ``through`` as :func:`salescomp.attainment` takes them."""

    quotas: pa.Table
    measures: Sequence[str] | None = None
    ramps: Sequence[Mapping[str, Any]] = ()
    ramp_assignments: pa.Table | None = None
    relief: pa.Table | None = None
    proration: str = "calendar_days"
    prorate_leaves: bool = True
    person_kinds: Sequence[str] | None = None
    through: dt.date | None = None


_NO_DEALS: dict[str, tuple[Any, list[str]]] = {}  # per process: (empty Deals, measures) of a spec


def _no_deals(spec: OrgSpec) -> tuple[Any, list[str]]:
    """The organisation's empty :class:`salescomp.Deals` (what a table of stored credits hangs
    on) and the crediting rules' measure list, in crediting's own order (credited once, on no
    deals, so the list is the one ``salescomp.credit`` gives)."""
    key = spec.key()
    if key not in _NO_DEALS:
        from .. import Deals, credit

        built = _organisation(spec)
        empty = pa.table(
            {
                "deal_id": pa.array([], pa.string()),
                "owner": pa.array([], pa.string()),
                "close_date": pa.array([], pa.date32()),
                "amount": pa.array([], pa.string()),
                "currency": pa.array([], pa.string()),
                "type": pa.array([], pa.string()),
            }
        )
        deals = Deals(built.org, empty)
        measures = credit(deals, spec.rules, fx=built.fx, calendar=built.calendar).measures
        _NO_DEALS.clear()
        _NO_DEALS[key] = (deals, list(measures))
    return _NO_DEALS[key]


class _StoredCredits:
    """Stored credit rows as the credits :func:`salescomp.attainment` reads (its ``_core``)."""

    def __init__(self, core: Any) -> None:
        self._core = core


def _codes(col: Any, names: Sequence[str], what: str, missing: int | None = None) -> np.ndarray:
    """Positions of a text column's values in ``names``; a value not there is an error
    (``missing``: the code of a missing value, None: missing values are errors too)."""
    text = pc.cast(col, pa.string())
    idx = pc.index_in(text, value_set=pa.array(list(names), pa.string()))
    unknown = (
        pc.and_(pc.is_null(idx), pc.is_valid(text)) if missing is not None else pc.is_null(idx)
    )
    bad = np.flatnonzero(unknown.to_numpy(zero_copy_only=False))
    if bad.size:
        raise PartitionError(
            f"credits: {what} {text[int(bad[0])].as_py()!r} (row {int(bad[0]) + 1}) is not one of "
            f"{', '.join(names[:10])}"
        )
    filled = pc.fill_null(idx, -1 if missing is None else missing)
    return filled.to_numpy(zero_copy_only=False).astype(np.int32)


def stored_credits(credits: pa.Table, spec: OrgSpec, measures: Sequence[str]) -> Any:
    """Credits of the form :func:`canonical_credits` stores, as the credits
    :func:`salescomp.attainment` takes (same organisation as ``spec``; no deal rows)."""
    from .. import _core
    from ..crediting import CREDIT_KINDS, DEAL_TYPES
    from ..tables import to_minor_units

    deals, _ = _no_deals(spec)
    person_ids = _organisation(spec).person_ids
    # The credits table's contract: a person's credits together, in date order.
    t = credits.take(pc.sort_indices(credits, [("person", "ascending"), ("date", "ascending")]))
    currency = t.column("currency").cast(pa.string()).combine_chunks()
    names = sorted(set(pc.unique(currency).to_pylist()))
    code = _codes(currency, names, "currency")
    amount = np.zeros(t.num_rows, np.int64)
    money = t.column("amount").combine_chunks()
    for i, name in enumerate(names):  # each currency's own exponent: minor units, exactly
        rows = np.flatnonzero(code == i)
        amount[rows] = to_minor_units(money.take(pa.array(rows)), name)
    columns = {
        "person": t.column("person").to_numpy().astype(np.int32),
        "date": t.column("date").cast(pa.int32()).to_numpy(),
        "amount": amount,
        "currency": code,
        "currency_codes": names,
        "kind": _codes(t.column("kind"), CREDIT_KINDS, "kind").astype(np.uint8),
        "deal_type": _codes(t.column("deal_type"), DEAL_TYPES, "deal_type").astype(np.uint8),
        "measure": _codes(t.column("measure"), list(measures), "measure"),
        "rule": t.column("rule").to_numpy().astype(np.int32),
        "depth": t.column("depth").to_numpy().astype(np.int16),
        "period": t.column("period").to_numpy().astype(np.int32),
        "via": _codes(t.column("via"), person_ids, "via", missing=-1),
    }
    return _StoredCredits(_core._credits_from_columns(deals._core, columns, list(measures), []))


def _person_rows(
    table: pa.Table | None, column: str, person_ids: Sequence[str], lo: int, hi: int
) -> tuple[pa.Table | None, np.ndarray]:
    """The rows of ``table`` whose ``column`` is a person of run indexes [lo, hi), and their
    0-based rows in ``table``. Rows naming nobody on the roster go to the first partition
    (lo == 0), where the library refuses them with their row: never dropped."""
    if table is None:
        return None, np.zeros(0, np.int64)
    idx = pc.index_in(
        pc.cast(table.column(column), pa.string()), value_set=pa.array(person_ids, pa.string())
    )
    at = pc.fill_null(idx, -1).to_numpy(zero_copy_only=False)
    keep = ((at >= lo) & (at < hi)) | ((at < 0) & (lo == 0))
    rows = np.flatnonzero(keep)
    return table.take(pa.array(rows, pa.int64())), rows


def quota_partition(
    credits: pa.Table,
    spec: OrgSpec,
    quota: QuotaSpec,
    *,
    persons: tuple[int, int] | None = None,
    source: str = "quotas",
) -> tuple[pa.Table, pa.Table]:
    """Effective quotas and attainment of the people of run indexes ``persons`` = [lo, hi)
    (None: everyone): the library's :func:`salescomp.effective_quotas` on their quota rows
    and :func:`salescomp.attainment` on their credits (``credits``: the
    :func:`canonical_credits` rows of these people; a person's credits are all in one person
    partition, so their sums are whole). Returns (effective quotas, attainment)."""
    from .. import attainment, effective_quotas

    built = _organisation(spec)
    ids = built.person_ids
    lo, hi = persons if persons is not None else (0, len(ids))
    measures = list(quota.measures) if quota.measures is not None else _no_deals(spec)[1]
    quotas, rows = _person_rows(quota.quotas, "subject", ids, lo, hi)
    if "subject_kind" in quotas.column_names:
        kind = pc.fill_null(pc.cast(quotas.column("subject_kind"), pa.string()), "person")
        teams = np.flatnonzero(pc.not_equal(kind, "person").to_numpy(zero_copy_only=False))
        if teams.size:
            raise PartitionError(
                f"{source}: quotas row {int(rows[teams[0]]) + 1}: subject_kind "
                f"{kind[int(teams[0])].as_py()!r}: salescomp.dask computes person quotas and "
                "attainment; compute team rows on one machine"
            )
    ramp_of, ramp_rows = _person_rows(quota.ramp_assignments, "person", ids, lo, hi)
    relief, relief_rows = _person_rows(quota.relief, "subject", ids, lo, hi)
    # Issues name the user's rows, not the rows of this partition's selection.
    user_rows = {"quotas": rows, "quota_relief": relief_rows, "ramp_assignments": ramp_rows}
    try:
        eq = effective_quotas(
            built.org,
            quotas,
            calendar=built.calendar,
            measures=measures,
            ramps=quota.ramps,
            ramp_assignments=ramp_of,
            relief=relief,
            proration=quota.proration,
            prorate_leaves=quota.prorate_leaves,
        )
        att = attainment(
            stored_credits(credits, spec, measures),
            eq,
            calendar=built.calendar,
            person_kinds=None if quota.person_kinds is None else list(quota.person_kinds),
            team_quota="explicit",
            through=quota.through,
        )
    except ValidationError as e:
        raise _in_partition(e, source, user_rows) from None
    return eq.to_arrow(), att.to_arrow()


# ---------------------------------------------------------------------------- the period run


@dataclass(frozen=True)
class RunSpec:
    """What every person partition of a period run needs (small; sent to each).

    ``plans``: plan documents (dicts); ``assignments``: a table person_id, plan, from, to;
    ``period``: start, end, quarter_start, year_start; ``scale``: the decimal scale of every
    money column out (default: the largest exponent of the plans' currencies)."""

    plans: Sequence[Mapping[str, Any]]
    assignments: pa.Table
    period: Mapping[str, dt.date]
    person_ids: Sequence[str] = field(default_factory=list)
    scale: int | None = None
    plan_change: str = "credits_by_date"

    def money_scale(self) -> int:
        if self.scale is not None:
            return self.scale
        from .._core import Currency  # type: ignore[attr-defined]

        return max([Currency(str(p["currency"])).exponent for p in self.plans] or [2])


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@dataclass(frozen=True)
class _RunLookups:
    """What every person partition of one run derives from its :class:`RunSpec`: the roster
    index (person id -> run index) and the plan assignments as engine rows, with their run
    indexes sorted for slicing. Built once per spec in a process (:func:`_run_lookups`):
    per task it was O(roster), 4.9 s of a 5.7 s task at 1M people."""

    spec: RunSpec
    index: dict[str, int]
    rows: list[dict[str, Any]]  # input order
    by_person: np.ndarray  # row numbers ordered by run index (stable)
    persons: np.ndarray  # the run index of each row of by_person, ascending


_LOOKUPS: list[_RunLookups] = []  # the latest spec's only: a worker runs one job at a time


def _run_lookups(spec: RunSpec) -> _RunLookups:
    if _LOOKUPS and _LOOKUPS[0].spec is spec:
        return _LOOKUPS[0]
    index = {p: i for i, p in enumerate(spec.person_ids)}
    a = spec.assignments.to_pydict()
    to = a.get("to") or [None] * len(a["person_id"])
    rows, persons = [], []
    for person, plan, start, end in zip(a["person_id"], a["plan"], a["from"], to):
        i = index.get(person)
        if i is None:
            raise ValidationError(
                f"[SC-RUN-PERSON] assignments: person {person!r} is not on the roster"
            )
        persons.append(i)
        rows.append(
            {
                "person": i,
                "plan": plan,
                "from": _as_date(start),
                "to": None if end is None else _as_date(end),
            }
        )
    order = np.argsort(np.asarray(persons, dtype=np.int64), kind="stable")
    lookups = _RunLookups(spec, index, rows, order, np.asarray(persons, np.int64)[order])
    _LOOKUPS[:] = [lookups]
    return lookups


def _run_assignments(lookups: _RunLookups, lo: int, hi: int) -> list[dict[str, Any]]:
    """The assignment rows of run indexes ``[lo, hi)``, in input order."""
    first, last = np.searchsorted(lookups.persons, [lo, hi])
    return [lookups.rows[k] for k in np.sort(lookups.by_person[first:last]).tolist()]


def _run_quotas(quotas: pa.Table | None, index: Mapping[str, int]) -> list[dict[str, Any]]:
    if quotas is None or quotas.num_rows == 0:
        return []
    q = quotas.to_pydict()
    return [
        {"person": index[p], "measure": m, "period_start": s, "amount": a, "currency": c}
        for p, m, s, a, c in zip(
            q["person_id"], q["measure"], q["period_start"], q["amount"], q["currency"]
        )
    ]


def _run_credit_inputs(credits: pa.Table, end: dt.date) -> tuple[pa.Table, pa.Table, np.ndarray]:
    """The run's credits (deal = a row of the returned deals table), the deals and their ids
    (an Arrow array of the user's id type, sorted: rows follow the ids' order)."""
    credits = credits.filter(pc.less_equal(credits.column("date"), pa.scalar(end, pa.date32())))
    deal_ids = _id_array(credits.column("deal_id"))
    unique = pc.unique(deal_ids)
    unique = unique.take(pc.sort_indices(unique))
    rows = pc.index_in(deal_ids, value_set=unique).to_numpy(zero_copy_only=False)
    _, first = np.unique(rows, return_index=True)
    run_credits = pa.table(
        {
            "person": credits.column("person"),
            "deal": pa.array(rows.astype(np.int64)),
            "date": credits.column("date"),
            "amount": credits.column("amount"),
            "currency": credits.column("currency"),
            "kind": credits.column("kind"),
            "deal_type": credits.column("deal_type"),
            "rule": credits.column("rule"),
        }
    )
    deal_cols = {}
    take = pa.array(first.astype(np.int64))
    for name in _RUN_DEAL_COLUMNS:
        if f"deal_{name}" in credits.column_names:
            col = credits.column(f"deal_{name}").take(take)
            if name in ("term_months", "product"):
                col = pc.fill_null(col, 0 if name == "term_months" else -1).cast(pa.int32())
            deal_cols[name] = col
    deals = (
        pa.table(deal_cols) if deal_cols else pa.table({"close_date": pa.array([], pa.date32())})
    )
    return run_credits, deals, unique


def _decimals(minor_or_decimals: pa.Array, scale: int) -> pa.Array:
    return minor_or_decimals.cast(pa.decimal128(38, scale))


def lines_table(result: Any, person_ids: Sequence[str], deal_ids: Any, scale: int) -> pa.Table:
    """A run's payout lines with the user's ids: person_id, period_start, component, deal_id,
    amount, currency, pay_amount, pay_currency, adjustment (money at ``scale`` decimals)."""
    t = result.to_arrow()
    ids = pa.array(list(person_ids), pa.string())
    deal = t.column("deal").combine_chunks()
    deal_id = _id_array(deal_ids).take(deal)  # a line without a deal: a missing id
    table = pa.table(
        {
            "person_id": ids.take(t.column("person")),
            "period_start": t.column("period_start"),
            "component": t.column("component"),
            "deal_id": deal_id,
            "amount": _decimals(t.column("amount"), scale),
            "currency": t.column("currency"),
            "pay_amount": _decimals(t.column("pay_amount"), scale),
            "pay_currency": t.column("pay_currency"),
            "adjustment": t.column("adjustment"),
        }
    )
    return table.take(_deal_id_order(t, deal_id)).combine_chunks()


def _deal_id_order(lines: pa.Table, deal_id: pa.Array) -> pa.Array:
    """The run's line order (person, then plan component order) with the lines of a
    component ordered by deal id instead of deal row (rows differ between partitions)."""
    n = lines.num_rows
    if n == 0:
        return pa.array([], pa.int64())
    person = lines.column("person").to_numpy()
    component = pc.dictionary_encode(lines.column("component")).combine_chunks().indices.to_numpy()
    block = np.cumsum(np.r_[0, (person[1:] != person[:-1]) | (component[1:] != component[:-1])])
    return pa.array(np.lexsort((_id_rank(deal_id), block)))


def statements_table(result: Any, person_ids: Sequence[str], scale: int) -> pa.Table:
    """One row per statement: person_id, plan, currency, lines, total, balances, pay total."""
    st = result.statements
    money = pa.decimal128(38, scale)

    def amounts(name: str) -> pa.Array:
        return pa.array([getattr(s, name) for s in st], pa.decimal128(38, 18)).cast(money)

    return pa.table(
        {
            "person_id": pa.array([person_ids[s.person] for s in st], pa.string()),
            "plan": pa.array([s.plan for s in st], pa.string()),
            "currency": pa.array([s.currency for s in st], pa.string()),
            "lines": pa.array([len(s._line_indexes) for s in st], pa.int32()),
            "total": amounts("total"),
            "recoverable_balance": amounts("recoverable_balance"),
            "guarantee_balance": amounts("guarantee_balance"),
            "pay_total": amounts("pay_total"),
            "pay_currency": pa.array([s.pay_currency for s in st], pa.string()),
        }
    )


_STATE_SCHEMA = pa.schema(
    [
        ("person_id", pa.string()),
        ("entry", pa.string()),
        ("component", pa.string()),
        ("item", pa.string()),
        ("deal_id", pa.int64()),  # the user's type: text ids stay text (_state_schema)
        ("amount_minor", pa.int64()),
        ("currency", pa.string()),
        ("number", pa.int64()),
    ]
)


def _state_schema(deal_id_type: pa.DataType) -> pa.Schema:
    i = _STATE_SCHEMA.get_field_index("deal_id")
    return _STATE_SCHEMA.set(i, pa.field("deal_id", deal_id_type))


def state_to_arrow(state: Any, person_ids: Sequence[str], deal_ids: Any = None) -> pa.Table:
    """A run state (``RunResult.next_state``) as a table keyed by the user's ids, so a later
    quarter (with its own deal rows) and other machines can read it. ``deal_ids``: the deal
    id of each deal row of the run (None: rows are kept as they are)."""
    rows = state._travel_rows()
    cols = list(zip(*rows)) if rows else [()] * 8
    deals = np.asarray(cols[4], dtype=np.int64)
    row = pa.array(deals, pa.int64(), mask=deals < 0)  # no deal: a missing id
    # The user's ids, of their own type (None: the deal rows as they are).
    deal_id = row if deal_ids is None else _id_array(deal_ids).take(row)
    # Person, then deal id (missing first); stable: a person's entries keep their order.
    order = np.lexsort((_id_rank(deal_id), np.asarray(cols[0], dtype=np.int64)))
    return pa.table(
        [
            pa.array([person_ids[p] for p in cols[0]], pa.string()),
            pa.array(cols[1], pa.string()),
            pa.array(cols[2], pa.string()),
            pa.array(cols[3], pa.string()),
            deal_id,
            pa.array(cols[5], pa.int64()),
            pa.array(cols[6], pa.string()),
            pa.array(cols[7], pa.int64()),
        ],
        schema=_state_schema(deal_id.type),
    ).take(pa.array(order, pa.int64()))


def state_from_arrow(table: pa.Table | None, index: Mapping[str, int], deal_ids: Any = None) -> Any:
    """The run state of :func:`state_to_arrow` (people not in ``index`` are refused); deal ids
    become rows of ``deal_ids`` (sorted; a deal not among them is kept under a new row past the
    end, so its paid amounts are not lost)."""
    from .. import _core

    if table is None or table.num_rows == 0:
        return _core._RunState()
    deal_type = table.schema.field("deal_id").type if deal_ids is not None else pa.int64()
    deal_col = table.column("deal_id")
    t = table.cast(_state_schema(deal_type)).to_pydict()
    unknown = sorted({p for p in t["person_id"] if p not in index})
    if unknown:
        raise ValidationError(
            f"[SC-RUN-STATE] run state: person(s) not on the roster: {', '.join(unknown[:10])}"
        )
    if deal_ids is None:
        deals = pc.fill_null(deal_col.cast(pa.int64()), -1).to_numpy(zero_copy_only=False)
    else:
        deals = _deal_rows(deal_col, _id_array(deal_ids))
    rows = list(
        zip(
            [index[p] for p in t["person_id"]],
            t["entry"],
            t["component"],
            t["item"],
            deals.tolist(),
            t["amount_minor"],
            t["currency"],
            t["number"],
        )
    )
    return _core._RunState._from_travel_rows(rows)


def _deal_rows(deals: Any, deal_ids: pa.Array) -> np.ndarray:
    """Rows of the state's deal ids in the run's ``deal_ids``; a missing id (no deal) is -1."""
    deals = _id_array(deals)
    if len(deal_ids) and deals.type != deal_ids.type and deals.null_count < len(deals):
        raise ValidationError(
            f"[SC-RUN-STATE] run state: its deal ids are {deals.type}, the run's are "
            f"{deal_ids.type}; give the deal ids as the same type every quarter"
        )
    pos = pc.index_in(deals, value_set=deal_ids) if len(deal_ids) else pa.nulls(len(deals))
    found = pc.is_valid(pos).to_numpy(zero_copy_only=False)
    given = pc.is_valid(deals).to_numpy(zero_copy_only=False)
    if np.any(given & ~found):
        raise ValidationError(
            "[SC-RUN-STATE] run state: a deal it carries is not among the run's deals; "
            "give the run every credit of the fiscal year to date"
        )
    return pc.fill_null(pos.cast(pa.int64()), -1).to_numpy(zero_copy_only=False)


def run_partition(
    credits: pa.Table,
    spec: RunSpec,
    *,
    persons: tuple[int, int] | None = None,
    quotas: pa.Table | None = None,
    state: pa.Table | None = None,
    source: str = "run",
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """The period run of the people whose run index is in ``persons`` = ``[lo, hi)`` (None:
    everyone).

    ``credits``: their credits (:func:`canonical_credits` form, the fiscal year to date);
    ``quotas``: person_id, measure, period_start, amount, currency; ``state``: their prior
    state (:func:`state_to_arrow`). Returns (payout lines, statements, next state)."""
    from ..engine import run_period
    from ..plan import Plan

    person_ids = list(spec.person_ids)
    lookups = _run_lookups(spec)
    index = lookups.index
    lo, hi = persons if persons is not None else (0, len(person_ids))
    period = {k: _as_date(v) for k, v in spec.period.items()}
    run_credits, deals, deal_ids = _run_credit_inputs(credits, period["end"])
    try:
        prior = state_from_arrow(state, index, deal_ids)
        result = run_period(
            plans=[Plan.from_dict(dict(p)) for p in spec.plans],
            assignments=_run_assignments(lookups, lo, hi),
            credits=run_credits,
            deals=deals,
            quotas=_run_quotas(quotas, index),
            period=period,
            state=prior,
            explanations=False,
            plan_change=spec.plan_change,
        )
    except ValidationError as e:
        raise _in_partition(e, source) from None
    scale = spec.money_scale()
    return (
        lines_table(result, person_ids, deal_ids, scale),
        statements_table(result, person_ids, scale),
        state_to_arrow(result.next_state, person_ids, deal_ids),
    )


# ---------------------------------------------------------------------------- attribution

_COUNTS_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("conversions", pa.int64()),
        ("nulls", pa.int64()),
        ("value_minor", pa.int64()),
    ]
)


def journey_paths(
    touchpoints: pa.Table,
    outcomes: pa.Table | None,
    *,
    currency: str,
    source: str = "journeys",
    **columns: Any,
) -> pa.Table:
    """Counts of one partition of whole journeys: one row per distinct path (channel names
    joined by U+001F) with its conversions, non-converting journeys and value (minor units).
    Every rule-based (position) model, Markov chain and Shapley game is a function of these
    sums. ``columns``: the column names of :meth:`salescomp.attribution.Paths.from_journeys`."""
    from ..attribution import Paths

    try:
        paths = Paths.from_journeys(touchpoints, outcomes, currency=currency, **columns)
    except ValidationError as e:
        raise _in_partition(e, source) from None
    t = paths._table
    names = pa.array(paths.channel_names, pa.string())
    if any(_PATH_SEPARATOR in n for n in paths.channel_names):
        raise PartitionError(f"{source}: a channel name contains U+001F, which joins path keys")
    offsets = pa.array(np.asarray(t.offsets, dtype=np.int32))
    lists = pa.ListArray.from_arrays(
        offsets, names.take(pa.array(np.asarray(t.channel, dtype=np.int32)))
    )
    table = pa.table(
        {
            "path": pc.binary_join(lists, _PATH_SEPARATOR),
            "conversions": pa.array(np.asarray(t.conversions, dtype=np.int64)),
            "nulls": pa.array(np.asarray(t.nulls, dtype=np.int64)),
            "value_minor": pa.array(np.asarray(t.value, dtype=np.int64)),
        }
    )
    return sum_path_counts([table])


def sum_path_counts(tables: Sequence[pa.Table]) -> pa.Table:
    """Path counts added up (int64 sums: 9.2e18 conversions or minor units), sorted by path."""
    table = pa.concat_tables([t.cast(_COUNTS_SCHEMA) for t in tables])
    grouped = table.group_by("path", use_threads=False).aggregate(
        [("conversions", "sum"), ("nulls", "sum"), ("value_minor", "sum")]
    )
    grouped = grouped.select(["path", "conversions_sum", "nulls_sum", "value_minor_sum"])
    grouped = grouped.rename_columns(list(_COUNTS_SCHEMA.names))
    return (
        grouped.take(pc.sort_indices(grouped, [("path", "ascending")]))
        .cast(_COUNTS_SCHEMA)
        .combine_chunks()
    )


def paths_from_counts(counts: pa.Table, currency: str) -> Any:
    """The :class:`salescomp.attribution.Paths` of summed path counts (channels in name order),
    ready for every model; solved and allocated once, on the totals."""
    from .. import _core
    from ..attribution import Paths

    lists = pc.split_pattern(counts.column("path").combine_chunks(), _PATH_SEPARATOR)
    flat = lists.flatten()
    names = pc.unique(flat)
    names = names.take(pc.sort_indices(names))
    codes = pc.index_in(flat, value_set=names).to_numpy(zero_copy_only=False).astype(np.int32)
    offsets = lists.offsets.to_numpy(zero_copy_only=False).astype(np.int64)
    rows = counts.num_rows
    table = _core.attribution.PathTable(
        offsets,
        codes,
        counts.column("conversions").to_numpy(),
        counts.column("nulls").to_numpy(),
        counts.column("value_minor").to_numpy(),
        np.arange(rows, dtype=np.int64),
        len(names),
        _core.Currency(currency),
        channel_names=names.to_pylist(),
    )
    return Paths(table)


# ---------------------------------------------------------------------------- accounting

_ROLL_KEYS = ("currency", "month")


def accounting_partition(
    costs: pa.Table,
    events: pa.Table | None = None,
    *,
    start: Any,
    end: Any,
    policy: Any = None,
    source: str = "costs",
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """The book of one partition of assets (cost lines with their events): assets, schedule
    and the roll-forward from ``start`` to ``end`` (the same bounds in every partition, so the
    roll-forwards add up month by month)."""
    from ..accounting import amortise

    try:
        book = amortise(costs, events, policy=policy)
    except ValidationError as e:
        raise _in_partition(e, source) from None
    return (
        book.assets(output="arrow"),
        book.schedule(output="arrow"),
        book.roll_forward(start, end, output="arrow"),
    )


def sum_roll_forwards(tables: Sequence[pa.Table]) -> pa.Table:
    """Roll-forwards of disjoint asset sets added up per currency and month, exactly
    (decimal sums; a (currency, month) missing from a partition counts as zero there)."""
    tables = [t for t in tables if t.num_rows]
    if not tables:
        return tables[0] if tables else pa.table({})
    schema = tables[0].schema
    money = [n for n in schema.names if n not in _ROLL_KEYS]
    scale = max(schema.field(n).type.scale for n in money)
    wide = pa.concat_tables(
        [
            t.select(list(_ROLL_KEYS) + money).cast(
                pa.schema(
                    [schema.field(k) for k in _ROLL_KEYS]
                    + [(n, pa.decimal128(38, scale)) for n in money]
                )
            )
            for t in tables
        ]
    )
    grouped = wide.group_by(list(_ROLL_KEYS), use_threads=False).aggregate(
        [(n, "sum") for n in money]
    )
    grouped = grouped.select(list(_ROLL_KEYS) + [f"{n}_sum" for n in money]).rename_columns(
        list(_ROLL_KEYS) + money
    )
    order = pc.sort_indices(grouped, [("currency", "ascending"), ("month", "ascending")])
    return (
        grouped.take(order)
        .cast(
            pa.schema(
                [schema.field(k) for k in _ROLL_KEYS]
                + [(n, pa.decimal128(38, scale)) for n in money]
            )
        )
        .combine_chunks()
    )
