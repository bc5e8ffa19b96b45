#pragma once
// Pacing and forecasts to the period end, for attainment rows whose period
// contains `as_of` (attainment computed with `through = as_of`).
//
//   elapsed    units of the period on or before as_of (calendar or business days)
//   expected   quota x elapsed / total, rounded once
//   gap        credited - expected (negative = behind)
//   on_pace    credited x total >= quota x elapsed (exact)
//   run_rate   credited x total / elapsed, rounded once (credited when elapsed = 0)
//   pipeline   Σ open opportunity amount x stage probability, rounded once per
//              subject, over opportunities expected to close in (as_of, period end]
//   pipeline_forecast  credited + pipeline
#include <cstdint>
#include <vector>

#include "salescomp/core/business_calendar.hpp"
#include "salescomp/core/fx_table.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/org/organisation.hpp"
#include "salescomp/quota/attainment.hpp"
#include "salescomp/quota/quota_settings.hpp"

namespace salescomp {

// Open opportunities (not yet closed deals).
struct OpportunityTable {
  std::vector<int32_t> owner;    // roster index
  std::vector<int32_t> measure;  // measure code the opportunity would credit
  std::vector<Date> expected_close;
  std::vector<int64_t> amount;  // minor units
  std::vector<Currency> currency;
  std::vector<int32_t> stage;  // index into the stage probabilities
  std::size_t size() const noexcept { return owner.size(); }
};

struct PacingSettings {
  TimeUnit unit = TimeUnit::CalendarDays;  // CalendarDays or BusinessDays
  RoundingMode rounding = RoundingMode::HalfEven;
};

struct PacingTable {
  std::vector<uint32_t> row;  // attainment row
  std::vector<int32_t> elapsed_units, total_units;
  std::vector<int64_t> expected, gap, run_rate, pipeline, pipeline_forecast;
  std::vector<uint8_t> on_pace;
  std::size_t size() const noexcept { return row.size(); }
};

struct PacingInputs {
  const Organisation& org;
  const BusinessCalendar* business = nullptr;
  const OpportunityTable* opportunities = nullptr;
  const std::vector<Rate>* stage_probability = nullptr;
  const FxTable* fx = nullptr;  // opportunities in another currency convert as of as_of
};

PacingTable compute_pacing(const AttainmentTable& attainment, Date as_of, const PacingInputs& inputs,
                           const PacingSettings& settings = {});

}  // namespace salescomp
