#pragma once
// Private to the library: the period run of every person under several
// variations of one run (other plans, other quotas) in one pass, for
// run_variants (engine/run_variants.hpp). Defined in period_run.cpp beside the
// period run it reuses.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "salescomp/engine/run_types.hpp"

namespace salescomp::detail {

// One variation of a run: `plans` stand in for RunInput::plans (the same
// count and order, so assignments keep pointing at the same slots);
// `quotas` stand in for RunInput::quotas when not null.
struct RunVariation {
  const std::vector<Plan>* plans = nullptr;
  const std::vector<QuotaEntry>* quotas = nullptr;
};

// Runs every person of `in` (as run_period does, explanations off) under
// every variation: the credits are grouped by person once, and each person's
// rows are converted and sorted once per plan currency and reused by every
// variation. `visit(k, v, statement)` receives person `people[k]`'s statement
// under variation `v`; it is called from worker threads, never twice for the
// same (k, v), and concurrently only for different k. Returns `people`
// (ascending). Errors: one ValidationError listing every failing person (the
// first failing variation of each), as run_period.
std::vector<int32_t> run_period_variations(
    const RunInput& in, std::span<const RunVariation> variations, const RunState& prior, int threads,
    const std::function<void(std::size_t k, std::size_t v, const Statement& statement)>& visit);

}  // namespace salescomp::detail
