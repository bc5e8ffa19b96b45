"""Differential test: salescomp's rule-based attribution against an independent
oracle written from docs/attribution.md (tests/python/oracles/attribution_oracle.py).

A fixed seed of random cases (``SALESCOMP_ORACLE_CASES``, default 1000) must agree
exactly, to the conversion unit (10^-9) and the cent. Long run (10x):

    SALESCOMP_ORACLE_CASES=10000 PYTHONPATH=$PWD/build/dev/python \
        .venv/bin/python -m pytest -q -p no:cacheprovider tests/python/test_oracle_attribution.py

A mismatch prints the smallest failing case found (rows, then touches, removed
one at a time while it still fails).
"""

from __future__ import annotations

import os
import pprint
from fractions import Fraction

import numpy as np
import pytest
import salescomp.attribution as sa
from oracles import attribution_cases as gen
from oracles import attribution_oracle as oracle

SEED = 20261205
COUNT = int(os.environ.get("SALESCOMP_ORACLE_CASES", "1000"))


# ----------------------------------------------------------------------------- salescomp side


def _paths(case: dict) -> sa.Paths:
    cur = case["currency"]
    rows = case["rows"]
    if not case["journeys"]:
        data = {
            "path": [" > ".join(t[0] for t in r["touches"]) for r in rows],
            "total_conversions": [r["y"] for r in rows],
            "total_conversion_value": [r["v"] for r in rows],
            "total_null": [r["n"] for r in rows],
        }
        return sa.Paths.from_path_strings(data, currency=cur, value_minor_units=True)
    touches: dict[str, list] = {k: [] for k in ("journey_id", "timestamp", "channel", "lead", "opp", "won")}
    outcomes: dict[str, list] = {"journey_id": [], "converted": [], "value": []}
    for j, r in enumerate(rows):
        for c, t, f in r["touches"]:
            for k, x in zip(touches, (j, t, c, bool(f & 1), bool(f & 2), bool(f & 4))):
                touches[k].append(x)
        if r["y"] or j % 2:  # a journey without an outcome row did not convert
            for k, x in zip(outcomes, (j, r["y"], r["v"])):
                outcomes[k].append(x)
    outcomes_table = {k: np.asarray(v, dtype=np.int64) for k, v in outcomes.items()}
    milestones = {"lead_created": "lead", "opportunity_created": "opp", "closed_won": "won"}
    return sa.Paths.from_journeys(
        touches, outcomes_table, currency=cur, milestones=milestones, value_minor_units=True
    )


def salescomp_credits(case: dict) -> dict[str, tuple[int, int]]:
    exponent = gen.CURRENCIES[case["currency"]]
    r = sa.rule_based(_paths(case), case["model"], output="arrow", **case["options"])
    out = {}
    for row in r.channels.to_pylist():
        conv = int(row["conversions"].scaleb(oracle_decimals()))
        val = int(row["value"].scaleb(exponent))
        if conv or val:
            out[row["channel"]] = (conv, val)
    return out


def oracle_decimals() -> int:
    return 9  # docs: kConversionScale = 10^9


# ----------------------------------------------------------------------------- shrinking


def _smaller(case: dict):
    rows = case["rows"]
    for i in range(len(rows)):
        if len(rows) > 1:
            yield {**case, "rows": rows[:i] + rows[i + 1 :]}
    for i, r in enumerate(rows):
        for k in range(len(r["touches"])):
            if len(r["touches"]) > 1:
                touches = r["touches"][:k] + r["touches"][k + 1 :]
                yield {**case, "rows": rows[:i] + [{**r, "touches": touches}] + rows[i + 1 :]}


def _fails(case: dict, credits) -> bool:
    try:
        return credits(case) != salescomp_credits(case)
    except Exception:  # a shrunk case salescomp refuses is not a smaller reproducer
        return False


def minimise(case: dict, credits=oracle.credits) -> dict:
    progress = True
    while progress:
        progress = False
        for smaller in _smaller(case):
            if _fails(smaller, credits):
                case, progress = smaller, True
                break
    return case


def first_mismatch(credits, count: int = COUNT):
    for i, case in enumerate(gen.cases(SEED, count)):
        if credits(case) != salescomp_credits(case):
            return i, case
    return None


def report(i: int, case: dict, credits=oracle.credits) -> str:
    small = minimise(case, credits)
    return (
        f"case {i} of seed {SEED} disagrees; minimised reproducer:\n{pprint.pformat(small)}\n"
        f"salescomp {salescomp_credits(small)}\noracle    {credits(small)}"
    )


# ----------------------------------------------------------------------------- the differential run


def test_oracle_agrees_with_salescomp_on_random_cases():
    found = first_mismatch(oracle.credits)
    assert found is None, report(*found)
