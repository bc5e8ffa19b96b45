"""Commission expense accounting: capitalisation and amortisation (ASC 340-40 / IFRS 15).

Build a book from commission cost rows (and optionally asset events and
revenue schedules), then read its outputs::

    >>> import salescomp.accounting as acct
    >>> book = acct.amortise(costs, events, policy=acct.AmortisationPolicy(practical_expedient=True))
    >>> book.schedule()        # per asset and month
    >>> book.roll_forward()    # per currency and month, reconciles exactly
    >>> book.journal()         # balanced debit/credit lines per month

Tables come in as pandas / polars DataFrames, pyarrow Tables or dicts of
columns. Money comes in as ``decimal.Decimal``, ``str`` or ``int`` (whole
currency units) in ``amount`` - or as integer minor units in ``amount_minor``;
``float`` is refused. Money goes out as exact ``decimal128`` (``Decimal`` in
pandas). Every bad cell and row is reported together in one
:class:`salescomp.ValidationError` whose ``issues`` name row, field, value and
rule. docs/accounting.md describes every column and option.
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


def _column_to_list(col: Any) -> list[Any]:
    """Plain Python objects for one column (no floats invented, no dates lost)."""
    import pyarrow as pa

    if isinstance(col, (pa.ChunkedArray, pa.Array)):
        if pa.types.is_timestamp(col.type):
            col = _timestamps_to_dates(col)
        return col.to_pylist()
    if isinstance(col, np.ndarray):
        if col.dtype.kind == "M":
            return [None if np.isnat(v) else _np_datetime_to_date(v) for v in col]
        return col.tolist()
    return list(col)


def _np_datetime_to_date(v: np.datetime64) -> Any:
    day = v.astype("datetime64[D]")
    if day != v:  # a time of day: left as a datetime so that the row is reported
        return v.astype("datetime64[us]").item()
    return day.item()


def _timestamps_to_dates(col: Any) -> Any:
    """Midnight timestamps become dates; others stay and are reported per row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if col.type.tz is not None:
        return col
    as_date = pc.cast(col, pa.date32())
    back = pc.cast(as_date, col.type)
    if pc.all(pc.or_kleene(pc.equal(back, col), pc.is_null(col))).as_py() in (True, None):
        return as_date
    return col


def _columns(table: Any, what: str) -> dict[str, list[Any]] | None:
    """A dict of equal-length Python lists from any supported table type."""
    if table is None:
        return None
    if isinstance(table, Mapping):
        return {str(k): _column_to_list(v) for k, v in table.items()}
    module = type(table).__module__.split(".")[0]
    if module == "polars":
        table = table.to_arrow()
        module = "pyarrow"
    if module == "pandas":
        import pandas as pd

        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"{what}: expected a DataFrame, got {type(table).__name__}")
        out: dict[str, list[Any]] = {}
        for name in table.columns:
            s = table[name]
            if s.dtype.kind == "M":
                out[str(name)] = _column_to_list(s.to_numpy())
            else:
                # NaN / NaT / pd.NA in an object or nullable column is a missing cell.
                values = s.astype(object).where(s.notna(), None).tolist()
                out[str(name)] = values
        return out
    if module == "pyarrow":
        import pyarrow as pa

        if isinstance(table, pa.RecordBatch):
            table = pa.Table.from_batches([table])
        return {name: _column_to_list(table.column(name)) for name in table.column_names}
    raise TypeError(
        f"{what}: expected a pandas or polars DataFrame, a pyarrow Table or a dict of columns, "
        f"got {type(table).__name__}"
    )


_TEXT_ID_BASE = -(2**62)  # placeholder ids for unknown text ids (reported, never used)


def _encode_ids(
    costs: dict[str, list[Any]] | None,
    others: list[tuple[dict[str, list[Any]] | None, str]],
    issues: list[tuple[int | None, str, str, str]],
) -> dict[int, Any] | None:
    """Text line ids become int codes in sorted text order (so the output order is
    the text order); returns code -> original id, or None when ids are ints."""
    if costs is None or "line_id" not in costs:
        return None
    ids = costs["line_id"]
    # Text mode only when every present id is text; in a mix the odd cells
    # are reported by the core ("expected an integer").
    if not ids or not all(isinstance(v, str) for v in ids if v is not None):
        return None
    texts = sorted({v for v in ids if isinstance(v, str)})
    code_of = {t: i for i, t in enumerate(texts)}
    for row, v in enumerate(ids):
        if v is None:
            issues.append((row, "line_id", "None", "missing value"))
    costs["line_id"] = [
        code_of[v] if isinstance(v, str) else _TEXT_ID_BASE - row for row, v in enumerate(ids)
    ]
    for table, prefix in others:
        if table is None or "line_id" not in table:
            continue
        encoded = []
        for row, v in enumerate(table["line_id"]):
            if v in code_of:
                encoded.append(code_of[v])
            else:
                issues.append((row, prefix + "line_id", str(v), "no cost line has this line_id"))
                encoded.append(_TEXT_ID_BASE - row)
        table["line_id"] = encoded
    return dict(enumerate(texts))


def _passthrough(costs: dict[str, list[Any]], name: str) -> list[Any] | None:
    """person / contract may be any values: kept here, re-attached on output."""
    values = costs.pop(name, None)
    return values


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
        line_ids: dict[int, Any] | None,
        passthrough: dict[str, tuple[list[Any], list[Any]]],
    ) -> None:
        self._book = book
        self._line_ids = line_ids
        self._passthrough = passthrough

    def __len__(self) -> int:
        return len(self._book)

    @property
    def policy(self) -> Any:
        """The AmortisationPolicy the book was built with."""
        return self._book.policy

    def _line_id_column(self, codes: np.ndarray) -> Any:
        import pyarrow as pa

        if self._line_ids is None:
            return pa.array(codes, pa.int64())
        return pa.array([self._line_ids[int(c)] for c in codes], pa.string())

    def assets(self, output: str = "pandas") -> Any:
        """One row per cost line (sorted by line_id): the decision, the period and
        the lifetime totals (amount = amortised + reduced + written_off)."""
        _check_output(output)
        raw = self._book.assets()
        currency, exps = _currency_columns(raw)
        cols: dict[str, Any] = {"line_id": self._line_id_column(raw["line_id"])}
        codes = raw["line_id"]
        for name, (ids, values) in self._passthrough.items():
            by_id = dict(zip(ids, values))
            cols[name] = [by_id[int(c)] for c in codes]
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
            "account": [names[a] for a in raw["account"]],
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


def amortise(
    costs: Any,
    events: Any = None,
    revenue: Any = None,
    *,
    policy: Any = None,
) -> CommissionAccounting:
    """Validate and decide every cost line, and return the book.

    ``costs`` columns: line_id, amount (or amount_minor), currency, incurred,
    contract_start, term_months, incremental; optional: person, contract, kind
    ('initial' | 'renewal' | 'expansion'), renewal_commensurate,
    customer_life_months, pattern ('straight_line' | 'revenue_proportional').
    ``events`` columns: line_id, kind ('clawback' | 'extension' |
    'change_in_estimate' | 'termination'), date, amount (clawbacks), months
    (extension: months added; change_in_estimate: the new total period).
    ``revenue`` columns: line_id, month, weight (revenue_proportional lines).
    Raises :class:`salescomp.ValidationError` listing every problem.
    """
    cost_cols = _columns(costs, "costs")
    if cost_cols is None:
        raise TypeError("costs: a table is required")
    event_cols = _columns(events, "events")
    revenue_cols = _columns(revenue, "revenue")
    issues: list[tuple[int | None, str, str, str]] = []
    line_ids = _encode_ids(cost_cols, [(event_cols, "event."), (revenue_cols, "revenue.")], issues)
    passthrough: dict[str, tuple[list[Any], list[Any]]] = {}
    for name in ("person", "contract"):
        values = _passthrough(cost_cols, name)
        if values is not None:
            passthrough[name] = (list(cost_cols["line_id"]), values)
    book = _acc.AmortisationBook(
        cost_cols,
        event_cols,
        revenue_cols,
        policy if policy is not None else AmortisationPolicy(),
        issues or None,
    )
    return CommissionAccounting(book, line_ids, passthrough)


__all__ = [
    "DEFAULT_ACCOUNTS",
    "AmortisationPolicy",
    "CommissionAccounting",
    "amortise",
    "expected_life_from_churn",
]
