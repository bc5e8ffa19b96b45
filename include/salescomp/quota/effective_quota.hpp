#pragma once
// Effective quotas: the quota table after ramps, proration (start, end,
// leaves) and relief. One rounding per row (the prorated/ramped amount, mode
// from QuotaSettings); relief is exact.
//
//   adjusted = round( Σ_units value(u) / total_units )   where value(u) is
//     quota x ramp%(tenure month of u) on active units (percent ramps),
//     the ramp amount on active units (absolute ramps), 0 on inactive units
//   final    = adjusted - Σ relief
// Team rows are not prorated or ramped (only relieved).
#include <cstdint>
#include <string>
#include <vector>

#include "salescomp/core/business_calendar.hpp"
#include "salescomp/core/fiscal_calendar.hpp"
#include "salescomp/org/organisation.hpp"
#include "salescomp/quota/quota_relief.hpp"
#include "salescomp/quota/quota_settings.hpp"
#include "salescomp/quota/quota_table.hpp"
#include "salescomp/quota/ramp.hpp"

namespace salescomp {

struct EffectiveQuotaTable {
  std::vector<SubjectKind> subject_kind;
  std::vector<int32_t> subject;
  std::vector<int32_t> measure;
  std::vector<Period> period;
  std::vector<Currency> currency;
  std::vector<int64_t> base;               // the quota table amount
  std::vector<int64_t> adjusted;           // after ramp and proration
  std::vector<int64_t> relief;             // sum of relief rows
  std::vector<int64_t> final_amount;       // adjusted - relief: what attainment divides by
  std::vector<int32_t> active_units;       // whole units with the person active (days or months)
  std::vector<int32_t> total_units;        // units in the period
  std::vector<std::string> relief_reason;  // reasons joined with "; "

  std::size_t size() const noexcept { return subject.size(); }
};

struct QuotaInputs {
  const Organisation& org;
  const FiscalCalendar& calendar;
  const BusinessCalendar* business = nullptr;  // needed for TimeUnit::BusinessDays
  const std::vector<RampSchedule>* ramps = nullptr;
  const std::vector<int32_t>* ramp_of_person = nullptr;  // index into ramps, -1 none; one per person
  const QuotaReliefTable* relief = nullptr;
};

// Rows come out sorted by (subject kind, subject, measure, period kind, first day).
EffectiveQuotaTable effective_quotas(const QuotaTable& quotas, const QuotaInputs& inputs,
                                     const QuotaSettings& settings = {});

}  // namespace salescomp
