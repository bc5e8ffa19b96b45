"""Compensation plans: the plan document (JSON or a dict) as a validated :class:`Plan`.

A plan dict is the JSON document as Python values. Decimals may be written as
``decimal.Decimal``, ``str`` or ``int``; ``float`` is refused (it is not exact),
and so is ``bool`` anywhere but a boolean field. Dates may be
``datetime.date``. Validation reports every problem at once, each with its
JSON path (``$.components[2].tiers[1].from``) in ``ValidationError.issues``.

>>> from salescomp.plan import Plan
>>> plan = Plan.from_dict({
...     "id": "ae", "currency": "USD", "period": "quarter",
...     "measures": [{"id": "bookings"}],
...     "components": [{"id": "base", "type": "flat_rate", "measure": "bookings", "rate": "0.05"}],
... })
>>> plan.components
[('base', 'flat_rate')]
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
from collections.abc import Mapping
from typing import Any

from ._core import _Plan  # type: ignore[attr-defined]
from ._errors import InputTypeError

__all__ = ["Plan"]


def _jsonable(value: Any, path: str) -> Any:
    """The JSON-ready form of a plan dict value; floats are refused with their path."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        raise InputTypeError(
            f"{path}: float {value!r} is not exact; write the decimal as a str or decimal.Decimal"
        )
    if isinstance(value, int):
        return value
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise InputTypeError(f"{path}: {value} is not a finite decimal")
        return format(value, "f")
    if isinstance(value, _dt.datetime):
        raise InputTypeError(f"{path}: expected a datetime.date, got a datetime")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputTypeError(f"{path}: keys must be str, got {type(key).__name__}")
            out[key] = _jsonable(item, f"{path}.{key}")
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise InputTypeError(f"{path}: {type(value).__name__} is not allowed in a plan document")


class Plan:
    """A validated plan. Build it with :meth:`from_dict` or :meth:`from_json`."""

    __slots__ = ("_plan",)

    def __init__(self, core: _Plan) -> None:
        self._plan = core

    @classmethod
    def from_json(cls, text: str) -> Plan:
        return cls(_Plan.from_json(text))

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Plan:
        return cls(_Plan.from_json(json.dumps(_jsonable(document, "$"))))

    def to_json(self) -> str:
        """Canonical JSON (every default written out, decimals as strings)."""
        return self._plan.to_json()

    def to_dict(self) -> dict[str, Any]:
        """The canonical document as a dict (decimals as str)."""
        return json.loads(self.to_json())

    @property
    def id(self) -> str:
        return self._plan.id

    @property
    def currency(self):
        return self._plan.currency

    @property
    def period(self) -> str:
        return self._plan.period

    @property
    def rounding_mode(self):
        return self._plan.rounding_mode

    @property
    def rounding_scope(self) -> str:
        return self._plan.rounding_scope

    @property
    def measure_ids(self) -> list[str]:
        return list(self._plan.measure_ids)

    @property
    def components(self) -> list[tuple[str, str]]:
        """``(id, type)`` of every component, in document order."""
        return [tuple(c) for c in self._plan.components]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Plan) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(self.to_json())

    def _repr_html_(self) -> str:
        """Jupyter: id, currency, period, rounding, and the measures and components tables."""
        from ._html import plan_html

        return plan_html(self)

    def __repr__(self) -> str:
        return f"Plan(id={self.id!r}, currency={self.currency.code!r}, period={self.period!r}, components={len(self.components)})"
