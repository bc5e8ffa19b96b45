#pragma once
// Inputs, state and outputs of a period run (engine/period_run.hpp).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "salescomp/core/date.hpp"
#include "salescomp/core/fx_table.hpp"
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
// One assignment covering the period: that plan pays the period. Several
// assignments inside the period split it into segments (see PlanChangeSplit).
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

// A mid-period plan change splits the period into segments, one per plan.
//   CreditsByDate    each segment's plan pays on the credits dated inside the
//                    segment, against the period's quotas prorated by the
//                    segment's share of the period's days
//   ProratedTargets  each segment's plan computes the whole period (all its
//                    credits, full quotas) and every line is prorated by the
//                    segment's share of days (rounded once, the plan's mode)
// In both, clawbacks and draws run once, in the last segment, on the
// earnings of the whole period.
enum class PlanChangeSplit : uint8_t { CreditsByDate, ProratedTargets };

// Which day's FX rate converts a credit into the plan currency.
enum class FxDateBasis : uint8_t { CreditDate, PeriodEnd };

// The currency a person is paid in, when it differs from the plan currency.
struct PayCurrency {
  int32_t person = 0;
  Currency currency;
};

// Cash collected on a deal (pay on collection), in the deal currency.
struct Collection {
  int64_t deal = 0;  // deal row
  Date date;
  int64_t amount = 0;  // minor units of the deal currency
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
  // Multi-currency. Credits in another currency than the person's plan are
  // converted into the plan currency (the plan's rounding mode, one rounding
  // per credit) at the credit date or the period end; statements are paid
  // in the person's pay currency (default: the plan currency), each line
  // converted at the period end and rounded once, the total their sum.
  const FxTable* fx = nullptr;
  FxDateBasis fx_date = FxDateBasis::CreditDate;
  std::vector<PayCurrency> pay_currencies;
  // Pay on collection: cash received per deal (a deal with a collection date
  // but no rows here counts as fully collected on that date).
  std::vector<Collection> collections;
  PlanChangeSplit plan_change = PlanChangeSplit::CreditsByDate;
};

// How a run is carried out; results do not depend on `threads`.
struct RunOptions {
  int threads = 1;
  // False: lines carry no explanation (explanation == kNoExplanation) and the
  // calculators skip their text; explain_line() recomputes one person's
  // explanations on demand with identical amounts.
  bool explanations = true;
};

// What earlier periods left behind, per person. Keys are component ids.
struct PersonState {
  Date year_start;                               // the year the *_in_year maps refer to
  Date quarter_start;                            // the quarter the *_in_quarter map refers to
  std::map<std::string, Money> paid_in_year;     // per component
  std::map<std::string, Money> paid_in_quarter;  // per component
  std::map<std::string, std::vector<std::string>> milestones_paid;  // per component
  // Deal row -> commission actually paid on it. Kept only for plans with a
  // clawback or deferred payout timing, and only while the deal can still be
  // clawed back or has earned commission not yet paid.
  std::map<int64_t, Money> paid_on_deal;
  std::map<int64_t, Money> earned_on_deal;  // deferred timing: commission earned on the deal
  DrawState draw;
};

using RunState = std::map<int32_t, PersonState>;

inline constexpr std::size_t kNoExplanation = static_cast<std::size_t>(-1);

// One payout line. `deal` is the deal row when the line comes from one deal
// (SPIF, clawback, payout timing), -1 otherwise. `amount` is in the plan
// currency; `pay_amount` is the same line in the person's pay currency.
struct PayoutLine {
  int32_t person = 0;
  Date period_start;
  std::string component;
  int64_t deal = -1;
  Money amount;
  std::size_t explanation = 0;  // index into RunResult::explanations, or kNoExplanation
  bool adjustment = false;      // a restatement delta of a closed period
  Money pay_amount;
};

struct Statement {
  int32_t person = 0;
  std::string plan;                // the plan id; "a -> b" when a plan change split the period
  std::vector<std::size_t> lines;  // indexes into RunResult::lines
  std::vector<std::pair<std::string, Money>> subtotals;  // by component, in plan order
  Money recoverable_balance;                             // after the period
  Money guarantee_balance;
  Money total;      // exact sum of the lines (plan currency)
  Money pay_total;  // exact sum of the lines' pay amounts (pay currency)
};

struct RunResult {
  std::vector<PayoutLine> lines;  // sorted by person, then plan component order, then deal
  std::vector<Explanation> explanations;
  std::vector<Statement> statements;  // one per person, by person
  RunState next_state;
};

}  // namespace salescomp
