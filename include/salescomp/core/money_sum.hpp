#pragma once
// Sums of many amounts: 128-bit accumulation, one checked narrowing at the
// end, so the result does not depend on the order of the terms and an
// intermediate excursion past int64 is harmless.
#include <cstdint>
#include <span>
#include <string>

#include "salescomp/core/error.hpp"
#include "salescomp/core/money.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

// Exact sum of minor units (no narrowing).
inline detail::int128 sum_minor_wide(std::span<const int64_t> minor_units) noexcept {
  // Two accumulators: no carried dependency on one add-with-carry chain.
  detail::int128 a = 0, b = 0;
  std::size_t i = 0, n = minor_units.size();
  for (; i + 1 < n; i += 2) {
    a += minor_units[i];
    b += minor_units[i + 1];
  }
  if (i < n) a += minor_units[i];
  return a + b;
}

// Exact sum narrowed to int64; OverflowError if it does not fit.
inline int64_t sum_minor(std::span<const int64_t> minor_units) {
  const detail::int128 s = sum_minor_wide(minor_units);
  if (!detail::fits_int64(s))
    throw OverflowError("SC-OVERFLOW", "sum of " + std::to_string(minor_units.size()) + " amounts = " +
                                           detail::to_string(s) + " minor units does not fit in 64 bits");
  return int64_t(s);
}

inline Money sum(std::span<const int64_t> minor_units, Currency currency) {
  return Money::from_minor(sum_minor(minor_units), currency);
}

// Sum of Money values that must all be in `currency`.
inline Money sum(std::span<const Money> amounts, Currency currency) {
  detail::int128 s = 0;
  const Money zero = Money::zero(currency);
  for (const Money& m : amounts) {
    zero.require_same_currency(m, "add");
    s += m.minor_units();
  }
  if (!detail::fits_int64(s))
    throw OverflowError("SC-OVERFLOW",
                        "sum of " + std::to_string(amounts.size()) + " amounts does not fit in 64 bits");
  return Money::from_minor(int64_t(s), currency);
}

}  // namespace salescomp
