#pragma once
// A fiscal period (week, month, quarter, half or year) as a closed range of
// calendar dates, plus the month arithmetic that calendars and ramps share.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "salescomp/core/date.hpp"
#include "salescomp/core/error.hpp"

namespace salescomp {

enum class PeriodKind : uint8_t { Week, Month, Quarter, Half, Year };

constexpr std::string_view to_string(PeriodKind k) noexcept {
  switch (k) {
    case PeriodKind::Week:
      return "week";
    case PeriodKind::Month:
      return "month";
    case PeriodKind::Quarter:
      return "quarter";
    case PeriodKind::Half:
      return "half";
    case PeriodKind::Year:
      return "year";
  }
  return "?";
}

inline PeriodKind period_kind_from_string(std::string_view s) {
  for (PeriodKind k :
       {PeriodKind::Week, PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Half, PeriodKind::Year})
    if (to_string(k) == s) return k;
  throw ValidationError("SC-PERIOD-KIND", Issue{std::nullopt, "period_kind", std::string(s),
                                                "expected week, month, quarter, half or year"});
}

struct Period {
  PeriodKind kind = PeriodKind::Month;
  int32_t fiscal_year = 0;  // named by the calendar year in which the fiscal year ends
  int32_t number = 0;       // 1-based within the fiscal year (month 1..12, quarter 1..4, ...)
  Date first;               // first day, inclusive
  Date last;                // last day, inclusive

  // fiscal_year * 100 + number: sortable, unique within one kind.
  constexpr int32_t key() const noexcept { return fiscal_year * 100 + number; }
  constexpr int32_t days() const noexcept { return last - first + 1; }
  constexpr bool contains(Date d) const noexcept { return first <= d && d <= last; }
  // "FY2027-Q3", "FY2027-M07", "FY2027-W05", "FY2027-H1", "FY2027".
  std::string label() const {
    std::string s = "FY" + std::to_string(fiscal_year);
    auto two = [](int n) { return (n < 10 ? "0" : "") + std::to_string(n); };
    switch (kind) {
      case PeriodKind::Week:
        return s + "-W" + two(number);
      case PeriodKind::Month:
        return s + "-M" + two(number);
      case PeriodKind::Quarter:
        return s + "-Q" + std::to_string(number);
      case PeriodKind::Half:
        return s + "-H" + std::to_string(number);
      case PeriodKind::Year:
        return s;
    }
    return s;
  }
  friend constexpr bool operator==(const Period&, const Period&) noexcept = default;
};

// `d` moved by `months` calendar months, the day clamped to the target month's
// length (Jan 31 + 1 month = Feb 28/29): how tenure months are counted.
inline Date add_months_clamped(Date d, int months) {
  using namespace std::chrono;
  const year_month_day ymd = d.ymd();
  const year_month ym = year_month(ymd.year(), ymd.month()) + std::chrono::months(months);
  const unsigned last = unsigned(year_month_day_last(ym.year(), month_day_last(ym.month())).day());
  const unsigned day = std::min(unsigned(ymd.day()), last);
  return Date::from_ymd(int(ym.year()), unsigned(ym.month()), day);
}

// Number of days in the calendar month containing `d`.
inline int32_t days_in_month(Date d) {
  using namespace std::chrono;
  const year_month_day ymd = d.ymd();
  return int32_t(unsigned(year_month_day_last(ymd.year(), month_day_last(ymd.month())).day()));
}

}  // namespace salescomp
