#pragma once
// Spreading one amount over months in proportion to integer weights, exactly:
// the parts always sum to the total. The two remainder placements of
// RemainderPlacement; weights must be >= 0 with a positive sum that fits int64.
#include <algorithm>
#include <cstdint>
#include <span>

#include "salescomp/accounting/amortisation_policy.hpp"
#include "salescomp/core/allocation.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/core/money_products.hpp"
#include "salescomp/core/rounding.hpp"

namespace salescomp {

// `regular_months`: the rounding of every month but the last under
// FinalPeriodPlug. Down keeps each at or below its exact share, so the plug
// never has the wrong sign; a nearest or upward mode can overshoot on tiny
// amounts, which is a ValidationError (never a plug of the wrong sign).
inline void spread_minor(int64_t total, std::span<const int64_t> weights, RemainderPlacement placement,
                         std::span<int64_t> out, RoundingMode regular_months = RoundingMode::Down) {
  if (placement == RemainderPlacement::LargestRemainder) {
    // Equal weights (straight-line) are the common case: every remainder is
    // the same, so allocate_minor_into would give the leftover units to the
    // first months. Computed directly, without its 128-bit divisions; the
    // result is identical (tested).
    if (!weights.empty() && weights[0] > 0 && out.size() == weights.size() &&
        std::all_of(weights.begin(), weights.end(), [&](int64_t w) { return w == weights[0]; })) {
      const int64_t n = int64_t(weights.size());
      const int64_t share = total / n, leftover = total % n;  // C++ truncates: both carry total's sign
      const int64_t step = total < 0 ? -1 : 1;
      for (int64_t i = 0; i < n; ++i) out[std::size_t(i)] = share + (i < leftover * step ? step : 0);
      return;
    }
    allocate_minor_into(total, weights, out);
    return;
  }
  // Final-period plug: every share but the last (the last month with a
  // positive weight) rounded with `regular_months`, the last takes the rest.
  detail::int128 total_weight = 0;
  std::size_t last = weights.size();
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] < 0)
      throw ValidationError("SC-ACCT-WEIGHT", Issue{int64_t(i), "weight", std::to_string(weights[i]),
                                                    "weights must not be negative"});
    total_weight += weights[i];
    if (weights[i] > 0) last = i;
  }
  if (last == weights.size() || !detail::fits_int64(total_weight) || out.size() != weights.size())
    throw ValidationError("SC-ACCT-WEIGHT",
                          Issue{std::nullopt, "weights", detail::to_string(total_weight),
                                "need one output per weight and a positive total that fits int64"});
  int64_t assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (i == last) continue;
    out[i] = multiply_divide_minor(total, weights[i], int64_t(total_weight), regular_months);
    assigned += out[i];
  }
  out[last] = total - assigned;
  if ((total >= 0 && out[last] < 0) || (total <= 0 && out[last] > 0))
    throw ValidationError("SC-ACCT-PLUG",
                          Issue{std::nullopt, "plug_rounding", std::to_string(out[last]),
                                "the regular months rounded this way exceed the total, so the final month "
                                "would be of the wrong sign; use Down or largest_remainder"});
}

}  // namespace salescomp
