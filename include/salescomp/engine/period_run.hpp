#pragma once
// The commission run of one period: for every person with a plan in force
// at some day of the period, measures from credits -> attainment against
// quotas -> components -> payout lines with explanations -> a statement;
// plus the state the next period starts from. Several plans in force during
// the period split it (RunInput::plan_change). Pure: the same inputs give the same bytes for any thread
// count and any order of the input rows (people are computed independently
// and merged in person order; each person's credits are sorted by
// (date, deal, rule, kind, amount) before use).
//
// Order within a person: measure-based components, milestones, SPIFs and
// MBOs in plan order; then clawbacks of deals cancelled in the period; then
// deferred payout timing (per deal: held back or released); then the draw on
// the earnings of all of those. Commission of measure-based
// components is attributed to the period's deals pro rata to credit (largest
// remainder) so a later clawback knows what was actually paid on a deal.
//
// Rounding: per_line rounds every line once. per_statement rounds the exact
// sum of the period's component lines once and allocates the cents back
// (floors, then one unit to the largest fractional parts); clawback lines
// (which net amounts already paid) and draw lines are exact or rounded on
// their own. Credits in another currency are converted with RunInput::fx.
#include <cstdint>
#include <optional>

#include "salescomp/engine/run_types.hpp"

namespace salescomp {

RunResult run_period(const RunInput& input, const RunState& prior, int threads = 1);
RunResult run_period(const RunInput& input, const RunState& prior, const RunOptions& options);

// The explanation of `result.lines[line]` by recomputing that person alone
// with explanations on (for runs made with RunOptions::explanations off).
// `input` and `prior` must be the ones the result was computed from; a
// mismatch is a LookupError.
Explanation explain_line(const RunInput& input, const RunState& prior, const RunResult& result,
                         std::size_t line);

// Restatement of a closed period as deltas: for every (person, component,
// deal) key, recomputed minus closed, posted in `open_period_start` as
// adjustment lines (explanations point at the recomputed ones). Identical
// inputs give no lines.
std::vector<PayoutLine> restatement_adjustments(const RunResult& closed, const RunResult& recomputed,
                                                Date open_period_start);

// Marginal earnings of a hypothetical credit for one person: the person's
// statement total with the credit minus without it (nothing else is re-run).
struct WhatIf {
  Money without;
  Money with;
  Money marginal;
};
WhatIf what_if(const RunInput& input, const RunState& prior, int32_t person, Date date, int64_t amount_minor,
               DealType deal_type, CreditKind kind, int32_t product = -1);

}  // namespace salescomp
