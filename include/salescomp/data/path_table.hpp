#pragma once
// Paths as columns in compressed rows: the aggregated format of the field's
// tools ("search > email > direct" with conversions, value and nulls) and, one
// row per journey, what touchpoint journeys become. Every attribution model
// reads a PathTable.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "salescomp/core/currency.hpp"

namespace salescomp {

struct PathTable {
  // Touches of row r are [offsets[r], offsets[r+1]) in the touch columns.
  std::vector<int64_t> offsets{0};
  std::vector<int32_t> channel;     // dictionary code per touch
  std::vector<int64_t> timestamp;   // empty, or per touch (time decay)
  std::vector<uint8_t> milestones;  // empty, or MilestoneFlag bits per touch (W-shaped, full path)
  // Per row.
  std::vector<int64_t> conversions;      // y >= 0
  std::vector<int64_t> nulls;            // n >= 0 (non-converting journeys of this path)
  std::vector<int64_t> value;            // minor units of `currency`, >= 0; 0 unless conversions > 0
  std::vector<int64_t> conversion_time;  // empty, or per row (step-wise time decay)
  std::vector<int64_t> row_id;           // journey id or input row number (lineage, tie order)
  Currency currency = Currency::of("USD");
  int32_t channel_count = 0;
  std::vector<std::string> channel_names;  // optional, channel_count names

  std::size_t rows() const noexcept { return offsets.size() - 1; }
  std::size_t touches() const noexcept { return channel.size(); }
  std::size_t length(std::size_t r) const noexcept { return std::size_t(offsets[r + 1] - offsets[r]); }
  std::span<const int32_t> path(std::size_t r) const noexcept {
    return {channel.data() + offsets[r], length(r)};
  }

  // Appends one row (for builders and tests).
  void add_row(std::span<const int32_t> channels, int64_t y, int64_t n, int64_t v) {
    channel.insert(channel.end(), channels.begin(), channels.end());
    offsets.push_back(int64_t(channel.size()));
    conversions.push_back(y);
    nulls.push_back(n);
    value.push_back(v);
    row_id.push_back(int64_t(rows() - 1));
  }
};

// Checks a PathTable and throws one ValidationError listing every bad row:
// empty paths, channel codes out of range, negative counts or value, value
// without conversions, rows with no journeys, column lengths.
void validate_path_table(const PathTable& paths);

}  // namespace salescomp
