"""Differential tests of the money kernels against Python's decimal module.

The oracle is independent of the C++ code: exact Decimal arithmetic at 120
digits (far more than any case needs: a non-terminating quotient p/q with
q < 2^63 is at least 1/q away from any rounding boundary), then one quantize
with the matching decimal rounding constant. Each operation runs
SALESCOMP_DIFF_CASES cases (default 100,000) per rounding mode; failures print
the seed and the first mismatching cases. Re-run a failure with
SALESCOMP_DIFF_SEED=<seed>.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import numpy as np
import pytest
import salescomp as sc

CTX = decimal.Context(prec=120, Emax=999999, Emin=-999999, traps=[decimal.InvalidOperation])
MODES = {
    sc.RoundingMode.HalfEven: decimal.ROUND_HALF_EVEN,
    sc.RoundingMode.HalfUp: decimal.ROUND_HALF_UP,  # ties away from zero
    sc.RoundingMode.HalfDown: decimal.ROUND_HALF_DOWN,  # ties toward zero
    sc.RoundingMode.Up: decimal.ROUND_UP,  # away from zero
    sc.RoundingMode.Down: decimal.ROUND_DOWN,  # toward zero
    sc.RoundingMode.Ceiling: decimal.ROUND_CEILING,
    sc.RoundingMode.Floor: decimal.ROUND_FLOOR,
}
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
ONE = 10**12  # Rate raw units per 1


def rnd(value: Decimal, mode: sc.RoundingMode) -> int:
    return int(value.quantize(Decimal(1), rounding=MODES[mode], context=CTX))


def magnitudes(rng: np.random.Generator, n: int, max_digits: int) -> np.ndarray:
    """Signed integers spread over every magnitude from 1 to max_digits digits."""
    digits = rng.integers(1, max_digits + 1, size=n)
    hi = np.power(10.0, digits)  # float only to draw a bound; the values are integers
    values = np.minimum(rng.random(n) * hi, 9.2e18).astype(np.int64)
    signs = rng.choice(np.array([-1, 1], dtype=np.int64), size=n)
    return values * signs


def tie_rich_rates(rng: np.random.Generator, n: int) -> np.ndarray:
    """Rates like 0.5, 1.5, 0.25, 0.125: products land exactly on halves often."""
    num = rng.integers(-40, 41, size=n)
    den = rng.choice(np.array([2, 4, 8, 10, 20, 40, 100, 1000]), size=n)
    return (num * (ONE // den)).astype(np.int64)


def check(name: str, seed: int, inputs: list[tuple], got: np.ndarray, want: list[int]) -> None:
    bad = [i for i in range(len(want)) if int(got[i]) != want[i]]
    if bad:
        shown = "\n".join(f"  case {i}: inputs={inputs[i]} got={int(got[i])} want={want[i]}" for i in bad[:10])
        pytest.fail(f"{name}: {len(bad)} mismatches of {len(want)} (seed {seed})\n{shown}")


def fitting(cases: list[tuple], want: list[int]) -> tuple[list[tuple], list[int]]:
    keep = [i for i, w in enumerate(want) if INT64_MIN <= w <= INT64_MAX]
    return [cases[i] for i in keep], [want[i] for i in keep]


@pytest.mark.parametrize("mode", list(MODES), ids=lambda m: m.name)
def test_multiply_by_rate(mode, diff_cases, diff_seed):
    rng = np.random.default_rng([diff_seed, 1, mode.value])
    n = diff_cases
    third = n // 3
    minor = np.concatenate([magnitudes(rng, n - third, 19), rng.integers(-999, 1000, size=third)])
    rate = np.concatenate([magnitudes(rng, n - 2 * third, 13), tie_rich_rates(rng, 2 * third)])
    rng.shuffle(rate)
    cases = list(zip(minor.tolist(), rate.tolist()))
    want = [rnd(CTX.divide(CTX.multiply(Decimal(m), Decimal(r)), Decimal(ONE)), mode) for m, r in cases]
    cases, want = fitting(cases, want)
    assert len(cases) > 0.9 * n
    got = sc.batch.multiply(np.array([c[0] for c in cases], dtype=np.int64),
                            np.array([c[1] for c in cases], dtype=np.int64), mode)
    check(f"multiply/{mode.name}", diff_seed, cases, got, want)


@pytest.mark.parametrize("mode", list(MODES), ids=lambda m: m.name)
def test_multiply_by_two_rates(mode, diff_cases, diff_seed):
    rng = np.random.default_rng([diff_seed, 2, mode.value])
    n = diff_cases
    minor = magnitudes(rng, n, 18)
    a = np.where(rng.random(n) < 0.5, tie_rich_rates(rng, n), magnitudes(rng, n, 13))
    b = np.where(rng.random(n) < 0.5, tie_rich_rates(rng, n), magnitudes(rng, n, 13))
    cases = list(zip(minor.tolist(), a.tolist(), b.tolist()))
    want = [rnd(CTX.divide(CTX.multiply(CTX.multiply(Decimal(m), Decimal(x)), Decimal(y)), Decimal(ONE * ONE)), mode)
            for m, x, y in cases]
    cases, want = fitting(cases, want)
    assert len(cases) > 0.5 * n
    arr = [np.array([c[k] for c in cases], dtype=np.int64) for k in range(3)]
    got = sc.batch.multiply_two(arr[0], arr[1], arr[2], mode)
    check(f"multiply_two/{mode.name}", diff_seed, cases, got, want)


@pytest.mark.parametrize("mode", list(MODES), ids=lambda m: m.name)
def test_multiply_divide(mode, diff_cases, diff_seed):
    rng = np.random.default_rng([diff_seed, 3, mode.value])
    n = diff_cases
    minor = magnitudes(rng, n, 18)
    num = magnitudes(rng, n, 6)
    den = magnitudes(rng, n, 6)
    den[den == 0] = 7
    small = rng.random(n) < 0.3  # proration-like: days of 28..31
    num[small] = rng.integers(0, 32, size=int(small.sum()))
    den[small] = rng.integers(28, 32, size=int(small.sum()))
    cases = list(zip(minor.tolist(), num.tolist(), den.tolist()))
    want = [rnd(CTX.divide(CTX.multiply(Decimal(m), Decimal(p)), Decimal(q)), mode) for m, p, q in cases]
    cases, want = fitting(cases, want)
    arr = [np.array([c[k] for c in cases], dtype=np.int64) for k in range(3)]
    got = sc.batch.multiply_divide(arr[0], arr[1], arr[2], mode)
    check(f"multiply_divide/{mode.name}", diff_seed, cases, got, want)


@pytest.mark.parametrize("mode", list(MODES), ids=lambda m: m.name)
def test_rate_multiply_and_divide(mode, diff_cases, diff_seed):
    rng = np.random.default_rng([diff_seed, 4, mode.value])
    n = diff_cases
    a = np.where(rng.random(n) < 0.3, tie_rich_rates(rng, n), magnitudes(rng, n, 16))
    b = np.where(rng.random(n) < 0.3, tie_rich_rates(rng, n), magnitudes(rng, n, 14))
    b[b == 0] = 3 * ONE
    cases = list(zip(a.tolist(), b.tolist()))
    want_mul = [rnd(CTX.divide(CTX.multiply(Decimal(x), Decimal(y)), Decimal(ONE)), mode) for x, y in cases]
    c1, w1 = fitting(cases, want_mul)
    got = sc.batch.multiply_rates(np.array([c[0] for c in c1], dtype=np.int64),
                                  np.array([c[1] for c in c1], dtype=np.int64), mode)
    check(f"multiply_rates/{mode.name}", diff_seed, c1, got, w1)
    want_div = [rnd(CTX.divide(CTX.multiply(Decimal(x), Decimal(ONE)), Decimal(y)), mode) for x, y in cases]
    c2, w2 = fitting(cases, want_div)
    got = sc.batch.divide_rates(np.array([c[0] for c in c2], dtype=np.int64),
                                np.array([c[1] for c in c2], dtype=np.int64), mode)
    check(f"divide_rates/{mode.name}", diff_seed, c2, got, w2)


@pytest.mark.parametrize("mode", list(MODES), ids=lambda m: m.name)
def test_parse_with_rounding(mode, diff_cases, diff_seed):
    """Parsing text with more decimals than the scale rounds once, like Decimal.quantize."""
    rng = np.random.default_rng([diff_seed, 5, mode.value])
    n = diff_cases
    ints = magnitudes(rng, n, 15)
    frac_len = rng.integers(1, 25, size=n)
    texts = []
    for i in range(n):
        k = int(frac_len[i])
        frac = "".join(map(str, rng.integers(0, 10, size=k)))
        if rng.random() < 0.25:  # exact ties: ...5 followed by zeros, or nothing
            frac = frac[:2] + "5" + "0" * int(rng.integers(0, 4))
        texts.append(f"{ints[i]}.{frac}")
    want = [rnd(CTX.multiply(Decimal(t), Decimal(100)), mode) for t in texts]
    got = sc.batch.parse(texts, 2, mode)
    check(f"parse/{mode.name}", diff_seed, [(t,) for t in texts], got, want)


def test_format_parse_round_trip(diff_cases, diff_seed):
    rng = np.random.default_rng([diff_seed, 6])
    values = np.concatenate([magnitudes(rng, diff_cases, 19),
                             np.array([INT64_MIN, INT64_MAX, 0, -1, 1], dtype=np.int64)])
    for scale in (0, 2, 3, 12):
        texts = sc.batch.format(values, scale)
        # Oracle: Decimal scaled by 10^-scale prints the same text.
        for i in range(0, len(texts), max(1, len(texts) // 2000)):
            want = format(Decimal(int(values[i])).scaleb(-scale, context=CTX), "f")
            assert texts[i] == want, (diff_seed, int(values[i]), scale)
        back = sc.batch.parse(texts, scale)
        assert np.array_equal(back, values), f"round trip failed at scale {scale} (seed {diff_seed})"


@pytest.mark.parametrize("mode", list(MODES), ids=lambda m: m.name)
def test_fx_conversion(mode, diff_cases, diff_seed):
    """FX across exponents (USD 2, JPY 0, KWD 3), direct and inverse quotes."""
    rng = np.random.default_rng([diff_seed, 7, mode.value])
    fx = sc.FxTable()
    quotes = {("USD", "JPY"): "151.237", ("KWD", "USD"): "3.2561", ("EUR", "USD"): "1.0837",
              ("USD", "CLF"): "0.027183"}
    for (a, b), r in quotes.items():
        fx.add(a, b, "2026-01-01", r)
    pairs = [("USD", "JPY"), ("JPY", "USD"), ("KWD", "USD"), ("USD", "KWD"), ("EUR", "USD"),
             ("USD", "EUR"), ("USD", "CLF"), ("CLF", "USD")]
    exps = {"USD": 2, "JPY": 0, "KWD": 3, "EUR": 2, "CLF": 4}
    n = max(1, diff_cases // 10)  # one Python call per case: 10% of the vector budget
    minor = magnitudes(rng, n, 12)
    which = rng.integers(0, len(pairs), size=n)
    for i in range(n):
        src, dst = pairs[int(which[i])]
        m = int(minor[i])
        amount = Decimal(m).scaleb(-exps[src])
        if (src, dst) in quotes:
            exact = CTX.multiply(amount, Decimal(quotes[(src, dst)]))
        else:
            exact = CTX.divide(amount, Decimal(quotes[(dst, src)]))
        want = rnd(exact.scaleb(exps[dst], context=CTX), mode)
        got = fx.convert(sc.Money.from_minor(m, src), dst, "2026-06-30", mode).minor_units
        assert got == want, f"seed {diff_seed} case {i}: {m} {src}->{dst} {mode.name}: got {got} want {want}"


def test_allocation_against_fraction_oracle(diff_cases, diff_seed):
    """Largest remainder by an independent implementation over Decimal shares."""
    rng = np.random.default_rng([diff_seed, 8])
    n = max(1, diff_cases // 10)
    for i in range(n):
        parts = int(rng.integers(1, 9))
        weights = rng.integers(0, 1000, size=parts)
        if weights.sum() == 0:
            weights[0] = 1
        total = int(magnitudes(rng, 1, 15)[0])
        wsum = int(weights.sum())
        sign = -1 if total < 0 else 1
        exact = [CTX.divide(CTX.multiply(Decimal(abs(total)), Decimal(int(w))), Decimal(wsum)) for w in weights]
        floors = [int(e.to_integral_value(rounding=decimal.ROUND_FLOOR)) for e in exact]
        left = abs(total) - sum(floors)
        order = sorted(range(parts), key=lambda k: (-(exact[k] - floors[k]), k))
        for k in order[:left]:
            floors[k] += 1
        want = [sign * f for f in floors]
        got = sc.batch.allocate(total, weights).tolist()
        assert got == want, f"seed {diff_seed} case {i}: total {total} weights {weights.tolist()}"


def test_unnecessary_mode_exact_cases_pass_and_inexact_raise(diff_cases, diff_seed):
    rng = np.random.default_rng([diff_seed, 9])
    n = diff_cases
    minor = magnitudes(rng, n, 12) * 100  # multiples of 100 ...
    rate = rng.integers(-(10**4), 10**4, size=n) * 10**10  # ... times two-decimal rates: exact
    got = sc.batch.multiply(minor, rate, sc.RoundingMode.Unnecessary)
    want = [m * r // ONE for m, r in zip(minor.tolist(), rate.tolist())]
    check("multiply/Unnecessary", diff_seed, list(zip(minor.tolist(), rate.tolist())), got, want)
    with pytest.raises(sc.InexactError, match="row 1"):
        sc.batch.multiply(np.array([100, 1], dtype=np.int64), sc.Rate("0.5"), sc.RoundingMode.Unnecessary)
