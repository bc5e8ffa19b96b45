#pragma once
// Private: turns per-path weights into exact credits.
//
// Paths whose weight vectors are proportional are merged first (weights are
// divided by their gcd and hashed), so the result depends only on the
// multiset of (weights, conversions, value) and never on how journeys were
// grouped into rows or in which order they came. Each merged group's
// conversions and value are then split by largest remainder (ties to the
// smaller slot); per-journey credits split the group's credits again,
// journey by journey in row-id order, so journey credits sum exactly to the
// channel totals as well as to each journey's own conversions and value.
#include <algorithm>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

#include "salescomp/core/error.hpp"

#include "salescomp/attribution/attribution_result.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp::attribution_detail {

// Largest remainder with signed weights (sum must be positive): floor shares,
// then the leftover units to the largest remainders (ties: smaller key, then index).
void apportion_signed(int64_t total, std::span<const int64_t> weights, std::span<int64_t> out,
                      std::span<const int64_t> tie_keys = {});

// Tie rank of each slot (sorted distinct channels) by first touch in `path`:
// 0 for the channel touched first. Channels not in `path` get rank 0.
void first_touch_ranks(std::span<const int32_t> path, std::span<const int32_t> slots,
                       std::vector<int32_t>& ranks);

class CreditAccumulator {
 public:
  // slot_count: number of output slots (channels, or channel x position).
  CreditAccumulator(std::size_t slot_count, bool per_journey);

  // One path row: distinct slots ascending, weights >= 0 with a positive sum,
  // and each slot's tie rank (0 = touched first): a leftover unit of a split
  // goes to the larger remainder, then to the smaller rank, so relabelling
  // channels never moves a cent. Rows merge only when all three agree.
  void add(std::span<const int32_t> slots, std::span<const int64_t> weights,
           std::span<const int32_t> tie_rank, int64_t conversions, int64_t value, int64_t row_id);

  // Slot s is reported as (channel_of[s], position_of[s]); slots with no
  // weight anywhere are left out unless keep_all_slots.
  AttributionResult finish(Currency currency, std::span<const int32_t> channel_of,
                           std::span<const int32_t> position_of, bool keep_all_slots);

  // Adds everything `other` collected. Sums are exact integers and splits
  // happen only in finish(), so the result never depends on how rows were
  // divided between threads.
  void merge(const CreditAccumulator& other);

 private:
  struct Group {
    uint64_t hash;
    uint32_t key_begin;
    uint32_t key_size;
    detail::int128 conversions;
    detail::int128 value;
  };
  uint32_t find_or_insert(uint64_t hash, std::span<const int32_t> slots, std::span<const int64_t> weights,
                          std::span<const int32_t> tie_rank);
  void grow();

  std::size_t slot_count_;
  bool per_journey_;
  std::vector<Group> groups_;
  std::vector<int32_t> key_slots_;
  std::vector<int64_t> key_weights_;
  std::vector<int32_t> key_ranks_;
  std::vector<uint32_t> table_;  // group index + 1; 0 is empty
  // Per added row, when per_journey.
  std::vector<uint32_t> row_group_;
  std::vector<int64_t> row_conversions_;
  std::vector<int64_t> row_value_;
  std::vector<int64_t> row_id_;
  std::vector<int64_t> scratch_weights_;
};

// Runs body(begin, end, accumulator, issues) over contiguous row ranges on up
// to hardware_concurrency threads (one for small inputs) and merges the
// accumulators and the issues in row order.
template <class Body>
CreditAccumulator accumulate_rows(std::size_t rows, std::size_t slot_count, bool per_journey,
                                  std::vector<Issue>& issues, Body body) {
  constexpr std::size_t kRowsPerThread = 200'000;
  const std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads = std::min<std::size_t>({hw, 8, std::max<std::size_t>(1, rows / kRowsPerThread)});
  std::vector<CreditAccumulator> parts(threads, CreditAccumulator(slot_count, per_journey));
  std::vector<std::vector<Issue>> part_issues(threads);
  std::vector<std::exception_ptr> errors(threads);
  auto run = [&](std::size_t t) {
    try {
      body(rows * t / threads, rows * (t + 1) / threads, parts[t], part_issues[t]);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  if (threads == 1) {
    run(0);
  } else {
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(run, t);
    run(0);
    for (auto& th : pool) th.join();
  }
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  for (std::size_t t = 0; t < threads; ++t) {
    issues.insert(issues.end(), part_issues[t].begin(), part_issues[t].end());
    if (t > 0) parts[0].merge(parts[t]);
  }
  return std::move(parts[0]);
}

}  // namespace salescomp::attribution_detail
