#include <gtest/gtest.h>

#include <salescomp/core/business_calendar.hpp>
#include <salescomp/core/fiscal_calendar.hpp>

using namespace salescomp;

namespace {
Date calendar_day(const char* s) { return Date::parse(s); }
}  // namespace

TEST(FiscalCalendar, FebruaryStartNamesTheYearItEndsIn) {
  const FiscalCalendar cal(2);
  // FY2027 = 2026-02-01 .. 2027-01-31.
  EXPECT_EQ(cal.year_first(2027), calendar_day("2026-02-01"));
  EXPECT_EQ(cal.year_last(2027), calendar_day("2027-01-31"));
  EXPECT_EQ(cal.fiscal_year_of(calendar_day("2026-01-31")), 2026);
  EXPECT_EQ(cal.fiscal_year_of(calendar_day("2026-02-01")), 2027);
  // May 2026 is fiscal month 4, in Q2 = May..Jul, in H1 = Feb..Jul.
  const Period q = cal.period_of(calendar_day("2026-05-15"), PeriodKind::Quarter);
  EXPECT_EQ(q.fiscal_year, 2027);
  EXPECT_EQ(q.number, 2);
  EXPECT_EQ(q.first, calendar_day("2026-05-01"));
  EXPECT_EQ(q.last, calendar_day("2026-07-31"));
  EXPECT_EQ(q.label(), "FY2027-Q2");
  EXPECT_EQ(cal.period_of(calendar_day("2026-05-15"), PeriodKind::Month).number, 4);
  const Period h = cal.period_of(calendar_day("2026-07-31"), PeriodKind::Half);
  EXPECT_EQ(h.number, 1);
  EXPECT_EQ(h.first, calendar_day("2026-02-01"));
  EXPECT_EQ(cal.period_of(calendar_day("2026-08-01"), PeriodKind::Half).number, 2);
  // Month 12 of FY2027 is January 2027.
  const Period m12 = cal.period(2027, PeriodKind::Month, 12);
  EXPECT_EQ(m12.first, calendar_day("2027-01-01"));
  EXPECT_EQ(m12.last, calendar_day("2027-01-31"));
}

TEST(FiscalCalendar, WeeksAreSevenDayBlocksFromTheYearStart) {
  const FiscalCalendar cal(1);
  // 2026-01-08 is day 8 -> week 2 = Jan 8..14; the last week (53) is Dec 31 alone.
  const Period w = cal.period_of(calendar_day("2026-01-08"), PeriodKind::Week);
  EXPECT_EQ(w.number, 2);
  EXPECT_EQ(w.first, calendar_day("2026-01-08"));
  EXPECT_EQ(w.last, calendar_day("2026-01-14"));
  EXPECT_EQ(cal.count(2026, PeriodKind::Week), 53);  // 365 = 52 x 7 + 1
  EXPECT_EQ(cal.period(2026, PeriodKind::Week, 53).days(), 1);
}

TEST(FiscalCalendar, FourFourFive) {
  const FiscalCalendar cal(1, QuarterPattern::Weeks445, 0);  // weeks start on Monday
  // 2026-01-01 is a Thursday: FY2026 starts on the first Monday, Jan 5; FY2027 on Jan 4 2027.
  EXPECT_EQ(cal.year_first(2026), calendar_day("2026-01-05"));
  EXPECT_EQ(cal.year_last(2026), calendar_day("2027-01-03"));  // 364 days = 52 weeks
  // Month 3 = weeks 9..13 = Mar 2 .. Apr 5; Q1 = 13 weeks = 91 days.
  const Period m3 = cal.period(2026, PeriodKind::Month, 3);
  EXPECT_EQ(m3.first, calendar_day("2026-03-02"));
  EXPECT_EQ(m3.last, calendar_day("2026-04-05"));
  EXPECT_EQ(cal.period(2026, PeriodKind::Quarter, 1).days(), 91);
  // FY2024 (Mon 2024-01-01 .. Sun 2025-01-05) has 53 weeks; the 53rd joins month 12 (6 weeks).
  EXPECT_EQ(cal.count(2024, PeriodKind::Week), 53);
  const Period m12 = cal.period(2024, PeriodKind::Month, 12);
  EXPECT_EQ(m12.first, calendar_day("2024-11-25"));  // 2024-01-01 + 47 weeks
  EXPECT_EQ(m12.last, calendar_day("2025-01-05"));
  EXPECT_EQ(cal.period_of(calendar_day("2025-01-05"), PeriodKind::Month).number, 12);
  EXPECT_EQ(cal.period_of(calendar_day("2025-01-06"), PeriodKind::Month).fiscal_year, 2025);
}

TEST(FiscalCalendar, OtherPatternsAndBadSettings) {
  const FiscalCalendar c454(1, QuarterPattern::Weeks454, 0), c544(1, QuarterPattern::Weeks544, 0);
  EXPECT_EQ(c454.period(2026, PeriodKind::Month, 2).days(), 35);  // 4-5-4: month 2 has 5 weeks
  EXPECT_EQ(c544.period(2026, PeriodKind::Month, 1).days(), 35);  // 5-4-4: month 1 has 5 weeks
  EXPECT_THROW(FiscalCalendar(13), ValidationError);
  EXPECT_THROW(FiscalCalendar(1, QuarterPattern::Weeks445, 7), ValidationError);
  EXPECT_THROW(FiscalCalendar(1).period(2026, PeriodKind::Quarter, 5), ValidationError);
}

TEST(FiscalCalendar, EveryDayBelongsToExactlyOnePeriodOfEachKind) {
  for (const FiscalCalendar& cal :
       {FiscalCalendar(1), FiscalCalendar(7), FiscalCalendar(2, QuarterPattern::Weeks445, 6)}) {
    for (PeriodKind k :
         {PeriodKind::Week, PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Half, PeriodKind::Year}) {
      const auto ps = cal.periods(2026, k);
      EXPECT_EQ(ps.front().first, cal.year_first(2026));
      EXPECT_EQ(ps.back().last, cal.year_last(2026));
      for (std::size_t i = 1; i < ps.size(); ++i) EXPECT_EQ(ps[i].first, ps[i - 1].last.plus_days(1));
      for (const Period& p : ps) {
        EXPECT_EQ(cal.period_of(p.first, k), p);
        EXPECT_EQ(cal.period_of(p.last, k), p);
      }
    }
  }
}

TEST(BusinessCalendar, WeekendsAndHolidays) {
  // January 2026: 22 weekdays; holidays Jan 1 (Thu) and Jan 19 (Mon) remove 2,
  // Jan 17 (a Saturday) removes nothing: 20.
  const BusinessCalendar cal({false, false, false, false, false, true, true},
                             {calendar_day("2026-01-01"), calendar_day("2026-01-19"),
                              calendar_day("2026-01-17"), calendar_day("2026-01-19")});
  EXPECT_EQ(cal.count(calendar_day("2026-01-01"), calendar_day("2026-01-31")), 20);
  EXPECT_FALSE(cal.is_business_day(calendar_day("2026-01-01")));
  EXPECT_TRUE(cal.is_business_day(calendar_day("2026-01-02")));
  EXPECT_FALSE(cal.is_business_day(calendar_day("2026-01-03")));
  EXPECT_EQ(cal.count(calendar_day("2026-01-02"), calendar_day("2026-01-01")), 0);
  // Brute force agrees on every range of a year.
  for (int a = 0; a < 365; a += 13)
    for (int b = a; b < 365; b += 29) {
      int n = 0;
      for (int d = a; d <= b; ++d) n += cal.is_business_day(calendar_day("2026-01-01").plus_days(d));
      EXPECT_EQ(cal.count(calendar_day("2026-01-01").plus_days(a), calendar_day("2026-01-01").plus_days(b)),
                n);
    }
  // A Friday/Saturday weekend.
  const BusinessCalendar gulf({false, false, false, false, true, true, false});
  EXPECT_TRUE(gulf.is_business_day(calendar_day("2026-01-04")));   // Sunday
  EXPECT_FALSE(gulf.is_business_day(calendar_day("2026-01-02")));  // Friday
  EXPECT_THROW(BusinessCalendar({true, true, true, true, true, true, true}), ValidationError);
}
