#pragma once
// Deals with external keys (people by id, products and customers by name,
// dates as Date, amounts as decimal text or minor units) turned into a
// DealTable of indexes and codes. Every bad row is reported at once.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/date.hpp"
#include "salescomp/data/deal_table.hpp"
#include "salescomp/data/dictionary.hpp"
#include "salescomp/data/string_column.hpp"
#include "salescomp/org/organisation.hpp"

namespace salescomp {

struct DealColumns {
  std::vector<int64_t> id;  // ordering keys; with id_text, id_ranks(id_text)
  StringColumn id_text;     // optional: the user's text ids (messages, explanations, output)
  std::vector<std::string> owner_id;
  std::vector<Date> close_date;
  std::vector<std::optional<Date>> invoice_date, collection_date, cancellation_date;
  // Either amount_text (decimal text, at most the currency's decimals) or amount_minor.
  std::vector<std::string> amount_text;
  std::vector<int64_t> amount_minor;
  std::vector<std::string> currency;
  std::vector<std::string> type;                                         // deal_type_from_string names
  std::vector<std::string> product, customer, source, source_person_id;  // optional; "" = none
  std::vector<int32_t> term_months;                                      // optional
  std::vector<std::string> territory;  // optional; Organisation territory names
  std::vector<std::optional<Date>> created_date, first_marketing_touch, first_sales_activity;  // optional
  std::vector<std::string> first_touch_source;                                                 // optional
};

// Resolves and validates; products and customers are interned in the given
// dictionaries (share `customers` with account assignments).
DealTable load_deals(const DealColumns& columns, const Organisation& org, Dictionary& products,
                     Dictionary& customers);

// The key of every text id: its rank among the distinct ids in byte order
// (equal ids share a key, which validation reports as a duplicate). Sorting
// by these keys is sorting by the user's ids, whatever the row order.
std::vector<int64_t> id_ranks(const StringColumn& ids);

// Puts the deals in key order (the canonical order: row k of the result was
// row order[k]) and returns `order`, so that deal rows, and everything keyed
// on them, do not depend on the order the deals were given in.
std::vector<int64_t> sort_by_id(DealTable& deals);

}  // namespace salescomp
