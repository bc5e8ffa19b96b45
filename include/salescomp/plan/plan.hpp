#pragma once
// A compensation plan: the validated model of a plan document. Make one with
// plan_from_json (plan/plan_json.hpp) or PlanBuilder (plan/plan_builder.hpp);
// both run validate_plan, so a Plan you hold is always valid.
#include <string>
#include <vector>

#include "salescomp/core/currency.hpp"
#include "salescomp/plan/components.hpp"
#include "salescomp/plan/measure.hpp"
#include "salescomp/plan/payout_timing.hpp"
#include "salescomp/plan/plan_period.hpp"

namespace salescomp {

struct Plan {
  std::string id;
  Currency currency;
  PlanPeriod period = PlanPeriod::Quarter;
  PlanRounding rounding;
  PayoutTiming payout_timing;
  std::vector<Measure> measures;
  std::vector<Component> components;

  const Measure* find_measure(std::string_view measure_id) const noexcept {
    for (const Measure& m : measures)
      if (m.id == measure_id) return &m;
    return nullptr;
  }
};

}  // namespace salescomp
