#pragma once
// Splitting an amount into parts proportional to weights, exactly:
// largest-remainder (Hamilton) apportionment in integer minor units.
//
//   part_i = floor(|T| * w_i / W) (+1 for the L parts with the largest
//   remainders, L = |T| - sum of floors), then the sign of T.
//
// So the parts always sum to T, each is within one minor unit of its exact
// share, and a negative total is the mirror of the positive one. Ties between
// equal remainders go to the smaller tie key (default: the smaller index).
// Known property: like every largest-remainder method it can show the
// Alabama paradox (a part may shrink by one unit when T grows by one).
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "salescomp/core/error.hpp"
#include "salescomp/core/money.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

namespace detail {
inline void check_weights(std::span<const int64_t> weights, int128& total_weight) {
  if (weights.empty())
    throw ValidationError("SC-ALLOC-EMPTY", Issue{std::nullopt, "weights", "[]", "need at least one weight"});
  std::vector<Issue> issues;
  total_weight = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] < 0)
      issues.push_back(
          Issue{int64_t(i), "weight", std::to_string(weights[i]), "weights must not be negative"});
    total_weight += weights[i];
  }
  if (!issues.empty()) throw ValidationError("SC-ALLOC-NEGATIVE-WEIGHT", std::move(issues));
  if (total_weight == 0)
    throw ValidationError("SC-ALLOC-ZERO-TOTAL",
                          Issue{std::nullopt, "weights", "sum 0", "total weight must be positive"});
}
}  // namespace detail

// Core kernel: writes the parts of `total` into `out` (same length as
// `weights`). `tie_keys` is empty or one key per weight.
inline void allocate_minor_into(int64_t total, std::span<const int64_t> weights, std::span<int64_t> out,
                                std::span<const int64_t> tie_keys = {}) {
  using detail::int128;
  const std::size_t n = weights.size();
  if (out.size() != n || (!tie_keys.empty() && tie_keys.size() != n))
    throw ValidationError("SC-ALLOC-SHAPE", Issue{std::nullopt, "weights", std::to_string(n),
                                                  "output and tie keys must have one entry per weight"});
  int128 total_weight = 0;
  detail::check_weights(weights, total_weight);
  const bool negative = total < 0;
  const int128 magnitude = negative ? -int128(total) : int128(total);

  // Remainders live in per-thread scratch so repeated calls do not allocate.
  thread_local std::vector<int128> remainders;
  thread_local std::vector<uint32_t> order;
  remainders.resize(n);
  int128 assigned = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int128 product = magnitude * weights[i];
    const int128 floor_part = product / total_weight;
    remainders[i] = product % total_weight;
    out[i] = int64_t(floor_part);  // <= |T|; sign applied below
    assigned += floor_part;
  }
  const std::size_t leftover = std::size_t(magnitude - assigned);  // < n
  if (leftover > 0) {
    order.resize(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = uint32_t(i);
    auto before = [&](uint32_t a, uint32_t b) {
      if (remainders[a] != remainders[b]) return remainders[a] > remainders[b];
      if (!tie_keys.empty() && tie_keys[a] != tie_keys[b]) return tie_keys[a] < tie_keys[b];
      return a < b;
    };
    std::nth_element(order.begin(), order.begin() + std::ptrdiff_t(leftover) - 1, order.end(), before);
    // nth_element leaves the `leftover` best in the first slots (in any order).
    for (std::size_t k = 0; k < leftover; ++k) out[order[k]] += 1;
  }
  if (negative)
    for (std::size_t i = 0; i < n; ++i) out[i] = int64_t(-int128(out[i]));
}

inline std::vector<int64_t> allocate_minor(int64_t total, std::span<const int64_t> weights,
                                           std::span<const int64_t> tie_keys = {}) {
  std::vector<int64_t> out(weights.size());
  allocate_minor_into(total, weights, out, tie_keys);
  return out;
}

// Parts of `total` proportional to integer weights.
inline std::vector<Money> allocate(const Money& total, std::span<const int64_t> weights,
                                   std::span<const int64_t> tie_keys = {}) {
  const std::vector<int64_t> parts = allocate_minor(total.minor_units(), weights, tie_keys);
  std::vector<Money> out;
  out.reserve(parts.size());
  for (int64_t p : parts) out.push_back(Money::from_minor(p, total.currency()));
  return out;
}

// Parts of `total` proportional to rates (e.g. split percentages); the rates
// need not sum to one: only their proportions matter.
inline std::vector<Money> allocate(const Money& total, std::span<const Rate> weights,
                                   std::span<const int64_t> tie_keys = {}) {
  std::vector<int64_t> raw(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) raw[i] = weights[i].raw();
  return allocate(total, std::span<const int64_t>(raw), tie_keys);
}

}  // namespace salescomp
