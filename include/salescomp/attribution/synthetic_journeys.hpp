#pragma once
// Seeded synthetic journeys for benchmarks, examples and tests: one PathTable
// row per journey, path lengths 1 + geometric (mean `mean_length`), channels
// drawn from a skewed (Zipf s = 1) distribution, `conversion_rate` of the
// journeys converting with a value of 10.00 .. 10000.00 (minor units of
// `currency`, scaled by its exponent). Same seed, same table, on every platform.
#include <cstdint>

#include "salescomp/core/currency.hpp"
#include "salescomp/data/path_table.hpp"

namespace salescomp {

struct SyntheticJourneyOptions {
  std::size_t journeys = 1'000'000;
  int32_t channels = 50;
  double mean_length = 6.0;
  double conversion_rate = 0.05;
  uint64_t seed = 1;
  Currency currency = Currency::of("USD");
  bool timestamps = false;  // ascending seconds per journey (for time decay)
};

PathTable synthetic_journeys(const SyntheticJourneyOptions& options);

}  // namespace salescomp
