"""Plan documents from dicts and JSON: validation with JSON paths, canonical round trip."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from decimal import Decimal

import pytest
import salescomp as sc
from salescomp.plan import Plan

AE_PLAN = {
    "id": "ae-2026",
    "currency": "USD",
    "period": "quarter",
    "rounding": {"mode": "HalfUp", "scope": "per_statement"},
    "measures": [
        {"id": "bookings", "deal_types": ["new_business", "upsell"], "credit_kinds": ["direct"]},
        {"id": "meetings", "aggregation": "count", "credit_kinds": ["sdr_sourced"]},
    ],
    "components": [
        {
            "id": "commission",
            "type": "tiered",
            "measure": "bookings",
            "mode": "marginal",
            "tiers": [
                {"from": "0", "to": "1.0", "rate": Decimal("0.08")},
                {"from": 1, "rate": "0.12"},
            ],
            "caps": {"per_period": "100000.00"},
        },
        {"id": "sdr", "type": "per_unit", "measure": "meetings", "amount_per_unit": 50},
        {
            "id": "march",
            "type": "spif",
            "from": dt.date(2026, 3, 1),
            "to": "2026-03-31",
            "amount_per_deal": "500",
        },
    ],
}


def issues(document):
    with pytest.raises(sc.ValidationError) as info:
        Plan.from_dict(document)
    return {(i["field"], i["rule"]) for i in info.value.issues}


def has(found, path, fragment):
    return any(p == path and fragment in rule for p, rule in found)


def test_reads_a_plan_from_a_dict():
    plan = Plan.from_dict(AE_PLAN)
    assert plan.id == "ae-2026"
    assert plan.currency == sc.Currency("USD")
    assert plan.period == "quarter"
    assert plan.rounding_mode == sc.RoundingMode.HalfUp
    assert plan.rounding_scope == "per_statement"
    assert plan.measure_ids == ["bookings", "meetings"]
    assert plan.components == [("commission", "tiered"), ("sdr", "per_unit"), ("march", "spif")]


def test_dict_and_json_make_the_same_plan_and_round_trip():
    plan = Plan.from_dict(AE_PLAN)
    canonical = plan.to_json()
    assert Plan.from_json(canonical) == plan
    assert Plan.from_dict(plan.to_dict()) == plan
    # Defaults are written out; decimals are strings.
    tiers = plan.to_dict()["components"][0]
    assert tiers["edge"] == "lower_inclusive"
    assert tiers["tiers"][1] == {"from": "1.0", "rate": "0.12"}
    assert pickle.loads(pickle.dumps(plan._plan)).to_json() == canonical


def test_float_is_refused_with_its_path():
    document = json.loads(json.dumps(AE_PLAN, default=str))
    document["components"][0]["tiers"][0]["rate"] = 0.08
    with pytest.raises(sc.InputTypeError, match=r"\$\.components\[0\]\.tiers\[0\]\.rate"):
        Plan.from_dict(document)
    with pytest.raises(TypeError):
        Plan.from_dict(document)


def test_every_problem_is_reported_with_its_json_path():
    found = issues(
        {
            "id": "bad",
            "period": "fortnight",
            "extra": True,
            "measures": [{"id": "m"}],
            "components": [
                {
                    "id": "a",
                    "type": "tiered",
                    "measure": "nope",
                    "mode": "retroactive",
                    "tiers": [
                        {"from": "0", "to": "0.5", "rate": "0.01"},
                        {"from": "0.6", "rate": "0.02"},
                    ],
                },
                {
                    "id": "b",
                    "type": "tiered",
                    "measure": "m",
                    "tiers": [
                        {"from": "0", "to": "0.5", "rate": "0.01"},
                        {"from": "0.4", "rate": "1.5"},
                    ],
                },
                {"id": "c", "type": "flat_rate", "measure": "m", "rate": True},
                {"id": "d", "type": "flat_rate", "measure": "m", "rate": "1e-2"},
            ],
        }
    )
    assert has(found, "$.currency", "required")
    assert has(found, "$.period", "expected one of")
    assert has(found, "$.extra", "unknown key")
    assert has(found, "$.components[0].measure", "unknown measure")
    assert has(found, "$.components[0].tiers[1].from", "gap")
    assert has(found, "$.components[1].tiers[1].from", "overlaps")
    assert has(found, "$.components[1].tiers[1].rate", "between 0 and 1")
    assert has(found, "$.components[2].rate", "expected a decimal")
    assert has(found, "$.components[3].rate", "")
    assert len(found) == 9


def test_json_syntax_error_names_line_and_column():
    with pytest.raises(sc.ParseError) as info:
        Plan.from_json('{"id": "p",\n "currency": USD}')
    assert info.value.issues[0]["value"] == "line 2 column 14"
    assert info.value.id == "SC-JSON-SYNTAX"


def test_validation_error_is_a_value_error():
    with pytest.raises(ValueError):
        Plan.from_dict({"id": "p"})


def test_the_published_schema_accepts_canonical_documents_and_rejects_unknown_keys():
    """docs/plan-schema.json agrees with the reader on a plan using every component."""
    import pathlib

    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(
        (pathlib.Path(__file__).parents[2] / "docs" / "plan-schema.json").read_text()
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    canonical = Plan.from_dict(EVERY_COMPONENT).to_dict()
    jsonschema.validate(canonical, schema)
    jsonschema.validate(json.loads(json.dumps(EVERY_COMPONENT, default=str)), schema)
    canonical["components"][0]["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(canonical, schema)


EVERY_COMPONENT = {
    "id": "every",
    "currency": "EUR",
    "period": "month",
    "rounding": {"mode": "HalfUp", "scope": "per_line"},
    "payout_timing": {
        "basis": "collection",
        "holdback": {"share": "0.1", "release_after_days": 90},
    },
    "measures": [
        {
            "id": "bookings",
            "deal_types": ["new_business"],
            "products": [1, 2],
            "credit_kinds": ["direct"],
            "multipliers": [{"min_term_months": 24, "factor": "1.2"}],
        },
        {"id": "meetings", "aggregation": "count"},
        {"id": "team", "credit_kinds": ["roll_up"]},
    ],
    "components": [
        {
            "id": "flat",
            "type": "flat_rate",
            "measure": "bookings",
            "rate": "0.05",
            "adjustments": [
                {"direction": "above", "level": "1", "multiplier": "1.5", "scope": "whole"}
            ],
            "gate": {"basis": "amount", "level": "1000", "effect": "no_accelerator"},
            "caps": {"per_deal": "5000", "per_year": "100000"},
            "kicker": {"level": "1.2", "multiplier": "1.1"},
        },
        {
            "id": "tiers",
            "type": "tiered",
            "measure": "bookings",
            "mode": "hybrid",
            "hybrid_threshold": "1",
            "edge": "upper_inclusive",
            "accumulation": "year_to_date",
            "tiers": [{"from": "0", "to": "1", "rate": "0.05"}, {"from": "1", "rate": "0.08"}],
            "caps": {"attainment": "2", "soft": {"level": "1.5", "multiplier": "0.5"}},
        },
        {
            "id": "amount_tiers",
            "type": "tiered",
            "measure": "bookings",
            "basis": "amount",
            "mode": "interpolated",
            "tiers": [
                {"from": "0", "to": "50000", "rate": "0.01", "rate_to": "0.03"},
                {"from": "50000", "rate": "0.03"},
            ],
        },
        {
            "id": "ti",
            "type": "target_incentive",
            "measure": "bookings",
            "target": "10000",
            "curve": {
                "points": [{"attainment": "0", "factor": "0"}, {"attainment": "1", "factor": "1"}],
                "beyond": "extend",
            },
        },
        {
            "id": "units",
            "type": "per_unit",
            "measure": "meetings",
            "amount_per_unit": "50",
            "caps": {"per_period": "2000"},
        },
        {
            "id": "ms",
            "type": "milestone_bonus",
            "measure": "bookings",
            "milestones": [{"id": "q1", "attainment": "1", "amount": "1000"}],
        },
        {
            "id": "spif",
            "type": "spif",
            "deal_types": ["upsell"],
            "products": [3],
            "from": "2026-01-01",
            "to": "2026-01-31",
            "min_credit": "100",
            "amount_per_deal": "250",
            "rate": "0.01",
        },
        {
            "id": "mbo",
            "type": "mbo",
            "target": "3000",
            "objectives": [{"id": "a", "weight": "1"}],
            "max_achievement": "1.25",
        },
        {
            "id": "ovr",
            "type": "manager_override",
            "measure": "team",
            "basis": "team_attainment",
            "target": "8000",
            "curve": {
                "points": [{"attainment": "0", "factor": "0"}, {"attainment": "1", "factor": "1"}]
            },
        },
        {
            "id": "draw",
            "type": "draw",
            "kind": "recoverable_draw",
            "amount": "2000",
            "term_periods": 3,
            "forgive_at_term_end": True,
        },
        {
            "id": "cb",
            "type": "clawback",
            "window_days": 90,
            "window_end": "exclusive",
            "method": "stepped",
            "steps": [{"within_days": 30, "share": "1"}, {"within_days": 90, "share": "0.5"}],
            "reverse_attainment": True,
        },
    ],
}


def test_every_component_round_trips():
    plan = Plan.from_dict(EVERY_COMPONENT)
    assert [t for _, t in plan.components] == [
        "flat_rate",
        "tiered",
        "tiered",
        "target_incentive",
        "per_unit",
        "milestone_bonus",
        "spif",
        "mbo",
        "manager_override",
        "draw",
        "clawback",
    ]
    assert Plan.from_json(plan.to_json()) == plan
