"""What the forecast would pay: the engine run on each person's forecast bookings.

For a scenario (P10, P50 or P90) every forecast owner gets one direct new-business credit,
dated the middle of the period, equal to their own percentile of the simulated bookings
(each person at their own percentile, so the people's amounts do not add up to the company's
percentile). The forecast is in the reporting currency; a person paid in another currency
gets ``amount / planning rate``. That amount is a statistic turned into money once, rounded
half-even to the plan currency's minor unit; the pay on it is the engine's exact payout
(:func:`salescomp.engine.run_period`) under the person's plan, quotas and the period's
state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pyarrow as pa

from .._core import Currency

__all__ = ["SCENARIOS", "forecast_pay"]

SCENARIOS = ("p10", "p50", "p90")


def _credits(
    amounts: Mapping[int, Decimal], currency_of: Mapping[int, str], day: dt.date
) -> dict[str, list[Any]]:
    people = sorted(amounts)
    return {
        "person": people,
        "deal": list(range(len(people))),
        "date": [day] * len(people),
        "amount": [amounts[p] for p in people],
        "currency": [currency_of[p] for p in people],
        "kind": ["direct"] * len(people),
        "deal_type": ["new_business"] * len(people),
    }


def forecast_pay(
    summary: pa.Table,
    *,
    person_index: Mapping[str, int],
    plans: Sequence[Any],
    assignments: Sequence[Mapping[str, Any]],
    quotas: Sequence[Mapping[str, Any]],
    period: Mapping[str, Any],
    rates: Mapping[str, Any],
    reporting_currency: str,
) -> pa.Table:
    """Pay per scenario and plan currency: scenario, currency, people, bookings (the credits,
    exact), pay (exact), cost_of_sales (float). ``summary`` is :attr:`Forecast.summary`;
    ``assignments``/``quotas``/``plans`` are the run's (people by run index, as
    :func:`salescomp.engine.run_period` takes them) and should hold the forecast owners only."""
    from ..engine import run_period

    rows = [r for r in summary.to_pylist() if r["level"] == "person" and r["name"] in person_index]
    plan_currency = {p.id: p.currency.code for p in plans}
    currency_of = {a["person"]: plan_currency[a["plan"]] for a in assignments}
    first, last = period["start"], period["end"]
    day = first + (last - first) // 2
    out: dict[str, list[Any]] = {
        k: [] for k in ("scenario", "currency", "people", "bookings", "pay", "cost_of_sales")
    }
    for scenario in SCENARIOS:
        amounts = {}
        for r in rows:
            person = person_index[r["name"]]
            code = currency_of.get(person)
            if code is None:
                continue
            rate = Decimal(1) if code == reporting_currency else Decimal(str(rates[code]))
            places = Decimal(1).scaleb(-Currency(code).exponent)
            amounts[person] = (Decimal(repr(r[scenario])) / rate).quantize(places, ROUND_HALF_EVEN)
        run = run_period(
            plans=plans,
            assignments=assignments,
            credits=_credits(amounts, currency_of, day),
            period=period,
            quotas=quotas,
            explanations=False,
        )
        for code in sorted(set(currency_of.values())):
            people = [p for p in amounts if currency_of[p] == code]
            booked = sum((amounts[p] for p in people), Decimal(0))
            paid = sum((s.total for s in run.statements if s.currency == code), Decimal(0))
            out["scenario"].append(scenario)
            out["currency"].append(code)
            out["people"].append(len(people))
            out["bookings"].append(booked)
            out["pay"].append(paid)
            out["cost_of_sales"].append(float(paid / booked) if booked else None)
    scale = max((Currency(c).exponent for c in out["currency"]), default=2)
    return pa.table(
        {
            "scenario": pa.array(out["scenario"], pa.string()),
            "currency": pa.array(out["currency"], pa.string()),
            "people": pa.array(out["people"], pa.int64()),
            "bookings": pa.array(out["bookings"], pa.decimal128(38, scale)),
            "pay": pa.array(out["pay"], pa.decimal128(38, scale)),
            "cost_of_sales": pa.array(out["cost_of_sales"], pa.float64()),
        }
    )
