#pragma once
// Small builders for attribution tests.
#include <algorithm>
#include <cstdint>
#include <random>
#include <salescomp/attribution/attribution_result.hpp>
#include <salescomp/data/path_table.hpp>
#include <vector>

namespace attribution_test {

using namespace salescomp;

struct Row {
  std::vector<int32_t> channels;
  int64_t conversions;
  int64_t nulls;
  int64_t value;  // minor units
  std::vector<int64_t> timestamps = {};
  std::vector<uint8_t> milestones = {};
};

inline PathTable table(int32_t channel_count, const std::vector<Row>& rows) {
  PathTable p;
  p.channel_count = channel_count;
  for (const Row& r : rows) {
    p.add_row(r.channels, r.conversions, r.nulls, r.value);
    p.timestamp.insert(p.timestamp.end(), r.timestamps.begin(), r.timestamps.end());
    p.milestones.insert(p.milestones.end(), r.milestones.begin(), r.milestones.end());
  }
  return p;
}

// Conversions (units) and value per channel code; 0 when absent.
inline std::vector<int64_t> conversions_by_channel(const AttributionResult& r, int32_t channels) {
  std::vector<int64_t> out(std::size_t(channels), 0);
  for (std::size_t i = 0; i < r.channels.size(); ++i)
    out[std::size_t(r.channels.channel[i])] += r.channels.conversions[i];
  return out;
}
inline std::vector<int64_t> value_by_channel(const AttributionResult& r, int32_t channels) {
  std::vector<int64_t> out(std::size_t(channels), 0);
  for (std::size_t i = 0; i < r.channels.size(); ++i)
    out[std::size_t(r.channels.channel[i])] += r.channels.value[i];
  return out;
}

// Random paths: `rows` rows, mean length about `mean_length`, some
// converting, values in cents. Seeded.
inline PathTable random_paths(std::size_t rows, int32_t channels, uint64_t seed, double mean_length = 4,
                              bool journeys = false) {
  std::mt19937_64 rng(seed);
  std::geometric_distribution<int> extra(1.0 / mean_length);
  std::uniform_int_distribution<int32_t> channel(0, channels - 1);
  std::uniform_int_distribution<int64_t> count(0, 5), cents(1, 100000);
  PathTable p;
  p.channel_count = channels;
  std::vector<int32_t> path;
  for (std::size_t r = 0; r < rows; ++r) {
    path.assign(std::size_t(1 + std::min(extra(rng), 30)), 0);
    for (auto& c : path) c = channel(rng);
    int64_t y, n;
    if (journeys) {
      y = (rng() % 3 == 0) ? 1 : 0;
      n = 1 - y;
    } else {
      y = count(rng);
      n = count(rng);
      if (y + n == 0) n = 1;
    }
    int64_t v = 0;
    for (int64_t k = 0; k < y; ++k) v += cents(rng);
    p.add_row(path, y, n, v);
  }
  return p;
}

}  // namespace attribution_test
