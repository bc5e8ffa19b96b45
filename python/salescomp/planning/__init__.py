"""Plan the next quarter: funnel measures, forecast, capacity and plan cost (docs/planning.md).

- :mod:`.history`: the opportunity-history table (declared schema, strict validation);
- :mod:`.funnel`: win rates, cycle times, stage conversion, pipeline created, coverage;
- :mod:`.retention`: GRR / NRR of account managers' books;
- :mod:`.forecast`: next-period bookings (weighted open pipeline + pipeline not yet created,
  seeded Monte Carlo P10/P50/P90) and its backtest;
- :mod:`.seasonality`: creation factors by fiscal quarter of the year;
- :mod:`.forecast_pay`: the engine's exact pay on each person's P10 / P50 / P90 bookings;
- :mod:`.capacity`: hires and their timing for a number (ramp, attrition, productivity);
- :mod:`.plan_cost`: the engine's exact payouts of the roster under plan variants;
- :mod:`.next_quarter`: all of it for a company, as the report and ``salescomp plan`` show it.
"""

from __future__ import annotations

from .capacity import CapacityPlan, capacity_plan, monthly_hazard, ramp_by_quarter
from .forecast import Backtest, Forecast, backtest, forecast
from .forecast_pay import forecast_pay
from .funnel import (
    FunnelSummary,
    coverage,
    cycle_times,
    funnel_by_source,
    funnel_summary,
    pipeline_created,
    stage_conversion,
    win_rates,
)
from .history import OpportunityHistory, opportunity_history
from .next_quarter import NextQuarter, next_quarter
from .plan_cost import PlanCost, Variant, plan_cost
from .retention import retention

__all__ = [
    "Backtest",
    "CapacityPlan",
    "Forecast",
    "FunnelSummary",
    "NextQuarter",
    "OpportunityHistory",
    "PlanCost",
    "Variant",
    "backtest",
    "capacity_plan",
    "coverage",
    "cycle_times",
    "forecast",
    "forecast_pay",
    "funnel_by_source",
    "funnel_summary",
    "monthly_hazard",
    "next_quarter",
    "opportunity_history",
    "pipeline_created",
    "plan_cost",
    "ramp_by_quarter",
    "retention",
    "stage_conversion",
    "win_rates",
]
