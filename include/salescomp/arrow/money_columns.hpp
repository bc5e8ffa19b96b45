#pragma once
// Money across the boundary: currency code columns in, money columns out.
// A money column whose rows are in several currencies is exported at one
// decimal128 scale (the largest exponent present): JPY 1234 and USD 12.34 in
// one column are 1234.00 and 12.34 — exact, nothing rounded.
#include <string>
#include <vector>

#include "salescomp/arrow/cell_issues.hpp"
#include "salescomp/arrow/export_table.hpp"
#include "salescomp/arrow/imported_table.hpp"
#include "salescomp/core/currency.hpp"

namespace salescomp::arrow {

// The currency of every row of a Code column (ISO 4217); unknown codes and
// nulls are reported (and left invalid: exponent() < 0).
std::vector<Currency> read_currencies(const Column& column, CellIssues& issues);

// decimal128(38, s) with s the largest exponent among `currency` (2 when
// empty), from minor units of each row's currency. An amount that does not
// fit at that scale is an OverflowError naming the column.
ExportColumn money_column(std::string name, const std::vector<int64_t>& minor,
                          const std::vector<Currency>& currency);
// The same for one currency for every row.
ExportColumn money_column(std::string name, const std::vector<int64_t>& minor, Currency currency);
// dictionary<int32, utf8> of ISO codes.
ExportColumn currency_column(std::string name, const std::vector<Currency>& currency);

}  // namespace salescomp::arrow
