#pragma once
// Attainment distribution across a population, decided on exact fractions
// credited / quota (rows with a zero quota are counted apart).
//   share_at_or_above  people with credited >= threshold x quota, / people
//   percentiles        nearest rank: the value at rank ceil(p x n) of the
//                      sorted attainments (p = 0 gives the minimum)
//   histogram          counts in (-inf, e0), [e0, e1), ..., [ek, +inf)
// Reported values are Rates rounded once (HalfEven); ranks and buckets are exact.
#include <cstdint>
#include <span>
#include <vector>

#include "salescomp/core/rate.hpp"

namespace salescomp {

struct AttainmentDistribution {
  int64_t people = 0;      // rows with a positive quota
  int64_t zero_quota = 0;  // rows left out
  int64_t at_or_above = 0;
  Rate share_at_or_above;  // at_or_above / people, rounded once
  std::vector<Rate> percentile_values;
  std::vector<int64_t> histogram;  // edges.size() + 1 buckets
  Rate mean;                       // Σ attainment / people, rounded once
};

AttainmentDistribution attainment_distribution(std::span<const int64_t> credited,
                                               std::span<const int64_t> quota,
                                               std::span<const Rate> percentiles, std::span<const Rate> edges,
                                               Rate threshold = Rate::from_int(1));

}  // namespace salescomp
