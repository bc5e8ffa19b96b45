#pragma once
// Deals (transactions) as columns: the input to crediting, and what the
// commission engine and accounting look back at for dates (clawbacks, payout
// timing, amortisation terms). People are roster row indexes; text ids and
// dictionaries (product, customer) are resolved by the loaders.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/date.hpp"
#include "salescomp/data/deal_type.hpp"
#include "salescomp/data/string_column.hpp"

namespace salescomp {

// Who sourced the opportunity (for SDR / marketing / partner credit).
enum class DealSource : uint8_t { None, Marketing, Sdr, Partner, Sales };

struct DealTable {
  // The deal's key for ordering. Loaders of text ids (deal_loader.hpp) give
  // each deal the rank of its id text in byte order, so sorting by `id` is
  // sorting by the user's ids.
  std::vector<int64_t> id;
  StringColumn id_text;        // the user's ids (empty: `id` itself is the user's id)
  std::vector<int32_t> owner;  // roster index of the owner
  std::vector<Date> close_date;
  std::vector<std::optional<Date>> invoice_date;
  std::vector<std::optional<Date>> collection_date;
  std::vector<std::optional<Date>> cancellation_date;
  std::vector<int64_t> amount;  // minor units of currency[i]; negative for refunds
  std::vector<Currency> currency;
  std::vector<DealType> type;
  std::vector<int32_t> product;   // product dictionary code, -1 for none
  std::vector<int32_t> customer;  // customer dictionary code, -1 for none
  std::vector<DealSource> source;
  std::vector<int32_t> source_person;  // roster index of the SDR/marketer, -1 for none
  std::vector<int32_t> term_months;    // contract term (0 when unknown)

  // Optional columns (added by the crediting area). Empty means "not given";
  // otherwise one value per deal.
  std::vector<int32_t> territory;                 // territory code (Organisation dictionary), -1 for none
  std::vector<std::optional<Date>> created_date;  // opportunity creation (pipeline credit date)
  std::vector<DealSource> first_touch_source;     // source of the first touch ("sourced" = first touch)
  std::vector<std::optional<Date>> first_marketing_touch;  // "sourced" = marketing touch before sales
  std::vector<std::optional<Date>> first_sales_activity;

  std::size_t size() const noexcept { return id.size(); }
};

// The user's id of deal `row`, for messages and explanations.
inline std::string deal_label(const DealTable& d, std::size_t row) {
  if (row < d.id_text.size()) return std::string(d.id_text[row]);
  return row < d.id.size() ? std::to_string(d.id[row]) : std::to_string(row);
}

}  // namespace salescomp
