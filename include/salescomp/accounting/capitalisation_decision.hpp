#pragma once
// Capitalise or expense one cost, and over how many months: the policy rules
// of docs/accounting.md as pure functions.
#include <cstdint>
#include <optional>

#include "salescomp/accounting/amortisation_policy.hpp"
#include "salescomp/accounting/asset_table.hpp"
#include "salescomp/accounting/commission_cost_table.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/core/rounding.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

// Expected customer life in whole months from an annual churn rate c in (0, 1]:
// with a constant churn the expected lifetime is 1/c years, i.e. 12 / c months,
// rounded once with `mode` (20% -> 60, 7% -> 171.43 -> 171 HalfEven).
inline int32_t expected_life_from_churn(Rate annual_churn, RoundingMode mode = RoundingMode::HalfEven) {
  if (annual_churn.raw() <= 0 || annual_churn.raw() > Rate::kOne)
    throw ValidationError("SC-ACCT-POLICY", Issue{std::nullopt, "annual_churn_rate",
                                                  annual_churn.to_short_string(), "must be in (0, 1]"});
  const detail::int128 months =
      divide_rounded<detail::int128>(detail::int128(12) * Rate::kOne, annual_churn.raw(), mode);
  if (months > 100 * 12)
    throw ValidationError("SC-ACCT-POLICY",
                          Issue{std::nullopt, "annual_churn_rate", annual_churn.to_short_string(),
                                "implies a customer life over 1200 months"});
  return int32_t(months);
}

struct CapitalisationDecision {
  CostTreatment treatment = CostTreatment::Capitalised;
  PeriodBasis basis = PeriodBasis::NotApplicable;
  int32_t period_months = 0;
};

// nullopt: the line needs an expected customer life and neither the line nor
// the policy gives one.
inline std::optional<CapitalisationDecision> decide_capitalisation(CostKind kind, bool incremental,
                                                                   bool renewal_commensurate,
                                                                   int32_t term_months,
                                                                   int32_t own_life_months,
                                                                   const AmortisationPolicy& policy) {
  CapitalisationDecision d;
  if (!incremental) {
    d.treatment = CostTreatment::ExpensedNotIncremental;
    return d;
  }
  d.basis = PeriodBasis::ContractTerm;
  d.period_months = term_months;
  // A renewal commission benefits the renewal term; an initial or expansion
  // commission benefits the expected customer life when renewals pay less.
  if (kind != CostKind::Renewal && !renewal_commensurate) {
    int32_t life = 0;
    PeriodBasis basis = PeriodBasis::NotApplicable;
    if (own_life_months > 0) {
      life = own_life_months, basis = PeriodBasis::CustomerLifeGiven;
    } else if (policy.expected_customer_life_months) {
      life = *policy.expected_customer_life_months, basis = PeriodBasis::CustomerLifePolicy;
    } else if (policy.annual_churn_rate) {
      life = expected_life_from_churn(*policy.annual_churn_rate, policy.life_rounding);
      basis = PeriodBasis::CustomerLifeFromChurn;
    } else {
      return std::nullopt;
    }
    // The period of benefit is never shorter than the contract itself; the
    // basis reads contract_term only when the term is longer than the life.
    if (life >= term_months) d.basis = basis, d.period_months = life;
  }
  if (policy.practical_expedient && d.period_months <= 12)
    d.treatment = CostTreatment::ExpensedPracticalExpedient;
  return d;
}

}  // namespace salescomp
