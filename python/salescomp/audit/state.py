"""The carried state of a sealed record: the engine's run state as rows (docs/audit.md).

Persons and deals are named by the user's ids, never by run positions, so the next period
finds them whatever the row order of its tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._errors import ValidationError

__all__ = ["DEAL_FIELDS", "Rerun", "state_table", "state_from"]


DEAL_FIELDS = ("paid_on_deal", "earned_on_deal")


def state_table(state: Any, person_ids: list[str], deal_ids: list[Any]) -> Any:
    """The carried state as rows; deal rows become the user's deal ids (``key``), so the
    next period finds the deal whatever the row order of its deals table."""
    import pyarrow as pa

    rows = state._rows()
    table = pa.table(
        {
            "person_id": pa.array([person_ids[r[0]] for r in rows], pa.string()),
            "field": pa.array([r[1] for r in rows], pa.string()),
            "key": pa.array(
                [str(deal_ids[r[3]]) if r[1] in DEAL_FIELDS else r[2] for r in rows], pa.string()
            ),
            "value": pa.array([0 if r[1] in DEAL_FIELDS else r[3] for r in rows], pa.int64()),
            "minor": pa.array([r[4] for r in rows], pa.int64()),
            "text": pa.array([r[5] for r in rows], pa.string()),
        }
    )
    # person ids and deal ids, not run positions, order the rows (a milestone keeps its place)
    return table.sort_by(
        [
            ("person_id", "ascending"),
            ("field", "ascending"),
            ("key", "ascending"),
            ("value", "ascending"),
        ]
    )


def state_from(table: Any, index: dict[str, int], deal_ids: list[Any]) -> Any:
    from .. import _core

    t = table.to_pydict()
    row_of = {str(d): i for i, d in enumerate(deal_ids)}
    unknown = sorted(set(t["person_id"]) - set(index))
    gone = sorted({k for f, k in zip(t["field"], t["key"]) if f in DEAL_FIELDS and k not in row_of})
    if unknown or gone:
        raise ValidationError(
            "[SC-AUDIT-STATE] the sealed state names "
            + (f"people no longer on the roster: {', '.join(unknown[:10])} " if unknown else "")
            + (f"deals no longer in the deals table: {', '.join(gone[:10])}" if gone else "")
        )
    rows = [
        (index[p], f, "" if f in DEAL_FIELDS else k, row_of[k] if f in DEAL_FIELDS else v, m, x)
        for p, f, k, v, m, x in zip(
            t["person_id"], t["field"], t["key"], t["value"], t["minor"], t["text"]
        )
    ]
    return _core._RunState._from_rows(rows)


@dataclass
class Rerun:
    """The state a restated quarter started from (the year re-run), shaped like a record."""

    label: str
    state: Any
