#pragma once
// Private to the calculators: exact rational arithmetic on money (in minor
// units) and rates, the one rounding back to minor units, and exact text.
// Rationals (exact_rational.hpp: 128-bit, or Boost cpp_rational beyond) never
// overflow and never round, so a calculator can chain rates, multipliers and
// interpolations and narrow once.
#include <boost/multiprecision/cpp_int.hpp>
#include <limits>
#include <optional>
#include <string>

#include "exact_rational.hpp"
#include "salescomp/core/decimal_text.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/core/money.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/core/rounding.hpp"
#include "salescomp/detail/int128.hpp"
#include "salescomp/engine/exact_amount.hpp"

namespace salescomp::engine_detail {

inline Exact exact_rate(Rate r) { return Exact::fraction(r.raw(), Rate::kOne); }
inline Exact exact_raw_rate(int64_t raw) { return Exact::fraction(raw, Rate::kOne); }
inline Exact exact_minor(const Money& m) { return Exact(m.minor_units()); }
inline Exact exact_int(int64_t v) { return Exact(v); }

// The one narrowing: `minor` rounded to whole minor units by `mode`.
inline int64_t round_minor(const Exact& minor, RoundingMode mode) {
  if (const auto q = minor.rounded_small(mode)) {
    if (!detail::fits_int64(*q))
      throw OverflowError("SC-OVERFLOW",
                          "payout " + detail::to_string(*q) + " minor units does not fit in 64 bits");
    return static_cast<int64_t>(*q);
  }
  const BigInt q = round_to_integer(minor, mode);
  if (q > BigInt(std::numeric_limits<int64_t>::max()) || q < BigInt(std::numeric_limits<int64_t>::min()))
    throw OverflowError("SC-OVERFLOW", "payout " + q.str() + " minor units does not fit in 64 bits");
  return static_cast<int64_t>(q);
}
inline Money round_money(const Exact& minor, Currency c, RoundingMode mode) {
  return Money::from_minor(round_minor(minor, mode), c);
}

// A rate rounded HalfEven to 12 places, for display.
inline Rate display_rate(const Exact& v) {
  return Rate::from_raw(round_minor(v * exact_int(Rate::kOne), RoundingMode::HalfEven));
}

// A ratio for display (attainment), or nothing beyond Rate's range.
inline std::optional<Rate> display_ratio(const Exact& v) {
  if (abs(v) >= Exact(9'000'000)) return std::nullopt;
  return display_rate(v);
}

// Exact decimal text of `v` scaled by 10^-exponent (minor units -> amount).
// Terminating values are written in full; others as "~" + 12 places.
inline std::string exact_text(const Exact& v, int exponent) {
  BigInt num = numerator(v), den = denominator(v);
  // Fast path: whole minor units (the common case) need no big division.
  if (den == 1 && exponent >= 0 && num >= std::numeric_limits<int64_t>::min() &&
      num <= std::numeric_limits<int64_t>::max())
    return format_scaled(static_cast<int64_t>(num), exponent);
  for (int i = 0; i < exponent; ++i) den *= 10;
  const BigInt g = boost::multiprecision::gcd(num, den);
  num /= g;
  den /= g;
  BigInt rest = den;
  int places = 0;
  while (rest % 10 == 0) rest /= 10, ++places;
  while (rest % 2 == 0) rest /= 2, ++places;  // each factor 2 or 5 needs one more place
  while (rest % 5 == 0) rest /= 5, ++places;
  const bool terminating = rest == 1;
  if (!terminating) places = 12;
  places = std::max(places, exponent);
  BigInt scale = 1;
  for (int i = 0; i < places; ++i) scale *= 10;
  const BigInt units = divide_rounded<BigInt>(num * scale, den, RoundingMode::HalfEven);
  const bool negative = units < 0;
  std::string digits = (negative ? BigInt(-units) : units).str();
  if (int(digits.size()) <= places) digits.insert(0, std::size_t(places + 1 - int(digits.size())), '0');
  std::string s = digits;
  if (places > 0) s.insert(s.size() - std::size_t(places), ".");
  return (terminating ? "" : "~") + std::string(negative ? "-" : "") + s;
}

inline std::string money_text(const Exact& minor, Currency c) { return exact_text(minor, c.exponent()); }
inline std::string rate_text(const Exact& r) { return exact_text(r, 0); }

inline ExactAmount exact_amount(const Exact& minor) {
  return ExactAmount{numerator(minor), denominator(minor)};
}
inline Exact from_exact_amount(const ExactAmount& a) { return Exact(a.numerator, a.denominator); }

// Rounds `minor` once and records the value and the rounding in `ex`.
// `explain` false: only the amount is recorded (large runs skip the text).
template <class Explanation>
Money round_into(const Exact& minor, Currency c, RoundingMode mode, Explanation& ex, bool explain = true) {
  const Money amount = round_money(minor, c, mode);
  ex.amount = amount;
  if (!explain) return amount;
  ex.exact_value = money_text(minor, c);
  ex.rounding = std::string(to_string(mode)) + " to " + money_text(Exact(1), c) + ": " + ex.exact_value +
                " -> " + amount.to_string();
  ex.amount = amount;
  return amount;
}

}  // namespace salescomp::engine_detail
