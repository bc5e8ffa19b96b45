#include <gtest/gtest.h>

#include <salescomp/salescomp.hpp>
#include <vector>

using namespace salescomp;

namespace {
const Currency USD = Currency::of("USD");
const Currency JPY = Currency::of("JPY");
const Currency KWD = Currency::of("KWD");
const Currency EUR = Currency::of("EUR");
Money usd(const char* s) { return Money::parse(s, USD); }
}  // namespace

TEST(Currency, ExponentsFromIso4217) {
  EXPECT_EQ(USD.exponent(), 2);
  EXPECT_EQ(JPY.exponent(), 0);
  EXPECT_EQ(KWD.exponent(), 3);
  EXPECT_EQ(Currency::of("CLF").exponent(), 4);
  EXPECT_EQ(Currency::of("XCG").exponent(), 2);
  EXPECT_EQ(USD.code(), "USD");
}

TEST(Currency, UnknownCodesAreErrors) {
  for (const char* bad : {"usd", "US", "USDD", "", "XAU", "XXX", "HRK", "ABC"})
    EXPECT_THROW(Currency::of(bad), UnknownCurrencyError) << bad;
  EXPECT_FALSE(Currency::is_known("usd"));
  EXPECT_TRUE(Currency::is_known("EUR"));
}

TEST(Currency, TableIsSortedAndComplete) {
  const auto all = all_currencies();
  EXPECT_EQ(all.size(), 164u);
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].code(), all[i].code());
}

TEST(Money, ParseAndFormat) {
  EXPECT_EQ(usd("10.00").minor_units(), 1000);
  EXPECT_EQ(usd("10").minor_units(), 1000);
  EXPECT_EQ(usd("-0.05").minor_units(), -5);
  EXPECT_EQ(usd("10.5").to_string(), "10.50");
  EXPECT_EQ(Money::parse("1234", JPY).format(), "1234 JPY");
  EXPECT_EQ(Money::parse("1.005", KWD).to_string(), "1.005");
  EXPECT_EQ(Money::from_minor(-1, USD).to_string(), "-0.01");
  EXPECT_EQ(Money::from_minor(INT64_MIN, USD).to_string(), "-92233720368547758.08");
  EXPECT_EQ(Money::from_minor(INT64_MAX, JPY).to_string(), "9223372036854775807");
}

TEST(Money, ParseRoundsOnlyWhenAsked) {
  EXPECT_THROW(usd("1.005"), ParseError);
  // 1.005 -> HalfEven 1.00 (0 is even), HalfUp 1.01
  EXPECT_EQ(Money::parse("1.005", USD, RoundingMode::HalfEven).minor_units(), 100);
  EXPECT_EQ(Money::parse("1.005", USD, RoundingMode::HalfUp).minor_units(), 101);
  // 1.0050001: the sticky digit breaks the tie upwards even for HalfEven/HalfDown
  EXPECT_EQ(Money::parse("1.0050001", USD, RoundingMode::HalfDown).minor_units(), 101);
  EXPECT_EQ(Money::parse("-1.005", USD, RoundingMode::HalfUp).minor_units(), -101);
  EXPECT_EQ(Money::parse("-1.009", USD, RoundingMode::Ceiling).minor_units(), -100);
}

TEST(Money, AdditionIsCheckedAndSameCurrencyOnly) {
  EXPECT_EQ(usd("0.10") + usd("0.20"), usd("0.30"));
  EXPECT_EQ(usd("0.10") - usd("0.20"), usd("-0.10"));
  EXPECT_EQ(-usd("5.00"), usd("-5.00"));
  EXPECT_THROW(usd("1.00") + Money::parse("1.00", EUR), CurrencyMismatchError);
  EXPECT_THROW(Money::from_minor(INT64_MAX, USD) + Money::from_minor(1, USD), OverflowError);
  EXPECT_THROW(Money::from_minor(INT64_MIN, USD) - Money::from_minor(1, USD), OverflowError);
  EXPECT_THROW(-Money::from_minor(INT64_MIN, USD), OverflowError);
  EXPECT_THROW(Money::from_minor(INT64_MAX / 2 + 1, USD) * 2, OverflowError);
  EXPECT_EQ(usd("12.50") * 3, usd("37.50"));
}

TEST(Money, ComparisonAndEquality) {
  EXPECT_LT(usd("1.00"), usd("1.01"));
  EXPECT_GT(usd("-1.00"), usd("-1.01"));
  EXPECT_FALSE(usd("1.00") == Money::parse("1.00", EUR));  // equality never throws
  EXPECT_THROW((void)(usd("1.00") < Money::parse("1.00", EUR)), CurrencyMismatchError);
}

TEST(Money, MultiplyByRateRoundsOnce) {
  // 1000.00 x 0.075 = 75.00 exactly
  EXPECT_EQ(multiply(usd("1000.00"), Rate::parse("0.075")), usd("75.00"));
  // 0.15 x 0.5 = 0.075 -> HalfEven 0.08, HalfDown 0.07, Down 0.07, Up 0.08
  EXPECT_EQ(multiply(usd("0.15"), Rate::parse("0.5"), RoundingMode::HalfEven), usd("0.08"));
  EXPECT_EQ(multiply(usd("0.15"), Rate::parse("0.5"), RoundingMode::HalfDown), usd("0.07"));
  // 0.25 x 0.5 = 0.125 -> HalfEven 0.12 (2 is even), HalfUp 0.13
  EXPECT_EQ(multiply(usd("0.25"), Rate::parse("0.5"), RoundingMode::HalfEven), usd("0.12"));
  EXPECT_EQ(multiply(usd("0.25"), Rate::parse("0.5"), RoundingMode::HalfUp), usd("0.13"));
  // -0.25 x 0.5 = -0.125 -> Floor -0.13, Ceiling -0.12
  EXPECT_EQ(multiply(usd("-0.25"), Rate::parse("0.5"), RoundingMode::Floor), usd("-0.13"));
  EXPECT_EQ(multiply(usd("-0.25"), Rate::parse("0.5"), RoundingMode::Ceiling), usd("-0.12"));
  EXPECT_THROW(multiply(usd("0.25"), Rate::parse("0.5"), RoundingMode::Unnecessary), InexactError);
  // int64 max x 2 overflows only at the final narrowing
  EXPECT_THROW(multiply(Money::from_minor(INT64_MAX, USD), Rate::from_int(2)), OverflowError);
  // but (max x 3) x 1/3 style chains stay exact in the wide intermediate:
  EXPECT_EQ(multiply(Money::from_minor(INT64_MAX, USD), Rate::parse("0.5"), RoundingMode::Down),
            Money::from_minor(INT64_MAX / 2, USD));
}

TEST(Money, MultiplyByTwoRatesRoundsOnceAtTheEnd) {
  // 333.33 x 0.5 (split) x 0.1 (rate) = 16.6665 -> HalfEven 16.67 (one rounding);
  // rounding the split first would give 166.66 or 166.67 and then 16.67 or 16.666...
  EXPECT_EQ(multiply(usd("333.33"), Rate::parse("0.5"), Rate::parse("0.1")), usd("16.67"));
  // 0.01 x 0.5 x 0.5 = 0.0025 -> Up 0.01, HalfUp 0.00
  EXPECT_EQ(multiply(usd("0.01"), Rate::parse("0.5"), Rate::parse("0.5"), RoundingMode::Up), usd("0.01"));
  EXPECT_EQ(multiply(usd("0.01"), Rate::parse("0.5"), Rate::parse("0.5"), RoundingMode::HalfUp), usd("0.00"));
  // max x 1000 x 0.001 = max: the 256-bit intermediate does not overflow.
  EXPECT_EQ(multiply(Money::from_minor(INT64_MAX, USD), Rate::from_int(1000), Rate::parse("0.001")),
            Money::from_minor(INT64_MAX, USD));
  EXPECT_THROW(multiply(Money::from_minor(INT64_MAX, USD), Rate::from_int(1000), Rate::parse("0.01")),
               OverflowError);
}

TEST(Money, MultiplyDivideForProration) {
  // quota 90000.00 x 17 days / 30 days = 51000.00 exactly
  EXPECT_EQ(multiply_divide(usd("90000.00"), 17, 30), usd("51000.00"));
  // 100.00 x 1 / 3 = 33.333.. -> 33.33 (not Xactly's integer 33)
  EXPECT_EQ(multiply_divide(usd("100.00"), 1, 3), usd("33.33"));
  EXPECT_EQ(multiply_divide(usd("100.00"), 2, 3, RoundingMode::Down), usd("66.66"));
  EXPECT_THROW(multiply_divide(usd("1.00"), 1, 0), DivisionByZeroError);
}

TEST(Money, RatioAndExactComparisons) {
  EXPECT_EQ(ratio(usd("150.00"), usd("100.00")), Rate::parse("1.5"));
  EXPECT_EQ(ratio(usd("1.00"), usd("3.00")).to_string(), "0.333333333333");
  // 99999.99 of 100000.00 is below 100%, even though it rounds to 1.00 at 4 places.
  EXPECT_EQ(compare_ratio(9999999, 10000000, Rate::from_int(1)), -1);
  EXPECT_EQ(compare_ratio(10000000, 10000000, Rate::from_int(1)), 0);
  EXPECT_EQ(compare_ratio(1, 3, Rate::parse("0.333333333333")), 1);
  EXPECT_EQ(compare_scaled(usd("120.00"), Rate::parse("1.2"), usd("100.00")), 0);
  EXPECT_EQ(compare_scaled(usd("119.99"), Rate::parse("1.2"), usd("100.00")), -1);
  EXPECT_THROW(compare_ratio(1, 0, Rate::from_int(1)), ValidationError);
}

TEST(Money, SumsIn128Bits) {
  std::vector<int64_t> v = {INT64_MAX, INT64_MAX, -INT64_MAX, -INT64_MAX + 5};
  // Intermediate partial sums exceed int64; the total (5) does not.
  EXPECT_EQ(sum_minor(v), 5);
  std::vector<int64_t> big = {INT64_MAX, 1};
  EXPECT_THROW(sum_minor(big), OverflowError);
  EXPECT_EQ(sum_minor_wide(big), salescomp::detail::int128(INT64_MAX) + 1);
  std::vector<Money> ms = {usd("1.10"), usd("2.20"), usd("3.30")};
  EXPECT_EQ(sum(ms, USD), usd("6.60"));
  ms.push_back(Money::parse("1", JPY));
  EXPECT_THROW(sum(ms, USD), CurrencyMismatchError);
}

TEST(Rate, ParseFormatArithmetic) {
  EXPECT_EQ(Rate::parse("0.1").raw(), 100'000'000'000);
  EXPECT_EQ(Rate::parse("1.5").to_string(), "1.500000000000");
  EXPECT_EQ(Rate::parse("1.5").to_short_string(), "1.5");
  EXPECT_EQ(Rate::from_int(2).to_short_string(), "2.0");
  EXPECT_EQ(Rate::from_percent("12.5"), Rate::parse("0.125"));
  EXPECT_EQ(Rate::from_fraction(2, 3).to_string(), "0.666666666667");
  EXPECT_EQ(Rate::from_fraction(2, 3, RoundingMode::Down).to_string(), "0.666666666666");
  EXPECT_THROW(Rate::parse("0.0000000000001"), ParseError);
  EXPECT_EQ(Rate::parse("0.0000000000005", RoundingMode::HalfUp).raw(), 1);
  EXPECT_EQ(multiply(Rate::parse("1.5"), Rate::parse("0.1")), Rate::parse("0.15"));
  EXPECT_EQ(divide(Rate::from_int(1), Rate::from_int(3)).to_string(), "0.333333333333");
  EXPECT_THROW(divide(Rate::from_int(1), Rate()), DivisionByZeroError);
  EXPECT_EQ(Rate::parse("0.3") - Rate::parse("0.1"), Rate::parse("0.2"));  // exact, unlike binary floats
}

TEST(Date, ParseFormatArithmetic) {
  const Date d = Date::parse("2026-02-28");
  EXPECT_EQ(d.to_string(), "2026-02-28");
  EXPECT_EQ(d.plus_days(1).to_string(), "2026-03-01");
  EXPECT_EQ(Date::parse("2024-03-01") - Date::parse("2024-02-01"), 29);  // leap year
  EXPECT_EQ(Date::parse("1970-01-01").days(), 0);
  EXPECT_EQ(Date::parse("2026-11-27").iso_weekday_index(), 4u);  // a Friday
  for (const char* bad :
       {"2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026/01/01", "", "2026-01-01T00"})
    EXPECT_THROW(Date::parse(bad), ValidationError) << bad;
}

TEST(FxTable, CarryForwardAndExactConversion) {
  FxTable fx;
  fx.add(EUR, USD, Date::parse("2026-01-01"), Rate::parse("1.08"));
  fx.add(EUR, USD, Date::parse("2026-02-01"), Rate::parse("1.10"));
  const Money e = Money::parse("100.00", EUR);
  // Before the first quote there is no rate.
  EXPECT_THROW(fx.convert(e, USD, Date::parse("2025-12-31")), LookupError);
  // On the effective date and carried forward until the next one.
  EXPECT_EQ(fx.convert(e, USD, Date::parse("2026-01-01")), usd("108.00"));
  EXPECT_EQ(fx.convert(e, USD, Date::parse("2026-01-31")), usd("108.00"));
  EXPECT_EQ(fx.convert(e, USD, Date::parse("2026-07-01")), usd("110.00"));
  // Inverse: 100.00 USD / 1.08 = 92.592592.. EUR -> 92.59 (exact division, one rounding)
  EXPECT_EQ(fx.convert(usd("100.00"), EUR, Date::parse("2026-01-15")), Money::parse("92.59", EUR));
  EXPECT_EQ(fx.convert(usd("100.00"), EUR, Date::parse("2026-01-15"), RoundingMode::Up),
            Money::parse("92.60", EUR));
  // Same currency is the identity.
  EXPECT_EQ(fx.convert(e, EUR, Date::parse("1999-01-01")), e);
  EXPECT_EQ(fx.size(), 2u);
}

TEST(FxTable, AcrossExponents) {
  FxTable fx;
  fx.add(USD, JPY, Date::parse("2026-01-01"), Rate::parse("151.237"));
  fx.add(KWD, USD, Date::parse("2026-01-01"), Rate::parse("3.2561"));
  // 12.34 USD x 151.237 = 1866.26458 JPY -> 1866
  EXPECT_EQ(fx.convert(usd("12.34"), JPY, Date::parse("2026-03-01")), Money::parse("1866", JPY));
  // 1.005 KWD x 3.2561 = 3.2723805 USD -> 3.27
  EXPECT_EQ(fx.convert(Money::parse("1.005", KWD), USD, Date::parse("2026-03-01")), usd("3.27"));
  // 10000 JPY / 151.237 = 66.1213327 USD -> 66.12
  EXPECT_EQ(fx.convert(Money::parse("10000", JPY), USD, Date::parse("2026-03-01")), usd("66.12"));
  // 3.27 USD / 3.2561 = 1.004268911 KWD -> 1.004
  EXPECT_EQ(fx.convert(usd("3.27"), KWD, Date::parse("2026-03-01")), Money::parse("1.004", KWD));
}

TEST(FxTable, RejectsBadQuotes) {
  FxTable fx;
  EXPECT_THROW(fx.add(USD, USD, Date(), Rate::from_int(1)), ValidationError);
  EXPECT_THROW(fx.add(EUR, USD, Date(), Rate()), ValidationError);
  EXPECT_THROW(fx.add(EUR, USD, Date(), Rate::parse("-1.1")), ValidationError);
  fx.add(EUR, USD, Date(), Rate::parse("1.1"));
  fx.add(EUR, USD, Date(), Rate::parse("1.1"));  // identical quote: harmless
  EXPECT_THROW(fx.add(EUR, USD, Date(), Rate::parse("1.2")), ValidationError);
}

// Every product operation in every mode at the int64 limits and for negatives.
// Expected values: INT64_MAX = 9223372036854775807 (odd), so x 0.5 = 4611686018427387903.5,
// a tie: HalfEven -> ...904 (even), HalfUp -> ...904 (away), HalfDown -> ...903, Up -> ...904,
// Down -> ...903, Ceiling -> ...904, Floor -> ...903. Negated input mirrors the signed modes,
// while Ceiling/Floor swap.
TEST(Money, EveryModeAtTheLimits) {
  const int64_t hi = 4611686018427387904, lo = 4611686018427387903;
  struct Row {
    RoundingMode mode;
    int64_t pos, neg;
  };
  const Row rows[] = {{RoundingMode::HalfEven, hi, -hi}, {RoundingMode::HalfUp, hi, -hi},
                      {RoundingMode::HalfDown, lo, -lo}, {RoundingMode::Up, hi, -hi},
                      {RoundingMode::Down, lo, -lo},     {RoundingMode::Ceiling, hi, -lo},
                      {RoundingMode::Floor, lo, -hi}};
  const Rate half = Rate::parse("0.5");
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(to_string(r.mode)));
    EXPECT_EQ(multiply_minor(INT64_MAX, half, r.mode), r.pos);
    EXPECT_EQ(multiply_minor(-INT64_MAX, half, r.mode), r.neg);
    // Same value through the three-factor path (x 0.5 x 1) and through a / b (x 1 / 2).
    EXPECT_EQ(multiply_minor(INT64_MAX, half, Rate::from_int(1), r.mode), r.pos);
    EXPECT_EQ(multiply_divide_minor(-INT64_MAX, 1, 2, r.mode), r.neg);
    // INT64_MIN x 1 is exact in every mode; x 2 overflows in every mode.
    EXPECT_EQ(multiply_minor(INT64_MIN, Rate::from_int(1), r.mode), INT64_MIN);
    EXPECT_THROW(multiply_minor(INT64_MIN, Rate::from_int(2), r.mode), OverflowError);
    EXPECT_THROW(multiply_divide_minor(INT64_MAX, 3, 2, r.mode), OverflowError);
  }
  EXPECT_THROW(multiply_minor(INT64_MAX, half, RoundingMode::Unnecessary), InexactError);
  EXPECT_EQ(multiply_minor(INT64_MAX - 1, half, RoundingMode::Unnecessary), INT64_MAX / 2);
}
