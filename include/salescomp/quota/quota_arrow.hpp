#pragma once
// The quota area's tables across the Arrow boundary (schemas in
// docs/tables.md): quotas, quota relief and ramp assignments in; effective
// quotas and attainment out. People and teams are named by their ids;
// measures by name. Every bad cell of a table is reported in one
// ValidationError (source, 1-based row, field, value, rule).
#include <string>
#include <unordered_map>
#include <vector>

#include "salescomp/arrow/export_table.hpp"
#include "salescomp/arrow/imported_table.hpp"
#include "salescomp/core/fiscal_calendar.hpp"
#include "salescomp/org/organisation.hpp"
#include "salescomp/quota/attainment.hpp"
#include "salescomp/quota/effective_quota.hpp"
#include "salescomp/quota/pacing.hpp"
#include "salescomp/quota/quota_relief.hpp"
#include "salescomp/quota/quota_table.hpp"

namespace salescomp {

// `measures` are the crediting rules' measure names; a quota row without a
// measure column is for the first one.
QuotaTable read_quotas(const arrow::ImportedTable& table, const Organisation& org,
                       const FiscalCalendar& calendar, const std::vector<std::string>& measures);
QuotaReliefTable read_quota_relief(const arrow::ImportedTable& table, const Organisation& org,
                                   const FiscalCalendar& calendar, const std::vector<std::string>& measures);
// One ramp index per roster person (-1: none); `ramp_index` maps ramp names.
std::vector<int32_t> read_ramp_assignments(const arrow::ImportedTable& table, const Organisation& org,
                                           const std::unordered_map<std::string, int32_t>& ramp_index);

// Open opportunities for pacing ("pipeline" schema); stages are looked up in
// `stage_index` (index into the stage probabilities).
OpportunityTable read_pipeline(const arrow::ImportedTable& table, const Organisation& org,
                               const std::vector<std::string>& measures,
                               const std::unordered_map<std::string, int32_t>& stage_index);

// Columns: subject, subject_kind, measure, period_kind, fiscal_year, number,
// period_start, period_end, base, adjusted, relief, quota, currency,
// active_units, total_units, relief_reason (the "effective_quotas" schema,
// which the commission run takes as its quotas).
arrow::ExportTable export_effective_quotas(const EffectiveQuotaTable& quotas, const Organisation& org,
                                           const std::vector<std::string>& measures);
// Columns: subject, subject_kind, measure, period_kind, fiscal_year, number,
// period_start, period_end, currency, credited, quota, attainment, attained,
// qtd_credited, qtd_quota, qtd_attainment, ytd_credited, ytd_quota,
// ytd_attainment, credit_count.
arrow::ExportTable export_attainment(const AttainmentTable& attainment, const Organisation& org,
                                     const std::vector<std::string>& measures);
// The attainment row's key columns, currency, credited and quota, then
// elapsed_units, total_units, expected, gap, run_rate, pipeline,
// pipeline_forecast, on_pace.
arrow::ExportTable export_pacing(const PacingTable& pacing, const AttainmentTable& attainment,
                                 const Organisation& org, const std::vector<std::string>& measures);

}  // namespace salescomp
