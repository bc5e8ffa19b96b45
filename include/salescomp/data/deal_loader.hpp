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
#include "salescomp/org/organisation.hpp"

namespace salescomp {

struct DealColumns {
  std::vector<int64_t> id;
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

}  // namespace salescomp
