#pragma once
// Rate: a fixed-point decimal with 12 places for rates, ratios, weights,
// percentages and FX rates. Stored as int64 units of 10^-12 (range about
// +/-9.2 million), so Money (int64) x Rate fits exactly in 128 bits.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "salescomp/core/decimal_text.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/core/rounding.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

class Rate {
 public:
  static constexpr int kScale = 12;
  static constexpr int64_t kOne = 1'000'000'000'000;  // 10^kScale

  constexpr Rate() noexcept = default;

  // From raw units of 10^-12.
  static constexpr Rate from_raw(int64_t raw) noexcept { return Rate(raw); }
  static constexpr Rate from_int(int32_t whole) noexcept { return Rate(int64_t(whole) * kOne); }
  // "0.125" -> 0.125. More than 12 decimals need a rounding mode.
  static Rate parse(std::string_view text, std::optional<RoundingMode> mode = std::nullopt) {
    return Rate(parse_scaled(text, kScale, mode, "rate"));
  }
  // numerator / denominator, rounded once.
  static Rate from_fraction(int64_t numerator, int64_t denominator,
                            RoundingMode mode = RoundingMode::HalfEven) {
    return narrow(divide_rounded<detail::int128>(detail::int128(numerator) * kOne, denominator, mode),
                  "fraction");
  }
  // A percentage: from_percent("12.5") is 0.125.
  static Rate from_percent(std::string_view text) {
    return Rate(parse_scaled(text, kScale - 2, std::nullopt, "percent"));
  }

  constexpr int64_t raw() const noexcept { return raw_; }
  std::string to_string() const { return format_scaled(raw_, kScale); }
  // Shortest exact text: trailing zeros trimmed, at least one decimal place
  // kept ("0.5", "2.0").
  std::string to_short_string() const {
    std::string s = to_string();
    while (s.size() > 2 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
    return s;
  }

  constexpr bool is_zero() const noexcept { return raw_ == 0; }
  constexpr bool is_negative() const noexcept { return raw_ < 0; }

  friend constexpr auto operator<=>(const Rate&, const Rate&) noexcept = default;

  friend Rate operator+(Rate a, Rate b) { return narrow(detail::int128(a.raw_) + b.raw_, "sum"); }
  friend Rate operator-(Rate a, Rate b) { return narrow(detail::int128(a.raw_) - b.raw_, "difference"); }
  Rate operator-() const { return narrow(-detail::int128(raw_), "negation"); }

 private:
  constexpr explicit Rate(int64_t raw) noexcept : raw_(raw) {}
  static Rate narrow(detail::int128 v, const char* what) {
    if (!detail::fits_int64(v))
      throw OverflowError("SC-OVERFLOW",
                          std::string("rate ") + what + " " + detail::to_string(v) + "e-12 is out of range");
    return Rate(int64_t(v));
  }
  friend Rate multiply(Rate, Rate, RoundingMode);
  friend Rate divide(Rate, Rate, RoundingMode);
  int64_t raw_ = 0;
};

// a * b rounded once to 12 places.
inline Rate multiply(Rate a, Rate b, RoundingMode mode = RoundingMode::HalfEven) {
  return Rate::narrow(divide_rounded<detail::int128>(detail::int128(a.raw_) * b.raw_, Rate::kOne, mode),
                      "product");
}

// a / b rounded once to 12 places; b == 0 is DivisionByZeroError.
inline Rate divide(Rate a, Rate b, RoundingMode mode = RoundingMode::HalfEven) {
  return Rate::narrow(divide_rounded<detail::int128>(detail::int128(a.raw_) * Rate::kOne, b.raw_, mode),
                      "quotient");
}

}  // namespace salescomp
