#pragma once
// The fiscal calendar: which fiscal week, month, quarter, half and year a date
// belongs to.
//
// Month-based calendars: the fiscal year starts on the 1st of `start_month`
// and its months are calendar months. Week-based calendars (4-4-5, 4-5-4,
// 5-4-4): the fiscal year starts on the first `week_start` weekday on or after
// the 1st of `start_month`; years are 52 or 53 whole weeks and the 53rd week
// belongs to the last month. In both, fiscal year Y is the one that ENDS in
// calendar year Y (start month February: FY2027 = 2026-02-01 .. 2027-01-31;
// start month January: FY = calendar year). Fiscal weeks are 7-day blocks
// counted from the fiscal year start; in a month-based calendar the last week
// is cut short at the year end.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "salescomp/core/date.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/core/period.hpp"

namespace salescomp {

enum class QuarterPattern : uint8_t { CalendarMonths, Weeks445, Weeks454, Weeks544 };

constexpr std::string_view to_string(QuarterPattern p) noexcept {
  switch (p) {
    case QuarterPattern::CalendarMonths:
      return "calendar_months";
    case QuarterPattern::Weeks445:
      return "4-4-5";
    case QuarterPattern::Weeks454:
      return "4-5-4";
    case QuarterPattern::Weeks544:
      return "5-4-4";
  }
  return "?";
}

inline QuarterPattern quarter_pattern_from_string(std::string_view s) {
  for (QuarterPattern p : {QuarterPattern::CalendarMonths, QuarterPattern::Weeks445, QuarterPattern::Weeks454,
                           QuarterPattern::Weeks544})
    if (to_string(p) == s) return p;
  throw ValidationError("SC-CAL-PATTERN", Issue{std::nullopt, "pattern", std::string(s),
                                                "expected calendar_months, 4-4-5, 4-5-4 or 5-4-4"});
}

class FiscalCalendar {
 public:
  // start_month 1..12; week_start is an ISO weekday index (0 = Monday .. 6 = Sunday)
  // and matters only for week-based patterns.
  explicit FiscalCalendar(unsigned start_month = 1, QuarterPattern pattern = QuarterPattern::CalendarMonths,
                          unsigned week_start = 0)
      : start_month_(start_month), pattern_(pattern), week_start_(week_start) {
    std::vector<Issue> issues;
    if (start_month < 1 || start_month > 12)
      issues.push_back(Issue{std::nullopt, "start_month", std::to_string(start_month), "must be 1..12"});
    if (week_start > 6)
      issues.push_back(Issue{std::nullopt, "week_start", std::to_string(week_start),
                             "must be an ISO weekday index 0 (Monday) .. 6 (Sunday)"});
    if (!issues.empty()) throw ValidationError("SC-CAL-SETTINGS", std::move(issues));
    if (pattern_ != QuarterPattern::CalendarMonths) {
      static constexpr std::array<std::array<int, 3>, 3> kWeeks = {{{4, 4, 5}, {4, 5, 4}, {5, 4, 4}}};
      const auto& q = kWeeks[std::size_t(pattern_) - 1];
      int total = 0;
      for (int m = 0; m < 12; ++m) {
        total += q[std::size_t(m % 3)];
        month_end_week_[std::size_t(m)] = total;  // cumulative weeks at the end of month m
      }
    }
  }

  unsigned start_month() const noexcept { return start_month_; }
  QuarterPattern pattern() const noexcept { return pattern_; }
  unsigned week_start() const noexcept { return week_start_; }
  bool week_based() const noexcept { return pattern_ != QuarterPattern::CalendarMonths; }

  Date year_first(int fiscal_year) const {
    const Date anchor = Date::from_ymd(start_month_ == 1 ? fiscal_year : fiscal_year - 1, start_month_, 1);
    if (!week_based()) return anchor;
    const int shift = (int(week_start_) - int(anchor.iso_weekday_index()) + 7) % 7;
    return anchor.plus_days(shift);
  }
  Date year_last(int fiscal_year) const { return year_first(fiscal_year + 1).plus_days(-1); }

  int fiscal_year_of(Date d) const {
    int fy = start_month_ == 1 ? d.year() : d.year() + 1;
    // At most one step either way: year starts are within a week of the 1st.
    while (d < year_first(fy)) --fy;
    while (d > year_last(fy)) ++fy;
    return fy;
  }

  // Number of periods of `kind` in a fiscal year.
  int count(int fiscal_year, PeriodKind kind) const {
    switch (kind) {
      case PeriodKind::Week:
        return (year_last(fiscal_year) - year_first(fiscal_year)) / 7 + 1;
      case PeriodKind::Month:
        return 12;
      case PeriodKind::Quarter:
        return 4;
      case PeriodKind::Half:
        return 2;
      case PeriodKind::Year:
        return 1;
    }
    return 0;
  }

  // Period `number` (1-based) of `kind` in `fiscal_year`.
  Period period(int fiscal_year, PeriodKind kind, int number) const {
    const int n = count(fiscal_year, kind);
    if (number < 1 || number > n)
      throw ValidationError("SC-CAL-PERIOD",
                            Issue{std::nullopt, std::string(to_string(kind)), std::to_string(number),
                                  "FY" + std::to_string(fiscal_year) + " has " + std::to_string(n) + " " +
                                      std::string(to_string(kind)) + " periods"});
    const Date ys = year_first(fiscal_year);
    const Date ye = year_last(fiscal_year);
    Period p{kind, fiscal_year, number, ys, ye};
    switch (kind) {
      case PeriodKind::Week:
        p.first = ys.plus_days(7 * (number - 1));
        p.last = std::min(ye, p.first.plus_days(6));
        break;
      case PeriodKind::Month:
        p.first = month_first(fiscal_year, number);
        p.last = number == 12 ? ye : month_first(fiscal_year, number + 1).plus_days(-1);
        break;
      case PeriodKind::Quarter:
        p.first = month_first(fiscal_year, 3 * number - 2);
        p.last = number == 4 ? ye : month_first(fiscal_year, 3 * number + 1).plus_days(-1);
        break;
      case PeriodKind::Half:
        p.first = month_first(fiscal_year, 6 * number - 5);
        p.last = number == 2 ? ye : month_first(fiscal_year, 7).plus_days(-1);
        break;
      case PeriodKind::Year:
        break;
    }
    return p;
  }

  // The period of `kind` that contains `d`.
  Period period_of(Date d, PeriodKind kind) const {
    const int fy = fiscal_year_of(d);
    if (kind == PeriodKind::Year) return period(fy, kind, 1);
    if (kind == PeriodKind::Week) return period(fy, kind, (d - year_first(fy)) / 7 + 1);
    const int m = month_number_of(d, fy);
    switch (kind) {
      case PeriodKind::Month:
        return period(fy, kind, m);
      case PeriodKind::Quarter:
        return period(fy, kind, (m - 1) / 3 + 1);
      default:
        return period(fy, kind, (m - 1) / 6 + 1);
    }
  }

  std::vector<Period> periods(int fiscal_year, PeriodKind kind) const {
    std::vector<Period> out;
    const int n = count(fiscal_year, kind);
    out.reserve(std::size_t(n));
    for (int i = 1; i <= n; ++i) out.push_back(period(fiscal_year, kind, i));
    return out;
  }

  // Every period of `kind` that overlaps [first, last], in order.
  std::vector<Period> periods_between(Date first, Date last, PeriodKind kind) const {
    std::vector<Period> out;
    if (last < first) return out;
    Period p = period_of(first, kind);
    while (p.first <= last) {
      out.push_back(p);
      p = period_of(p.last.plus_days(1), kind);
    }
    return out;
  }

  // Fiscal month number (1..12) of `d` within fiscal year `fy`.
  int month_number_of(Date d, int fy) const {
    if (week_based()) {
      const int week = (d - year_first(fy)) / 7;  // 0-based; 52 is the 53rd week
      for (int m = 0; m < 12; ++m)
        if (week < month_end_week_[std::size_t(m)]) return m + 1;
      return 12;
    }
    return int((d.month() + 12 - start_month_) % 12) + 1;
  }

 private:
  Date month_first(int fy, int number) const {
    if (week_based())
      return year_first(fy).plus_days(7 * (number == 1 ? 0 : month_end_week_[std::size_t(number - 2)]));
    const int zero_based = int(start_month_) - 1 + number - 1;
    const int year = (start_month_ == 1 ? fy : fy - 1) + zero_based / 12;
    return Date::from_ymd(year, unsigned(zero_based % 12 + 1), 1);
  }

  unsigned start_month_;
  QuarterPattern pattern_;
  unsigned week_start_;
  std::array<int, 12> month_end_week_{};
};

}  // namespace salescomp
