#include "salescomp/quota/distribution.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "salescomp/core/error.hpp"
#include "salescomp/core/exact_compare.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

AttainmentDistribution attainment_distribution(std::span<const int64_t> credited,
                                               std::span<const int64_t> quota,
                                               std::span<const Rate> percentiles, std::span<const Rate> edges,
                                               Rate threshold) {
  using detail::int128;
  std::vector<Issue> issues;
  if (credited.size() != quota.size())
    issues.push_back(Issue{std::nullopt, "quota", std::to_string(quota.size()),
                           "needs one quota per credited value (" + std::to_string(credited.size()) + ")"});
  for (std::size_t i = 0; i < percentiles.size(); ++i)
    if (percentiles[i].is_negative() || Rate::from_int(1) < percentiles[i])
      issues.push_back(
          Issue{int64_t(i), "percentile", percentiles[i].to_short_string(), "must be within 0..1"});
  for (std::size_t i = 1; i < edges.size(); ++i)
    if (!(edges[i - 1] < edges[i]))
      issues.push_back(Issue{int64_t(i), "edge", edges[i].to_short_string(), "edges must increase strictly"});
  for (std::size_t i = 0; i < quota.size() && i < credited.size(); ++i)
    if (quota[i] < 0) issues.push_back(Issue{int64_t(i), "quota", std::to_string(quota[i]), "must be >= 0"});
  if (!issues.empty()) throw ValidationError("SC-DIST-INPUT", std::move(issues));

  AttainmentDistribution out;
  std::vector<uint32_t> rows;
  for (std::size_t i = 0; i < quota.size(); ++i) {
    if (quota[i] == 0)
      ++out.zero_quota;
    else
      rows.push_back(uint32_t(i));
  }
  out.people = int64_t(rows.size());
  out.histogram.assign(edges.size() + 1, 0);
  if (rows.empty()) {
    out.percentile_values.assign(percentiles.size(), Rate());
    return out;
  }
  // Exact order of credited/quota: a/b < c/d  <=>  a*d < c*b (b, d > 0); ties by row.
  std::sort(rows.begin(), rows.end(), [&](uint32_t x, uint32_t y) {
    const int128 l = int128(credited[x]) * quota[y], r = int128(credited[y]) * quota[x];
    return l != r ? l < r : x < y;
  });
  detail::int128 mean_sum = 0;
  for (uint32_t i : rows) {
    if (compare_ratio(credited[i], quota[i], threshold) >= 0) ++out.at_or_above;
    const auto bucket = std::upper_bound(edges.begin(), edges.end(), i, [&](uint32_t row, const Rate& e) {
      return compare_ratio(credited[row], quota[row], e) < 0;
    });
    ++out.histogram[std::size_t(bucket - edges.begin())];
    mean_sum += Rate::from_fraction(credited[i], quota[i]).raw();
  }
  out.share_at_or_above = Rate::from_fraction(out.at_or_above, out.people);
  out.mean = Rate::from_raw(int64_t(divide_rounded<int128>(mean_sum, out.people, RoundingMode::HalfEven)));
  for (const Rate& p : percentiles) {
    // rank = ceil(p x n), at least 1.
    int128 rank = divide_rounded<int128>(int128(p.raw()) * out.people, Rate::kOne, RoundingMode::Ceiling);
    rank = std::max<int128>(rank, 1);
    const uint32_t row = rows[std::size_t(rank - 1)];
    out.percentile_values.push_back(Rate::from_fraction(credited[row], quota[row]));
  }
  return out;
}

}  // namespace salescomp
