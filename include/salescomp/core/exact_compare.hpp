#pragma once
// Exact threshold decisions: tier edges, gates and caps compare the true
// values in integers, never a rounded ratio. With quota Q, credited x and a
// threshold t (e.g. 1.0 for 100%), "x / Q >= t" is decided as x * 10^12 >= t * Q.
#include <cstdint>

#include "salescomp/core/error.hpp"
#include "salescomp/core/money.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

// Sign of (numerator / denominator - threshold), exactly; denominator > 0.
inline int compare_ratio(int64_t numerator, int64_t denominator, Rate threshold) {
  if (denominator <= 0)
    throw ValidationError("SC-RATIO-DENOMINATOR",
                          Issue{std::nullopt, "denominator", std::to_string(denominator),
                                "must be positive for a ratio comparison"});
  const detail::int128 lhs = detail::int128(numerator) * Rate::kOne;
  const detail::int128 rhs = detail::int128(threshold.raw()) * denominator;
  return (lhs > rhs) - (lhs < rhs);
}

// Sign of (a - rate * b), exactly: is `a` above `rate` times `b`?
inline int compare_scaled(const Money& a, Rate rate, const Money& b) {
  a.require_same_currency(b, "compare");
  const detail::int128 lhs = detail::int128(a.minor_units()) * Rate::kOne;
  const detail::int128 rhs = detail::int128(rate.raw()) * b.minor_units();
  return (lhs > rhs) - (lhs < rhs);
}

}  // namespace salescomp
