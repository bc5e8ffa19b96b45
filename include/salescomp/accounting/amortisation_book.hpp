#pragma once
// AmortisationBook: commission costs, their events and the policy, validated
// and decided once; then the asset table, the amortisation schedule, the
// roll-forward and the journal, all exact to the minor unit and independent of
// input row order. Construction throws one ValidationError listing every bad
// row of every input table (fields of events and revenue rows are prefixed
// "event." and "revenue.").
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include "salescomp/accounting/amortisation_policy.hpp"
#include "salescomp/accounting/amortisation_schedule.hpp"
#include "salescomp/accounting/asset_event_table.hpp"
#include "salescomp/accounting/asset_table.hpp"
#include "salescomp/accounting/commission_cost_table.hpp"
#include "salescomp/accounting/journal_table.hpp"
#include "salescomp/accounting/month.hpp"
#include "salescomp/accounting/revenue_schedule_table.hpp"
#include "salescomp/accounting/roll_forward_table.hpp"
#include "salescomp/core/currency.hpp"

namespace salescomp {

// What happened to one asset (or expensed line) in one month.
struct AssetMonth {
  int64_t opening = 0;
  int64_t addition = 0;
  int64_t reduction = 0;
  int64_t amortisation = 0;
  int64_t write_off = 0;
  int64_t closing = 0;
  int64_t current = 0;
  int64_t expensed = 0;        // cost expensed as incurred (not capitalised)
  int64_t expense_credit = 0;  // clawback beyond the balance, credited to expense
};

class AmortisationBook {
 public:
  AmortisationBook(CommissionCostTable costs, AssetEventTable events, RevenueScheduleTable revenue,
                   AmortisationPolicy policy);

  const AmortisationPolicy& policy() const noexcept { return policy_; }
  std::size_t asset_count() const noexcept { return order_.size(); }

  AssetTable assets() const;
  AmortisationSchedule schedule() const;
  // Months [from, to] for every currency; by default the whole span of the book.
  RollForwardTable roll_forward(std::optional<MonthIndex> from = std::nullopt,
                                std::optional<MonthIndex> to = std::nullopt) const;
  JournalTable journal(std::optional<MonthIndex> from = std::nullopt,
                       std::optional<MonthIndex> to = std::nullopt) const;

  // Calls visit(asset_row, month, const AssetMonth&) for every asset (in
  // line_id order) and month with a balance or movement, expensed lines
  // included. The building block of the outputs above.
  template <class Visit>
  void for_each_month(Visit&& visit) const {
    using V = std::remove_reference_t<Visit>;
    run_all([](void* context, std::size_t asset, MonthIndex month,
               const AssetMonth& movement) { (*static_cast<V*>(context))(asset, month, movement); },
            const_cast<void*>(static_cast<const void*>(&visit)));
  }

  using EmitMonth = void (*)(void* context, std::size_t asset, MonthIndex month, const AssetMonth& movement);
  // for_each_month without the template: one call per asset-month.
  void run_all(EmitMonth emit, void* context) const;

 private:
  struct Decided {
    int32_t row;  // row of the cost table
    CostTreatment treatment;
    PeriodBasis basis;
    int32_t period;
    MonthIndex incurred;
    MonthIndex first;        // first amortisation month
    int32_t first_weight;    // DailyProrated: days of the first month in service, else 0
    int32_t month_weight;    // DailyProrated: days of the start month, else 0
    int16_t currency_index;  // into currencies_
  };
  class Runner;
  friend class Runner;

  void validate_and_decide();

  CommissionCostTable costs_;
  AssetEventTable events_;
  RevenueScheduleTable revenue_;
  AmortisationPolicy policy_;
  std::vector<Decided> order_;           // assets in line_id order
  std::vector<uint32_t> event_offsets_;  // events of asset a: event_rows_[off[a], off[a+1])
  std::vector<uint32_t> event_rows_;     // sorted by (date, kind, amount, months) within an asset
  std::vector<MonthIndex> event_month_;  // per event row
  std::vector<uint32_t> revenue_offsets_;
  std::vector<uint32_t> revenue_rows_;  // sorted by month within an asset
  std::vector<Currency> currencies_;    // sorted by code
  MonthIndex first_month_ = 0;          // earliest incurred month of the book
};

// The journal for a roll-forward (one balanced entry per movement).
JournalTable build_journal(const RollForwardTable& roll_forward);

}  // namespace salescomp
