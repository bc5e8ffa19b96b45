"""A first run on your own data: neutral default credit rules and ``salescomp init``.

:data:`NEUTRAL_CREDIT_RULES` are the rules of a folder without config.json: they name no
person or pool of the demo company (the demo's rules credit a marketing pool ``mkt_demand``),
so any roster closes. :func:`write_template` writes the smallest folder ``salescomp run``
closes: two people, one plan, a few deals and quotas, and a README that explains every column
(CSV has no comments, so the comments live there).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["NEUTRAL_CREDIT_RULES", "write_template"]

#: The owner is credited with each deal (or the revenue-split participants, when the deal has
#: split rows), and managers up the chain get a roll-up of it: the same measure, ``bookings``.
NEUTRAL_CREDIT_RULES: list[dict[str, Any]] = [
    {"kind": "direct", "name": "owner"},
    {"kind": "revenue_split", "name": "split"},
    {"kind": "roll_up", "name": "manager_rollup", "depth": 8},
]

_PEOPLE = """person_id,role,start_date,pay_currency
rep.one@example.com,account_executive,2025-01-06,USD
lead.one@example.com,sales_manager,2024-03-01,USD
"""

_ASSIGNMENTS = """person_id,field,value,from
rep.one@example.com,manager,lead.one@example.com,2025-01-06
rep.one@example.com,team,team_one,2025-01-06
rep.one@example.com,plan,ae,2025-01-06
lead.one@example.com,team,team_one,2024-03-01
lead.one@example.com,plan,manager,2024-03-01
"""

_DEALS = """id,owner,close_date,amount,currency,type
1,rep.one@example.com,2026-01-20,40000.00,USD,new_business
2,rep.one@example.com,2026-02-14,25000.00,USD,new_business
3,rep.one@example.com,2026-03-30,35000.00,USD,new_business
"""

_QUOTAS = """subject,measure,period_kind,fiscal_year,number,amount,currency
rep.one@example.com,bookings,quarter,2026,1,100000.00,USD
lead.one@example.com,bookings,quarter,2026,1,100000.00,USD
"""

_PLANS: list[dict[str, Any]] = [
    {
        "id": "ae",
        "currency": "USD",
        "period": "quarter",
        "measures": [{"id": "bookings", "credit_kinds": ["direct", "revenue_split"]}],
        "components": [
            {
                "id": "commission",
                "type": "tiered",
                "measure": "bookings",
                "basis": "attainment",
                "mode": "marginal",
                "tiers": [{"from": "0", "to": "1", "rate": "0.08"}, {"from": "1", "rate": "0.12"}],
            }
        ],
    },
    {
        "id": "manager",
        "currency": "USD",
        "period": "quarter",
        "measures": [{"id": "bookings", "credit_kinds": ["roll_up"]}],
        "components": [
            {
                "id": "override",
                "type": "tiered",
                "measure": "bookings",
                "basis": "attainment",
                "mode": "marginal",
                "tiers": [{"from": "0", "rate": "0.02"}],
            }
        ],
    },
]

_README = """# A salescomp input folder

Edit these files, then close a quarter:

    salescomp run THIS_FOLDER --out OUT_FOLDER            # the last complete quarter of the data
    salescomp run THIS_FOLDER --out OUT_FOLDER --quarter 1

The full layout (every optional table, config.json) is in docs/analyst.md; plans are in
docs/plan-reference.md. Ids are your own text (e-mail addresses are fine). Amounts are
written as exact decimals (`40000.00`), never in cents; dates are YYYY-MM-DD.

## people.csv: one row per person
- person_id: your id for the person
- role: account_executive, sales_manager, sales_director, sdr, account_manager, ...
- start_date: first day on the roster
- pay_currency: ISO code the person is paid in (USD, EUR, ...)

## assignments.csv: who reports to whom, team, plan, dated
- person_id, field (manager, team, territory or plan), value, from (the day it starts)

## deals.csv: closed deals
- id: an integer deal number; owner: a person_id; close_date; amount; currency
- type: new_business, cross_sell, upsell, renewal or cancellation

## quotas.csv: quota per person, measure and period
- subject (a person_id), measure (a plan measure, here bookings), period_kind (quarter),
  fiscal_year, number (the quarter, 1..4), amount, currency

## plans.json: the compensation plans (a list); assignments name them by id
- `ae`: 8% of bookings up to quota, 12% above it (marginal tiers on attainment)
- `manager`: 2% of the team's rolled-up bookings

## config.json (optional)
Without it: the fiscal year starts in January, the fiscal year is the latest one in
quotas.csv, the as-of date is the latest deal close date, and crediting is neutral (the
owner or the split participants, rolled up to their managers). A fiscal year starting in
February: `{"fiscal_start_month": 2}`. Schema: docs/config-schema.json.
"""


def write_template(folder: str | os.PathLike[str]) -> Path:
    """Write the starting folder to ``folder``, completely or not at all. Only a new or empty
    folder is written (anything else raises :class:`salescomp._output.RefusedOutputFolder`):
    init never replaces files, even ones salescomp wrote, since they are meant to be edited."""
    from ._output import RefusedOutputFolder, atomic_directory

    target = Path(folder)
    if target.is_symlink() or (target.exists() and (not target.is_dir() or any(target.iterdir()))):
        raise RefusedOutputFolder(
            f"{target}: not a new or empty folder; salescomp init writes only into "
            "a new folder (it never replaces files)"
        )
    files = {
        "people.csv": _PEOPLE,
        "assignments.csv": _ASSIGNMENTS,
        "deals.csv": _DEALS,
        "quotas.csv": _QUOTAS,
        "plans.json": json.dumps(_PLANS, indent=2) + "\n",
        "README.md": _README,
    }
    with atomic_directory(target, command="init") as tmp:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
    return target
