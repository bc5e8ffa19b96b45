#pragma once
// The pay period of a plan, and where the plan's one rounding happens.
#include <cstdint>
#include <string_view>

#include "salescomp/core/rounding.hpp"

namespace salescomp {

enum class PlanPeriod : uint8_t { Month, Quarter, Year };

constexpr std::string_view to_string(PlanPeriod p) noexcept {
  switch (p) {
    case PlanPeriod::Month:
      return "month";
    case PlanPeriod::Quarter:
      return "quarter";
    case PlanPeriod::Year:
      return "year";
  }
  return "?";
}

// PerLine: every payout line is rounded once on its own.
// PerStatement: lines stay exact until the statement total is rounded once;
// the rounded total is then allocated back to the lines (largest remainder)
// so the lines sum exactly to it.
enum class RoundingScope : uint8_t { PerLine, PerStatement };

constexpr std::string_view to_string(RoundingScope s) noexcept {
  return s == RoundingScope::PerLine ? "per_line" : "per_statement";
}

struct PlanRounding {
  RoundingMode mode = RoundingMode::HalfEven;
  RoundingScope scope = RoundingScope::PerLine;
};

// Which span a cumulative component or gate looks at: the period alone,
// quarter-to-date or year-to-date (fiscal).
enum class Accumulation : uint8_t { Period, QuarterToDate, YearToDate };

constexpr std::string_view to_string(Accumulation a) noexcept {
  switch (a) {
    case Accumulation::Period:
      return "period";
    case Accumulation::QuarterToDate:
      return "quarter_to_date";
    case Accumulation::YearToDate:
      return "year_to_date";
  }
  return "?";
}

}  // namespace salescomp
