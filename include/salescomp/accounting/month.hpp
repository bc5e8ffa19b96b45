#pragma once
// Calendar months as integers: month index = year * 12 + (month - 1), so
// consecutive months are consecutive integers and "12 months later" is +12.
// Accounting periods here are calendar months.
#include <chrono>
#include <cstdint>

#include "salescomp/core/date.hpp"

namespace salescomp {

using MonthIndex = int32_t;

inline MonthIndex month_of(Date d) { return MonthIndex(d.year() * 12 + int(d.month()) - 1); }

// The first day of the month, the form months take in outputs.
inline Date month_start(MonthIndex m) { return Date::from_ymd(m / 12, unsigned(m % 12) + 1, 1); }

inline int32_t days_in_month(MonthIndex m) {
  const std::chrono::year_month_day_last last{
      std::chrono::year(m / 12), std::chrono::month_day_last(std::chrono::month(unsigned(m % 12) + 1))};
  return int32_t(unsigned(last.day()));
}

}  // namespace salescomp
