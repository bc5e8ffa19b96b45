#pragma once
// The accounting input book across the Arrow boundary (schemas commission_costs,
// asset_events and revenue_schedule in docs/tables.md): three tables read where
// they lie, every bad cell and every broken rule of the book listed in one
// ValidationError (1-based row, field, value, rule; fields of the events and
// revenue tables prefixed "event." and "revenue."). Unknown columns are refused
// and named.
//
// line_id: integers, or the user's text. Text ids are coded in byte order, so
// the book's line_id order is the text order; the codes' texts are returned.
// person / contract: lineage, any text, coded in order of first appearance.
#include <memory>
#include <string>
#include <vector>

#include "salescomp/accounting/amortisation_book.hpp"
#include "salescomp/accounting/amortisation_policy.hpp"
#include "salescomp/arrow/imported_table.hpp"
#include "salescomp/core/error.hpp"

namespace salescomp {

struct BookReadOptions {
  bool ignore_extra_columns = false;  // unknown columns are errors unless this is set
  // Read line_id as integers even from text (a column mixing integers and text:
  // the text cells are reported instead of switching to text ids).
  bool integer_line_ids = false;
  // Problems found before the tables reached the reader (1-based rows, fields
  // prefixed as above); they are listed first, and the cells they name are not
  // reported a second time.
  std::vector<Issue> prior_issues;
};

struct BookIds {
  bool text_line_ids = false;          // line ids are text: line_ids holds them by code
  std::vector<std::string> line_ids;   // text line ids by code (sorted: the code order is the text order)
  std::vector<std::string> people;     // CommissionCostTable::person codes (-1: none)
  std::vector<std::string> contracts;  // CommissionCostTable::contract codes (-1: none)
};

struct BookTables {
  CommissionCostTable costs;
  AssetEventTable events;
  RevenueScheduleTable revenue;
  BookIds ids;
  std::vector<Issue> issues;  // every bad cell (empty: the tables are fully read)
};

// The tables as read, with the problems of their cells (the book's own rules
// are not checked yet). `events` and `revenue` may be null.
BookTables read_book_tables(const arrow::ImportedTable& costs, const arrow::ImportedTable* events,
                            const arrow::ImportedTable* revenue, const BookReadOptions& options = {});

struct AccountingBook {
  std::shared_ptr<const AmortisationBook> book;
  BookIds ids;
};

// Reads the tables and builds the book; throws one ValidationError
// (SC-ACCT-INPUT) with every bad cell and every broken rule, in table then
// row order (SC-TABLE-COLUMNS for unknown, missing or mistyped columns).
AccountingBook read_book(const arrow::ImportedTable& costs, const arrow::ImportedTable* events,
                         const arrow::ImportedTable* revenue, const AmortisationPolicy& policy,
                         const BookReadOptions& options = {});

}  // namespace salescomp
