#pragma once
// How quotas are prorated, and how pacing counts time.
#include <cstdint>
#include <string>
#include <string_view>

#include "salescomp/core/error.hpp"
#include "salescomp/core/rounding.hpp"

namespace salescomp {

// Units of time for proration and pacing:
//   CalendarDays  every day of the period counts one
//   BusinessDays  only business days (weekends and holidays excluded)
//   Months        each fiscal month of the period counts one; a partly active
//                 month counts active days / days of that month. Periods
//                 shorter than a month (weeks) fall back to calendar days.
enum class TimeUnit : uint8_t { CalendarDays, BusinessDays, Months };

constexpr std::string_view to_string(TimeUnit u) noexcept {
  switch (u) {
    case TimeUnit::CalendarDays:
      return "calendar_days";
    case TimeUnit::BusinessDays:
      return "business_days";
    case TimeUnit::Months:
      return "months";
  }
  return "?";
}

inline TimeUnit time_unit_from_string(std::string_view s) {
  for (TimeUnit u : {TimeUnit::CalendarDays, TimeUnit::BusinessDays, TimeUnit::Months})
    if (to_string(u) == s) return u;
  throw ValidationError("SC-QUOTA-UNIT", Issue{std::nullopt, "unit", std::string(s),
                                               "expected calendar_days, business_days or months"});
}

struct QuotaSettings {
  TimeUnit proration = TimeUnit::CalendarDays;
  bool prorate_leaves = true;                      // days on leave count as inactive
  RoundingMode rounding = RoundingMode::HalfEven;  // the one rounding of each prorated quota
};

}  // namespace salescomp
