#pragma once
// Touchpoint journeys -> one PathTable row per journey: touches sorted by
// (journey, timestamp, input row), outcomes joined by journey id.
#include "salescomp/data/path_table.hpp"
#include "salescomp/data/touchpoint_table.hpp"

namespace salescomp {

// Throws one ValidationError listing every bad row: channel out of range,
// outcome for a journey without touches, duplicate outcomes, value without a
// conversion, negative value, converted flag not 0/1, column lengths.
PathTable paths_from_touchpoints(const TouchpointTable& touches, const JourneyOutcomeTable& outcomes,
                                 int32_t channel_count);

}  // namespace salescomp
