#pragma once
// Calculators of the measure-based components. Each is a pure function of
// the component's options and its input, exact throughout, with one
// rounding (the input's mode) at the end, returning the amount and its
// explanation. Semantics (docs/plan-reference.md):
//
// Rate components (flat_rate, tiered). With x the measure and Q the quota,
// the payout before modifiers is the integral of a piecewise-constant rate
// over [0, x]:
//   flat          rate on [0, x)
//   marginal      r_i on [from_i, min(x, to_i)) for every band below x
//   retroactive   r_k on [0, x), k the band containing x
//   hybrid        below the threshold T: retroactive; at or above it: the
//                 rate of the last band below T on [0, T), marginal above T
//   interpolated  r(x) on [0, x), r linear inside band k from rate to rate_to
// Attainment bounds b mean b x Q; band membership is decided exactly by the
// table's edge rule. Then, in this order:
//   caps.attainment   x is counted up to that attainment only
//   band adjustments  the part above (below) level x Q pays rate x multiplier
//   soft cap          the part above level x Q pays rate x multiplier
//   whole adjustments payout x multiplier when A >= level (Above) / A < level (Below)
//   kicker            payout x multiplier when A >= level
//   gate              not reached: NoPayout pays 0, NoAccelerator drops
//                     every Above adjustment and the kicker
//   per_deal cap      each deal's share (credit x payout / x) capped
//   true-up           payout - paid_before
//   per_period cap    min(payout, cap)
//   per_year cap      min(payout, max(0, cap - paid_in_year))
//   rounding          once, the input's mode, to the currency's minor unit
#include "salescomp/engine/component_input.hpp"
#include "salescomp/engine/explanation.hpp"
#include "salescomp/plan/components.hpp"

namespace salescomp {

ComponentResult calculate_rate_component(const RateComponent& component, const ComponentInput& input);

// target x f(A), f the pay curve; gates and caps as for rate components
// (caps.attainment limits A), then the true-up.
ComponentResult calculate_target_incentive(const TargetIncentiveComponent& component,
                                           const ComponentInput& input);

// count x amount_per_unit, then the per_period / per_year caps.
ComponentResult calculate_per_unit(const PerUnitComponent& component, const ComponentInput& input);

// Team measure (input.measure) and, for team_attainment, team quota.
ComponentResult calculate_override(const OverrideComponent& component, const ComponentInput& input);

}  // namespace salescomp
