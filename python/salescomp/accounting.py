"""Commission expense accounting: capitalisation and amortisation (ASC 340-40 / IFRS 15).

Build a book from commission cost rows (and optionally asset events and
revenue schedules), then read its outputs::

    >>> import salescomp.accounting as acct
    >>> book = acct.amortise(costs, events, policy=acct.AmortisationPolicy(practical_expedient=True))
    >>> book.schedule()        # per asset and month
    >>> book.roll_forward()    # per currency and month, reconciles exactly
    >>> book.journal()         # balanced debit/credit lines per month

Tables come in as any Arrow producer (pyarrow, polars, pandas, DuckDB, anything
with ``__arrow_c_stream__``) or dicts of columns, and are read by the C++ core
where they lie. Money comes in as ``decimal128`` / ``decimal.Decimal`` / decimal
text or ``int`` (whole currency units) in ``amount`` - or as integer minor units
in ``amount_minor``; ``float`` is refused. Money goes out as exact
``decimal128`` (``Decimal`` in pandas). Every bad cell and row is reported
together in one :class:`salescomp.ValidationError` whose ``issues`` name the
1-based row, field, value and rule; unknown columns are refused by name.
docs/accounting.md describes every column and option.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._core import accounting as _acc  # type: ignore[import-not-found]

AmortisationPolicy = _acc.AmortisationPolicy
expected_life_from_churn = _acc.expected_life_from_churn

#: Default names of the journal accounts; pass ``accounts={...}`` to map them
#: onto a chart of accounts.
DEFAULT_ACCOUNTS = {
    "deferred_commissions": "deferred_commissions",
    "commissions_payable": "commissions_payable",
    "commission_expense": "commission_expense",
    "commission_write_off_expense": "commission_write_off_expense",
}

_OUTPUTS = ("pandas", "arrow", "polars")


# The money columns of a monthly roll-forward, in report order.
ROLL_FORWARD_COLUMNS = (
    "opening",
    "additions",
    "reductions",
    "amortisation",
    "write_offs",
    "closing",
    "current",
    "non_current",
    "expensed_as_incurred",
    "expense_credits",
)


# -- input -------------------------------------------------------------------
#
# The C++ reader (salescomp._core.accounting.read_book) reads the three tables where they lie
# (Arrow C Data Interface) and lists every bad cell; here they only become Arrow tables
# (salescomp.tables), with three conveniences of this module's older API done on whole columns:
# integer amounts and weights are whole units, whole floats in month columns are months
# (pandas stores an integer column with gaps as float), and a binary float where money is
# expected is a listed problem (its row, not the whole column). A Python list that pyarrow
# cannot type (mixed values) is read cell by cell, so every odd cell is named.

# Fields by how the conveniences above treat them (the declared schemas are in the C++ core:
# tables commission_costs, asset_events and revenue_schedule of salescomp.tables.table_specs()).
_MONEY = frozenset({"amount", "weight"})
_MONTHS = frozenset({"term_months", "customer_life_months", "months"})
_FLOAT_MONEY = "float and bool are not exact money; pass decimal.Decimal, str or int"


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _cell_text(v: Any, name: str, row: int, prefix: str, issues: list) -> str | None:
    """One cell of a list pyarrow could not type, as the text the core reads (or None and
    a listed problem)."""
    from decimal import Decimal

    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (bool, np.bool_)):
        if name in _MONEY:
            issues.append((row + 1, prefix + name, str(v), _FLOAT_MONEY))
            return None
        return "true" if v else "false"
    if isinstance(v, (float, np.floating)):
        if name in _MONTHS and float(v).is_integer():
            return str(int(v))
        rule = _FLOAT_MONEY if name in _MONEY else "a binary float is not exact here; pass int, str or Decimal"
        issues.append((row + 1, prefix + name, str(v), rule))
        return None
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, (_dt.date, np.datetime64)):
        return str(v.isoformat() if isinstance(v, _dt.date) else v)
    return str(v)


def _column(values: Any, name: str, what: str, prefix: str, issues: list) -> Any:
    from . import tables

    try:
        return tables.column(values, f"{what}.{name}")
    except (TypeError, ValueError):  # mixed values: cell by cell, each odd cell named
        import pyarrow as pa

        return pa.array([_cell_text(v, name, i, prefix, issues) for i, v in enumerate(values)], pa.string())


def _table(data: Any, what: str, prefix: str, issues: list) -> Any:
    """A pyarrow table of ``data`` (any Arrow producer, pandas, dict of columns), with the
    column conveniences of this module applied (see above)."""
    import pyarrow as pa

    from . import tables

    module = type(data).__module__.split(".")[0]
    if isinstance(data, Mapping) or (module == "pandas" and hasattr(data, "columns")):
        table = None
        if module == "pandas":
            try:
                table = pa.Table.from_pandas(data, preserve_index=False)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                table = None
        if table is None:
            items = data.items() if isinstance(data, Mapping) else ((c, data[c]) for c in data.columns)
            cols = {str(k): _column(v, str(k), what, prefix, issues) for k, v in items}
            lengths = {len(c) for c in cols.values()}
            if len(lengths) > 1:
                raise tables.ValidationError(f"{what}: columns differ in length ({sorted(lengths)})")
            table = pa.table(cols)
    else:
        table = tables.as_arrow_table(data, what)
    for i, field in enumerate(table.schema):
        col = _convenience(table.column(i), field.name, prefix, issues)
        if col is not None:
            table = table.set_column(i, field.name, col)
    return table


def _convenience(col: Any, name: str, prefix: str, issues: list) -> Any:
    """The column as the core should read it, or None when it reads it as it is."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = col.type
    if name in _MONEY and (pa.types.is_floating(t) or pa.types.is_boolean(t)):
        for r in np.flatnonzero(pc.is_valid(col).to_numpy(zero_copy_only=False)).tolist():
            issues.append((r + 1, prefix + name, str(col[r].as_py()), _FLOAT_MONEY))
        return pa.nulls(len(col), pa.string())
    if name in _MONEY and pa.types.is_integer(t):  # whole units (weights: any unit)
        return col.cast(pa.decimal128(38, 0))
    if name in _MONTHS and pa.types.is_floating(t):
        odd = pc.fill_null(pc.or_(pc.not_equal(pc.floor(col), col), pc.greater(pc.abs(col), 2.0**31)), False)
        for r in np.flatnonzero(odd.to_numpy(zero_copy_only=False)).tolist():
            issues.append((r + 1, prefix + name, str(col[r].as_py()), "expected a whole number of months"))
        return pc.if_else(odd, pa.scalar(None, t), col).cast(pa.int64())
    return None


def _integer_line_ids(data: Any) -> bool:
    """A Python list (or pandas object column) of line ids mixing integers and text is
    integer ids with odd text cells (reported), as before text ids were accepted."""
    if not isinstance(data, Mapping) and type(data).__module__.split(".")[0] != "pandas":
        return False
    try:
        ids = data["line_id"]
    except (KeyError, TypeError):
        return False
    if getattr(ids, "dtype", None) is not None and getattr(ids.dtype, "kind", "") != "O":
        return False
    if not isinstance(ids, (list, tuple)) and getattr(ids, "dtype", None) is None:
        return False
    values = list(ids)
    return any(_is_int(v) for v in values) and any(isinstance(v, str) for v in values)


# -- output ------------------------------------------------------------------


def _months_to_dates(months: np.ndarray) -> Any:
    """date32 of the first day of each month index (year * 12 + month - 1)."""
    import pyarrow as pa

    months = np.asarray(months, dtype=np.int64)
    if months.size == 0:
        return pa.array([], type=pa.date32())
    # Few distinct months: convert the range once and look every row up.
    lo, hi = int(months.min()), int(months.max())
    table = (
        (np.arange(lo, hi + 1) - 1970 * 12)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int32)
    )
    days = table[months - lo]
    return pa.Array.from_buffers(pa.date32(), days.size, [None, pa.py_buffer(days)])


def _decimal(minor: np.ndarray, exponents: np.ndarray) -> Any:
    """Exact decimal128 from int64 minor units; one scale per column (the
    largest exponent present), so JPY 5 shows as 5.000 beside KWD."""
    import pyarrow as pa

    minor = np.ascontiguousarray(minor, dtype=np.int64)
    scale = int(exponents.max()) if len(exponents) else 2
    if len(exponents) and int(exponents.min()) != scale:
        factor = 10 ** (scale - exponents.astype(np.int64))
        limit = np.iinfo(np.int64).max // factor
        if np.any(np.abs(minor) > limit):
            # Beyond int64 after rescaling: exact through Python ints.
            from decimal import Decimal

            values = [Decimal(int(m) * int(f)).scaleb(-scale) for m, f in zip(minor, factor)]
            return pa.array(values, type=pa.decimal128(38, scale))
        minor = minor * factor
    # decimal128 is 16 little-endian bytes: the low word, then its sign extension.
    words = np.empty(2 * minor.size, dtype=np.int64)
    words[0::2] = minor
    words[1::2] = minor >> 63
    return pa.Array.from_buffers(pa.decimal128(38, scale), minor.size, [None, pa.py_buffer(words)])


def _finish(columns: dict[str, Any], output: str) -> Any:
    import pyarrow as pa

    table = pa.table(columns)
    if output == "arrow":
        return table
    if output == "pandas":
        return table.to_pandas()
    import polars as pl

    return pl.from_arrow(table)


def _check_output(output: str) -> None:
    if output not in _OUTPUTS:
        raise ValueError(f"output must be one of {_OUTPUTS}, got {output!r}")


def _currency_columns(raw: Mapping[str, Any]) -> tuple[Any, np.ndarray]:
    import pyarrow as pa

    codes = np.asarray(raw["currency_codes"], dtype=object)
    index = np.asarray(raw["currency"])
    exponents = np.asarray(raw["currency_exponents"], dtype=np.int64)
    currency = pa.DictionaryArray.from_arrays(
        pa.array(index, pa.int16()), pa.array(list(codes), pa.string())
    )
    row_exponents = exponents[index] if len(exponents) else np.zeros(len(index), np.int64)
    return currency.cast(pa.string()), row_exponents


class CommissionAccounting:
    """A validated book of commission costs; every output is computed on demand.

    Create it with :func:`amortise`.
    """

    def __init__(
        self,
        book: Any,
        line_ids: list[str] | None,
        lineage: dict[str, list[str]],
    ) -> None:
        self._book = book
        self._line_ids = line_ids  # text line ids by code (None: integer line ids)
        self._lineage = lineage  # person / contract: the texts behind the book's codes

    def __len__(self) -> int:
        return len(self._book)

    @property
    def policy(self) -> Any:
        """The AmortisationPolicy the book was built with."""
        return self._book.policy

    def _line_id_column(self, codes: np.ndarray) -> Any:
        import pyarrow as pa

        codes = np.asarray(codes, dtype=np.int64)
        if self._line_ids is None:
            return pa.array(codes, pa.int64())
        return pa.array(self._line_ids, pa.string()).take(pa.array(codes))

    def _lineage_column(self, name: str, codes: np.ndarray) -> Any:
        import pyarrow as pa

        codes = np.asarray(codes, dtype=np.int64)
        return pa.array(self._lineage[name], pa.string()).take(pa.array(codes, mask=codes < 0))

    def assets(self, output: str = "pandas") -> Any:
        """One row per cost line (sorted by line_id): the decision, the period and
        the lifetime totals (amount = amortised + reduced + written_off)."""
        _check_output(output)
        raw = self._book.assets()
        currency, exps = _currency_columns(raw)
        cols: dict[str, Any] = {"line_id": self._line_id_column(raw["line_id"])}
        for name in self._lineage:
            cols[name] = self._lineage_column(name, raw[name])
        cols["currency"] = currency
        cols["amount"] = _decimal(raw["amount"], exps)
        cols["treatment"] = raw["treatment"]
        cols["period_basis"] = raw["basis"]
        cols["period_months"] = raw["period_months"]
        cols["first_month"] = _months_to_dates(raw["first_month"])
        cols["last_month"] = _months_to_dates(raw["last_month"])
        for name in ("amortised", "reduced", "written_off", "expense_credit"):
            cols[name] = _decimal(raw[name], exps)
        return _finish(cols, output)

    def schedule(self, output: str = "pandas") -> Any:
        """Amortisation schedule: one row per capitalised asset and month with a
        balance or movement, sorted by (line_id, month).
        closing = opening + addition - reduction - amortisation - write_off;
        current = the part of closing amortised within the next 12 months."""
        _check_output(output)
        assets = self._book.assets()
        raw = self._book.schedule()
        asset = raw["asset"]
        currency, exps = _currency_columns(assets)
        import pyarrow as pa

        cols: dict[str, Any] = {
            "line_id": self._line_id_column(assets["line_id"][asset]),
            "currency": currency.take(pa.array(asset)),
            "month": _months_to_dates(raw["month"]),
        }
        row_exps = exps[asset]
        for name in (
            "opening",
            "addition",
            "reduction",
            "amortisation",
            "write_off",
            "closing",
            "current",
        ):
            cols[name] = _decimal(raw[name], row_exps)
        cols["non_current"] = _decimal(raw["closing"] - raw["current"], row_exps)
        return _finish(cols, output)

    def roll_forward(self, start: Any = None, end: Any = None, output: str = "pandas") -> Any:
        """Roll-forward per currency and month from ``start`` to ``end`` (dates or
        'YYYY-MM-DD'; the month containing them; default: the whole book):
        closing = opening + additions - reductions - amortisation - write_offs,
        closing = current + non_current, opening = previous closing."""
        _check_output(output)
        raw = self._book.roll_forward(_as_date(start), _as_date(end))
        currency, exps = _currency_columns(raw)
        cols: dict[str, Any] = {"currency": currency, "month": _months_to_dates(raw["month"])}
        for name in ROLL_FORWARD_COLUMNS:
            cols[name] = _decimal(raw[name], exps)
        return _finish(cols, output)

    def journal(
        self,
        start: Any = None,
        end: Any = None,
        accounts: Mapping[str, str] | None = None,
        output: str = "pandas",
    ) -> Any:
        """Journal lines per month and currency: each entry is one debit and one
        credit of the same amount. ``accounts`` renames the accounts (keys of
        DEFAULT_ACCOUNTS) onto your chart of accounts."""
        _check_output(output)
        names = dict(DEFAULT_ACCOUNTS)
        if accounts:
            unknown = set(accounts) - set(DEFAULT_ACCOUNTS)
            if unknown:
                raise ValueError(
                    f"accounts: unknown keys {sorted(unknown)}; expected {sorted(DEFAULT_ACCOUNTS)}"
                )
            names.update(accounts)
        raw = self._book.journal(_as_date(start), _as_date(end))
        currency, exps = _currency_columns(raw)
        cols: dict[str, Any] = {
            "entry": raw["entry"],
            "currency": currency,
            "month": _months_to_dates(raw["month"]),
            "kind": raw["kind"],
            "account": _renamed(raw["account"], names),
            "debit": _decimal(raw["debit"], exps),
            "credit": _decimal(raw["credit"], exps),
        }
        return _finish(cols, output)

    def report(self, start: Any = None, end: Any = None) -> str:
        """A Markdown roll-forward for a report (e.g. the demo company's): one
        table per currency, one row per month, every column exact."""
        rf = self.roll_forward(start, end)
        columns = list(ROLL_FORWARD_COLUMNS)
        lines = ["## Deferred commissions (ASC 340-40 / IFRS 15)", ""]
        for currency, group in rf.groupby("currency", sort=True):
            lines += [f"### {currency}", ""]
            lines.append("| month | " + " | ".join(columns) + " |")
            lines.append("|---|" + "---:|" * len(columns))
            for row in group.itertuples(index=False):
                values = " | ".join(str(getattr(row, c)) for c in columns)
                lines.append(f"| {row.month:%Y-%m} | {values} |")
            lines.append("")
        return "\n".join(lines)


def _as_date(value: Any) -> Any:
    if value is None or isinstance(value, (str, _dt.date)) and not isinstance(value, _dt.datetime):
        return value
    raise TypeError(f"expected datetime.date, 'YYYY-MM-DD' or None, got {type(value).__name__}")


def _renamed(accounts: list[str], names: Mapping[str, str]) -> Any:
    """The account column under the caller's names (a dictionary lookup per distinct name)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = list(DEFAULT_ACCOUNTS)
    codes = pc.index_in(pa.array(accounts, pa.string()), pa.array(keys, pa.string()))
    return pa.array([names[k] for k in keys], pa.string()).take(codes)


def amortise(
    costs: Any,
    events: Any = None,
    revenue: Any = None,
    *,
    policy: Any = None,
    ignore_extra_columns: bool = False,
) -> CommissionAccounting:
    """Validate and decide every cost line, and return the book.

    Each table may be any Arrow producer (pyarrow, polars, pandas, DuckDB, an object with
    ``__arrow_c_stream__``) or a dict of columns; the declared schemas are the tables
    ``commission_costs``, ``asset_events`` and ``revenue_schedule`` of
    :func:`salescomp.tables.table_specs` (docs/tables.md, docs/accounting.md).
    ``costs`` columns: line_id, amount (or amount_minor), currency, incurred,
    contract_start, term_months, incremental; optional: person, contract, kind
    ('initial' | 'renewal' | 'expansion'), renewal_commensurate,
    customer_life_months, pattern ('straight_line' | 'revenue_proportional').
    ``events`` columns: line_id, kind ('clawback' | 'extension' |
    'change_in_estimate' | 'termination'), date, amount or amount_minor (clawbacks), months
    (extension: months added; change_in_estimate: the new total period).
    ``revenue`` columns: line_id, month, weight (revenue_proportional lines).
    Unknown columns are refused by name unless ``ignore_extra_columns``.
    Raises :class:`salescomp.ValidationError` listing every problem (1-based rows).
    """
    if costs is None:
        raise TypeError("costs: a table is required")
    issues: list[tuple[int | None, str, str, str]] = []
    cost_table = _table(costs, "costs", "", issues)
    event_table = None if events is None else _table(events, "events", "event.", issues)
    revenue_table = None if revenue is None else _table(revenue, "revenue", "revenue.", issues)
    book, line_ids, people, contracts = _acc.read_book(
        cost_table,
        event_table,
        revenue_table,
        policy if policy is not None else AmortisationPolicy(),
        ignore_extra_columns=ignore_extra_columns,
        integer_line_ids=_integer_line_ids(costs),
        prior_issues=issues or None,
    )
    lineage = {name: texts for name, texts in (("person", people), ("contract", contracts))
               if name in cost_table.column_names}
    return CommissionAccounting(book, line_ids, lineage)


__all__ = [
    "DEFAULT_ACCOUNTS",
    "AmortisationPolicy",
    "CommissionAccounting",
    "amortise",
    "expected_life_from_churn",
]
