#pragma once
// One row per cost line: the capitalise-or-expense decision, the amortisation
// period and why, and the lifetime totals of the asset. Sorted by line_id.
#include <cstdint>
#include <string_view>
#include <vector>

#include "salescomp/accounting/month.hpp"
#include "salescomp/core/currency.hpp"

namespace salescomp {

enum class CostTreatment : uint8_t {
  Capitalised,
  ExpensedNotIncremental,      // incurred whether or not the contract was won
  ExpensedPracticalExpedient,  // amortisation period <= 12 months and the expedient is on
};

// Where the amortisation period came from.
enum class PeriodBasis : uint8_t {
  NotApplicable,          // not incremental: no period
  ContractTerm,           // commensurate renewals, renewal lines, or a life shorter than the term
  CustomerLifeGiven,      // the line's own customer_life_months
  CustomerLifePolicy,     // the policy's expected_customer_life_months
  CustomerLifeFromChurn,  // 12 / annual churn rate
};

struct AssetTable {
  std::vector<int64_t> line_id;
  std::vector<int64_t> person;
  std::vector<int64_t> contract;
  std::vector<Currency> currency;
  std::vector<int64_t> amount;  // the cost, minor units
  std::vector<CostTreatment> treatment;
  std::vector<PeriodBasis> basis;
  std::vector<int32_t> period_months;   // the benefit period as decided (before events)
  std::vector<MonthIndex> first_month;  // first amortisation month (expensed: incurred month)
  std::vector<MonthIndex> last_month;   // last month with a movement on the asset
  // Lifetime totals. Capitalised: amount = amortised + reduced + written_off.
  std::vector<int64_t> amortised;
  std::vector<int64_t> reduced;  // clawbacks taken off the asset
  std::vector<int64_t> written_off;
  std::vector<int64_t> expense_credit;  // clawbacks beyond the balance, credited to expense

  std::size_t size() const noexcept { return line_id.size(); }
};

constexpr std::string_view to_string(CostTreatment t) noexcept {
  switch (t) {
    case CostTreatment::Capitalised:
      return "capitalised";
    case CostTreatment::ExpensedNotIncremental:
      return "expensed_not_incremental";
    case CostTreatment::ExpensedPracticalExpedient:
      return "expensed_practical_expedient";
  }
  return "?";
}
constexpr std::string_view to_string(PeriodBasis b) noexcept {
  switch (b) {
    case PeriodBasis::NotApplicable:
      return "not_applicable";
    case PeriodBasis::ContractTerm:
      return "contract_term";
    case PeriodBasis::CustomerLifeGiven:
      return "customer_life_given";
    case PeriodBasis::CustomerLifePolicy:
      return "customer_life_policy";
    case PeriodBasis::CustomerLifeFromChurn:
      return "customer_life_from_churn";
  }
  return "?";
}

}  // namespace salescomp
