#pragma once
// Ramps for new hires, by tenure month counted from the person's start date
// (not the fiscal calendar): tenure month 1 is [start, start + 1 month),
// month 2 is [start + 1 month, start + 2 months), ... (day clamped: a start
// on Jan 31 makes month 2 begin on Feb 28/29). After the schedule the full
// quota applies.
//   Percent  : the quota of a day in tenure month k is quota x percent[k]
//   Absolute : the month quota in tenure month k is amount[k] (monthly quota
//              periods only), replacing the plan quota
#include <cstdint>
#include <vector>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/rate.hpp"

namespace salescomp {

struct RampSchedule {
  enum class Kind : uint8_t { Percent, Absolute };
  Kind kind = Kind::Percent;
  std::vector<Rate> percent;    // Percent: per tenure month, e.g. 0, 0.25, 0.5, 0.75
  std::vector<int64_t> amount;  // Absolute: per tenure month, minor units of `currency`
  Currency currency{};

  std::size_t months() const noexcept { return kind == Kind::Percent ? percent.size() : amount.size(); }

  static RampSchedule percents(std::vector<Rate> p) {
    return RampSchedule{Kind::Percent, std::move(p), {}, {}};
  }
  static RampSchedule absolute(std::vector<int64_t> a, Currency c) {
    return RampSchedule{Kind::Absolute, {}, std::move(a), c};
  }
};

}  // namespace salescomp
