// The calculators' rational (src/engine/exact_rational.hpp) against Boost's
// cpp_rational: random operands from tiny to beyond 128 bits, every
// operation, comparison and rounding mode, and long chains that cross from
// the 128-bit form to the big one and back.
#include <gtest/gtest.h>

#include <random>

#include "../../../src/engine/exact_rational.hpp"

using salescomp::RoundingMode;
using salescomp::engine_detail::BigInt;
using salescomp::engine_detail::BigRational;
using salescomp::engine_detail::Exact;

namespace {

// A random integer of up to `bits` bits, either sign.
BigInt random_int(std::mt19937_64& rng, int bits) {
  BigInt v = 0;
  for (int b = 0; b < bits; b += 64) {
    v <<= 64;
    v += BigInt(rng());
  }
  v >>= (bits + 63) / 64 * 64 - bits;
  return rng() % 2 ? BigInt(-v) : v;
}

// Operand sizes as the calculators see them: whole minor units, 10^12-scaled
// rates and their products, and values past 128 bits.
std::pair<BigInt, BigInt> random_fraction(std::mt19937_64& rng) {
  static const int sizes[] = {3, 20, 40, 63, 64, 90, 120, 126, 127, 128, 140, 200};
  BigInt n = random_int(rng, sizes[rng() % 12]);
  BigInt d = 1;
  switch (rng() % 4) {
    case 0:
      break;
    case 1:
      d = BigInt(1'000'000'000'000LL);
      break;
    default:
      d = random_int(rng, sizes[rng() % 12]);
      if (d < 0) d = -d;  // cpp_rational wants a positive denominator
      if (d == 0) d = 7;
  }
  return {n, d};
}

void expect_same(const Exact& e, const BigRational& r, const char* what) {
  ASSERT_EQ(e.to_big(), r) << what;
  ASSERT_EQ(numerator(e), boost::multiprecision::numerator(r)) << what;
  ASSERT_EQ(denominator(e), boost::multiprecision::denominator(r)) << what;
}

}  // namespace

TEST(ExactRational, AgreesWithCppRationalOnEveryOperation) {
  std::mt19937_64 rng(20261127);
  for (int i = 0; i < 6000; ++i) {
    const auto [an, ad] = random_fraction(rng);
    const auto [bn, bd] = random_fraction(rng);
    const Exact a(an, ad), b(bn, bd);
    const BigRational ra(an, ad), rb(bn, bd);
    expect_same(a, ra, "construct");
    expect_same(a + b, ra + rb, "+");
    expect_same(a - b, ra - rb, "-");
    expect_same(a * b, ra * rb, "*");
    expect_same(-a, -ra, "negate");
    expect_same(abs(a), ra < 0 ? BigRational(-ra) : ra, "abs");
    if (rb != 0) expect_same(a / b, ra / rb, "/");
    ASSERT_EQ(a < b, ra < rb);
    ASSERT_EQ(a == b, ra == rb);
    ASSERT_EQ(a <= b, ra <= rb);
    ASSERT_EQ(a == a, true);
    for (RoundingMode mode :
         {RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::HalfDown, RoundingMode::Up,
          RoundingMode::Down, RoundingMode::Ceiling, RoundingMode::Floor})
      ASSERT_EQ(round_to_integer(a, mode),
                salescomp::divide_rounded<BigInt>(boost::multiprecision::numerator(ra),
                                                  boost::multiprecision::denominator(ra), mode));
  }
}

TEST(ExactRational, ChainsCrossToTheBigFormAndBack) {
  std::mt19937_64 rng(7);
  int chains_went_big = 0, chains_came_back = 0;
  for (int chain = 0; chain < 150; ++chain) {
    Exact e = Exact::fraction(int64_t(rng() % 1'000'000'000) - 500'000'000, 1'000'000'000'000LL);
    BigRational r(BigInt(boost::multiprecision::numerator(e.to_big())),
                  BigInt(boost::multiprecision::denominator(e.to_big())));
    bool went_big = false, came_back = false;
    for (int step = 0; step < 40; ++step) {
      const auto [n, d] = random_fraction(rng);
      const Exact x(n, d);
      const BigRational rx(n, d);
      switch (rng() % 4) {
        case 0:
          e += x, r += rx;
          break;
        case 1:
          e -= x, r -= rx;
          break;
        case 2:
          e *= x, r *= rx;
          break;
        default:
          if (rx != 0) e /= x, r /= rx;
      }
      went_big = went_big || e.is_big();
      came_back = came_back || (went_big && !e.is_big());
      expect_same(e, r, "chain");
      if (e.is_big() && rng() % 3 == 0) {  // pull it back into range
        e = Exact(1), r = 1;
      }
    }
    chains_went_big += went_big;
    chains_came_back += came_back;
  }
  // Both forms and the way back are exercised, not just the small one.
  EXPECT_GT(chains_went_big, 50);
  EXPECT_GT(chains_came_back, 20);
}

// Integer literals and the small constructors behave as cpp_rational's.
TEST(ExactRational, IntegersAndFractions) {
  EXPECT_EQ(Exact::fraction(6, -4).to_big(), BigRational(-3, 2));
  EXPECT_EQ(Exact::fraction(0, 5), Exact(0));
  EXPECT_TRUE(Exact(1) - Exact::fraction(1, 4) == Exact::fraction(3, 4));
  EXPECT_TRUE(Exact::fraction(1, 3) > 0 && Exact::fraction(-1, 3) < 0);
  EXPECT_EQ(numerator(Exact::fraction(250'000'000'000LL, 1'000'000'000'000LL)), BigInt(1));
  EXPECT_EQ(denominator(Exact::fraction(250'000'000'000LL, 1'000'000'000'000LL)), BigInt(4));
}
