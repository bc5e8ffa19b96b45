"""Component calculators: exact payouts of one plan component with their explanations.

Amounts are ``decimal.Decimal``, ``str`` or ``int`` in the plan currency
(``float`` is refused); results carry the amount as ``Decimal`` and an
:class:`Explanation` (structured fields and ``to_text()``). The plan's
rounding mode applies, once per amount.

>>> from salescomp.plan import Plan
>>> from salescomp.engine import calculate_component
>>> plan = Plan.from_dict({"id": "p", "currency": "USD", "period": "month",
...     "measures": [{"id": "m"}],
...     "components": [{"id": "c", "type": "flat_rate", "measure": "m", "rate": "0.05"}]})
>>> calculate_component(plan, "c", measure="12345.70").amount
Decimal('617.28')
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import _core
from ._core import CreditKind, Explanation  # type: ignore[attr-defined]
from .plan import Plan

if TYPE_CHECKING:
    from ._run_result import RunResult, Statement

__all__ = [
    "Explanation",
    "calculate_component",
    "calculate_milestones",
    "calculate_spif",
    "calculate_mbo",
    "calculate_draw",
    "calculate_clawback",
    "calculate_payable",
]

Amount = Decimal | str | int
DateLike = _dt.date | str


def calculate_component(
    plan: Plan,
    component_id: str,
    *,
    measure: Amount = 0,
    quota: Amount | None = None,
    count: int = 0,
    paid_before: Amount = 0,
    paid_in_year: Amount = 0,
    gate_measure: Amount | None = None,
    gate_quota: Amount | None = None,
    deal_credits: Sequence[Amount] = (),
) -> Explanation:
    """A measure-based component (flat_rate, tiered, target_incentive, per_unit, manager_override).

    ``measure``/``quota`` cover the component's span (the period, or quarter/year to
    date for cumulative components, with ``paid_before`` what earlier periods of the
    span paid). ``gate_measure``/``gate_quota`` are the gate's own values when it
    looks at another measure or span. ``deal_credits`` feed a per-deal cap.
    """
    return _core._calculate_component(
        plan._plan,
        component_id,
        measure,
        quota,
        count,
        paid_before,
        paid_in_year,
        gate_measure,
        gate_quota,
        list(deal_credits),
    )


def calculate_milestones(
    plan: Plan,
    component_id: str,
    *,
    measure: Amount,
    quota: Amount,
    already_paid: Iterable[str] = (),
) -> tuple[list[Explanation], list[str]]:
    """Newly reached milestones (one explanation each) and their ids."""
    lines, ids = _core._calculate_milestones(
        plan._plan, component_id, measure, quota, list(already_paid)
    )
    return list(lines), list(ids)


def calculate_spif(
    plan: Plan, component_id: str, credits: Iterable[Mapping[str, Any]]
) -> list[tuple[int, Explanation]]:
    """``(deal, explanation)`` for every qualifying credit. Each credit is a mapping
    with ``deal`` (int), ``date``, ``deal_type`` (e.g. ``"new_business"``),
    ``product`` (int, -1 for none) and ``credit`` (amount)."""
    rows = [
        (
            int(c["deal"]),
            c["date"],
            c.get("deal_type", "new_business"),
            int(c.get("product", -1)),
            c["credit"],
        )
        for c in credits
    ]
    return list(_core._calculate_spif(plan._plan, component_id, rows))


def calculate_mbo(plan: Plan, component_id: str, achievements: Mapping[str, Amount]) -> Explanation:
    """``target x sum(weight x min(achievement, max_achievement))``."""
    return _core._calculate_mbo(plan._plan, component_id, dict(achievements))


def calculate_draw(
    plan: Plan,
    component_id: str,
    *,
    earnings: Amount,
    recoverable_balance: Amount = 0,
    guarantee_balance: Amount = 0,
    periods_elapsed: int = 0,
) -> dict[str, Any]:
    """One period of a draw: ``paid``, ``recovered`` (<= 0), ``forgiven``, the balances
    after, ``periods_elapsed`` after, and ``explanation``."""
    return _core._calculate_draw(
        plan._plan, component_id, earnings, recoverable_balance, guarantee_balance, periods_elapsed
    )


def calculate_clawback(
    plan: Plan,
    component_id: str,
    *,
    close: DateLike,
    cancellation: DateLike,
    paid: Amount,
    term_months: int = 0,
) -> Explanation | None:
    """The clawback (a negative amount) of a cancelled deal, or None outside the window."""
    return _core._calculate_clawback(
        plan._plan, component_id, close, cancellation, term_months, paid
    )


def calculate_payable(
    plan: Plan,
    component_id: str,
    *,
    earned: Amount,
    close: DateLike,
    period_end: DateLike,
    invoice: DateLike | None = None,
    deal_amount: Amount = 0,
    collected: Amount = 0,
    paid_before: Amount = 0,
) -> Explanation:
    """What of ``earned`` is payable this period under the plan's payout timing."""
    return _core._calculate_payable(
        plan._plan,
        component_id,
        earned,
        close,
        invoice,
        deal_amount,
        collected,
        period_end,
        paid_before,
    )


# ---- the period run ---------------------------------------------------------

__all__ += [
    "CreditKind",
    "RunDeals",
    "RunResult",
    "Statement",
    "run_period",
    "restatement_adjustments",
    "what_if",
]



def _coded(arr: Any) -> tuple[Any, list]:
    """(int32 index per row, distinct values) of a pyarrow array; nulls get index -1."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_dictionary(arr.type):
        arr = pc.dictionary_encode(arr)
    indices = arr.indices.cast(pa.int32())
    index = (pc.fill_null(indices, -1) if indices.null_count else indices).to_numpy(zero_copy_only=False)
    return np.ascontiguousarray(index, dtype=np.int32), arr.dictionary.to_pylist()


def _table_columns(table: Any, what: str) -> dict:
    """Named pyarrow arrays of a pandas/polars/pyarrow table, an Arrow PyCapsule
    stream or a dict of columns (values that are CreditKind members become their names)."""
    from . import tables

    def names(col: Any) -> Any:
        # Python objects only (lists, object arrays/Series): Arrow columns cannot hold enums.
        dtype = getattr(col, "dtype", None)
        if not (isinstance(col, (list, tuple)) or (dtype is not None and getattr(dtype, "kind", "") == "O")):
            return col
        values = list(col)
        if not any(isinstance(v, CreditKind) for v in values):
            return col
        kind_names = _core._credit_kind_names()  # the C++ names, in enum order
        return [kind_names[int(v.value)] if isinstance(v, CreditKind) else v for v in values]

    if isinstance(table, Mapping):
        table = {k: names(col) for k, col in table.items()}
    elif type(table).__module__.split(".")[0] == "pandas" and "kind" in table.columns:
        table = table.assign(kind=names(table["kind"]))
    t = tables.as_arrow_table(table)
    # One chunk is used as it is: combine_chunks() would copy every column.
    return {name: _one_array(t.column(name)) for name in t.column_names}


def _one_array(column: Any) -> Any:
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _money_minor(amount: Any, currency: tuple[Any, list], name: str) -> Any:
    """Exact int64 minor units of a money column whose currency varies by row."""
    import numpy as np
    import pyarrow as pa

    from . import tables

    index, codes = currency
    if len(codes) == 1:
        return tables.to_minor_units(amount, codes[0], name=name)
    out = np.zeros(len(amount), dtype=np.int64)
    for k, code in enumerate(codes):
        mask = index == k
        out[mask] = tables.to_minor_units(amount.filter(pa.array(mask)), code, name=name)
    return out


def _person_codes(col: Any, ids: Mapping[str, int] | None) -> Any:
    """Run indexes of a credits ``person`` column: integers as they are, or the user's ids
    (text) looked up in ``person_ids`` without a Python object per row."""
    import numpy as np
    import pyarrow as pa

    from . import tables

    if pa.types.is_integer(col.type) or ids is None:
        return tables.integers(col, "person", dtype="int32", low=0, what="credits")
    index, names = _coded(tables.id_text(col, "person", "credits"))
    unknown = sorted(n for n in names if n not in ids)
    if unknown:
        from ._errors import ValidationError

        raise ValidationError(f"[SC-RUN-INPUT] credits: unknown person(s) {unknown[:20]} (not in person_ids)")
    return np.array([ids[n] for n in names], dtype=np.int32)[index]


def _credit_columns(credits: Any, person_ids: Mapping[str, int] | None = None) -> Any:
    """The credits as the run's numpy columns, or crediting's table as it is."""
    from . import tables

    core = getattr(credits, "_core", None)
    if core is not None and type(core).__name__ == "_Credits":
        return core
    c = _table_columns(credits, "credits")
    tables.check_columns(c, _RUN_CREDIT_COLUMNS, "credits")
    missing = [n for n in ("person", "date", "amount", "currency") if n not in c]
    if "deal" not in c and "deal_row" not in c:
        missing.append("deal")
    if missing:
        from ._errors import ValidationError

        raise ValidationError(f"[SC-RUN-INPUT] credits: missing column(s) {missing}")
    currency = _coded(c["currency"])
    out = {
        "person": _person_codes(c["person"], person_ids),
        "deal": tables.integers(c.get("deal", c.get("deal_row")), "deal", low=0, what="credits"),
        "date": tables.days(c["date"], "date"),
        "amount": _money_minor(c["amount"], currency, "amount"),
        "currency": currency,
    }
    if "kind" in c:
        out["kind"] = _coded(c["kind"])
    if "deal_type" in c:
        out["deal_type"] = _coded(c["deal_type"])
    for name, dtype in (("rule", "int32"), ("depth", "int16")):
        if name in c:
            out[name] = tables.integers(c[name], name, dtype=dtype, what="credits")
    return out


def _deal_columns(deals: Any) -> Any:
    """The deals as the run's numpy columns (row = the credits' ``deal``)."""
    import pyarrow as pa

    from . import tables

    if deals is None:
        return None
    if isinstance(deals, RunDeals):
        return deals._holder
    core = getattr(deals, "_core", None)
    if core is not None and type(core).__name__ == "_Deals":
        return core
    c = _table_columns(deals, "deals")
    tables.check_columns(c, _RUN_DEAL_COLUMNS, "deals")
    out: dict[str, Any] = {"close_date": tables.days(c["close_date"], "close_date")}
    for name in ("deal_id", "id"):  # the user's ids name the deals in explanations
        if name in c:
            out["id_text"] = pa.table({"id": tables.id_text(c[name], name, "deals")})
    for name in ("cancellation_date", "invoice_date", "collection_date"):
        if name in c:
            out[name] = tables.days(c[name], name)
    if "amount" in c:
        currency = _coded(c["currency"]) if "currency" in c else None
        if currency is None:
            from ._errors import ValidationError

            raise ValidationError("[SC-RUN-INPUT] deals: an amount column needs a currency column")
        out["amount"] = _money_minor(c["amount"], currency, "amount")
        out["currency"] = currency
    for name, high in (("term_months", 1200), ("product", None)):
        if name in c:
            out[name] = tables.integers(c[name], name, dtype="int32", low=0 if high else None, high=high,
                                         what="deals")
    return out


#: Columns of the ``credits`` and ``deals`` tables :func:`run_period` reads.
_RUN_CREDIT_COLUMNS = ("person", "deal", "deal_row", "date", "amount", "currency", "kind", "deal_type", "rule",
                       "depth")
_RUN_DEAL_COLUMNS = ("deal_id", "id", "close_date", "cancellation_date", "invoice_date", "collection_date",
                     "amount", "currency", "term_months", "product")


def _collection_columns(collections: Any, deals: Any) -> Any:
    """Cash received per deal (``deal``, ``date``, ``amount`` in the deal currency)."""
    from . import tables

    if collections is None:
        return None
    c = _table_columns(collections, "collections")
    tables.check_columns(c, ("deal", "date", "amount", "currency"), "collections")
    # Amounts are in the deal currency: given per row, or the deals' currency column, else USD.
    if "currency" in c:
        amount = _money_minor(c["amount"], _coded(c["currency"]), "amount")
    else:
        codes = ["USD"]
        if isinstance(deals, RunDeals):
            deals = deals.table
        if deals is not None and getattr(deals, "_core", None) is None:
            deal_columns = _table_columns(deals, "deals")
            if "currency" in deal_columns:
                codes = _coded(deal_columns["currency"])[1]
        if len(codes) != 1:
            from ._errors import ValidationError

            raise ValidationError("[SC-RUN-INPUT] collections: give a currency column (the deals have several)")
        amount = tables.to_minor_units(c["amount"], codes[0], name="amount")
    return {"deal": tables.integers(c["deal"], "deal", low=0, what="collections"), "date": tables.days(c["date"], "date"),
            "amount": amount}


def _person_index(person_ids: Sequence[str] | None) -> Any:
    """``person -> run index``: run indexes as they are; with ``person_ids``, the user's ids too."""
    if person_ids is None:

        def as_given(p: Any, what: str) -> Any:
            if isinstance(p, str):
                from ._errors import ValidationError

                raise ValidationError(f"[SC-RUN-INPUT] {what}: person {p!r} is an id: pass person_ids (e.g. "
                                      "Organisation.person_ids) to name people by id")
            return p

        return as_given
    index = {str(p): i for i, p in enumerate(person_ids)}
    if len(index) != len(person_ids):
        from ._errors import ValidationError

        raise ValidationError("[SC-RUN-INPUT] person_ids: a person id is given twice")

    def to_index(p: Any, what: str) -> int:
        if not isinstance(p, str):
            return p
        if p not in index:
            from ._errors import ValidationError

            raise ValidationError(f"[SC-RUN-INPUT] {what}: unknown person {p!r} (not in person_ids)")
        return index[p]

    to_index.ids = index  # type: ignore[attr-defined]
    return to_index


def _is_table(x: Any) -> bool:
    """A table (Arrow-shaped object, DataFrame or dict of columns), not a list of row dicts."""
    return not isinstance(x, (list, tuple)) and (isinstance(x, Mapping) or hasattr(x, "__arrow_c_stream__")
                                                 or hasattr(x, "to_arrow") or hasattr(x, "columns"))


def _rows_of(table: Any) -> list[dict]:
    from . import tables

    if hasattr(table, "to_arrow") and not hasattr(table, "columns"):  # salescomp result tables
        table = table.to_arrow()
    return tables.as_arrow_table(dict(table) if isinstance(table, Mapping) else table).to_pylist()


def _plan_assignment_rows(assignments: Any) -> list[dict]:
    """Plan assignments as rows ``{"person", "plan", "from", "to"}``: a list of such dicts, or a
    table with person (or person_id), plan, from, [to], or the organisation's assignments
    table (person_id, field, value, from, [to]) whose ``plan`` rows are taken."""
    if not _is_table(assignments):
        return list(assignments)
    out = []
    for r in _rows_of(assignments):
        if "field" in r and r["field"] != "plan":
            continue
        person = r["person_id"] if "person_id" in r else r["person"]
        out.append({"person": person, "plan": r["plan"] if "plan" in r else r["value"], "from": r["from"],
                    "to": r.get("to")})
    return out


def _quota_rows(quotas: Any, plans: list, rows: list, period: Mapping[str, Any], who: Any) -> list[dict]:
    """Quota rows ``{"person", "measure", "period_start", "amount", "currency"}``: a list of such
    dicts as they are, or the table :func:`salescomp.effective_quotas` returns (or any table
    with its columns): the person rows whose period starts in the run's period and whose period
    kind is the period of a plan the person is assigned (a quarterly plan reads the quarter's
    quota, never the months' or the year's as well)."""
    if not _is_table(quotas):
        return list(quotas)
    start, end = _as_date(period["start"]), _as_date(period["end"])
    kinds: dict[int, set[str]] = {}
    for person, plan, _, _ in rows:
        kinds.setdefault(person, set()).add(plans[plan].period)
    out = []
    for r in _rows_of(quotas):
        if r.get("subject_kind", "person") != "person" or not start <= _as_date(r["period_start"]) <= end:
            continue
        person = who(r["subject"], "quotas")
        if r.get("period_kind") in kinds.get(person, ()):
            out.append({"person": person, "measure": r["measure"], "period_start": r["period_start"],
                        "amount": r["quota"] if "quota" in r else r["amount"], "currency": r.get("currency")})
    return out


def _as_date(x: Any) -> _dt.date:
    return x if isinstance(x, _dt.date) else _dt.date.fromisoformat(str(x))


#: Older column names of the run's tables, read as the declared ones (docs/tables.md).
_ASSIGNMENT_ALIASES = {"person": "person_id", "plan": "plan_id"}
_QUOTA_ALIASES = {"amount": "quota"}
_DEAL_ALIASES = {"id": "deal_id"}


def _arrow_source(table: Any, aliases: Mapping[str, str], what: str) -> Any:
    """``table`` as a pyarrow table for the C++ readers (engine/run_tables.hpp), its older column
    names renamed to the declared ones; the columns themselves are not touched."""
    from . import tables

    if hasattr(table, "to_arrow") and not hasattr(table, "columns") and not hasattr(table, "__arrow_c_stream__"):
        table = table.to_arrow()
    t = tables.as_arrow_table(dict(table) if isinstance(table, Mapping) else table, what)
    names = [aliases[n] if n in aliases and aliases[n] not in t.column_names else n for n in t.column_names]
    return t.rename_columns(names) if names != t.column_names else t


class RunDeals:
    """The deals :func:`run_period` reads (its ``deals`` columns), read and checked once in
    C++ for several runs: pass the same object to every quarter's run (as a close does), and
    the deal rows are read once and held once, not once per run (at 10M deals ~1 GB each).
    ``table``: any table ``run_period`` takes as ``deals`` (row = the credits' ``deal``)."""

    def __init__(self, table: Any) -> None:
        #: The deals as an Arrow table (what pay on collection reads their currency from).
        self.table = _arrow_source(table, _DEAL_ALIASES, "deals")
        self._holder = _core._read_run_deals(self.table)

    def __len__(self) -> int:
        return len(self._holder)

    def __repr__(self) -> str:
        return f"RunDeals({len(self):,} deals)"


def _columnar_sources(assignments: Any, quotas: Any, deals: Any) -> dict:
    """The run's tables handed to C++ as Arrow: the assignments and quotas when the
    assignments are a table and the quotas a table or nothing (lists of row dicts keep their
    row reading), and the deals when they are a table (crediting's ``Deals`` is used as is)."""
    out: dict[str, Any] = {}
    if _is_table(assignments) and (_is_table(quotas) or not quotas):
        out["assignments"] = _arrow_source(assignments, _ASSIGNMENT_ALIASES, "assignments")
        out["quotas"] = _arrow_source(quotas, _QUOTA_ALIASES, "quotas") if _is_table(quotas) else []
    if isinstance(deals, RunDeals):
        out["deals"] = deals._holder
    elif deals is not None and getattr(deals, "_core", None) is None:
        out["deals"] = _arrow_source(deals, _DEAL_ALIASES, "deals")
    return out


def _run_args(plans, assignments, credits, deals, quotas, mbo, period, state, person_ids=None, *,
              columnar=False):
    """The keyword arguments of ``_core._run_period`` (but the run options).

    By default the assignments and quotas cross as Python tuples, one per row (the shape
    :mod:`salescomp.planning` reads). ``columnar=True`` hands tables to C++ as Arrow instead
    (read column by column in engine/run_tables.cpp, no Python object per row) and adds
    ``person_ids``."""
    plans = list(plans)
    who = _person_index(person_ids)
    sources = _columnar_sources(assignments, quotas, deals) if columnar else {}
    if "assignments" in sources:
        _check_period(period)
        return dict(
            plans=[p._plan for p in plans],
            assignments=sources["assignments"],
            credits=_credit_columns(credits, getattr(who, "ids", None)),
            deals=sources.get("deals"),
            quotas=sources["quotas"],
            mbo=[(who(e["person"], "mbo"), e["component"], e["objective"], e["achievement"]) for e in mbo],
            period=(period["start"], period["end"], period["quarter_start"], period["year_start"]),
            prior=state if state is not None else _core._RunState(),
            person_ids=None if person_ids is None else [str(p) for p in person_ids],
        )
    index = {p.id: i for i, p in enumerate(plans)}
    rows = [(who(a["person"], "assignments"), index[a["plan"]], a["from"], a.get("to"))
            for a in _plan_assignment_rows(assignments)]
    quotas = _quota_rows(quotas, plans, rows, period, who)
    # A quota's currency defaults to the currency of the person's (first) plan.
    currency_of = {}
    for person, plan, _, _ in rows:
        currency_of.setdefault(person, plans[plan].currency.code)
    quota_rows = [
        (
            who(q["person"], "quotas"),
            q["measure"],
            q["period_start"],
            q["amount"],
            q.get("currency") or currency_of.get(who(q["person"], "quotas"), "USD"),
        )
        for q in quotas
    ]
    mbo_rows = [(who(e["person"], "mbo"), e["component"], e["objective"], e["achievement"]) for e in mbo]
    _check_period(period)
    period_tuple = (period["start"], period["end"], period["quarter_start"], period["year_start"])
    args = dict(
        plans=[p._plan for p in plans],
        assignments=rows,
        credits=_credit_columns(credits, getattr(who, "ids", None)),
        deals=sources["deals"] if "deals" in sources else _deal_columns(deals),
        quotas=quota_rows,
        mbo=mbo_rows,
        period=period_tuple,
        prior=state if state is not None else _core._RunState(),
    )
    if columnar:
        args["person_ids"] = None if person_ids is None else [str(p) for p in person_ids]
    return args


def _check_period(period: Mapping[str, Any]) -> None:
    """Fiscal bounds are never guessed (a defaulted year_start reset year-to-date caps every run)."""
    missing = [k for k in ("start", "end", "quarter_start", "year_start") if period.get(k) is None]
    if missing:
        from ._errors import ValidationError

        raise ValidationError(
            f"[SC-RUN-PERIOD] period: missing {', '.join(missing)}: give the period's start and end and the starts of the "
            "fiscal quarter and year containing it (e.g. from FiscalCalendar.quarter / .year)"
        )


def run_period(
    *,
    plans: Sequence[Plan],
    assignments: Sequence[Mapping[str, Any]] | Any,
    credits: Any,
    period: Mapping[str, DateLike],
    quotas: Sequence[Mapping[str, Any]] | Any = (),
    deals: Any = None,
    mbo: Sequence[Mapping[str, Any]] = (),
    state: Any = None,
    threads: int = 1,
    explanations: bool = True,
    fx: Any = None,
    fx_date: str = "credit_date",
    pay_currencies: Mapping[int | str, str] | None = None,
    collections: Any = None,
    plan_change: str = "credits_by_date",
    person_ids: Sequence[str] | None = None,
) -> RunResult:
    """Run one period for every person with a plan in force during it.

    - ``assignments``: ``{"person", "plan" (plan id), "from", "to" (None: open)}`` rows, or a
      table: person (or person_id), plan, from, [to], or the organisation's assignments table
      itself (its ``plan`` rows are read); several plans inside the period split it
      (``plan_change``: ``"credits_by_date"`` or ``"prorated_targets"``, see
      docs/plan-reference.md).
    - ``credits``: crediting's :class:`~salescomp.crediting.Credits` (used as is), or a
      pandas/polars/pyarrow table, an Arrow PyCapsule stream or a dict of columns with
      ``person``, ``deal`` (deal row), ``date``, ``amount`` (decimal128/Decimal/str),
      ``currency``, optional ``kind``, ``deal_type``, ``rule``; the fiscal year to date.
      Columns are converted without per-row Python work.
    - ``deals``: columns ``close_date``, optional ``cancellation_date``, ``invoice_date``,
      ``collection_date``, ``amount`` + ``currency``, ``term_months``, ``product`` (row =
      the credits' ``deal``), needed for clawbacks, payout timing and product filters; or a
      :class:`RunDeals` of them, read once for several runs.
    - ``quotas``: ``{"person", "measure", "period_start", "amount"}`` per pay period, or what
      :func:`salescomp.effective_quotas` returns (or any table with its columns: subject,
      subject_kind, measure, period_kind, period_start, quota, currency): the person rows of the
      period whose period kind is the period of the person's plan.
    - ``period``: ``{"start", "end", "quarter_start", "year_start"}``.
    - ``state``: ``next_state`` of the previous period's result.
    - ``explanations``: False skips the explanation text (large runs);
      :meth:`RunResult.explain` then recomputes the line's person on demand.
    - ``fx`` (:class:`~salescomp.FxTable`), ``fx_date`` (``"credit_date"`` or
      ``"period_end"``): credits in another currency than the plan's are converted;
      ``pay_currencies`` ``{person: "EUR"}`` pays statements in another currency.
    - ``collections``: ``deal``, ``date``, ``amount`` (deal currency) for pay on collection.
    - ``person_ids``: the user's id of each run index (e.g. ``Organisation.person_ids``). With it,
      ``person`` may be the user's id (text) in assignments, quotas, mbo, pay_currencies and the
      credits, and statements, ``to_arrow()`` and HTML name people by id.
    The same inputs give the same result for any ``threads`` and any row order; the GIL is
    released while the run computes.
    """
    args = _run_args(plans, assignments, credits, deals, quotas, mbo, period, state, person_ids, columnar=True)
    who = _person_index(person_ids)
    with _people_named(person_ids):
        core = _core._run_period(
            **args,
            threads=threads,
            explanations=explanations,
            what_if=None,
            fx=fx,
            fx_date=fx_date,
            pay_currencies=[(who(p, "pay_currencies"), c) for p, c in (pay_currencies or {}).items()],
            collections=_collection_columns(collections, deals),
            plan_change=plan_change,
        )
    from ._run_result import RunResult

    return RunResult(core, person_ids)


@contextlib.contextmanager
def _people_named(person_ids: Sequence[str] | None) -> Iterator[None]:
    """The core names a person of a failed run by run index (the issue's ``row``); with
    ``person_ids`` the error names the user's id instead (``person`` of each issue)."""
    from ._errors import ValidationError

    try:
        yield
    except ValidationError as e:
        if person_ids is None or getattr(e, "id", "") != "SC-RUN-INVALID" or not e.issues:
            raise
        issues = []
        for i in e.issues:
            row = i.get("row")
            pid = person_ids[row] if isinstance(row, int) and 0 <= row < len(person_ids) else None
            value = pid if i["field"] == "person" and pid is not None else i["value"]
            issues.append({**i, "row": None if pid is not None else row, "person": pid, "value": value})
        lines = [f"  person {i['person']!r}"
                 + ("" if i["field"] == "person" else f", component {i['field']!r}: {i['value']}")
                 + f": {i['rule']}" for i in issues]
        named = ValidationError(f"[SC-RUN-INVALID] {len(issues)} problem(s):\n" + "\n".join(lines))
        named.id = "SC-RUN-INVALID"
        named.issues = issues
        raise named from e


def restatement_adjustments(
    closed: RunResult, recomputed: RunResult, open_period_start: DateLike
) -> list[dict]:
    """Deltas (recomputed - closed) per person, component and deal, posted in the open period."""
    return list(_core._restatement_adjustments(closed._core, recomputed._core, open_period_start))


def what_if(
    *,
    person: int | str,
    date: DateLike,
    amount: Amount,
    deal_type: str = "new_business",
    kind: Any = None,
    product: int = -1,
    plans: Sequence[Plan],
    assignments: Sequence[Mapping[str, Any]],
    credits: Any,
    period: Mapping[str, DateLike],
    quotas: Sequence[Mapping[str, Any]] = (),
    deals: Any = None,
    mbo: Sequence[Mapping[str, Any]] = (),
    state: Any = None,
    fx: Any = None,
    fx_date: str = "credit_date",
    collections: Any = None,
    plan_change: str = "credits_by_date",
    person_ids: Sequence[str] | None = None,
) -> dict[str, Decimal]:
    """Marginal earnings of a hypothetical credit for one person: ``without``, ``with``, ``marginal``
    (in the plan currency; the other arguments as for :func:`run_period`). Only that person is
    computed, twice."""
    args = _run_args(plans, assignments, credits, deals, quotas, mbo, period, state, person_ids, columnar=True)
    extra = (
        _person_index(person_ids)(person, "person"),
        date,
        amount,
        deal_type,
        kind if kind is not None else CreditKind.Direct,
        product,
    )
    return _core._run_period(
        **args, threads=1, explanations=False, what_if=extra, fx=fx, fx_date=fx_date,
        pay_currencies=[], collections=_collection_columns(collections, deals), plan_change=plan_change,
    )


def __getattr__(name: str) -> Any:
    """``RunResult`` and ``Statement`` live in ``salescomp._run_result``, imported on first use:
    they are Arrow results (:class:`salescomp.tables.ArrowResult`), which need pyarrow, and
    ``import salescomp`` needs only numpy."""
    if name in ("RunResult", "Statement"):
        from . import _run_result

        return getattr(_run_result, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
