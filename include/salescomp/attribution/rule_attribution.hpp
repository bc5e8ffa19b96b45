#pragma once
// Runs one rule-based model over a PathTable.
#include "salescomp/attribution/attribution_result.hpp"
#include "salescomp/attribution/rule_model.hpp"
#include "salescomp/data/path_table.hpp"

namespace salescomp {

AttributionResult attribute_rule(const PathTable& paths, const RuleOptions& options);

// The exact per-touch weight of a time-decay model: 2^(-dt / half_life)
// computed with 50 significant digits and snapped once to 12 places
// (half-even). dt >= 0, half_life > 0.
Rate time_decay_weight(int64_t dt, int64_t half_life);
// factor^k with 50 digits, snapped once to 12 places.
Rate step_decay_weight(Rate factor, int64_t k);

}  // namespace salescomp
