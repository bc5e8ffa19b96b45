#pragma once
// Revenue (or any non-negative weight) per month for the cost lines that use
// AmortisationPattern::RevenueProportional. Only the proportions matter.
#include <cstdint>
#include <vector>

#include "salescomp/core/date.hpp"

namespace salescomp {

struct RevenueScheduleTable {
  std::vector<int64_t> line_id;
  std::vector<Date> month;      // any day of the month
  std::vector<int64_t> weight;  // >= 0, e.g. revenue in minor units

  std::size_t size() const noexcept { return line_id.size(); }
};

}  // namespace salescomp
