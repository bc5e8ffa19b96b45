"""The revenue organisation and its calendars.

>>> import salescomp as sc
>>> org = sc.Organisation(
...     people={"person_id": ["cro", "ae"], "role": ["cro", "ae"],
...             "start_date": ["2020-01-01", "2026-01-15"], "pay_currency": ["USD", "USD"]},
...     assignments={"person_id": ["ae"], "field": ["manager"], "value": ["cro"], "from": ["2026-01-15"]},
... )
>>> org.manager_as_of("ae", "2026-02-01")
'cro'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from . import tables as t
from ._core import BusinessCalendar, FiscalCalendar, Period, _Organisation, _role_names  # type: ignore[attr-defined]

ROLES: tuple[str, ...] = tuple(_role_names())


class Organisation:
    """Roster + leaves + effective-dated assignments (manager, team, territory, role, plan).

    ``people``: person_id, role, start_date, pay_currency, optional end_date (last day, inclusive).
    ``assignments``: person_id, field, value, from, optional to (inclusive; missing = open-ended).
    ``leaves``: person_id, first, last (inclusive).
    Every bad row of every table is reported in one :class:`salescomp.ValidationError`.
    """

    def __init__(self, people: Any, assignments: Any = None, leaves: Any = None) -> None:
        p = t.as_arrow_columns(people, "people")
        t.require(p, ("person_id", "role", "start_date", "pay_currency"), "people")
        n = len(p["person_id"])
        a = t.as_arrow_columns(assignments, "assignments")
        if a:
            t.require(a, ("person_id", "field", "value", "from"), "assignments")
        m = len(a["person_id"]) if a else 0
        lv = t.as_arrow_columns(leaves, "leaves")
        if lv:
            t.require(lv, ("person_id", "first", "last"), "leaves")
        k = len(lv["person_id"]) if lv else 0
        none = np.full(n, t.MISSING_DAY, dtype=np.int32)

        def text(columns: dict[str, Any], names: tuple[str, ...], rows: int) -> pa.Table:
            # Read in C++ where they lie: no Python string per cell.
            return pa.table({c: t.text_array(columns[c]) if rows else pa.array([], pa.string()) for c in names})

        self._core = _Organisation.from_arrow(
            text(p, ("person_id", "role", "pay_currency"), n),
            t.days(p["start_date"], "start_date"),
            t.days(p["end_date"], "end_date") if "end_date" in p else none,
            text(a, ("person_id", "field", "value"), m),
            t.days(a["from"], "from") if m else np.zeros(0, np.int32),
            t.days(a["to"], "to") if m and "to" in a else np.full(m, t.MISSING_DAY, np.int32),
            text(lv, ("person_id",), k),
            t.days(lv["first"], "first") if k else np.zeros(0, np.int32),
            t.days(lv["last"], "last") if k else np.zeros(0, np.int32),
        )

    def __len__(self) -> int:
        return len(self._core)

    @property
    def person_ids(self) -> list[str]:
        return self._core.person_ids

    def teams(self) -> list[str]:
        return self._core.dictionary("team")

    def as_of(self, person_id: str, field: str, date: Any) -> str | None:
        """The value of ``field`` (manager, team, territory, role, plan) on ``date``; None in a gap."""
        return self._core.as_of(person_id, field, date)

    def manager_as_of(self, person_id: str, date: Any) -> str | None:
        return self._core.as_of(person_id, "manager", date)

    def reporting_chain(self, person_id: str, date: Any, depth: int = 64) -> list[str]:
        """Managers above ``person_id`` on ``date``, nearest first."""
        return self._core.reporting_chain(person_id, date, depth)

    def is_active(self, person_id: str, date: Any) -> bool:
        """Employed and not on leave on ``date``."""
        return self._core.is_active(person_id, date)

    def hierarchy(self, date: Any) -> pa.Table:
        """Everyone's manager, team, territory, role and plan on ``date``."""
        ids = self.person_ids
        cols: dict[str, Any] = {"person_id": pa.array(ids, pa.string())}
        cols["manager_id"] = t.dictionary(
            self._core._managers_as_of(date), ids, null_below_zero=True
        )
        for field in ("team", "territory", "plan"):
            cols[field] = t.dictionary(
                self._core._field_as_of(field, date), self._core.dictionary(field), True
            )
        cols["role"] = t.dictionary(self._core._field_as_of("role", date), list(ROLES))
        return pa.table(cols)


__all__ = ["BusinessCalendar", "FiscalCalendar", "Organisation", "Period", "ROLES"]
