"""Every rejection of the strict parser, from Python (mirrors tests/cpp/core/test_bad_input.cpp),
plus the things Python's own Decimal() would have let through."""

from __future__ import annotations

from decimal import Decimal

import pytest
import salescomp as sc

REJECTED_TEXT = [
    "", " 1.00", "1.00 ", "1 000", "1,000.00", "1_000", "1e3", "1E-2", "NaN", "nan", "Infinity",
    "-Infinity", "inf", "+1.00", ".5", "5.", "-", "--1", "1.2.3", "0x10",
    "١٢٣",  # Arabic-Indic digits (Decimal accepts them)
    "１２３",  # fullwidth digits (Decimal accepts them)
    "1\u00a0000",  # NBSP
    "12a", "1.00\n", "1" * 65,
]


@pytest.mark.parametrize("text", REJECTED_TEXT)
def test_rejected_text(text):
    with pytest.raises(sc.ParseError) as e:
        sc.Money(text, "USD")
    assert isinstance(e.value, ValueError)
    assert e.value.id == "SC-PARSE-DECIMAL"
    issue = e.value.issues[0]
    assert issue["field"] == "amount" and issue["rule"]
    with pytest.raises(sc.ParseError):
        sc.Rate(text)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"),
                                   Decimal("1E+100000"), Decimal("1E-100000")])
def test_rejected_decimals(value):
    with pytest.raises(sc.ParseError):
        sc.Money(value, "USD")


@pytest.mark.parametrize("value", [0.5, True, None, [1], b"1.00", object()])
def test_rejected_types(value):
    with pytest.raises(TypeError):
        sc.Money(value, "USD")


def test_too_many_decimals_need_a_rounding_mode():
    with pytest.raises(sc.ParseError, match="more than 2 decimal places"):
        sc.Money("1.001", "USD")
    with pytest.raises(sc.ParseError, match="more than 0 decimal places"):
        sc.Money("1.5", "JPY")
    assert sc.Money("1.5", "JPY", sc.RoundingMode.HalfEven).minor_units == 2
    assert sc.Money(Decimal("1.001"), "USD", sc.RoundingMode.Ceiling).minor_units == 101


def test_out_of_range():
    with pytest.raises(OverflowError):
        sc.Money("92233720368547758.08", "USD")
    assert sc.Money("-92233720368547758.08", "USD").minor_units == -(2**63)
    with pytest.raises(OverflowError):
        sc.Money(10**30, "JPY")


def test_unknown_currency_and_mismatch():
    for code in ("usd", "US", "USDD", "", "XAU", "HRK"):
        with pytest.raises(sc.UnknownCurrencyError):
            sc.Currency(code)
    with pytest.raises(TypeError):
        sc.Money("1", 840)


def test_batch_parse_reports_every_bad_row():
    with pytest.raises(sc.ParseError) as e:
        sc.batch.parse(["1.00", "1,00", "ok", "2.50", " 3"], 2)
    assert [i["row"] for i in e.value.issues] == [1, 2, 4]
    assert [i["value"] for i in e.value.issues] == ["1,00", "ok", " 3"]
    assert "3 problems" in str(e.value)


def test_dates_are_strict():
    for bad in ("2026-02-29", "2026-13-01", "2026-1-01", "2026/01/01", "20260101"):
        with pytest.raises(sc.ValidationError):
            sc.parse_date(bad)
