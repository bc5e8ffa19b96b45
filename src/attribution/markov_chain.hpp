#pragma once
// Private: the fitted Markov chain of a PathTable (shared by the exact
// solver, the simulation and the bootstrap).
#include <cstdint>
#include <vector>

#include "salescomp/data/path_table.hpp"

namespace salescomp::attribution_detail {

inline constexpr int32_t kStart = 0, kConversion = 1, kNull = 2, kFirstChannelState = 3;

struct MarkovChain {
  int order = 1;
  // Channel states in canonical order (shorter windows first, then by codes):
  // state kFirstChannelState + i has the channels window[i] (oldest first).
  std::vector<std::vector<int32_t>> window;
  // Transitions as CSR by source state, targets ascending.
  std::vector<int64_t> out_offsets;  // states() + 1
  std::vector<int32_t> out_to;
  std::vector<int64_t> out_count;
  std::vector<int64_t> out_total;  // per state

  std::size_t states() const noexcept { return kFirstChannelState + window.size(); }
};

// Counts transitions with weight y + n per path (y into conversion, n into
// null), consecutive repeats merged. `weight_conversions` / `weight_nulls`
// override the row counts when not empty (bootstrap replicates).
MarkovChain fit_markov_chain(const PathTable& paths, int order,
                             const std::vector<int64_t>* conversions = nullptr,
                             const std::vector<int64_t>* nulls = nullptr);

// Exact removal effects per channel code and P(conv) by the absorbing-chain solve.
std::vector<double> solve_removal_effects(const MarkovChain& chain, int32_t channel_count,
                                          double& conversion_probability);

}  // namespace salescomp::attribution_detail
