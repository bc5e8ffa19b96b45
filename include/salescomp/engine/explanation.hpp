#pragma once
// The explanation of one payout amount: the chain from the measure to the
// cents, structured for programs (fields) and readable for people (to_text).
#include <optional>
#include <string>
#include <vector>

#include "salescomp/core/money.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/engine/exact_amount.hpp"

namespace salescomp {

struct Explanation {
  std::string component_id;
  std::string component_type;
  std::optional<Money> measure;  // the measured value the component paid on
  std::optional<int64_t> count;  // count measures (per_unit)
  std::optional<Money> quota;
  // Display only, HalfEven to 12 places: decisions compared the exact ratio.
  std::optional<Rate> attainment;
  std::string band;                  // which band / curve segment / milestone / step applied
  std::optional<Rate> rate;          // the rate (or factor) that applied, when there is one
  std::string formula;               // the arithmetic, with the values
  std::string exact_value;           // the unrounded result (exact decimal, or ~12 places if it repeats)
  std::string rounding;              // the one rounding: mode, unit, before -> after
  std::vector<std::string> applied;  // gates, caps, accelerators, kickers that changed the result
  std::optional<Money> prior_paid;   // paid earlier in the span and netted (true-up)
  Money amount;

  std::string to_text() const {
    std::string s = component_id + " (" + component_type + "): " + amount.format() + "\n";
    if (measure) s += "  measure     " + measure->format() + "\n";
    if (count) s += "  count       " + std::to_string(*count) + "\n";
    if (quota) s += "  quota       " + quota->format() + "\n";
    if (attainment) s += "  attainment  " + attainment->to_short_string() + "\n";
    if (!band.empty()) s += "  band        " + band + "\n";
    if (rate) s += "  rate        " + rate->to_short_string() + "\n";
    if (!formula.empty()) s += "  formula     " + formula + "\n";
    if (!exact_value.empty()) s += "  exact       " + exact_value + "\n";
    for (const std::string& a : applied) s += "  applied     " + a + "\n";
    if (prior_paid) s += "  prior paid  " + prior_paid->format() + " (netted)\n";
    if (!rounding.empty()) s += "  rounding    " + rounding + "\n";
    return s;
  }
};

// An amount with the explanation of how it was reached.
struct ComponentResult {
  Money amount;
  Explanation explanation;
  ExactAmount exact;  // the value before the rounding, in minor units
};

}  // namespace salescomp
