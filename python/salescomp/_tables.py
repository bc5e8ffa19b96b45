"""Table plumbing shared by the org, crediting and quota modules.

Inputs may be pandas DataFrames, pyarrow Tables/RecordBatches, polars
DataFrames or dicts of sequences (lists, numpy arrays, pyarrow arrays). Every
column is turned into a pyarrow array once and handed to C++ as numpy arrays
or lists of text, so there is no per-row Python arithmetic. Money and rate
columns travel as exact decimal text (decimal128, Decimal, str or int whole
units); float columns are refused because they are not exact.
Outputs are pyarrow Tables with exact ``decimal128`` money columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._errors import InputTypeError, ValidationError

MISSING_DAY = np.iinfo(np.int32).min


def as_arrow_columns(table: Any, what: str) -> dict[str, pa.ChunkedArray | pa.Array]:
    """Columns of any supported table type, by name."""
    if table is None:
        return {}
    if isinstance(table, (pa.Table, pa.RecordBatch)):
        return {name: table.column(name) for name in table.column_names}
    module = type(table).__module__.split(".")[0]
    if module == "pandas":
        return {str(name): _column(table[name], f"{what}.{name}") for name in table.columns}
    if module == "polars":
        t = table.to_arrow()
        return {name: t.column(name) for name in t.column_names}
    if isinstance(table, Mapping):
        out = {}
        for name, values in table.items():
            out[str(name)] = _column(values, f"{what}.{name}")
        return out
    raise InputTypeError(
        f"{what}: expected a pandas/polars DataFrame, a pyarrow Table or a dict of columns, got {type(table).__name__}"
    )


def _column(values: Any, name: str) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        # Mixed exact values (Decimal, str, int) in one object column: keep them as text.
        items = list(values)
        if all(
            v is None or (isinstance(v, (str, int, Decimal)) and not isinstance(v, bool))
            for v in items
        ):
            return pa.array([None if v is None else str(v) for v in items], pa.string())
        raise InputTypeError(f"{name}: cannot read the column ({e})") from None


def require(cols: Mapping[str, Any], names: Iterable[str], what: str) -> None:
    missing = [n for n in names if n not in cols]
    if missing:
        raise ValidationError(f"{what}: missing column(s) {', '.join(missing)}")


def strings(col: Any) -> list[str]:
    """Text of each row; nulls become ''."""
    arr = col if isinstance(col, (pa.Array, pa.ChunkedArray)) else pa.array(col)
    if pa.types.is_floating(arr.type):
        raise InputTypeError(f"expected text, got a {arr.type} column")
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.string())
    return pc.fill_null(arr, "").to_pylist()


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


def days(col: Any, name: str) -> np.ndarray:
    """int32 days since 1970-01-01 (MISSING_DAY for nulls) of a date column
    (date32/date64, timestamps at midnight, ISO 'YYYY-MM-DD' text, datetime.date)."""
    arr = col if isinstance(col, (pa.Array, pa.ChunkedArray)) else pa.array(col)
    if pa.types.is_null(arr.type):
        return np.full(len(arr), MISSING_DAY, dtype=np.int32)
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        try:
            arr = arr.cast(pa.date32())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            bad = []
            for i, v in enumerate(arr.to_pylist()):
                try:
                    if v is not None:
                        pa.scalar(v).cast(pa.date32())
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    bad.append(i)
            raise ValidationError(f"{name}: not ISO dates (YYYY-MM-DD) in rows {bad}") from None
    elif pa.types.is_timestamp(arr.type):
        as_date = arr.cast(pa.date32())
        if pc.all(pc.equal(as_date.cast(arr.type), arr)).as_py() not in (True, None):
            raise ValidationError(f"{name}: timestamps with a time of day; pass dates")
        arr = as_date
    elif pa.types.is_date64(arr.type):
        arr = arr.cast(pa.date32())
    elif not pa.types.is_date32(arr.type):
        raise InputTypeError(f"{name}: expected dates, got {arr.type}")
    ints = pc.fill_null(arr.cast(pa.int32()), MISSING_DAY)
    return np.ascontiguousarray(ints.to_numpy(zero_copy_only=False), dtype=np.int32)


def integers(col: Any, name: str, dtype: Any = np.int64) -> np.ndarray:
    arr = col if isinstance(col, (pa.Array, pa.ChunkedArray)) else pa.array(col)
    if not pa.types.is_integer(arr.type):
        raise InputTypeError(f"{name}: expected integers, got {arr.type}")
    if arr.null_count:
        raise ValidationError(f"{name}: missing values")
    return np.ascontiguousarray(arr.to_numpy(zero_copy_only=False), dtype=dtype)


def decimal_array(minor: np.ndarray, currency: tuple) -> pa.Array:
    """Exact decimal128 from minor units and (index, codes, exponents) per row.

    The scale is the largest exponent present, so every value is exact."""
    index, codes, exps = currency
    minor = np.asarray(minor, dtype=np.int64)
    exps_arr = np.asarray(exps, dtype=np.int64)
    scale = int(exps_arr.max()) if len(exps_arr) else 2
    shift = (
        scale - exps_arr[np.asarray(index, dtype=np.int64)] if len(minor) else np.zeros(0, np.int64)
    )
    words = np.empty((len(minor), 2), dtype=np.int64)
    if len(minor) and shift.any():
        # Scale rows with fewer decimals exactly, in Python ints (rare: mixed exponents).
        values = [int(v) * 10 ** int(s) for v, s in zip(minor.tolist(), shift.tolist())]
        low = np.array([v & 0xFFFFFFFFFFFFFFFF for v in values], dtype=np.uint64).view(np.int64)
        high = np.array([v >> 64 for v in values], dtype=np.int64)
        words[:, 0], words[:, 1] = low, high
    else:
        words[:, 0] = minor
        words[:, 1] = minor >> 63  # sign extension into the high word
    return pa.Array.from_buffers(
        pa.decimal128(38, scale), len(minor), [None, pa.py_buffer(words.tobytes())]
    )


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


def rate_array(raw: np.ndarray) -> pa.Array:
    """Rates (raw units of 1e-12) as exact decimal128(38, 12)."""
    raw = np.asarray(raw, dtype=np.int64)
    words = np.empty((len(raw), 2), dtype=np.int64)
    words[:, 0] = raw
    words[:, 1] = raw >> 63
    return pa.Array.from_buffers(
        pa.decimal128(38, 12), len(raw), [None, pa.py_buffer(words.tobytes())]
    )
