"""Independent oracle for commission expense accounting, written from docs/accounting.md alone.

Pure Python with ``fractions.Fraction``; it imports nothing from salescomp.
A *book* is a dict (see accounting_cases.py): ``policy`` (the keyword
arguments of ``AmortisationPolicy``, rounding modes by name), ``costs`` (money
as int minor units of the line's currency, dates as ``datetime.date``),
``events`` and ``revenue``. ``run(book)`` gives every output as plain tuples
with money in minor units and months as the first day of the month::

    {"assets": [...], "schedule": [...], "roll_forward": [...], "journal": [...]}

or raises :class:`Refused` where the docs make the book an error that depends on
arithmetic (a negative final-period plug, an inexact ``Unnecessary`` rounding).

Rules used (docs sections 3-7):
* the decision: not incremental -> expensed; P = term for renewals and
  commensurate lines, else max(term, life) with the life from the line, the
  policy, or 12 / churn rounded once; basis ``contract_term`` only when the term
  is longer than the life; the practical expedient expenses P <= 12;
* the window from F (start month, or the month after under ``next_month``),
  ``daily_prorated`` weights r, D.., D - r (P + 1 months) for straight-line
  lines starting after the 1st, revenue weights (0 for months without a row);
* largest remainder (floors, leftover units to the largest remainders, ties to
  the earlier month) or the final-period plug (regular months rounded with
  ``plug_rounding``, the last month with a positive weight takes the rest);
* costs incurred after F catch up the months already served in the incurred
  month; before F they wait on the balance sheet;
* events in (date, kind, amount, months) order, kinds clawback < extension <
  change_in_estimate < termination, before the month's amortisation; a
  clawback reduces up to the balance and the excess is an expense credit; every
  re-spread covers the window's months not yet amortised, this month included,
  straight-line when their weights are all 0; after a termination clawbacks are
  expense credits (also later in the same month); ``amortise_then_write_off``
  amortises the termination month as planned and writes off the rest,
  ``write_off_all`` writes off the balance;
* schedule rows: months with an opening or closing balance or a movement, and
  the incurred month; ``current`` = the plan in force for the next 12 months;
* roll-forward per currency (sorted) for every month from the book's first
  incurred month to its last movement; journal entries per currency, month and
  kind in the docs' table order, zero entries left out.

Readings of what the docs leave unsaid (checked against the library, see the
test module): ``assets().first_month`` is F for capitalised lines and the
incurred month for expensed ones, ``last_month`` the line's last month with a
movement (expense credits included); ``period_months`` is 0 for lines that are
not incremental; ``write_off_all`` writes off the balance left after the
month's earlier clawbacks.

``roll_forward(start, end)`` / ``journal(start, end)``: the months containing
them, the first month's opening including everything before it, entries numbered
from 0 in the range.

Not covered: input validation (the generator makes valid books only), a
change in estimate dated before F (its "window must include the event's month"
reads two ways there).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from fractions import Fraction

CURRENT_MONTHS = 12  # `current`: the plan in force for the next 12 months
KINDS_ORDER = ("clawback", "extension", "change_in_estimate", "termination")
JOURNAL_KINDS = (
    ("capitalisation", "deferred_commissions", "commissions_payable", "additions"),
    ("expense_as_incurred", "commission_expense", "commissions_payable", "expensed"),
    ("amortisation", "commission_expense", "deferred_commissions", "amortisation"),
    ("write_off", "commission_write_off_expense", "deferred_commissions", "write_offs"),
    ("clawback_reduction", "commissions_payable", "deferred_commissions", "reductions"),
    ("clawback_expense_credit", "commissions_payable", "commission_expense", "expense_credits"),
)


class Refused(Exception):
    """The book is an error by the docs: ``code`` "plug" (SC-ACCT-PLUG, a plug of the
    wrong sign), "inexact" (an Unnecessary rounding that is not exact) or "events" (an
    event other than a clawback after a termination; the generator makes none)."""

    def __init__(self, code: str, why: str) -> None:
        super().__init__(f"{code}: {why}")
        self.code = code


# ----------------------------------------------------------------------------- arithmetic


def round_mode(x: Fraction, mode: str) -> int:
    """Round to an integer with a named mode (docs/money.md)."""
    fl = math.floor(x)
    if x == fl:
        return fl
    if mode == "Unnecessary":
        raise Refused("inexact", f"{x} is not exact")
    away = fl + 1 if x > 0 else fl
    toward = fl if x > 0 else fl + 1
    if mode in ("Up", "Down", "Ceiling", "Floor"):
        return {"Up": away, "Down": toward, "Ceiling": fl + 1, "Floor": fl}[mode]
    frac = x - fl
    if frac != Fraction(1, 2):
        return fl + 1 if frac > Fraction(1, 2) else fl
    return {"HalfUp": away, "HalfDown": toward, "HalfEven": fl + (fl % 2)}[mode]


def _integers(weights: list[Fraction]) -> list[int]:
    """The same proportions as integers (times the common denominator)."""
    scale = math.lcm(*(w.denominator for w in weights))
    return [int(w * scale) for w in weights]


def largest_remainder(total: int, weights: list[Fraction]) -> list[int]:
    """Floors of the exact shares; leftover units to the largest remainders, ties earlier."""
    ints = _integers(weights)
    whole = sum(ints)
    parts = [divmod(total * w, whole) for w in ints]  # floor and remainder (over `whole`)
    out = [q for q, _ in parts]
    left = total - sum(out)
    by_remainder = sorted(range(len(out)), key=lambda i: (-parts[i][1], i))
    for i in by_remainder[:left]:
        out[i] += 1
    return out


def final_period_plug(total: int, weights: list[Fraction], mode: str) -> list[int]:
    whole = sum(weights)
    last = max(i for i, w in enumerate(weights) if w > 0)
    out = [round_mode(total * w / whole, mode) if i != last else 0 for i, w in enumerate(weights)]
    out[last] = total - sum(out)
    if out[last] < 0:
        raise Refused("plug", f"the plug of {total} is {out[last]}")
    return out


def spread(total: int, weights: list[Fraction], policy: dict) -> list[int]:
    """Split total minor units over the months' weights (straight-line when all are 0)."""
    if not weights:
        return []
    if not any(weights):
        weights = [Fraction(1)] * len(weights)
    if policy.get("remainder", "largest_remainder") == "largest_remainder":
        return largest_remainder(total, weights)
    return final_period_plug(total, weights, policy.get("plug_rounding", "Down"))


# ----------------------------------------------------------------------------- months


def month_of(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def month_tuple(m: int) -> dt.date:
    """The month as its first day (as the library reports months)."""
    return dt.date(m // 12, m % 12 + 1, 1)


# ----------------------------------------------------------------------------- decision


def life_from_churn(rate: str, mode: str) -> int:
    return round_mode(12 / Fraction(rate), mode)


def decide(line: dict, policy: dict) -> tuple[str, str, int]:
    """(treatment, period_basis, P) by docs section 3."""
    if not line["incremental"]:
        return "expensed_not_incremental", "not_applicable", 0
    term = line["term_months"]
    if line.get("kind", "initial") == "renewal" or line.get("renewal_commensurate", True):
        basis, period = "contract_term", term
    else:
        if line.get("customer_life_months"):
            basis, life = "customer_life_given", line["customer_life_months"]
        elif policy.get("expected_customer_life_months"):
            basis, life = "customer_life_policy", policy["expected_customer_life_months"]
        else:
            rate, mode = policy["annual_churn_rate"], policy.get("life_rounding", "HalfEven")
            basis, life = "customer_life_from_churn", life_from_churn(rate, mode)
        if term > life:
            basis = "contract_term"
        period = max(term, life)
    if policy.get("practical_expedient") and period <= 12:
        return "expensed_practical_expedient", basis, period
    return "capitalised", basis, period


def first_month(line: dict, policy: dict) -> int:
    start = month_of(line["contract_start"])
    return start + 1 if policy.get("month_convention") == "next_month" else start


def window(line: dict, policy: dict, period: int, revenue: dict[int, Fraction]) -> list:
    """[(month, weight)] of the amortisation window for a period of P months."""
    f = first_month(line, policy)
    if line.get("pattern", "straight_line") == "revenue_proportional":
        return [(f + k, revenue.get(f + k, Fraction(0))) for k in range(period)]
    start = line["contract_start"]
    if policy.get("month_convention") == "daily_prorated" and start.day != 1:
        days = calendar.monthrange(start.year, start.month)[1]
        r = days - start.day + 1
        weights = [r] + [days] * (period - 1) + [days - r]
        return [(f + k, Fraction(w)) for k, w in enumerate(weights)]
    return [(f + k, Fraction(1)) for k in range(period)]


# ----------------------------------------------------------------------------- one asset


def event_key(ev: dict) -> tuple:
    return (ev["date"], KINDS_ORDER.index(ev["kind"]), ev.get("amount") or 0, ev.get("months") or 0)


class Asset:
    """Replays one capitalised line month by month."""

    def __init__(self, line: dict, policy: dict, period: int, revenue: dict, events: list):
        self.line, self.policy, self.revenue = line, policy, revenue
        self.period = period
        self.by_month: dict[int, list] = {}
        for ev in sorted(events, key=event_key):
            self.by_month.setdefault(month_of(ev["date"]), []).append(ev)
        self.win = window(line, policy, period, revenue)
        self.unbooked = self.win[0][0]  # the first month not yet amortised
        self.plan = dict(
            zip((m for m, _ in self.win), spread(line["amount"], self._weights(), policy))
        )
        self.balance = 0
        self.terminated = False

    def _weights(self) -> list[Fraction]:
        return [w for m, w in self.win if m >= self.unbooked]

    def respread(self) -> None:
        months = [m for m, _ in self.win if m >= self.unbooked]
        assert months or self.balance == 0, "a balance with no month left to take it"
        self.plan = dict(zip(months, spread(self.balance, self._weights(), self.policy)))

    def _amortise_to(self, month: int) -> int:
        due = [m for m in self.plan if m <= month]
        amount = sum(self.plan.pop(m) for m in due)
        self.unbooked = max(self.unbooked, month + 1)
        return amount

    def _event(self, ev: dict, row: dict) -> None:
        kind = ev["kind"]
        if kind == "clawback":
            reduce = 0 if self.terminated else min(ev["amount"], self.balance)
            row["reduction"] += reduce
            row["expense_credit"] += ev["amount"] - reduce
            if reduce:
                self.balance -= reduce
                self.respread()
        elif self.terminated:
            raise Refused("events", f"a {kind} after a termination")
        elif kind in ("extension", "change_in_estimate"):
            self.period = self.period + ev["months"] if kind == "extension" else ev["months"]
            self.win = window(self.line, self.policy, self.period, self.revenue)
            self.respread()
        else:
            self.terminated = True
            row["terminated"] = True

    def month(self, m: int) -> dict:
        row = dict.fromkeys(
            ("opening", "addition", "reduction", "amortisation", "write_off", "expense_credit"), 0
        )
        row["opening"] = self.balance
        if m == month_of(self.line["incurred"]):
            row["addition"] = self.line["amount"]
            self.balance += row["addition"]
        for ev in self.by_month.get(m, ()):
            self._event(ev, row)
        if row.get("terminated"):
            if (
                self.policy.get("termination", "amortise_then_write_off")
                == "amortise_then_write_off"
            ):
                row["amortisation"] = self._amortise_to(m)
            row["write_off"] = self.balance - row["amortisation"]
            self.plan = {}
        elif not self.terminated:
            row["amortisation"] = self._amortise_to(m)
        self.balance -= row["amortisation"] + row["write_off"]
        row["closing"] = self.balance
        row["current"] = sum(self.plan.get(k, 0) for k in range(m + 1, m + 1 + CURRENT_MONTHS))
        return row


def _moves(row: dict) -> bool:
    keys = ("opening", "addition", "reduction", "amortisation", "write_off", "closing")
    return any(row[k] for k in keys)


def replay_line(line: dict, policy: dict, events: list, revenue: dict) -> dict:
    """Per line: the decision, its schedule rows and its expense movements per month."""
    treatment, basis, period = decide(line, policy)
    incurred = month_of(line["incurred"])
    out = {"treatment": treatment, "basis": basis, "period": period, "rows": [], "expensed": {}}
    credits: dict[int, int] = {}
    if treatment != "capitalised":
        out["expensed"][incurred] = line["amount"]
        for ev in events:
            if ev["kind"] == "clawback":
                m = month_of(ev["date"])
                credits[m] = credits.get(m, 0) + ev["amount"]
        out["first"] = incurred
    else:
        asset = Asset(line, policy, period, revenue, events)
        last_event = max((month_of(e["date"]) for e in events), default=incurred)
        m = incurred
        while m <= last_event or asset.balance:
            row = asset.month(m)
            if row["expense_credit"]:
                credits[m] = credits.get(m, 0) + row["expense_credit"]
            if m == incurred or _moves(row):
                out["rows"].append((m, row))
            m += 1
        out["first"] = first_month(line, policy)
    out["credits"] = credits
    months = [m for m, _ in out["rows"]] + list(credits) + list(out["expensed"])
    out["last"] = max(months)
    return out


# ----------------------------------------------------------------------------- the book


def _revenue_by_line(book: dict) -> dict:
    by_line: dict = {}
    for r in book.get("revenue", []):
        by_line.setdefault(r["line_id"], {})[month_of(r["month"])] = Fraction(r["weight"])
    return by_line


def run(book: dict) -> dict:
    policy = book["policy"]
    revenue = _revenue_by_line(book)
    events: dict = {}
    for ev in book.get("events", []):
        events.setdefault(ev["line_id"], []).append(ev)
    lines = sorted(book["costs"], key=lambda c: c["line_id"])
    replayed = [
        (c, replay_line(c, policy, events.get(c["line_id"], []), revenue.get(c["line_id"], {})))
        for c in lines
    ]
    return {
        "assets": _assets(replayed),
        "schedule": _schedule(replayed),
        "roll_forward": (rf := _roll_forward(replayed)),
        "journal": _journal(rf),
        **_ranged(replayed, book.get("range")),
    }


def _assets(replayed: list) -> list[tuple]:
    out = []
    for c, r in replayed:
        rows = [row for _, row in r["rows"]]
        total = {k: sum(row[k] for row in rows) for k in ("amortisation", "reduction", "write_off")}
        credit = sum(r["credits"].values())
        out.append(
            (c["line_id"], c["currency"], c["amount"], r["treatment"], r["basis"], r["period"])
            + (month_tuple(r["first"]), month_tuple(r["last"]))
            + (total["amortisation"], total["reduction"], total["write_off"], credit)
        )
    return out


SCHEDULE_KEYS = (
    "opening",
    "addition",
    "reduction",
    "amortisation",
    "write_off",
    "closing",
    "current",
)


def _schedule(replayed: list) -> list[tuple]:
    out = []
    for c, r in replayed:
        for m, row in r["rows"]:
            money = tuple(row[k] for k in SCHEDULE_KEYS)
            out.append(
                (c["line_id"], c["currency"], month_tuple(m))
                + money
                + (row["closing"] - row["current"],)
            )
    return out


ROLL_KEYS = (
    "opening",
    "additions",
    "reductions",
    "amortisation",
    "write_offs",
    "closing",
    "current",
    "non_current",
    "expensed",
    "expense_credits",
)


def _ranged(replayed: list, span) -> dict:
    """roll_forward(start, end) and journal(start, end): the months containing them, the
    first month's opening including everything before it."""
    if span is None:
        return {}
    lo, hi = month_of(span[0]), month_of(span[1])
    first = min(lo, min(month_of(c["incurred"]) for c, _ in replayed))
    rows = _roll_forward(replayed, first, max(hi, lo))
    rows = [r for r in rows if lo <= month_of(r[1]) <= hi]
    return {"roll_forward_range": rows, "journal_range": _journal(rows)}


def _roll_forward(replayed: list, lo: int | None = None, hi: int | None = None) -> list[tuple]:
    """Per currency (sorted) and month, by default from the book's first incurred month
    to its last movement."""
    if lo is None:
        lo = min(month_of(c["incurred"]) for c, _ in replayed)
    if hi is None:
        hi = max(r["last"] for _, r in replayed)
    sums: dict = {}

    def add(ccy: str, m: int, key: str, value: int) -> None:
        cell = sums.setdefault((ccy, m), dict.fromkeys(ROLL_KEYS, 0))
        cell[key] += value

    for c, r in replayed:
        ccy = c["currency"]
        for m, row in r["rows"]:
            for key, src in (
                ("additions", "addition"),
                ("reductions", "reduction"),
                ("amortisation", "amortisation"),
                ("write_offs", "write_off"),
                ("current", "current"),
            ):
                add(ccy, m, key, row[src])
        for m, v in r["expensed"].items():
            add(ccy, m, "expensed", v)
        for m, v in r["credits"].items():
            add(ccy, m, "expense_credits", v)
    out = []
    for ccy in sorted({c["currency"] for c, _ in replayed}):
        closing = 0
        for m in range(lo, hi + 1):
            cell = sums.get((ccy, m), dict.fromkeys(ROLL_KEYS, 0))
            cell["opening"] = closing
            closing += (
                cell["additions"] - cell["reductions"] - cell["amortisation"] - cell["write_offs"]
            )
            cell["closing"] = closing
            cell["non_current"] = closing - cell["current"]
            out.append((ccy, month_tuple(m)) + tuple(cell[k] for k in ROLL_KEYS))
    return out


def _journal(roll_forward: list[tuple]) -> list[tuple]:
    out, entry = [], 0
    for row in roll_forward:
        ccy, month, cell = row[0], row[1], dict(zip(ROLL_KEYS, row[2:]))
        for kind, debit, credit, key in JOURNAL_KINDS:
            if cell[key]:
                out.append((entry, ccy, month, kind, debit, cell[key], 0))
                out.append((entry, ccy, month, kind, credit, 0, cell[key]))
                entry += 1
    return out
