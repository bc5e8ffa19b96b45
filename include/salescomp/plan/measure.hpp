#pragma once
// A measure: which credits count toward a number the plan pays on, and how
// they are aggregated (sum of credited amounts, or count of credit rows).
// An empty filter list means "any".
#include <cstdint>
#include <string>
#include <vector>

#include "salescomp/core/rate.hpp"
#include "salescomp/credit/credit_kind.hpp"
#include "salescomp/data/deal_type.hpp"

namespace salescomp {

enum class MeasureAggregation : uint8_t { Sum, Count };

constexpr std::string_view to_string(MeasureAggregation a) noexcept {
  return a == MeasureAggregation::Sum ? "sum" : "count";
}

// A crediting weight (kicker on the measure): credits matching the filter
// count `factor` times, e.g. multi-year deals at 1.2. Filters are ANDed;
// min_term_months 0 means any term.
struct MeasureMultiplier {
  std::vector<DealType> deal_types;
  std::vector<int32_t> products;
  int32_t min_term_months = 0;
  Rate factor = Rate::from_int(1);
};

struct Measure {
  std::string id;
  std::vector<DealType> deal_types;
  std::vector<int32_t> products;
  std::vector<CreditKind> credit_kinds;
  MeasureAggregation aggregation = MeasureAggregation::Sum;
  std::vector<MeasureMultiplier> multipliers;  // first matching one applies
};

}  // namespace salescomp
