"""Paths handed over as Arrow list columns: channel codes and offsets without parsing text.

A path column may be ``list<string>`` (any string flavour), ``list<dictionary<string>>`` or
``list<integer codes>`` with the channel names given separately. Everything here is whole-array
pyarrow/numpy work: no Python object is made per row or per touch, which is what lets 1M path
rows x 50 channels reach the exact Markov solve in a fraction of a second.

Channel codes come out in sorted-name order (the same rule as every other ``Paths``
constructor), so the codes, and with them every tie-break, never depend on the order of the
dictionary or of the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._errors import InputTypeError, ValidationError

__all__ = ["path_codes"]

_SHOWN = 20  # rows named in one message; the count says how many more


def _rows_text(rows: np.ndarray) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:_SHOWN])
    return shown + (f" ... ({len(rows)} rows)" if len(rows) > _SHOWN else "")


def _list_array(column: Any, what: str) -> Any:
    """One contiguous list array (chunks combined), nulls refused by row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not isinstance(arr, pa.Array):
        arr = pa.array(arr)
    if not (pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type)):
        raise InputTypeError(
            f"{what}: expected a list column (list<string>, list<dictionary> or list<int> codes), "
            f"got {arr.type}"
        )
    if arr.null_count:
        rows = np.flatnonzero(pc.is_null(arr).to_numpy(zero_copy_only=False))
        raise ValidationError(f"{what}: missing path (null list) in rows {_rows_text(rows)}")
    return arr


def _offsets(arr: Any) -> np.ndarray:
    offsets = arr.offsets.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return offsets - offsets[0]


def _touch_rows(offsets: np.ndarray, touches: np.ndarray) -> np.ndarray:
    """The path row of each touch index (for naming rows in errors)."""
    return np.searchsorted(offsets, touches, side="right") - 1


def _dictionary_parts(values: Any, what: str) -> tuple[np.ndarray, list[str]]:
    """(indices, dictionary names) for dictionary or plain string touch values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(values.type):
        indices = values.indices
        dictionary = values.dictionary
    else:
        encoded = pc.dictionary_encode(values)
        indices, dictionary = encoded.indices, encoded.dictionary
    if not (
        pa.types.is_string(dictionary.type)
        or pa.types.is_large_string(dictionary.type)
        or getattr(pa.types, "is_string_view", lambda t: False)(dictionary.type)
    ):
        raise InputTypeError(f"{what}: channel names must be strings, got {dictionary.type}")
    names = [str(n) for n in dictionary.cast(pa.string()).to_pylist()]
    return indices.to_numpy(zero_copy_only=False), names


def _check_names(names: Sequence[str | None], what: str) -> None:
    bad = [n for n in names if n is None or not n.strip()]
    if bad:
        raise ValidationError(f"{what}: empty or blank channel name {bad[0]!r} in the paths")


def _sorted_codes(
    indices: np.ndarray, names: Sequence[str], what: str
) -> tuple[np.ndarray, list[str]]:
    """Codes of the used names, renumbered in sorted-name order (duplicates merged)."""
    seen = np.zeros(len(names), dtype=bool)
    seen[indices] = True  # one scatter: cheaper than counting when only presence matters
    used = np.flatnonzero(seen)
    used_names = [names[i] for i in used]
    _check_names(used_names, what)
    distinct = sorted(set(used_names))
    if distinct == list(names):  # already every name once, in sorted order: codes stand
        return indices.astype(np.int32, copy=False), distinct
    rank = {n: i for i, n in enumerate(distinct)}
    remap = np.full(len(names), -1, dtype=np.int32)
    remap[used] = np.asarray([rank[n] for n in used_names], dtype=np.int32)
    return remap[indices], distinct


def _integer_codes(
    values: Any, channel_names: Sequence[str] | None, offsets: np.ndarray, what: str
) -> tuple[np.ndarray, list[str]]:
    if channel_names is None:
        raise ValidationError(
            f"{what}: integer channel codes need channel_names (code i is channel_names[i])"
        )
    names = [str(n) for n in channel_names]
    if len(set(names)) != len(names):
        raise ValidationError(f"channel_names: duplicate names {sorted(names)}")
    codes = values.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    bad = np.flatnonzero((codes < 0) | (codes >= len(names)))
    if len(bad):
        rows = np.unique(_touch_rows(offsets, bad))
        raise ValidationError(
            f"{what}: channel code {int(codes[bad[0]])} outside [0, {len(names)}) "
            f"in rows {_rows_text(rows)}"
        )
    return _sorted_codes(codes, names, what)


def path_codes(
    column: Any, channel_names: Sequence[str] | None = None, what: str = "path"
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(offsets int64, channel codes int32, channel names) of an Arrow list column of paths."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = _list_array(column, what)
    offsets = _offsets(arr)
    values = arr.flatten()
    if values.null_count:
        touches = np.flatnonzero(pc.is_null(values).to_numpy(zero_copy_only=False))
        rows = np.unique(_touch_rows(offsets, touches))
        raise ValidationError(f"{what}: missing channel (null) in rows {_rows_text(rows)}")
    if pa.types.is_integer(values.type):
        codes, names = _integer_codes(values, channel_names, offsets, what)
    else:
        if channel_names is not None:
            raise ValidationError(f"{what}: channel_names is only for integer channel codes")
        indices, dictionary = _dictionary_parts(values, what)
        codes, names = _sorted_codes(indices, dictionary, what)
    return offsets, codes, names
