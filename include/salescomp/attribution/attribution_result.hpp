#pragma once
// What every attribution model returns: exact credits per channel (or per
// channel and touch position) and, optionally, per journey.
//
// Conversion credits are fixed point with 9 decimals (kConversionScale units
// per conversion); value credits are minor units of the run's currency. Both
// are allocated by largest remainder, so each path row's credits sum exactly
// to its conversions and value, and the channel totals to the grand totals.
#include <cstdint>
#include <vector>

#include "salescomp/core/currency.hpp"

namespace salescomp {

inline constexpr int kConversionDecimals = 9;
inline constexpr int64_t kConversionScale = 1'000'000'000;  // units per conversion

struct ChannelCredits {
  std::vector<int32_t> channel;      // ascending (then position)
  std::vector<int32_t> position;     // -1, or the touch position (ordered Shapley)
  std::vector<int64_t> conversions;  // units of 1 / kConversionScale conversions
  std::vector<int64_t> value;        // minor units of `currency`
  Currency currency;

  std::size_t size() const noexcept { return channel.size(); }
};

// One row per (journey or path row, channel[, position]) with a non-zero
// weight, ordered by row id then channel then position.
struct JourneyCredits {
  std::vector<int64_t> row_id;
  std::vector<int32_t> channel;
  std::vector<int32_t> position;
  std::vector<int64_t> conversions;
  std::vector<int64_t> value;

  std::size_t size() const noexcept { return row_id.size(); }
};

struct AttributionResult {
  ChannelCredits channels;
  JourneyCredits journeys;        // empty unless asked for
  int64_t total_conversions = 0;  // in units of kConversionScale
  int64_t total_value = 0;        // minor units
};

}  // namespace salescomp
