#pragma once
// Typed reads of one column into the engine's plain arrays. Each reader
// accepts every Arrow layout its field kind allows (table_spec.hpp) and
// reports every bad cell (1-based row, field, value as the user wrote it,
// rule) to a CellIssues instead of stopping at the first. Missing values
// (nulls) in a required field are reported; optional fields return the
// documented "none" value.
//
// Text cells follow the grammar of docs/tables.md: ids are valid UTF-8,
// non-empty, at most 256 bytes, without control characters or surrounding
// spaces; integers are ASCII -?digits; dates ISO YYYY-MM-DD; amounts and
// rates the strict decimal form of core/decimal_text.hpp.
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "salescomp/arrow/cell_issues.hpp"
#include "salescomp/arrow/imported_table.hpp"
#include "salescomp/arrow/text_cells.hpp"
#include "salescomp/core/rounding.hpp"

namespace salescomp::arrow {

inline constexpr int32_t kNoDay = std::numeric_limits<int32_t>::min();

// Why `text` is not an acceptable id, or nullptr.
const char* id_text_problem(std::string_view text) noexcept;
// Why `text` is not acceptable free text (valid UTF-8 without NUL), or nullptr.
const char* text_problem(std::string_view text) noexcept;

// Calls f(row, std::optional<std::string_view>) for every cell of an Id
// column: text cells as they are, integer cells as their decimal text.
template <class F>
void for_each_id(const Column& column, F&& f);

// Codes of an Id column (see text_codes in text_cells.hpp; integer cells are
// looked up by their decimal text, once per cell).
template <class Code, class Lookup>
std::vector<Code> id_codes(const Column& column, Lookup&& lookup, Code null_code, Code bad_code);

// Integers in [min, max]; null cells give `none` (and are reported when
// `required`). Accepts integer types and integer text.
std::vector<int64_t> read_integers(const Column& column, int64_t min, int64_t max, bool required,
                                   int64_t none, CellIssues& issues);

// Days since 1970-01-01; null cells give kNoDay (reported when `required`).
std::vector<int32_t> read_days(const Column& column, bool required, CellIssues& issues);

// Exact amounts in minor units. `exponent_of_row(row)` is the number of
// decimals of the row's currency (e.g. from a currency column); more digits
// than that are an error unless `rounding` is given. Nulls are reported.
template <class ExponentOfRow>
std::vector<int64_t> read_money(const Column& column, ExponentOfRow&& exponent_of_row,
                                std::optional<RoundingMode> rounding, CellIssues& issues);

// Rates in units of 1e-12 (salescomp::Rate's raw value). Nulls are reported.
std::vector<int64_t> read_rates(const Column& column, CellIssues& issues);

// Integer minor units (MinorUnits fields). Nulls are reported.
std::vector<int64_t> read_minor_units(const Column& column, CellIssues& issues);

// 0/1; null cells give `none` (reported when `required`).
std::vector<uint8_t> read_bools(const Column& column, bool required, uint8_t none, CellIssues& issues);

// Seconds since 1970-01-01T00:00:00 (UTC or naive). Nulls are reported.
std::vector<int64_t> read_timestamps(const Column& column, CellIssues& issues);

namespace detail {

// One decimal cell: value = unscaled * 10^-scale.
struct DecimalCell {
  enum class State : uint8_t { Null, Ok, Bad };
  __extension__ __int128 unscaled = 0;
  int scale = 0;
  State state = State::Null;
};

// The cell at row i of a decimal32/64/128/256 chunk (Bad when a decimal256
// value does not fit 128 bits).
DecimalCell decimal_at(const ArrowArray& a, const DataType& type, int64_t i);
// Strict decimal text -?digits[.digits] (at most 38 digits); Bad otherwise.
DecimalCell parse_decimal_text(std::string_view text);
// The cell as the user would write it ("-100.00").
std::string decimal_text_of(const DecimalCell& cell);
// value * 10^exponent as an int64, rounding when needed; reports and returns
// false when it does not fit or needs a rounding that was not given.
bool rescale_to_minor(const DecimalCell& cell, int exponent, std::optional<RoundingMode> rounding,
                      int64_t row, std::string_view field, CellIssues& issues, int64_t& out);

// Calls f(row, cell) for every cell of a decimal or decimal-text column;
// text that is not a decimal is reported here and passed as State::Bad.
template <class F>
void for_each_decimal(const Column& column, CellIssues& issues, F&& f) {
  if (column.type.is_text_like()) {
    for_each_text(column, [&](int64_t row, std::optional<std::string_view> text) {
      if (!text) return f(row, DecimalCell{});
      DecimalCell cell = parse_decimal_text(*text);
      if (cell.state == DecimalCell::State::Bad)
        issues.add(
            row, column.name, std::string(text->substr(0, 80)),
            "not a plain decimal number -?digits[.digits] (no spaces, signs '+', grouping, exponents)");
      f(row, cell);
    });
    return;
  }
  for (const Chunk& chunk : column.chunks) {
    const ArrowArray& a = *chunk.array;
    const bool all_null = column.type.id == TypeId::Null;
    for (int64_t i = 0; i < a.length; ++i) {
      if (all_null || !is_valid_bit(a, i)) {
        f(chunk.first_row + i, DecimalCell{});
        continue;
      }
      DecimalCell cell = decimal_at(a, column.type, i);
      if (cell.state == DecimalCell::State::Bad)
        issues.add(chunk.first_row + i, column.name, "(wider than 128 bits)", "the amount is out of range");
      f(chunk.first_row + i, cell);
    }
  }
}

}  // namespace detail

template <class F>
void for_each_id(const Column& column, F&& f) {
  if (column.type.is_text_like()) return for_each_text(column, f);
  const bool all_null = column.type.id == TypeId::Null;
  char buffer[24];
  for (const Chunk& chunk : column.chunks)
    for (int64_t i = 0; i < chunk.array->length; ++i) {
      if (all_null || !is_valid_bit(*chunk.array, i)) {
        f(chunk.first_row + i, std::optional<std::string_view>{});
        continue;
      }
      const int64_t j = chunk.array->offset + i;
      const auto end =
          column.type.id == TypeId::UInt64
              ? std::to_chars(buffer, buffer + sizeof buffer,
                              static_cast<const uint64_t*>(chunk.array->buffers[1])[j])
              : std::to_chars(buffer, buffer + sizeof buffer, integer_at(*chunk.array, column.type.id, i));
      f(chunk.first_row + i,
        std::optional<std::string_view>{std::string_view(buffer, std::size_t(end.ptr - buffer))});
    }
}

template <class Code, class Lookup>
std::vector<Code> id_codes(const Column& column, Lookup&& lookup, Code null_code, Code bad_code) {
  if (column.type.is_text_like()) return text_codes<Code>(column, lookup, null_code, bad_code);
  std::vector<Code> out(std::size_t(column.length), null_code);
  for_each_id(column, [&](int64_t row, std::optional<std::string_view> text) {
    if (text) out[std::size_t(row)] = lookup(row, *text);
  });
  return out;
}

template <class ExponentOfRow>
std::vector<int64_t> read_money(const Column& column, ExponentOfRow&& exponent_of_row,
                                std::optional<RoundingMode> rounding, CellIssues& issues) {
  std::vector<int64_t> out(std::size_t(column.length), 0);
  detail::for_each_decimal(column, issues, [&](int64_t row, const detail::DecimalCell& cell) {
    using State = detail::DecimalCell::State;
    if (cell.state == State::Null) return issues.add(row, column.name, "", "an amount is required");
    if (cell.state == State::Bad) return;
    const int exponent = exponent_of_row(row);
    if (exponent < 0) return;  // the row's currency is bad and already reported
    detail::rescale_to_minor(cell, exponent, rounding, row, column.name, issues, out[std::size_t(row)]);
  });
  return out;
}

}  // namespace salescomp::arrow
