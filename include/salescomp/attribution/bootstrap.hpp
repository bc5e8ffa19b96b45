#pragma once
// Bootstrap confidence intervals for model credits: resample the path rows'
// journeys (multinomial over y + n, seeded), refit, and take percentiles of
// each channel's conversion credit. Statistics only: doubles, never money.
#include <cstdint>
#include <vector>

#include "salescomp/attribution/shapley.hpp"
#include "salescomp/data/path_table.hpp"

namespace salescomp {

enum class BootstrapModel { Markov, SimplifiedShapley, ShapleyGame };

struct BootstrapOptions {
  BootstrapModel model = BootstrapModel::Markov;
  int markov_order = 1;
  ShapleyGameOptions game;  // ShapleyGame
  int replicates = 200;
  double level = 0.95;
  uint64_t seed = 1;
};

struct BootstrapResult {
  std::vector<int32_t> channel;
  std::vector<double> estimate;  // conversion credit of the full data
  std::vector<double> lower;     // percentile interval of the conversion credit
  std::vector<double> upper;
  std::vector<double> standard_error;
  int replicates = 0;
};

BootstrapResult bootstrap_credits(const PathTable& paths, const BootstrapOptions& options = {});

}  // namespace salescomp
