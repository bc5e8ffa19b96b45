#include "salescomp/attribution/synthetic_journeys.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "salescomp/core/error.hpp"
#include "uniform_unit.hpp"

namespace salescomp {

namespace {
// Uniform double in (0, 1) from the fully specified mt19937_64 stream.
}  // namespace

PathTable synthetic_journeys(const SyntheticJourneyOptions& o) {
  if (o.channels <= 0 || o.mean_length < 1 || !(o.conversion_rate >= 0 && o.conversion_rate <= 1))
    throw ValidationError("SC-ATTR-OPTION",
                          Issue{std::nullopt, "synthetic", std::to_string(o.channels),
                                "need channels > 0, mean_length >= 1, conversion_rate in [0, 1]"});
  std::mt19937_64 rng(o.seed);
  // Zipf cumulative weights for the channel draw.
  std::vector<double> cumulative(std::size_t(o.channels));
  double total = 0;
  for (int32_t c = 0; c < o.channels; ++c) cumulative[std::size_t(c)] = (total += 1.0 / double(c + 1));
  for (double& x : cumulative) x /= total;
  const double stop = o.mean_length > 1 ? 1.0 / o.mean_length : 1.0;  // P(no further touch)
  const double log_continue = std::log1p(-stop);
  int64_t scale = 1;
  for (int i = 0; i < o.currency.exponent(); ++i) scale *= 10;

  PathTable p;
  p.channel_count = o.channels;
  p.currency = o.currency;
  p.offsets.reserve(o.journeys + 1);
  p.channel.reserve(std::size_t(double(o.journeys) * o.mean_length * 1.05));
  p.conversions.reserve(o.journeys);
  p.nulls.reserve(o.journeys);
  p.value.reserve(o.journeys);
  p.row_id.reserve(o.journeys);
  for (std::size_t j = 0; j < o.journeys; ++j) {
    const std::size_t extra =
        stop >= 1.0 ? 0 : std::size_t(std::floor(std::log(detail::uniform_unit(rng)) / log_continue));
    const std::size_t length = 1 + std::min<std::size_t>(extra, 200);
    int64_t t = int64_t(rng() % 86400);
    for (std::size_t i = 0; i < length; ++i) {
      const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), detail::uniform_unit(rng));
      p.channel.push_back(int32_t(std::min<std::ptrdiff_t>(it - cumulative.begin(), o.channels - 1)));
      if (o.timestamps) {
        p.timestamp.push_back(t);
        t += int64_t(rng() % (3 * 86400));
      }
    }
    p.offsets.push_back(int64_t(p.channel.size()));
    const bool converted = detail::uniform_unit(rng) < o.conversion_rate;
    p.conversions.push_back(converted ? 1 : 0);
    p.nulls.push_back(converted ? 0 : 1);
    p.value.push_back(converted ? (10 + int64_t(rng() % 9991)) * scale + int64_t(rng() % uint64_t(scale))
                                : 0);
    p.row_id.push_back(int64_t(j));
  }
  return p;
}

}  // namespace salescomp
