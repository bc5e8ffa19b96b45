// Markov removal effects: hand-computed chains, the identities, simulation
// as an independent check, and a power-iteration oracle for large chains.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <salescomp/attribution/markov.hpp>

#include "attribution_fixtures.hpp"

using namespace salescomp;
using namespace attribution_test;

namespace {
constexpr int32_t a = 0, b = 1;
// a > b (y 1, n 1, 50.00), b (y 1, 30.00), a (n 1).
PathTable small() { return table(2, {{{a, b}, 1, 1, 5000}, {{b}, 1, 0, 3000}, {{a}, 0, 1, 0}}); }

// P(conversion) from start on the fitted transitions with the states that
// contain `removed` sent to null, by plain value iteration (independent of
// the LU solve).
double absorb_by_iteration(const MarkovTransitions& t, int32_t removed) {
  const std::size_t S = t.states();
  std::vector<uint8_t> dead(S, 0);
  for (std::size_t s = 3; s < S; ++s)
    for (int64_t k = t.state_offsets[s]; k < t.state_offsets[s + 1]; ++k)
      if (t.state_channel[std::size_t(k)] == removed) dead[s] = 1;
  std::vector<double> x(S, 0.0), next(S, 0.0);
  x[1] = 1;
  for (int it = 0; it < 20000; ++it) {
    std::fill(next.begin(), next.end(), 0.0);
    next[1] = 1;
    for (std::size_t e = 0; e < t.size(); ++e) {
      const int32_t to = t.to[e];
      if (to >= 3 && dead[std::size_t(to)]) continue;
      next[std::size_t(t.from[e])] += t.probability[e] * x[std::size_t(to)];
    }
    double change = 0;
    for (std::size_t s = 0; s < S; ++s) change = std::max(change, std::abs(next[s] - x[s]));
    x.swap(next);
    if (change < 1e-15) break;
  }
  return x[0];
}
}  // namespace

TEST(Markov, OrderOneByHand) {
  // Transitions: start->a 3 (2 + 1), start->b 1; a->b 2, a->null 1;
  // b->conv 2, b->null 1. P(conv) = 3/4 * 2/3 * 2/3 + 1/4 * 2/3 = 1/2
  // (= sum y / sum (y + n) = 2/4). Without a: 1/4 * 2/3 = 1/6 -> RE_a =
  // 1 - (1/6)/(1/2) = 2/3. Without b nothing converts: RE_b = 1.
  const MarkovResult r = markov_attribution(small());
  EXPECT_NEAR(r.conversion_probability, 0.5, 1e-14);
  EXPECT_NEAR(r.removal_effect[a], 2.0 / 3.0, 1e-14);
  EXPECT_NEAR(r.removal_effect[b], 1.0, 1e-14);
  EXPECT_EQ(r.removal_weight[a], 666666666667);
  EXPECT_EQ(r.removal_weight[b], 1000000000000);
  // Credits: 2 conversions and 80.00 split 2/3 : 1 = 2/5 : 3/5 ->
  // a 0.8 conversions and 32.00, b 1.2 and 48.00 (weights snapped to 12
  // places: 0.666666666667 / 1.666666666667 x 8000 = 3200.0000000008 -> 3200).
  EXPECT_EQ(value_by_channel(r.credits, 2), (std::vector<int64_t>{3200, 4800}));
  EXPECT_EQ(conversions_by_channel(r.credits, 2), (std::vector<int64_t>{800000000, 1200000000}));
  // The transition matrix: start(0), conv(1), null(2), a(3), b(4).
  const MarkovTransitions& t = r.transitions;
  ASSERT_EQ(t.states(), 5u);
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t.from[0], 0);
  EXPECT_EQ(t.to[0], 3);
  EXPECT_EQ(t.count[0], 3);
  EXPECT_DOUBLE_EQ(t.probability[0], 0.75);
}

TEST(Markov, OrderTwoByHand) {
  // States (a), (b), (a,b). start->(a) 3, start->(b) 1; (a)->(a,b) 2,
  // (a)->null 1; (a,b)->conv 1, ->null 1; (b)->conv 1.
  // P(conv) = 3/4 * 2/3 * 1/2 + 1/4 = 1/2. Without a only start->(b) converts:
  // 1/4 -> RE_a = 1/2. Without b: 0 -> RE_b = 1. Credits 1/3 : 2/3 of 2.
  MarkovOptions o;
  o.order = 2;
  const MarkovResult r = markov_attribution(small(), o);
  EXPECT_NEAR(r.conversion_probability, 0.5, 1e-14);
  EXPECT_NEAR(r.removal_effect[a], 0.5, 1e-14);
  EXPECT_NEAR(r.removal_effect[b], 1.0, 1e-14);
  EXPECT_EQ(conversions_by_channel(r.credits, 2), (std::vector<int64_t>{666666667, 1333333333}));
  EXPECT_EQ(r.transitions.states(), 6u);  // start, conv, null, (a), (b), (a,b)
}

TEST(Markov, RepeatsAreMerged) {
  // "a a b" is the chain of "a b": same removal effects.
  const auto merged =
      markov_removal_effects(table(2, {{{a, a, b}, 1, 1, 0}, {{b}, 1, 0, 0}, {{a}, 0, 1, 0}}), 1);
  const auto plain = markov_removal_effects(table(2, {{{a, b}, 1, 1, 0}, {{b}, 1, 0, 0}, {{a}, 0, 1, 0}}), 1);
  EXPECT_EQ(merged, plain);
}

TEST(Markov, OrderOneConversionProbabilityIsTheConversionShare) {
  const PathTable p = random_paths(2000, 12, 7);
  double pc = 0;
  (void)markov_removal_effects(p, 1, &pc);
  const double y = double(std::accumulate(p.conversions.begin(), p.conversions.end(), int64_t(0)));
  const double n = double(std::accumulate(p.nulls.begin(), p.nulls.end(), int64_t(0)));
  EXPECT_NEAR(pc, y / (y + n), 1e-12);
}

TEST(Markov, RemovalEffectEqualsVisitProbabilityBySimulation) {
  // RE_c = P(path visits c | conversion): the walk estimate must lie within
  // 4.5 standard errors of the exact value for every channel and order.
  const PathTable p = random_paths(400, 6, 11, 3);
  for (int order = 1; order <= 3; ++order) {
    MarkovOptions o;
    o.order = order;
    const MarkovResult exact = markov_attribution(p, o);
    const MarkovSimulation sim = markov_simulation(p, order, 200000, 42);
    EXPECT_NEAR(sim.conversion_probability, exact.conversion_probability,
                4.5 * sim.conversion_probability_error + 1e-12);
    for (int32_t c = 0; c < 6; ++c) {
      EXPECT_GT(exact.removal_effect[std::size_t(c)], 0.0);
      EXPECT_NEAR(sim.removal_effect[std::size_t(c)], exact.removal_effect[std::size_t(c)],
                  4.5 * sim.removal_effect_error[std::size_t(c)] + 1e-9)
          << "order " << order << " channel " << c;
    }
  }
}

TEST(Markov, SimulationIsSeeded) {
  const PathTable p = random_paths(100, 5, 3);
  const auto s1 = markov_simulation(p, 1, 5000, 9), s2 = markov_simulation(p, 1, 5000, 9);
  EXPECT_EQ(s1.removal_effect, s2.removal_effect);
  EXPECT_EQ(s1.converted_walks, s2.converted_walks);
}

TEST(Markov, LargeChainsUseTheSparseSolveAndMatchIteration) {
  // Order 3 over 12 channels gives well over 600 transient states (the dense
  // limit): each removal is a separate sparse LU. Check it against value iteration.
  const PathTable p = random_paths(3000, 12, 5, 5);
  MarkovOptions o;
  o.order = 3;
  const MarkovResult r = markov_attribution(p, o);
  ASSERT_GT(r.transitions.states(), 603u);
  const double pc = absorb_by_iteration(r.transitions, -1);
  EXPECT_NEAR(r.conversion_probability, pc, 1e-9);
  for (int32_t c = 0; c < 12; c += 3)
    EXPECT_NEAR(r.removal_effect[std::size_t(c)], 1 - absorb_by_iteration(r.transitions, c) / pc, 1e-8);
  // And the dense path (order 1) against the same oracle.
  const MarkovResult d = markov_attribution(p);
  EXPECT_NEAR(d.removal_effect[4], 1 - absorb_by_iteration(d.transitions, 4) / d.conversion_probability,
              1e-9);
}

TEST(Markov, CreditsAreExact) {
  const PathTable p = random_paths(500, 9, 21);
  for (MarkovCreditBasis basis : {MarkovCreditBasis::Global, MarkovCreditBasis::PerPath}) {
    MarkovOptions o;
    o.basis = basis;
    o.per_journey = basis == MarkovCreditBasis::PerPath;
    const MarkovResult r = markov_attribution(p, o);
    const auto v = value_by_channel(r.credits, 9);
    const auto y = conversions_by_channel(r.credits, 9);
    EXPECT_EQ(std::accumulate(v.begin(), v.end(), int64_t(0)),
              std::accumulate(p.value.begin(), p.value.end(), int64_t(0)));
    EXPECT_EQ(std::accumulate(y.begin(), y.end(), int64_t(0)),
              std::accumulate(p.conversions.begin(), p.conversions.end(), int64_t(0)) * kConversionScale);
  }
  MarkovOptions bad;
  bad.order = 5;
  EXPECT_THROW(markov_attribution(p, bad), ValidationError);
  MarkovOptions global_journeys;
  global_journeys.per_journey = true;
  EXPECT_THROW(markov_attribution(p, global_journeys), ValidationError);
}
