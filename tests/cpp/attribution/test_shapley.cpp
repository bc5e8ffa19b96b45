// Shapley: simplified, ordered, the exact and sampled games, bootstrap.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <salescomp/attribution/bootstrap.hpp>
#include <salescomp/attribution/rule_attribution.hpp>
#include <salescomp/attribution/shapley.hpp>

#include "attribution_fixtures.hpp"

using namespace salescomp;
using namespace attribution_test;

TEST(Shapley, SimplifiedByHand) {
  // {a,b} converts twice for 90.00, {a} once for 10.00. phi_a = 2/2 + 1 = 2,
  // phi_b = 1 conversion; value a 45 + 10 = 55.00, b 45.00.
  const PathTable p = table(2, {{{0, 1, 0}, 2, 0, 9000}, {{0}, 1, 3, 1000}});
  const AttributionResult r = simplified_shapley(p);
  EXPECT_EQ(conversions_by_channel(r, 2), (std::vector<int64_t>{2 * kConversionScale, kConversionScale}));
  EXPECT_EQ(value_by_channel(r, 2), (std::vector<int64_t>{5500, 4500}));
}

TEST(Shapley, SimplifiedEqualsLinearPerDistinctChannel) {
  const PathTable p = random_paths(3000, 15, 99);
  RuleOptions o;
  o.model = RuleModel::LinearPerChannel;
  const AttributionResult linear = attribute_rule(p, o), shap = simplified_shapley(p);
  EXPECT_EQ(linear.channels.conversions, shap.channels.conversions);
  EXPECT_EQ(linear.channels.value, shap.channels.value);
}

TEST(Shapley, SimplifiedIsTheExactValueOfTheConversionsGame) {
  // Independent algorithm: coalition enumeration with subset sums.
  const PathTable p = random_paths(800, 8, 5);
  ShapleyGameOptions o;
  o.game = ShapleyGame::Conversions;
  o.method = ShapleyMethod::Exact;
  const auto phi = shapley_game_values(p, o);
  const auto simplified = conversions_by_channel(simplified_shapley(p), 8);
  for (int c = 0; c < 8; ++c)
    EXPECT_NEAR(phi[std::size_t(c)], double(simplified[std::size_t(c)]) / kConversionScale, 1e-6) << c;
}

TEST(Shapley, ConversionRateGameByHand) {
  // {a}: y 1 n 1; {b}: n 2; {a,b}: y 5 n 1.
  // v(a) = 1/2, v(b) = 0, v(ab) = (1 + 0 + 5) / (2 + 2 + 6) = 0.6.
  // phi_a = 1/2 (v(a) - 0 + v(ab) - v(b)) = 1/2 (0.5 + 0.6) = 0.55;
  // phi_b = 1/2 (v(b) - 0 + v(ab) - v(a)) = 1/2 (0 + 0.1) = 0.05; sum 0.6 = v(ab).
  // Credits: 6 conversions x 0.55 / 0.6 = 5.5 and 0.5; 120.00 -> 110.00 and 10.00.
  const PathTable p = table(2, {{{0}, 1, 1, 2000}, {{1}, 0, 2, 0}, {{0, 1}, 5, 1, 10000}});
  const ShapleyGameResult r = shapley_game(p);
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.phi[0], 0.55, 1e-15);
  EXPECT_NEAR(r.phi[1], 0.05, 1e-15);
  EXPECT_NEAR(r.grand_coalition_value, 0.6, 1e-15);
  EXPECT_EQ(conversions_by_channel(r.credits, 2), (std::vector<int64_t>{5500000000, 500000000}));
  EXPECT_EQ(value_by_channel(r.credits, 2), (std::vector<int64_t>{11000, 1000}));
}

TEST(Shapley, ExactGameSplitsFromExactPhiSoTiesAreRealTies) {
  // Issue 17: {a} y6, {b} y3, {c} y6, {a,b,c} y1, {b,c} y1 (17 conversions)
  // in the conversions game: phi_a = 6 + 1/3 = 19/3, phi_b = 3 + 1/2 + 1/3 =
  // 23/6, phi_c = 6 + 1/2 + 1/3 = 41/6. Conversion units: 19/3 x 10^9 etc.
  // all have remainder 1/3; the one leftover unit goes to the smaller channel
  // code (a) on the exact tie. Value 170.00: 63.33.. / 38.33.. / 68.33..,
  // remainders 1/3 each again -> a gets the cent.
  const PathTable p = table(3, {{{0}, 6, 0, 6000},
                                {{1}, 3, 0, 3000},
                                {{2}, 6, 0, 6000},
                                {{0, 1, 2}, 1, 0, 1000},
                                {{1, 2}, 1, 0, 1000}});
  ShapleyGameOptions o;
  o.game = ShapleyGame::Conversions;
  o.method = ShapleyMethod::Exact;
  const ShapleyGameResult r = shapley_game(p, o);
  EXPECT_NEAR(r.phi[0], 19.0 / 3, 1e-12);
  EXPECT_NEAR(r.phi[1], 23.0 / 6, 1e-12);
  EXPECT_NEAR(r.phi[2], 41.0 / 6, 1e-12);
  EXPECT_EQ(conversions_by_channel(r.credits, 3), (std::vector<int64_t>{6333333334, 3833333333, 6833333333}));
  EXPECT_EQ(value_by_channel(r.credits, 3), (std::vector<int64_t>{6334, 3833, 6833}));
}

TEST(Shapley, SamplingAgreesWithExactWithinItsError) {
  const PathTable p = random_paths(600, 9, 17, 3);
  ShapleyGameOptions exact_o;
  exact_o.method = ShapleyMethod::Exact;
  ShapleyGameOptions sample_o;
  sample_o.method = ShapleyMethod::Sampling;
  sample_o.permutations = 4000;
  sample_o.seed = 3;
  const ShapleyGameResult exact = shapley_game(p, exact_o), sampled = shapley_game(p, sample_o);
  EXPECT_FALSE(sampled.exact);
  for (int c = 0; c < 9; ++c)
    EXPECT_NEAR(sampled.phi[std::size_t(c)], exact.phi[std::size_t(c)],
                4.5 * sampled.standard_error[std::size_t(c)] + 1e-12);
  // Each permutation telescopes to v(N): the sampled values sum to it exactly (up to doubles).
  EXPECT_NEAR(sampled.grand_coalition_value, exact.grand_coalition_value, 1e-12);
  // The cap: too many players for Exact is an error; Auto samples instead.
  ShapleyGameOptions capped;
  capped.method = ShapleyMethod::Exact;
  capped.max_players = 5;
  EXPECT_THROW(shapley_game(p, capped), ValidationError);
  capped.method = ShapleyMethod::Auto;
  EXPECT_FALSE(shapley_game(p, capped).exact);
}

TEST(Shapley, OrderedSplitsByFirstTouchPosition) {
  // a > b > a (90.00): distinct order a, b -> a@0 45, b@1 45.
  // b > a (10.00): b@0 5, a@1 5.
  const PathTable p = table(2, {{{0, 1, 0}, 1, 0, 9000}, {{1, 0}, 1, 0, 1000}});
  const AttributionResult r = ordered_shapley(p);
  ASSERT_EQ(r.channels.size(), 4u);
  // Rows ordered by channel, then position.
  EXPECT_EQ(r.channels.channel, (std::vector<int32_t>{0, 0, 1, 1}));
  EXPECT_EQ(r.channels.position, (std::vector<int32_t>{0, 1, 0, 1}));
  EXPECT_EQ(r.channels.value, (std::vector<int64_t>{4500, 500, 500, 4500}));
  // Summed over positions it is the simplified value.
  EXPECT_EQ(value_by_channel(r, 2), value_by_channel(simplified_shapley(p), 2));
}

TEST(Bootstrap, SeededAndCoversTheEstimate) {
  const PathTable p = random_paths(300, 5, 8);
  for (BootstrapModel m :
       {BootstrapModel::Markov, BootstrapModel::SimplifiedShapley, BootstrapModel::ShapleyGame}) {
    BootstrapOptions o;
    o.model = m;
    o.replicates = 60;
    o.seed = 4;
    const BootstrapResult r1 = bootstrap_credits(p, o), r2 = bootstrap_credits(p, o);
    EXPECT_EQ(r1.lower, r2.lower);
    EXPECT_EQ(r1.upper, r2.upper);
    for (int c = 0; c < 5; ++c) {
      EXPECT_LE(r1.lower[std::size_t(c)], r1.upper[std::size_t(c)]);
      EXPECT_GT(r1.standard_error[std::size_t(c)], 0.0);
      // With 300 rows the point estimate sits inside its own 95% interval.
      EXPECT_GE(r1.estimate[std::size_t(c)], r1.lower[std::size_t(c)]);
      EXPECT_LE(r1.estimate[std::size_t(c)], r1.upper[std::size_t(c)]);
    }
    o.seed = 5;
    EXPECT_NE(bootstrap_credits(p, o).lower, r1.lower);
  }
}
