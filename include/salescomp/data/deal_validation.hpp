#pragma once
// Validation of a deal table against a roster of `people` people: every bad
// row is reported at once as Issue{row, field, value, rule}.
//
// Rules: all required columns have one value per deal and optional columns
// are empty or full; ids are unique; owner (and source_person, when not -1)
// are roster indexes; currencies are valid; new business, renewal, upsell and
// cross-sell amounts are >= 0 while cancellations and refunds are <= 0;
// cancellation is not before close; collection is not before invoice;
// term_months >= 0.
#include <cstddef>

#include "salescomp/data/deal_table.hpp"

namespace salescomp {

void validate_deals(const DealTable& deals, std::size_t people);

}  // namespace salescomp
