"""Differential test: salescomp's period run on random plans against an independent
oracle written from docs/plan-reference.md and docs/money.md
(tests/python/oracles/plan_oracle.py, cases from plan_cases.py).

A fixed seed of random cases (``SALESCOMP_ORACLE_CASES``, default 20,000; one
case = one person on one random plan over four months or two quarters, the
state carried) must agree to the minor unit on every line. People are run in
batches (one run_period call per batch and period). Long run (10x):

    SALESCOMP_ORACLE_CASES=200000 PYTHONPATH=$PWD/build/dev/python \
        .venv/bin/python -m pytest -q -p no:cacheprovider tests/python/test_oracle_plans.py

A mismatch prints the smallest failing case found (components, credits and
periods removed one at a time while it still fails).
"""

from __future__ import annotations

import functools
import os
import pprint
from decimal import Decimal

import pyarrow as pa
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
    deals: dict[str, list] = {"close_date": [], "product": [], "term_months": []}
    for person, case in enumerate(cases):
        plans.append(Plan.from_dict({**case["plan"], "id": f"p{person}"}))
        assignments.append({"person": person, "plan": f"p{person}", "from": "2026-01-01"})
        base = len(deals["product"])
        for product, term in case["deals"]:
            deals["close_date"].append("2026-01-01")
            deals["product"].append(product)
            deals["term_months"].append(term)
        currency = case["plan"]["currency"]
        for date, deal, kind, deal_type, amount in case["credits"]:
            for k, v in zip(
                credits, (person, base + deal, date, Decimal(amount), currency, kind, deal_type)
            ):
                credits[k].append(v)
        quotas += [
            {"person": person, "measure": m, "period_start": s, "amount": a, "currency": currency}
            for m, s, a in case["quotas"]
        ]
    credits["amount"] = pa.array(credits["amount"], pa.decimal128(38, 3))
    return plans, assignments, pa.table(credits), pa.table(deals), quotas


def _period_dict(bounds) -> dict:
    return dict(zip(("start", "end", "quarter_start", "year_start"), bounds))


def _refused(error: ValidationError) -> set[int]:
    rows = {i["row"] for i in error.issues}
    bad = [
        i
        for i in error.issues
        if "SC-ROUND-INEXACT" not in str(i.get("value", "")) + str(i.get("rule", ""))
    ]
    assert not bad, f"unexpected refusal: {error}"
    return rows


def salescomp_results(cases: list[dict]) -> list[list[dict | None]]:
    """Per case, per period: {(component, deal): minor units} of the non-zero lines, or None."""
    plans, assignments, credits, deals, quotas = _inputs(cases)
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
                    quotas=quotas,
                    mbo=[e for e in mbo if e["person"] in active],
                    period=_period_dict(bounds),
                    state=state,
                    explanations=False,
                )
                break
            except ValidationError as e:
                for p in _refused(e):
                    out[p].append(None)
                    active.discard(p)
        for p in active:
            out[p].append({})
        table = result.to_arrow().select(["person", "component", "deal", "amount"]).to_pydict()
        for p, c, d, a in zip(table["person"], table["component"], table["deal"], table["amount"]):
            exponent = oracle.EXPONENTS[cases[p]["plan"]["currency"]]
            lines = out[p][-1]
            key = (c, -1 if d is None else d - bases[p])
            lines[key] = lines.get(key, 0) + int(a.scaleb(exponent))
        for p in active:
            out[p][-1] = {k: v for k, v in out[p][-1].items() if v != 0}
        state = result.next_state
    return out


def salescomp_one(case: dict) -> list[dict | None]:
    return salescomp_results([case])[0]


# ----------------------------------------------------------------------------- the fixed seed, run once


def all_cases() -> list[dict]:
    return list(gen.cases(SEED, COUNT))


@functools.lru_cache(maxsize=1)
def engine_run() -> tuple[list[dict], list]:
    """The cases and salescomp's results, batched by calendar."""
    cases = all_cases()
    results: list = [None] * len(cases)
    for calendar in oracle.CALENDARS:
        idx = [i for i, c in enumerate(cases) if c["calendar"] == calendar]
        for b in range(0, len(idx), BATCH):
            chunk = idx[b : b + BATCH]
            for i, r in zip(chunk, salescomp_results([cases[i] for i in chunk])):
                results[i] = r
    return cases, results


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


def report(i: int, case: dict, simulate=oracle.simulate) -> str:
    small = minimise(case, simulate)
    return (
        f"case {i} of seed {SEED} disagrees; minimised reproducer:\n{pprint.pformat(small, width=110)}\n"
        f"salescomp {salescomp_one(small)}\noracle    {simulate(small)}"
    )


def first_mismatch(simulate):
    cases, results = engine_run()
    for i, (case, got) in enumerate(zip(cases, results)):
        if simulate(case) != got:
            return i, case
    return None


# ----------------------------------------------------------------------------- the differential run


def test_oracle_agrees_with_salescomp_on_random_plans():
    cases, results = engine_run()
    bad = [i for i, (c, r) in enumerate(zip(cases, results)) if oracle.simulate(c) != r]
    assert not bad, f"{len(bad)} of {len(cases)} cases disagree (first {bad[:10]})\n" + report(
        bad[0], cases[bad[0]]
    )
