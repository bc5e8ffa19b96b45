#pragma once
// Exact products and quotients of money, each rounded exactly once with an
// explicit mode. Intermediates are 128-bit (Money x Rate) or checked 256-bit
// (Money x Rate x Rate); only the final narrowing can fail, with OverflowError.
#include <cstdint>

#include "salescomp/core/money.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/core/rounding.hpp"
#include "salescomp/detail/int128.hpp"
#include "salescomp/detail/int256.hpp"

namespace salescomp {

// minor x rate, in minor units, rounded once. The raw building block used by
// the column kernels; Money overloads below wrap it.
inline int64_t multiply_minor(int64_t minor, Rate rate, RoundingMode mode = RoundingMode::HalfEven) {
  const detail::int128 q =
      divide_rounded<detail::int128>(detail::int128(minor) * rate.raw(), Rate::kOne, mode);
  if (!detail::fits_int64(q))
    throw OverflowError("SC-OVERFLOW",
                        "money x rate = " + detail::to_string(q) + " minor units does not fit in 64 bits");
  return int64_t(q);
}

inline Money multiply(const Money& m, Rate rate, RoundingMode mode = RoundingMode::HalfEven) {
  return Money::from_minor(multiply_minor(m.minor_units(), rate, mode), m.currency());
}

// minor x a x b with one rounding at the end (e.g. amount x split % x rate).
inline int64_t multiply_minor(int64_t minor, Rate a, Rate b, RoundingMode mode = RoundingMode::HalfEven) {
  using detail::int256;
  const int256 num = int256(minor) * a.raw() * b.raw();
  const int256 den = int256(Rate::kOne) * Rate::kOne;
  return detail::narrow_int64(divide_rounded<int256>(num, den, mode), "money x rate x rate");
}

inline Money multiply(const Money& m, Rate a, Rate b, RoundingMode mode = RoundingMode::HalfEven) {
  return Money::from_minor(multiply_minor(m.minor_units(), a, b, mode), m.currency());
}

// minor x numerator / denominator with one rounding (proration: quota x days / days).
inline int64_t multiply_divide_minor(int64_t minor, int64_t numerator, int64_t denominator,
                                     RoundingMode mode = RoundingMode::HalfEven) {
  const detail::int128 q =
      divide_rounded<detail::int128>(detail::int128(minor) * numerator, denominator, mode);
  if (!detail::fits_int64(q))
    throw OverflowError("SC-OVERFLOW",
                        "money x a / b = " + detail::to_string(q) + " minor units does not fit in 64 bits");
  return int64_t(q);
}

inline Money multiply_divide(const Money& m, int64_t numerator, int64_t denominator,
                             RoundingMode mode = RoundingMode::HalfEven) {
  return Money::from_minor(multiply_divide_minor(m.minor_units(), numerator, denominator, mode),
                           m.currency());
}

// a / b as a Rate (attainment = credited / quota), rounded once. Use the
// exact comparisons in exact_compare.hpp for decisions, not this ratio.
inline Rate ratio(const Money& a, const Money& b, RoundingMode mode = RoundingMode::HalfEven) {
  a.require_same_currency(b, "divide");
  return Rate::from_fraction(a.minor_units(), b.minor_units(), mode);
}

}  // namespace salescomp
