"""Plan documents of the demo company, one per role (the plan document format of
:mod:`salescomp.plan`; decimals as strings)."""

from __future__ import annotations

from typing import Any

FY_FIRST = "2026-01-01"
FY_LAST = "2026-12-31"


def _ae(plan_id: str, currency: str, cap: str, spif: str, draw: str | None) -> dict[str, Any]:
    components: list[dict[str, Any]] = [
        {
            "id": "commission",
            "type": "tiered",
            "measure": "bookings",
            "basis": "attainment",
            "mode": "marginal",
            "tiers": [
                {"from": "0", "to": "0.5", "rate": "0.04"},
                {"from": "0.5", "to": "1", "rate": "0.08"},
                {"from": "1", "rate": "0.10"},
            ],
            # accelerator: above 100% of quota the rate is multiplied by 1.5
            "adjustments": [{"direction": "above", "level": "1", "multiplier": "1.5", "scope": "band"}],
            # cap: at most this much commission per quarter
            "caps": {"per_period": cap},
        },
        {
            # Q3 SPIF: a flat bonus per new-business deal of the platform product (product 2)
            "id": "q3_platform_spif",
            "type": "spif",
            "deal_types": ["new_business"],
            "products": [2],
            "from": "2026-07-01",
            "to": "2026-09-30",
            "amount_per_deal": spif,
        },
        # deals cancelled within 90 days of the close claw back what was paid on them
        {"id": "clawback", "type": "clawback", "window_days": 90, "method": "full"},
    ]
    if draw is not None:
        # new hires: a recoverable draw for their first two quarters
        components.append({"id": "draw", "type": "draw", "kind": "recoverable_draw", "amount": draw,
                           "term_periods": 2, "forgive_at_term_end": False})
    return {
        "id": plan_id,
        "currency": currency,
        "period": "quarter",
        "measures": [
            {
                "id": "bookings",
                "deal_types": ["new_business", "cross_sell"],
                "credit_kinds": ["direct", "revenue_split"],
                # multi-year deals count 1.1x toward the measure
                "multipliers": [{"min_term_months": 24, "factor": "1.1"}],
            }
        ],
        "components": components,
    }


def _override(plan_id: str, currency: str, basis: str, rate: str, threshold: str | None = None) -> dict[str, Any]:
    comp: dict[str, Any] = {"id": "override", "type": "manager_override", "measure": "team_bookings",
                            "basis": basis, "rate": rate}
    if threshold is not None:
        comp["threshold"] = threshold
    return {
        "id": plan_id,
        "currency": currency,
        "period": "quarter",
        "measures": [{"id": "team_bookings", "credit_kinds": ["roll_up"]}],
        "components": [comp],
    }


def plan_documents() -> list[dict[str, Any]]:
    """Every plan of the demo company as a plan document (dict)."""
    return [
        _ae("ae_usd", "USD", "75000", "750", None),
        _ae("ae_eur", "EUR", "70000", "700", None),
        _ae("ae_ramp_usd", "USD", "75000", "750", "6000"),
        _override("director_usd", "USD", "first_dollar", "0.015"),
        _override("director_eur", "EUR", "first_dollar", "0.015"),
        _override("vp_usd", "USD", "first_dollar", "0.006"),
        _override("vp_eur", "EUR", "first_dollar", "0.006"),
        _override("cso", "USD", "first_dollar", "0.003"),
        _override("cro", "USD", "above_threshold", "0.004", "1000000"),
        {
            "id": "sdr",
            "currency": "USD",
            "period": "quarter",
            "measures": [
                {"id": "meetings", "aggregation": "count", "credit_kinds": ["sdr_sourced"]},
                {"id": "sourced_pipeline", "credit_kinds": ["sdr_sourced"]},
            ],
            "components": [
                {"id": "meetings", "type": "per_unit", "measure": "meetings", "amount_per_unit": "150"},
                {"id": "sourced_pipeline", "type": "flat_rate", "measure": "sourced_pipeline", "rate": "0.01"},
            ],
        },
        {
            "id": "sdr_manager",
            "currency": "USD",
            "period": "quarter",
            "measures": [{"id": "team_sourced", "credit_kinds": ["roll_up"]}],
            "components": [{"id": "override", "type": "manager_override", "measure": "team_sourced",
                            "basis": "first_dollar", "rate": "0.004"}],
        },
        {
            "id": "am",
            "currency": "USD",
            "period": "quarter",
            "measures": [
                {"id": "renewals", "deal_types": ["renewal", "cancellation"], "credit_kinds": ["account_manager"]},
                {"id": "expansion", "deal_types": ["upsell"], "credit_kinds": ["account_manager"]},
            ],
            "components": [
                {"id": "renewals", "type": "flat_rate", "measure": "renewals", "rate": "0.03"},
                {"id": "expansion", "type": "flat_rate", "measure": "expansion", "rate": "0.08"},
            ],
        },
        {
            "id": "am_lead",
            "currency": "USD",
            "period": "quarter",
            "measures": [{"id": "team_retention", "credit_kinds": ["roll_up"]}],
            "components": [{"id": "override", "type": "manager_override", "measure": "team_retention",
                            "basis": "first_dollar", "rate": "0.005"}],
        },
        {
            "id": "marketing",
            "currency": "USD",
            "period": "quarter",
            "measures": [{"id": "marketing_pipeline", "credit_kinds": ["marketing_sourced"]}],
            "components": [{"id": "sourced", "type": "flat_rate", "measure": "marketing_pipeline", "rate": "0.005"}],
        },
        {
            "id": "operations",
            "currency": "USD",
            "period": "quarter",
            "measures": [{"id": "none"}],
            "components": [{"id": "mbo", "type": "mbo", "target": "4000",
                            "objectives": [{"id": "close_on_time", "weight": "0.6"},
                                           {"id": "data_quality", "weight": "0.4"}]}],
        },
    ]
