#pragma once
// Small helpers for the calculator tests: USD amounts and inputs.
#include <salescomp/engine/component_input.hpp>
#include <salescomp/plan/plan_builder.hpp>

namespace salescomp::testing_support {

inline Money usd(std::string_view amount) { return Money::parse(amount, "USD"); }
inline Rate rate(std::string_view text) { return Rate::parse(text); }

inline ComponentInput input(std::string_view measure, std::optional<std::string_view> quota = std::nullopt) {
  ComponentInput in;
  in.component_id = "c";
  in.measure = usd(measure);
  if (quota) in.quota = usd(*quota);
  in.paid_before = usd("0");
  in.paid_in_year = usd("0");
  return in;
}

inline RateComponent flat(std::string_view r) {
  RateComponent c;
  c.measure = "m";
  c.rate = rate(r);
  return c;
}

inline RateComponent tiered(TierMode mode, std::vector<Tier> tiers, TierBasis basis = TierBasis::Attainment) {
  RateComponent c;
  c.measure = "m";
  TierTable t;
  t.basis = basis;
  t.mode = mode;
  t.tiers = std::move(tiers);
  c.table = t;
  return c;
}

}  // namespace salescomp::testing_support
