#pragma once
// Strict decimal text <-> scaled integers. The only accepted form is ASCII
// `-?[0-9]+(\.[0-9]+)?`, at most kMaxDecimalTextLength characters: no sign
// "+", no spaces, no grouping, no exponent, no NaN/Infinity, no non-ASCII
// digits (all of which Python's Decimal would accept).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "salescomp/core/error.hpp"
#include "salescomp/core/rounding.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

inline constexpr std::size_t kMaxDecimalTextLength = 64;
// Scales (decimal places) outside [0, kMaxDecimalScale] are refused: the
// largest scale of an Arrow decimal128.
inline constexpr int kMaxDecimalScale = 38;

namespace detail {
inline void check_scale(int scale) {
  if (scale < 0 || scale > kMaxDecimalScale)
    throw ValidationError("SC-DECIMAL-SCALE", Issue{std::nullopt, "scale", std::to_string(scale),
                                                    "a scale (decimal places) must be 0..38"});
}
[[noreturn]] inline void throw_parse(std::string_view field, std::string_view text, const char* rule) {
  std::string shown(text.substr(0, kMaxDecimalTextLength + 8));
  if (text.size() > shown.size()) shown += "...";
  throw ParseError("SC-PARSE-DECIMAL", Issue{std::nullopt, std::string(field), shown, rule});
}
}  // namespace detail

// Parses `text` into an integer count of 10^-scale units: "12.34" at scale 2
// is 1234. More fraction digits than `scale` need a rounding mode, applied
// once to the exact value; without one they are a ParseError. `field` names
// the input in error messages.
inline int64_t parse_scaled(std::string_view text, int scale, std::optional<RoundingMode> mode = std::nullopt,
                            std::string_view field = "amount") {
  using detail::int128;
  detail::check_scale(scale);
  if (text.empty()) detail::throw_parse(field, text, "empty text is not a number");
  if (text.size() > kMaxDecimalTextLength) detail::throw_parse(field, text, "longer than 64 characters");
  std::size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative) ++i;
  const std::size_t int_begin = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  const std::size_t int_end = i;
  std::size_t frac_begin = i, frac_end = i;
  if (i < text.size() && text[i] == '.') {
    frac_begin = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    frac_end = i;
    if (frac_end == frac_begin) detail::throw_parse(field, text, "expected digits after the decimal point");
  }
  if (int_end == int_begin)
    detail::throw_parse(field, text, "not a plain decimal number (form -?digits[.digits])");
  if (i != text.size())
    detail::throw_parse(field, text,
                        "not a plain decimal: only ASCII digits, one '.', and a leading '-' are "
                        "allowed (no spaces, grouping, exponent, '+', NaN or Infinity)");

  const std::size_t frac_digits = frac_end - frac_begin;
  if (frac_digits > std::size_t(scale) && !mode)
    detail::throw_parse(
        field, text,
        ("has more than " + std::to_string(scale) + " decimal places; pass a rounding mode to round it")
            .c_str());
  // kept = integer digits followed by the first `scale` fraction digits.
  constexpr int128 kLimit = int128(1) << 100;  // far above int64, far below overflow
  int128 kept = 0;
  auto push = [&](char c) {
    kept = kept * 10 + (c - '0');
    if (kept > kLimit) {
      throw OverflowError("SC-OVERFLOW", std::string(field) + " '" + std::string(text) + "' is out of range");
    }
  };
  for (std::size_t k = int_begin; k < int_end; ++k) push(text[k]);
  for (int k = 0; k < scale; ++k) push(std::size_t(k) < frac_digits ? text[frac_begin + k] : '0');
  int128 result = kept;
  if (frac_digits > std::size_t(scale)) {
    // Round on the first dropped digit; the rest only matter as "any nonzero"
    // (a sticky unit that breaks an exact tie), so no big integers are needed.
    const int round_digit = text[frac_begin + scale] - '0';
    bool sticky = false;
    for (std::size_t k = frac_begin + scale + 1; k < frac_end; ++k) sticky |= text[k] != '0';
    int128 n = kept * 100 + round_digit * 10 + (sticky ? 1 : 0);
    if (negative) n = -n;
    result = divide_rounded<int128>(n, 100, *mode);
  } else if (negative) {
    result = -kept;
  }
  if (!detail::fits_int64(result))
    throw OverflowError("SC-OVERFLOW", std::string(field) + " '" + std::string(text) + "' is out of range");
  return int64_t(result);
}

// Canonical text of value * 10^-scale: "-12.34"; always `scale` decimals; no
// "-0". parse_scaled(format_scaled(v, s), s) == v for every v. A scale
// outside 0..kMaxDecimalScale is a ValidationError.
inline std::string format_scaled(int64_t value, int scale) {
  detail::check_scale(scale);
  const bool negative = value < 0;
  uint64_t mag = negative ? uint64_t(0) - uint64_t(value) : uint64_t(value);
  // 20 digits of a uint64, the scale's zeros, '.', '-' (was a fixed 48-byte
  // buffer that scale 100 overflowed).
  char buf[20 + kMaxDecimalScale + 4];
  std::size_t pos = sizeof buf;
  int written = 0;
  do {
    if (written == scale && scale > 0) buf[--pos] = '.';
    buf[--pos] = char('0' + mag % 10);
    mag /= 10;
    ++written;
  } while (mag != 0 || written <= scale);
  if (negative) buf[--pos] = '-';
  return std::string(buf + pos, sizeof buf - pos);
}

}  // namespace salescomp
