"""Manual adjustments: an input table of dated, approved corrections (docs/audit.md).

Each row pays (or takes back) ``amount`` to ``person_id`` in the period containing its
``date``, with the ``reason``, the ``author`` and the ``approval_ref`` that authorised it.
The table is validated strictly, like every input (docs/tables.md): unknown or missing
columns are refused, and every bad cell is listed in one error with the source, the 1-based
row, the field, the value as written and the rule. Nothing is coerced: amounts are exact
decimal text or decimal columns with at most the currency's decimals, dates ISO.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from .._errors import ValidationError

__all__ = ["ADJUSTMENT_COLUMNS", "validate_adjustments", "empty_adjustments"]

#: The declared schema: column -> (required, kind, meaning).
ADJUSTMENT_COLUMNS: dict[str, tuple[bool, str, str]] = {
    "adjustment_id": (True, "id", "the adjustment's id (unique; the user's text)"),
    "person_id": (
        True,
        "id",
        "the person paid (on the roster, with a plan in force in the period)",
    ),
    "date": (
        True,
        "date",
        "the day the adjustment is dated; it is paid in the period containing it",
    ),
    "amount": (
        True,
        "money",
        "exact decimal, negative to take back; at most the currency's decimals",
    ),
    "currency": (True, "code", "ISO 4217 code; must be the currency of the person's plan"),
    "reason": (True, "text", "why the adjustment is made (not empty)"),
    "author": (True, "text", "who entered it (not empty)"),
    "approval_ref": (True, "text", "the approval that authorised it (ticket, memo; not empty)"),
}

_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _exponent(code: str) -> int | None:
    """Decimals of an ISO 4217 currency, None for an unknown code."""
    from .. import Currency

    try:
        return Currency(code).exponent
    except ValidationError:
        return None


def empty_adjustments() -> Any:
    import pyarrow as pa

    return pa.table(
        {
            "adjustment_id": pa.array([], pa.string()),
            "person_id": pa.array([], pa.string()),
            "date": pa.array([], pa.date32()),
            "amount": pa.array([], pa.string()),
            "currency": pa.array([], pa.string()),
            "reason": pa.array([], pa.string()),
            "author": pa.array([], pa.string()),
            "approval_ref": pa.array([], pa.string()),
        }
    )


def _cells(table: Any) -> dict[str, list[Any]]:
    import pyarrow as pa

    from ..tables import as_arrow_columns

    cols = as_arrow_columns(table, "adjustments")
    out = {}
    for name, col in cols.items():
        if pa.types.is_floating(col.type):
            raise ValidationError(
                f"[SC-AUDIT-ADJ] adjustments: column {name!r} is a binary float ({col.type}); "
                "money must be exact: give decimal text or decimal128"
            )
        out[name] = col.to_pylist()
    return out


def _date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return None
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and _DATE.fullmatch(v):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return None
    return None


def _amount(v: Any, currency: str) -> Decimal | None:
    """The exact amount, or None when it is not a decimal with at most the currency's decimals."""
    if isinstance(v, Decimal):
        d = v
    elif isinstance(v, str) and _DECIMAL.fullmatch(v):
        d = Decimal(v)
    else:
        return None
    places = -d.as_tuple().exponent if d.as_tuple().exponent < 0 else 0
    allowed = _exponent(currency)  # an unknown currency is reported on its own cell
    return d if allowed is None or places <= allowed else None


def validate_adjustments(
    table: Any, *, people: set[str], source: str = "adjustments"
) -> list[dict[str, Any]]:
    """The adjustments as dicts (``amount`` Decimal, ``date`` date), or a ValidationError
    listing every bad cell (``issues``: row, field, value, rule)."""
    if table is None:
        return []
    cells = _cells(table)
    unknown = sorted(set(cells) - set(ADJUSTMENT_COLUMNS))
    missing = [c for c, (req, _k, _m) in ADJUSTMENT_COLUMNS.items() if req and c not in cells]
    if unknown or missing:
        parts = ([f"unknown column(s) {', '.join(map(repr, unknown))}"] if unknown else []) + (
            [f"missing column(s) {', '.join(map(repr, missing))}"] if missing else []
        )
        raise ValidationError(
            f"[SC-AUDIT-ADJ] {source}: {'; '.join(parts)} (columns: {', '.join(ADJUSTMENT_COLUMNS)})"
        )
    n = len(next(iter(cells.values()), []))
    issues: list[dict[str, Any]] = []
    rows, seen = [], {}

    def bad(row: int, field: str, value: Any, rule: str) -> None:
        issues.append(
            {
                "row": row + 1,
                "field": field,
                "value": "" if value is None else str(value),
                "rule": rule,
            }
        )

    for i in range(n):
        r = {c: cells[c][i] for c in ADJUSTMENT_COLUMNS}
        for c in ("adjustment_id", "person_id", "reason", "author", "approval_ref", "currency"):
            if not isinstance(r[c], str) or not r[c].strip() or r[c] != r[c].strip():
                bad(i, c, r[c], "required text: not empty, no leading or trailing space")
        if isinstance(r["adjustment_id"], str):
            if r["adjustment_id"] in seen:
                bad(
                    i,
                    "adjustment_id",
                    r["adjustment_id"],
                    f"duplicate id (also row {seen[r['adjustment_id']]})",
                )
            seen.setdefault(r["adjustment_id"], i + 1)
        if isinstance(r["person_id"], str) and r["person_id"] not in people:
            bad(i, "person_id", r["person_id"], "not on the roster")
        if isinstance(r["currency"], str) and _exponent(r["currency"]) is None:
            bad(i, "currency", r["currency"], "an ISO 4217 currency code")
        day = _date(r["date"])
        if day is None:
            bad(i, "date", r["date"], "an ISO date YYYY-MM-DD")
        amount = _amount(r["amount"], r["currency"] if isinstance(r["currency"], str) else "")
        if amount is None:
            bad(
                i,
                "amount",
                r["amount"],
                "exact decimal -?digits[.digits] with at most the currency's decimals",
            )
        rows.append({**r, "date": day, "amount": amount})
    if issues:
        listed = "\n".join(
            f"  row {x['row']}, {x['field']}: {x['value']!r}: {x['rule']}" for x in issues
        )
        e = ValidationError(f"[SC-AUDIT-ADJ] {source}: {len(issues)} problem(s):\n{listed}")
        e.id = "SC-AUDIT-ADJ"
        e.issues = issues
        raise e
    return rows
