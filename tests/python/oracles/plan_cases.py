"""Seeded random cases for the plan oracle (no salescomp import).

One case is one person on one random plan over the pay periods of a calendar
(four months across a quarter end, four months across a year end, or two
quarters). Covered: every rounding
mode and both scopes, JPY/USD/KWD; measures with filters, multipliers and
count aggregation; flat_rate and tiered (marginal, retroactive, hybrid,
interpolated; both edges; attainment and amount bases) with band and whole
adjustments above and below, soft, attainment, per-deal, per-period and
per-year caps, kickers, gates (both bases and effects, other measures and
spans) and every accumulation; target_incentive (flat and extend),
per_unit, manager_override (three bases), milestone_bonus, spif, mbo, the
three draw kinds and clawbacks (three methods, both window ends, reversed
attainment; cancellations often exactly on a window's end), payout timing on
booking, invoice and collection (rows or a collection date) with and without
holdbacks, plan changes inside a period (both splits) and at a period
start, credits and quotas in other currencies (EUR, and quoted both ways),
pay currencies. Measures land exactly on a level of the plan, or one minor
unit beside it, in about half of the periods; refunds (negative credits) and
whole periods of refunds occur.
"""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction

from .plan_oracle import _D, CALENDARS, EXPONENTS, KINDS, minor_units

MODES = ("HalfEven", "HalfUp", "HalfDown", "Up", "Down", "Ceiling", "Floor", "Unnecessary")
DEAL_TYPES = ("new_business", "renewal", "upsell", "cross_sell", "cancellation", "refund")
LEVELS = ("0", "0.25", "0.5", "0.8", "1", "1.2", "1.5", "2")
RATES = (
    "0.05",
    "0.1",
    "0.02",
    "0.075",
    "0.125",
    "0.333333333333",
    "0.0375",
    "0.5",
    "1",
    "0",
    "0.07",
)
UP = ("1.5", "2", "1.25", "3", "1.1", "10", "1")
DOWN = ("0.5", "0.75", "0", "0.25", "0.9", "1")
FACTORS = ("0", "0.1", "0.5", "1", "1.2", "1.45", "2", "0.333333333333", "10")
ACCUMULATIONS = ("period", "quarter_to_date", "year_to_date")


def _money(rng: random.Random, exponent: int, big: int) -> str:
    """A positive amount with at most the currency's decimals, up to about `big` units."""
    unit = 10**exponent
    roll = rng.randrange(4)
    minor = (big * unit, unit, 5 * unit)[roll] if roll < 3 else rng.randint(1, big * unit)
    return _text(minor, exponent)


def _text(minor: int, exponent: int) -> str:
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**exponent)
    return f"{sign}{whole}.{frac:0{exponent}d}" if exponent else f"{sign}{whole}"


def _levels(rng: random.Random, k: int) -> list[str]:
    return sorted(rng.sample(LEVELS[1:], k), key=float)


# ----------------------------------------------------------------------------- modifiers


def _adjustments(rng: random.Random) -> list[dict]:
    out = []
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        above = rng.random() < 0.5
        out.append(
            {
                "direction": "above" if above else "below",
                "level": rng.choice(LEVELS),
                "multiplier": rng.choice(UP if above else DOWN),
                "scope": rng.choice(["band", "whole"]),
            }
        )
    return out


def _gate(rng: random.Random, exponent: int) -> dict | None:
    if rng.random() > 0.25:
        return None
    g: dict = {"effect": rng.choice(["no_payout", "no_accelerator"])}
    if rng.random() < 0.3:
        g["basis"] = "amount"
        g["level"] = _money(rng, exponent, 100000)
    else:
        g["level"] = rng.choice(LEVELS)
    if rng.random() < 0.3:
        g["measure"] = rng.choice(["m0", "m1"])
    if rng.random() < 0.5:
        g["accumulation"] = rng.choice(ACCUMULATIONS)
    return g


def _caps(rng: random.Random, exponent: int, kinds: tuple[str, ...]) -> dict:
    caps: dict = {}
    for kind in kinds:
        if rng.random() > 0.2:
            continue
        if kind in ("per_deal", "per_period", "per_year"):
            caps[kind] = _money(rng, exponent, rng.choice([100, 5000, 20000]))
        elif kind == "attainment":
            caps[kind] = rng.choice(LEVELS[2:])
        else:
            caps[kind] = {"level": rng.choice(LEVELS), "multiplier": rng.choice(DOWN)}
    return caps


def _rate_modifiers(rng: random.Random, c: dict, exponent: int, per_deal: bool) -> dict:
    c["accumulation"] = rng.choice(ACCUMULATIONS)
    adjustments = _adjustments(rng)
    if adjustments:
        c["adjustments"] = adjustments
    gate = _gate(rng, exponent)
    if gate:
        c["gate"] = gate
    kinds = ("per_period", "per_year", "attainment", "soft") + (("per_deal",) if per_deal else ())
    caps = _caps(rng, exponent, kinds)
    if caps:
        c["caps"] = caps
    if rng.random() < 0.2:
        c["kicker"] = {"level": rng.choice(LEVELS), "multiplier": rng.choice(UP)}
    return c


# ----------------------------------------------------------------------------- components


def _tiered(rng: random.Random, cid: str, exponent: int) -> dict:
    mode = rng.choice(["marginal", "retroactive", "hybrid", "interpolated"])
    amount_basis = rng.random() < 0.2
    n = rng.randint(1, 4)
    if amount_basis:
        starts = sorted(rng.sample(range(1, 200), n - 1))
        froms = ["0"] + [_text(s * 500 * 10**exponent, exponent) for s in starts]
    else:
        froms = ["0"] + _levels(rng, n - 1)
    tiers = []
    for i, f in enumerate(froms):
        t = {"from": f, "rate": rng.choice(RATES)}
        if i + 1 < n:
            t["to"] = froms[i + 1]
            if mode == "interpolated":
                t["rate_to"] = rng.choice(RATES)
        tiers.append(t)
    c = {
        "id": cid,
        "type": "tiered",
        "measure": rng.choice(["m0", "m0", "m1"]),
        "mode": mode,
        "tiers": tiers,
    }
    if amount_basis:
        c["basis"] = "amount"
    if rng.random() < 0.4:
        c["edge"] = rng.choice(["lower_inclusive", "upper_inclusive"])
    if mode == "hybrid":
        c["hybrid_threshold"] = rng.choice(froms)
    return _rate_modifiers(rng, c, exponent, per_deal=False)


def _curve(rng: random.Random) -> dict:
    points = [{"attainment": "0", "factor": rng.choice(FACTORS[:4])}]
    for lv in _levels(rng, rng.randint(1, 3)):
        points.append({"attainment": lv, "factor": rng.choice(FACTORS)})
    return {"points": points, "beyond": rng.choice(["flat", "extend"])}


def _component(rng: random.Random, kind: str, cid: str, exponent: int, calendar: str) -> dict:
    if kind == "flat_rate":
        c = {
            "id": cid,
            "type": "flat_rate",
            "measure": rng.choice(["m0", "m0", "m1"]),
            "rate": rng.choice(RATES),
        }
        return _rate_modifiers(rng, c, exponent, per_deal=True)
    if kind == "tiered":
        return _tiered(rng, cid, exponent)
    if kind == "target_incentive":
        c = {
            "id": cid,
            "type": "target_incentive",
            "measure": rng.choice(["m0", "m1"]),
            "target": _money(rng, exponent, 10000),
            "curve": _curve(rng),
            "accumulation": rng.choice(ACCUMULATIONS),
        }
        gate = _gate(rng, exponent)
        if gate:
            c["gate"] = gate
        caps = _caps(rng, exponent, ("per_period", "per_year", "attainment"))
        if caps:
            c["caps"] = caps
        return c
    if kind == "per_unit":
        c = {
            "id": cid,
            "type": "per_unit",
            "measure": "n",
            "amount_per_unit": _money(rng, exponent, 100),
        }
        caps = _caps(rng, exponent, ("per_period", "per_year"))
        if caps:
            c["caps"] = caps
        return c
    if kind == "manager_override":
        basis = rng.choice(["first_dollar", "above_threshold", "team_attainment"])
        c = {"id": cid, "type": "manager_override", "measure": "m1", "basis": basis}
        if basis == "team_attainment":
            c["target"] = _money(rng, exponent, 20000)
            c["curve"] = _curve(rng)
        else:
            c["rate"] = rng.choice(RATES)
        if basis == "above_threshold":
            c["threshold"] = _money(rng, exponent, 50000)
        return c
    if kind == "milestone_bonus":
        levels = _levels(rng, rng.randint(1, 3))
        c = {
            "id": cid,
            "type": "milestone_bonus",
            "measure": rng.choice(["m0", "m1"]),
            "milestones": [
                {"id": f"q{lv}", "attainment": lv, "amount": _money(rng, exponent, 3000)}
                for lv in levels
            ],
        }
        if rng.random() < 0.5:
            c["accumulation"] = rng.choice(ACCUMULATIONS)
        return c
    if kind == "spif":
        periods = CALENDARS[calendar]
        lo = periods[0][0] + dt.timedelta(days=rng.randint(0, 60))
        hi = lo + dt.timedelta(days=rng.randint(0, 90))
        c = {"id": cid, "type": "spif", "from": lo.isoformat(), "to": hi.isoformat()}
        if rng.random() < 0.4:
            c["deal_types"] = rng.sample(DEAL_TYPES[:4], rng.randint(1, 2))
        if rng.random() < 0.3:
            c["products"] = rng.sample([1, 2, 3], rng.randint(1, 2))
        if rng.random() < 0.3:
            c["min_credit"] = _money(rng, exponent, 20000)
        roll = rng.random()
        if roll < 0.7:
            c["amount_per_deal"] = _money(rng, exponent, 500)
        if roll > 0.4:
            c["rate"] = rng.choice(RATES)
        return c
    if kind == "mbo":
        k = rng.randint(1, 3)
        cuts = sorted(rng.randint(0, 20) for _ in range(k - 1))
        weights = [b - a for a, b in zip([0] + cuts, cuts + [20])]
        c = {
            "id": cid,
            "type": "mbo",
            "target": _money(rng, exponent, 5000),
            "objectives": [{"id": f"o{i}", "weight": str(w / 20)} for i, w in enumerate(weights)],
        }
        if rng.random() < 0.5:
            c["max_achievement"] = rng.choice(["1", "1.5", "0.5", "2"])
        return c
    if kind == "clawback":
        c = {"id": cid, "type": "clawback", "window_days": rng.choice([0, 30, 45, 60, 90])}
        if rng.random() < 0.5:
            c["window_end"] = rng.choice(["inclusive", "exclusive"])
        c["method"] = rng.choice(["full", "pro_rata_unserved_term", "stepped"])
        fit = [d for d in (10, 30, 45, 60, 90) if d <= c["window_days"]]
        if c["method"] == "stepped" and not fit:
            c["method"] = "full"
        if c["method"] == "stepped":
            steps = sorted(rng.sample(fit, rng.randint(1, min(3, len(fit)))))
            shares = sorted(
                (rng.choice(["1", "0.5", "0.25", "0.333333333333"]) for _ in steps), reverse=True
            )
            c["steps"] = [{"within_days": d, "share": sh} for d, sh in zip(steps, shares)]
        if rng.random() < 0.5:
            c["reverse_attainment"] = rng.random() < 0.5
        return c
    c = {
        "id": cid,
        "type": "draw",
        "kind": rng.choice(
            ["non_recoverable_guarantee", "recoverable_guarantee", "recoverable_draw"]
        ),
        "amount": _money(rng, exponent, 5000),
        "term_periods": rng.randint(1, 3),
    }
    if rng.random() < 0.5:
        c["forgive_at_term_end"] = rng.random() < 0.5
    return c


COMPONENT_KINDS = (
    ["flat_rate"] * 4
    + ["tiered"] * 5
    + ["target_incentive"] * 2
    + ["per_unit", "manager_override", "milestone_bonus", "spif", "mbo", "draw"]
    + ["clawback"] * 3
)


def _measures(rng: random.Random) -> list[dict]:
    m0: dict = {"id": "m0"}
    if rng.random() < 0.25:
        m0["multipliers"] = [
            {
                "min_term_months": rng.choice([12, 24, 36]),
                "factor": rng.choice(["1.2", "1.5", "0.5", "2"]),
            }
        ]
        if rng.random() < 0.5:
            m0["multipliers"].insert(
                0, {"deal_types": ["upsell"], "factor": rng.choice(["1.25", "0.75", "1"])}
            )
    m1: dict = {"id": "m1"}
    roll = rng.random()
    if roll < 0.3:
        m1["deal_types"] = rng.sample(DEAL_TYPES, rng.randint(1, 3))
    elif roll < 0.6:
        m1["credit_kinds"] = rng.sample(KINDS[:4], rng.randint(1, 2))
    elif roll < 0.8:
        m1["products"] = rng.sample([1, 2, 3], rng.randint(1, 2))
    n = {"id": "n", "aggregation": "count"}
    if rng.random() < 0.5:
        n["credit_kinds"] = ["direct", "sdr_sourced"]
    return [m0, m1, n]


def plan(rng: random.Random, calendar: str, currency: str | None = None) -> dict:
    currency = currency or rng.choice(["JPY", "USD", "KWD"])
    exponent = EXPONENTS[currency]
    kinds = rng.sample(COMPONENT_KINDS, rng.randint(1, 3))
    for once in ("draw", "clawback"):  # at most one of each
        if kinds.count(once) > 1:
            kinds = [k for k in kinds if k != once] + [once]
    components = [_component(rng, k, f"c{i}", exponent, calendar) for i, k in enumerate(kinds)]
    p: dict = {
        "id": "p",
        "currency": currency,
        "period": "quarter" if calendar == "quarter" else "month",
        "measures": _measures(rng),
        "components": components,
    }
    if rng.random() < 0.8:
        mode = rng.choice(MODES) if rng.random() < 0.9 else "Unnecessary"
        p["rounding"] = {"mode": mode}
        if rng.random() < 0.35:
            p["rounding"]["scope"] = "per_statement"
            if mode == "Unnecessary" and rng.random() < 0.5:
                # twin lines of half a unit each: inexact lines, an exact total
                twin = {"type": "flat_rate", "measure": "m0", "rate": "0.05"}
                components += [{"id": "t0", **twin}, {"id": "t1", **twin}]
    if rng.random() < 0.2:
        p["payout_timing"] = {"basis": rng.choice(["booking", "invoice", "collection"])}
        if rng.random() < 0.6:
            p["payout_timing"]["holdback"] = {
                "share": rng.choice(["0.2", "0.5", "0.1", "0.9", "0.333333333333"]),
                "release_after_days": rng.choice([0, 30, 60, 90]),
            }
    return p


# ----------------------------------------------------------------------------- credits and quotas


def _amount(rng: random.Random, exponent: int) -> int:
    """Minor units: mostly sales, some refunds, some amounts with a half-unit tie under 5% rates."""
    unit = 10**exponent
    roll = rng.randrange(4)
    if roll == 0:
        minor = rng.randint(1, 100) * 1000 * unit
    elif roll == 1:
        minor = rng.randint(1, 10**5) * unit + rng.randrange(unit)
    elif roll == 2:
        minor = rng.randint(1, 10**7)
    else:
        minor = rng.randint(1, 9) * 10  # 0.05 x 30 = 1.5 minor units: a tie
    return -minor if rng.random() < 0.15 else minor


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _target_levels(case_plan: dict) -> list[tuple[dict, str]]:
    """(component, level) pairs on m0 a balancing credit can land on (m0 unweighted)."""
    out = []
    for c in case_plan["components"]:
        if c.get("measure") != "m0":
            continue
        levels = [
            t["from"] for t in c.get("tiers", ()) if c.get("basis", "attainment") == "attainment"
        ]
        levels += [a["level"] for a in c.get("adjustments", ())]
        levels += [p["attainment"] for p in c.get("curve", {}).get("points", ())]
        levels += [m["attainment"] for m in c.get("milestones", ())]
        caps = c.get("caps", {})
        levels += [caps["attainment"]] if "attainment" in caps else []
        levels += [caps["soft"]["level"]] if "soft" in caps else []
        levels += [c["kicker"]["level"]] if "kicker" in c else []
        g = c.get("gate")
        if g and g.get("basis", "attainment") == "attainment" and g.get("measure", "m0") == "m0":
            levels.append(g["level"])
        out += [(c, lv) for lv in levels]
    return out


def _span_start(acc: str, bounds) -> dt.date:
    start, _, qs, ys = bounds
    return {"period": start, "quarter_to_date": qs, "year_to_date": ys}[acc]


def case(rng: random.Random) -> dict:
    calendar = rng.choice(["month", "month", "quarter", "year_end"])
    p = plan(rng, calendar)
    exponent = EXPONENTS[p["currency"]]
    periods = CALENDARS[calendar]
    change = _change(rng, calendar, p) if rng.random() < 0.25 else None
    timing = "payout_timing" in p or bool(change and "payout_timing" in change["plan"])
    fx = _fx(rng, p, change)
    deals: list[list[int]] = []
    credits: list[list] = []
    quotas: list[list] = []
    mbo: list[list] = []
    unweighted = "multipliers" not in p["measures"][0]
    targets = _target_levels(p) if unweighted else []
    for i, bounds in enumerate(periods):
        start, end = bounds[0], bounds[1]
        for m in ("m0", "m1", "n"):
            if m == "m0" and fx.get("quota"):
                c = fx["quota"]
                quotas.append(
                    [m, start.isoformat(), _text(_quota(rng, EXPONENTS[c]), EXPONENTS[c]), c]
                )
            else:
                quotas.append([m, start.isoformat(), _text(_quota(rng, exponent), exponent)])
        for _ in range(rng.choice([0, 1, 2, 3, 4, 6])):
            day = _day(rng, start, end)
            if deals and rng.random() < 0.2:  # another credit of an earlier deal
                deal = rng.randrange(len(deals))
            else:
                deal = len(deals)
                deals.append(_deal(rng, day, exponent, timing))
            kind = rng.choice(KINDS) if rng.random() < 0.3 else "direct"
            deal_type = rng.choice(DEAL_TYPES)
            credit = [day.isoformat(), deal, kind, deal_type]
            if fx.get("credits") and rng.random() < 0.4:  # a credit in another currency
                c = rng.choice(fx["credits"])
                credits.append(credit + [_text(_amount(rng, EXPONENTS[c]), EXPONENTS[c]), c])
            else:
                credits.append(credit + [_text(_amount(rng, exponent), exponent)])
        if targets and rng.random() < 0.6:
            credits += _balancing(rng, targets, bounds, credits, quotas, exponent, len(deals))
            if credits and credits[-1][1] == len(deals):
                deals.append(_deal(rng, _D(credits[-1][0]), exponent, timing))
        for c in p["components"]:
            if c["type"] == "mbo":
                for o in c["objectives"]:
                    mbo.append(
                        [
                            i,
                            c["id"],
                            o["id"],
                            rng.choice(["0", "0.5", "1", "1.2", "0.333333333333", "2"]),
                        ]
                    )
    out = {
        "calendar": calendar,
        "plan": p,
        "deals": deals,
        "credits": credits,
        "quotas": quotas,
        "mbo": mbo,
    }
    if change:
        out["change"] = change
    if fx.get("credits"):
        out["fx_date"] = fx["date"]
    if fx.get("pay"):
        out["pay"] = fx["pay"]
    return out


# the currencies with a quote to or from each plan currency (plan_oracle.FX_QUOTES)
QUOTED = {"USD": ("EUR", "JPY", "KWD"), "JPY": ("EUR", "USD"), "KWD": ("EUR", "USD")}


def _fx(rng: random.Random, p: dict, change: dict | None) -> dict:
    """Foreign credits (converted at the credit date or the period end), a foreign quota, a
    foreign pay currency; not for Unnecessary plans (a conversion's error names the credit)."""
    plans = [p] + ([change["plan"]] if change else [])
    if any(q.get("rounding", {}).get("mode") == "Unnecessary" for q in plans):
        return {}
    others = QUOTED[p["currency"]]
    out: dict = {}
    if rng.random() < 0.3:
        out["credits"] = rng.sample(others, rng.randint(1, len(others)))
        out["date"] = rng.choice(["credit_date", "period_end"])
        if rng.random() < 0.3:
            out["quota"] = rng.choice(others)
    if rng.random() < 0.2:
        out["pay"] = rng.choice(others)
    return out


def _change(rng: random.Random, calendar: str, first: dict) -> dict:
    """A second plan (same currency) in force from a date: a split period or a clean switch.

    Every combination is drawn, deferred payout timing in a split period and a SPIF of the
    first plan under prorated_targets included (the two engine bugs the oracle found, fixed;
    reproducers in test_oracle_plans.py, ENGINE_BUGS)."""
    periods = CALENDARS[calendar]
    second = plan(rng, calendar, first["currency"])
    # its MBO achievements would need entering too: the second plan has none
    second["components"] = [c for c in second["components"] if c["type"] != "mbo"]
    if not second["components"]:
        second["components"] = [{"id": "c0", "type": "flat_rate", "measure": "m0", "rate": "0.05"}]
    if rng.random() < 0.3:
        switch = rng.choice(periods[1:])[0]  # on a period start: no split period
    else:
        switch = _day(rng, periods[0][0] + dt.timedelta(days=1), periods[-1][1])
    split = rng.choice(["credits_by_date", "prorated_targets"])
    return {"plan": second, "from": switch.isoformat(), "split": split}


def _deal(rng: random.Random, close: dt.date, exponent: int, timing: bool) -> list:
    """[product, term_months, close date, cancellation date or None(, payment events)]."""
    days = rng.choice([0, 30, 45, 60, 90, rng.randint(0, 100)])  # often on a window's end
    cancel = close + dt.timedelta(days=days) if rng.random() < 0.3 else None
    deal = [
        rng.randint(1, 3),
        rng.choice([12, 24, 36]),
        close.isoformat(),
        cancel and cancel.isoformat(),
    ]
    if timing:
        deal.append(_payment_events(rng, close, exponent))
    return deal


def _payment_events(rng: random.Random, close: dt.date, exponent: int) -> dict:
    """Invoice date, deal amount and collections (rows, or one collection date)."""

    def later() -> str:
        return (close + dt.timedelta(days=rng.choice([0, 30, rng.randint(0, 100)]))).isoformat()

    amount = rng.randint(1, 10**5) * 10**exponent
    events: dict = {"amount": _text(amount, exponent)}
    if rng.random() < 0.8:
        events["invoice"] = later()
    roll = rng.random()
    if roll < 0.4:
        parts = [rng.randint(0, amount) for _ in range(rng.randint(1, 3))]
        events["collections"] = [[later(), _text(p, exponent)] for p in parts]
    elif roll < 0.7:
        events["collection_date"] = later()
    return events


def _quota(rng: random.Random, exponent: int) -> int:
    unit = 10**exponent
    roll = rng.randrange(5)
    if roll == 3:
        return rng.randint(1, 10**6) * unit
    if roll == 4:
        return rng.randint(1, 10**9)
    return (10**5 * unit, 5 * 10**4 * unit, 3 * unit)[roll]


def _balancing(rng, targets, bounds, credits, quotas, exponent, deal) -> list[list]:
    """One credit that puts a component's m0 span measure on level x Q, or one unit beside."""
    c, level = rng.choice(targets)
    start = _span_start(
        c.get("accumulation", "year_to_date" if c["type"] == "milestone_bonus" else "period"),
        bounds,
    )
    end = bounds[1]
    lo, hi = start.isoformat(), end.isoformat()
    # in the plan currency only: foreign credits and quotas make the aim approximate
    x = sum(minor_units(c[4], exponent) for c in credits if lo <= c[0] <= hi and len(c) == 5)
    q = sum(
        minor_units(c[2], exponent)
        for c in quotas
        if c[0] == "m0" and lo <= c[1] <= hi and len(c) == 3
    )
    goal = Fraction(level) * q
    goal = (goal.numerator // goal.denominator) + rng.choice([0, 0, 1, -1, 1])
    amount = goal - x
    if amount == 0:
        return []
    return [
        [
            _day(rng, bounds[0], end).isoformat(),
            deal,
            "direct",
            "new_business",
            _text(amount, exponent),
        ]
    ]


def cases(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield case(rng)
