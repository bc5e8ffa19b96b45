"""Independent oracle for commission plans and the period run, written from
docs/plan-reference.md and docs/money.md alone.

Pure Python with ``fractions.Fraction``; it imports nothing from salescomp.
A *case* (see plan_cases.py) is one person on one plan over a few pay periods:
``calendar``, ``plan`` (the plan document as a dict), ``deals``
(``[product, term_months, close, cancellation or None(, payment events)]``;
the dates only matter to clawbacks and payout timing), ``credits``
(``[date, deal, kind, deal_type, amount(, currency)]``), ``quotas``
(``[measure, period_start, amount(, currency)]``), ``mbo`` (``[period,
component, objective, achievement]``) and optionally ``change`` (a second plan
from a date), ``fx_date`` and ``pay`` (a pay currency). ``simulate(case)``
runs the periods in order with the carried state and gives one entry per
period: ``{(component, deal): minor units}`` of the non-zero lines (deal -1
when the line is not tied to a deal; ``("pay", component, deal)`` the same in
the pay currency), or ``None`` when the person's period is refused as inexact
(``Unnecessary``) or for want of a positive quota (a prorated quota rounded to
0), after which the case stops.

Rules used (plan-reference.md unless said):
* amounts in minor units, exact rationals until one rounding per line
  (money.md's table of modes); a weighted credit (measure ``multipliers``)
  is rounded once per credit with the plan's mode (Measures);
* rate components: the signed integral of a piecewise-constant rate over
  ``[0, x]`` after the attainment cap, band adjustments and the soft cap
  multiplying the rate on their side of ``level x Q``; whole adjustments and
  the kicker compare the capped attainment; refunds (x < 0) at the first
  band's rate; the gate decides first (``>=`` opens it); per-deal cap as
  ``sum min(credit x effective rate, cap)`` (the rate just above 0 when the
  deals net to 0); true-up ``earned - paid before in the span``; per-period
  and per-year caps; rounding;
* tiers: marginal / retroactive / hybrid / interpolated, both edge rules,
  attainment and amount bases;
* target_incentive (curve flat below its first point, ``beyond`` flat or
  extend; a closed ``no_accelerator`` gate limits A to 1), per_unit,
  manager_override (three bases), milestone_bonus (each once a year), spif
  (credits of the period, ordered by date, deal, kind, amount), mbo;
* the run: spans and quotas of period / quarter-to-date / year-to-date,
  paid-in-quarter and paid-in-year state (a new quarter or year starts
  them again, and the milestones paid, over a year end), ``per_statement`` rounding
  (floors, then one unit to the largest fractional parts, earlier line first),
  ``Unnecessary`` (per_statement: only the total must be exact), the draw on
  the period's lines (recovery first, recoverable then guarantee balance,
  forgiveness at term end);
* clawbacks: measure-based lines attributed to the period's deals pro rata to
  their credit (money.md's largest remainder, ties to the smaller deal; not in
  a period with a refund), SPIF lines to their deal; a deal cancelled in the
  period claws back ``k x paid`` (window inclusive / exclusive; full,
  pro rata unserved term, stepped), the magnitude rounded then negated;
  ``reverse_attainment`` takes the deal's credits out of every measure;
* payout timing (booking / invoice / collection, holdbacks): with a deferred
  basis or a holdback, lines on deals are earned, and one ``payout_timing``
  line per deal brings the statement to ``round(earned x basis share x
  released share) - paid before - earned on the deal this period``; a
  cancelled deal's earned but unpaid commission is forfeited; per-deal state
  is dropped once it cannot matter (window passed, nothing outstanding), so a
  later credit on that deal starts afresh;
* mid-period plan changes (case ``change``: a second plan from a date):
  ``credits_by_date`` (each segment pays on its own credits against the
  period's quotas prorated by days, rounded with the segment plan's mode) and
  ``prorated_targets`` (each plan computes the whole period, each line x days /
  period days rounded once); clawbacks, payout timing and the draw once, with
  the last plan, on the whole period; the state (keyed by component id) runs on
  from one segment to the next; a quota prorated to 0 refuses an
  attainment-based component.

* currencies: a credit in another currency is converted with the segment
  plan's mode at the credit date or the period end (``fx_date``), a quota at
  the period end; each line is paid in the pay currency at the period end,
  rounded once (money.md: latest quote on or before the date, the unquoted way
  by exact division, exponents scaled exactly).

Not covered: what-if, restatement, missing quotas, FX under ``Unnecessary``
(the error names the credit row, not the person), two balances of a draw at
once (one draw per plan), explanations' text.
"""

from __future__ import annotations

import datetime as dt
import functools
from fractions import Fraction

EXPONENTS = {"JPY": 0, "USD": 2, "KWD": 3, "EUR": 2}
# Dated quotes "1 from = rate to" (test data the run's FxTable is built from). Each pair is
# quoted one way only, so the other way is an exact division (money.md, FX conversion).
FX_QUOTES = {
    ("EUR", "USD"): [("2025-10-01", "1.1"), ("2026-02-01", "1.2"), ("2026-03-15", "1.15")],
    ("EUR", "JPY"): [("2025-10-01", "160.5"), ("2026-03-01", "158.25")],
    ("KWD", "EUR"): [("2025-10-01", "2.95"), ("2026-04-10", "3.001")],
    ("USD", "JPY"): [("2025-10-01", "150.25"), ("2026-02-15", "148.125")],
    ("USD", "KWD"): [("2025-10-01", "0.307"), ("2026-03-20", "0.3075")],
}
# docs/plan-reference.md lists the credit kinds in this order (the sort key of a credit)
KINDS = (
    "direct",
    "revenue_split",
    "overlay",
    "roll_up",
    "sdr_sourced",
    "account_manager",
    "marketing_sourced",
    "territory",
)
ZERO = Fraction(0)
MEASURED = {  # measure-based component types and the Person method paying them
    "flat_rate": "rate_component",
    "tiered": "rate_component",
    "target_incentive": "target_incentive",
    "per_unit": "per_unit",
    "manager_override": "override",
}


@functools.cache
def dec(text: str) -> Fraction:
    """A decimal of the plan document (a string) as an exact fraction; memoised."""
    return Fraction(text)


class Refused(Exception):
    """The run refuses the person's period."""


class Inexact(Refused):
    """Unnecessary rounding of an inexact value."""


def positive(q):
    """An attainment needs a positive quota (a prorated quota can round to 0)."""
    if q is None or q <= 0:
        raise Refused("no positive quota")
    return q


def needs_quota(c: dict) -> bool:
    """Rate components compare with the quota when a band, level or cap is an attainment."""
    caps = c.get("caps", {})
    return bool(
        (c["type"] == "tiered" and c.get("basis", "attainment") == "attainment")
        or c.get("adjustments")
        or "attainment" in caps
        or "soft" in caps
        or "kicker" in c
    )


# ----------------------------------------------------------------------------- calendars

_D = dt.date.fromisoformat
CALENDARS = {
    # (start, end, quarter_start, year_start) of each pay period run in order
    "month": [
        (_D("2026-01-01"), _D("2026-01-31"), _D("2026-01-01"), _D("2026-01-01")),
        (_D("2026-02-01"), _D("2026-02-28"), _D("2026-01-01"), _D("2026-01-01")),
        (_D("2026-03-01"), _D("2026-03-31"), _D("2026-01-01"), _D("2026-01-01")),
        (_D("2026-04-01"), _D("2026-04-30"), _D("2026-04-01"), _D("2026-01-01")),
    ],
    "quarter": [
        (_D("2026-01-01"), _D("2026-03-31"), _D("2026-01-01"), _D("2026-01-01")),
        (_D("2026-04-01"), _D("2026-06-30"), _D("2026-04-01"), _D("2026-01-01")),
    ],
    # monthly across a year end: the year-to-date state starts again in January
    "year_end": [
        (_D("2025-11-01"), _D("2025-11-30"), _D("2025-10-01"), _D("2025-01-01")),
        (_D("2025-12-01"), _D("2025-12-31"), _D("2025-10-01"), _D("2025-01-01")),
        (_D("2026-01-01"), _D("2026-01-31"), _D("2026-01-01"), _D("2026-01-01")),
        (_D("2026-02-01"), _D("2026-02-28"), _D("2026-01-01"), _D("2026-01-01")),
    ],
}


# ----------------------------------------------------------------------------- rounding


def round_minor(v: Fraction, mode: str) -> int:
    """v (minor units) to an integer with the named mode (money.md's table)."""
    q, r = divmod(v.numerator, v.denominator)  # q = floor(v), 0 <= r < denominator
    if r == 0:
        return q
    positive = v > 0
    if mode == "Floor":
        return q
    if mode == "Ceiling":
        return q + 1
    if mode == "Down":
        return q if positive else q + 1
    if mode == "Up":
        return q + 1 if positive else q
    if mode == "Unnecessary":
        raise Inexact(str(v))
    twice = 2 * r
    if twice != v.denominator:
        return q if twice < v.denominator else q + 1
    if mode == "HalfEven":
        return q if q % 2 == 0 else q + 1
    if mode == "HalfUp":  # ties away from zero
        return q + 1 if positive else q
    return q if positive else q + 1  # HalfDown: ties toward zero


def allocate_statement(exact: list[Fraction], mode: str) -> list[int]:
    """per_statement: the exact sum rounded once, each line its floor, then one unit
    to the lines with the largest fractional parts (earlier line first on ties)."""
    total = round_minor(sum(exact, ZERO), mode)
    floors = [x.numerator // x.denominator for x in exact]
    order = sorted(range(len(exact)), key=lambda i: -(exact[i] - floors[i]))  # stable
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    return floors


# ----------------------------------------------------------------------------- FX


def fx_rate(frm: str, to: str, on: dt.date) -> Fraction:
    """to per from: the latest quote on or before `on`; the inverse pair divided exactly."""

    def latest(quotes):
        return dec([r for d, r in quotes if _D(d) <= on][-1])

    if (frm, to) in FX_QUOTES:
        return latest(FX_QUOTES[(frm, to)])
    return 1 / latest(FX_QUOTES[(to, frm)])


def convert(minor: int, frm: str, to: str, on: dt.date, mode: str) -> int:
    """Minor units of `frm` in `to`, scaled between exponents exactly, rounded once."""
    if frm == to:
        return minor
    scale = Fraction(10) ** (EXPONENTS[to] - EXPONENTS[frm])
    return round_minor(minor * fx_rate(frm, to, on) * scale, mode)


# ----------------------------------------------------------------------------- measures


def weighted(measure: dict, credit: dict, mode: str) -> int:
    """A credit as it counts toward a sum measure: the first matching multiplier's
    factor, rounded once per credit with the plan's mode."""
    for m in measure.get("multipliers", ()):
        if m.get("deal_types") and credit["deal_type"] not in m["deal_types"]:
            continue
        if m.get("products") and credit["product"] not in m["products"]:
            continue
        if credit["term"] < m.get("min_term_months", 0):
            continue
        return round_minor(credit["amount"] * dec(m["factor"]), mode)
    return credit["amount"]


def matches(measure: dict, credit: dict) -> bool:
    return (
        (not measure.get("credit_kinds") or credit["kind"] in measure["credit_kinds"])
        and (not measure.get("deal_types") or credit["deal_type"] in measure["deal_types"])
        and (not measure.get("products") or credit["product"] in measure["products"])
    )


# ----------------------------------------------------------------------------- rate components


def levels_minor(c: dict, q: Fraction | None, exponent: int) -> list[Fraction] | None:
    """The tier lower bounds in minor units (attainment x Q, or money)."""
    if c["type"] != "tiered":
        return None
    if c.get("basis", "attainment") == "attainment":
        return [dec(t["from"]) * q for t in c["tiers"]]
    return [dec(t["from"]) * 10**exponent for t in c["tiers"]]


def band_of(x: Fraction, froms: list[Fraction], edge: str) -> int:
    """The tier x falls in: [from, to) for lower_inclusive, (from, to] for upper_inclusive."""
    k = 0
    for i, f in enumerate(froms):
        if (x >= f) if edge == "lower_inclusive" else (x > f):
            k = i
    return k


def base_pieces(
    c: dict, x: Fraction, q, exponent: int
) -> list[tuple[Fraction, Fraction, Fraction]]:
    """(a, b, rate) pieces covering [min(0, x), max(0, x)] before the band modifiers."""
    if x == 0:
        return []
    if c["type"] == "flat_rate":
        rate = dec(c["rate"])
        return [(min(x, ZERO), max(x, ZERO), rate)]
    tiers = c["tiers"]
    rates = [dec(t["rate"]) for t in tiers]
    if x < 0:  # every point of [x, 0) lies in the first band
        return [(x, ZERO, rates[0])]
    froms = levels_minor(c, q, exponent)
    tos = froms[1:] + [None]
    k = band_of(x, froms, c.get("edge", "lower_inclusive"))
    mode = c.get("mode", "marginal")

    def marginal(first: int):
        return [(froms[i], x if i == k else tos[i], rates[i]) for i in range(first, k + 1)]

    if mode == "marginal":
        return marginal(0)
    if mode == "retroactive":
        return [(ZERO, x, rates[k])]
    if mode == "hybrid":
        th = [dec(t["from"]) for t in tiers].index(dec(c["hybrid_threshold"]))
        if k < th:
            return [(ZERO, x, rates[k])]
        below = [(ZERO, froms[th], rates[th - 1])] if th > 0 else []
        return below + marginal(th)
    # interpolated: the rate linear inside the band, applied to all of x
    r = rates[k]
    if tos[k] is not None and "rate_to" in tiers[k]:
        r += (dec(tiers[k]["rate_to"]) - r) * (x - froms[k]) / (tos[k] - froms[k])
    return [(ZERO, x, r)]


def band_modifiers(c: dict, q, allowed: bool) -> list[tuple[Fraction, Fraction, bool]]:
    """(level in minor units, multiplier, above?) of band adjustments and the soft cap."""
    mods = []
    for a in c.get("adjustments", ()):
        if a.get("scope", "band") != "band":
            continue
        above = a["direction"] == "above"
        if above and not allowed:
            continue
        mods.append((dec(a["level"]) * q, dec(a["multiplier"]), above))
    soft = c.get("caps", {}).get("soft")
    if soft:
        mods.append((dec(soft["level"]) * q, dec(soft["multiplier"]), True))
    return mods


def integrate(pieces, mods) -> Fraction:
    """The integral of rate x modifiers over the pieces, each cut at the modifier levels."""
    total = ZERO
    for a, b, rate in pieces:
        cuts = sorted({a, b} | {lv for lv, _, _ in mods if a < lv < b})
        for lo, hi in zip(cuts, cuts[1:]):
            mid = (lo + hi) / 2
            r = rate
            for lv, m, above in mods:
                if (mid > lv) if above else (mid < lv):
                    r *= m
            total += r * (hi - lo)
    return total


def whole_factor(c: dict, x: Fraction, q, allowed: bool) -> Fraction:
    """Whole-scope adjustments and the kicker on the capped attainment (A >= level)."""
    f = Fraction(1)
    for a in c.get("adjustments", ()):
        if a.get("scope", "band") != "whole":
            continue
        reached = x >= dec(a["level"]) * q
        if a["direction"] == "above" and allowed and reached:
            f *= dec(a["multiplier"])
        if a["direction"] == "below" and not reached:
            f *= dec(a["multiplier"])
    k = c.get("kicker")
    if k and allowed and x >= dec(k["level"]) * q:
        f *= dec(k["multiplier"])
    return f


def cap_attainment(c: dict, x: Fraction, q) -> Fraction:
    cap = c.get("caps", {}).get("attainment")
    return min(x, dec(cap) * q) if cap is not None else x


def rate_earned(c: dict, x: Fraction, q, allowed: bool, exponent: int) -> Fraction:
    """What a flat_rate or tiered component earns on x before the per-deal cap."""
    x = cap_attainment(c, x, q)
    pieces = base_pieces(c, x, q, exponent)
    signed = integrate(pieces, band_modifiers(c, q, allowed))
    if x < 0:
        signed = -signed
    return signed * whole_factor(c, x, q, allowed)


def rate_just_above_zero(c: dict, q, allowed: bool, exponent: int) -> Fraction:
    """earned(d) / d for d below every positive level x Q (modifiers constant there)."""
    levels = [dec(a["level"]) for a in c.get("adjustments", ())]
    caps = c.get("caps", {})
    if caps.get("soft"):
        levels.append(dec(caps["soft"]["level"]))
    if caps.get("attainment") is not None:
        levels.append(dec(caps["attainment"]))
    if c.get("kicker"):
        levels.append(dec(c["kicker"]["level"]))
    positive = [lv * q for lv in levels if q is not None and lv * q > 0]
    d = min(positive) / 2 if positive else Fraction(1)
    return rate_earned(c, d, q, allowed, exponent) / d


def per_deal_capped(c: dict, x, q, allowed, deal_credits, earned, exponent) -> Fraction:
    rho = earned / x if x != 0 else rate_just_above_zero(c, q, allowed, exponent)
    cap = money(c["caps"]["per_deal"], exponent)
    return sum((min(d * rho, cap) for d in deal_credits), ZERO)


# ----------------------------------------------------------------------------- curves


def curve_at(curve: dict, a: Fraction) -> Fraction:
    pts = [(dec(p["attainment"]), dec(p["factor"])) for p in curve["points"]]
    if a <= pts[0][0]:
        return pts[0][1]
    for (a0, y0), (a1, y1) in zip(pts, pts[1:]):
        if a < a1:
            return y0 + (y1 - y0) * (a - a0) / (a1 - a0)
    (a0, y0), (a1, y1) = pts[-2], pts[-1]
    if curve.get("beyond", "flat") == "flat":
        return y1
    return y1 + (y1 - y0) * (a - a1) / (a1 - a0)


def minor_units(text: str, exponent: int) -> int:
    """A credit or quota amount (at most the currency's decimals) in minor units."""
    whole, _, frac = text.lstrip("-").partition(".")
    assert len(frac) <= exponent, text
    value = int(whole) * 10**exponent + int(frac.ljust(exponent, "0") or 0)
    return -value if text.startswith("-") else value


def year_room(cap: Fraction, paid_in_year: int) -> Fraction:
    """per_year: what is left of the cap after this year's payments, never below 0."""
    return max(ZERO, cap - paid_in_year)


@functools.lru_cache(maxsize=1 << 14)
def money(text: str, exponent: int) -> Fraction:
    """An amount of the plan document in minor units."""
    return Fraction(text) * 10**exponent


# ----------------------------------------------------------------------------- draws


def recoverable_from(earnings: int, amount: int, guaranteed: bool) -> int:
    """Recovery comes from the earnings above the guarantee while one is in term, else from all."""
    return max(0, earnings - amount if guaranteed else earnings)


def recover(available: int, recoverable: int, guarantee: int) -> tuple[int, int]:
    """The recoverable balance first, then the guarantee balance (Xactly's order)."""
    from_recoverable = min(available, recoverable)
    return from_recoverable, min(available - from_recoverable, guarantee)


# ----------------------------------------------------------------------------- clawbacks


def _cancellation(deal: list) -> dt.date | None:
    return _D(deal[3]) if len(deal) > 3 and deal[3] else None


def allocate(total: int, weights: list[int]) -> list[int]:
    """money.md: floors of |total| x w / W, leftover units to the largest remainders
    (ties to the earlier part, the smaller deal), a negative total mirrored."""
    W, t = sum(weights), abs(total)
    parts = [t * w // W for w in weights]
    order = sorted(range(len(weights)), key=lambda i: -(t * weights[i] % W))
    for i in order[: t - sum(parts)]:
        parts[i] += 1
    return parts if total >= 0 else [-p for p in parts]


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, clamped to the month's end."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


def clawback_share(c: dict, close: dt.date, cancel: dt.date, term_months: int) -> Fraction | None:
    """k of a cancellation (None outside the window): full 1, pro rata unserved term, or stepped."""
    days = (cancel - close).days
    inclusive = c.get("window_end", "inclusive") == "inclusive"

    def within(limit: int) -> bool:
        return days <= limit if inclusive else days < limit

    if not within(c["window_days"]):
        return None
    method = c.get("method", "full")
    if method == "full":
        return Fraction(1)
    if method == "pro_rata_unserved_term":
        end = add_months(close, term_months)
        return Fraction(max(0, (end - cancel).days), (end - close).days)
    for step in c.get("steps", ()):
        if within(step["within_days"]):
            return dec(step["share"])
    return ZERO


# ----------------------------------------------------------------------------- payout timing


def released(release: dt.date, period_end: dt.date) -> bool:
    """A holdback is released in the period its release date falls in (release <= end)."""
    return release <= period_end


def collected_share(collected: int, amount: int) -> Fraction:
    """Pay on collection: collected / deal amount, at most 1."""
    return min(Fraction(1), max(ZERO, Fraction(collected, amount)))


# ----------------------------------------------------------------------------- one person's periods


class Person:
    """One case run period after period with the state the docs say is carried."""

    def __init__(self, case: dict) -> None:
        self.initial = case["plan"]
        self.use(self.initial)
        self.change = case.get("change")  # {"plan", "from", "split"}: a second plan from a date
        self.exp = EXPONENTS[self.plan["currency"]]
        self.fx_date = case.get("fx_date", "credit_date")
        self.pay = case.get("pay")  # another pay currency, or None
        deals = case["deals"]
        self.credits = sorted(
            (
                {
                    "date": _D(d),
                    "deal": deal,
                    "kind": kind,
                    "deal_type": deal_type,
                    "raw": minor_units(amount, EXPONENTS[ccy[0] if ccy else self.plan["currency"]]),
                    "currency": ccy[0] if ccy else self.plan["currency"],
                    "product": deals[deal][0],
                    "term": deals[deal][1],
                    "cancel": _cancellation(deals[deal]),
                }
                for d, deal, kind, deal_type, amount, *ccy in case["credits"]
            ),
            key=lambda r: (r["date"], r["deal"]),
        )
        self.foreign = any(r["currency"] != self.plan["currency"] for r in self.credits)
        for r in self.credits:
            r["amount"] = r["raw"]
        self.sort_credits()
        self.quotas = [
            (
                q[0],
                _D(q[1]),
                minor_units(q[2], EXPONENTS[q[3] if len(q) > 3 else self.plan["currency"]]),
                q[3] if len(q) > 3 else self.plan["currency"],
            )
            for q in case["quotas"]
        ]
        self.mbo = case.get("mbo", [])
        self.paid_year: dict[str, int] = {}
        self.paid_quarter: dict[str, int] = {}
        self.milestones_paid: set[tuple[str, str]] = set()
        self.draw = [0, 0, 0]  # recoverable balance, guarantee balance, periods elapsed
        self.quarter_start = self.year_start = None
        self.deals = case["deals"]
        self.paid_on_deal: dict[int, int] = {}
        self.earned_on_deal: dict[int, int] = {}  # deferred timing: earned, paid or not
        self.earned_now: dict[int, int] = {}

    def use(self, plan: dict) -> None:
        """The plan in force for a segment of the period, and what follows from it."""
        self.plan = plan
        self.mode = plan.get("rounding", {}).get("mode", "HalfEven")
        self.scope = plan.get("rounding", {}).get("scope", "per_line")
        self.measures = {m["id"]: m for m in plan["measures"]}
        claws = [c for c in plan["components"] if c["type"] == "clawback"]
        self.clawback = claws[-1] if claws else None
        self.reverse = bool(self.clawback and self.clawback.get("reverse_attainment"))
        timing = plan.get("payout_timing") or {}
        self.deferred = timing.get("basis", "booking") != "booking" or "holdback" in timing
        self.track = bool(self.clawback) or self.deferred  # per-deal state is needed

    # -- spans ------------------------------------------------------------------------

    def span_start(self, accumulation: str) -> dt.date:
        return {"period": self.lo, "quarter_to_date": self.qs, "year_to_date": self.ys}[
            accumulation
        ]

    def span_credits(self, measure_id: str, start: dt.date):
        m = self.measures[measure_id]
        return [
            r
            for r in self.credits
            if start <= r["date"] <= self.hi and matches(m, r) and self.counts(r)
        ]

    def counts(self, r: dict) -> bool:
        """reverse_attainment: a deal cancelled by the period end no longer counts."""
        return not (self.reverse and r["cancel"] is not None and r["cancel"] <= self.end)

    def measure(self, measure_id: str, start: dt.date) -> tuple[int, int]:
        """(sum of weighted credits, count of rows) over [start, period end]."""
        m = self.measures[measure_id]
        rows = self.span_credits(measure_id, start)
        return sum(weighted(m, r, self.mode) for r in rows), len(rows)

    def quota(self, measure_id: str, start: dt.date):
        """The quotas of the pay periods the span covers (cumulative spans add them)."""
        start = min(start, self.start)  # a segment still looks at its pay period's quota
        ccy = self.plan["currency"]
        found = [
            (s, convert(a, c, ccy, self.end, self.mode))  # each quota at the period end
            for m, s, a, c in self.quotas
            if m == measure_id and start <= s <= self.end
        ]
        if not found:
            return None
        earlier = sum(a for s, a in found if s < self.start)
        current = sum(a for s, a in found if s >= self.start)
        if self.split == "credits_by_date":  # the current period's quota prorated by days
            current = round_minor(Fraction(current * self.days, self.period_days), self.mode)
        return Fraction(earlier + current)

    def deal_credits(self, measure_id: str, start: dt.date) -> list[int]:
        m = self.measures[measure_id]
        by_deal: dict[int, int] = {}
        for r in self.span_credits(measure_id, start):
            by_deal[r["deal"]] = by_deal.get(r["deal"], 0) + weighted(m, r, self.mode)
        return list(by_deal.values())

    # -- measure-based components ----------------------------------------------------------

    def gate(self, c: dict, x: int, q) -> bool:
        g = c.get("gate")
        if not g:
            return True
        start = self.span_start(g.get("accumulation", "period"))
        gm = g.get("measure", c["measure"])
        value, _ = self.measure(gm, start)
        if g.get("basis", "attainment") == "amount":
            return value >= money(g["level"], self.exp)
        return value >= dec(g["level"]) * positive(self.quota(gm, start))

    def settle(self, c: dict, earned: Fraction, cumulative: bool) -> Fraction:
        """True-up, per-period and per-year caps: the exact line before its rounding."""
        cid = c["id"]
        paid_year = self.paid_year.get(cid, 0)
        payout = earned
        if cumulative:
            acc = c.get("accumulation", "period")
            payout -= paid_year if acc == "year_to_date" else self.paid_quarter.get(cid, 0)
        caps = c.get("caps", {})
        if caps.get("per_period") is not None:
            payout = min(payout, money(caps["per_period"], self.exp))
        if caps.get("per_year") is not None:
            payout = min(payout, year_room(money(caps["per_year"], self.exp), paid_year))
        return payout

    def rate_component(self, c: dict) -> Fraction:
        acc = c.get("accumulation", "period")
        start = self.span_start(acc)
        x, _ = self.measure(c["measure"], start)
        q = self.quota(c["measure"], start)
        if needs_quota(c):
            positive(q)
        x = Fraction(x)
        open_ = self.gate(c, x, q)
        g = c.get("gate")
        if not open_ and g.get("effect", "no_payout") == "no_payout":
            return self.settle(c, ZERO, acc != "period")
        allowed = open_
        earned = rate_earned(c, x, q, allowed, self.exp)
        if c.get("caps", {}).get("per_deal") is not None:
            deals = self.deal_credits(c["measure"], start)
            earned = per_deal_capped(c, x, q, allowed, deals, earned, self.exp)
        return self.settle(c, earned, acc != "period")

    def target_incentive(self, c: dict) -> Fraction:
        acc = c.get("accumulation", "period")
        start = self.span_start(acc)
        x, _ = self.measure(c["measure"], start)
        q = positive(self.quota(c["measure"], start))
        a = Fraction(x) / q
        if not self.gate(c, x, q):
            if c["gate"].get("effect", "no_payout") == "no_payout":
                return self.settle(c, ZERO, acc != "period")
            a = min(a, Fraction(1))
        cap = c.get("caps", {}).get("attainment")
        if cap is not None:
            a = min(a, dec(cap))
        return self.settle(
            c, money(c["target"], self.exp) * curve_at(c["curve"], a), acc != "period"
        )

    def per_unit(self, c: dict) -> Fraction:
        _, count = self.measure(c["measure"], self.lo)
        return self.settle(c, count * money(c["amount_per_unit"], self.exp), False)

    def override(self, c: dict) -> Fraction:
        x, _ = self.measure(c["measure"], self.lo)
        basis = c.get("basis", "first_dollar")
        if basis == "first_dollar":
            return dec(c["rate"]) * x
        if basis == "above_threshold":
            return dec(c["rate"]) * max(ZERO, x - money(c["threshold"], self.exp))
        a = Fraction(x) / positive(self.quota(c["measure"], self.lo))
        return money(c["target"], self.exp) * curve_at(c["curve"], a)

    # -- bonuses -------------------------------------------------------------------------

    def milestones(self, c: dict) -> list[Fraction]:
        start = self.span_start(c.get("accumulation", "year_to_date"))
        x, _ = self.measure(c["measure"], start)
        q = positive(self.quota(c["measure"], start))
        out = []
        for m in c["milestones"]:
            key = (c["id"], m["id"])
            if key not in self.milestones_paid and x >= dec(m["attainment"]) * q:
                self.milestones_paid.add(key)
                out.append(money(m["amount"], self.exp))
        return out

    def spif(self, c: dict) -> list[tuple[int, Fraction]]:
        lo, hi = _D(c["from"]), _D(c["to"])
        out = []
        for r in self.credits:
            if not (self.lo <= r["date"] <= self.hi and lo <= r["date"] <= hi):
                continue
            if not self.counts(r):
                continue
            if c.get("deal_types") and r["deal_type"] not in c["deal_types"]:
                continue
            if c.get("products") and r["product"] not in c["products"]:
                continue
            if c.get("min_credit") is not None and r["amount"] < money(c["min_credit"], self.exp):
                continue
            value = ZERO
            if c.get("amount_per_deal") is not None:
                value += money(c["amount_per_deal"], self.exp)
            if c.get("rate") is not None:
                value += dec(c["rate"]) * r["amount"]
            out.append((r["deal"], value))
        return out

    def mbo_line(self, c: dict, period: int) -> Fraction:
        got = {o: dec(a) for p, comp, o, a in self.mbo if p == period and comp == c["id"]}
        top = dec(c.get("max_achievement", "1"))
        factor = sum((dec(o["weight"]) * min(got[o["id"]], top) for o in c["objectives"]), ZERO)
        return money(c["target"], self.exp) * factor

    # -- the period ------------------------------------------------------------------------

    def component_lines(self, period: int) -> list[tuple[str, int, Fraction]]:
        """(component, deal, exact amount) of the component lines, in plan order."""
        lines = []
        for c in self.plan["components"]:
            t = c["type"]
            if t in MEASURED:
                # its span's quota is an input of the segment, prorated even when unused
                acc = (
                    c.get("accumulation", "period")
                    if t in ("flat_rate", "tiered", "target_incentive")
                    else "period"
                )
                self.quota(c["measure"], self.span_start(acc))
                if "gate" in c:  # and the gate's, whatever its basis
                    g = c["gate"]
                    self.quota(
                        g.get("measure", c["measure"]),
                        self.span_start(g.get("accumulation", "period")),
                    )
                lines.append((c["id"], -1, getattr(self, MEASURED[t])(c)))
            elif t == "milestone_bonus":
                lines += [(c["id"], -1, v) for v in self.milestones(c)]
            elif t == "spif":
                lines += [(c["id"], deal, v) for deal, v in self.spif(c)]
            elif t == "mbo":
                lines.append((c["id"], -1, self.mbo_line(c, period)))
        return lines

    def round_lines(self, lines) -> list[tuple[str, int, int]]:
        exact = [v for _, _, v in lines]
        if self.scope == "per_statement":
            minor = allocate_statement(exact, self.mode)
        else:
            minor = [round_minor(v, self.mode) for v in exact]
        return [(c, d, m) for (c, d, _), m in zip(lines, minor)]

    def draw_lines(self, c: dict, earnings: int) -> list[tuple[str, int, int]]:
        amount = int(money(c["amount"], self.exp))
        rec, gua, elapsed = self.draw
        in_term = elapsed < c["term_periods"]
        guaranteed = in_term and c["kind"] != "recoverable_draw"
        available = recoverable_from(earnings, amount, guaranteed)
        from_rec, from_gua = recover(available, rec, gua)
        rec, gua = rec - from_rec, gua - from_gua
        paid = 0
        if in_term and c["kind"] == "recoverable_draw":
            paid, rec = amount, rec + amount
        elif in_term:
            paid = max(0, amount - earnings)
            if c["kind"] == "recoverable_guarantee":
                gua += paid
        if c.get("forgive_at_term_end") and elapsed + 1 == c["term_periods"]:
            rec = gua = 0
        self.draw = [rec, gua, elapsed + 1]
        return [(c["id"], -1, paid), (c["id"] + ".recovery", -1, -(from_rec + from_gua))]

    # -- clawbacks ------------------------------------------------------------------------

    def record(self, cid: str, deal: int, m: int, paid: bool = False) -> None:
        """A line's amount in the state; on its deal as earned (deferred timing) or paid."""
        self.paid_year[cid] = self.paid_year.get(cid, 0) + m
        self.paid_quarter[cid] = self.paid_quarter.get(cid, 0) + m
        if self.track and deal >= 0:
            self.on_deal(deal, m, paid)

    def on_deal(self, deal: int, m: int, paid: bool = False) -> None:
        if self.deferred and not paid:
            self.earned_on_deal[deal] = self.earned_on_deal.get(deal, 0) + m
            self.earned_now[deal] = self.earned_now.get(deal, 0) + m
        else:
            self.paid_on_deal[deal] = self.paid_on_deal.get(deal, 0) + m

    def attribute(self, measure_id: str, amount: int) -> None:
        """A measure-based line is spread over the period's deals pro rata to their credit
        (largest remainder, ties to the smaller deal); not in a period with a refund."""
        m = self.measures[measure_id]
        by_deal: dict[int, int] = {}
        for r in self.span_credits(measure_id, self.lo):
            by_deal[r["deal"]] = by_deal.get(r["deal"], 0) + weighted(m, r, self.mode)
        if any(w < 0 for w in by_deal.values()) or sum(by_deal.values()) <= 0:
            return
        deals = sorted(by_deal)
        for deal, part in zip(deals, allocate(amount, [by_deal[d] for d in deals])):
            self.on_deal(deal, part)

    def clawbacks(self) -> list[tuple[str, int, int]]:
        """Deals cancelled in the period claw back k x what was actually paid on them."""
        c, out = self.clawback, []
        for deal in sorted(set(self.paid_on_deal) | set(self.earned_on_deal)):
            cancel = _cancellation(self.deals[deal])
            if cancel is None or not (self.start <= cancel <= self.end):
                continue
            # earned but not yet paid (held back, not invoiced or collected) is forfeited
            self.earned_on_deal.pop(deal, None)
            self.earned_now.pop(deal, None)
            paid = self.paid_on_deal.get(deal, 0)
            if paid <= 0:
                continue
            k = clawback_share(c, _D(self.deals[deal][2]), cancel, self.deals[deal][1])
            if k is None:
                continue
            line = -round_minor(k * paid, self.mode)
            self.record(c["id"], deal, line, paid=True)
            out.append((c["id"], deal, line))
        return out

    def forget_settled_deals(self) -> None:
        """Per-deal state is kept "only while it can still matter": the clawback window has
        not passed by the period end, or earned commission is not fully paid."""
        if not self.track:
            self.paid_on_deal, self.earned_on_deal = {}, {}
            return
        window = self.clawback["window_days"] if self.clawback else None
        for deal in set(self.paid_on_deal) | set(self.earned_on_deal):
            close = _D(self.deals[deal][2])
            window_open = window is not None and (self.end - close).days <= window
            earned = self.earned_on_deal.get(deal)
            outstanding = earned is not None and earned != self.paid_on_deal.get(deal, 0)
            if not window_open and not outstanding:
                self.paid_on_deal.pop(deal, None)
                self.earned_on_deal.pop(deal, None)

    # -- payout timing --------------------------------------------------------------------

    def payable_share(self, deal: list) -> Fraction:
        """basis share x released share of a deal by the period end."""
        timing, events = self.plan["payout_timing"], deal[4] if len(deal) > 4 else {}
        close = _D(deal[2])
        basis = timing.get("basis", "booking")
        if basis == "booking":
            share = Fraction(close <= self.end)
        elif basis == "invoice":
            share = Fraction(bool(events.get("invoice")) and _D(events["invoice"]) <= self.end)
        else:
            amount = minor_units(events["amount"], self.exp)
            rows = events.get("collections", [])
            collected = sum(minor_units(a, self.exp) for d, a in rows if _D(d) <= self.end)
            if (
                not rows
                and events.get("collection_date")
                and _D(events["collection_date"]) <= self.end
            ):
                collected = amount
            share = collected_share(collected, amount)
        hold = timing.get("holdback")
        if hold and not released(close + dt.timedelta(days=hold["release_after_days"]), self.end):
            share *= 1 - dec(hold["share"])
        return share

    def payout_timing(self) -> list[tuple[str, int, int]]:
        """Per deal: payable to date - paid before - earned on it in this period's lines."""
        out, paid_now = [], {}
        for deal in sorted(self.earned_on_deal):
            earned = self.earned_on_deal[deal]
            paid = self.paid_on_deal.get(deal, 0)
            now = self.earned_now.get(deal, 0)
            if earned == paid and now == 0:
                continue
            to_date = round_minor(earned * self.payable_share(self.deals[deal]), self.mode)
            paid_now[deal] = to_date - paid
            line = paid_now[deal] - now
            if line != 0:
                self.record("payout_timing", -1, line)
                out.append(("payout_timing", deal, line))
        for deal, amount in paid_now.items():
            self.paid_on_deal[deal] = self.paid_on_deal.get(deal, 0) + amount
        return out

    def segments(self) -> list[tuple[dict, dt.date, dt.date]]:
        """(plan, first day, last day) in force during the period: two when the plan changes
        inside it, else one plan for the whole period."""
        first = self.initial
        if not self.change:
            return [(first, self.start, self.end)]
        switch = _D(self.change["from"])
        if switch <= self.start:
            return [(self.change["plan"], self.start, self.end)]
        if switch > self.end:
            return [(first, self.start, self.end)]
        return [
            (first, self.start, switch - dt.timedelta(days=1)),
            (self.change["plan"], switch, self.end),
        ]

    def sort_credits(self) -> None:
        """A person's credits in the run's order: date, deal, rule, kind, amount."""
        self.credits.sort(key=lambda r: (r["date"], r["deal"], KINDS.index(r["kind"]), r["amount"]))

    def convert_credits(self) -> None:
        """Credits in another currency: one rounding each, with the segment plan's mode, at
        the credit date or at the period end."""
        ccy = self.plan["currency"]
        for r in self.credits:
            on = r["date"] if self.fx_date == "credit_date" else self.end
            r["amount"] = convert(r["raw"], r["currency"], ccy, on, self.mode)
        self.sort_credits()

    def segment_lines(self, period: int, plan: dict, lo: dt.date, hi: dt.date, split: bool) -> list:
        """One segment's component lines, rounded, prorated and recorded."""
        self.use(plan)
        if self.foreign:
            self.convert_credits()
        how = self.change["split"] if split else None
        self.split = how
        self.lo, self.hi = (lo, hi) if how == "credits_by_date" else (self.start, self.end)
        self.days, self.period_days = (hi - lo).days + 1, (self.end - self.start).days + 1
        lines = self.round_lines(self.component_lines(period))
        if how == "prorated_targets":  # each line x segment days / period days, rounded once
            lines = [
                (c, d, round_minor(Fraction(m * self.days, self.period_days), self.mode))
                for c, d, m in lines
            ]
        # measure-based lines are attributed to deals; milestones, SPIFs (own deal) and MBOs not
        measure_of = {
            c["id"]: c.get("measure") for c in plan["components"] if c["type"] in MEASURED
        }
        for cid, deal, m in lines:
            self.record(cid, deal, m)
            if self.track and deal < 0 and cid in measure_of and m != 0:
                self.attribute(measure_of[cid], m)
        return lines

    def run(self, period: int, bounds) -> dict[tuple[str, int], int]:
        self.start, self.end, self.qs, self.ys = bounds
        if self.year_start != self.ys:  # a new year: paid this year and milestones start again
            self.year_start = self.ys
            self.paid_year, self.milestones_paid = {}, set()
        if self.quarter_start != self.qs:
            self.quarter_start = self.qs
            self.paid_quarter = {}
        segments = self.segments()
        lines = []
        for plan, lo, hi in segments:
            lines += self.segment_lines(period, plan, lo, hi, len(segments) > 1)
        # clawbacks, payout timing and the draw: once, in the last segment, on the whole period
        self.lo, self.hi = self.start, self.end
        if self.clawback:
            lines += self.clawbacks()
        if self.deferred:
            lines += self.payout_timing()
        self.earned_now = {}
        self.forget_settled_deals()
        for c in self.plan["components"]:
            if c["type"] == "draw":
                lines += self.draw_lines(c, sum(m for _, _, m in lines))
        out: dict[tuple, int] = {}
        for cid, deal, m in lines:
            out[(cid, deal)] = out.get((cid, deal), 0) + m
            if self.pay:  # each line paid in the pay currency at the period end, rounded once
                paid = convert(m, self.plan["currency"], self.pay, self.end, self.mode)
                out[("pay", cid, deal)] = out.get(("pay", cid, deal), 0) + paid
        return {k: v for k, v in out.items() if v != 0}


def simulate(case: dict) -> list[dict | None]:
    """Each period's non-zero lines by (component, deal); None for a refused period (then stop)."""
    person = Person(case)
    out: list[dict | None] = []
    for i, bounds in enumerate(CALENDARS[case["calendar"]]):
        try:
            out.append(person.run(i, bounds))
        except Refused:
            out.append(None)
            break
    return out
