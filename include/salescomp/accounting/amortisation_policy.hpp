#pragma once
// The accounting policy for commission costs (ASC 340-40 / IFRS 15), applied
// consistently to every line of a run. docs/accounting.md describes each option.
#include <cstdint>
#include <optional>
#include <string_view>

#include "salescomp/core/rate.hpp"
#include "salescomp/core/rounding.hpp"

namespace salescomp {

// Which month carries the first amortisation.
enum class MonthConvention : uint8_t {
  FullMonth,      // the contract start month gets a full month
  NextMonth,      // amortisation starts the month after the contract start
  DailyProrated,  // the start month gets (days left in it / days in it) of a month; a final
                  // partial month takes the rest (straight-line only; see docs)
};

// Where the cents that do not divide evenly go.
enum class RemainderPlacement : uint8_t {
  LargestRemainder,  // allocate_minor_into: each month within one cent of its exact share,
                     // ties to the earlier month
  FinalPeriodPlug,   // every month but the last rounded with AmortisationPolicy::plug_rounding
                     // (Down, i.e. truncated, by default), the last takes the rest
};

// What happens in the month of an early termination (churn).
enum class TerminationTiming : uint8_t {
  AmortiseThenWriteOff,  // that month's amortisation is booked, then the rest is written off
  WriteOffAll,           // the whole opening balance of that month is written off
};

struct AmortisationPolicy {
  // Expense immediately every incremental cost whose amortisation period is
  // 12 months or less (ASC 340-40-25-4 / IFRS 15.94). Applied to all lines.
  bool practical_expedient = false;
  // Expected customer life (months) for lines whose renewal commissions are
  // not commensurate and that carry no life of their own.
  std::optional<int32_t> expected_customer_life_months;
  // Otherwise derived from an annual churn rate c: life = 12 / c months,
  // rounded to whole months with `life_rounding`.
  std::optional<Rate> annual_churn_rate;
  RoundingMode life_rounding = RoundingMode::HalfEven;
  MonthConvention month_convention = MonthConvention::FullMonth;
  RemainderPlacement remainder = RemainderPlacement::LargestRemainder;
  // FinalPeriodPlug only: how the regular months are rounded (e.g. HalfEven,
  // as many accounting teams do); the last month takes the rest.
  RoundingMode plug_rounding = RoundingMode::Down;
  TerminationTiming termination = TerminationTiming::AmortiseThenWriteOff;
};

constexpr std::string_view to_string(MonthConvention c) noexcept {
  switch (c) {
    case MonthConvention::FullMonth:
      return "full_month";
    case MonthConvention::NextMonth:
      return "next_month";
    case MonthConvention::DailyProrated:
      return "daily_prorated";
  }
  return "?";
}
constexpr std::string_view to_string(RemainderPlacement r) noexcept {
  switch (r) {
    case RemainderPlacement::LargestRemainder:
      return "largest_remainder";
    case RemainderPlacement::FinalPeriodPlug:
      return "final_period_plug";
  }
  return "?";
}
constexpr std::string_view to_string(TerminationTiming t) noexcept {
  switch (t) {
    case TerminationTiming::AmortiseThenWriteOff:
      return "amortise_then_write_off";
    case TerminationTiming::WriteOffAll:
      return "write_off_all";
  }
  return "?";
}

}  // namespace salescomp
