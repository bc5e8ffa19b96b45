#pragma once
// The amortisation schedule: one row per capitalised asset per month in which
// it has a balance or a movement, sorted by (line_id, month). Per row:
//   closing = opening + addition - reduction - amortisation - write_off
// and `current` is the part of `closing` that the schedule in force at the end
// of the month amortises within the next 12 months (non-current = closing - current).
#include <cstdint>
#include <vector>

#include "salescomp/accounting/month.hpp"

namespace salescomp {

struct AmortisationSchedule {
  std::vector<int32_t> asset;  // row of the AssetTable (same order as line_id there)
  std::vector<MonthIndex> month;
  std::vector<int64_t> opening;
  std::vector<int64_t> addition;
  std::vector<int64_t> reduction;
  std::vector<int64_t> amortisation;
  std::vector<int64_t> write_off;
  std::vector<int64_t> closing;
  std::vector<int64_t> current;

  std::size_t size() const noexcept { return asset.size(); }
  void reserve(std::size_t n) {
    asset.reserve(n), month.reserve(n), opening.reserve(n), addition.reserve(n);
    reduction.reserve(n), amortisation.reserve(n), write_off.reserve(n), closing.reserve(n);
    current.reserve(n);
  }
};

}  // namespace salescomp
