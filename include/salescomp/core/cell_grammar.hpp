#pragma once
// The grammar of text cells: what every reader of salescomp (CSV, Arrow
// string columns, JSON strings) accepts as an id, a whole number or a date.
// docs/input-grammar.md states the rules with examples; decimals and money
// follow parse_scaled (decimal_text.hpp). Each function throws a ParseError
// "SC-PARSE-CELL" whose Issue names the field, the value (non-printable
// bytes shown as \xNN) and the rule; the caller adds the row.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "salescomp/core/date.hpp"
#include "salescomp/core/error.hpp"

namespace salescomp {

inline constexpr std::size_t kMaxIdBytes = 256;

namespace detail {
// `text` as an error message can show it: printable ASCII and valid UTF-8 as
// is, anything else as \xNN; long values cut at 80 bytes.
inline std::string shown_cell(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < 80; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != 0x7F) {
      out.push_back(char(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  if (text.size() > 80) out += "...";
  return out;
}
[[noreturn]] inline void throw_cell(std::string_view field, std::string_view text, std::string rule) {
  throw ParseError("SC-PARSE-CELL",
                   Issue{std::nullopt, std::string(field), shown_cell(text), std::move(rule)});
}
// The code point of the UTF-8 sequence at text[i] and its length, or length
// 0 when the bytes are not UTF-8 (overlong, surrogate, > U+10FFFF, cut).
inline std::size_t utf8_code_point(std::string_view text, std::size_t i, uint32_t& cp) {
  const auto at = [&](std::size_t k) -> uint32_t {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
  };
  const auto cont = [](uint32_t b) { return (b & 0xC0) == 0x80; };
  const uint32_t b0 = at(0);
  if (b0 < 0x80) return cp = b0, 1;
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(at(1))) return cp = ((b0 & 0x1F) << 6) | (at(1) & 0x3F), 2;
  if (b0 >= 0xE0 && b0 <= 0xEF && cont(at(1)) && cont(at(2))) {
    cp = ((b0 & 0x0F) << 12) | ((at(1) & 0x3F) << 6) | (at(2) & 0x3F);
    return cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4 && cont(at(1)) && cont(at(2)) && cont(at(3))) {
    cp = ((b0 & 0x07) << 18) | ((at(1) & 0x3F) << 12) | ((at(2) & 0x3F) << 6) | (at(3) & 0x3F);
    return cp >= 0x10000 && cp <= 0x10FFFF ? 4 : 0;
  }
  return 0;
}
inline bool is_unicode_space(uint32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000 || cp == 0xFEFF;
}
}  // namespace detail

// The non-throwing forms, for readers that collect every bad cell of a
// column (salescomp/arrow/column_readers.hpp) instead of stopping at one.

// Why `text` is not an id (the rule broken), or nullptr when it is one.
inline const char* id_text_problem(std::string_view text) noexcept {
  if (text.empty()) return "an id may not be empty";
  if (text.size() > kMaxIdBytes) return "an id may not be longer than 256 bytes";
  uint32_t first = 0, last = 0;
  for (std::size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const std::size_t n = detail::utf8_code_point(text, i, cp);
    if (n == 0) return "an id must be UTF-8 text";
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
      return "control characters (NUL, tab, newline...) are not allowed in an id";
    if (i == 0) first = cp;
    last = cp;
    i += n;
  }
  if (detail::is_unicode_space(first) || detail::is_unicode_space(last))
    return "an id may not begin or end with white space";
  return nullptr;
}

// ASCII -?[0-9]{1,18}, or nullopt.
inline std::optional<int64_t> try_parse_integer_text(std::string_view text) noexcept {
  const bool negative = !text.empty() && text[0] == '-';
  const std::string_view digits = text.substr(negative ? 1 : 0);
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

// Exactly YYYY-MM-DD, a real day of years 1..9999, or nullopt.
inline std::optional<Date> try_parse_date_text(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t from[3] = {0, 5, 8}, count[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k)
    for (std::size_t i = from[k]; i < from[k] + count[k]; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      parts[k] = parts[k] * 10 + (text[i] - '0');
    }
  const std::chrono::year_month_day ymd{std::chrono::year(parts[0]), std::chrono::month(unsigned(parts[1])),
                                        std::chrono::day(unsigned(parts[2]))};
  if (!ymd.ok() || parts[0] < 1) return std::nullopt;
  return Date::from_days(int32_t(std::chrono::sys_days(ymd).time_since_epoch().count()));
}

// An id (person, plan, team, customer, territory...): the user's text, kept
// byte for byte. Non-empty, at most 256 bytes of valid UTF-8, no control
// character (U+0000-U+001F, U+007F-U+009F: NUL, tab, newline...), no white
// space (ASCII or Unicode, e.g. NBSP) at either end. Returns `text`.
inline std::string_view check_id_text(std::string_view text, std::string_view field) {
  if (const char* rule = id_text_problem(text)) detail::throw_cell(field, text, rule);
  return text;
}

// A whole number: ASCII -?[0-9]+ within [min, max]. Refused: '+', spaces,
// '_' or ',' grouping, a fraction or exponent, full-width or other non-ASCII
// digits, more than 18 digits. For codes that cannot be negative (deal ids,
// product codes) pass min = 0: "-5" is then refused.
inline int64_t parse_integer_text(std::string_view text, int64_t min, int64_t max, std::string_view field) {
  const auto v = try_parse_integer_text(text);
  if (!v)
    detail::throw_cell(
        field, text,
        "expected a whole number: ASCII digits and a leading '-' only, at most 18 digits (no '+', "
        "spaces, '_' or ',', fraction, exponent or non-ASCII digits)");
  if (*v < min || *v > max)
    detail::throw_cell(field, text,
                       "out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  return *v;
}

// A calendar date: exactly YYYY-MM-DD with ASCII digits, a real day of
// years 1..9999. Refused: 20260111, 2026-W02-7, 2026-011, 2026-1-5,
// 2026-02-30, a time part, spaces.
inline Date parse_date_text(std::string_view text, std::string_view field) {
  const auto d = try_parse_date_text(text);
  if (!d) detail::throw_cell(field, text, "expected a calendar date YYYY-MM-DD (years 1..9999)");
  return *d;
}

}  // namespace salescomp
