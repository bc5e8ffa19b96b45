#pragma once
// The input of commission accounting: one row per commission cost (a payout
// line of the engine, or any cost of obtaining a contract), in columns.
// docs/accounting.md maps engine payout lines onto these columns.
#include <cstdint>
#include <string_view>
#include <vector>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/date.hpp"

namespace salescomp {

// What the commission was paid for. Renewal commissions are amortised over
// the renewal term; initial and expansion ones over the contract term or the
// expected customer life (see renewal_commensurate).
enum class CostKind : uint8_t { Initial, Renewal, Expansion };

// How the capitalised amount is spread over the amortisation months.
enum class AmortisationPattern : uint8_t {
  StraightLine,         // equal months (first/last partial under DailyProrated)
  RevenueProportional,  // in proportion to the line's revenue schedule
};

struct CommissionCostTable {
  std::vector<int64_t> line_id;   // unique; the asset key and the output order
  std::vector<int64_t> person;    // lineage (roster index or id), passed through
  std::vector<int64_t> contract;  // lineage (deal/contract id), passed through
  std::vector<int64_t> amount;    // minor units of currency[i]; positive
  std::vector<Currency> currency;
  std::vector<Date> incurred;        // when the cost is recognised (asset added / expensed)
  std::vector<Date> contract_start;  // when the service (and amortisation) begins
  std::vector<int32_t> term_months;  // contract term; > 0 for incremental lines
  std::vector<CostKind> kind;
  std::vector<uint8_t> incremental;           // 1: incurred only because the contract was obtained
  std::vector<uint8_t> renewal_commensurate;  // 1: renewals pay a commensurate commission
  std::vector<int32_t> customer_life_months;  // 0: take the policy's expected life
  std::vector<AmortisationPattern> pattern;

  std::size_t size() const noexcept { return line_id.size(); }
  void reserve(std::size_t n) {
    line_id.reserve(n), person.reserve(n), contract.reserve(n), amount.reserve(n);
    currency.reserve(n), incurred.reserve(n), contract_start.reserve(n), term_months.reserve(n);
    kind.reserve(n), incremental.reserve(n), renewal_commensurate.reserve(n);
    customer_life_months.reserve(n), pattern.reserve(n);
  }
};

constexpr std::string_view to_string(CostKind k) noexcept {
  switch (k) {
    case CostKind::Initial:
      return "initial";
    case CostKind::Renewal:
      return "renewal";
    case CostKind::Expansion:
      return "expansion";
  }
  return "?";
}
constexpr std::string_view to_string(AmortisationPattern p) noexcept {
  switch (p) {
    case AmortisationPattern::StraightLine:
      return "straight_line";
    case AmortisationPattern::RevenueProportional:
      return "revenue_proportional";
  }
  return "?";
}

}  // namespace salescomp
