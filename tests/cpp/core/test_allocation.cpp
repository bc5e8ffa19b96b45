#include <gtest/gtest.h>

#include <numeric>
#include <random>
#include <salescomp/core/allocation.hpp>
#include <vector>

using namespace salescomp;

namespace {
std::vector<int64_t> alloc(int64_t total, std::vector<int64_t> w, std::vector<int64_t> keys = {}) {
  return allocate_minor(total, w, keys);
}
}  // namespace

TEST(Allocation, ThreeWaySplitOfADollar) {
  // 100 cents in thirds: exact 33.33 each, floors 33/33/33, 1 leftover -> first by index.
  EXPECT_EQ(alloc(100, {1, 1, 1}), (std::vector<int64_t>{34, 33, 33}));
  // Ties go to the smaller tie key instead when keys are given.
  EXPECT_EQ(alloc(100, {1, 1, 1}, {30, 10, 20}), (std::vector<int64_t>{33, 34, 33}));
}

TEST(Allocation, LargestRemainderWins) {
  // 1000 by 60/25/15 of 100 -> exact 600, 250, 150: no remainder.
  EXPECT_EQ(alloc(1000, {60, 25, 15}), (std::vector<int64_t>{600, 250, 150}));
  // 10 by 1/2/3 (W=6): exact 1.667, 3.333, 5 -> floors 1,3,5 (sum 9), remainders 4,2,0 of 6
  // -> the 1 leftover goes to part 0: 2, 3, 5.
  EXPECT_EQ(alloc(10, {1, 2, 3}), (std::vector<int64_t>{2, 3, 5}));
  // 7 by 5/3/2 (W=10): exact 3.5, 2.1, 1.4 -> floors 3,2,1 (6), remainders 5,1,4 -> part 0.
  EXPECT_EQ(alloc(7, {5, 3, 2}), (std::vector<int64_t>{4, 2, 1}));
}

TEST(Allocation, NegativeTotalsMirrorPositive) {
  EXPECT_EQ(alloc(-100, {1, 1, 1}), (std::vector<int64_t>{-34, -33, -33}));
  EXPECT_EQ(alloc(-10, {1, 2, 3}), (std::vector<int64_t>{-2, -3, -5}));
}

TEST(Allocation, ZeroWeightsGetNothing) {
  EXPECT_EQ(alloc(101, {1, 0, 1}), (std::vector<int64_t>{51, 0, 50}));
  EXPECT_EQ(alloc(0, {1, 2}), (std::vector<int64_t>{0, 0}));
}

TEST(Allocation, Int64Extremes) {
  EXPECT_EQ(alloc(INT64_MIN, {1}), (std::vector<int64_t>{INT64_MIN}));
  EXPECT_EQ(alloc(INT64_MAX, {INT64_MAX, INT64_MAX}),
            (std::vector<int64_t>{INT64_MAX / 2 + 1, INT64_MAX / 2}));
  auto parts = alloc(INT64_MIN, {1, 1});
  EXPECT_EQ(parts[0] + parts[1], INT64_MIN);
}

TEST(Allocation, RejectsBadWeights) {
  EXPECT_THROW(alloc(100, {}), ValidationError);
  EXPECT_THROW(alloc(100, {0, 0}), ValidationError);
  try {
    alloc(100, {1, -2, -3});
    FAIL();
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 2u);  // every bad weight is reported
    EXPECT_EQ(*e.issues()[0].row, 1);
    EXPECT_EQ(e.issues()[1].value, "-3");
    EXPECT_EQ(e.id(), "SC-ALLOC-NEGATIVE-WEIGHT");
  }
  std::vector<int64_t> out(1);
  std::vector<int64_t> w = {1, 2};
  EXPECT_THROW(allocate_minor_into(5, w, out), ValidationError);
}

TEST(Allocation, MoneyAndRateWeights) {
  const Currency usd = Currency::of("USD");
  const std::vector<Rate> split = {Rate::parse("0.6"), Rate::parse("0.4")};
  // 999.99 at 60/40: exact 599.994 / 399.996 -> 599.99 / 400.00 (remainder .6 beats .4)
  auto parts = allocate(Money::parse("999.99", usd), split);
  EXPECT_EQ(parts[0], Money::parse("599.99", usd));
  EXPECT_EQ(parts[1], Money::parse("400.00", usd));
}

// Property: parts sum to the total and each is within one unit of its exact share,
// i.e. |part * W - total * w| < W.
TEST(Allocation, ConservesAndStaysWithinOneUnitRandomised) {
  std::mt19937_64 rng(20261127);
  for (int iter = 0; iter < 20000; ++iter) {
    const std::size_t n = 1 + rng() % 12;
    std::vector<int64_t> w(n);
    for (auto& x : w) x = int64_t(rng() % 1000);
    if (std::accumulate(w.begin(), w.end(), int64_t(0)) == 0) w[0] = 1;
    const int64_t total = int64_t(rng() % 2000001) - 1000000;
    const auto parts = allocate_minor(total, w);
    const int64_t W = std::accumulate(w.begin(), w.end(), int64_t(0));
    EXPECT_EQ(std::accumulate(parts.begin(), parts.end(), int64_t(0)), total) << "seed iter " << iter;
    for (std::size_t i = 0; i < n; ++i) {
      const __int128 diff = __int128(parts[i]) * W - __int128(total) * w[i];
      EXPECT_LT(diff < 0 ? -diff : diff, W) << "iter " << iter << " part " << i;
    }
  }
}
