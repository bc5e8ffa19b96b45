#pragma once
// Deals (and splits) read straight from Arrow columns (the `deals` and
// `splits` table specs, handed over through the C Data Interface) at C++
// speed: no Python object and no std::string per cell.
//
// The readers are strict and all-or-nothing: they accept the common, clean
// layouts (text of any Arrow layout or integers for ids and names, date32
// dates, decimal amounts, decimal or decimal-text shares) and return nullopt
// at the first cell they would not take exactly as the per-row loaders
// (deal_loader.hpp, the Python layer) take it - a bad or missing value, a
// duplicate id, another type. The caller then runs the per-row path, whose
// error names every bad row (file, 1-based row, field, value, rule), so the
// messages stay exactly what they are; a clean table gives the same
// DealTable, bit for bit, either way.
#include <cstdint>
#include <optional>
#include <vector>

#include "salescomp/arrow/imported_table.hpp"
#include "salescomp/credit/split_table.hpp"
#include "salescomp/data/deal_table.hpp"
#include "salescomp/data/dictionary.hpp"
#include "salescomp/org/organisation.hpp"

namespace salescomp {

struct DealsRead {
  DealTable table;                 // in the canonical order: deal rows in the byte order of the ids
  std::vector<int64_t> input_row;  // input row of each deal row
};

// Reads the `deals` table (columns named as in the spec: deal_id, owner,
// close_date, amount, currency, type and the optional ones; any other column
// gives nullopt). Products and customers are interned into the dictionaries
// in input-row order (callers recode them in deal-row order, as the per-row
// path does). Every check of validate_deals holds for the result. With
// `threads` >= 2 the ids are sorted on a second thread while the other
// columns are read (the same result for any thread count).
std::optional<DealsRead> read_deals_strict(const arrow::ImportedTable& deals, const Organisation& org,
                                           Dictionary& products, Dictionary& customers, int threads = 2);

// Reads the `splits` table (deal_id, person, share, optional kind) against
// deals read with text ids: nullopt on an unknown deal or person, a bad share
// or kind (validate_splits, run by crediting, checks the sums).
std::optional<SplitTable> read_splits_strict(const arrow::ImportedTable& splits, const DealTable& deals,
                                             const Organisation& org);

// The byte-order rank of every id (0-based, equal ids share a rank): what
// id_ranks (deal_loader.hpp) computes, by a sort on 8-byte prefixes.
std::vector<int64_t> id_byte_ranks(const StringColumn& ids);

}  // namespace salescomp
