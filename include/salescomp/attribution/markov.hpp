#pragma once
// Markov-chain removal effects (order 1..4), solved exactly as an absorbing
// chain, and a seeded simulation of the same chain as an independent check.
//
// States of order k are windows of the last k channels of the path after
// consecutive repeats are merged ("a a b" is "a b"); the first states of a
// path are the shorter windows. Transitions are counted with weight y + n
// (the path's journeys); the last state moves to conversion with weight y and
// to null with weight n. P(conv) is the absorption probability into
// conversion from start. Removing channel c sends every transition into a
// state containing c to null; RE_c = 1 - P_{-c} / P(conv), which equals
// P(path visits c | conversion).
#include <cstdint>
#include <vector>

#include "salescomp/attribution/attribution_result.hpp"
#include "salescomp/data/path_table.hpp"

namespace salescomp {

// How total conversions and value become channel credits.
enum class MarkovCreditBasis {
  Global,   // totals split by RE_c / sum RE (ChannelAttribution's convention)
  PerPath,  // each path row split over its own distinct channels by RE_c
};

struct MarkovOptions {
  int order = 1;  // 1..4
  MarkovCreditBasis basis = MarkovCreditBasis::Global;
  bool per_journey = false;      // JourneyCredits (PerPath basis only)
  bool keep_transitions = true;  // fill MarkovResult::transitions
};

// The fitted chain. State 0 is start, 1 conversion, 2 null; state s >= 3 is
// the channel window state_channel[state_offsets[s] .. state_offsets[s+1]).
struct MarkovTransitions {
  std::vector<int64_t> state_offsets;
  std::vector<int32_t> state_channel;
  std::vector<int32_t> from;
  std::vector<int32_t> to;
  std::vector<int64_t> count;       // journeys (y + n, or y / n into the absorbing states)
  std::vector<double> probability;  // count / out-count of `from`

  std::size_t states() const noexcept { return state_offsets.size() - 1; }
  std::size_t size() const noexcept { return from.size(); }
};

struct MarkovResult {
  AttributionResult credits;
  std::vector<double> removal_effect;   // per channel code
  std::vector<int64_t> removal_weight;  // RE snapped once to 12 places (the credit weights)
  double conversion_probability = 0;    // P(conv) from the exact solve
  MarkovTransitions transitions;
};

MarkovResult markov_attribution(const PathTable& paths, const MarkovOptions& options = {});

// Random walks on the fitted chain (seeded, deterministic). Estimates P(conv)
// and RE_c as the share of converting walks that visited c, with binomial
// standard errors.
struct MarkovSimulation {
  int64_t walks = 0;
  int64_t converted_walks = 0;
  double conversion_probability = 0;
  double conversion_probability_error = 0;
  std::vector<double> removal_effect;
  std::vector<double> removal_effect_error;
};

MarkovSimulation markov_simulation(const PathTable& paths, int order, int64_t walks, uint64_t seed);

// Removal effects only (no credits): the kernel the bootstrap reuses.
std::vector<double> markov_removal_effects(const PathTable& paths, int order,
                                           double* conversion_probability = nullptr);

}  // namespace salescomp
