"""The one table module: anything Arrow-shaped in, exact Arrow out.

Inputs (:func:`arrow_source`, :func:`as_arrow_table`, :func:`as_arrow_columns`,
:func:`column`): any object that implements the Arrow PyCapsule protocol
(``__arrow_c_stream__`` or ``__arrow_c_array__``: pyarrow tables and record batches, polars
and pandas >= 2.2 DataFrames, DuckDB relations, nanoarrow streams), older pandas DataFrames,
and plain dicts of columns (lists, numpy arrays, pyarrow arrays). The C++ core's strict
readers take the producer's buffers directly; the helpers here read whole columns with
pyarrow and numpy. Nothing is converted row by row in Python.

Money crosses as integer minor units (:func:`to_minor_units`): ``decimal128``/``decimal256``
columns are rescaled exactly (more decimals than the currency has need a rounding mode),
``Decimal`` objects and strings are parsed strictly, integers are minor units only when the
caller says so, and floats are refused (a binary float is not an exact amount). Integer
columns are range checked (:func:`integers`), never narrowed; ids are the user's text
(:func:`id_text`); unknown columns are refused by name (:func:`check_columns`).

Outputs: money as ``decimal128(38, exponent)`` built from int64 minor units
(:func:`minor_to_arrow`, :func:`decimal_array`), so ``to_pandas()`` yields exact ``Decimal``
objects; the core's result tables as :class:`Table`, read by pyarrow, polars, pandas and
DuckDB without a copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np

try:
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError("salescomp's tables need pyarrow: pip install 'salescomp[dataframes]'") from e

from . import batch
from ._core import Currency, RoundingMode
from ._errors import AmountOverflowError, InputTypeError, ValidationError

__all__ = [
    "Table",
    "arrow_source",
    "as_arrow_array",
    "as_arrow_table",
    "minor_to_arrow",
    "table_specs",
    "to_days",
    "to_minor_units",
]

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
MISSING_DAY = np.iinfo(np.int32).min


def _pa() -> Any:
    return pa


# ---- tables in -----------------------------------------------------------------------------


def arrow_source(table: Any, what: str) -> Any:
    """``table`` as an object with ``__arrow_c_stream__`` or ``__arrow_c_array__``.

    ``what`` names the table in messages. Dicts of columns become a pyarrow table (one
    column at a time; Decimal and str values stay exact, floats stay floats and are
    refused later where money is expected)."""
    module = type(table).__module__.split(".")[0]
    if module == "pandas":  # pandas < 2.2 has no PyCapsule export; object columns need care
        return _pandas_table(table, what)
    if hasattr(table, "__arrow_c_stream__") or hasattr(table, "__arrow_c_array__"):
        return table
    if isinstance(table, Mapping):
        return _dict_table(table, what)
    if module == "duckdb" and hasattr(table, "arrow"):  # DuckDB < 1.1 relations
        return table.arrow()
    raise InputTypeError(
        f"{what}: expected a table (pyarrow, polars, pandas, DuckDB, any object with "
        f"__arrow_c_stream__, or a dict of columns), got {type(table).__name__}"
    )


def _dict_table(columns: Mapping[str, Any], what: str) -> Any:
    """A pyarrow table of a dict of columns, one column at a time (see :func:`column`)."""
    return pa.table(
        {str(name): column(values, f"{what}.{name}") for name, values in columns.items()}
    )


def _pandas_table(frame: Any, what: str) -> Any:
    """A pyarrow table of a pandas DataFrame; object columns of mixed exact values (Decimal,
    str, int) that pyarrow cannot type are read column by column (see :func:`column`)."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return _dict_table({str(name): frame[name] for name in frame.columns}, what)


def as_arrow_table(data: Any, what: str = "table") -> Any:
    """A ``pyarrow.Table`` of any table :func:`arrow_source` takes."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    source = arrow_source(data, what)
    if isinstance(source, pa.Table):
        return source
    if hasattr(source, "__arrow_c_stream__"):
        return _plain_strings(pa.table(source))
    return _plain_strings(pa.Table.from_batches([pa.record_batch(source)]))


def _plain_strings(table: Any) -> Any:
    """``string_view`` columns (what polars and DuckDB export) as plain ``string``, so every
    reader here sees one string layout; other columns are untouched."""
    views = [i for i, f in enumerate(table.schema) if _is_string_view(f.type)]
    for i in views:
        table = table.set_column(i, table.schema.field(i).name, table.column(i).cast(pa.string()))
    return table


def as_arrow_columns(table: Any, what: str) -> dict[str, Any]:
    """Columns of any table :func:`arrow_source` takes, by name (``{}`` for ``None``)."""
    if table is None:
        return {}
    t = as_arrow_table(table, what)
    return {name: t.column(name) for name in t.column_names}


def column(values: Any, name: str) -> Any:
    """A pyarrow Array (or ChunkedArray, as given) of one column of any kind: pyarrow, polars
    or pandas columns, numpy arrays, Arrow PyCapsule arrays or sequences. Mixed exact values
    (Decimal, str, int) and integers wider than 64 bits are kept as text (ids stay the user's
    text; the integer and money readers read that text exactly or refuse it)."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    module = type(values).__module__.split(".")[0]
    if module == "polars":
        arr = values.to_arrow()
        return (
            arr.cast(pa.string())
            if getattr(pa.types, "is_string_view", lambda _t: False)(arr.type)
            else arr
        )
    try:
        if hasattr(values, "__arrow_c_array__"):
            return pa.array(values)
        if hasattr(values, "__arrow_c_stream__"):
            return pa.chunked_array(values)
        # NaN means missing only in pandas; elsewhere it is a value the readers name.
        return pa.array(_listed(values), from_pandas=module == "pandas")
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as e:
        items = list(values)
        if all(
            v is None or (isinstance(v, (str, int, Decimal)) and not isinstance(v, bool))
            for v in items
        ):
            return pa.array([None if v is None else str(v) for v in items], pa.string())
        raise InputTypeError(f"{name}: cannot read the column ({e})") from None


def as_arrow_array(values: Any, name: str = "column") -> Any:
    """One (combined) ``pyarrow.Array`` of any column :func:`column` takes."""
    arr = column(values, name)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return arr.cast(pa.string()) if _is_string_view(arr.type) else arr


def _is_string_view(t: Any) -> bool:
    return bool(getattr(pa.types, "is_string_view", lambda _t: False)(t))


def _listed(values: Any) -> Any:
    # numpy arrays and pandas Series go to pyarrow as they are (no per-row Python);
    # other iterables (tuples, generators, ranges) become lists.
    if hasattr(values, "dtype") or isinstance(values, list):
        return values
    return list(values)


def require(cols: Mapping[str, Any], names: Iterable[str], what: str) -> None:
    missing = [n for n in names if n not in cols]
    if missing:
        raise ValidationError(f"{what}: missing column(s) {', '.join(missing)}")


# ---- column readers ------------------------------------------------------------------------


def _null_rows(arr, name: str) -> None:
    if arr.null_count:
        rows = np.flatnonzero(np.asarray(arr.is_null().to_numpy(zero_copy_only=False))).tolist()
        err = ValidationError(
            f"[SC-TABLE-NULL] column {name!r} has {len(rows)} missing values (rows {rows[:10]})"
        )
        err.id = "SC-TABLE-NULL"
        err.issues = [
            {"row": r, "field": name, "value": "", "rule": "a value is required"} for r in rows
        ]
        raise err


def _decimal128_to_minor(
    arr, exponent: int, name: str, rounding: RoundingMode | None
) -> np.ndarray:
    if pa.types.is_decimal256(arr.type):
        arr = arr.cast(pa.decimal128(38, arr.type.scale))
    words = np.frombuffer(arr.buffers()[1], dtype=np.int64)[
        2 * arr.offset : 2 * (arr.offset + len(arr))
    ]
    low, high = words[0::2], words[1::2]
    # A value fits int64 when the high word is the sign extension of the low word.
    wide = np.flatnonzero(high != (low >> 63))
    if wide.size:
        raise AmountOverflowError(
            f"[SC-OVERFLOW] column {name!r}: rows {wide[:10].tolist()} do not fit in 64 bits"
        )
    scale = arr.type.scale
    if scale == exponent:
        return low.copy()
    if scale < exponent:
        factor = 10 ** (exponent - scale)
        too_big = np.flatnonzero(np.abs(low) > _INT64_MAX // factor)
        if too_big.size:
            raise AmountOverflowError(
                f"[SC-OVERFLOW] column {name!r}: rows {too_big[:10].tolist()} out of range"
            )
        return low * factor
    divisor = 10 ** (scale - exponent)
    if rounding is None:
        inexact = np.flatnonzero(low % divisor != 0)
        if inexact.size:
            values = batch.format(low[inexact[:10]], scale)
            err = ValidationError(
                f"[SC-PARSE-DECIMAL] column {name!r}: {inexact.size} values have more than "
                f"{exponent} decimal places; pass a rounding mode to round them"
            )
            err.id = "SC-PARSE-DECIMAL"
            err.issues = [
                {
                    "row": int(r),
                    "field": name,
                    "value": v,
                    "rule": f"more than {exponent} decimal places",
                }
                for r, v in zip(inexact[:10], values)
            ]
            raise err
        return low // divisor
    return batch.multiply_divide(low, 1, divisor, rounding)


def to_minor_units(
    column: Any,
    currency: Currency | str | int,
    *,
    name: str = "amount",
    rounding: RoundingMode | None = None,
    minor_units: bool = False,
) -> np.ndarray:
    """An exact ``int64`` array of minor units from a money column.

    ``currency`` gives the exponent (a Currency, a code, or the exponent itself). Decimal
    columns with more decimals than the currency has need ``rounding``. Integer columns are
    accepted only with ``minor_units=True``. Missing values are a ``ValidationError`` that
    lists the rows.
    """
    exponent = _exponent(currency)
    if isinstance(column, np.ndarray) and column.dtype.kind in "iu":
        arr = pa.array(column)
    else:
        arr = as_arrow_array(column, name)
    t = arr.type
    if pa.types.is_floating(t):
        raise InputTypeError(
            f"column {name!r}: {t} values are not exact money; use decimal128, Decimal objects, "
            "strings, or integer minor units"
        )
    if pa.types.is_boolean(t):
        raise InputTypeError(f"column {name!r}: booleans are not amounts")
    _null_rows(arr, name)
    if pa.types.is_decimal(t):
        return _decimal128_to_minor(arr, exponent, name, rounding)
    if pa.types.is_integer(t):
        if not minor_units:
            raise InputTypeError(
                f"column {name!r}: integer values are ambiguous; pass minor_units=True if they are "
                "minor units (cents), or give decimals"
            )
        return arr.cast(pa.int64()).to_numpy()
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return batch.parse(arr.to_pylist(), exponent, rounding)
    if pa.types.is_null(t) and len(arr) == 0:
        return np.zeros(0, dtype=np.int64)
    raise InputTypeError(f"column {name!r}: cannot read money from Arrow type {t}")


def strings(col: Any) -> list[str]:
    """Text of each row; nulls become ''."""
    return text_array(col).to_pylist()


def text_array(col: Any) -> Any:
    """The column as Arrow text (utf8 or large_utf8; other types cast), nulls as '': what
    :func:`strings` lists, for C++ to read in place."""
    arr = col if isinstance(col, (pa.Array, pa.ChunkedArray)) else pa.array(col)
    if pa.types.is_floating(arr.type):
        raise InputTypeError(f"expected text, got a {arr.type} column")
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.string())
    return pc.fill_null(arr, "")


def decimal_text(col: Any, name: str) -> list[str]:
    """Exact decimal text of a money/rate column (decimal128, Decimal, str, int)."""
    arr = col if isinstance(col, (pa.Array, pa.ChunkedArray)) else pa.array(col)
    if pa.types.is_floating(arr.type):
        raise InputTypeError(
            f"{name}: float column ({arr.type}) is not exact money; use decimal128, Decimal or str"
        )
    if pa.types.is_boolean(arr.type):
        raise InputTypeError(f"{name}: bool column is not an amount")
    if arr.null_count:
        rows = np.flatnonzero(pc.is_null(arr).to_numpy(zero_copy_only=False)).tolist()
        raise ValidationError(f"{name}: missing value in rows {rows}")
    if pa.types.is_decimal(arr.type):
        # Arrow prints decimals with exactly `scale` places; strip trailing zeros
        # beyond what is needed so "10.5000" parses at a 2-decimal currency.
        return [_trim(s) for s in arr.cast(pa.string()).to_pylist()]
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return arr.to_pylist()
    if pa.types.is_integer(arr.type):
        return arr.cast(pa.string()).to_pylist()
    raise InputTypeError(f"{name}: expected decimal128, Decimal, str or int values, got {arr.type}")


def _trim(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def days(col: Any, name: str, *, required: bool = False) -> np.ndarray:
    """int32 days since 1970-01-01 of a date column (date32/date64, timestamps at midnight,
    ISO 'YYYY-MM-DD' text, ``datetime.date``, pandas/polars dates). Missing values are
    MISSING_DAY, or an error listing the rows when ``required``."""
    arr = as_arrow_array(col, name)
    if required:
        _null_rows(arr, name)
    t = arr.type
    if pa.types.is_null(t):
        return np.full(len(arr), MISSING_DAY, dtype=np.int32)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        arr = _iso_dates(arr, name)
    elif pa.types.is_timestamp(t):
        arr = _midnight_dates(arr, name)
    elif pa.types.is_date64(t):
        arr = arr.cast(pa.date32())
    elif not pa.types.is_date32(t):
        raise InputTypeError(f"column {name!r}: cannot read dates from Arrow type {t}")
    ints = pc.fill_null(arr.cast(pa.int32()), MISSING_DAY)
    return np.ascontiguousarray(ints.to_numpy(zero_copy_only=False), dtype=np.int32)


def to_days(column: Any, *, name: str = "date") -> np.ndarray:
    """``int32`` days since 1970-01-01 from a date column (Arrow date32/date64, pandas dates,
    ISO strings, or midnight timestamps); missing values are an error listing the rows. A
    timestamp with a time of day is refused."""
    return days(column, name, required=True)


def _iso_dates(arr: Any, name: str) -> Any:
    """date32 of ISO 'YYYY-MM-DD' text (Arrow's cast is strict); every other text is listed."""
    try:
        return arr.cast(pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        from ._core import parse_date

        bad = []
        for i, text in enumerate(arr.to_pylist()):
            try:
                if text is not None:
                    parse_date(text)
            except ValidationError:
                bad.append(i)
        err = ValidationError(
            f"[SC-DATE-FORMAT] column {name!r}: {len(bad)} values are not ISO dates YYYY-MM-DD "
            f"(rows {bad[:10]})"
        )
        err.id = "SC-DATE-FORMAT"
        err.issues = [
            {
                "row": r,
                "field": name,
                "value": arr[r].as_py(),
                "rule": "expected an ISO date YYYY-MM-DD",
            }
            for r in bad
        ]
        raise err from None


def _midnight_dates(arr: Any, name: str) -> Any:
    """date32 of timestamps at midnight; a time of day is an error listing the rows."""
    as_date = arr.cast(pa.date32())
    off = pc.fill_null(pc.not_equal(as_date.cast(arr.type), arr), False)
    if pc.any(off).as_py():
        rows = np.flatnonzero(off.to_numpy(zero_copy_only=False))
        raise ValidationError(
            f"[SC-TABLE-DATE] column {name!r}: rows {rows[:10].tolist()} have a time of day; "
            "give calendar dates"
        )
    return as_date


def integers(
    col: Any,
    name: str,
    dtype: Any = np.int64,
    *,
    low: int | None = None,
    high: int | None = None,
    what: str = "",
) -> np.ndarray:
    """An integer column as ``dtype``, range checked: every value outside ``[low, high]``
    (default: the range of ``dtype``) is listed (1-based row, value), never narrowed.
    Integer text (``-?digits``) is read exactly, whatever its size."""
    arr = col if isinstance(col, (pa.Array, pa.ChunkedArray)) else column(col, _where(what, name))
    info = np.iinfo(dtype)
    low = int(info.min) if low is None else max(low, int(info.min))
    high = int(info.max) if high is None else min(high, int(info.max))
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        arr = _integer_text(arr, _where(what, name), low, high)
    if not pa.types.is_integer(arr.type):
        raise InputTypeError(f"{_where(what, name)}: expected integers, got {arr.type}")
    if arr.null_count:
        rows = (np.flatnonzero(pc.is_null(arr).to_numpy(zero_copy_only=False)) + 1).tolist()
        raise ValidationError(f"{_where(what, name)}: missing value in row(s) {rows[:20]}")
    bad = pc.or_(pc.less(arr, pa.scalar(low, pa.int64())), _greater(arr, high))
    if pc.any(bad).as_py():
        _out_of_range(arr, bad, low, high, _where(what, name))
    return np.ascontiguousarray(arr.to_numpy(zero_copy_only=False), dtype=dtype)


def _where(what: str, name: str) -> str:
    return f"{what}.{name}" if what else name


def _greater(arr: Any, high: int) -> Any:
    # uint64 values above int64 compare exactly against a uint64 bound.
    bound = pa.scalar(high, pa.uint64() if pa.types.is_unsigned_integer(arr.type) else pa.int64())
    return pc.greater(arr, bound)


def _out_of_range(
    arr: Any, bad: Any, low: int, high: int, where: str, values: list | None = None
) -> None:
    """Lists the values outside ``[low, high]``: where ``bad`` is true, or of ``values`` (Python ints)."""
    if values is None:
        values = arr.to_pylist()
        rows = np.flatnonzero(pc.fill_null(bad, False).to_numpy(zero_copy_only=False)).tolist()
    else:
        rows = [r for r, v in enumerate(values) if not low <= v <= high]
    listed = "; ".join(f"row {r + 1}: {values[r]}" for r in rows[:20])
    more = f" (and {len(rows) - 20} more)" if len(rows) > 20 else ""
    raise ValidationError(f"{where}: {len(rows)} value(s) outside {low}..{high}: {listed}{more}")


_INTEGER_TEXT = "^-?[0-9]+$"


def _integer_text(arr: Any, where: str, low: int, high: int) -> Any:
    """Integer text read exactly: malformed cells and values outside ``[low, high]`` are listed."""
    malformed = pc.invert(pc.match_substring_regex(arr, _INTEGER_TEXT))
    if pc.any(pc.fill_null(malformed, False)).as_py():
        rows = np.flatnonzero(pc.fill_null(malformed, False).to_numpy(zero_copy_only=False))
        listed = "; ".join(f"row {r + 1}: {arr[int(r)].as_py()!r}" for r in rows[:20])
        raise ValidationError(
            f"{where}: {len(rows)} value(s) are not integers (-?digits): {listed}"
        )
    values = [None if v is None else int(v) for v in arr.to_pylist()]
    if any(v is not None and not low <= v <= high for v in values):
        _out_of_range(arr, None, low, high, where, [low if v is None else v for v in values])
    return pa.array(values, pa.int64())


# ---- columns out -----------------------------------------------------------------------------


def _decimal128(unscaled: np.ndarray, scale: int) -> Any:
    """``decimal128(38, scale)`` whose unscaled values are the int64 ``unscaled`` (exact: the
    high word is the sign extension; no per-row work)."""
    low = np.ascontiguousarray(unscaled, dtype=np.int64)
    words = np.empty(2 * low.size, dtype=np.int64)
    words[0::2] = low
    words[1::2] = low >> 63
    return pa.Array.from_buffers(pa.decimal128(38, scale), low.size, [None, pa.py_buffer(words)])


def _exponent(currency: Currency | str | int) -> int:
    if isinstance(currency, int):
        return currency
    return Currency(str(currency)).exponent if isinstance(currency, str) else currency.exponent


def minor_to_arrow(minor_units: np.ndarray, currency: Currency | str | int) -> Any:
    """``decimal128(38, exponent)`` Arrow array holding exactly ``minor_units`` (no per-row Python)."""
    return _decimal128(minor_units, _exponent(currency))


def decimal_array(minor: np.ndarray, currency: tuple) -> Any:
    """Exact decimal128 from minor units and (index, codes, exponents) per row.

    The scale is the largest exponent present, so every value is exact."""
    index, _codes, exps = currency
    minor = np.asarray(minor, dtype=np.int64)
    exps_arr = np.asarray(exps, dtype=np.int64)
    scale = int(exps_arr.max()) if len(exps_arr) else 2
    shift = (
        scale - exps_arr[np.asarray(index, dtype=np.int64)] if len(minor) else np.zeros(0, np.int64)
    )
    if not (len(minor) and shift.any()):
        return _decimal128(minor, scale)
    # Scale rows with fewer decimals exactly, in Python ints (rare: mixed exponents).
    values = [int(v) * 10 ** int(s) for v, s in zip(minor.tolist(), shift.tolist())]
    words = np.empty((len(minor), 2), dtype=np.int64)
    words[:, 0] = np.array([v & 0xFFFFFFFFFFFFFFFF for v in values], dtype=np.uint64).view(np.int64)
    words[:, 1] = np.array([v >> 64 for v in values], dtype=np.int64)
    return pa.Array.from_buffers(
        pa.decimal128(38, scale), len(minor), [None, pa.py_buffer(words.tobytes())]
    )


def rate_array(raw: np.ndarray) -> Any:
    """Rates (raw units of 1e-12) as exact decimal128(38, 12)."""
    return _decimal128(raw, 12)


def dictionary(indices: np.ndarray, names: list[str], null_below_zero: bool = False) -> pa.Array:
    """A dictionary-encoded text column (pandas: category) from codes."""
    idx = np.asarray(indices, dtype=np.int32)
    mask = idx < 0 if null_below_zero else None
    return pa.DictionaryArray.from_arrays(
        pa.array(np.where(idx < 0, 0, idx), type=pa.int32(), mask=mask),
        pa.array(names, type=pa.string()),
    )


def currency_codes(currency: tuple) -> pa.Array:
    index, codes, _ = currency
    return dictionary(index, list(codes))


def date_array(day_numbers: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(day_numbers, dtype=np.int32), type=pa.int32()).cast(pa.date32())


# ---- the user's ids and the declared columns ----------------------------------------------

_ID_MAX_BYTES = 256


def id_text(col: Any, name: str, what: str) -> pa.Array:
    """The user's ids as one utf8 array (docs/tables.md, "Ids are the user's text"): text of
    any Arrow layout as it is, integers as their decimal text. Every bad cell (missing,
    empty, longer than 256 bytes, control characters, surrounding spaces) is listed."""
    arr = col if isinstance(col, (pa.Array, pa.ChunkedArray)) else column(col, _where(what, name))
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_integer(arr.type):
        arr = arr.cast(pa.string())
    elif pa.types.is_large_string(arr.type) or getattr(
        pa.types, "is_string_view", lambda _t: False
    )(arr.type):
        arr = arr.cast(pa.string())
    elif pa.types.is_null(arr.type):
        arr = arr.cast(pa.string())
    elif not pa.types.is_string(arr.type):
        raise InputTypeError(
            f"{_where(what, name)}: ids are text or integers, got a {arr.type} column"
        )
    problems = [
        (pc.is_null(arr), "an id is required"),
        (pc.equal(pc.binary_length(arr), 0), "an id cannot be empty"),
        (
            pc.greater(pc.binary_length(arr), _ID_MAX_BYTES),
            f"an id has at most {_ID_MAX_BYTES} bytes",
        ),
        (
            pc.match_substring_regex(arr, "[\\x00-\\x1f\\x7f]"),
            "an id cannot hold control characters",
        ),
        (pc.not_equal(pc.utf8_trim_whitespace(arr), arr), "an id cannot start or end with a space"),
    ]
    issues = []
    for mask, rule in problems:
        rows = np.flatnonzero(
            pc.fill_null(mask, rule == "an id is required").to_numpy(zero_copy_only=False)
        )
        issues += [
            {
                "row": int(r) + 1,
                "field": name,
                "value": (arr[int(r)].as_py() or "")[:80],
                "rule": rule,
            }
            for r in rows
        ]
    if issues:
        issues.sort(key=lambda i: i["row"])
        raise validation_error("SC-TABLE-CELLS", what, issues)
    return arr


def check_columns(
    cols: Mapping[str, Any], known: Iterable[str], what: str, *, ignore_extra: bool = False
) -> None:
    """Refuses every column not in ``known``, naming the nearest known name (one error)."""
    import difflib

    if ignore_extra:
        return
    known = list(known)
    issues = []
    for name in cols:
        if name in known:
            continue
        near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f" (did you mean {near[0]!r}?)" if near else f" (known: {', '.join(known)})"
        issues.append(
            {
                "row": None,
                "field": "column",
                "value": name,
                "rule": f"unknown column of table {what}{hint}; pass ignore_extra_columns=True to read "
                "the table anyway",
            }
        )
    if issues:
        raise validation_error("SC-TABLE-COLUMNS", what, issues)


def validation_error(error_id: str, what: str, issues: list[dict[str, Any]]) -> ValidationError:
    listed = issues[:200]
    lines = [
        f"  {what}: " + (f"row {i['row']}, " if i["row"] is not None else "") + f"{i['field']} "
        f"{i['value']!r}: {i['rule']}"
        for i in listed
    ]
    more = f"\n  ... and {len(issues) - len(listed)} more" if len(issues) > len(listed) else ""
    e = ValidationError(
        f"[{error_id}] {what}: {len(issues)} problem(s):\n" + "\n".join(lines) + more
    )
    e.id = error_id
    e.issues = [{**i, "source": what} for i in issues]
    return e


# ---- result tables and declared schemas ---------------------------------------------------


class ArrowResult:
    """A result that is one table: given ``to_arrow()``, it speaks the Arrow PyCapsule stream
    protocol (``pyarrow.table(r)``, ``polars.DataFrame(r)``, DuckDB) and converts to pandas
    and polars with exact decimal money."""

    def to_arrow(self) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule stream protocol."""
        return self.to_arrow().__arrow_c_stream__(requested_schema)

    def to_pandas(self) -> Any:
        """A pandas DataFrame (money as exact ``decimal.Decimal`` objects)."""
        return self.to_arrow().to_pandas()

    def to_polars(self) -> Any:
        """A polars DataFrame (money as exact ``Decimal`` columns)."""
        import polars as pl

        return pl.from_arrow(self.to_arrow())


class Table:
    """A result table in salescomp's memory, readable without a copy by any Arrow consumer
    (``pyarrow.table(t)``, ``polars.DataFrame(t)``, ``duckdb.sql("select * from t")``)."""

    def __init__(self, core: Any) -> None:
        self._core = core

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule stream protocol."""
        return self._core.__arrow_c_stream__(requested_schema)

    @property
    def num_rows(self) -> int:
        return int(self._core.num_rows)

    @property
    def column_names(self) -> list[str]:
        return list(self._core.column_names)

    def __len__(self) -> int:
        return self.num_rows

    def to_arrow(self) -> Any:
        """A ``pyarrow.Table`` over the same memory (exact ``decimal128`` money)."""
        return pa.table(self)

    def to_pandas(self) -> Any:
        """A pandas DataFrame (money as exact ``decimal.Decimal`` objects)."""
        return self.to_arrow().to_pandas()

    def to_polars(self) -> Any:
        """A polars DataFrame (money as exact ``Decimal`` columns)."""
        import polars as pl

        return pl.from_arrow(self.to_arrow())

    def to_pylist(self) -> list[dict[str, Any]]:
        """One dict per row (for small tables)."""
        return self.to_arrow().to_pylist()

    def __repr__(self) -> str:
        return f"salescomp.Table({self.num_rows} rows: {', '.join(self.column_names)})"

    def _repr_html_(self) -> str:
        from ._html import arrow_html

        return arrow_html(self.to_arrow(), caption=f"{self.num_rows:,} rows")


def table_specs() -> list[dict[str, Any]]:
    """The declared schema of every input table (name, doc, fields with kind, required,
    doc and accepted Arrow types), as docs/tables.md renders them."""
    from ._core import _table_specs  # type: ignore[attr-defined]

    return list(_table_specs())
