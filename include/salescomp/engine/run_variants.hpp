#pragma once
// Plan cost modelling: the period run of the whole roster under several plan
// variants in one call (docs/planning.md, "Plan cost").
//
// The run's inputs are given once (credits grouped by person once, quotas,
// assignments, period, prior state); each variant replaces some plans by id
// and may scale every quota by an exact factor. Every person is computed by
// the period run itself (engine/period_run.hpp, explanations off) under every
// variant, on the same credit rows, so each variant's payouts are exactly
// those of a separate run_period with that variant's plans and quotas.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/money.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/engine/run_types.hpp"

namespace salescomp {

// A variant of the base run: `plans` replace the base plans with the same id
// (an id not among the base plans is a ValidationError); `quota_factor`, when
// given, multiplies every quota amount exactly and rounds it half-even to the
// minor unit of the quota's currency, once per quota row.
struct PlanVariant {
  std::string name;
  std::vector<Plan> plans;
  std::optional<Rate> quota_factor;
};

// One variant's payouts, per person of VariantsResult::people.
struct VariantPayouts {
  std::string name;
  std::vector<int64_t> total;      // the statement total, minor units of `currency[k]`
  std::vector<Currency> currency;  // the person's plan currency under this variant
  std::vector<uint8_t> paid;       // 1: the person has at least one payout line
  // The sum of `total` per currency (checked against overflow), by currency code.
  std::vector<Money> totals;
};

struct VariantsResult {
  std::vector<int32_t> people;  // everyone with a plan in force during the period, ascending
  // What the pay-versus-attainment curve needs, from the base run's inputs:
  // per person, the person's first quota row (input order) and the credits
  // dated in the period in that quota's currency (every kind), exact.
  std::vector<int64_t> quota;            // minor units; 0 when the person has no quota row
  std::vector<Currency> quota_currency;  // meaningless when quota == 0
  std::vector<int64_t> credited;         // minor units of quota_currency
  std::vector<VariantPayouts> variants;  // in the order given
};

// Runs `base` once per variant (see above). Results do not depend on
// `threads`. Errors are the period run's (one ValidationError listing every
// failing person), plus SC-RUN-VARIANT for a replacement plan with an unknown
// id, a repeated variant name or a quota that overflows when scaled.
VariantsResult run_variants(const RunInput& base, const std::vector<PlanVariant>& variants,
                            const RunState& prior, int threads = 1);

}  // namespace salescomp
