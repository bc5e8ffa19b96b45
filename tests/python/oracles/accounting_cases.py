"""Seeded random books for the accounting oracle (no salescomp import).

A book holds 1-20 cost lines in JPY, USD and KWD (0, 2, 3 minor digits) under
one random policy (every month convention, remainder placement, plug and life
rounding mode, termination policy, practical expedient, customer life from the
line, the policy or churn). Lines cover every decision (not incremental,
renewal, commensurate or not, term equal to / longer / shorter than the life),
both patterns (revenue weights with zero months and zero tails), costs
incurred before, on and after the contract start (and after the window end),
starts on the 1st and mid-month, tiny amounts over long windows and amounts
that tie in the largest remainder. Events: clawbacks (within, at and beyond
the balance, after a termination, on an expensed line), extensions, changes in
estimate (longer and shorter), terminations; several on the same day and in
the same month, in any input order.

Only valid books are made: events on or after the cost, clawbacks of a line
at most its amount, after a termination only clawbacks, a change in estimate
dated on or after F whose new window reaches its month.
"""

from __future__ import annotations

import datetime as dt
import random

# bound at import: the oracle's mutants (test_oracle_accounting.py) must not change the books
from .accounting_oracle import Refused, decide, first_month, month_of

CURRENCIES = {"JPY": 0, "USD": 2, "KWD": 3}
MODES = ("HalfEven", "HalfUp", "HalfDown", "Up", "Down", "Ceiling", "Floor", "Unnecessary")
CHURN = ("0.2", "0.15", "0.08", "0.07", "0.25", "0.3", "1", "0.5", "0.125", "0.35", "0.09")
WEIGHTS = ("0", "0", "1", "1", "2.5", "0.0001", "3", "7.1234", "100")
BASE = dt.date(2026, 1, 1)


def _policy(rng: random.Random) -> dict:
    policy = {
        "practical_expedient": rng.random() < 0.4,
        "month_convention": rng.choice(["full_month", "next_month", "daily_prorated"]),
        "remainder": rng.choice(["largest_remainder", "final_period_plug"]),
        "plug_rounding": rng.choice(MODES[:-1] + ("Down",) * 6),
        "termination": rng.choice(["amortise_then_write_off", "write_off_all"]),
        "life_rounding": rng.choice(MODES[:-1]),
    }
    if rng.random() < 0.05:  # Unnecessary: exact on tiny/round amounts, an error otherwise
        policy["plug_rounding"] = "Unnecessary"
    roll = rng.random()
    if roll < 0.3:
        policy["expected_customer_life_months"] = rng.choice([6, 12, 24, 36, 40, 60])
    if roll > 0.15:
        policy["annual_churn_rate"] = rng.choice(CHURN)
    return policy


def _amount(rng: random.Random, term: int) -> int:
    roll = rng.random()
    if roll < 0.15:
        return rng.randint(1, 12)  # tiny: a schedule that ends early
    if roll < 0.4:  # a multiple of the term, +-1: remainder ties
        return term * rng.randint(1, 5000) + rng.choice([0, 0, 1, -1, term // 2])
    return rng.randint(1, 10 ** rng.choice([3, 5, 7, 10]))


def _line(rng: random.Random, line_id: int, policy: dict) -> dict:
    incurred = BASE + dt.timedelta(days=rng.randint(0, 420))
    roll = rng.random()
    if roll < 0.2:
        start = incurred
    elif roll < 0.35:
        start = (incurred + dt.timedelta(days=rng.randint(-80, 80))).replace(day=1)
    else:
        start = incurred + dt.timedelta(days=rng.randint(-120, 90))
    term = rng.choice([1, 2, 3, 5, 6, 11, 12, 13, 24, 36, rng.randint(1, 48)])
    line = {
        "line_id": line_id,
        "currency": rng.choice(list(CURRENCIES)),
        "incurred": incurred,
        "contract_start": start,
        "term_months": term,
        "kind": rng.choice(["initial", "renewal", "expansion"]),
        "incremental": rng.random() < 0.9,
        "renewal_commensurate": rng.random() < 0.5,
        "customer_life_months": 0,
        "pattern": "revenue_proportional" if rng.random() < 0.3 else "straight_line",
    }
    if rng.random() < 0.3 or not (
        policy.get("expected_customer_life_months") or policy.get("annual_churn_rate")
    ):
        line["customer_life_months"] = rng.choice([term, term, 1, 12, 24, 36, term + 1, 60])
    line["amount"] = max(1, _amount(rng, term))
    if not line["incremental"] and rng.random() < 0.3:  # no term on a cost that is not incremental
        line["term_months"], line["pattern"] = None, "straight_line"
    return line


def _revenue(rng: random.Random, line: dict, policy: dict, period: int) -> list[dict]:
    first = first_month(line, policy)
    extra = rng.choice([0, 0, 3, 12])
    weights = [rng.choice(WEIGHTS) for _ in range(period + extra)]
    if rng.random() < 0.3:  # revenue stops early: later re-spreads fall back to straight-line
        cut = rng.randint(1, period)
        weights = weights[:cut] + ["0"] * (len(weights) - cut)
    if not any(w != "0" for w in weights[:period]):
        weights[rng.randrange(period)] = "1"
    rows = []
    for k, w in enumerate(weights):
        if w == "0" and rng.random() < 0.5:
            continue  # a missing month weighs 0 too
        m = first + k
        day = rng.choice([1, 15, 28])
        rows.append(
            {"line_id": line["line_id"], "month": dt.date(m // 12, m % 12 + 1, day), "weight": w}
        )
    return rows


def _event_date(rng: random.Random, line: dict, period: int, near: list) -> dt.date:
    if near and rng.random() < 0.4:  # the same day or the same month as another event
        other = rng.choice(near)
        return (
            other
            if rng.random() < 0.5
            else max(line["incurred"], other.replace(day=rng.randint(1, 28)))
        )
    span = 31 * (period + 2) + 60
    return line["incurred"] + dt.timedelta(days=rng.randint(0, span))


def _events(rng: random.Random, line: dict, policy: dict, period: int) -> list[dict]:
    dates: list = []
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 4])):
        dates.append(_event_date(rng, line, period, dates))
    dates.sort()
    kinds = [
        rng.choice(["clawback", "clawback", "extension", "change_in_estimate", "termination"])
        for _ in dates
    ]
    out, clawable, terminated_on = [], line["amount"], None
    first = first_month(line, policy)
    for date, kind in zip(dates, kinds):
        if terminated_on is not None and date > terminated_on:
            kind = "clawback"
        if kind == "clawback" and clawable == 0:
            continue
        ev = {
            "line_id": line["line_id"],
            "kind": kind,
            "date": date,
            "amount": None,
            "months": None,
        }
        if kind == "clawback":
            ev["amount"] = rng.choice(
                [clawable, rng.randint(1, clawable), rng.randint(1, max(1, clawable // 4))]
            )
            clawable -= ev["amount"]
        elif kind == "extension":
            ev["months"] = rng.choice([1, 2, 3, 6, 12])
        elif kind == "change_in_estimate":
            m = month_of(date)
            if m < first:
                continue
            ev["months"] = max(1, m - first + 1) + rng.choice([0, 0, 1, 2, 5, 12])
        elif terminated_on is None:
            terminated_on = date
        else:
            continue
        out.append(ev)
    return out


def random_book(rng: random.Random) -> dict:
    policy = _policy(rng)
    n = rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20])
    ids = rng.sample(range(1, 1000), n)
    costs, events, revenue = [], [], []
    for line_id in ids:
        line = _line(rng, line_id, policy)
        costs.append(line)
        try:
            _, _, period = decide(line, policy)
        except Refused:
            period = line["term_months"]
        if not line["incremental"]:
            period = line["term_months"] or 1
        if line["pattern"] == "revenue_proportional":
            revenue += _revenue(rng, line, policy, period)
        events += _events(rng, line, policy, period)
    rng.shuffle(events)  # input order must not matter
    book = {"policy": policy, "costs": costs, "events": events, "revenue": revenue}
    if rng.random() < 0.3:  # roll_forward / journal over a sub-range (or a wider one)
        start = BASE + dt.timedelta(days=rng.randint(-60, 500))
        book["range"] = (start, start + dt.timedelta(days=rng.randint(0, 400)))
    return book


def books(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield random_book(rng)
