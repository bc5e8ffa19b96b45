"""Plan the next quarter: funnel measures, forecast, capacity and plan cost (docs/planning.md).

- :mod:`.history`: the opportunity-history table (declared schema, strict validation);
- :mod:`.funnel`: win rates, cycle times, stage conversion, pipeline created, coverage;
- :mod:`.retention`: GRR / NRR of account managers' books.
"""

from __future__ import annotations

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
from .retention import retention

__all__ = [
    "FunnelSummary",
    "OpportunityHistory",
    "coverage",
    "cycle_times",
    "funnel_summary",
    "funnel_by_source",
    "opportunity_history",
    "pipeline_created",
    "retention",
    "stage_conversion",
    "win_rates",
]
