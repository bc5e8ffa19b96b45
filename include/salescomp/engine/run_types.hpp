#pragma once
// Inputs, state and outputs of a period run (engine/period_run.hpp).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "salescomp/core/date.hpp"
#include "salescomp/core/money.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/credit/credit_table.hpp"
#include "salescomp/data/deal_table.hpp"
#include "salescomp/engine/draw_calculator.hpp"
#include "salescomp/engine/explanation.hpp"
#include "salescomp/plan/plan.hpp"

namespace salescomp {

// The period being run and the spans cumulative components look at.
struct RunPeriod {
  Date start;
  Date end;            // inclusive
  Date quarter_start;  // start of the fiscal quarter containing the period
  Date year_start;     // start of the fiscal year containing the period
};

// Person -> plan, effective from `from` to `to` (inclusive; absent: open).
// The run uses the assignment in force on the period's last day.
struct PlanAssignment {
  int32_t person = 0;
  std::size_t plan = 0;  // index into RunInput::plans
  Date from;
  std::optional<Date> to;
};

// A person's quota for one measure and one pay period (starting `period_start`).
// Cumulative spans add up the quotas of the periods they cover.
struct QuotaEntry {
  int32_t person = 0;
  std::string measure;
  Date period_start;
  Money amount;
};

// Entered MBO achievements for the period.
struct MboEntry {
  int32_t person = 0;
  std::string component;
  std::string objective;
  Rate achievement;
};

struct RunInput {
  std::vector<Plan> plans;
  std::vector<PlanAssignment> assignments;
  // Credits of the fiscal year to date (at least from year_start to the
  // period end), any order; amounts in each person's plan currency.
  const CreditTable* credits = nullptr;
  // Deals the credits point at (product, term for measure filters and
  // multipliers; cancellation dates for clawbacks). May be null when no plan
  // needs them.
  const DealTable* deals = nullptr;
  std::vector<QuotaEntry> quotas;
  std::vector<MboEntry> mbo;
  RunPeriod period;
};

// What earlier periods left behind, per person. Keys are component ids.
struct PersonState {
  Date year_start;                               // the year the *_in_year maps refer to
  Date quarter_start;                            // the quarter the *_in_quarter map refers to
  std::map<std::string, Money> paid_in_year;     // per component
  std::map<std::string, Money> paid_in_quarter;  // per component
  std::map<std::string, std::vector<std::string>> milestones_paid;  // per component
  std::map<int64_t, Money> paid_on_deal;  // deal row -> commission paid on it (clawbacks)
  DrawState draw;
};

using RunState = std::map<int32_t, PersonState>;

// One payout line. `deal` is the deal row when the line comes from one deal
// (SPIF, clawback), -1 otherwise.
struct PayoutLine {
  int32_t person = 0;
  Date period_start;
  std::string component;
  int64_t deal = -1;
  Money amount;
  std::size_t explanation = 0;  // index into RunResult::explanations
  bool adjustment = false;      // a restatement delta of a closed period
};

struct Statement {
  int32_t person = 0;
  std::string plan;
  std::vector<std::size_t> lines;                        // indexes into RunResult::lines
  std::vector<std::pair<std::string, Money>> subtotals;  // by component, in plan order
  Money recoverable_balance;                             // after the period
  Money guarantee_balance;
  Money total;  // exact sum of the lines
};

struct RunResult {
  std::vector<PayoutLine> lines;  // sorted by person, then plan component order, then deal
  std::vector<Explanation> explanations;
  std::vector<Statement> statements;  // one per person, by person
  RunState next_state;
};

}  // namespace salescomp
