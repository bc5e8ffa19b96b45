"""Property tests (Hypothesis) of the money core."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import salescomp as sc
from hypothesis import given, settings
from hypothesis import strategies as st

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
AMOUNT = st.integers(min_value=-(10**15), max_value=10**15)


@settings(max_examples=400, deadline=None)
@given(total=AMOUNT, weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=20))
def test_allocation_conserves_and_stays_within_one_unit(total, weights):
    if sum(weights) == 0:
        weights[0] = 1
    parts = sc.batch.allocate(total, np.array(weights, dtype=np.int64)).tolist()
    assert sum(parts) == total
    w = sum(weights)
    for p, wi in zip(parts, weights):
        # |p - total * wi / w| < 1  <=>  |p * w - total * wi| < w
        assert abs(p * w - total * wi) < w
        if wi == 0:
            assert p == 0


@settings(max_examples=300, deadline=None)
@given(total=AMOUNT, weights=st.lists(st.integers(min_value=1, max_value=1000), min_size=2, max_size=8))
def test_allocation_negative_total_mirrors_positive(total, weights):
    w = np.array(weights, dtype=np.int64)
    assert (sc.batch.allocate(-total, w) == -sc.batch.allocate(total, w)).all()


@settings(max_examples=500, deadline=None)
@given(v=INT64, scale=st.sampled_from([0, 2, 3, 4, 12]))
def test_format_parse_round_trip(v, scale):
    text = sc.batch.format(np.array([v], dtype=np.int64), scale)[0]
    assert sc.batch.parse([text], scale)[0] == v
    assert Decimal(text) == Decimal(v).scaleb(-scale)


@settings(max_examples=300, deadline=None)
@given(v=st.integers(min_value=-(10**17), max_value=10**17), code=st.sampled_from(["USD", "JPY", "KWD", "CLF"]))
def test_money_text_round_trip(v, code):
    m = sc.Money.from_minor(v, code)
    assert sc.Money(m.to_string(), code) == m
    assert sc.Money(m.amount, code) == m


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.integers(min_value=-(2**62), max_value=2**62), min_size=0, max_size=200),
       seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_sum_is_independent_of_order(values, seed):
    a = np.array(values, dtype=np.int64)
    shuffled = np.random.default_rng(seed).permutation(a)
    assert sc.batch.sum(a) == sc.batch.sum(shuffled) == sum(values)


@settings(max_examples=300, deadline=None)
@given(m=AMOUNT, rate=st.integers(min_value=-(10**13), max_value=10**13))
def test_rounding_modes_bracket_the_exact_product(m, rate):
    """Floor <= every mode <= Ceiling, and they differ by at most one unit."""
    a = np.array([m], dtype=np.int64)
    r = np.array([rate], dtype=np.int64)
    results = {mode: int(sc.batch.multiply(a, r, mode)[0]) for mode in sc.RoundingMode
               if mode != sc.RoundingMode.Unnecessary}
    lo, hi = results[sc.RoundingMode.Floor], results[sc.RoundingMode.Ceiling]
    assert hi - lo in (0, 1)
    assert all(lo <= x <= hi for x in results.values())
