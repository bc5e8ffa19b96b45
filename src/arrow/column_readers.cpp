#include "salescomp/arrow/column_readers.hpp"

#include <chrono>

#include "salescomp/core/cell_grammar.hpp"
#include "salescomp/core/decimal_text.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp::arrow {

using salescomp::detail::int128;

namespace {

// Free text: valid UTF-8 without NUL (controls such as newlines are allowed).
const char* utf8_text_problem(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    const std::size_t n = salescomp::detail::utf8_code_point(s, i, cp);
    if (n == 0) return "is not valid UTF-8";
    if (cp == 0) return "contains a NUL character";
    i += n;
  }
  return nullptr;
}

std::string shown(std::string_view text) { return salescomp::detail::shown_cell(text); }

bool ascii_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::optional<int32_t> parse_iso_day(std::string_view s) noexcept {
  const auto d = try_parse_date_text(s);
  return d ? std::optional<int32_t>(d->days()) : std::nullopt;
}

// Strict YYYY-MM-DDTHH:MM:SS (or a space for T), optional trailing Z.
std::optional<int64_t> parse_iso_seconds(std::string_view s) noexcept {
  if (!s.empty() && s.back() == 'Z') s.remove_suffix(1);
  if (s.size() != 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':') return std::nullopt;
  const auto day = parse_iso_day(s.substr(0, 10));
  if (!day || !ascii_digits(s.substr(11, 2)) || !ascii_digits(s.substr(14, 2)) ||
      !ascii_digits(s.substr(17, 2)))
    return std::nullopt;
  const int h = (s[11] - '0') * 10 + (s[12] - '0'), mi = (s[14] - '0') * 10 + (s[15] - '0'),
            se = (s[17] - '0') * 10 + (s[18] - '0');
  if (h > 23 || mi > 59 || se > 59) return std::nullopt;
  return int64_t(*day) * 86400 + h * 3600 + mi * 60 + se;
}

int64_t unit_per_second(TimeUnit u) noexcept {
  switch (u) {
    case TimeUnit::Second:
      return 1;
    case TimeUnit::Milli:
      return 1000;
    case TimeUnit::Micro:
      return 1000000;
    case TimeUnit::Nano:
      return 1000000000;
  }
  return 1;
}

bool utc_or_naive(const std::string& tz) noexcept {
  return tz.empty() || tz == "UTC" || tz == "Etc/UTC" || tz == "+00:00" || tz == "Z";
}

template <class Out, class Cell>
void for_each_plain(const Column& column, Cell&& cell) {
  // Calls cell(row, const ArrowArray&, i, valid) for a non-text column.
  const bool all_null = column.type.id == TypeId::Null;
  for (const Chunk& chunk : column.chunks)
    for (int64_t i = 0; i < chunk.array->length; ++i)
      cell(chunk.first_row + i, *chunk.array, i, !all_null && is_valid_bit(*chunk.array, i));
}

}  // namespace

const char* id_text_problem(std::string_view text) noexcept { return salescomp::id_text_problem(text); }

const char* text_problem(std::string_view text) noexcept { return utf8_text_problem(text); }

std::vector<int64_t> read_integers(const Column& column, int64_t min, int64_t max, bool required,
                                   int64_t none, CellIssues& issues) {
  std::vector<int64_t> out(std::size_t(column.length), none);
  const std::string range = "outside the accepted range " + std::to_string(min) + ".." + std::to_string(max);
  auto accept = [&](int64_t row, int128 v, const std::string& text) {
    if (v < min || v > max) return issues.add(row, column.name, text, range);
    out[std::size_t(row)] = int64_t(v);
  };
  auto missing = [&](int64_t row) {
    if (required) issues.add(row, column.name, "", "a value is required");
  };
  if (column.type.is_text_like()) {
    for_each_text(column, [&](int64_t row, std::optional<std::string_view> text) {
      if (!text) return missing(row);
      const auto v = try_parse_integer_text(*text);
      if (!v)
        return issues.add(row, column.name, shown(*text), "not a whole number (ASCII -?digits, at most 18)");
      accept(row, *v, std::string(*text));
    });
    return out;
  }
  const DataType& t = column.type;
  for_each_plain<int64_t>(column, [&](int64_t row, const ArrowArray& a, int64_t i, bool valid) {
    if (!valid) return missing(row);
    if (t.id == TypeId::UInt64) {
      const uint64_t u = static_cast<const uint64_t*>(a.buffers[1])[a.offset + i];
      if (u > uint64_t(INT64_MAX)) return issues.add(row, column.name, std::to_string(u), range);
    }
    const int64_t v = integer_at(a, t.id, i);
    if (v < min || v > max) return issues.add(row, column.name, std::to_string(v), range);
    out[std::size_t(row)] = v;
  });
  return out;
}

std::vector<int32_t> read_days(const Column& column, bool required, CellIssues& issues) {
  std::vector<int32_t> out(std::size_t(column.length), kNoDay);
  auto missing = [&](int64_t row) {
    if (required) issues.add(row, column.name, "", "a date is required");
  };
  if (column.type.is_text_like()) {
    for_each_text(column, [&](int64_t row, std::optional<std::string_view> text) {
      if (!text) return missing(row);
      const auto d = parse_iso_day(*text);
      if (!d) return issues.add(row, column.name, shown(*text), "not a calendar date YYYY-MM-DD");
      out[std::size_t(row)] = *d;
    });
    return out;
  }
  const DataType& t = column.type;
  if (t.id == TypeId::Timestamp && !utc_or_naive(t.timezone)) {
    issues.add_table(column.name, t.describe(),
                     "timestamps in a time zone other than UTC cannot be read as dates");
    return out;
  }
  for_each_plain<int32_t>(column, [&](int64_t row, const ArrowArray& a, int64_t i, bool valid) {
    if (!valid) return missing(row);
    const int64_t j = a.offset + i;
    int64_t days = 0;
    if (t.id == TypeId::Date32) {
      days = static_cast<const int32_t*>(a.buffers[1])[j];
    } else {
      const int64_t per_day = t.id == TypeId::Date64 ? 86400000 : 86400 * unit_per_second(t.unit);
      const int64_t v = static_cast<const int64_t*>(a.buffers[1])[j];
      if (v % per_day != 0)
        return issues.add(row, column.name, std::to_string(v), "has a time of day; give calendar dates");
      days = v / per_day;
    }
    if (days < -719162 || days > 2932896)  // 0001-01-01 .. 9999-12-31
      return issues.add(row, column.name, std::to_string(days), "date outside the years 1..9999");
    out[std::size_t(row)] = int32_t(days);
  });
  return out;
}

std::vector<int64_t> read_rates(const Column& column, CellIssues& issues) {
  std::vector<int64_t> out(std::size_t(column.length), 0);
  detail::for_each_decimal(column, issues, [&](int64_t row, const detail::DecimalCell& cell) {
    using State = detail::DecimalCell::State;
    if (cell.state == State::Null) return issues.add(row, column.name, "", "a rate is required");
    if (cell.state == State::Bad) return;
    detail::rescale_to_minor(cell, Rate::kScale, std::nullopt, row, column.name, issues,
                             out[std::size_t(row)]);
  });
  return out;
}

std::vector<int64_t> read_minor_units(const Column& column, CellIssues& issues) {
  return read_integers(column, INT64_MIN, INT64_MAX, true, 0, issues);
}

std::vector<uint8_t> read_bools(const Column& column, bool required, uint8_t none, CellIssues& issues) {
  std::vector<uint8_t> out(std::size_t(column.length), none);
  auto missing = [&](int64_t row) {
    if (required) issues.add(row, column.name, "", "true or false is required");
  };
  if (column.type.is_text_like()) {
    for_each_text(column, [&](int64_t row, std::optional<std::string_view> text) {
      if (!text) return missing(row);
      std::string lower(*text);
      for (char& c : lower) c = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      if (lower == "true")
        out[std::size_t(row)] = 1;
      else if (lower == "false")
        out[std::size_t(row)] = 0;
      else
        issues.add(row, column.name, shown(*text), "expected true or false");
    });
    return out;
  }
  for_each_plain<uint8_t>(column, [&](int64_t row, const ArrowArray& a, int64_t i, bool valid) {
    if (!valid) return missing(row);
    const int64_t j = a.offset + i;
    out[std::size_t(row)] = (static_cast<const uint8_t*>(a.buffers[1])[j >> 3] >> (j & 7)) & 1;
  });
  return out;
}

std::vector<int64_t> read_timestamps(const Column& column, CellIssues& issues) {
  std::vector<int64_t> out(std::size_t(column.length), 0);
  if (column.type.is_text_like()) {
    for_each_text(column, [&](int64_t row, std::optional<std::string_view> text) {
      if (!text) return issues.add(row, column.name, "", "a timestamp is required");
      const auto s = parse_iso_seconds(*text);
      if (!s) return issues.add(row, column.name, shown(*text), "not a timestamp YYYY-MM-DDTHH:MM:SS");
      out[std::size_t(row)] = *s;
    });
    return out;
  }
  const DataType& t = column.type;
  if (!utc_or_naive(t.timezone)) {
    issues.add_table(column.name, t.describe(), "timestamps must be naive or UTC");
    return out;
  }
  const int64_t per_second = unit_per_second(t.unit);
  for_each_plain<int64_t>(column, [&](int64_t row, const ArrowArray& a, int64_t i, bool valid) {
    if (!valid) return issues.add(row, column.name, "", "a timestamp is required");
    const int64_t v = static_cast<const int64_t*>(a.buffers[1])[a.offset + i];
    if (v % per_second != 0)
      return issues.add(row, column.name, std::to_string(v),
                        "has a fraction of a second; give whole seconds");
    out[std::size_t(row)] = v / per_second;
  });
  return out;
}

namespace detail {

DecimalCell decimal_at(const ArrowArray& a, const DataType& type, int64_t i) {
  DecimalCell cell;
  cell.scale = type.scale;
  cell.state = DecimalCell::State::Ok;
  const int64_t j = a.offset + i;
  switch (type.id) {
    case TypeId::Decimal32:
      cell.unscaled = static_cast<const int32_t*>(a.buffers[1])[j];
      break;
    case TypeId::Decimal64:
      cell.unscaled = static_cast<const int64_t*>(a.buffers[1])[j];
      break;
    case TypeId::Decimal128: {
      const auto* w = static_cast<const uint64_t*>(a.buffers[1]) + 2 * j;
      cell.unscaled = int128((salescomp::detail::uint128(w[1]) << 64) | w[0]);
      break;
    }
    default: {  // Decimal256: four little-endian words; must fit 128 bits
      const auto* w = static_cast<const uint64_t*>(a.buffers[1]) + 4 * j;
      const uint64_t sign = (w[1] >> 63) ? ~uint64_t(0) : 0;
      if (w[2] != sign || w[3] != sign) {
        cell.state = DecimalCell::State::Bad;
        break;
      }
      cell.unscaled = int128((salescomp::detail::uint128(w[1]) << 64) | w[0]);
    }
  }
  return cell;
}

DecimalCell parse_decimal_text(std::string_view text) {
  DecimalCell cell;
  cell.state = DecimalCell::State::Bad;
  const bool negative = !text.empty() && text[0] == '-';
  const std::string_view body = negative ? text.substr(1) : text;
  const auto dot = body.find('.');
  const std::string_view whole = body.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : body.substr(dot + 1);
  if (!ascii_digits(whole) || (dot != std::string_view::npos && !ascii_digits(frac))) return cell;
  if (whole.size() + frac.size() > 38) return cell;
  int128 v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  for (char c : frac) v = v * 10 + (c - '0');
  cell.unscaled = negative ? -v : v;
  cell.scale = int(frac.size());
  cell.state = DecimalCell::State::Ok;
  return cell;
}

std::string decimal_text_of(const DecimalCell& cell) {
  std::string digits = salescomp::detail::to_string(cell.unscaled < 0 ? -cell.unscaled : cell.unscaled);
  if (cell.scale > 0) {
    if (digits.size() <= std::size_t(cell.scale))
      digits.insert(0, std::size_t(cell.scale) - digits.size() + 1, '0');
    digits.insert(digits.size() - std::size_t(cell.scale), ".");
  }
  return (cell.unscaled < 0 ? "-" : "") + digits;
}

bool rescale_to_minor(const DecimalCell& cell, int exponent, std::optional<RoundingMode> rounding,
                      int64_t row, std::string_view field, CellIssues& issues, int64_t& out) {
  int128 v = cell.unscaled;
  if (cell.scale < exponent) {
    const int128 factor = salescomp::detail::pow10_128(exponent - cell.scale);
    const int128 limit = (int128(1) << 100) / factor;
    if (v > limit || v < -limit) {
      issues.add(row, field, decimal_text_of(cell), "out of range (beyond 64-bit minor units)");
      return false;
    }
    v *= factor;
  } else if (cell.scale > exponent) {
    const int128 divisor = salescomp::detail::pow10_128(cell.scale - exponent);
    if (v % divisor != 0) {
      if (!rounding) {
        issues.add(row, field, decimal_text_of(cell),
                   "has more than " + std::to_string(exponent) +
                       " decimal places (the currency's); give a rounding mode to round it");
        return false;
      }
      v = salescomp::divide_rounded<int128>(v, divisor, *rounding);
    } else {
      v /= divisor;
    }
  }
  if (!salescomp::detail::fits_int64(v)) {
    issues.add(row, field, decimal_text_of(cell), "out of range (beyond 64-bit minor units)");
    return false;
  }
  out = int64_t(v);
  return true;
}

}  // namespace detail

}  // namespace salescomp::arrow
