"""Seeded random companies for the crediting oracle (no salescomp import).

A company has 5-60 people: a CRO, directors, managers, account executives and
SDRs paid in USD, EUR or JPY (0 and 2 minor digits), some hired during the
year (deals closed before their start), some leaving, some on leave. Managers
and teams are effective-dated: people change manager and team mid-month, often
on a deal's close date, and some have a gap with no manager. Deals of every
type (refunds and cancellations negative), in every currency, with revenue
splits (halves and thirds of odd amounts: tie cents), overlays, SDR sourcing
and created dates. Rules: direct, revenue_split, overlay, sdr_sourced and one
or two roll-ups of depth 1-4 with share 1 or less; credits in pay, deal or
reporting currency, FX on the deal date or the period end, every rounding
mode; fiscal years starting in January, February, April or July.

Quotas (for the attainment part): monthly and quarterly person rows in the
person's pay currency (or the reporting currency), percent ramps, calendar-day
or month proration with and without leaves, relief, explicit team rows, tiny
quotas against large credits (the display ratio's overflow).
"""

from __future__ import annotations

import datetime as dt
import random

CURRENCIES = ("USD", "EUR", "JPY")
EXPONENT = {"USD": 2, "EUR": 2, "JPY": 0}
MODES = ("HalfEven", "HalfUp", "HalfDown", "Up", "Down", "Ceiling", "Floor")
DEAL_TYPES = ("new_business", "renewal", "upsell", "cross_sell", "cancellation", "refund")
SPLITS = (
    ("0.5", "0.5"),
    ("0.25", "0.75"),
    ("0.3", "0.3", "0.4"),
    ("0.2", "0.2", "0.2", "0.4"),
    ("0.6", "0.4"),
    ("0.125", "0.125", "0.75"),
)
YEAR_START = dt.date(2026, 1, 1)
LONG_AGO = dt.date(2020, 1, 1)
TERRITORIES = ("north", "south", "Île", "東京")
ROLLABLE = ("direct", "revenue_split", "overlay", "sdr_sourced", "territory", "account_manager")
KINDS = ROLLABLE + ("marketing_sourced", "roll_up")
CUSTOMERS = ("acme", "zeta", "Ωmega", "bolt", "café")


def _day(rng: random.Random, lo: int = 0, hi: int = 364) -> dt.date:
    return YEAR_START + dt.timedelta(days=rng.randint(lo, hi))


def _people(rng: random.Random, n: int) -> tuple[list[dict], dict[str, int]]:
    levels = [0] + [1] * max(1, n // 12) + [2] * max(1, n // 6)
    levels += [3] * (n - len(levels))
    people, level = [], {}
    for i, lv in enumerate(levels[:n]):
        role = {0: "cro", 1: "sales_director", 2: "sales_manager"}.get(lv) or rng.choice(
            ["ae"] * 13 + ["sdr"] * 4 + ["marketing", "marketing", "account_manager"]
        )
        start = LONG_AGO if rng.random() < 0.8 else _day(rng, 0, 300)
        end = _day(rng, 100, 364) if rng.random() < 0.08 else None
        if end is not None and end < start:
            end = None
        pid = f"{role[:3]}{i:02d}"
        people.append(
            {
                "id": pid,
                "role": role,
                "start": start,
                "end": end,
                "currency": rng.choice(CURRENCIES),
            }
        )
        level[pid] = lv
    rng.shuffle(people)  # the roster order (ties in splits) is not the hierarchy order
    return people, level


def _assignments(rng, people, level, deal_dates) -> list[dict]:
    rows = []
    by_level: dict[int, list[str]] = {}
    for p in people:
        by_level.setdefault(level[p["id"]], []).append(p["id"])
    for p in people:
        lv = level[p["id"]]
        if lv == 0:
            continue
        bosses = [q for k in range(lv) for q in by_level.get(k, [])]
        near = [q for q in by_level.get(lv - 1, [])] or bosses
        first = rng.choice(near)
        if rng.random() < 0.25:  # a change of manager, often on a deal date
            change = (
                rng.choice(deal_dates) if deal_dates and rng.random() < 0.6 else _day(rng, 20, 340)
            )
            second = rng.choice(bosses)
            gap = dt.timedelta(days=rng.choice([1, 1, 1, 5]))  # 5: some days without a manager
            rows.append(_row(p["id"], "manager", first, LONG_AGO, change - dt.timedelta(days=1)))
            rows.append(_row(p["id"], "manager", second, change - dt.timedelta(days=1) + gap, None))
        else:
            rows.append(_row(p["id"], "manager", first, LONG_AGO, None))
    return rows


def _row(person, field, value, start, to) -> dict:
    return {"person": person, "field": field, "value": value, "from": start, "to": to}


def _teams(rng, people, level, deal_dates) -> list[dict]:
    """Individual contributors in teams of their pay currency (team quotas add up)."""
    rows = []
    for p in people:
        if level[p["id"]] < 3:
            continue
        names = [f"team-{p['currency']}-{k}" for k in (1, 2)]
        first = rng.choice(names)
        if rng.random() < 0.25:
            change = (
                rng.choice(deal_dates) if deal_dates and rng.random() < 0.6 else _day(rng, 20, 340)
            )
            rows.append(_row(p["id"], "team", first, LONG_AGO, change - dt.timedelta(days=1)))
            other = names[1] if first == names[0] else names[0]
            rows.append(_row(p["id"], "team", other, change, None))
        else:
            rows.append(_row(p["id"], "team", first, LONG_AGO, None))
    return rows


def _territories(rng, people, level, deal_dates) -> list[dict]:
    """Territories of managers and individual contributors (effective-dated), and role
    changes (an AE who becomes an account manager) for the territory rule's `role`."""
    rows = []
    for p in people:
        if level[p["id"]] < 2 or rng.random() < 0.4:
            continue
        first, second = rng.sample(TERRITORIES, 2)
        if rng.random() < 0.25:
            change = rng.choice(deal_dates) if deal_dates else _day(rng, 20, 340)
            rows.append(_row(p["id"], "territory", first, LONG_AGO, change - dt.timedelta(days=1)))
            rows.append(_row(p["id"], "territory", second, change, None))
        else:
            rows.append(_row(p["id"], "territory", first, LONG_AGO, None))
        if p["role"] == "ae" and rng.random() < 0.2:
            rows.append(_row(p["id"], "role", "account_manager", _day(rng, 0, 300), None))
    return rows


def _account_managers(rng, people, deal_dates) -> list[dict]:
    pool = [p["id"] for p in people if p["role"] in ("account_manager", "ae")] or [people[0]["id"]]
    rows = []
    for customer in CUSTOMERS:
        if rng.random() < 0.2:
            continue  # a customer without an account manager
        if rng.random() < 0.3 and deal_dates:  # a hand-over, on a deal date
            change = rng.choice(deal_dates)
            a, b = rng.choice(pool), rng.choice(pool)
            rows.append(
                {
                    "customer": customer,
                    "person": a,
                    "from": LONG_AGO,
                    "to": change - dt.timedelta(days=1),
                }
            )
            rows.append({"customer": customer, "person": b, "from": change, "to": None})
        else:
            start = LONG_AGO if rng.random() < 0.8 else _day(rng, 0, 200)
            rows.append(
                {"customer": customer, "person": rng.choice(pool), "from": start, "to": None}
            )
    return rows


def _amount(rng: random.Random, kind: str) -> int:
    roll = rng.random()
    if roll < 0.1:
        size = rng.randint(1, 9)  # tiny: shares round to 0 or a unit
    elif roll < 0.4:
        size = rng.choice([2, 3, 4, 6, 8, 12]) * rng.randint(1, 5000) + 1  # odd: tie cents
    else:
        size = rng.randint(1, 10 ** rng.choice([4, 6, 9]))
    return -size if kind in ("cancellation", "refund") else size


def _deals(rng, people, close_dates, territories) -> list[dict]:
    sellers = [p for p in people if p["role"] in ("ae", "sales_manager")] or people
    sdrs = [p["id"] for p in people if p["role"] == "sdr"]
    marketers = [p["id"] for p in people if p["role"] == "marketing"]
    deals = []
    for i, close in enumerate(close_dates):
        owner = rng.choice(sellers)
        if owner["end"] is not None and close > owner["end"]:
            close = owner["end"]  # nobody owns deals after they left
        kind = rng.choice(DEAL_TYPES)
        deal = {
            "id": 1000 + i,
            "owner": owner["id"],
            "close": close,
            "amount": _amount(rng, kind),
            "currency": rng.choice(CURRENCIES),
            "type": kind,
            "source": "",
            "source_person": "",
            "created": close - dt.timedelta(days=rng.randint(0, 60)),
        }
        roll = rng.random()
        if sdrs and roll < 0.3:
            deal["source"], deal["source_person"] = "sdr", rng.choice(sdrs)
        elif roll < 0.5:  # marketing-sourced, by a person or the rule's pool
            deal["source"] = "marketing"
            deal["source_person"] = rng.choice(marketers) if marketers and roll < 0.4 else ""
        deal["customer"] = rng.choice(CUSTOMERS + ("",))
        deal["territory"] = rng.choice(territories + [""]) if territories else ""
        deal["first_touch_source"] = rng.choice(["marketing", "sales", "", "partner"])
        deal["first_marketing_touch"] = rng.choice(
            [None, close - dt.timedelta(days=rng.randint(0, 90))]
        )
        deal["first_sales_activity"] = rng.choice(
            [None, close - dt.timedelta(days=rng.randint(0, 90))]
        )
        if deal["first_marketing_touch"] and rng.random() < 0.3:  # on the same day: not before
            deal["first_sales_activity"] = deal["first_marketing_touch"]
        deals.append(deal)
    return deals


def _splits(rng, people, deals) -> list[dict]:
    rows = []
    ids = [p["id"] for p in people]
    for deal in deals:
        if rng.random() < 0.25:
            shares = rng.choice(SPLITS)
            for person, share in zip(rng.sample(ids, len(shares)), shares):
                rows.append(
                    {"deal": deal["id"], "person": person, "share": share, "kind": "revenue"}
                )
        if rng.random() < 0.15:
            for person in rng.sample(ids, rng.randint(1, 2)):
                share = rng.choice(["0.1", "0.05", "1", "1.5", "0.333", "0.5"])
                rows.append(
                    {"deal": deal["id"], "person": person, "share": share, "kind": "overlay"}
                )
    return rows


def _rules(rng: random.Random, people: list[dict]) -> list[dict]:
    rules = [{"kind": "direct"}]
    if rng.random() < 0.2:
        rules[0]["share"] = rng.choice(["0.5", "0.9", "1.25"])
    rules.append({"kind": "revenue_split"})
    if rng.random() < 0.8:
        rules.append({"kind": "overlay", "measure": rng.choice(["bookings", "overlay"])})
    if rng.random() < 0.7:
        sdr = {"kind": "sdr_sourced", "share": rng.choice(["1", "0.1", "0.25", "0.333"])}
        sdr["measure"] = rng.choice(["bookings", "sourced"])
        if rng.random() < 0.3:
            sdr["date"] = "created"
        rules.append(sdr)
    if rng.random() < 0.4:
        am = {"kind": "account_manager", "measure": rng.choice(["bookings", "nrr"])}
        if rng.random() < 0.5:
            am["share"] = rng.choice(["0.5", "1", "0.05"])
        if rng.random() < 0.3:
            am["deal_types"] = rng.sample(DEAL_TYPES, 2)
        rules.append(am)
    if rng.random() < 0.4:
        mk = {"kind": "marketing_sourced", "share": rng.choice(["0.1", "1", "0.15"])}
        mk["sourced"] = rng.choice(["lead_source", "first_touch", "marketing_touch_before_sales"])
        pool = [p["id"] for p in people if p["role"] == "marketing"]
        if pool and rng.random() < 0.7:
            mk["person"] = rng.choice(pool)
        rules.append(mk)
    if rng.random() < 0.4:
        territory = {"kind": "territory", "share": rng.choice(["1", "0.2", "0.01"])}
        if rng.random() < 0.5:
            territory["role"] = rng.choice(["sales_manager", "ae", "account_manager"])
        territory["measure"] = rng.choice(["bookings", "territory"])
        rules.append(territory)
    for _ in range(rng.choice([1, 1, 1, 2])):
        roll_up = {
            "kind": "roll_up",
            "depth": rng.randint(1, 4),
            "share": rng.choice(["1", "1", "0.5", "0.25", "0.1"]),
        }
        if rng.random() < 0.3:  # roll-ups of other credit kinds than direct and splits
            roll_up["rolls_up"] = rng.sample(ROLLABLE, rng.randint(1, 3))
        rules.append(roll_up)
    rng.shuffle(rules)  # the rule index is lineage; roll-ups run after the others anyway
    return rules


def _fx(rng: random.Random) -> list[tuple]:
    quotes = []
    for src, dst in (("EUR", "USD"), ("USD", "JPY"), ("EUR", "JPY")):
        if rng.random() < 0.5:  # quoted the other way: converted by exact division
            src, dst = dst, src
        quotes += _quotes(rng, src, dst)
    return quotes


def _quotes(rng: random.Random, src: str, dst: str) -> list[tuple]:
    out = []
    for month in range(0, 13, rng.choice([1, 3, 6])):
        d = YEAR_START + dt.timedelta(days=31 * month + rng.randint(0, 20))
        d = LONG_AGO if month == 0 else d  # a rate for every date, created dates included
        if dst == "JPY":
            rate = f"{rng.randint(140, 170)}.{rng.randint(0, 99):02d}"
        elif src == "JPY":
            rate = rng.choice(["0.0066", "0.00625", "0.007", "0.0064"])
        else:
            rate = rng.choice(["1.1", "1.5", "0.9", "1.0825", "1.2", "0.8"])
        out.append((src, dst, d, rate))
    return out


def _quotas(rng, people, start_month, reporting, steady) -> tuple[list[dict], list[dict]]:
    rows, relief = [], []
    fy = 2026 if start_month == 1 else 2027
    for p in people:
        if rng.random() < 0.2:
            continue
        ccy = reporting or p["currency"]
        for number in sorted(rng.sample(range(1, 13), rng.randint(1, 6))):
            rows.append(
                _quota(p["id"], "person", "month", fy, number, _quota_amount(rng, ccy), ccy)
            )
        if rng.random() < 0.3:
            number = rng.randint(1, 4)
            rows.append(
                _quota(p["id"], "person", "quarter", fy, number, _quota_amount(rng, ccy), ccy)
            )
    for row in rows:  # relief on people employed all year: the final quota stays >= 0
        if row["subject"] in steady and rng.random() < 0.15:
            amount = rng.randint(-500, row["amount"] // 2)
            relief.append(
                {**row, "amount": amount, "reason": rng.choice(["moved", "añadido", "x"])}
            )
    if reporting is None:
        for ccy in CURRENCIES:
            for k in (1, 2):
                if rng.random() < 0.3:
                    number = rng.randint(1, 12)
                    team = f"team-{ccy}-{k}"
                    rows.append(
                        _quota(team, "team", "month", fy, number, _quota_amount(rng, ccy), ccy)
                    )
    return rows, relief


def _quota(subject, kind, period_kind, fy, number, amount, ccy) -> dict:
    return {
        "subject": subject,
        "subject_kind": kind,
        "measure": "bookings",
        "period_kind": period_kind,
        "fiscal_year": fy,
        "number": number,
        "amount": amount,
        "currency": ccy,
    }


def _quota_amount(rng: random.Random, ccy: str) -> int:
    if rng.random() < 0.05:
        return rng.choice([0, 1])  # a zero quota, or one unit against large credits
    return rng.randint(1, 10**6) * 10 ** EXPONENT[ccy]


def random_company(rng: random.Random, people_range=(5, 60)) -> dict:
    n = rng.randint(*people_range)
    people, level = _people(rng, n)
    close_dates = sorted(_day(rng) for _ in range(rng.randint(5, 3 * n)))
    assignments = _assignments(rng, people, level, close_dates)
    assignments += _teams(rng, people, level, close_dates)
    assignments += _territories(rng, people, level, close_dates)
    territories = sorted({a["value"] for a in assignments if a["field"] == "territory"})
    deals = _deals(rng, people, close_dates, territories)
    rng.shuffle(deals)  # input order must not matter
    leaves = []
    for p in people:
        if rng.random() < 0.1:
            first = _day(rng, 0, 330)
            leaves.append(
                {
                    "person": p["id"],
                    "first": first,
                    "last": first + dt.timedelta(days=rng.randint(0, 30)),
                }
            )
    currency = rng.choice(["pay", "pay", "deal", "reporting"])
    settings = {
        "currency": currency,
        "reporting_currency": rng.choice(CURRENCIES) if currency == "reporting" else None,
        "fx_date": rng.choice(["deal_date", "period_end"]),
        "period_kind": rng.choice(["month", "month", "quarter", "half", "year"]),
        "rounding": rng.choice(MODES),
    }
    start_month = rng.choice([1, 1, 2, 4, 7])
    reporting = settings["reporting_currency"]
    on_leave = {lv["person"] for lv in leaves}
    steady = {p["id"] for p in people if p["start"] == LONG_AGO and not p["end"]} - on_leave
    quotas, relief = _quotas(rng, people, start_month, reporting, steady)
    teams = {a["value"] for a in assignments if a["field"] == "team"}
    quotas = [q for q in quotas if q["subject_kind"] == "person" or q["subject"] in teams]
    return {
        "people": people,
        "assignments": assignments,
        "leaves": leaves,
        "deals": deals,
        "splits": _splits(rng, people, deals),
        "rules": _rules(rng, people),
        "account_managers": _account_managers(rng, people, close_dates),
        "settings": settings,
        "fx": _fx(rng),
        "start_month": start_month,
        "quotas": quotas if currency != "deal" else [],
        "relief": relief if currency != "deal" else [],
        "ramps": {
            p["id"]: rng.choice([["0", "0.5"], ["0.25", "0.5", "0.75"], ["0.5"]])
            for p in people
            if p["start"] > LONG_AGO and rng.random() < 0.6
        },
        "proration": rng.choice(["calendar_days", "months", "business_days"]),
        "weekend": rng.choice([(5, 6), (5, 6), (4, 5), (6,)]),
        "holidays": sorted({_day(rng) for _ in range(rng.randint(0, 8))}),
        "team_quota": rng.choice(["sum_of_members", "sum_of_members", "explicit"]),
        "through": _day(rng, 100, 364) if rng.random() < 0.2 else None,
        "person_kinds": rng.sample(KINDS, rng.randint(1, 4)) if rng.random() < 0.2 else None,
        "team_kinds": rng.sample(ROLLABLE, rng.randint(1, 3)) if rng.random() < 0.2 else None,
        "prorate_leaves": rng.random() < 0.8,
        "quota_rounding": rng.choice(MODES),
    }


def companies(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield random_company(rng)
