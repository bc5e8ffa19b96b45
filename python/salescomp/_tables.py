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
    if (
        hasattr(table, "__arrow_c_stream__")
        or hasattr(table, "__arrow_c_array__")
        or module == "duckdb"
    ):
        from ._arrow import arrow_source  # DuckDB relations, nanoarrow, any PyCapsule producer

        t = pa.table(arrow_source(table, what))
        return {name: t.column(name) for name in t.column_names}
    raise InputTypeError(
        f"{what}: expected a pandas/polars DataFrame, a pyarrow Table or a dict of columns, got {type(table).__name__}"
    )


def _column(values: Any, name: str) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as e:
        # Mixed exact values (Decimal, str, int) in one object column, or integers wider than
        # 64 bits: keep them as text (ids stay the user's text; integer fields refuse text).
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
    arr = col if isinstance(col, (pa.Array, pa.ChunkedArray)) else _column(col, _where(what, name))
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


# ---- the user's ids and the declared columns ----------------------------------------------

_ID_MAX_BYTES = 256


def id_text(col: Any, name: str, what: str) -> pa.Array:
    """The user's ids as one utf8 array (docs/tables.md, "Ids are the user's text"): text of
    any Arrow layout as it is, integers as their decimal text. Every bad cell (missing,
    empty, longer than 256 bytes, control characters, surrounding spaces) is listed."""
    arr = col if isinstance(col, (pa.Array, pa.ChunkedArray)) else _column(col, _where(what, name))
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
        raise _validation("SC-TABLE-CELLS", what, issues)
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
        raise _validation("SC-TABLE-COLUMNS", what, issues)


def _validation(error_id: str, what: str, issues: list[dict[str, Any]]) -> ValidationError:
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
