"""Differential test: salescomp's period run on random plans against an independent
oracle written from docs/plan-reference.md and docs/money.md
(tests/python/oracles/plan_oracle.py, cases from plan_cases.py).

A fixed seed of random cases (``SALESCOMP_ORACLE_CASES``, default 20,000; one
case = one person on one random plan over four months across a quarter or a
year end, or two quarters, the state carried) must agree to the minor unit on
every line, in the plan and in the pay currency. People are run in batches of
2,500 (one run_period call per calendar, run-wide option and period). Long run
(10x):

    SALESCOMP_ORACLE_CASES=200000 PYTHONPATH=$PWD/build/dev/python \
        .venv/bin/python -m pytest -q -p no:cacheprovider tests/python/test_oracle_plans.py

A mismatch prints the smallest failing case found (components, credits,
modifiers and the per_statement scope removed one at a time while it still
fails). The mutation checks make sure each of 33 wrong oracles is caught; the
engine bugs the oracle found are pinned at the end as regression cases (ENGINE_BUGS,
fixed in src/engine/period_run.cpp; the random cases cover these combinations too).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import pprint
from decimal import Decimal

import pyarrow as pa
import pytest
import salescomp as sc
from oracles import plan_cases as gen
from oracles import plan_oracle as oracle
from salescomp._errors import ValidationError
from salescomp.engine import run_period
from salescomp.plan import Plan

SEED = 20261205
COUNT = int(os.environ.get("SALESCOMP_ORACLE_CASES", "20000"))
BATCH = 2500


# ----------------------------------------------------------------------------- salescomp side


def _inputs(cases: list[dict]):
    plans, assignments, quotas = [], [], []
    credits: dict[str, list] = {
        k: [] for k in ("person", "deal", "date", "amount", "currency", "kind", "deal_type")
    }
    deals: dict[str, list] = {
        k: []
        for k in (
            "close_date",
            "cancellation_date",
            "invoice_date",
            "collection_date",
            "amount",
            "currency",
            "product",
            "term_months",
        )
    }
    collections: dict[str, list] = {"deal": [], "date": [], "amount": [], "currency": []}
    for person, case in enumerate(cases):
        plans.append(Plan.from_json(json.dumps({**case["plan"], "id": f"p{person}"})))
        assignments += _assignments(person, case, plans)
        base = len(deals["product"])
        currency = case["plan"]["currency"]
        for d, (product, term, *dates) in enumerate(case["deals"]):
            close, cancel, events = (dates + ["2026-01-01", None, {}][len(dates) :])[:3]
            deals["close_date"].append(close)
            deals["cancellation_date"].append(cancel)
            deals["invoice_date"].append(events.get("invoice"))
            deals["collection_date"].append(events.get("collection_date"))
            deals["amount"].append(Decimal(events.get("amount", "1")))
            deals["currency"].append(currency)
            for date, amount in events.get("collections", ()):
                for k, v in zip(collections, (base + d, date, Decimal(amount), currency)):
                    collections[k].append(v)
            deals["product"].append(product)
            deals["term_months"].append(term)
        for date, deal, kind, deal_type, amount, *ccy in case["credits"]:
            row = (
                person,
                base + deal,
                date,
                Decimal(amount),
                (ccy or [currency])[0],
                kind,
                deal_type,
            )
            for k, v in zip(credits, row):
                credits[k].append(v)
        quotas += [
            {
                "person": person,
                "measure": m,
                "period_start": s,
                "amount": a,
                "currency": (c or [currency])[0],
            }
            for m, s, a, *c in case["quotas"]
        ]
    credits["amount"] = pa.array(credits["amount"], pa.decimal128(38, 3))
    for k in ("cancellation_date", "invoice_date", "collection_date"):
        deals[k] = pa.array(deals[k], pa.string())
    deals["amount"] = pa.array(deals["amount"], pa.decimal128(38, 3))
    collections["amount"] = pa.array(collections["amount"], pa.decimal128(38, 3))
    paid = pa.table(collections) if collections["deal"] else None
    return plans, assignments, pa.table(credits), pa.table(deals), quotas, paid


def _assignments(person: int, case: dict, plans: list) -> list[dict]:
    change = case.get("change")
    first = oracle.CALENDARS[case["calendar"]][0][0]
    if not change:
        return [{"person": person, "plan": f"p{person}", "from": first}]
    plans.append(Plan.from_json(json.dumps({**change["plan"], "id": f"q{person}"})))
    switch = dt.date.fromisoformat(change["from"])
    return [
        {
            "person": person,
            "plan": f"p{person}",
            "from": first,
            "to": switch - dt.timedelta(days=1),
        },
        {"person": person, "plan": f"q{person}", "from": switch},
    ]


def _split(case: dict) -> str:
    return case["change"]["split"] if "change" in case else "credits_by_date"


def _fx_table() -> sc.FxTable:
    fx = sc.FxTable()
    for (frm, to), quotes in oracle.FX_QUOTES.items():
        for date, rate in quotes:
            fx.add(frm, to, date, rate)
    return fx


FX = _fx_table()


def _period_dict(bounds) -> dict:
    return dict(zip(("start", "end", "quarter_start", "year_start"), bounds))


def _refused(error: ValidationError) -> set[int]:
    rows = {i["row"] for i in error.issues}
    expected = ("SC-ROUND-INEXACT", "positive quota")  # the refusals the oracle predicts
    bad = [i for i in error.issues if not any(e in f"{i['value']} {i['rule']}" for e in expected)]
    assert not bad, f"unexpected refusal: {error}"
    return rows


def salescomp_results(cases: list[dict]) -> list[list[dict | None]]:
    """Per case, per period: {(component, deal): minor units} of the non-zero lines, or None."""
    plans, assignments, credits, deals, quotas, collections = _inputs(cases)
    bases = [0]
    for c in cases:
        bases.append(bases[-1] + len(c["deals"]))
    out: list[list[dict | None]] = [[] for _ in cases]
    active = set(range(len(cases)))
    state = None
    for i, bounds in enumerate(oracle.CALENDARS[cases[0]["calendar"]]):
        mbo = [
            {"person": p, "component": c, "objective": o, "achievement": a}
            for p in sorted(active)
            for k, c, o, a in cases[p]["mbo"]
            if k == i
        ]
        while True:
            try:
                result = run_period(
                    plans=plans,
                    assignments=[a for a in assignments if a["person"] in active],
                    credits=credits,
                    deals=deals,
                    collections=collections,
                    quotas=quotas,
                    mbo=[e for e in mbo if e["person"] in active],
                    period=_period_dict(bounds),
                    state=state,
                    explanations=False,
                    plan_change=_split(cases[0]),
                    fx=FX,
                    fx_date=cases[0].get("fx_date", "credit_date"),
                    pay_currencies={p: cases[p]["pay"] for p in active if "pay" in cases[p]},
                )
                break
            except ValidationError as e:
                for p in _refused(e):
                    out[p].append(None)
                    active.discard(p)
        for p in active:
            out[p].append({})
        columns = ["person", "component", "deal", "amount", "pay_amount"]
        table = result.to_arrow().select(columns).to_pydict()
        for p, c, d, a, paid in zip(*(table[k] for k in columns)):
            lines = out[p][-1]
            key = (c, -1 if d is None else d - bases[p])
            lines[key] = lines.get(key, 0) + int(
                a.scaleb(oracle.EXPONENTS[cases[p]["plan"]["currency"]])
            )
            if "pay" in cases[p]:
                pay_key = ("pay", *key)
                lines[pay_key] = lines.get(pay_key, 0) + int(
                    paid.scaleb(oracle.EXPONENTS[cases[p]["pay"]])
                )
        for p in active:
            out[p][-1] = {k: v for k, v in out[p][-1].items() if v != 0}
        state = result.next_state
    return out


def salescomp_one(case: dict) -> list[dict | None]:
    return salescomp_results([case])[0]


# ----------------------------------------------------------------------------- the fixed seed, run once


def batch_seed(k: int) -> int:
    return SEED * 1000 + k


def _run_batch(k: int) -> tuple[list[dict], list]:
    """Batch k: BATCH cases of their own seed and salescomp's results (one run per calendar)."""
    cases = list(gen.cases(batch_seed(k), min(BATCH, COUNT - k * BATCH)))
    results: list = [None] * len(cases)
    # one run per calendar and per run-wide option (plan_change, fx_date)
    groups: dict[tuple, list[int]] = {}
    for i, c in enumerate(cases):
        groups.setdefault((c["calendar"], _split(c), c.get("fx_date", "credit_date")), []).append(i)
    for idx in groups.values():
        for i, r in zip(idx, salescomp_results([cases[i] for i in idx])):
            results[i] = r
    return cases, results


_cached_batch = functools.lru_cache(maxsize=None)(_run_batch)
CACHED = 8  # the default run's batches, kept for the mutation checks; a long run streams the rest


def batches():
    for k in range(-(-COUNT // BATCH)):
        yield k, (_cached_batch(k) if k < CACHED else _run_batch(k))


# ----------------------------------------------------------------------------- shrinking


def _smaller(case: dict):
    plan = case["plan"]
    comps = plan["components"]
    for i in range(len(comps)):
        if len(comps) > 1:
            yield {**case, "plan": {**plan, "components": comps[:i] + comps[i + 1 :]}}
    for i in range(len(case["credits"])):
        yield {**case, "credits": case["credits"][:i] + case["credits"][i + 1 :]}
    for k in ("adjustments", "gate", "caps", "kicker"):
        for i, c in enumerate(comps):
            if k in c:
                smaller = {key: v for key, v in c.items() if key != k}
                yield {
                    **case,
                    "plan": {**plan, "components": comps[:i] + [smaller] + comps[i + 1 :]},
                }
    if "rounding" in plan and plan["rounding"].get("scope") == "per_statement":
        yield {**case, "plan": {**plan, "rounding": {"mode": plan["rounding"]["mode"]}}}


def _fails(case: dict, simulate) -> bool:
    try:
        return simulate(case) != salescomp_one(case)
    except Exception:  # a shrunk case salescomp refuses is not a smaller reproducer
        return False


def minimise(case: dict, simulate=oracle.simulate) -> dict:
    progress = True
    while progress:
        progress = False
        for smaller in _smaller(case):
            if _fails(smaller, simulate):
                case, progress = smaller, True
                break
    return case


def report(k: int, i: int, case: dict, simulate=oracle.simulate) -> str:
    small = minimise(case, simulate)
    return (
        f"case {i} of batch {k} (seed {batch_seed(k)}) disagrees; minimised reproducer:\n"
        f"{pprint.pformat(small, width=110)}\n"
        f"salescomp {salescomp_one(small)}\noracle    {simulate(small)}"
    )


def first_mismatch(simulate):
    for k, (cases, results) in batches():
        for i, (case, got) in enumerate(zip(cases, results)):
            if simulate(case) != got:
                return k, i, case
    return None


# ----------------------------------------------------------------------------- the differential run


def test_oracle_agrees_with_salescomp_on_random_plans():
    compared = mismatches = 0
    first = None
    for k, (cases, results) in batches():
        for i, (case, got) in enumerate(zip(cases, results)):
            compared += 1
            if oracle.simulate(case) != got:
                mismatches += 1
                first = first or (k, i, case)
    assert compared == COUNT
    assert not mismatches, f"{mismatches} of {compared} cases disagree\n" + report(*first)


# ----------------------------------------------------------------------------- the oracle's power


def _mutant_statement_tie_to_later(monkeypatch):
    """Wrong: per_statement gives a tied unit to the later line."""

    right = oracle.allocate_statement

    def allocate(exact, mode):
        return right(exact[::-1], mode)[::-1]

    monkeypatch.setattr(oracle, "allocate_statement", allocate)


def _mutant_half_up_toward_ceiling(monkeypatch):
    """Wrong: HalfUp ties toward +infinity (some C++ libraries), not away from zero."""
    right = oracle.round_minor

    def rounded(v, mode):
        return right(v, "Ceiling" if mode == "HalfUp" and (2 * v).denominator == 1 else mode)

    monkeypatch.setattr(oracle, "round_minor", rounded)


def _mutant_up_is_ceiling(monkeypatch):
    """Wrong: Up (away from zero) rounds like Ceiling, so refunds round toward zero."""
    right = oracle.round_minor
    monkeypatch.setattr(
        oracle, "round_minor", lambda v, mode: right(v, "Ceiling" if mode == "Up" else mode)
    )


def _mutant_edge_swapped(monkeypatch):
    """Wrong: lower_inclusive bands read as (from, to] and upper_inclusive as [from, to)."""
    right = oracle.band_of
    swap = {"lower_inclusive": "upper_inclusive", "upper_inclusive": "lower_inclusive"}
    monkeypatch.setattr(oracle, "band_of", lambda x, froms, edge: right(x, froms, swap[edge]))


def _mutant_year_cap_ignores_paid(monkeypatch):
    """Wrong: the per_year cap is not reduced by what was paid earlier in the year."""
    monkeypatch.setattr(oracle, "year_room", lambda cap, paid: cap)


def _mutant_year_cap_without_floor(monkeypatch):
    """Wrong: per_year cap min(payout, cap - paid) without its floor at 0 (a plan change can
    leave more paid this year than the new plan's cap)."""
    monkeypatch.setattr(oracle, "year_room", lambda cap, paid: cap - paid)


def _mutant_recovery_without_floor(monkeypatch):
    """Wrong: the draw's recovery from earnings without its floor at 0 (a shortfall pays out balance)."""
    monkeypatch.setattr(
        oracle, "recoverable_from", lambda e, amount, guaranteed: e - amount if guaranteed else e
    )


def _mutant_quarter_not_reset(monkeypatch):
    """Wrong: quarter-to-date nets what was paid since the start of the year."""
    right = oracle.Person.run

    def run(self, period, bounds):
        self.quarter_start = bounds[2]  # never reset: paid_quarter keeps Q1's payments
        return right(self, period, bounds)

    monkeypatch.setattr(oracle.Person, "run", run)


def _mutant_whole_sees_uncapped_attainment(monkeypatch):
    """Wrong: whole adjustments and the kicker compare the attainment before caps.attainment."""

    def earned(c, x, q, allowed, exponent):
        capped = oracle.cap_attainment(c, x, q)
        pieces = oracle.base_pieces(c, capped, q, exponent)
        signed = oracle.integrate(pieces, oracle.band_modifiers(c, q, allowed))
        return (-signed if capped < 0 else signed) * oracle.whole_factor(c, x, q, allowed)

    monkeypatch.setattr(oracle, "rate_earned", earned)


def _mutant_refund_not_decelerated(monkeypatch):
    """Wrong: a band decelerator does not reach a refund (the issue's first bug)."""
    right = oracle.rate_earned

    def earned(c, x, q, allowed, exponent):
        if x >= 0:
            return right(c, x, q, allowed, exponent)
        keep = [
            a
            for a in c.get("adjustments", ())
            if a["direction"] == "above" or a.get("scope") == "whole"
        ]
        return right({**c, "adjustments": keep}, x, q, allowed, exponent)

    monkeypatch.setattr(oracle, "rate_earned", earned)


def _mutant_gate_strict(monkeypatch):
    """Wrong: exactly reaching the gate's level leaves it closed (> instead of >=)."""

    def gate(self, c, x, q):
        g = c.get("gate")
        if not g:
            return True
        start = self.span_start(g.get("accumulation", "period"))
        measure = g.get("measure", c["measure"])
        value, _ = self.measure(measure, start)
        if g.get("basis", "attainment") == "amount":
            return value > oracle.money(g["level"], self.exp)
        return value > oracle.Fraction(g["level"]) * self.quota(measure, start)

    monkeypatch.setattr(oracle.Person, "gate", gate)


def _mutant_exact_weighted_credit(monkeypatch):
    """Wrong: a multiplier's weighted credit kept exact instead of rounded per credit."""

    def weighted(measure, credit, mode):
        for m in measure.get("multipliers", ()):
            if m.get("deal_types") and credit["deal_type"] not in m["deal_types"]:
                continue
            if credit["term"] < m.get("min_term_months", 0):
                continue
            return credit["amount"] * oracle.Fraction(m["factor"])
        return credit["amount"]

    monkeypatch.setattr(oracle, "weighted", weighted)


def _mutant_per_deal_zero_at_net_zero(monkeypatch):
    """Wrong: deals netting to 0 under a per-deal cap pay 0 (the rate just above 0 is the rule)."""
    monkeypatch.setattr(oracle, "rate_just_above_zero", lambda c, q, allowed, exponent: oracle.ZERO)


def _mutant_unnecessary_per_line(monkeypatch):
    """Wrong: per_statement with Unnecessary refuses an inexact line though the total is exact."""
    right = oracle.allocate_statement

    def allocate(exact, mode):
        if mode == "Unnecessary":
            for x in exact:
                oracle.round_minor(x, mode)
        return right(exact, mode)

    monkeypatch.setattr(oracle, "allocate_statement", allocate)


def _mutant_milestone_every_period(monkeypatch):
    """Wrong: a milestone is paid in every period its level is reached, not once."""
    right = oracle.Person.milestones

    def milestones(self, c):
        self.milestones_paid = set()
        return right(self, c)

    monkeypatch.setattr(oracle.Person, "milestones", milestones)


def _mutant_spif_window_end_exclusive(monkeypatch):
    """Wrong: a SPIF's window excludes its last day."""
    right = oracle.Person.spif

    def spif(self, c):
        end = (oracle._D(c["to"]) - oracle.dt.timedelta(days=1)).isoformat()
        return right(self, {**c, "to": end}) if c["to"] > c["from"] else []

    monkeypatch.setattr(oracle.Person, "spif", spif)


def _mutant_curve_extrapolated_below_zero(monkeypatch):
    """Wrong: a pay curve continues its first slope below attainment 0 (it is flat there)."""
    right = oracle.curve_at

    def curve_at(curve, a):
        if a >= 0:
            return right(curve, a)
        (a0, y0), (a1, y1) = [
            (oracle.Fraction(p["attainment"]), oracle.Fraction(p["factor"]))
            for p in curve["points"][:2]
        ]
        return y0 + (y1 - y0) * (a - a0) / (a1 - a0)

    monkeypatch.setattr(oracle, "curve_at", curve_at)


def _mutant_hybrid_at_threshold_rate(monkeypatch):
    """Wrong: hybrid pays the part below the threshold at the threshold band's own rate."""
    right = oracle.base_pieces

    def pieces(c, x, q, exponent):
        if c["type"] != "tiered" or c.get("mode") != "hybrid" or x <= 0:
            return right(c, x, q, exponent)
        out = right(c, x, q, exponent)
        th = [oracle.Fraction(t["from"]) for t in c["tiers"]].index(
            oracle.Fraction(c["hybrid_threshold"])
        )
        froms = oracle.levels_minor(c, q, exponent)
        if th == 0 or oracle.band_of(x, froms, c.get("edge", "lower_inclusive")) < th:
            return out
        return [(out[0][0], out[0][1], oracle.Fraction(c["tiers"][th]["rate"]))] + out[1:]

    monkeypatch.setattr(oracle, "base_pieces", pieces)


def _mutant_deal_tie_to_larger_deal(monkeypatch):
    """Wrong: a commission unit tied between deals goes to the later (larger) deal."""
    right = oracle.allocate
    monkeypatch.setattr(
        oracle, "allocate", lambda total, weights: right(total, weights[::-1])[::-1]
    )


def _mutant_window_end_swapped(monkeypatch):
    """Wrong: a clawback window's inclusive end read as exclusive and the other way round."""
    right = oracle.clawback_share
    swap = {"inclusive": "exclusive", "exclusive": "inclusive"}

    def share(c, close, cancel, term):
        return right(
            {**c, "window_end": swap[c.get("window_end", "inclusive")]}, close, cancel, term
        )

    monkeypatch.setattr(oracle, "clawback_share", share)


def _mutant_clawback_rounded_signed(monkeypatch):
    """Wrong: the clawback rounds -k x paid with the mode, not the magnitude then negated."""
    right = oracle.round_minor
    flip = {"Floor": "Ceiling", "Ceiling": "Floor"}

    def clawbacks(self):
        self.mode, mode = flip.get(self.mode, self.mode), self.mode
        try:
            return right_clawbacks(self)
        finally:
            self.mode = mode

    right_clawbacks = oracle.Person.clawbacks
    monkeypatch.setattr(oracle.Person, "clawbacks", clawbacks)
    assert right is oracle.round_minor


def _mutant_reverse_attainment_ignored(monkeypatch):
    """Wrong: reverse_attainment does not take a cancelled deal's credit out of the measures."""
    monkeypatch.setattr(oracle.Person, "counts", lambda self, r: True)


def _mutant_attributed_despite_refunds(monkeypatch):
    """Wrong: commission is attributed to deals even in a period with a refund."""

    def attribute(self, measure_id, amount):
        m = self.measures[measure_id]
        by_deal: dict[int, int] = {}
        for r in self.span_credits(measure_id, self.start):
            by_deal[r["deal"]] = by_deal.get(r["deal"], 0) + oracle.weighted(m, r, self.mode)
        deals = sorted(d for d in by_deal if by_deal[d] > 0)
        if deals:
            for deal, part in zip(deals, oracle.allocate(amount, [by_deal[d] for d in deals])):
                self.paid_on_deal[deal] = self.paid_on_deal.get(deal, 0) + part

    monkeypatch.setattr(oracle.Person, "attribute", attribute)


def _mutant_release_day_after(monkeypatch):
    """Wrong: a holdback is released only after its release date (release < period end)."""
    monkeypatch.setattr(oracle, "released", lambda release, end: release < end)


def _mutant_cancelled_deal_not_forfeited(monkeypatch):
    """Wrong: commission earned on a cancelled deal but held back is still released later."""
    right = oracle.Person.clawbacks

    def clawbacks(self):
        earned, now = dict(self.earned_on_deal), dict(self.earned_now)
        out = right(self)
        self.earned_on_deal, self.earned_now = earned, now
        return out

    monkeypatch.setattr(oracle.Person, "clawbacks", clawbacks)


def _mutant_collection_share_uncapped(monkeypatch):
    """Wrong: collections above the deal amount pay more than what was earned."""
    monkeypatch.setattr(oracle, "collected_share", lambda got, amount: oracle.Fraction(got, amount))


def _mutant_split_quota_not_prorated(monkeypatch):
    """Wrong: under credits_by_date a segment is measured against the full period's quota."""
    right = oracle.Person.quota

    def quota(self, measure_id, start):
        split, self.split = self.split, None
        try:
            return right(self, measure_id, start)
        finally:
            self.split = split

    monkeypatch.setattr(oracle.Person, "quota", quota)


def _mutant_prorated_targets_not_prorated(monkeypatch):
    """Wrong: under prorated_targets each plan's lines are paid in full, not x days / period days."""
    right = oracle.Person.segment_lines

    def segment_lines(self, period, plan, lo, hi, split):
        if split and self.change["split"] == "prorated_targets":
            lo, hi = self.start, self.end  # as many days as the period: a factor of 1
        return right(self, period, plan, lo, hi, split)

    monkeypatch.setattr(oracle.Person, "segment_lines", segment_lines)


def _mutant_segment_sees_every_credit(monkeypatch):
    """Wrong: under credits_by_date each segment's plan pays on all the period's credits."""

    def measure(self, measure_id, start):
        hi, self.hi = self.hi, self.end
        try:
            return right_measure(self, measure_id, start)
        finally:
            self.hi = hi

    right_measure = oracle.Person.measure
    monkeypatch.setattr(oracle.Person, "measure", measure)


def _mutant_rounded_inverse_rate(monkeypatch):
    """Wrong: the unquoted way multiplies by the inverse rate rounded to 12 places."""
    right = oracle.fx_rate

    def rate(frm, to, on):
        r = right(frm, to, on)
        return r if (frm, to) in oracle.FX_QUOTES else oracle.Fraction(round(r * 10**12), 10**12)

    monkeypatch.setattr(oracle, "fx_rate", rate)


def _mutant_fx_at_credit_date_always(monkeypatch):
    """Wrong: credits converted at their own date even when the run asks for the period end."""
    right = oracle.Person.convert_credits

    def convert_credits(self):
        self.fx_date = "credit_date"
        return right(self)

    monkeypatch.setattr(oracle.Person, "convert_credits", convert_credits)


def _mutant_quote_strictly_before(monkeypatch):
    """Wrong: a quote takes effect the day after its effective date."""
    right = oracle.fx_rate
    monkeypatch.setattr(
        oracle, "fx_rate", lambda frm, to, on: right(frm, to, on - oracle.dt.timedelta(days=1))
    )


def _mutant_year_not_reset(monkeypatch):
    """Wrong: a new year keeps last year's payments (per-year caps, YTD true-ups) and milestones."""
    right = oracle.Person.run

    def run(self, period, bounds):
        self.year_start = bounds[3]
        return right(self, period, bounds)

    monkeypatch.setattr(oracle.Person, "run", run)


MUTANTS = [
    _mutant_statement_tie_to_later,
    _mutant_half_up_toward_ceiling,
    _mutant_up_is_ceiling,
    _mutant_edge_swapped,
    _mutant_year_cap_ignores_paid,
    _mutant_year_cap_without_floor,
    _mutant_recovery_without_floor,
    _mutant_quarter_not_reset,
    _mutant_year_not_reset,
    _mutant_whole_sees_uncapped_attainment,
    _mutant_refund_not_decelerated,
    _mutant_gate_strict,
    _mutant_exact_weighted_credit,
    _mutant_per_deal_zero_at_net_zero,
    _mutant_unnecessary_per_line,
    _mutant_milestone_every_period,
    _mutant_spif_window_end_exclusive,
    _mutant_curve_extrapolated_below_zero,
    _mutant_hybrid_at_threshold_rate,
    _mutant_deal_tie_to_larger_deal,
    _mutant_window_end_swapped,
    _mutant_clawback_rounded_signed,
    _mutant_reverse_attainment_ignored,
    _mutant_attributed_despite_refunds,
    _mutant_release_day_after,
    _mutant_cancelled_deal_not_forfeited,
    _mutant_collection_share_uncapped,
    _mutant_split_quota_not_prorated,
    _mutant_prorated_targets_not_prorated,
    _mutant_segment_sees_every_credit,
    _mutant_rounded_inverse_rate,
    _mutant_fx_at_credit_date_always,
    _mutant_quote_strictly_before,
]


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.__name__.removeprefix("_mutant_"))
def test_every_wrong_oracle_variant_is_caught(monkeypatch, mutant):
    mutant(monkeypatch)
    found = first_mismatch(oracle.simulate)
    assert found is not None, f"{mutant.__doc__}: not caught in {COUNT} cases"


def test_a_caught_mutant_is_minimised_to_a_small_reproducer(monkeypatch):
    _mutant_edge_swapped(monkeypatch)
    k, i, case = first_mismatch(oracle.simulate)
    small = minimise(case)
    # still failing, and no single component, credit or modifier can be removed
    assert _fails(small, oracle.simulate)
    assert not any(_fails(s, oracle.simulate) for s in _smaller(small))
    assert len(small["credits"]) <= len(case["credits"])
    assert "minimised reproducer" in report(k, i, case)


# ----------------------------------------------------------------------------- the docs' examples


def _case(components, credits, quota="100000.00", calendar="quarter", rounding=None, **measure):
    plan = {
        "id": "p",
        "currency": "USD",
        "period": calendar,
        "measures": [{"id": "m0", **measure}, {"id": "m1"}, {"id": "n", "aggregation": "count"}],
        "components": components,
    }
    if rounding:
        plan["rounding"] = rounding
    starts = [b[0].isoformat() for b in oracle.CALENDARS[calendar]]
    return {
        "calendar": calendar,
        "plan": plan,
        "deals": [[1, term, d, None] for d, _, term in credits],
        "credits": [[d, i, "direct", "new_business", a] for i, (d, a, _) in enumerate(credits)],
        "quotas": [[m, s, quota] for s in starts for m in ("m0", "m1", "n")],
        "mbo": [],
    }


def _flat(cid="c", rate="0.05", **options):
    return {"id": cid, "type": "flat_rate", "measure": "m0", "rate": rate, **options}


TIERS = [
    {"from": "0", "to": "0.5", "rate": "0.02"},
    {"from": "0.5", "to": "1", "rate": "0.05"},
    {"from": "1", "rate": "0.1"},
]
DOCUMENTED = {
    # 0.02 x 50,000 + 0.05 x 50,000 + 0.10 x 20,000 = 5,500.00
    "marginal tiers": (
        _case(
            [{"id": "c", "type": "tiered", "measure": "m0", "tiers": TIERS}],
            [("2026-02-01", "120000", 12)],
        ),
        [{("c", -1): 550000}, {}],
    ),
    # counted up to 2,000,000 (A = 1 < 1.25): 0.05 x 2,000,000 = 100,000.00, no kicker
    "attainment cap before the kicker": (
        _case(
            [_flat(caps={"attainment": "1"}, kicker={"level": "1.25", "multiplier": "1.5"})],
            [("2026-02-01", "3000000", 12)],
            quota="2000000",
        ),
        [{("c", -1): 10000000}, {}],
    ),
    # a refund below the decelerator's level: 0.025 x -300,000 = -7,500.00
    "refund under a band decelerator": (
        _case(
            [_flat(adjustments=[{"direction": "below", "level": "0.5", "multiplier": "0.5"}])],
            [("2026-02-01", "-300000", 12)],
            quota="300000",
        ),
        [{("c", -1): -750000}, {}],
    ),
    # deals netting to 0 at 10%, cap 15.00: min(20, 15) - 20 = -5.00
    "per-deal cap at net zero": (
        _case(
            [_flat(rate="0.1", caps={"per_deal": "15"})],
            [("2026-02-01", "200", 12), ("2026-02-02", "-200", 12)],
        ),
        [{("c", -1): -500}, {}],
    ),
    # three lines of 617.285: 1,851.855 -> 1,851.86 once, 617.29 + 617.29 + 617.28
    "per_statement rounding": (
        _case(
            [_flat("a"), _flat("b"), _flat("c")],
            [("2026-02-01", "12345.70", 12)],
            rounding={"mode": "HalfEven", "scope": "per_statement"},
        ),
        [{("a", -1): 61729, ("b", -1): 61729, ("c", -1): 61728}, {}],
    ),
    # a weighted credit is money: 0.05 x 1.5 = 0.075 counts 0.08 (HalfEven), 100% of it
    "weighted credit rounded per credit": (
        _case(
            [_flat(rate="1")],
            [("2026-02-01", "0.05", 24)],
            multipliers=[{"min_term_months": 24, "factor": "1.5"}],
        ),
        [{("c", -1): 8}, {}],
    ),
    # ... and refused under Unnecessary
    "inexact weighted credit under Unnecessary": (
        _case(
            [_flat(rate="1")],
            [("2026-02-01", "0.05", 24)],
            rounding={"mode": "Unnecessary"},
            multipliers=[{"min_term_months": 24, "factor": "1.5"}],
        ),
        [None],
    ),
    # recoverable guarantee 5,000 for 3 periods, forgiven: E 3,000 / 6,000 / 5,500:
    # top-up 2,000; 1,000 recovered; 500 recovered and 500 forgiven; then nothing
    "recoverable guarantee": (
        _case(
            [
                _flat(rate="1"),
                {
                    "id": "d",
                    "type": "draw",
                    "kind": "recoverable_guarantee",
                    "amount": "5000",
                    "term_periods": 3,
                    "forgive_at_term_end": True,
                },
            ],
            [("2026-01-05", "3000", 12), ("2026-02-05", "6000", 12), ("2026-03-05", "5500", 12)],
            calendar="month",
        ),
        [
            {("c", -1): 300000, ("d", -1): 200000},
            {("c", -1): 600000, ("d.recovery", -1): -100000},
            {("c", -1): 550000, ("d.recovery", -1): -50000},
            {},
        ],
    ),
}


def _changed(case: dict, second: list[dict], switch: str, split: str, **options) -> dict:
    plan = _case(second, [])["plan"]
    plan.update(options)
    return {**case, "change": {"plan": plan, "from": switch, "split": split}}


# plan a (flat 5%) Jan 1 - Feb 14, plan b (retroactive 5% / 10% from 100%) from Feb 15, Q1 quota
# 40,000, credits 10,000 on Jan 20 and 20,000 on Mar 1, 45 + 45 days
_A = _case([_flat("a")], [("2026-01-20", "10000", 12), ("2026-03-01", "20000", 12)], quota="40000")
_B = [
    {
        "id": "b",
        "type": "tiered",
        "measure": "m0",
        "mode": "retroactive",
        "tiers": [{"from": "0", "to": "1", "rate": "0.05"}, {"from": "1", "rate": "0.1"}],
    }
]
# credits_by_date: a 5% x 10,000 = 500.00; b's quota 40,000 x 45/90 = 20,000, reached: 10% x 20,000
DOCUMENTED["plan change, credits_by_date"] = (
    _changed(_A, _B, "2026-02-15", "credits_by_date"),
    [{("a", -1): 50000, ("b", -1): 200000}, {}],
)
# prorated_targets: a 1,500 x 45/90 = 750.00; b at 75% (5%) 1,500 x 45/90 = 750.00; Q2 b alone
DOCUMENTED["plan change, prorated_targets"] = (
    _changed(_A, _B, "2026-02-15", "prorated_targets"),
    [{("a", -1): 75000, ("b", -1): 75000}, {}],
)


@pytest.mark.parametrize("name", DOCUMENTED)
def test_oracle_and_salescomp_reproduce_the_documented_examples(name):
    case, want = DOCUMENTED[name]
    assert oracle.simulate(case) == want
    assert salescomp_one(case) == want


# ----------------------------------------------------------------------------- engine bugs the oracle found

# Both fixed in src/engine/period_run.cpp (docs/plan-reference.md, "Plan changes within a
# period"); the random cases include these combinations (plan_cases._change).
_HOLD = {"holdback": {"share": "0.5", "release_after_days": 90}}
_TIMED = _case([_flat("c0", rate="0.1")], [("2026-01-10", "1000", 12)])
_TIMED["plan"]["payout_timing"] = _HOLD
ENGINE_BUGS = {
    # prorated_targets: each segment's plan computes the WHOLE period, so plan a's SPIF pays
    # 10% x 1,000.00 on the Mar 1 credit = 100.00, x 45/90 = 50.00. (The engine's SPIF once
    # saw only credits up to the segment's end, Feb 14: no line; it now reads the span end.)
    "prorated_targets SPIF sees only its segment's credits": (
        _changed(
            _case(
                [
                    {
                        "id": "c0",
                        "type": "spif",
                        "from": "2026-01-01",
                        "to": "2026-03-31",
                        "rate": "0.1",
                    }
                ],
                [("2026-03-01", "1000", 12)],
            ),
            [_flat("c1")],
            "2026-02-15",
            "prorated_targets",
        ),
        [{("c0", 0): 5000, ("c1", -1): 2500}, {}],
    ),
    # A 50% holdback for 90 days, the same plan before and after Feb 15 (credits_by_date).
    # Jan 10: 1,000.00 at 10% = 100.00 earned on deal 0 in the first segment; payable by
    # Mar 31: 50.00, so payout_timing = 50 - 0 - 100 = -50.00 and Q1 pays 50.00; Q2 releases
    # 50.00. (The engine once forgot the first segment's earnings when the last segment ran
    # the timing, earned_now_ being per segment: +50.00 in Q1, so 150.00 in Q1 and 200.00 in
    # all on 100.00 earned; it is now one map per person-period.)
    "deferred payout timing in a split period": (
        _changed(
            _TIMED, [_flat("c0", rate="0.1")], "2026-02-15", "credits_by_date", payout_timing=_HOLD
        ),
        [{("c0", -1): 10000, ("payout_timing", 0): -5000}, {("payout_timing", 0): 5000}],
    ),
}


@pytest.mark.parametrize("name", ENGINE_BUGS)
def test_oracle_on_the_engine_bug_reproducers(name):
    case, want = ENGINE_BUGS[name]
    assert oracle.simulate(case) == want


@pytest.mark.parametrize("name", ENGINE_BUGS)
def test_salescomp_on_the_engine_bug_reproducers(name):
    case, want = ENGINE_BUGS[name]
    assert salescomp_one(case) == want


# ----------------------------------------------------------------------------- what the generator covers


def _features(case: dict) -> set[str]:
    plans = [case["plan"]] + ([case["change"]["plan"]] if "change" in case else [])
    out = {f"calendar {case['calendar']}"}
    if "change" in case:
        out.add(f"change {case['change']['split']}")
    if "fx_date" in case:
        out.add(f"fx {case['fx_date']}")
    out |= {"pay currency"} if "pay" in case else set()
    out |= {"foreign quota"} if any(len(q) > 3 for q in case["quotas"]) else set()
    for p in plans:
        rounding = p.get("rounding", {})
        out |= {f"currency {p['currency']}", f"mode {rounding.get('mode', 'HalfEven')}"}
        out.add(f"scope {rounding.get('scope', 'per_line')}")
        if "payout_timing" in p:
            out.add(f"timing {p['payout_timing'].get('basis', 'booking')}")
            out |= {"holdback"} if "holdback" in p["payout_timing"] else set()
        out |= {"multipliers" for m in p["measures"] if m.get("multipliers")}
        for c in p["components"]:
            t = c["type"]
            out.add(t)
            out |= {
                f"{t} {c[k]}"
                for k in ("mode", "basis", "edge", "accumulation", "kind", "method")
                if k in c
            }
            out |= {f"{t} cap {k}" for k in c.get("caps", {})}
            out |= {
                f"adjustment {a['direction']} {a.get('scope', 'band')}"
                for a in c.get("adjustments", ())
            }
            out |= {f"gate {c['gate'].get('effect', 'no_payout')}"} if "gate" in c else set()
            out |= {"kicker"} if "kicker" in c else set()
            out |= {f"curve {c['curve'].get('beyond', 'flat')}"} if "curve" in c else set()
            out |= {"reverse_attainment"} if c.get("reverse_attainment") else set()
    return out


def test_the_generator_covers_every_documented_feature():
    seen: dict[str, int] = {}
    for case in gen.cases(batch_seed(0), min(COUNT, BATCH)):
        for f in _features(case):
            seen[f] = seen.get(f, 0) + 1
    want = {f"mode {m}" for m in gen.MODES} | {
        "scope per_statement",
        "currency JPY",
        "currency KWD",
    }
    want |= {f"tiered {m}" for m in ("marginal", "retroactive", "hybrid", "interpolated")}
    want |= {"tiered amount", "tiered upper_inclusive", "multipliers", "kicker", "curve extend"}
    want |= {f"adjustment {d} {s}" for d in ("above", "below") for s in ("band", "whole")}
    want |= {
        f"flat_rate cap {k}" for k in ("per_deal", "per_period", "per_year", "attainment", "soft")
    }
    want |= {"gate no_payout", "gate no_accelerator", "target_incentive cap attainment"}
    want |= {f"flat_rate {a}" for a in gen.ACCUMULATIONS} | {"target_incentive year_to_date"}
    want |= {
        f"manager_override {b}" for b in ("first_dollar", "above_threshold", "team_attainment")
    }
    want |= {"per_unit", "milestone_bonus", "spif", "mbo", "reverse_attainment", "holdback"}
    want |= {
        f"draw {k}"
        for k in ("non_recoverable_guarantee", "recoverable_guarantee", "recoverable_draw")
    }
    want |= {f"clawback {m}" for m in ("full", "pro_rata_unserved_term", "stepped")}
    want |= {f"timing {b}" for b in ("booking", "invoice", "collection")}
    want |= {
        "change credits_by_date",
        "change prorated_targets",
        "calendar month",
        "calendar quarter",
        "calendar year_end",
    }
    want |= {"fx credit_date", "fx period_end", "pay currency", "foreign quota"}
    rare = {f: seen.get(f, 0) for f in want if seen.get(f, 0) < 10}
    assert not rare, f"features drawn fewer than 10 times in {BATCH} cases: {rare}"
