#include <gtest/gtest.h>

#include <salescomp/core/rounding.hpp>
#include <salescomp/detail/int128.hpp>
#include <salescomp/detail/int256.hpp>

using salescomp::divide_rounded;
using salescomp::RoundingMode;
using salescomp::detail::int128;
using salescomp::detail::int256;

namespace {
int64_t r(int64_t num, int64_t den, RoundingMode m) { return int64_t(divide_rounded<int128>(num, den, m)); }
}  // namespace

// The classic table (Java BigDecimal's RoundingMode docs use the same inputs),
// as tenths: 55 -> 5.5, -25 -> -2.5, ...
TEST(Rounding, TableOfAllModes) {
  struct Row {
    int64_t tenths;
    int64_t up, down, ceiling, floor, half_up, half_down, half_even;
  };
  const Row rows[] = {
      {55, 6, 5, 6, 5, 6, 5, 6},         {25, 3, 2, 3, 2, 3, 2, 2},         {16, 2, 1, 2, 1, 2, 2, 2},
      {11, 2, 1, 2, 1, 1, 1, 1},         {10, 1, 1, 1, 1, 1, 1, 1},         {-10, -1, -1, -1, -1, -1, -1, -1},
      {-11, -2, -1, -1, -2, -1, -1, -1}, {-16, -2, -1, -1, -2, -2, -2, -2}, {-25, -3, -2, -2, -3, -3, -2, -2},
      {-55, -6, -5, -5, -6, -6, -5, -6},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.tenths);
    EXPECT_EQ(r(row.tenths, 10, RoundingMode::Up), row.up);
    EXPECT_EQ(r(row.tenths, 10, RoundingMode::Down), row.down);
    EXPECT_EQ(r(row.tenths, 10, RoundingMode::Ceiling), row.ceiling);
    EXPECT_EQ(r(row.tenths, 10, RoundingMode::Floor), row.floor);
    EXPECT_EQ(r(row.tenths, 10, RoundingMode::HalfUp), row.half_up);
    EXPECT_EQ(r(row.tenths, 10, RoundingMode::HalfDown), row.half_down);
    EXPECT_EQ(r(row.tenths, 10, RoundingMode::HalfEven), row.half_even);
  }
}

TEST(Rounding, NegativeDenominatorIsTheSameQuotient) {
  // 25 / -10 = -2.5
  EXPECT_EQ(r(25, -10, RoundingMode::HalfUp), -3);
  EXPECT_EQ(r(25, -10, RoundingMode::HalfDown), -2);
  EXPECT_EQ(r(25, -10, RoundingMode::Floor), -3);
  EXPECT_EQ(r(25, -10, RoundingMode::Ceiling), -2);
  EXPECT_EQ(r(-25, -10, RoundingMode::HalfEven), 2);
}

TEST(Rounding, UnnecessaryAcceptsExactAndRejectsInexact) {
  EXPECT_EQ(r(30, 10, RoundingMode::Unnecessary), 3);
  EXPECT_EQ(r(-30, 10, RoundingMode::Unnecessary), -3);
  EXPECT_THROW(r(31, 10, RoundingMode::Unnecessary), salescomp::InexactError);
}

TEST(Rounding, DivisionByZeroThrows) {
  EXPECT_THROW(r(1, 0, RoundingMode::HalfEven), salescomp::DivisionByZeroError);
  EXPECT_THROW(divide_rounded<int256>(int256(1), int256(0), RoundingMode::Up),
               salescomp::DivisionByZeroError);
}

TEST(Rounding, ThirdsAndNearHalves) {
  // 1/3 = 0.333: rounds to 0 except Up/Ceiling. 2/3 = 0.667: rounds to 1 except Down/Floor.
  EXPECT_EQ(r(1, 3, RoundingMode::HalfEven), 0);
  EXPECT_EQ(r(1, 3, RoundingMode::Up), 1);
  EXPECT_EQ(r(2, 3, RoundingMode::HalfDown), 1);
  EXPECT_EQ(r(2, 3, RoundingMode::Down), 0);
  // 499999/1000000 is just under a half; 500001/1000000 just over.
  EXPECT_EQ(r(499999, 1000000, RoundingMode::HalfUp), 0);
  EXPECT_EQ(r(500001, 1000000, RoundingMode::HalfDown), 1);
}

TEST(Rounding, WorksAtInt64LimitsIn128Bits) {
  const int128 max = salescomp::detail::kInt64Max;
  // (2^63-1) * 10 / 10 is exact.
  EXPECT_EQ(divide_rounded<int128>(max * 10, 10, RoundingMode::Unnecessary), max);
  // (2^63-1) / 2 = 4611686018427387903.5 -> even neighbour 4611686018427387904
  EXPECT_EQ(divide_rounded<int128>(max, 2, RoundingMode::HalfEven), int128(4611686018427387904LL));
  EXPECT_EQ(divide_rounded<int128>(-max, 2, RoundingMode::HalfDown), -int128(4611686018427387903LL));
}

TEST(Rounding, NamesRoundTrip) {
  for (auto m : salescomp::kAllRoundingModes)
    EXPECT_EQ(salescomp::rounding_mode_from_string(salescomp::to_string(m)), m);
  EXPECT_THROW(salescomp::rounding_mode_from_string("half_even"), salescomp::ValidationError);
}
