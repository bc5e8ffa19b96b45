#include "salescomp/arrow/money_columns.hpp"

#include <algorithm>

#include "salescomp/arrow/text_cells.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/detail/huge_pages.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp::arrow {

std::vector<Currency> read_currencies(const Column& column, CellIssues& issues) {
  std::vector<Currency> distinct;
  const std::vector<int32_t> index = text_codes<int32_t>(
      column,
      [&](int64_t row, std::string_view code) -> int32_t {
        if (!Currency::is_known(code)) {
          issues.add(row, column.name, std::string(code.substr(0, 16)), "not an ISO 4217 currency code");
          return -2;
        }
        const Currency c = Currency::of(code);
        auto it = std::find(distinct.begin(), distinct.end(), c);
        if (it == distinct.end()) it = distinct.insert(distinct.end(), c);
        return int32_t(it - distinct.begin());
      },
      -1, -2);
  std::vector<Currency> out(index.size());
  for (std::size_t i = 0; i < index.size(); ++i) {
    if (index[i] == -1) issues.add(int64_t(i), column.name, "", "a currency is required");
    if (index[i] >= 0) out[i] = distinct[std::size_t(index[i])];
  }
  return out;
}

namespace {

int scale_of(const std::vector<Currency>& currency) {
  int scale = -1;
  for (const Currency& c : currency) scale = std::max(scale, c.exponent());
  return scale < 0 ? 2 : scale;
}

}  // namespace

ExportColumn money_column(std::string name, const std::vector<int64_t>& minor,
                          const std::vector<Currency>& currency) {
  const int scale = scale_of(currency);
  // The decimal128 words straight from the minor units: one pass, and no
  // multiplication for the rows already at the common scale (nearly all).
  std::vector<int64_t> words;
  detail::reserve_huge(words, 2 * minor.size());  // 16 bytes a row: fewer page faults on huge pages
  words.resize(2 * minor.size());
  for (std::size_t i = 0; i < minor.size(); ++i) {
    const int shift = scale - currency[i].exponent();
    int64_t v = minor[i];
    if (shift != 0) {
      const __int128 wide = __int128(minor[i]) * salescomp::detail::pow10_128(shift);
      if (!salescomp::detail::fits_int64(wide))
        throw OverflowError("SC-OVERFLOW", "column " + name + ": " + std::to_string(minor[i]) + " " +
                                               std::string(currency[i].code()) +
                                               " minor units do not fit at scale " + std::to_string(scale));
      v = int64_t(wide);
    }
    words[2 * i] = v;
    words[2 * i + 1] = v < 0 ? -1 : 0;  // sign extension into the high word
  }
  return ExportColumn::decimal_words(std::move(name), std::move(words), scale);
}

ExportColumn money_column(std::string name, const std::vector<int64_t>& minor, Currency currency) {
  return ExportColumn::decimals(std::move(name), minor, currency.exponent());
}

ExportColumn currency_column(std::string name, const std::vector<Currency>& currency) {
  std::vector<Currency> distinct;
  std::vector<int32_t> codes(currency.size());
  for (std::size_t i = 0; i < currency.size(); ++i) {
    auto it = std::find(distinct.begin(), distinct.end(), currency[i]);
    if (it == distinct.end()) it = distinct.insert(distinct.end(), currency[i]);
    codes[i] = int32_t(it - distinct.begin());
  }
  std::vector<std::string> names;
  for (const Currency& c : distinct) names.emplace_back(c.code());
  return ExportColumn::dictionary(std::move(name), std::move(codes), names);
}

}  // namespace salescomp::arrow
