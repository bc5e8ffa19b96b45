#pragma once
// Touchpoint journeys as columns: one row per touch (journey, time, channel,
// milestone flags), and one row per journey outcome (converted, value). The
// attribution builders turn them into a PathTable (one row per journey).
// Channels are dictionary codes 0..channel_count-1; the names live with the
// loader (Python factorises strings without per-row work).
#include <cstdint>
#include <vector>

#include "salescomp/core/currency.hpp"

namespace salescomp {

// Milestones of a B2B journey, as bit flags on the touch where they happened.
enum MilestoneFlag : uint8_t {
  kLeadCreated = 1,
  kOpportunityCreated = 2,
  kClosedWon = 4,
};

struct TouchpointTable {
  std::vector<int64_t> journey;     // journey (or opportunity) id
  std::vector<int64_t> timestamp;   // any integer clock (seconds by convention); orders touches
  std::vector<int32_t> channel;     // dictionary code, 0 <= code < channel_count
  std::vector<uint8_t> milestones;  // empty, or MilestoneFlag bits per touch

  std::size_t size() const noexcept { return journey.size(); }
};

// Outcomes per journey. Journeys that have touches but no outcome row did not
// convert; an outcome row whose journey has no touches is an error.
struct JourneyOutcomeTable {
  std::vector<int64_t> journey;
  std::vector<uint8_t> converted;        // 0 or 1
  std::vector<int64_t> value;            // minor units of `currency`; 0 when not converted
  std::vector<int64_t> conversion_time;  // empty, or the conversion's clock value per row
  Currency currency;                     // one currency per attribution run

  std::size_t size() const noexcept { return journey.size(); }
};

}  // namespace salescomp
