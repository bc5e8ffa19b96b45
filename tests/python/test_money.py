"""Hand-computed examples of the Python money surface."""

from __future__ import annotations

import datetime
import pickle
from decimal import Decimal

import numpy as np
import pytest
import salescomp as sc

USD = sc.Currency("USD")


def test_the_done_when_example():
    assert str(sc.Money("10.00", "USD")) == "10.00 USD"
    assert repr(sc.Money("10.00", "USD")) == "Money('10.00', 'USD')"


def test_inputs_decimal_str_int_and_minor_units():
    assert sc.Money(Decimal("10.5"), "USD").minor_units == 1050
    assert sc.Money("10.5", USD).amount == Decimal("10.50")
    assert sc.Money(10, "USD").amount == Decimal("10.00")  # int = whole units, exact
    assert sc.Money.from_minor(1050, "USD") == sc.Money("10.50", "USD")
    assert sc.Money(Decimal("1E+2"), "JPY").minor_units == 100
    assert sc.Money(np.int64(7), "USD").minor_units == 700
    assert isinstance(sc.Money("1", "USD").amount, Decimal)


def test_float_and_bool_are_type_errors():
    for bad in (0.1, 1.0, True, False, np.float64(1.0)):
        with pytest.raises(TypeError):
            sc.Money(bad, "USD")
        with pytest.raises(sc.InputTypeError):
            sc.Rate(bad)
    with pytest.raises(TypeError, match="float"):
        sc.Money("1.00", "USD").multiply(0.1)
    with pytest.raises(TypeError):
        sc.Money("1.00", "USD") * 1.5
    with pytest.raises(TypeError):
        sc.batch.multiply(np.array([1.0, 2.0]), sc.Rate("0.5"))


def test_arithmetic_and_comparison():
    a, b = sc.Money("0.10", "USD"), sc.Money("0.20", "USD")
    assert a + b == sc.Money("0.30", "USD")  # 0.1 + 0.2 == 0.3 exactly
    assert b - a - a == sc.Money.zero("USD")
    assert -a == sc.Money("-0.10", "USD") and abs(-a) == a
    assert a * 3 == 3 * a == sc.Money("0.30", "USD")
    assert a < b and b >= a
    assert not sc.Money("0", "USD")
    assert sc.Money("1", "USD") != sc.Money("1", "EUR")
    with pytest.raises(sc.CurrencyMismatchError):
        sc.Money("1", "USD") + sc.Money("1", "EUR")
    with pytest.raises(ValueError):
        _ = sc.Money("1", "USD") < sc.Money("1", "EUR")
    with pytest.raises(OverflowError):
        sc.Money.from_minor(2**63 - 1, "USD") + sc.Money.from_minor(1, "USD")


def test_multiply_rounding_modes():
    # 0.25 x 0.5 = 0.125
    m = sc.Money("0.25", "USD")
    assert m.multiply("0.5") == sc.Money("0.12", "USD")  # HalfEven default: 2 is even
    assert m.multiply("0.5", rounding=sc.RoundingMode.HalfUp) == sc.Money("0.13", "USD")
    assert (-m).multiply("0.5", rounding=sc.RoundingMode.HalfUp) == sc.Money("-0.13", "USD")
    assert (-m).multiply("0.5", rounding=sc.RoundingMode.HalfDown) == sc.Money("-0.12", "USD")
    assert (-m).multiply("0.5", rounding=sc.RoundingMode.Floor) == sc.Money("-0.13", "USD")
    with pytest.raises(sc.InexactError):
        m.multiply("0.5", rounding=sc.RoundingMode.Unnecessary)
    # 333.33 x 0.5 x 0.1 = 16.6665 -> 16.67 with a single rounding
    assert sc.Money("333.33", "USD").multiply("0.5", "0.1") == sc.Money("16.67", "USD")
    # 100 x 1/3 = 33.33 (Xactly's integer division would give 33)
    assert sc.Money("100", "USD").multiply_divide(1, 3) == sc.Money("33.33", "USD")


def test_rate():
    assert sc.Rate("0.075").raw == 75_000_000_000
    assert str(sc.Rate("1.50")) == "1.5" and repr(sc.Rate("2")) == "Rate('2.0')"
    assert sc.Rate.from_percent("12.5") == sc.Rate("0.125")
    assert sc.Rate.from_fraction(1, 3).value == Decimal("0.333333333333")
    assert sc.Rate("0.3") - sc.Rate("0.1") == sc.Rate("0.2")
    assert sc.Rate("1.5").multiply("0.1") == sc.Rate("0.15")
    assert sc.ratio(sc.Money("150", "USD"), sc.Money("100", "USD")) == sc.Rate("1.5")
    with pytest.raises(sc.ParseError):
        sc.Rate("0.0000000000001")
    assert sc.Rate("0.0000000000005", sc.RoundingMode.HalfUp).raw == 1


def test_exact_threshold_comparisons():
    # 99,999.99 of 100,000.00 is below 100% though it rounds to 100.00%
    assert sc.compare_scaled(sc.Money("99999.99", "USD"), "1", sc.Money("100000.00", "USD")) == -1
    assert sc.compare_ratio(10_000_000, 10_000_000, "1") == 0
    assert sc.compare_ratio(1, 3, "0.333333333333") == 1


def test_allocate():
    parts = sc.allocate(sc.Money("100.00", "USD"), [1, 1, 1])
    assert [str(p) for p in parts] == ["33.34 USD", "33.33 USD", "33.33 USD"]
    # Tie keys decide who gets the extra cent.
    parts = sc.Money("100.00", "USD").allocate([1, 1, 1], tie_keys=[3, 1, 2])
    assert [p.minor_units for p in parts] == [3333, 3334, 3333]
    # Rates as weights: 999.99 at 60/40 -> 599.99 / 400.00
    parts = sc.Money("999.99", "USD").allocate([sc.Rate("0.6"), "0.4"])
    assert parts == [sc.Money("599.99", "USD"), sc.Money("400.00", "USD")]
    assert [p.minor_units for p in sc.allocate(sc.Money("-0.10", "USD"), [1, 2])] == [-3, -7]
    with pytest.raises(sc.ValidationError) as e:
        sc.allocate(sc.Money("1", "USD"), [1, -1, -2])
    assert [i["row"] for i in e.value.issues] == [1, 2]
    with pytest.raises(ValueError):
        sc.allocate(sc.Money("1", "USD"), [0, 0])


def test_fx_table():
    fx = sc.FxTable()
    fx.add("EUR", "USD", datetime.date(2026, 1, 1), "1.08")
    fx.add("EUR", "USD", "2026-02-01", Decimal("1.10"))
    eur = sc.Money("100.00", "EUR")
    assert fx.convert(eur, "USD", "2026-01-31") == sc.Money("108.00", "USD")
    assert fx.convert(eur, "USD", datetime.date(2026, 7, 1)) == sc.Money("110.00", "USD")
    # inverse: 100 / 1.08 = 92.5925... -> 92.59
    assert fx.convert(sc.Money("100.00", "USD"), "EUR", "2026-01-15") == sc.Money("92.59", "EUR")
    assert fx.find("EUR", "USD", "2026-03-01") == (datetime.date(2026, 2, 1), sc.Rate("1.10"))
    assert fx.find("USD", "EUR", "2026-03-01") is None
    assert len(fx) == 2
    with pytest.raises(sc.MissingDataError, match="on or before 2025-12-31"):
        fx.convert(eur, "USD", "2025-12-31")
    with pytest.raises(LookupError):
        fx.convert(eur, "JPY", "2026-03-01")
    with pytest.raises(TypeError):
        fx.convert(eur, "USD", datetime.datetime(2026, 3, 1))  # a datetime is not a date


def test_currency():
    assert USD.exponent == 2 and sc.Currency("JPY").exponent == 0 and sc.Currency("KWD").exponent == 3
    assert len(sc.Currency.all()) == 164
    assert {USD, sc.Currency("USD")} == {USD}
    with pytest.raises(sc.UnknownCurrencyError) as e:
        sc.Currency("usd")
    assert e.value.id == "SC-CCY-UNKNOWN" and e.value.issues[0]["value"] == "usd"


def test_pickle_and_hash():
    for v in (sc.Money("12.34", "EUR"), sc.Rate("0.125"), USD):
        assert pickle.loads(pickle.dumps(v)) == v
        assert hash(pickle.loads(pickle.dumps(v))) == hash(v)


def test_batch_kernels():
    a = np.array([1050, -1050, 2**62, 2**62], dtype=np.int64)
    assert sc.batch.sum(a) == 2**63  # exact Python int beyond int64
    with pytest.raises(OverflowError):
        sc.batch.sum(a, "USD")
    assert sc.batch.sum(a[:2], "USD") == sc.Money.zero("USD")
    assert sc.batch.multiply(np.array([15, 25, -25]), sc.Rate("0.5")).tolist() == [8, 12, -12]
    assert sc.batch.multiply(np.array([100, 100]), np.array([10**12, 5 * 10**11])).tolist() == [100, 50]
    assert sc.batch.allocate(100, np.array([1, 1, 1])).tolist() == [34, 33, 33]
    assert sc.batch.format(np.array([-5, 123456]), 2) == ["-0.05", "1234.56"]
    assert sc.batch.parse(["1.005", "-1.005"], 2, sc.RoundingMode.HalfUp).tolist() == [101, -101]
    assert sc.batch.multiply(np.array([], dtype=np.int64), sc.Rate("1")).tolist() == []
    with pytest.raises(OverflowError, match="row 1"):
        sc.batch.multiply(np.array([1, 2**62]), sc.Rate("4"))
    with pytest.raises(ValueError):
        sc.batch.multiply(np.array([1, 2]), np.array([1]))
