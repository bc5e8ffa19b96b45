#pragma once
// What a measure-based calculator (flat rate, tiers, target incentive, per
// unit, manager override) needs to know for one person and period. The run
// fills it from credits, quotas and the prior state; tests fill it by hand.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "salescomp/core/money.hpp"
#include "salescomp/core/rounding.hpp"

namespace salescomp {

struct ComponentInput {
  std::string component_id;
  // The measure and quota over the component's span: the period, or the
  // quarter/year to date for cumulative components (then paid_before holds
  // what earlier periods of the span already paid on this component).
  Money measure;
  std::optional<Money> quota;
  int64_t count = 0;  // count measures
  Money paid_before;
  // Paid on this component earlier in the fiscal year (for the per_year cap).
  Money paid_in_year;
  // The gate's measure and quota over the gate's span, when the gate looks
  // at another measure or span; absent: the component's own measure/quota.
  std::optional<Money> gate_measure;
  std::optional<Money> gate_quota;
  // Credited amount of each deal in the measure (per-deal caps).
  std::vector<Money> deal_credits;
  RoundingMode rounding = RoundingMode::HalfEven;
  // False: compute the amount only, leaving the explanation's text empty
  // (large runs; the run can explain a line later by recomputing its person).
  bool explain = true;
};

}  // namespace salescomp
