"""config.json of ``salescomp run``: one field table, the validator and the JSON Schema.

:data:`CONFIG_FIELDS` is the single source of truth: :func:`validate_config` checks a document
against it and :func:`json_schema` renders it as the JSON Schema in ``docs/config-schema.json``
(``scripts/gen_config_schema.py`` writes it; a test checks the file is current and that
``jsonschema`` agrees with the validator). Types are strict: an integer field takes a JSON
integer (not ``true``, not ``2026.9``, not ``"2026"``); unknown keys are refused with the
nearest known name.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = ["CONFIG_FIELDS", "ConfigIssue", "Field", "json_schema", "validate_config"]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Field:
    """One key of an object: its JSON type and rule, and the text the docs show."""

    name: str
    kind: str  # integer, date, decimal, currency, text, objects (list of dicts), decimals (dict of decimals), record
    doc: str
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    fields: tuple[Field, ...] = ()  # kind "record": the keys of each item of the list


MBO_FIELDS = (
    Field("person", "text", "person id (on the roster)", required=True),
    Field("component", "text", "the plan's mbo component id", required=True),
    Field("objective", "text", "objective id of that component", required=True),
    Field("quarter", "integer", "fiscal quarter the achievement is for (every quarter when absent)",
          minimum=1, maximum=4),
    Field("achievement", "decimal", "achievement as a fraction (1 = 100%)", required=True),
)

CONFIG_FIELDS: tuple[Field, ...] = (
    Field("fiscal_year", "integer", "fiscal year to close (default: the latest quota year)", minimum=1900,
          maximum=9999),
    Field("fiscal_start_month", "integer", "first month of the fiscal year (default 1)", minimum=1, maximum=12),
    Field("as_of", "date", "the data snapshot, YYYY-MM-DD (default: the latest deal close date)"),
    Field("reporting_currency", "currency", "ISO 4217 code of totals and outcome values (default USD)"),
    Field("credit_rules", "objects", "crediting rules (docs/crediting-and-quota.md; default: neutral direct, revenue split, roll-up)"),
    Field("stage_probability", "decimals", "pipeline stage -> probability (decimal) for pacing"),
    Field("ramps", "objects", "named quota ramps (docs/crediting-and-quota.md)"),
    Field("mbo", "record", "MBO achievements", fields=MBO_FIELDS),
)


@dataclass(frozen=True)
class ConfigIssue:
    """One problem: JSON path, the value as written, the rule."""

    path: str
    value: str
    rule: str


def _shown(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    return str(value)


def _type_name(value: Any) -> str:
    if value is True or value is False:
        return "a boolean"
    if value is None:
        return "null"
    return {int: "an integer", Decimal: "a decimal number", str: "a string", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def _check_value(f: Field, value: Any, path: str, out: list[ConfigIssue]) -> None:
    def bad(rule: str) -> None:
        out.append(ConfigIssue(path, _shown(value), rule))

    if f.kind == "integer":
        if type(value) is not int:
            return bad(f"expected an integer, got {_type_name(value)}")
        if (f.minimum is not None and value < f.minimum) or (f.maximum is not None and value > f.maximum):
            return bad(f"must be between {f.minimum} and {f.maximum}")
    elif f.kind == "date":
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            return bad("expected a date as a string YYYY-MM-DD")
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return bad("not a calendar date")
    elif f.kind == "decimal":
        if type(value) is int or type(value) is Decimal:
            return None
        if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
            return bad("expected a decimal (a string such as \"0.85\" or a plain number)")
    elif f.kind == "currency":
        if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
            return bad("expected an ISO 4217 code such as \"USD\"")
    elif f.kind == "text":
        if not isinstance(value, str) or not value:
            return bad(f"expected a non-empty string, got {_type_name(value)}")
    elif f.kind == "objects":
        if not isinstance(value, list):
            return bad(f"expected a list of objects, got {_type_name(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                out.append(ConfigIssue(f"{path}[{i}]", _shown(item), f"expected an object, got {_type_name(item)}"))
    elif f.kind == "decimals":
        if not isinstance(value, dict):
            return bad(f"expected an object of decimals, got {_type_name(value)}")
        for key, item in value.items():
            _check_value(Field(key, "decimal", ""), item, f"{path}.{key}", out)
    elif f.kind == "record":
        if not isinstance(value, list):
            return bad(f"expected a list of objects, got {_type_name(value)}")
        for i, item in enumerate(value):
            _check_object(f.fields, item, f"{path}[{i}]", out)
    return None


def _check_object(fields: tuple[Field, ...], doc: Any, path: str, out: list[ConfigIssue]) -> None:
    if not isinstance(doc, dict):
        out.append(ConfigIssue(path, _shown(doc), f"expected an object, got {_type_name(doc)}"))
        return
    by_name = {f.name: f for f in fields}
    for key, value in doc.items():
        f = by_name.get(key)
        if f is None:
            near = difflib.get_close_matches(key, list(by_name), n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            out.append(ConfigIssue(f"{path}.{key}", _shown(value),
                                   f"unknown key{hint} (known: {', '.join(by_name)})"))
            continue
        _check_value(f, value, f"{path}.{key}", out)
    for f in fields:
        if f.required and f.name not in doc:
            out.append(ConfigIssue(f"{path}.{f.name}", "", "required key is missing"))


def validate_config(doc: Any) -> list[ConfigIssue]:
    """Every problem of a config document (as :func:`salescomp.parse_json` returns it)."""
    out: list[ConfigIssue] = []
    _check_object(CONFIG_FIELDS, doc, "$", out)
    return out


def _field_schema(f: Field) -> dict[str, Any]:
    decimal = {"oneOf": [{"type": "string", "pattern": "^" + _DECIMAL.pattern + "$"}, {"type": "number"}]}
    if f.kind == "integer":
        s: dict[str, Any] = {"type": "integer"}
        if f.minimum is not None:
            s["minimum"] = f.minimum
        if f.maximum is not None:
            s["maximum"] = f.maximum
    elif f.kind == "date":
        s = {"type": "string", "pattern": "^" + _DATE.pattern + "$", "format": "date"}
    elif f.kind == "decimal":
        s = decimal
    elif f.kind == "currency":
        s = {"type": "string", "pattern": "^" + _CURRENCY.pattern + "$"}
    elif f.kind == "text":
        s = {"type": "string", "minLength": 1}
    elif f.kind == "objects":
        s = {"type": "array", "items": {"type": "object"}}
    elif f.kind == "decimals":
        s = {"type": "object", "additionalProperties": decimal}
    elif f.kind == "record":
        s = {"type": "array", "items": _object_schema(f.fields)}
    else:  # pragma: no cover - a new kind must be added here
        raise AssertionError(f.kind)
    return {"description": f.doc, **s}


def _object_schema(fields: tuple[Field, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "additionalProperties": False,
                           "properties": {f.name: _field_schema(f) for f in fields}}
    required = [f.name for f in fields if f.required]
    if required:
        out["required"] = required
    return out


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of config.json, rendered from :data:`CONFIG_FIELDS`."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://salescomp.invalid/config-schema.json",
            "title": "salescomp run: config.json",
            "description": "Generated from salescomp._config.CONFIG_FIELDS by scripts/gen_config_schema.py; "
                           "do not edit by hand.",
            **_object_schema(CONFIG_FIELDS)}
