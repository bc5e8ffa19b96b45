"""Differential test: salescomp's Markov removal-effect attribution against the
independent oracle written from docs/attribution.md section 4
(tests/python/oracles/attribution_oracle.py, exact Fractions, no salescomp).

The path tables come from the rule-based generator (oracles/attribution_cases.py)
read as aggregated paths; each case is run at orders 1 to 4 and both bases. The
snapped removal weights and the credits must agree exactly, to the conversion
unit (10^-9) and the cent. ``SALESCOMP_ORACLE_CASES`` scales the run (default
400 path tables, about 5 s); a mismatch prints a minimised reproducer.
"""

from __future__ import annotations

import os
import pprint
from decimal import Decimal
from fractions import Fraction

import pytest
import salescomp.attribution as sa
from oracles import attribution_cases as gen
from oracles import attribution_oracle as oracle
from test_oracle_attribution import _paths, _smaller, _units

SEED = 20261206
COUNT = int(os.environ.get("SALESCOMP_ORACLE_CASES", "400"))
ORDERS = (1, 2, 3, 4)
BASES = ("global", "per_path")


def markov_cases(count: int = COUNT):
    """Generator cases read as aggregated path tables (touch flags and times unused)."""
    for case in gen.cases(SEED, count):
        rows = [{k: r[k] for k in ("touches", "y", "n", "v")} for r in case["rows"]]
        yield {**case, "model": "markov", "options": {}, "journeys": False, "rows": rows}


# ----------------------------------------------------------------------------- salescomp side


def salescomp_markov(case: dict, order: int, basis: str):
    """(snapped removal weights, channel credits in units) of ``markov``."""
    exponent = gen.CURRENCIES[case["currency"]]
    r = sa.markov(_paths(case), order, basis=basis, output="arrow")
    weights = {row["channel"]: Fraction(row["weight"]) for row in r.removal_effects.to_pylist()}
    units = ((row["channel"], _units(row, exponent)) for row in r.channels.to_pylist())
    return weights, {c: u for c, u in units if u != (0, 0)}


def oracle_markov(case: dict, order: int, basis: str):
    weights = oracle.markov_weights(case["rows"], order)
    return weights, oracle.markov_credits(case, order, basis, weights)


def _disagrees(case, order, basis, run=oracle_markov) -> bool:
    want = run(case, order, basis)
    if want[1] is None:
        return False  # P(conv) = 0 or all RE 0: not specified, not compared
    try:
        return salescomp_markov(case, order, basis) != want
    except Exception:  # a shrunk case salescomp refuses is not a smaller reproducer
        return False


def minimise(case, order, basis, run=oracle_markov):
    progress = True
    while progress:
        progress = False
        for smaller in _smaller(case):
            if _disagrees(smaller, order, basis, run):
                case, progress = smaller, True
                break
    return case


def first_mismatch(run=oracle_markov, orders=ORDERS, bases=BASES, count: int = COUNT):
    for i, case in enumerate(markov_cases(count)):
        for order in orders:
            for basis in bases:
                if _disagrees(case, order, basis, run):
                    return i, case, order, basis
    return None


def report(i, case, order, basis, run=oracle_markov) -> str:
    small = minimise(case, order, basis, run)
    return (
        f"case {i} of seed {SEED}, order {order}, basis {basis}; minimised:\n"
        f"{pprint.pformat(small)}\nsalescomp {salescomp_markov(small, order, basis)}\n"
        f"oracle    {run(small, order, basis)}"
    )


# ----------------------------------------------------------------------------- the differential run


@pytest.mark.parametrize("order", ORDERS)
def test_markov_agrees_with_the_oracle_on_random_path_tables(order):
    compared = 0
    for i, case in enumerate(markov_cases()):
        for basis in BASES:
            if _disagrees(case, order, basis):
                pytest.fail(report(i, case, order, basis))
            compared += oracle_markov(case, order, basis)[1] is not None
    assert compared >= COUNT  # most cases have conversions and are compared on both bases


# ----------------------------------------------------------------------------- the oracle on the docs


def _hand_case():
    rows = [
        {"touches": [("a", 0, 0), ("b", 0, 0)], "y": 1, "n": 1, "v": 5000},
        {"touches": [("b", 0, 0)], "y": 1, "n": 0, "v": 3000},
        {"touches": [("a", 0, 0)], "y": 0, "n": 1, "v": 0},
    ]
    return {"model": "markov", "options": {}, "currency": "USD", "rows": rows, "journeys": False}


def test_oracle_reproduces_the_documented_hand_example():
    case = _hand_case()
    # start->a 3/4, start->b 1/4, a->b 2/3, b->conv 2/3: P = 3/4*2/3*2/3 + 1/4*2/3 = 1/2
    assert oracle.absorption(oracle.markov_counts(case["rows"], 1)) == Fraction(1, 2)
    # without a: 1/4*2/3 = 1/6 -> RE_a = 2/3; without b: 0 -> RE_b = 1; order 2: RE_a = 1/2
    assert oracle.markov_removal_effects(case["rows"], 1) == {"a": Fraction(2, 3), "b": 1}
    assert oracle.markov_removal_effects(case["rows"], 2)["a"] == Fraction(1, 2)
    # weights 0.666666666667 : 1 of 2 conversions / 80.00 -> a 0.8 / 32.00, b 1.2 / 48.00
    assert oracle.markov_credits(case, 1, "global") == {
        "a": (800000000, 3200),
        "b": (1200000000, 4800),
    }
    assert salescomp_markov(case, 1, "global")[1] == oracle.markov_credits(case, 1, "global")
    assert oracle.markov_states(["a", "a", "b", "c"], 2) == [("a",), ("a", "b"), ("b", "c")]


def test_order_one_identity_holds_in_the_oracle():
    """Docs: for order 1 P(conv) = sum y / sum (y + n)."""
    for case in markov_cases(60):
        rows = case["rows"]
        want = Fraction(sum(r["y"] for r in rows), sum(r["y"] + r["n"] for r in rows))
        assert oracle.absorption(oracle.markov_counts(rows, 1)) == want


def test_snapped_weight_is_salescomp_s_decimal():
    w, _ = salescomp_markov(_hand_case(), 1, "global")
    assert w["a"] == Fraction(Decimal("0.666666666667"))


# ----------------------------------------------------------------------------- the oracle's power


def _mutant_absolute_removal_effect(monkeypatch):
    """Wrong: RE_c = P - P_-c, not normalised by P(conv) (changes the snapped weights)."""

    def re(rows, order):
        counts = oracle.markov_counts(rows, order)
        whole = oracle.absorption(counts)
        if whole == 0:
            return None
        names = sorted({t[0] for r in rows for t in r["touches"]})
        return {c: whole - oracle.absorption(counts, c) for c in names}

    monkeypatch.setattr(oracle, "markov_removal_effects", re)
    return oracle_markov


def _mutant_order_two_built_as_order_one(monkeypatch):
    """Wrong: order-2 states are single channels (the order ignored)."""
    right = oracle.markov_states
    monkeypatch.setattr(oracle, "markov_states", lambda chans, order: right(chans, 1))
    return oracle_markov


def _mutant_repeats_not_merged(monkeypatch):
    """Wrong: consecutive repeats kept (``a a b`` has a self-loop at a)."""
    monkeypatch.setattr(oracle, "_dedupe", list)
    return oracle_markov


def _mutant_global_ties_to_larger_name(monkeypatch):
    """Wrong: a tie in the global split goes to the larger name."""
    right = oracle.largest_remainder
    monkeypatch.setattr(oracle, "largest_remainder", lambda t, s: right(t, s[::-1])[::-1])
    return oracle_markov


MUTANTS = [  # (mutant, orders, bases) it is looked for in
    (_mutant_absolute_removal_effect, ORDERS, BASES),
    (_mutant_order_two_built_as_order_one, (2,), BASES),
    (_mutant_repeats_not_merged, (1, 2), BASES),
    (_mutant_global_ties_to_larger_name, (1,), ("global",)),
]


@pytest.mark.parametrize(
    "mutant, orders, bases", MUTANTS, ids=[m[0].__name__.removeprefix("_mutant_") for m in MUTANTS]
)
def test_every_wrong_markov_oracle_is_caught(monkeypatch, mutant, orders, bases):
    run = mutant(monkeypatch)
    found = first_mismatch(run, orders, bases)
    assert found is not None, f"{mutant.__doc__}: not caught in {COUNT} cases"


@pytest.mark.parametrize("order", (1, 2))
def test_float_outputs_are_close_to_the_exact_chain(order):
    """The float RE and P(conv) columns (not money) are within 1e-9 of the exact values."""
    for case in markov_cases(100):
        re = oracle.markov_removal_effects(case["rows"], order)
        if re is None:
            continue
        r = sa.markov(_paths(case), order, output="arrow")
        whole = oracle.absorption(oracle.markov_counts(case["rows"], order))
        assert abs(r.conversion_probability - float(whole)) <= 1e-9
        for row in r.removal_effects.to_pylist():
            assert abs(row["removal_effect"] - float(re[row["channel"]])) <= 1e-9
