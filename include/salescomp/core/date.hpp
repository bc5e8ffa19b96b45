#pragma once
// A calendar date (proleptic Gregorian), stored as days since 1970-01-01.
// Text form is strict ISO "YYYY-MM-DD".
#include <chrono>
#include <compare>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "salescomp/core/error.hpp"

namespace salescomp {

class Date {
 public:
  constexpr Date() noexcept = default;  // 1970-01-01
  static constexpr Date from_days(int32_t days_since_epoch) noexcept { return Date(days_since_epoch); }
  // Validated: 2026-02-30 is an error naming the value.
  static Date from_ymd(int year, unsigned month, unsigned day) {
    const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                          std::chrono::day(day)};
    if (!ymd.ok() || year < 1 || year > 9999)
      throw ValidationError("SC-DATE-INVALID", Issue{std::nullopt, "date",
                                                     std::to_string(year) + "-" + std::to_string(month) +
                                                         "-" + std::to_string(day),
                                                     "not a valid calendar date (years 1..9999)"});
    return Date(int32_t(std::chrono::sys_days(ymd).time_since_epoch().count()));
  }
  static Date parse(std::string_view text) {
    auto bad = [&]() {
      throw ValidationError("SC-DATE-FORMAT", Issue{std::nullopt, "date", std::string(text),
                                                    "expected an ISO date YYYY-MM-DD"});
    };
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') bad();
    auto digits = [&](std::size_t from, std::size_t count) {
      int v = 0;
      for (std::size_t i = from; i < from + count; ++i) {
        if (text[i] < '0' || text[i] > '9') bad();
        v = v * 10 + (text[i] - '0');
      }
      return v;
    };
    return from_ymd(digits(0, 4), unsigned(digits(5, 2)), unsigned(digits(8, 2)));
  }

  constexpr int32_t days() const noexcept { return days_; }
  std::chrono::year_month_day ymd() const {
    return std::chrono::year_month_day(std::chrono::sys_days(std::chrono::days(days_)));
  }
  int year() const { return int(ymd().year()); }
  unsigned month() const { return unsigned(ymd().month()); }
  unsigned day() const { return unsigned(ymd().day()); }
  // 0 = Monday ... 6 = Sunday (ISO order).
  unsigned iso_weekday_index() const {
    return std::chrono::weekday(std::chrono::sys_days(std::chrono::days(days_))).iso_encoding() - 1;
  }

  std::string to_string() const {
    const auto d = ymd();
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()), unsigned(d.day()));
    return buf;
  }

  constexpr Date plus_days(int32_t n) const noexcept { return Date(days_ + n); }
  friend constexpr int32_t operator-(Date a, Date b) noexcept { return a.days_ - b.days_; }
  friend constexpr auto operator<=>(Date, Date) noexcept = default;

 private:
  constexpr explicit Date(int32_t days) noexcept : days_(days) {}
  int32_t days_ = 0;
};

}  // namespace salescomp
