#pragma once
// The period run's tables read straight from Arrow (the C Data Interface):
// plan assignments, effective quotas and the deals the credits point at.
// Each table is bound against its declared schema (arrow/table_specs.hpp:
// unknown columns refused and named, integers range-checked) and every bad
// cell is listed in one ValidationError (source, 1-based row, field, value,
// rule). No per-row work happens outside these column scans.
//
// People are named by the user's ids (text, looked up in RunPeople) or, when
// the caller gives no ids, by run index (an integer column).
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "salescomp/arrow/imported_table.hpp"
#include "salescomp/data/deal_table.hpp"
#include "salescomp/engine/run_types.hpp"

namespace salescomp {

// The user's person ids by run index; empty: people are run indexes.
class RunPeople {
 public:
  RunPeople() = default;
  // A ValidationError when an id is given twice.
  explicit RunPeople(std::vector<std::string> ids);
  RunPeople(const RunPeople&) = delete;  // index_ points into ids_
  RunPeople& operator=(const RunPeople&) = delete;

  bool named() const noexcept { return !ids_.empty(); }
  std::size_t size() const noexcept { return ids_.size(); }
  // The run index of the id `id`, or -1.
  int32_t find(std::string_view id) const;

 private:
  std::vector<std::string> ids_;
  std::unordered_map<std::string_view, int32_t> index_;
};

// Plan assignments from the `plan_assignments` table (person_id, plan_id,
// from, [to]) or from the organisation's `assignments` table (person_id,
// field, value, from, [to]), of which the `plan` rows are read. Plans are
// named by their id among `plans`; rows keep their input order.
std::vector<PlanAssignment> read_plan_assignments(const arrow::ImportedTable& table,
                                                  const std::vector<Plan>& plans, const RunPeople& people);

// The quotas of the run from the `effective_quotas` table (what
// effective_quotas() returns): the person rows (team rows are skipped) whose
// period starts inside the run's period and whose period kind is the pay
// period of a plan the person is assigned in `assignments` (a quarterly plan
// reads the quarter's quota, never the months' or the year's as well; every
// row of the period when the table has no period_kind column).
std::vector<QuotaEntry> read_effective_quotas(const arrow::ImportedTable& table, const RunPeriod& period,
                                              const std::vector<Plan>& plans,
                                              const std::vector<PlanAssignment>& assignments,
                                              const RunPeople& people);

// The deals the credits point at (row = the credits' `deal`), from the
// `run_deals` table: close_date, optional deal_id (the user's ids, shown in
// explanations), cancellation/invoice/collection dates, amount + currency,
// term_months and product (the plan's product code).
DealTable read_run_deals(const arrow::ImportedTable& table);

}  // namespace salescomp
