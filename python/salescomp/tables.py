"""Exact table interchange: pandas / pyarrow / polars / dicts of columns in, Arrow out.

Money columns cross as integer minor units without per-row Python work:

- ``decimal128`` Arrow columns (also pandas ``ArrowDtype`` and polars ``Decimal``) are read
  from their buffers and rescaled to the currency's exponent exactly;
- ``Decimal`` objects and strings are parsed strictly (the same rules as ``Money``);
- integer columns are minor units only when the caller says so (``minor_units=True``);
- floats are refused with ``TypeError``: a binary float is not an exact amount.

Money goes out as ``decimal128(38, exponent)`` built from the int64 minor units, so
``to_pandas()`` yields ``Decimal`` objects and every cent is exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import batch
from ._core import Currency, RoundingMode
from ._errors import AmountOverflowError, InputTypeError, ValidationError

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _pa():
    try:
        import pyarrow as pa
    except ImportError as e:  # pragma: no cover - exercised only without the extra
        raise ImportError("salescomp table interchange needs pyarrow: pip install 'salescomp[dataframes]'") from e
    return pa


def as_arrow_table(data: Any):
    """A ``pyarrow.Table`` from a pyarrow Table, pandas or polars DataFrame, an object with
    the Arrow PyCapsule stream interface, or a dict of columns."""
    pa = _pa()
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if isinstance(data, dict):
        return pa.table({k: as_arrow_array(v, k) for k, v in data.items()})
    module = type(data).__module__.split(".")[0]
    if module == "pandas":
        return pa.Table.from_pandas(data, preserve_index=False)
    if module == "polars":
        return data.to_arrow()
    if hasattr(data, "__arrow_c_stream__"):
        return pa.table(data)
    raise InputTypeError(f"expected a pandas/polars DataFrame, pyarrow Table or dict of columns, got {type(data).__name__}")


def as_arrow_array(column: Any, name: str = "column"):
    """A single (combined) ``pyarrow.Array`` from any supported column type."""
    pa = _pa()
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if isinstance(column, pa.Array):
        return column
    module = type(column).__module__.split(".")[0]
    if module == "polars":
        return as_arrow_array(column.to_arrow(), name)
    if module == "pandas":
        return pa.array(column, from_pandas=True)
    try:
        return pa.array(column)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        raise ValidationError(f"[SC-TABLE-COLUMN] column {name!r}: cannot read values ({e})") from e


def _null_rows(arr, name: str) -> None:
    if arr.null_count:
        rows = np.flatnonzero(np.asarray(arr.is_null().to_numpy(zero_copy_only=False))).tolist()
        err = ValidationError(f"[SC-TABLE-NULL] column {name!r} has {len(rows)} missing values (rows {rows[:10]})")
        err.id = "SC-TABLE-NULL"
        err.issues = [{"row": r, "field": name, "value": "", "rule": "a value is required"} for r in rows]
        raise err


def _decimal128_to_minor(arr, exponent: int, name: str, rounding: RoundingMode | None) -> np.ndarray:
    pa = _pa()
    if pa.types.is_decimal256(arr.type):
        arr = arr.cast(pa.decimal128(38, arr.type.scale))
    words = np.frombuffer(arr.buffers()[1], dtype=np.int64)[2 * arr.offset: 2 * (arr.offset + len(arr))]
    low, high = words[0::2], words[1::2]
    # A value fits int64 when the high word is the sign extension of the low word.
    wide = np.flatnonzero(high != (low >> 63))
    if wide.size:
        raise AmountOverflowError(f"[SC-OVERFLOW] column {name!r}: rows {wide[:10].tolist()} do not fit in 64 bits")
    scale = arr.type.scale
    if scale == exponent:
        return low.copy()
    if scale < exponent:
        factor = 10 ** (exponent - scale)
        too_big = np.flatnonzero(np.abs(low) > _INT64_MAX // factor)
        if too_big.size:
            raise AmountOverflowError(f"[SC-OVERFLOW] column {name!r}: rows {too_big[:10].tolist()} out of range")
        return low * factor
    divisor = 10 ** (scale - exponent)
    if rounding is None:
        inexact = np.flatnonzero(low % divisor != 0)
        if inexact.size:
            values = batch.format(low[inexact[:10]], scale)
            err = ValidationError(f"[SC-PARSE-DECIMAL] column {name!r}: {inexact.size} values have more than "
                                  f"{exponent} decimal places; pass a rounding mode to round them")
            err.id = "SC-PARSE-DECIMAL"
            err.issues = [{"row": int(r), "field": name, "value": v,
                           "rule": f"more than {exponent} decimal places"} for r, v in zip(inexact[:10], values)]
            raise err
        return low // divisor
    return batch.multiply_divide(low, 1, divisor, rounding)


def to_minor_units(column: Any, currency: Currency | str | int, *, name: str = "amount",
                   rounding: RoundingMode | None = None, minor_units: bool = False) -> np.ndarray:
    """An exact ``int64`` array of minor units from a money column.

    ``currency`` gives the exponent (a Currency, a code, or the exponent itself). Decimal
    columns with more decimals than the currency has need ``rounding``. Integer columns are
    accepted only with ``minor_units=True``. Missing values are a ``ValidationError`` that
    lists the rows.
    """
    pa = _pa()
    exponent = currency if isinstance(currency, int) else Currency(str(currency)).exponent \
        if isinstance(currency, str) else currency.exponent
    if isinstance(column, np.ndarray) and column.dtype.kind in "iu":
        arr = pa.array(column)
    else:
        arr = as_arrow_array(column, name)
    t = arr.type
    if pa.types.is_floating(t):
        raise InputTypeError(f"column {name!r}: {t} values are not exact money; use decimal128, Decimal objects, "
                             "strings, or integer minor units")
    if pa.types.is_boolean(t):
        raise InputTypeError(f"column {name!r}: booleans are not amounts")
    _null_rows(arr, name)
    if pa.types.is_decimal(t):
        return _decimal128_to_minor(arr, exponent, name, rounding)
    if pa.types.is_integer(t):
        if not minor_units:
            raise InputTypeError(f"column {name!r}: integer values are ambiguous; pass minor_units=True if they are "
                                 "minor units (cents), or give decimals")
        return arr.cast(pa.int64()).to_numpy()
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return batch.parse(arr.to_pylist(), exponent, rounding)
    if pa.types.is_null(t) and len(arr) == 0:
        return np.zeros(0, dtype=np.int64)
    raise InputTypeError(f"column {name!r}: cannot read money from Arrow type {t}")


def minor_to_arrow(minor_units: np.ndarray, currency: Currency | str | int):
    """``decimal128(38, exponent)`` Arrow array holding exactly ``minor_units`` (no per-row Python)."""
    pa = _pa()
    exponent = currency if isinstance(currency, int) else Currency(str(currency)).exponent \
        if isinstance(currency, str) else currency.exponent
    low = np.ascontiguousarray(minor_units, dtype=np.int64)
    words = np.empty(2 * low.size, dtype=np.int64)
    words[0::2] = low
    words[1::2] = low >> 63  # sign extension to 128 bits
    return pa.Array.from_buffers(pa.decimal128(38, exponent), low.size, [None, pa.py_buffer(words)])


def to_days(column: Any, *, name: str = "date") -> np.ndarray:
    """``int32`` days since 1970-01-01 from a date column (Arrow date32/date64, pandas dates,
    ISO strings, or midnight timestamps). A timestamp with a time of day is refused."""
    pa = _pa()
    import pyarrow.compute as pc

    arr = as_arrow_array(column, name)
    _null_rows(arr, name)
    t = arr.type
    if pa.types.is_date32(t):
        return arr.cast(pa.int32()).to_numpy()
    if pa.types.is_date64(t):
        return arr.cast(pa.date32()).cast(pa.int32()).to_numpy()
    if pa.types.is_timestamp(t):
        days = arr.cast(pa.timestamp("s", tz=t.tz)).cast(pa.int64()).to_numpy()
        off = np.flatnonzero(days % 86400 != 0)
        if off.size:
            raise ValidationError(f"[SC-TABLE-DATE] column {name!r}: rows {off[:10].tolist()} have a time of day; "
                                  "give calendar dates")
        return (days // 86400).astype(np.int32)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        try:
            # strptime is lenient about widths ("2026-1-5"); the length check keeps ISO strictness.
            if not pc.all(pc.equal(pc.utf8_length(arr), 10)).as_py():
                raise pa.ArrowInvalid("not ISO dates")
            return pc.strptime(arr, format="%Y-%m-%d", unit="s").cast(pa.date32()).cast(pa.int32()).to_numpy()
        except pa.ArrowInvalid:
            from ._core import parse_date

            bad = []
            for i, text in enumerate(arr.to_pylist()):
                try:
                    parse_date(text)
                except ValidationError:
                    bad.append(i)
            err = ValidationError(f"[SC-DATE-FORMAT] column {name!r}: {len(bad)} values are not ISO dates YYYY-MM-DD "
                                  f"(rows {bad[:10]})")
            err.id = "SC-DATE-FORMAT"
            err.issues = [{"row": r, "field": name, "value": arr[r].as_py(), "rule": "expected an ISO date YYYY-MM-DD"}
                          for r in bad]
            raise err from None
    raise InputTypeError(f"column {name!r}: cannot read dates from Arrow type {t}")


__all__ = ["as_arrow_array", "as_arrow_table", "minor_to_arrow", "to_days", "to_minor_units"]
