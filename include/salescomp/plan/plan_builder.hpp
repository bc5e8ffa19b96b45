#pragma once
// Building a Plan in C++: the same model the JSON reader makes, validated the
// same way on build(). Decimals are given as text so they are exact.
//
//   Plan plan = PlanBuilder("ae-2026", "USD", PlanPeriod::Quarter)
//       .sum_measure("bookings", {DealType::NewBusiness})
//       .flat_rate("base", "bookings", "0.05")
//       .build();
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "salescomp/plan/plan.hpp"
#include "salescomp/plan/plan_validation.hpp"

namespace salescomp {

class PlanBuilder {
 public:
  PlanBuilder(std::string id, std::string_view currency, PlanPeriod period) {
    plan_.id = std::move(id);
    plan_.currency = Currency::of(currency);
    plan_.period = period;
  }

  PlanBuilder& rounding(RoundingMode mode, RoundingScope scope = RoundingScope::PerLine) {
    plan_.rounding = PlanRounding{mode, scope};
    return *this;
  }
  PlanBuilder& payout_timing(PayoutTiming timing) {
    plan_.payout_timing = timing;
    return *this;
  }
  PlanBuilder& measure(Measure m) {
    plan_.measures.push_back(std::move(m));
    return *this;
  }
  // Sum of credited amounts of the given deal types and credit kinds (empty: any).
  PlanBuilder& sum_measure(std::string id, std::vector<DealType> deal_types = {},
                           std::vector<CreditKind> credit_kinds = {}) {
    return measure(Measure{
        std::move(id), std::move(deal_types), {}, std::move(credit_kinds), MeasureAggregation::Sum, {}});
  }
  // Count of credit rows of the given deal types and credit kinds (empty: any).
  PlanBuilder& count_measure(std::string id, std::vector<DealType> deal_types = {},
                             std::vector<CreditKind> credit_kinds = {}) {
    return measure(Measure{
        std::move(id), std::move(deal_types), {}, std::move(credit_kinds), MeasureAggregation::Count, {}});
  }
  PlanBuilder& component(std::string id, ComponentSpec spec) {
    plan_.components.push_back(Component{std::move(id), std::move(spec)});
    return *this;
  }
  PlanBuilder& flat_rate(std::string id, std::string measure, std::string_view rate) {
    RateComponent r;
    r.measure = std::move(measure);
    r.rate = Rate::parse(rate);
    return component(std::move(id), std::move(r));
  }
  PlanBuilder& tiered(std::string id, std::string measure, TierTable table) {
    RateComponent r;
    r.measure = std::move(measure);
    r.table = std::move(table);
    return component(std::move(id), std::move(r));
  }

  // The money of the plan currency, for building component options.
  Money money(std::string_view amount) const { return Money::parse(amount, plan_.currency); }

  // Validates (throws ValidationError with document paths) and returns the plan.
  Plan build() const {
    validate_plan(plan_);
    return plan_;
  }

 private:
  Plan plan_;
};

// A band on attainment: attainment_tier("0.5", "1.0", "0.05"); an empty `to`
// is unbounded.
inline Tier attainment_tier(std::string_view from, std::string_view to, std::string_view rate,
                            std::string_view rate_to = {}) {
  Tier t;
  t.from = Rate::parse(from).raw();
  if (!to.empty()) t.to = Rate::parse(to).raw();
  t.rate = Rate::parse(rate);
  if (!rate_to.empty()) t.rate_to = Rate::parse(rate_to);
  return t;
}

// A band on amount in `currency`: amount_tier("0", "50000.00", "0.05", usd).
inline Tier amount_tier(std::string_view from, std::string_view to, std::string_view rate, Currency currency,
                        std::string_view rate_to = {}) {
  Tier t;
  t.from = Money::parse(from, currency).minor_units();
  if (!to.empty()) t.to = Money::parse(to, currency).minor_units();
  t.rate = Rate::parse(rate);
  if (!rate_to.empty()) t.rate_to = Rate::parse(rate_to);
  return t;
}

}  // namespace salescomp
