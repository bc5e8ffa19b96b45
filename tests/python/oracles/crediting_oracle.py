"""Independent oracle for crediting, quotas and attainment, written from
docs/crediting-and-quota.md alone.

Pure Python with ``fractions.Fraction``; it imports nothing from salescomp. A
*company* is a dict made by company_cases.py: ``people`` (roster order is the
roster index), ``assignments`` (manager / team rows with inclusive ``to``),
``leaves``, ``deals`` (money in int minor units), ``splits``, ``rules``,
``settings``, ``fx`` quotes and, for attainment, ``quotas``, ``ramps``,
``relief`` and ``proration``.

Rules used (docs sections 1, 2, 4-6):
* fiscal months from ``start_month``; period key = fiscal year (the one that
  ends in it) x 100 + fiscal month;
* assignments as of a date, gaps meaning none; the reporting chain walked one
  manager at a time as of the credit date, or as of the credited person's start
  date when the credit is dated before it;
* ``direct`` (deals without revenue-split rows when the set splits),
  ``revenue_split`` (largest remainder by share, ties to the lower roster index;
  one conversion of the deal and a split of the converted total when every
  participant is credited in one currency, else each part converted),
  ``overlay``, ``sdr_sourced`` (new business, ``source`` = sdr),
  ``account_manager`` (the customer's manager on the credit date; renewal and
  upsell), ``marketing_sourced`` (``source_person`` else the rule's pool person,
  by the three ``sourced`` tests; new business), ``territory`` (everyone in the
  deal's territory on the credit date, optionally holding ``role`` on it, the
  roster's role in a gap): amount x share rounded once in the deal currency, then
  converted once; ``roll_up``: per
  level, share x the report's credit, rounded once, when the manager is credited
  in the report's currency, else share x the report's deal-currency amount
  converted once; ``source_amount`` = share x the report's ``source_amount``;
* FX: the last quote on or before the date (the credit date or the last day of
  its month), an inverse quote by exact division; every share product and
  conversion rounded once with the settings' mode;
* credits sorted by (person, date, deal id, rule, depth, via);
* quotas: percent ramps by tenure month from the start date (day clamped),
  proration over calendar days, business days (weekend and holidays) or fiscal months (active days / days of each
  month), leaves inactive when ``prorate_leaves``, one rounding; relief
  subtracted; team rows neither ramped nor prorated;
* attainment: people count every credit kind of the measure dated in the period
  (and on or before ``through``);
  teams the direct + revenue-split credits (depth 0) of people in the team on the
  credit date; team quota = explicit row, else (``sum_of_members``) the sum of
  the members' final quotas on the period's last day; attained exactly; the display ratio
  credited / quota rounded half-even to 12 places, saturated at +-(2^63 - 1) /
  10^12; QTD and YTD running sums by fiscal quarter and year.

Not covered: absolute ramps, week-based calendars and week periods, pacing and
distributions, input validation; ``active_units`` of rows prorated by months and
the units of team rows are not compared (the docs do not define them), nor the
order of the quota and attainment tables (compared sorted; credits are compared
in the documented order).
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
EXPONENT = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3}
TEAM_KINDS = ("direct", "revenue_split")  # what a team's attainment counts by default
RATE_MAX = Fraction(2**63 - 1, 10**12)  # a 12-place fixed point in int64


# ----------------------------------------------------------------------------- arithmetic


def round_mode(x: Fraction, mode: str) -> int:
    """Round to an integer with a named mode (docs/money.md)."""
    fl = math.floor(x)
    if x == fl:
        return fl
    away = fl + 1 if x > 0 else fl
    toward = fl if x > 0 else fl + 1
    if mode in ("Up", "Down", "Ceiling", "Floor"):
        return {"Up": away, "Down": toward, "Ceiling": fl + 1, "Floor": fl}[mode]
    frac = x - fl
    if frac != Fraction(1, 2):
        return fl + 1 if frac > Fraction(1, 2) else fl
    return {"HalfUp": away, "HalfDown": toward, "HalfEven": fl + (fl % 2)}[mode]


def largest_remainder(total: int, shares: list[Fraction]) -> list[int]:
    """Parts of total (any sign) by shares summing to 1: floors of |total| x share, the
    leftover units to the largest remainders, ties to the earlier part."""
    sign, size = (1 if total >= 0 else -1), abs(total)
    exact = [size * s for s in shares]
    out = [math.floor(e) for e in exact]
    left = size - sum(out)
    order = sorted(range(len(out)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[:left]:
        out[i] += 1
    return [sign * x for x in out]


# ----------------------------------------------------------------------------- calendars


def fiscal_period(d: dt.date, start_month: int) -> tuple[int, int]:
    """(fiscal year, fiscal month number) of a date."""
    offset = (d.month - start_month) % 12
    first_year = d.year if d.month >= start_month else d.year - 1
    fiscal_year = first_year + 1 if start_month != 1 else first_year
    return fiscal_year, offset + 1


def period_of(d: dt.date, start_month: int, kind: str = "month") -> tuple[int, int]:
    """(fiscal year, number) of the period of `kind` (month .. year) holding the date."""
    fy, month = fiscal_period(d, start_month)
    return fy, (month - 1) // PERIOD_MONTHS[kind] + 1


def period_key(d: dt.date, start_month: int, kind: str = "month") -> int:
    fy, n = period_of(d, start_month, kind)
    return fy * 100 + n


def month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def add_months(d: dt.date, k: int) -> dt.date:
    """d + k months, the day clamped to the month's length."""
    y, m = divmod(d.month - 1 + k, 12)
    first = dt.date(d.year + y, m + 1, 1)
    return first.replace(day=min(d.day, month_end(first).day))


# ----------------------------------------------------------------------------- organisation


class Org:
    def __init__(self, company: dict) -> None:
        self.people = {p["id"]: p for p in company["people"]}
        # The roster is held in the order of the ids' UTF-8 bytes (docs/crediting-and-quota.md,
        # "Order"), whatever the input order: the roster index is that rank.
        ids = sorted((p["id"] for p in company["people"]), key=lambda x: x.encode())
        self.index = {p: i for i, p in enumerate(ids)}
        self.rows: dict = {}
        for a in company["assignments"]:
            self.rows.setdefault((a["person"], a["field"]), []).append(a)
        self.leaves: dict = {}
        for lv in company.get("leaves", []):
            self.leaves.setdefault(lv["person"], []).append((lv["first"], lv["last"]))

    def as_of(self, person: str, field: str, d: dt.date) -> str | None:
        for a in self.rows.get((person, field), []):
            if a["from"] <= d and (a["to"] is None or d <= a["to"]):
                return a["value"]
        return None

    def chain(self, person: str, d: dt.date, depth: int) -> list[str]:
        out, at = [], person
        while len(out) < depth:
            at = self.as_of(at, "manager", d)
            if at is None:
                break
            out.append(at)
        return out

    def employed(self, person: str, d: dt.date) -> bool:
        p = self.people[person]
        return p["start"] <= d and (p["end"] is None or d <= p["end"])

    def active(self, person: str, d: dt.date, leaves: bool = True) -> bool:
        on_leave = leaves and any(a <= d <= b for a, b in self.leaves.get(person, []))
        return self.employed(person, d) and not on_leave


# ----------------------------------------------------------------------------- FX


class Fx:
    def __init__(self, quotes: list[tuple], mode: str) -> None:
        self.quotes = sorted(quotes, key=lambda q: q[2])  # (from, to, date, rate text)
        self.mode = mode

    def rate(self, src: str, dst: str, d: dt.date) -> Fraction:
        direct = [q for q in self.quotes if (q[0], q[1]) == (src, dst) and q[2] <= d]
        if direct:
            return Fraction(direct[-1][3])
        inverse = [q for q in self.quotes if (q[0], q[1]) == (dst, src) and q[2] <= d]
        if inverse:
            return 1 / Fraction(inverse[-1][3])
        raise LookupError(f"no {src}/{dst} rate on {d}")

    def convert(self, minor: int, src: str, dst: str, d: dt.date) -> int:
        if src == dst:
            return minor
        scale = Fraction(10) ** (EXPONENT[dst] - EXPONENT[src])
        return round_mode(minor * self.rate(src, dst, d) * scale, self.mode)


# ----------------------------------------------------------------------------- crediting


def _target(company: dict, org: Org, person: str, deal: dict) -> str:
    how = company["settings"]["currency"]
    if how == "pay":
        return org.people[person]["currency"]
    return deal["currency"] if how == "deal" else company["settings"]["reporting_currency"]


def marketing_sourced(deal: dict, sourced: str) -> bool:
    """Docs section 4, "Sourced"."""
    if sourced == "lead_source":
        return deal.get("source") == "marketing"
    if sourced == "first_touch":
        return deal.get("first_touch_source") == "marketing"
    touch, sales = deal.get("first_marketing_touch"), deal.get("first_sales_activity")
    return touch is not None and (sales is None or touch < sales)


class Crediting:
    def __init__(self, company: dict) -> None:
        self.company = company
        self.org = Org(company)
        self.settings = company["settings"]
        self.mode = self.settings.get("rounding", "HalfEven")
        self.fx = Fx(company["fx"], self.mode)
        self.start_month = company["start_month"]
        self.period_kind = self.settings.get("period_kind", "month")
        self.credits: list[dict] = []
        self.splits: dict = {}
        for s in company["splits"]:
            self.splits.setdefault((s["deal"], s["kind"]), []).append(s)
        self.has_split_rule = any(r["kind"] == "revenue_split" for r in company["rules"])

    def fx_date(self, d: dt.date) -> dt.date:
        """The credit date, or the last day of its period (of ``period_kind``)."""
        if self.settings.get("fx_date") != "period_end":
            return d
        fy, n = period_of(d, self.start_month, self.period_kind)
        return period_dates(self.period_kind, fy, n, self.start_month)[1]

    def share_of(self, minor: int, share: str) -> int:
        return round_mode(minor * Fraction(share), self.mode)

    def emit(self, person, deal, rule_i, rule, kind, d, amount, ccy, src, depth=0, via=None):
        self.credits.append(
            {
                "person": person,
                "deal": deal["id"],
                "date": d,
                "period": period_key(d, self.start_month, self.period_kind),
                "measure": rule.get("measure", "bookings"),
                "amount": amount,
                "currency": ccy,
                "kind": kind,
                "rule": rule_i,
                "depth": depth,
                "via": via,
                "deal_type": deal["type"],
                "source_amount": src,
                "source_currency": deal["currency"],
            }
        )
        return self.credits[-1]

    def _one(self, person, deal, rule_i, rule, d, share):
        """A credit of amount x share: rounded once in the deal currency, converted once."""
        src = self.share_of(deal["amount"], share)
        ccy = _target(self.company, self.org, person, deal)
        amount = self.fx.convert(src, deal["currency"], ccy, self.fx_date(d))
        return self.emit(person, deal, rule_i, rule, rule["kind"], d, amount, ccy, src)

    def _split(self, deal, rule_i, rule, d):
        rows = sorted(
            self.splits.get((deal["id"], "revenue"), []), key=lambda s: self.org.index[s["person"]]
        )
        if not rows:
            return []
        shares = [Fraction(s["share"]) for s in rows]
        sources = largest_remainder(deal["amount"], shares)
        targets = [_target(self.company, self.org, s["person"], deal) for s in rows]
        when = self.fx_date(d)
        if len(set(targets)) == 1:
            converted = self.fx.convert(deal["amount"], deal["currency"], targets[0], when)
            amounts = largest_remainder(converted, shares)
        else:
            amounts = [
                self.fx.convert(x, deal["currency"], c, when) for x, c in zip(sources, targets)
            ]
        return [
            self.emit(s["person"], deal, rule_i, rule, "revenue_split", d, a, c, x)
            for s, a, c, x in zip(rows, amounts, targets, sources)
        ]

    def roll_up_date(self, credit: dict) -> dt.date:
        """The reporting line of the credit date, or of the person's start if later."""
        return max(credit["date"], self.org.people[credit["person"]]["start"])

    def rolled_amount(self, credit: dict, share: str, ccy: str, src: int, deal: dict) -> int:
        """share x the report's converted credit in its currency, else the share of the
        deal-currency amount converted once."""
        if ccy == credit["currency"]:
            return self.share_of(credit["amount"], share)
        return self.fx.convert(src, deal["currency"], ccy, self.fx_date(credit["date"]))

    def _roll_up(self, deal, rule_i, rule, made):
        share = rule.get("share", "1")
        for credit in made:
            if credit["kind"] not in rule.get("rolls_up", ("direct", "revenue_split")):
                continue
            via = credit["person"]
            managers = self.org.chain(via, self.roll_up_date(credit), rule["depth"])
            for level, manager in enumerate(managers, start=1):
                ccy = _target(self.company, self.org, manager, deal)
                src = self.share_of(credit["source_amount"], share)
                amount = self.rolled_amount(credit, share, ccy, src, deal)
                args = ("roll_up", credit["date"], amount, ccy, src, level, via)
                self.emit(manager, deal, rule_i, rule, *args)

    def _rule(self, deal, rule_i, rule) -> list[dict]:
        kind = rule["kind"]
        types = rule.get("deal_types")
        if kind in ("sdr_sourced", "marketing_sourced"):
            types = types or ["new_business"]
        if kind == "account_manager":
            types = types or ["renewal", "upsell"]
        if types and deal["type"] not in types:
            return []
        d = deal["close"]
        if rule.get("date") == "created" and deal.get("created") is not None:
            d = deal["created"]
        if kind == "direct":
            if self.has_split_rule and self.splits.get((deal["id"], "revenue")):
                return []
            return [self._one(deal["owner"], deal, rule_i, rule, d, rule.get("share", "1"))]
        if kind == "revenue_split":
            return self._split(deal, rule_i, rule, d)
        if kind == "overlay":
            rows = self.splits.get((deal["id"], "overlay"), [])
            return [
                self._one(
                    s["person"],
                    deal,
                    rule_i,
                    rule,
                    d,
                    str(Fraction(s["share"]) * Fraction(rule.get("share", "1"))),
                )
                for s in rows
            ]
        share = rule.get("share", "1")
        if kind == "sdr_sourced":
            if deal.get("source") != "sdr" or not deal.get("source_person"):
                return []
            return [self._one(deal["source_person"], deal, rule_i, rule, d, share)]
        if kind == "account_manager":
            manager = self.account_manager(deal.get("customer"), d)
            return [self._one(manager, deal, rule_i, rule, d, share)] if manager else []
        if kind == "marketing_sourced":
            person = deal.get("source_person") or rule.get("person")
            if not marketing_sourced(deal, rule.get("sourced", "lead_source")) or not person:
                return []
            return [self._one(person, deal, rule_i, rule, d, share)]
        if kind == "territory":
            people = self.territory_people(deal.get("territory"), d, rule.get("role"))
            return [self._one(p, deal, rule_i, rule, d, share) for p in people]
        raise ValueError(f"rule kind {kind} is not covered by the oracle")

    def account_manager(self, customer, d: dt.date) -> str | None:
        for a in self.company.get("account_managers", []):
            if a["customer"] == customer and a["from"] <= d and (a["to"] is None or d <= a["to"]):
                return a["person"]
        return None

    def territory_people(self, territory, d: dt.date, role) -> list[str]:
        """Everyone assigned to the territory on the date (holding `role` on it), roster order."""
        if not territory:
            return []
        out = []
        for pid in self.org.people:
            if self.org.as_of(pid, "territory", d) != territory:
                continue
            held = self.org.as_of(pid, "role", d) or self.org.people[pid]["role"]
            if role is None or held == role:
                out.append(pid)
        return out

    def run(self) -> list[dict]:
        for deal in self.company["deals"]:
            made: list[dict] = []
            for i, rule in enumerate(self.company["rules"]):
                if rule["kind"] != "roll_up":
                    made += self._rule(deal, i, rule)
            for i, rule in enumerate(self.company["rules"]):
                if rule["kind"] == "roll_up" and (
                    not rule.get("deal_types") or deal["type"] in rule["deal_types"]
                ):
                    self._roll_up(deal, i, rule, made)
        idx = self.org.index
        self.credits.sort(
            key=lambda c: (
                idx[c["person"]],
                c["date"],
                str(c["deal"]).encode(),  # deal rows are in the byte order of the deal ids' text
                c["rule"],
                c["depth"],
                -1 if c["via"] is None else idx[c["via"]],
            )
        )
        return self.credits


def credits(company: dict) -> list[dict]:
    return Crediting(company).run()


# ----------------------------------------------------------------------------- quotas


def period_dates(kind: str, fiscal_year: int, number: int, start_month: int) -> tuple:
    first_year = fiscal_year if start_month == 1 else fiscal_year - 1
    span = PERIOD_MONTHS[kind]
    first = add_months(dt.date(first_year, start_month, 1), span * (number - 1))
    return first, add_months(first, span) - dt.timedelta(days=1)


def _days(first: dt.date, last: dt.date):
    d = first
    while d <= last:
        yield d
        d += dt.timedelta(days=1)


def ramp_steps(person: dict, values: list[str] | None) -> list[tuple[dt.date, Fraction]]:
    """Percent ramp: tenure month k is [start + (k-1) months, start + k months) (day
    clamped) at values[k-1]; [(first day after month k, share)], then 100%."""
    start = person["start"]
    return [(add_months(start, k), Fraction(v)) for k, v in enumerate(values or [], 1)]


def ramp_share(steps: list, d: dt.date) -> Fraction | int:
    return next((share for end, share in steps if d < end), 1)


def is_business_day(company: dict, d: dt.date) -> bool:
    return d.weekday() not in company.get("weekend", (5, 6)) and d not in company.get(
        "holidays", ()
    )


def _day_weights(org: Org, person: dict, steps: list, leaves: bool, days: list) -> list:
    """Per day: (active, the quota share of the day: the ramp when active, else 0)."""
    out = []
    for d in days:
        active = org.active(person["id"], d, leaves)
        out.append((active, ramp_share(steps, d) if active else 0))
    return out


def _person_quota(company: dict, org: Org, row: dict, first, last) -> tuple[int, int, int]:
    """(adjusted, active units, total units) of a person row."""
    person = org.people[row["subject"]]
    steps = ramp_steps(person, company["ramps"].get(row["subject"]))
    days = list(_days(first, last))
    if company["proration"] == "business_days":
        days = [d for d in days if is_business_day(company, d)]
    weights = _day_weights(org, person, steps, company["prorate_leaves"], days)
    if company["proration"] in ("calendar_days", "business_days"):
        share = Fraction(sum(w for _, w in weights)) / len(days)
        units = (sum(1 for a, _ in weights if a), len(days))
    else:  # months: each month counts 1, a month its active (ramped) days / its days
        by_month: dict = {}
        for d, (_, w) in zip(days, weights):
            by_month.setdefault((d.year, d.month), []).append(w)
        share = sum(Fraction(sum(ws)) / len(ws) for ws in by_month.values()) / len(by_month)
        units = (None, len(by_month))
    adjusted = round_mode(row["amount"] * share, company.get("quota_rounding", "HalfEven"))
    return adjusted, units[0], units[1]


def effective_quotas(company: dict) -> list[dict]:
    org = Org(company)
    sm = company["start_month"]
    out = []
    for row in company["quotas"]:
        first, last = period_dates(row["period_kind"], row["fiscal_year"], row["number"], sm)
        if row["subject_kind"] == "person":
            adjusted, active, total = _person_quota(company, org, row, first, last)
        else:
            adjusted, active, total = row["amount"], None, None
        key = _quota_key(row)
        relief = [r for r in company["relief"] if _quota_key(r) == key]
        reduce = sum(r["amount"] for r in relief)
        out.append(
            {
                **row,
                "start": first,
                "end": last,
                "base": row["amount"],
                "adjusted": adjusted,
                "relief": reduce,
                "quota": adjusted - reduce,
                "active_units": active,
                "total_units": total,
                "relief_reason": "; ".join(r["reason"] for r in relief),
            }
        )
    return out


def _quota_key(row: dict) -> tuple:
    return tuple(
        row[k]
        for k in ("subject", "subject_kind", "measure", "period_kind", "fiscal_year", "number")
    )


# ----------------------------------------------------------------------------- attainment


def display_ratio(credited: int, quota: int) -> Fraction:
    """credited / quota half-even to 12 places, saturated; 0 for a zero quota."""
    if quota == 0:
        return Fraction(0)
    ratio = Fraction(round(Fraction(credited, quota) * 10**12), 10**12)  # round(): half-even
    return max(-RATE_MAX - Fraction(1, 10**12), min(RATE_MAX, ratio))


def _team_rows(company: dict, org: Org, quotas: list[dict]) -> list[dict]:
    """sum_of_members: a team row for every period a member (on its last day) has a quota."""
    explicit = {
        _quota_key(q)[:1] + _quota_key(q)[2:] for q in quotas if q["subject_kind"] == "team"
    }
    derived: dict = {}
    for q in quotas:
        if q["subject_kind"] != "person":
            continue
        team = org.as_of(q["subject"], "team", q["end"])
        if team is None:
            continue
        key = (team, q["measure"], q["period_kind"], q["fiscal_year"], q["number"])
        if key in explicit:
            continue
        row = derived.setdefault(key, {**q, "subject": team, "subject_kind": "team", "quota": 0})
        row["quota"] += q["quota"]
    return list(derived.values())


def _counted(company: dict, org: Org, credits: list[dict]) -> dict:
    """Credits by (subject kind, subject, measure): people count the credits of
    ``person_kinds`` (default all); teams those of ``team_kinds`` (default direct and
    revenue split) at depth 0 of their members on the credit date."""
    person_kinds = company.get("person_kinds")
    team_kinds = company.get("team_kinds") or TEAM_KINDS
    by: dict = {}
    for c in credits:
        if person_kinds is None or c["kind"] in person_kinds:
            by.setdefault(("person", c["person"], c["measure"]), []).append(c)
        if c["kind"] in team_kinds and c["depth"] == 0:
            team = org.as_of(c["person"], "team", c["date"])
            if team is not None:
                by.setdefault(("team", team, c["measure"]), []).append(c)
    return by


def same_quarter(month_a: int, month_b: int) -> bool:
    """Fiscal months in one fiscal quarter (QTD sums)."""
    return (month_a - 1) // 3 == (month_b - 1) // 3


def attainment(company: dict, credits: list[dict], quotas: list[dict]) -> list[dict]:
    org = Org(company)
    rows = [dict(q) for q in quotas]
    if company.get("team_quota", "sum_of_members") == "sum_of_members":
        rows += _team_rows(company, org, quotas)
    through = company.get("through")
    dated = [c for c in credits if through is None or c["date"] <= through]
    counted = _counted(company, org, dated)
    for row in rows:
        mine = counted.get((row["subject_kind"], row["subject"], row["measure"]), [])
        amounts = [c["amount"] for c in mine if row["start"] <= c["date"] <= row["end"]]
        row["credited"], row["credit_count"] = sum(amounts), len(amounts)
        row["attained"] = row["credited"] >= row["quota"]
        row["attainment"] = display_ratio(row["credited"], row["quota"])
    series: dict = {}  # a subject's rows of one measure, period kind and fiscal year
    for row in rows:
        series.setdefault(_quota_key(row)[:5], []).append(row)
    for row in rows:
        same = [r for r in series[_quota_key(row)[:5]] if r["number"] <= row["number"]]
        if row["period_kind"] == "month":
            quarter = [r for r in same if same_quarter(r["number"], row["number"])]
        else:  # QTD of a quarter, half or year row is the row itself
            quarter = [row]
        for prefix, group in (("qtd", quarter), ("ytd", same)):
            credited = row[f"{prefix}_credited"] = sum(r["credited"] for r in group)
            quota = row[f"{prefix}_quota"] = sum(r["quota"] for r in group)
            row[f"{prefix}_attainment"] = display_ratio(credited, quota)
    return rows
