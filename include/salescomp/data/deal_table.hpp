#pragma once
// Deals (transactions) as columns: the input to crediting, and what the
// commission engine and accounting look back at for dates (clawbacks, payout
// timing, amortisation terms). People are roster row indexes; text ids and
// dictionaries (product, customer) are resolved by the loaders.
#include <cstdint>
#include <optional>
#include <vector>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/date.hpp"
#include "salescomp/data/deal_type.hpp"

namespace salescomp {

// Who sourced the opportunity (for SDR / marketing / partner credit).
enum class DealSource : uint8_t { None, Marketing, Sdr, Partner, Sales };

struct DealTable {
  std::vector<int64_t> id;     // external deal id (stable key for ordering)
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

}  // namespace salescomp
