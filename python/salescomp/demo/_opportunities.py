"""The demo company's opportunity history (won, lost and open) and account managers' book.

Generated deterministically from a seed with Python's ``random.Random`` and integer cents,
like the rest of the demo: every account executive creates opportunities from their start
date (or 2024-01-01) to :data:`salescomp.demo.AS_OF`; each moves discovery -> proposal ->
commit -> won, stopping (lost) with a probability at every step and a cycle of a few weeks
per stage; what has not closed by the snapshot date is open at the stage it had reached.
Q4 is busier than the rest of the year (sales seasonality).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

__all__ = ["HISTORY_START", "PLANNING_RATES", "opportunity_history", "account_book"]

HISTORY_START = dt.date(2024, 1, 1)
#: Planning rate of each non-USD currency (1 EUR = 1.08 USD).
PLANNING_RATES = {"EUR": "1.08"}

_STAGES = ("discovery", "proposal", "commit")
# Probability of moving on from each stage (the last one: of being won).
_ADVANCE = {"smb": (0.62, 0.70, 0.74), "mid": (0.58, 0.66, 0.70), "enterprise": (0.52, 0.60, 0.66)}
_AMOUNT = {"smb": (8_000, 30_000), "mid": (25_000, 80_000), "enterprise": (70_000, 220_000)}
_DAYS = {"smb": (6, 20), "mid": (10, 30), "enterprise": (18, 45)}


def _source(rng: random.Random) -> str:
    r = rng.random()
    return "sdr" if r < 0.38 else "marketing" if r < 0.66 else "partner" if r < 0.78 else "sales"


def opportunity_history(company: Any) -> tuple[Any, Any]:
    """(opportunities, stage_history) pyarrow tables for the demo company ``company``."""
    import pyarrow as pa

    rng = random.Random(company.seed * 7 + 14)
    people = company.people.to_pydict()
    asg = company.assignments.to_pydict()
    team_of = {p: v for p, f, v in zip(asg["person_id"], asg["field"], asg["value"]) if f == "team"}
    aes = [
        (p, dt.date.fromisoformat(s), c)
        for p, r, s, c in zip(
            people["person_id"], people["role"], people["start_date"], people["pay_currency"]
        )
        if r == "account_executive"
    ]
    opp: dict[str, list[Any]] = {
        k: []
        for k in (
            "opportunity_id",
            "owner",
            "created_date",
            "close_date",
            "outcome",
            "stage",
            "amount",
            "currency",
            "source",
            "segment",
            "team",
        )
    }
    hist: dict[str, list[Any]] = {"opportunity_id": [], "stage": [], "entered": []}
    as_of = company.as_of
    number = 1
    for pid, start, ccy in sorted(aes):
        day = max(HISTORY_START, start)
        while day <= as_of:
            busy = 1.5 if day.month in (10, 11, 12) else 1.0
            ramp = min(1.0, 0.4 + (day - start).days / 180) if start > HISTORY_START else 1.0
            day += dt.timedelta(days=max(1, round(rng.expovariate(busy * ramp / 6.5))))
            if day > as_of:
                break
            segment = rng.choice(("smb", "smb", "mid", "mid", "enterprise"))
            lo, hi = _AMOUNT[segment]
            cents = rng.randrange(lo, hi) * 100 + rng.randrange(100)
            oid = f"OPP-{number:05d}"
            number += 1
            entered, stage, won = [day], 0, False
            when = day
            while True:
                when += dt.timedelta(days=rng.randint(*_DAYS[segment]))
                if rng.random() >= _ADVANCE[segment][stage]:
                    break  # lost at this stage (on `when`)
                if stage == len(_STAGES) - 1:
                    won = True
                    break
                stage += 1
                entered.append(when)
            close = when
            if close > as_of:  # still open: at the stage reached by the snapshot date
                reached = [d for d in entered if d <= as_of]
                outcome, stage = "open", len(reached) - 1
                entered = reached
            else:
                outcome = "won" if won else "lost"
            opp["opportunity_id"].append(oid)
            opp["owner"].append(pid)
            opp["created_date"].append(day)
            opp["close_date"].append(close)
            opp["outcome"].append(outcome)
            opp["stage"].append(_STAGES[stage])
            opp["amount"].append(Decimal(cents).scaleb(-2))
            opp["currency"].append(ccy)
            opp["source"].append(_source(rng))
            opp["segment"].append(segment)
            opp["team"].append(team_of.get(pid, ""))
            for s, d in enumerate(entered):
                hist["opportunity_id"].append(oid)
                hist["stage"].append(_STAGES[s])
                hist["entered"].append(d)
    money = pa.decimal128(18, 2)
    opportunities = pa.table(
        {
            k: pa.array(
                v, money if k == "amount" else pa.date32() if k.endswith("_date") else pa.string()
            )
            for k, v in opp.items()
        }
    )
    stage_history = pa.table(
        {
            "opportunity_id": pa.array(hist["opportunity_id"], pa.string()),
            "stage": pa.array(hist["stage"], pa.string()),
            "entered": pa.array(hist["entered"], pa.date32()),
        }
    )
    return opportunities, stage_history


def account_book(company: Any) -> Any:
    """The account managers' book for the fiscal year: ARR per customer at its start and end."""
    import pyarrow as pa

    rng = random.Random(company.seed * 7 + 15)
    people = company.people.to_pydict()
    ams = sorted(p for p, r in zip(people["person_id"], people["role"]) if r == "account_manager")
    rows: dict[str, list[Any]] = {
        "customer": [],
        "person": [],
        "arr_start": [],
        "arr_end": [],
        "currency": [],
    }
    for n in range(60):
        start = rng.randrange(20_000, 150_000) * 100
        r = rng.random()
        end = (
            0
            if r < 0.10
            else start - start * rng.randrange(5, 30) // 100
            if r < 0.20
            else start + start * rng.randrange(5, 40) // 100
            if r < 0.60
            else start
        )
        rows["customer"].append(f"B{n + 1:04d}")
        rows["person"].append(ams[n % len(ams)])
        rows["arr_start"].append(Decimal(start).scaleb(-2))
        rows["arr_end"].append(Decimal(end).scaleb(-2))
        rows["currency"].append("USD")
    money = pa.decimal128(18, 2)
    return pa.table(
        {k: pa.array(v, money if k.startswith("arr") else pa.string()) for k, v in rows.items()}
    )
