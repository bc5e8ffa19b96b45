"""Differential test: salescomp's rule-based attribution, simplified Shapley,
per-journey credits and exact Shapley games against an independent oracle
written from docs/attribution.md (tests/python/oracles/attribution_oracle.py).

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
    touches: dict[str, list] = {
        k: [] for k in ("journey_id", "timestamp", "channel", "lead", "opp", "won")
    }
    outcomes: dict[str, list] = {"journey_id": [], "converted": [], "value": [], "t_conv": []}
    for j, r in enumerate(rows):
        for c, t, f in r["touches"]:
            for k, x in zip(touches, (j, t, c, bool(f & 1), bool(f & 2), bool(f & 4))):
                touches[k].append(x)
        if r["y"] or j % 2 or "t_conv" in r:  # a journey without an outcome row did not convert
            t_conv = r.get("t_conv", r["touches"][-1][1])
            for k, x in zip(outcomes, (j, r["y"], r["v"], t_conv)):
                outcomes[k].append(x)
    outcomes_table = {k: np.asarray(v, dtype=np.int64) for k, v in outcomes.items()}
    milestones = {"lead_created": "lead", "opportunity_created": "opp", "closed_won": "won"}
    return sa.Paths.from_journeys(
        touches,
        outcomes_table,
        currency=cur,
        milestones=milestones,
        value_minor_units=True,
        conversion_time="t_conv",
    )


def _run(case: dict, per_journey: bool):
    paths = _paths(case)
    if case["model"] == "simplified_shapley":
        return sa.simplified_shapley(paths, output="arrow", per_journey=per_journey)
    return sa.rule_based(
        paths, case["model"], output="arrow", per_journey=per_journey, **case["options"]
    )


def _units(row: dict, exponent: int) -> tuple[int, int]:
    return int(row["conversions"].scaleb(oracle_decimals())), int(row["value"].scaleb(exponent))


def salescomp_credits(case: dict) -> dict[str, tuple[int, int]]:
    exponent = gen.CURRENCIES[case["currency"]]
    units = ((r["channel"], _units(r, exponent)) for r in _run(case, False).channels.to_pylist())
    return {c: u for c, u in units if u != (0, 0)}


def salescomp_journey_credits(case: dict) -> dict[tuple[int, str], tuple[int, int]]:
    exponent = gen.CURRENCIES[case["currency"]]
    rows = _run(case, True).journeys.to_pylist()
    units = (((r["row_id"], r["channel"]), _units(r, exponent)) for r in rows)
    return {k: u for k, u in units if u != (0, 0)}


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


def test_per_journey_credits_agree_on_random_cases():
    for i, case in enumerate(gen.cases(SEED, COUNT)):
        want = oracle.journey_credits(case)
        got = salescomp_journey_credits(case)
        assert got == want, f"case {i} of seed {SEED}:\n{pprint.pformat(case)}\n{got}\n{want}"


# ----------------------------------------------------------------------------- the oracle's power


def _ties_to_later(total: int, shares: list[Fraction]) -> list[int]:
    """Wrong: equal remainders go to the channel touched last."""
    flipped = oracle.largest_remainder(total, shares[::-1])
    return flipped[::-1]


def _mutant_tie_flipped(monkeypatch):
    return lambda case: oracle.credits(case, split=_ties_to_later)


def _mutant_position_swapped(monkeypatch):
    """Wrong: the first and last position shares swapped."""
    right = oracle._position_weights

    def swapped(n, opts):
        o = {**opts, "first": opts.get("last"), "last": opts.get("first")}
        return right(n, o)

    monkeypatch.setattr(oracle, "_position_weights", swapped)
    return oracle.credits


def _mutant_linear_ignores_repeats(monkeypatch):
    """Wrong: linear gives a channel touched twice the same weight as one touched once."""
    right = oracle.channel_weights

    def once(touches, model, opts, t_conv=None):
        return right(touches, "linear_per_channel" if model == "linear" else model, opts, t_conv)

    monkeypatch.setattr(oracle, "channel_weights", once)
    return oracle.credits


def _mutant_zero_share_is_milestone(monkeypatch):
    """Wrong: a milestone whose share is 0 still takes its touch out of the rest."""

    def weights(touches, opts, model):
        key = "w_shaped_shares" if model == "w_shaped" else "full_path_shares"
        shares = [Fraction(s) for s in (opts.get(key) or oracle.DEFAULT_SHARES[model])]
        w = [Fraction(0)] * len(touches)
        holds = [False] * len(touches)
        w[0], holds[0] = shares[0], True
        for share, bit in zip(shares[1:4], oracle.MILESTONE_BITS):
            at = next((i for i, t in enumerate(touches) if t[2] & bit), None)
            if at is not None:
                w[at] += share
                holds[at] = True
        rest = [i for i in range(len(touches)) if not holds[i]]
        for i in rest:
            w[i] += shares[4] / len(rest)
        return w

    monkeypatch.setattr(oracle, "_milestone_weights", weights)
    return oracle.credits


def _mutant_no_merge(monkeypatch):
    """Wrong: every row split on its own, identical journeys not merged first."""

    def credits(case):
        out: dict[str, tuple[int, int]] = {}
        for row in case["rows"]:
            one = oracle.credits({**case, "rows": [row]})
            for c, (a, b) in one.items():
                x = out.get(c, (0, 0))
                out[c] = (x[0] + a, x[1] + b)
        return {c: v for c, v in out.items() if v != (0, 0)}

    return credits


def _mutant_step_ceiling(monkeypatch):
    """Wrong: step decay counts started steps (ceiling) instead of whole steps (floor)."""
    right = oracle._touch_weights

    def weights(touches, model, opts, t_conv=None):
        if model != "step_decay":
            return right(touches, model, opts, t_conv)
        latest = t_conv if t_conv is not None else max(t[1] for t in touches)
        factor = Fraction(opts.get("step_factor") or "0.5")
        step = opts["step_length"]
        return [oracle.snap_rate(factor ** -((t[1] - latest) // step)) for t in touches]

    monkeypatch.setattr(oracle, "_touch_weights", weights)
    return oracle.credits


MUTANTS = [
    _mutant_tie_flipped,
    _mutant_position_swapped,
    _mutant_linear_ignores_repeats,
    _mutant_zero_share_is_milestone,
    _mutant_no_merge,
    _mutant_step_ceiling,
]


def test_a_wrong_per_journey_order_is_caught(monkeypatch):
    """Wrong: journeys of a merged row taken in reverse row order."""
    right = oracle.journey_credits

    def reversed_rows(case):
        rows = case["rows"][::-1]
        last = len(rows) - 1
        return {(last - i, c): u for (i, c), u in right({**case, "rows": rows}).items()}

    assert any(
        reversed_rows(case) != salescomp_journey_credits(case) for case in gen.cases(SEED, COUNT)
    )


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.__name__.removeprefix("_mutant_"))
def test_every_wrong_oracle_variant_is_caught(monkeypatch, mutant):
    found = first_mismatch(mutant(monkeypatch))
    assert found is not None, f"{mutant.__doc__ or mutant.__name__}: not caught in {COUNT} cases"


def test_a_caught_mutant_is_minimised_to_a_small_reproducer():
    wrong = _mutant_tie_flipped(None)
    i, case = first_mismatch(wrong)
    small = minimise(case, wrong)
    # still failing, and no single row or touch can be removed (8 rows -> 1 row of 3 touches)
    assert _fails(small, wrong) and not any(_fails(s, wrong) for s in _smaller(small))
    assert len(small["rows"]) < len(case["rows"])
    assert "minimised reproducer" in report(i, case, wrong)


# ----------------------------------------------------------------------------- the oracle on the docs' examples


def _case(model, touches, v, journeys=False, **options):
    rows = [{"touches": touches, "y": 1, "n": 0, "v": v}]
    return {
        "model": model,
        "options": options,
        "currency": "USD",
        "rows": rows,
        "journeys": journeys,
    }


def test_oracle_reproduces_the_documented_examples():
    plain = [(c, 0, 0) for c in ("search", "email", "search")]
    # 2/3 and 1/3 of 10000 cents: floors 6666 + 3333, the cent to the larger remainder
    assert oracle.credits(_case("linear", plain, 10000)) == {
        "search": (666666667, 6667),
        "email": (333333333, 3333),
    }
    ab = [("a", 0, 0), ("b", 0, 0)]
    # 40/20/30: split_middle 0.5 : 0.4 = 5/9, 4/9; renormalise 0.4 : 0.3 = 4/7, 3/7
    shares = {"first": "0.4", "middle": "0.2", "last": "0.3"}
    assert oracle.credits(_case("position_based", ab, 10000, **shares))["a"][1] == 5556
    renorm = _case("position_based", ab, 10000, two_touch="renormalise", **shares)
    assert oracle.credits(renorm)["b"][1] == 4286
    # search, email (lead), social, direct (opportunity), social: 30 / 30 / 30 / 5 + 5
    w = [("search", 0, 0), ("email", 1, 1), ("social", 2, 0), ("direct", 3, 2), ("social", 4, 0)]
    got = oracle.credits(_case("w_shaped", w, 10000, journeys=True))
    assert {c: v for c, (_, v) in got.items()} == {
        "search": 3000,
        "email": 3000,
        "direct": 3000,
        "social": 1000,
    }
    # closed won with shares 0.2/0.2/0.2/0.3/0.1: a 0.2 : b 0.3; default shares: 0.3 : 0.1
    won = [("a", 0, 0), ("b", 10, 4)]
    five = ["0.2", "0.2", "0.2", "0.3", "0.1"]
    assert oracle.credits(_case("w_shaped", won, 10000, True, w_shaped_shares=five)) == {
        "a": (400000000, 4000),
        "b": (600000000, 6000),
    }
    assert oracle.credits(_case("w_shaped", won, 10000, True))["b"][1] == 2500
    # days 0, 7, 14, half-life 7 days: weights 0.25, 0.5, 1 of 70.00
    day = 86400
    td = [("search", 0, 0), ("email", 7 * day, 0), ("direct", 14 * day, 0)]
    got = oracle.credits(_case("time_decay", td, 7000, True, half_life=7 * day))
    assert {c: v for c, (_, v) in got.items()} == {"search": 1000, "email": 2000, "direct": 4000}
    assert oracle._pow2_neg(day * 7 // 2, 7 * day) == Fraction("0.707106781187")


# ----------------------------------------------------------------------------- exact Shapley games


def salescomp_shapley(case: dict, game: str) -> dict[str, tuple[int, int]]:
    exponent = gen.CURRENCIES[case["currency"]]
    r = sa.shapley(_paths(case), game=game, method="exact", output="arrow")
    units = ((row["channel"], _units(row, exponent)) for row in r.channels.to_pylist())
    return {c: u for c, u in units if u != (0, 0)}


@pytest.mark.parametrize("game", ["conversions", "conversion_rate"])
def test_exact_shapley_games_agree_on_random_cases(game):
    compared = 0
    for i, case in enumerate(gen.cases(SEED, COUNT)):
        want = oracle.shapley_credits(case, game)
        if want is None:
            continue
        compared += 1
        got = salescomp_shapley(case, game)
        assert got == want, f"case {i} of seed {SEED}:\n{pprint.pformat(case)}\n{got}\n{want}"
    assert compared >= COUNT // 2


def test_a_wrong_shapley_tie_rule_is_caught(monkeypatch):
    """Wrong: a tie in the Shapley split goes to the larger name."""
    right = oracle.largest_remainder
    monkeypatch.setattr(oracle, "largest_remainder", lambda t, s: right(t, s[::-1])[::-1])
    assert any(
        (want := oracle.shapley_credits(case, "conversions")) is not None
        and want != salescomp_shapley(case, "conversions")
        for case in gen.cases(SEED, COUNT)
    )


def test_oracle_reproduces_the_documented_shapley_tie():
    # {a} y6, {b} y3, {c} y6, {a,b,c} y1, {b,c} y1: phi 19/3, 23/6, 41/6 (sum 17); every share
    # of 17 * 10^9 units and of 17000 cents has remainder 1/3: the unit goes to a (smaller name)
    sets = [("a", 6, 6000), ("b", 3, 3000), ("c", 6, 6000), ("abc", 1, 1000), ("bc", 1, 1000)]
    rows = [{"touches": [(c, 0, 0) for c in p], "y": y, "n": 0, "v": v} for p, y, v in sets]
    case = {"model": "", "options": {}, "currency": "USD", "rows": rows, "journeys": False}
    phi = oracle.shapley_phi(rows, "conversions")
    assert phi == {"a": Fraction(19, 3), "b": Fraction(23, 6), "c": Fraction(41, 6)}
    assert oracle.shapley_credits(case, "conversions") == {
        "a": (6333333334, 6334),
        "b": (3833333333, 3833),
        "c": (6833333333, 6833),
    }
    assert salescomp_shapley(case, "conversions") == oracle.shapley_credits(case, "conversions")
