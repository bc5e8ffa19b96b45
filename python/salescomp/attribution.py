"""Revenue attribution: which channels a conversion and its revenue are credited to.

Inputs are touchpoint journeys (one row per touch plus one outcome per journey)
or the aggregated path format of the field's tools (``"search > email > direct"``
with total conversions, value and nulls), as pandas / pyarrow / polars frames or
dicts of arrays. Channels are dictionary-encoded in sorted name order without
per-row Python work; money columns must be exact (``decimal.Decimal``,
``decimal128``, strings, or integers with ``value_minor_units=True``) - float
columns are refused.

Every model returns exact credits: conversions with 9 decimals and value in the
currency's minor units, split by largest remainder so that each path row's
credits and the channel totals add up to the revenue to the cent.
docs/attribution.md documents every model and convention with arithmetic.

>>> import salescomp.attribution as sa
>>> paths = sa.Paths.from_path_strings({"path": ["search > email", "email"],
...     "total_conversions": [1, 1], "total_conversion_value": ["100.00", "50.00"],
...     "total_null": [0, 3]}, currency="USD")
>>> sa.rule_based(paths, "first_touch").channels["value"].tolist()
[Decimal('50.00'), Decimal('100.00')]
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from . import _core
from ._errors import InputTypeError, ValidationError

_attr = _core.attribution

__all__ = [
    "MILESTONE_FLAGS",
    "Paths",
    "AttributionResult",
    "MarkovResult",
    "ShapleyResult",
    "rule_based",
    "markov",
    "markov_simulation",
    "simplified_shapley",
    "ordered_shapley",
    "shapley",
    "bootstrap",
    "time_decay_weight",
]

#: Milestone names accepted by ``Paths.from_journeys(milestones=...)`` and their bit flags.
MILESTONE_FLAGS = {"lead_created": 1, "opportunity_created": 2, "closed_won": 4}

CONVERSION_DECIMALS = 9


# ----------------------------------------------------------------------------- columns in


def _pa():
    import pyarrow as pa

    return pa


def _column(data: Any, name: str, what: str) -> Any:
    try:
        return data[name]
    except (KeyError, IndexError, TypeError):
        pass
    except Exception as exc:  # polars raises ColumnNotFoundError
        if type(exc).__name__ != "ColumnNotFoundError":
            raise
    raise ValidationError(f"{what}: column {name!r} not found")


def _arrow(col: Any):
    """A pyarrow Array of any column (string_view read as plain string): see
    :func:`salescomp.tables.as_arrow_array`."""
    from .tables import as_arrow_array

    return as_arrow_array(col)


def _null_rows(arr) -> list[int]:
    if arr.null_count == 0:
        return []
    import pyarrow.compute as pc

    return np.flatnonzero(pc.is_null(arr).to_numpy(zero_copy_only=False)).tolist()


def _reject_nulls(arr, what: str) -> None:
    rows = _null_rows(arr)
    if rows:
        shown = ", ".join(map(str, rows[:20])) + (" ..." if len(rows) > 20 else "")
        raise ValidationError(f"{what}: missing values (null/NaN) in rows {shown}")


def _counts(col: Any, what: str, allow_bool: bool = False) -> np.ndarray:
    pa = _pa()
    arr = _arrow(col)
    t = arr.type
    if pa.types.is_floating(t):
        raise InputTypeError(f"{what}: float column ({t}) is not an exact count; pass integers")
    if pa.types.is_boolean(t) and allow_bool:
        _reject_nulls(arr, what)
        return arr.to_numpy(zero_copy_only=False).astype(np.int64)
    if not pa.types.is_integer(t):
        raise InputTypeError(f"{what}: expected an integer column, got {t}")
    _reject_nulls(arr, what)
    return arr.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def _decimal_minor(arr, exponent: int, what: str) -> np.ndarray:
    """Unscaled int64 minor units of a decimal array (exact, or an error)."""
    pa = _pa()
    try:
        scaled = arr.cast(pa.decimal128(38, exponent))
    except pa.ArrowInvalid as exc:
        raise ValidationError(
            f"{what}: more decimals than the currency has ({exponent}) or out of range: {exc}"
        ) from None
    words = np.frombuffer(scaled.buffers()[1], dtype=np.int64)
    words = words[2 * scaled.offset : 2 * (scaled.offset + len(scaled))]
    low, high = words[0::2], words[1::2]
    # int128 fits int64 when the high word is the sign extension of the low one.
    if np.any(high != (low >> 63)):
        raise ValidationError(f"{what}: amount does not fit in 64-bit minor units")
    return low.copy()


def _money(
    col: Any, exponent: int, what: str, minor_units: bool, null_allowed: np.ndarray | None
) -> np.ndarray:
    """Exact minor units; a missing value counts as 0 only where `null_allowed` (rows without conversions)."""
    pa = _pa()
    try:
        arr = _arrow(col)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ValidationError(
            f"{what}: not exact amounts (NaN, infinity or mixed types): {exc}"
        ) from None
    t = arr.type
    if null_allowed is not None and arr.null_count:
        import pyarrow.compute as pc

        nulls = np.flatnonzero(pc.is_null(arr).to_numpy(zero_copy_only=False))
        bad = [int(r) for r in nulls if not null_allowed[r]]
        if bad:
            raise ValidationError(f"{what}: missing value for converted rows {bad[:20]}")
        arr = arr.fill_null(
            0
            if (pa.types.is_integer(t) or minor_units)
            else (Decimal(0) if pa.types.is_decimal(t) else "0")
        )
    if pa.types.is_floating(t):
        raise InputTypeError(
            f"{what}: float column ({t}) is not exact money; pass Decimal, decimal128 or str"
        )
    if pa.types.is_boolean(t):
        raise InputTypeError(f"{what}: bool column is not an amount")
    if minor_units:
        if not pa.types.is_integer(t):
            raise InputTypeError(f"{what}: value_minor_units=True needs an integer column, got {t}")
        _reject_nulls(arr, what)
        return arr.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    if pa.types.is_integer(t):
        raise InputTypeError(
            f"{what}: integer column is ambiguous; pass Decimal/str amounts, or value_minor_units=True for minor units"
        )
    _reject_nulls(arr, what)
    if pa.types.is_decimal(t):
        return _decimal_minor(arr, exponent, what)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return np.asarray(_core.batch.parse(arr.to_pylist(), exponent), dtype=np.int64)
    raise InputTypeError(f"{what}: expected a decimal or string column, got {t}")


def _timestamps(col: Any, what: str) -> np.ndarray:
    """Seconds as int64: datetimes and dates are converted; integers are taken as they are."""
    pa = _pa()
    arr = _arrow(col)
    t = arr.type
    _reject_nulls(arr, what)
    if pa.types.is_timestamp(t):
        return (
            arr.cast(pa.timestamp("s", t.tz), safe=False)
            .cast(pa.int64())
            .to_numpy(zero_copy_only=False)
        )
    if pa.types.is_date(t):
        return (
            arr.cast(pa.date32()).cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
            * 86400
        )
    if pa.types.is_integer(t):
        return arr.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    if pa.types.is_floating(t):
        raise InputTypeError(
            f"{what}: float column ({t}) is not an exact clock; pass datetimes or integer seconds"
        )
    raise InputTypeError(f"{what}: expected datetimes, dates or integer seconds, got {t}")


def _encode_channels(col: Any, what: str) -> tuple[np.ndarray, list[str]]:
    """Channel codes in sorted-name order, so codes never depend on row order."""
    pa = _pa()
    import pyarrow.compute as pc

    arr = _arrow(col)
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    _reject_nulls(arr, what)
    if not (
        pa.types.is_string(arr.type)
        or pa.types.is_large_string(arr.type)
        or pa.types.is_integer(arr.type)
    ):
        raise InputTypeError(f"{what}: expected channel names (str) or integer ids, got {arr.type}")
    uniques = pc.unique(arr)
    uniques = uniques.take(pc.sort_indices(uniques))
    codes = pc.index_in(arr, value_set=uniques).to_numpy(zero_copy_only=False).astype(np.int32)
    return codes, [str(v) for v in uniques.to_pylist()]


def _seconds(value: Any, what: str) -> int:
    if isinstance(value, _dt.timedelta):
        total = value.days * 86400 + value.seconds
        if value.microseconds:
            raise ValidationError(f"{what}: {value!r} is not a whole number of seconds")
        return total
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(
            f"{what}: expected datetime.timedelta or int seconds, got {type(value).__name__}"
        )
    return value


# ----------------------------------------------------------------------------- paths


def _currency(currency: Any) -> Any:
    return _core.Currency(currency) if isinstance(currency, str) else currency


def _arrow_table(data: Any, what: str) -> Any:
    """A pyarrow table of any Arrow-shaped input (see :func:`salescomp.tables.as_arrow_table`)."""
    from .tables import as_arrow_table

    return as_arrow_table(data, what)


def _path_rows(
    data: Any,
    offsets: Any,
    codes: Any,
    names: list[str],
    cur: Any,
    columns: tuple[str, str | None, str | None],
    value_minor_units: bool,
) -> Any:
    """A PathTable from path codes plus the aggregated totals columns of `data`."""
    conversions, value, nulls = columns
    y = _counts(_column(data, conversions, "conversions"), "conversions")
    rows = len(y)
    n = (
        _counts(_column(data, nulls, "nulls"), "nulls")
        if nulls is not None
        else np.zeros(rows, np.int64)
    )
    v = (
        _money(_column(data, value, "value"), cur.exponent, "value", value_minor_units, y == 0)
        if value is not None
        else np.zeros(rows, np.int64)
    )
    if not (len(n) == len(v) == rows == len(offsets) - 1):
        raise ValidationError("paths: columns have different lengths")
    return _attr.PathTable(
        offsets,
        codes,
        y,
        n,
        v,
        np.arange(rows, dtype=np.int64),
        len(names),
        cur,
        channel_names=names,
    )


class Paths:
    """Paths in compressed rows, ready for every model. Build with a ``from_*`` constructor."""

    def __init__(self, table: Any, journey_ids: Any = None) -> None:
        self._table = table
        # Text journey ids in byte order: row r of a journey-built table is journey_ids[r]
        # (None when the ids are integers: the row ids are then the user's ids).
        self._journey_ids = journey_ids

    @property
    def channel_names(self) -> list[str]:
        return list(self._table.channel_names)

    @property
    def rows(self) -> int:
        return self._table.rows

    @property
    def currency(self) -> Any:
        return self._table.currency

    def __repr__(self) -> str:
        return f"Paths(rows={self.rows}, touches={self._table.touches}, channels={len(self.channel_names)}, currency={self.currency.code})"

    @classmethod
    def from_path_strings(
        cls,
        data: Any,
        *,
        currency: Any,
        path: str = "path",
        conversions: str = "total_conversions",
        value: str | None = "total_conversion_value",
        nulls: str | None = "total_null",
        separator: str = ">",
        value_minor_units: bool = False,
    ) -> Paths:
        """The aggregated format: one row per distinct path with totals.

        Column names default to ChannelAttribution's. ``value`` and ``nulls``
        may be ``None`` (no value, no non-converting journeys). A missing value
        is 0 on rows without conversions and an error otherwise.
        """
        cur = _currency(currency)
        texts = _arrow(_column(data, path, "path"))
        _reject_nulls(texts, "path")
        parsed = _attr.parse_path_texts(texts.to_pylist(), separator)
        table = _path_rows(
            data,
            parsed["offsets"],
            parsed["channel"],
            parsed["channel_names"],
            cur,
            (conversions, value, nulls),
            value_minor_units,
        )
        return cls(_sorted_codes(table))

    @classmethod
    def from_path_lists(
        cls,
        data: Any,
        *,
        currency: Any,
        path: str = "path",
        conversions: str = "total_conversions",
        value: str | None = "total_conversion_value",
        nulls: str | None = "total_null",
        channel_names: Sequence[str] | None = None,
        value_minor_units: bool = False,
    ) -> Paths:
        """The aggregated format with each path as an Arrow list: no text to parse.

        ``path`` is ``list<string>``, ``list<dictionary<string>>`` or ``list<int>`` channel
        codes (then ``channel_names[i]`` names code ``i``). ``data`` is any Arrow-shaped
        table (pyarrow, polars, pandas, DuckDB, a PyCapsule object) or a dict of columns.
        Channels are the names that occur, coded in sorted-name order, exactly as
        :meth:`from_path_strings` codes the same paths written as text.
        """
        from ._path_codes import path_codes

        cur = _currency(currency)
        data = _arrow_table(data, "paths")
        offsets, codes, names = path_codes(_column(data, path, "path"), channel_names)
        table = _path_rows(
            data, offsets, codes, names, cur, (conversions, value, nulls), value_minor_units
        )
        return cls(table)

    @classmethod
    def from_journeys(
        cls,
        touchpoints: Any,
        outcomes: Any | None = None,
        *,
        currency: Any,
        journey: str = "journey_id",
        timestamp: str = "timestamp",
        channel: str = "channel",
        milestones: Mapping[str, str] | None = None,
        outcome_journey: str | None = None,
        converted: str = "converted",
        value: str | None = "value",
        conversion_time: str | None = None,
        value_minor_units: bool = False,
    ) -> Paths:
        """Touchpoint journeys: one row per touch, and one outcome row per journey.

        ``milestones`` maps ``lead_created`` / ``opportunity_created`` /
        ``closed_won`` to boolean touch columns. Journeys without an outcome row
        did not convert; an outcome for a journey without touches is an error.
        Timestamps may be datetimes, dates or integer seconds.
        """
        cur = _currency(currency)
        touchpoints = _arrow_table(touchpoints, "touchpoints")
        outcomes = None if outcomes is None else _arrow_table(outcomes, "outcomes")
        j, oj, journey_ids = _journey_codes(
            _column(touchpoints, journey, "journey"),
            None
            if outcomes is None
            else _column(outcomes, outcome_journey or journey, "outcome journey"),
        )
        ts = _timestamps(_column(touchpoints, timestamp, "timestamp"), "timestamp")
        codes, names = _encode_channels(_column(touchpoints, channel, "channel"), "channel")
        flags = None
        if milestones:
            flags = np.zeros(len(j), np.uint8)
            for name, col in milestones.items():
                if name not in MILESTONE_FLAGS:
                    raise ValidationError(
                        f"milestones: unknown milestone {name!r}; expected one of {sorted(MILESTONE_FLAGS)}"
                    )
                flags |= _counts(_column(touchpoints, col, name), name, allow_bool=True).astype(
                    bool
                ).astype(np.uint8) * np.uint8(MILESTONE_FLAGS[name])
        if outcomes is None:
            oc = np.zeros(0, np.uint8)
            ov = np.zeros(0, np.int64)
            ot = None
        else:
            oc = _counts(_column(outcomes, converted, "converted"), "converted", allow_bool=True)
            if np.any((oc < 0) | (oc > 1)):
                bad = np.flatnonzero((oc < 0) | (oc > 1))[:20].tolist()
                raise ValidationError(f"converted: must be 0/1 or bool; bad rows {bad}")
            oc = oc.astype(np.uint8)
            ov = (
                _money(
                    _column(outcomes, value, "value"),
                    cur.exponent,
                    "value",
                    value_minor_units,
                    oc == 0,
                )
                if value is not None
                else np.zeros(len(oj), np.int64)
            )
            ot = (
                _timestamps(
                    _column(outcomes, conversion_time, "conversion_time"), "conversion_time"
                )
                if conversion_time
                else None
            )
        try:
            table = _attr.paths_from_touchpoints(
                j, ts, codes, flags, oj, oc, ov, ot, cur, len(names), names
            )
        except ValidationError as e:
            raise _journeys_named(e, journey_ids) from None
        return cls(table, journey_ids)

    @classmethod
    def from_table(cls, table: Any) -> Paths:
        return cls(table)


def _journey_codes(touch: Any, outcome: Any | None) -> tuple[np.ndarray, np.ndarray, Any]:
    """int64 journey codes of the touch and outcome rows, and the text ids they stand for.

    Integer ids are their own codes. Text ids (any UTF-8: CRM ids, numeric-looking text,
    unicode; dictionary-encoded or not) are coded by their rank in byte order among the ids of
    both tables, so the journeys' order, and everything keyed on it, never depends on the
    order of the input rows. When one table has text ids and the other integers, the integers
    are read as their decimal text."""
    import pyarrow.compute as pc

    pa = _pa()
    cols = [_arrow(touch)] + ([] if outcome is None else [_arrow(outcome)])
    cols = [c.dictionary_decode() if pa.types.is_dictionary(c.type) else c for c in cols]
    if all(pa.types.is_integer(c.type) for c in cols):
        codes = [_counts(c, what) for c, what in zip(cols, ("journey", "outcome journey"))]
        return codes[0], codes[1] if outcome is not None else np.zeros(0, np.int64), None
    for c, what in zip(cols, ("journey", "outcome journey")):
        if pa.types.is_floating(c.type) or not (
            pa.types.is_integer(c.type)
            or pa.types.is_string(c.type)
            or pa.types.is_large_string(c.type)
        ):
            raise InputTypeError(f"{what}: journey ids must be text or integers, got {c.type}")
        _reject_nulls(c, what)
    text = [c.cast(pa.large_string()) for c in cols]
    ids = pc.unique(pa.concat_arrays(text))
    ids = ids.take(pc.sort_indices(ids))  # byte order of the UTF-8 text
    codes = [
        pc.index_in(c, value_set=ids).to_numpy(zero_copy_only=False).astype(np.int64) for c in text
    ]
    return (
        codes[0],
        codes[1] if outcome is not None else np.zeros(0, np.int64),
        ids.cast(pa.string()),
    )


def _journeys_named(error: ValidationError, journey_ids: Any) -> ValidationError:
    """The core's journey errors name journey codes; give them the user's text ids."""
    issues = getattr(error, "issues", None)
    if journey_ids is None or not issues:
        return error
    named = [
        {**i, "value": journey_ids[int(i["value"])].as_py()}
        if "journey" in str(i.get("field"))
        else i
        for i in issues
    ]
    error_id = getattr(error, "id", "SC-ATTR-JOURNEYS")
    text = "\n".join(
        f"[{error_id}] row {i['row']}: {i['field']} {i['value']!r}: {i['rule']}" for i in named
    )
    out = ValidationError(text)
    out.id, out.issues = error_id, named
    return out


def _sorted_codes(table: Any) -> Any:
    """Re-codes channels in sorted-name order (path text codes are first-seen)."""
    names = list(table.channel_names)
    order = sorted(range(len(names)), key=names.__getitem__)
    if order == list(range(len(names))):
        return table
    new_code = np.empty(len(names), np.int32)
    new_code[np.asarray(order, dtype=np.int64)] = np.arange(len(names), dtype=np.int32)
    return _attr.PathTable(
        table.offsets,
        new_code[table.channel],
        table.conversions,
        table.nulls,
        table.value,
        table.row_id,
        table.channel_count,
        table.currency,
        channel_names=[names[i] for i in order],
    )


# ----------------------------------------------------------------------------- results out


def _decimal_array(minor: np.ndarray, scale: int):
    """decimal128(38, scale) whose unscaled values are `minor` (exact, no per-row work)."""
    from .tables import minor_to_arrow

    return minor_to_arrow(minor, scale)


def _finish(table: Any, output: str) -> Any:
    if output == "arrow":
        return table
    if output == "pandas":
        return table.to_pandas()
    if output == "polars":
        import polars as pl

        return pl.from_arrow(table)
    raise ValidationError(f"output: expected 'pandas', 'arrow' or 'polars', got {output!r}")


@dataclass
class AttributionResult:
    """Exact credits. ``channels`` has one row per channel (and position for
    ordered Shapley); ``journeys`` one row per (journey or path row, channel)
    when ``per_journey=True``. Money columns are exact decimals."""

    channels: Any
    journeys: Any | None
    total_conversions: Decimal
    total_value: Decimal
    currency: str

    def _repr_html_(self) -> str:
        """Jupyter: the totals and the channel table."""
        from ._html import attribution_html

        return attribution_html(self)


def _result(
    raw: dict, paths: Paths, output: str, with_position: bool = False, per_journey: bool = False
) -> AttributionResult:
    pa = _pa()
    names = np.asarray(paths.channel_names + [""], dtype=object)
    exponent = paths.currency.exponent
    cur = raw["currency"]

    def table(d: dict, row_id: bool) -> Any:
        cols: dict[str, Any] = {}
        if row_id:
            cols["row_id"] = pa.array(d["row_id"])
            if paths._journey_ids is not None:  # journey-built paths with text ids
                cols["journey_id"] = paths._journey_ids.take(pa.array(d["row_id"]))
        cols["channel"] = pa.array(
            names[d["channel"]].tolist() if len(d["channel"]) else [], type=pa.string()
        )
        if with_position:
            cols["position"] = pa.array(d["position"])
        cols["conversions"] = _decimal_array(d["conversions"], CONVERSION_DECIMALS)
        cols["value"] = _decimal_array(d["value"], exponent)
        cols["currency"] = pa.array([cur] * len(d["channel"]), type=pa.string())
        return pa.table(cols)

    channels = _finish(table(raw, False), output)
    journeys = _finish(table(raw["journeys"], True), output) if per_journey else None
    return AttributionResult(
        channels=channels,
        journeys=journeys,
        total_conversions=Decimal(int(raw["total_conversions"])).scaleb(-CONVERSION_DECIMALS),
        total_value=Decimal(int(raw["total_value"])).scaleb(-exponent),
        currency=cur,
    )


def _channel_codes(paths: Paths, names: Sequence[str], what: str) -> list[int]:
    index = {n: i for i, n in enumerate(paths.channel_names)}
    missing = [n for n in names if n not in index]
    if missing:
        raise ValidationError(f"{what}: unknown channels {missing}; known: {paths.channel_names}")
    return [index[n] for n in names]


# ----------------------------------------------------------------------------- models

_RULE_MODELS = (
    "first_touch",
    "last_touch",
    "last_non_direct",
    "linear",
    "linear_per_channel",
    "position_based",
    "w_shaped",
    "full_path",
    "time_decay",
    "step_decay",
    "custom_positions",
)


def rule_based(
    paths: Paths,
    model: str,
    *,
    direct_channels: Sequence[str] = ("direct",),
    first: Any = None,
    middle: Any = None,
    last: Any = None,
    two_touch: str = "split_middle",
    one_touch: str = "full_credit",
    w_shaped_shares: Sequence[Any] | None = None,
    full_path_shares: Sequence[Any] | None = None,
    half_life: Any = _dt.timedelta(days=7),
    step_factor: Any = None,
    step_length: Any = _dt.timedelta(days=7),
    weights_from_start: Sequence[Any] | None = None,
    weights_from_end: Sequence[Any] | None = None,
    other_weight: Any = None,
    per_journey: bool = False,
    output: str = "pandas",
    normalise_shares: bool = False,
) -> AttributionResult:
    """Rule-based attribution. ``model`` is one of first_touch, last_touch,
    last_non_direct, linear (per touch), linear_per_channel, position_based,
    w_shaped, full_path, time_decay, step_decay, custom_positions.

    Shares and weights are Decimal/str (e.g. ``first="0.4"``); durations are
    ``datetime.timedelta`` or int seconds. ``direct_channels`` names the
    channels last_non_direct skips (names not in the data are ignored only for
    the default ``("direct",)``). position_based shares ``first + middle + last``
    must sum to 1 (a ValidationError otherwise); ``normalise_shares=True`` scales
    them to 1 on purpose."""
    if model not in _RULE_MODELS:
        raise ValidationError(
            f"model: unknown rule model {model!r}; expected one of {', '.join(_RULE_MODELS)}"
        )
    if model == "last_non_direct":
        known = set(paths.channel_names)
        names = (
            [n for n in direct_channels if n in known]
            if tuple(direct_channels) == ("direct",)
            else list(direct_channels)
        )
        direct = _channel_codes(paths, names, "direct_channels")
    else:
        direct = []
    raw = _attr.rule(
        paths._table,
        model,
        direct,
        first,
        middle,
        last,
        two_touch,
        one_touch,
        w_shaped_shares,
        full_path_shares,
        _seconds(half_life, "half_life"),
        step_factor,
        _seconds(step_length, "step_length"),
        weights_from_start,
        weights_from_end,
        other_weight,
        per_journey,
        normalise_shares,
    )
    return _result(raw, paths, output, per_journey=per_journey)


@dataclass
class MarkovResult(AttributionResult):
    removal_effects: Any = None  # channel, removal_effect (float), weight (12-place Decimal)
    transitions: Any = None  # from, to (state labels), count, probability
    conversion_probability: float = 0.0


def _state_labels(t: dict, paths: Paths) -> list[str]:
    names = paths.channel_names
    labels = ["(start)", "(conversion)", "(null)"]
    offsets, chans = t["state_offsets"], t["state_channel"]
    for s in range(3, len(offsets) - 1):
        labels.append(" > ".join(names[c] for c in chans[offsets[s] : offsets[s + 1]]))
    return labels


def markov(
    paths: Paths,
    order: int = 1,
    *,
    basis: str = "global",
    per_journey: bool = False,
    output: str = "pandas",
) -> MarkovResult:
    """Markov removal effects of order 1..4, solved exactly.

    ``basis="global"`` splits the totals by RE_c / sum RE (ChannelAttribution's
    convention); ``"per_path"`` splits each path row over its own channels
    by RE_c (needed for ``per_journey``)."""
    pa = _pa()
    raw = _attr.markov(paths._table, order, basis, per_journey)
    base = _result(raw, paths, output, per_journey=per_journey)
    re = pa.table(
        {
            "channel": pa.array(paths.channel_names, type=pa.string()),
            "removal_effect": pa.array(raw["removal_effect"]),
            "weight": _decimal_array(raw["removal_weight"], 12),
        }
    )
    t = raw["transitions"]
    labels = np.asarray(_state_labels(t, paths), dtype=object)
    trans = pa.table(
        {
            "from": pa.array(labels[t["from"]].tolist(), type=pa.string()),
            "to": pa.array(labels[t["to"]].tolist(), type=pa.string()),
            "count": pa.array(t["count"]),
            "probability": pa.array(t["probability"]),
        }
    )
    return MarkovResult(
        **base.__dict__,
        removal_effects=_finish(re, output),
        transitions=_finish(trans, output),
        conversion_probability=float(raw["conversion_probability"]),
    )


def markov_simulation(
    paths: Paths, order: int = 1, *, walks: int = 100_000, seed: int = 1, output: str = "pandas"
) -> Any:
    """Seeded random walks on the fitted chain: removal effects estimated as
    P(visit | conversion) with binomial standard errors. An independent check
    of :func:`markov`, not a replacement."""
    pa = _pa()
    raw = _attr.markov_simulation(paths._table, order, walks, seed)
    t = pa.table(
        {
            "channel": pa.array(paths.channel_names, type=pa.string()),
            "removal_effect": pa.array(raw["removal_effect"]),
            "standard_error": pa.array(raw["removal_effect_error"]),
        }
    ).replace_schema_metadata(
        {
            "walks": str(raw["walks"]),
            "converted_walks": str(raw["converted_walks"]),
            "conversion_probability": repr(raw["conversion_probability"]),
            "conversion_probability_error": repr(raw["conversion_probability_error"]),
        }
    )
    out = _finish(t, output)
    if output == "pandas":
        out.attrs.update(
            {
                k: raw[k]
                for k in (
                    "walks",
                    "converted_walks",
                    "conversion_probability",
                    "conversion_probability_error",
                )
            }
        )
    return out


def simplified_shapley(
    paths: Paths, *, per_journey: bool = False, output: str = "pandas"
) -> AttributionResult:
    """Zhao et al. (2018) simplified Shapley value: R(T)/|T| to each channel of
    the set T; equal to linear attribution per distinct channel."""
    return _result(
        _attr.simplified_shapley(paths._table, per_journey), paths, output, per_journey=per_journey
    )


def ordered_shapley(
    paths: Paths, *, per_journey: bool = False, output: str = "pandas"
) -> AttributionResult:
    """Simplified Shapley kept apart by the position at which each channel was first touched."""
    return _result(
        _attr.ordered_shapley(paths._table, per_journey),
        paths,
        output,
        with_position=True,
        per_journey=per_journey,
    )


@dataclass
class ShapleyResult(AttributionResult):
    values: Any = None  # channel, phi (float), standard_error
    exact: bool = True
    permutations: int = 0
    players: int = 0
    grand_coalition_value: float = 0.0


def shapley(
    paths: Paths,
    *,
    game: str = "conversion_rate",
    method: str = "auto",
    max_players: int = 20,
    permutations: int = 20_000,
    seed: int = 1,
    output: str = "pandas",
) -> ShapleyResult:
    """Shapley value of a game over the observed channel sets.

    ``game="conversion_rate"``: v(S) = conversion rate of the journeys whose
    channels all lie in S; ``"conversions"``: their conversions (its value is
    the simplified Shapley value). ``method="exact"`` enumerates coalitions
    (at most ``max_players`` channels), ``"sampling"`` averages ``permutations``
    seeded random orders, ``"auto"`` picks exact when it fits."""
    pa = _pa()
    raw = _attr.shapley_game(paths._table, game, method, max_players, permutations, seed)
    base = _result(raw, paths, output)
    values = pa.table(
        {
            "channel": pa.array(paths.channel_names, type=pa.string()),
            "phi": pa.array(raw["phi"]),
            "standard_error": pa.array(raw["standard_error"]),
        }
    )
    return ShapleyResult(
        **base.__dict__,
        values=_finish(values, output),
        exact=bool(raw["exact"]),
        permutations=int(raw["permutations"]),
        players=int(raw["players"]),
        grand_coalition_value=float(raw["grand_coalition_value"]),
    )


def bootstrap(
    paths: Paths,
    model: str = "markov",
    *,
    order: int = 1,
    game: str = "conversion_rate",
    method: str = "auto",
    max_players: int = 20,
    permutations: int = 2_000,
    replicates: int = 200,
    level: float = 0.95,
    seed: int = 1,
    output: str = "pandas",
) -> Any:
    """Percentile bootstrap intervals of each channel's conversion credit
    (statistics, floats): journeys are resampled with replacement, the model
    refitted ``replicates`` times. ``model``: markov, simplified_shapley or shapley_game."""
    pa = _pa()
    if isinstance(level, bool) or not isinstance(level, (float, int, Decimal)):
        raise InputTypeError("level: expected a number such as 0.95")
    raw = _attr.bootstrap(
        paths._table,
        model,
        order,
        game,
        method,
        max_players,
        permutations,
        replicates,
        float(level),
        seed,
    )
    t = pa.table(
        {
            "channel": pa.array(paths.channel_names, type=pa.string()),
            "estimate": pa.array(raw["estimate"]),
            "lower": pa.array(raw["lower"]),
            "upper": pa.array(raw["upper"]),
            "standard_error": pa.array(raw["standard_error"]),
        }
    )
    return _finish(t, output)


def time_decay_weight(dt: Any, half_life: Any) -> Any:
    """2^(-dt/half_life) computed with 50 digits and snapped once to a 12-place :class:`salescomp.Rate`."""
    return _attr.time_decay_weight(_seconds(dt, "dt"), _seconds(half_life, "half_life"))
