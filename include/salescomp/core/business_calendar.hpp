#pragma once
// Business days: weekdays that are not weekend days and not holidays.
// Counting over a range is O(log holidays), so proration and pacing by
// business days cost the same as by calendar days.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "salescomp/core/date.hpp"
#include "salescomp/core/error.hpp"

namespace salescomp {

class BusinessCalendar {
 public:
  // weekend[i] is true when ISO weekday i (0 = Monday .. 6 = Sunday) is a day off.
  // Holidays may repeat or fall on weekends; both are harmless.
  explicit BusinessCalendar(std::array<bool, 7> weekend = {false, false, false, false, false, true, true},
                            std::vector<Date> holidays = {})
      : weekend_(weekend) {
    if (std::all_of(weekend.begin(), weekend.end(), [](bool b) { return b; }))
      throw ValidationError("SC-CAL-WEEKEND", Issue{std::nullopt, "weekend", "all seven days",
                                                    "a week needs at least one business day"});
    for (int i = 0; i < 7; ++i) work_per_week_ += weekend[std::size_t(i)] ? 0 : 1;
    // Only holidays on working weekdays change a count.
    for (Date h : holidays)
      if (!weekend_[h.iso_weekday_index()]) holidays_.push_back(h);
    std::sort(holidays_.begin(), holidays_.end());
    holidays_.erase(std::unique(holidays_.begin(), holidays_.end()), holidays_.end());
  }

  const std::array<bool, 7>& weekend() const noexcept { return weekend_; }
  const std::vector<Date>& holidays() const noexcept { return holidays_; }

  bool is_business_day(Date d) const {
    return !weekend_[d.iso_weekday_index()] && !std::binary_search(holidays_.begin(), holidays_.end(), d);
  }

  // Business days in [first, last], both inclusive; 0 when last < first.
  int32_t count(Date first, Date last) const {
    if (last < first) return 0;
    const int32_t days = last - first + 1;
    int32_t n = (days / 7) * work_per_week_;
    unsigned wd = first.iso_weekday_index();
    for (int32_t i = 0; i < days % 7; ++i) n += weekend_[(wd + unsigned(i)) % 7] ? 0 : 1;
    const auto lo = std::lower_bound(holidays_.begin(), holidays_.end(), first);
    const auto hi = std::upper_bound(holidays_.begin(), holidays_.end(), last);
    return n - int32_t(hi - lo);
  }

 private:
  std::array<bool, 7> weekend_;
  int32_t work_per_week_ = 0;
  std::vector<Date> holidays_;  // sorted, unique, working weekdays only
};

}  // namespace salescomp
