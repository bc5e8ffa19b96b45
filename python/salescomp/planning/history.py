"""The opportunity-history table: its declared schema and strict, vectorised validation.

One row per opportunity (won, lost or still open). Every bad cell is reported in one
:class:`salescomp.ValidationError` whose ``issues`` name the source, the 1-based row, the
field, the value as written and the rule; unknown columns are refused with the nearest
known name. Nothing is coerced or dropped. Amounts are converted once to integer minor
units of the reporting currency with one planning rate per currency (an exact
``minor x rate`` rounded half-even), so every planning measure works in one currency.

An optional stage-history table (``opportunity_id``, ``stage``, ``entered``) gives the day
each stage was entered; the backtest needs it to know an opportunity's stage on a past day.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import batch, tables
from .._core import Currency, Rate, RoundingMode
from .._errors import InputTypeError, ValidationError

__all__ = [
    "DEFAULT_STAGES",
    "OUTCOMES",
    "SOURCES",
    "OPPORTUNITY_FIELDS",
    "STAGE_HISTORY_FIELDS",
    "OpportunityHistory",
    "opportunity_history",
    "known_on",
]

#: Stages of the funnel, first to last (a caller may pass its own ordered list).
DEFAULT_STAGES: tuple[str, ...] = ("discovery", "proposal", "commit")
#: Outcome codes, in the order of their integer codes 0, 1, 2.
OUTCOMES: tuple[str, ...] = ("open", "won", "lost")
#: Who sourced the opportunity (the deals table's vocabulary; ``sales`` = AE self-sourced).
SOURCES: tuple[str, ...] = ("marketing", "sdr", "partner", "sales")

#: name -> (kind, required, meaning)
OPPORTUNITY_FIELDS: dict[str, tuple[str, bool, str]] = {
    "opportunity_id": ("id", True, "the opportunity's id (unique)"),
    "owner": ("id", True, "person id of the owner (the AE)"),
    "created_date": ("date", True, "the day the opportunity was created"),
    "close_date": ("date", True, "the close day (won/lost) or the expected close day (open)"),
    "outcome": ("code", True, "open, won or lost"),
    "stage": ("code", True, "the current stage (open) or the last stage reached (won/lost)"),
    "amount": ("money", True, "the opportunity's amount (>= 0) in its currency"),
    "currency": ("code", True, "ISO 4217 code of the amount"),
    "source": ("code", True, "marketing, sdr, partner or sales (AE self-sourced)"),
    "segment": ("id", False, "market segment (e.g. smb, mid, enterprise); empty: none"),
    "team": ("id", False, "the owner's team (forecast roll-up); empty: none"),
}
STAGE_HISTORY_FIELDS: dict[str, tuple[str, bool, str]] = {
    "opportunity_id": ("id", True, "the opportunity"),
    "stage": ("code", True, "a stage of the funnel"),
    "entered": ("date", True, "the day the opportunity entered the stage"),
}

_ID_BAD = r"[\x00-\x1f\x7f]"


@dataclass(frozen=True)
class OpportunityHistory:
    """A validated opportunity history, as numpy columns (row order of the input).

    ``amount`` is int64 minor units of ``currency`` (the reporting currency); dates are
    int32 days since 1970-01-01; ``outcome`` is 0 open / 1 won / 2 lost; ``stage`` is the
    index into ``stages``; ``reached`` the furthest stage index reached (a won opportunity
    has passed every stage); owners, sources, segments and teams are codes into their
    sorted name lists. ``entered`` (n x stages, -1: never) holds the stage-history days."""

    ids: list[str]
    owner: np.ndarray
    owners: list[str]
    created: np.ndarray
    close: np.ndarray
    outcome: np.ndarray
    stage: np.ndarray
    reached: np.ndarray
    amount: np.ndarray
    source: np.ndarray
    segment: np.ndarray
    segments: list[str]
    team: np.ndarray
    teams: list[str]
    stages: tuple[str, ...]
    currency: str
    entered: np.ndarray | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return SOURCES

    def __len__(self) -> int:
        return len(self.ids)

    def stage_on(self, day: int) -> np.ndarray:
        """The stage index of each opportunity on ``day`` from the stage history (-1 when it
        had entered none yet); without a history, the current stage."""
        if self.entered is None:
            return self.stage.copy()
        known = (self.entered >= 0) & (self.entered <= day)
        # Stages are ordered, so the stage on a day is the furthest one entered by then.
        last = np.where(known, np.arange(len(self.stages))[None, :], -1)
        return last.max(axis=1) if len(self.stages) else np.full(len(self), -1)

    def _repr_html_(self) -> str:
        from .._html import table_html

        counts = np.bincount(self.outcome, minlength=3)
        rows = [
            [OUTCOMES[k], int(counts[k]), f"{int(self.amount[self.outcome == k].sum()):,}"]
            for k in range(3)
        ]
        return table_html(
            ["outcome", "opportunities", f"amount ({self.currency} minor units)"],
            rows,
            numeric=(1, 2),
            caption=f"Opportunity history: {len(self.owners)} owners, stages "
            + " > ".join(self.stages),
        )

    def __repr__(self) -> str:
        counts = np.bincount(self.outcome, minlength=3)
        return (
            f"OpportunityHistory({len(self)} opportunities: {counts[0]} open, {counts[1]} won, "
            f"{counts[2]} lost; {len(self.owners)} owners; {self.currency})"
        )


class _Issues:
    """Every problem found, as (row 1-based or None, field, value, rule)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[dict[str, Any]] = []

    def add_rows(self, mask: np.ndarray, field: str, values: Any, rule: str) -> None:
        """One issue per row of ``mask``; ``values`` (a list, or a callable making it, so
        a clean column is never turned into Python objects) gives the cells as written."""
        if not mask.any():
            return
        if callable(values):
            values = values()
        for r in np.flatnonzero(mask).tolist():
            value = values[r] if values is not None else None
            self.items.append(
                {
                    "row": r + 1,
                    "field": field,
                    "value": "" if value is None else str(value),
                    "rule": rule,
                    "source": self.source,
                }
            )

    def add(self, field: str, value: str, rule: str) -> None:
        self.items.append(
            {"row": None, "field": field, "value": value, "rule": rule, "source": self.source}
        )

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = [
            f"  {self.source}" + (f" row {i['row']}" if i["row"] else "") + f", {i['field']} "
            f"{i['value']!r}: {i['rule']}"
            for i in self.items[:20]
        ]
        more = f"\n  ... and {len(self.items) - 20} more" if len(self.items) > 20 else ""
        err = ValidationError(
            f"[SC-PLAN-INPUT] {self.source}: {len(self.items)} problem(s):\n"
            + "\n".join(shown)
            + more
        )
        err.id = "SC-PLAN-INPUT"
        err.issues = self.items
        raise err


def _columns(
    table: Any, fields: Mapping[str, tuple[str, bool, str]], issues: _Issues
) -> dict[str, pa.Array]:
    """The table's columns by name, after the unknown/missing column checks."""
    t = tables.as_arrow_table(table)
    cols = {name: t.column(name).combine_chunks() for name in t.column_names}
    for name in cols:
        if name not in fields:
            near = difflib.get_close_matches(name, list(fields), n=1)
            issues.add(
                "column", name, "unknown column" + (f" (did you mean {near[0]!r}?)" if near else "")
            )
    for name, (_kind, required, _doc) in fields.items():
        if required and name not in cols:
            issues.add("column", name, "required column is missing")
    issues.raise_if_any()
    return cols


def _text(arr: pa.Array, name: str) -> pa.Array:
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    if pa.types.is_integer(arr.type):
        return arr.cast(pa.string())
    if pa.types.is_null(arr.type):
        return arr.cast(pa.string())
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        raise InputTypeError(f"column {name!r}: expected text, got {arr.type}")
    return arr.cast(pa.string())


def _ids(arr: pa.Array, name: str, issues: _Issues, required: bool) -> pa.Array:
    """Id text checked: UTF-8, 1..256 bytes, no control characters, no outer spaces."""
    text = _text(arr, name)
    values = None
    missing = pc.is_null(text).to_numpy(zero_copy_only=False)
    filled = pc.fill_null(text, "")
    bad = (
        (pc.binary_length(filled).to_numpy() > 256)
        | pc.match_substring_regex(filled, _ID_BAD).to_numpy(zero_copy_only=False)
        | pc.not_equal(pc.utf8_trim_whitespace(filled), filled).to_numpy(zero_copy_only=False)
    )
    empty = pc.equal(filled, "").to_numpy(zero_copy_only=False) & ~missing
    if required:
        empty |= missing
    if bad.any() or empty.any():
        values = text.to_pylist()
        issues.add_rows(
            bad & ~missing,
            name,
            values,
            "an id is 1-256 bytes with no control characters and no leading or trailing space",
        )
        issues.add_rows(
            empty, name, values, "a value is required" if required else "an id may not be empty"
        )
    return filled


def _codes(arr: pa.Array, name: str, allowed: Sequence[str], issues: _Issues) -> np.ndarray:
    """Index of each value in ``allowed`` (an error for anything else, nulls included)."""
    text = pc.fill_null(_text(arr, name), "")
    index = pc.index_in(text, value_set=pa.array(list(allowed), pa.string()))
    bad = pc.is_null(index).to_numpy(zero_copy_only=False)
    if bad.any():
        issues.add_rows(bad, name, text.to_pylist(), f"expected one of {', '.join(allowed)}")
    return np.asarray(pc.fill_null(index, 0).to_numpy(zero_copy_only=False), dtype=np.int32)


def _dates(arr: pa.Array, name: str, issues: _Issues) -> np.ndarray:
    """int32 day numbers of a required date column (ISO text, date32/64, midnight timestamps)."""
    missing = pc.is_null(arr).to_numpy(zero_copy_only=False)
    out = np.zeros(len(arr), dtype=np.int32)
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        text = pc.fill_null(arr, "")
        shape = pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$").to_numpy(
            zero_copy_only=False
        )
        parsed = pc.strptime(
            pc.if_else(pa.array(shape), text, "1970-01-01"),
            format="%Y-%m-%d",
            unit="s",
            error_is_null=True,
        )
        ok = shape & ~pc.is_null(parsed).to_numpy(zero_copy_only=False)
        # strptime accepts 2026-02-30 on some platforms: the round trip catches impossible days.
        days = (
            pc.fill_null(parsed.cast(pa.date32()), 0)
            .cast(pa.int32())
            .to_numpy(zero_copy_only=False)
        )
        back = pc.equal(pa.array(days, pa.int32()).cast(pa.date32()).cast(pa.string()), text)
        ok &= back.to_numpy(zero_copy_only=False)
        issues.add_rows(
            ~ok & ~missing, name, lambda: text.to_pylist(), "expected an ISO date YYYY-MM-DD"
        )
        out[:] = np.where(ok, days, 0)
    else:
        try:
            out[~missing] = tables.to_days(arr.filter(pa.array(~missing)), name=name)
        except (ValidationError, InputTypeError) as e:
            issues.add(name, str(arr.type), str(e))
    issues.add_rows(missing, name, None, "a date is required")
    return out


def _amounts(
    arr: pa.Array, currency: pa.Array, rates: Mapping[str, Any], reporting: str, issues: _Issues
) -> np.ndarray:
    """Exact minor units of the reporting currency (one half-even rounding per converted row)."""
    if (
        pa.types.is_floating(arr.type)
        or pa.types.is_boolean(arr.type)
        or pa.types.is_integer(arr.type)
    ):
        issues.add(
            "amount",
            str(arr.type),
            "money is decimal or decimal text (floats and integers are refused)",
        )
        return np.zeros(len(arr), dtype=np.int64)
    out = np.zeros(len(arr), dtype=np.int64)
    codes = pc.fill_null(_text(currency, "currency"), "")
    target = Currency(reporting)
    for code in sorted(set(pc.unique(codes).to_pylist())):
        mask = pc.equal(codes, code).to_numpy(zero_copy_only=False)
        rows = np.flatnonzero(mask)
        try:
            source = Currency(code)
        except ValidationError:
            issues.add_rows(mask, "currency", codes.to_pylist(), "not an ISO 4217 currency code")
            continue
        if code != reporting and code not in rates:
            issues.add_rows(
                mask,
                "currency",
                codes.to_pylist(),
                f"no planning rate from {code} to the reporting currency {reporting}",
            )
            continue
        try:
            minor = tables.to_minor_units(arr.filter(pa.array(mask)), source, name="amount")
        except ValidationError as e:
            for i in e.issues or [{"row": None, "value": "", "rule": str(e)}]:
                row = None if i["row"] is None else int(rows[i["row"]]) + 1
                issues.items.append(
                    {
                        "row": row,
                        "field": "amount",
                        "value": i["value"],
                        "rule": i["rule"],
                        "source": issues.source,
                    }
                )
            continue
        if code != reporting:
            shift = target.exponent - source.exponent
            rate = Rate(str(Decimal(str(rates[code])).scaleb(shift)))
            minor = batch.multiply(minor, rate, RoundingMode.HalfEven)
        out[rows] = minor
    issues.add_rows(out < 0, "amount", None, "an opportunity's amount is >= 0")
    return out


def _names(text: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Codes into the sorted distinct values (byte order), so results never depend on row order."""
    distinct = pc.unique(text)
    distinct = distinct.take(pc.array_sort_indices(distinct))  # UTF-8 byte order = code-point order
    index = pc.index_in(text, value_set=distinct)
    return np.asarray(index.to_numpy(zero_copy_only=False), dtype=np.int32), distinct.to_pylist()


def opportunity_history(
    opportunities: Any,
    *,
    stage_history: Any = None,
    stages: Sequence[str] = DEFAULT_STAGES,
    currency: str = "USD",
    rates: Mapping[str, Decimal | str] | None = None,
    source: str = "opportunity_history",
) -> OpportunityHistory:
    """Validate an opportunity-history table (pandas, polars, pyarrow or a dict of columns;
    see :data:`OPPORTUNITY_FIELDS`) into an :class:`OpportunityHistory`.

    ``stages`` orders the funnel; ``currency`` is the reporting currency and ``rates`` the
    planning rate of every other currency (``{"EUR": "1.08"}``: 1 EUR = 1.08 USD).
    Raises :class:`salescomp.ValidationError` listing every bad cell."""
    stages = tuple(stages)
    if not stages or len(set(stages)) != len(stages):
        raise ValidationError(
            f"stages: give distinct stage names, first to last; got {list(stages)}"
        )
    issues = _Issues(source)
    cols = _columns(opportunities, OPPORTUNITY_FIELDS, issues)
    ids = _ids(cols["opportunity_id"], "opportunity_id", issues, True)
    owner = _ids(cols["owner"], "owner", issues, True)
    n = len(ids)
    created = _dates(cols["created_date"], "created_date", issues)
    close = _dates(cols["close_date"], "close_date", issues)
    outcome = _codes(cols["outcome"], "outcome", OUTCOMES, issues)
    stage = _codes(cols["stage"], "stage", stages, issues)
    source_code = _codes(cols["source"], "source", SOURCES, issues)
    segment = (
        _ids(cols["segment"], "segment", issues, False) if "segment" in cols else pa.array([""] * n)
    )
    team = _ids(cols["team"], "team", issues, False) if "team" in cols else pa.array([""] * n)
    amount = _amounts(cols["amount"], cols["currency"], rates or {}, currency, issues)
    issues.add_rows(
        close < created,
        "close_date",
        lambda: pa.array(close, pa.int32()).cast(pa.date32()).to_pylist(),
        "the close date is on or after the created date",
    )
    counts = pc.value_counts(ids)
    dup = set(counts.field("values").filter(pc.greater(counts.field("counts"), 1)).to_pylist())
    if dup:
        issues.add_rows(
            pc.is_in(ids, value_set=pa.array(sorted(dup), pa.string())).to_numpy(
                zero_copy_only=False
            ),
            "opportunity_id",
            ids.to_pylist(),
            "opportunity ids are unique",
        )
    issues.raise_if_any()
    entered = None
    if stage_history is not None:
        entered = _stage_history(stage_history, ids, created, stages, source)
    owner_code, owners = _names(owner)
    seg_code, segments = _names(segment)
    team_code, teams = _names(team)
    reached = np.where(outcome == 1, len(stages) - 1, stage).astype(np.int32)
    if entered is not None:
        reached = np.maximum(
            reached, np.where(entered >= 0, np.arange(len(stages))[None, :], -1).max(axis=1)
        )
    return OpportunityHistory(
        ids=ids.to_pylist(),
        owner=owner_code,
        owners=owners,
        created=created,
        close=close,
        outcome=outcome,
        stage=stage,
        reached=reached.astype(np.int32),
        amount=amount,
        source=source_code,
        segment=seg_code,
        segments=segments,
        team=team_code,
        teams=teams,
        stages=stages,
        currency=currency,
        entered=entered,
    )


def _stage_history(
    table: Any, ids: pa.Array, created: np.ndarray, stages: tuple[str, ...], source: str
) -> np.ndarray:
    """(opportunities x stages) entry days, -1 where a stage was never entered."""
    issues = _Issues(f"{source}.stage_history")
    cols = _columns(table, STAGE_HISTORY_FIELDS, issues)
    opp = _ids(cols["opportunity_id"], "opportunity_id", issues, True)
    stage = _codes(cols["stage"], "stage", stages, issues)
    day = _dates(cols["entered"], "entered", issues)
    row = pc.index_in(opp, value_set=ids)
    unknown = pc.is_null(row).to_numpy(zero_copy_only=False)
    issues.add_rows(
        unknown, "opportunity_id", lambda: opp.to_pylist(), "no opportunity has this id"
    )
    row_np = np.asarray(pc.fill_null(row, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    issues.add_rows(
        ~unknown & (day < created[row_np]),
        "entered",
        None,
        "a stage is entered on or after the opportunity's created date",
    )
    key = row_np * len(stages) + stage
    _, first, counts = np.unique(key[~unknown], return_index=True, return_counts=True)
    if (counts > 1).any():
        dup = np.zeros(len(key), dtype=bool)
        dup[np.flatnonzero(~unknown)[first[counts > 1]]] = True
        issues.add_rows(dup, "stage", None, "each stage of an opportunity is entered once")
    issues.raise_if_any()
    entered = np.full((len(ids), len(stages)), -1, dtype=np.int32)
    entered[row_np, stage] = day
    return entered


def known_on(history: OpportunityHistory, day: int) -> OpportunityHistory:
    """The history as it was known at the end of ``day``: opportunities created by then; one
    closed later is open again, at its stage on that day (from the stage history; without
    one, its recorded stage, which a backtest must accept as a leak)."""
    import dataclasses

    h = history
    keep = h.created <= day
    closed_by_then = (h.outcome != 0) & (h.close <= day)
    outcome = np.where(closed_by_then, h.outcome, 0).astype(np.int32)
    stage_then = h.stage_on(day) if h.entered is not None else h.stage
    stage = np.where(closed_by_then, h.stage, np.maximum(stage_then, 0)).astype(np.int32)
    reached = np.where(outcome == 1, len(h.stages) - 1, np.maximum(stage, h.stage_on(day))).astype(
        np.int32
    )
    reached = np.where(closed_by_then, h.reached, reached)
    rows = np.flatnonzero(keep)
    return dataclasses.replace(
        h,
        ids=[h.ids[i] for i in rows.tolist()],
        owner=h.owner[rows],
        created=h.created[rows],
        close=h.close[rows],
        outcome=outcome[rows],
        stage=stage[rows],
        reached=reached[rows],
        amount=h.amount[rows],
        source=h.source[rows],
        segment=h.segment[rows],
        team=h.team[rows],
        entered=None
        if h.entered is None
        else np.where(h.entered[rows] <= day, h.entered[rows], -1),
    )
