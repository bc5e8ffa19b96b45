#include "credit_engine.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "salescomp/core/allocation.hpp"
#include "salescomp/core/error.hpp"

namespace salescomp::attribution_detail {

using detail::int128;

namespace {

inline uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 31);
}

int64_t narrow(int128 v, const char* what) {
  if (!detail::fits_int64(v))
    throw OverflowError("SC-OVERFLOW", std::string("attribution ") + what + " " + detail::to_string(v) +
                                           " does not fit in 64 bits");
  return int64_t(v);
}

int64_t scaled_conversions(int128 y) { return narrow(y * kConversionScale, "conversions"); }

}  // namespace

void apportion_signed(int64_t total, std::span<const int64_t> weights, std::span<int64_t> out,
                      std::span<const int64_t> tie_keys) {
  const std::size_t n = weights.size();
  int128 weight_sum = 0;
  for (int64_t w : weights) weight_sum += w;
  if (weight_sum <= 0)
    throw ValidationError("SC-ATTR-WEIGHTS",
                          Issue{std::nullopt, "weights", "sum " + detail::to_string(weight_sum),
                                "credit weights must have a positive sum"});
  std::vector<int128> remainder(n);
  int128 assigned = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int128 product = int128(total) * weights[i];
    int128 q = product / weight_sum;
    int128 r = product % weight_sum;
    if (r < 0) {  // floor division
      q -= 1;
      r += weight_sum;
    }
    out[i] = narrow(q, "credit");
    remainder[i] = r;
    assigned += q;
  }
  std::size_t leftover = std::size_t(int128(total) - assigned);
  if (leftover == 0) return;
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (remainder[a] != remainder[b]) return remainder[a] > remainder[b];
    if (!tie_keys.empty() && tie_keys[a] != tie_keys[b]) return tie_keys[a] < tie_keys[b];
    return a < b;
  });
  for (std::size_t k = 0; k < leftover; ++k) out[order[k]] += 1;
}

void first_touch_ranks(std::span<const int32_t> path, std::span<const int32_t> slots,
                       std::vector<int32_t>& ranks) {
  ranks.assign(slots.size(), -1);
  int32_t next = 0;
  for (int32_t c : path) {
    const auto it = std::lower_bound(slots.begin(), slots.end(), c);
    if (it == slots.end() || *it != c) continue;
    int32_t& r = ranks[std::size_t(it - slots.begin())];
    if (r < 0) r = next++;
    if (std::size_t(next) == slots.size()) break;
  }
  for (int32_t& r : ranks)
    if (r < 0) r = 0;
}

CreditAccumulator::CreditAccumulator(std::size_t slot_count, bool per_journey)
    : slot_count_(slot_count), per_journey_(per_journey), table_(1024, 0) {}

void CreditAccumulator::grow() {
  std::vector<uint32_t> bigger(table_.size() * 2, 0);
  const std::size_t mask = bigger.size() - 1;
  for (uint32_t g = 0; g < groups_.size(); ++g) {
    std::size_t i = groups_[g].hash & mask;
    while (bigger[i] != 0) i = (i + 1) & mask;
    bigger[i] = g + 1;
  }
  table_.swap(bigger);
}

uint32_t CreditAccumulator::find_or_insert(uint64_t hash, std::span<const int32_t> slots,
                                           std::span<const int64_t> weights,
                                           std::span<const int32_t> tie_rank) {
  const std::size_t mask = table_.size() - 1;
  std::size_t i = hash & mask;
  while (table_[i] != 0) {
    const Group& g = groups_[table_[i] - 1];
    if (g.hash == hash && g.key_size == slots.size() &&
        std::equal(slots.begin(), slots.end(), key_slots_.begin() + g.key_begin) &&
        std::equal(weights.begin(), weights.end(), key_weights_.begin() + g.key_begin) &&
        std::equal(tie_rank.begin(), tie_rank.end(), key_ranks_.begin() + g.key_begin))
      return table_[i] - 1;
    i = (i + 1) & mask;
  }
  const uint32_t id = uint32_t(groups_.size());
  groups_.push_back(Group{hash, uint32_t(key_slots_.size()), uint32_t(slots.size()), 0, 0});
  key_slots_.insert(key_slots_.end(), slots.begin(), slots.end());
  key_weights_.insert(key_weights_.end(), weights.begin(), weights.end());
  key_ranks_.insert(key_ranks_.end(), tie_rank.begin(), tie_rank.end());
  table_[i] = id + 1;
  if (groups_.size() * 2 > table_.size()) grow();
  return id;
}

void CreditAccumulator::add(std::span<const int32_t> slots, std::span<const int64_t> weights,
                            std::span<const int32_t> tie_rank, int64_t conversions, int64_t value,
                            int64_t row_id) {
  if (conversions == 0 && value == 0) return;  // nothing to credit
  // Proportional weight vectors are the same split: divide by the gcd.
  int64_t g = 0;
  for (int64_t w : weights) g = std::gcd(g, w);
  scratch_weights_.assign(weights.begin(), weights.end());
  if (g > 1)
    for (int64_t& w : scratch_weights_) w /= g;
  uint64_t h = slots.size();
  for (std::size_t i = 0; i < slots.size(); ++i) {
    h = mix(h, uint64_t(uint32_t(slots[i])));
    h = mix(h, uint64_t(scratch_weights_[i]));
    h = mix(h, uint64_t(uint32_t(tie_rank[i])));
  }
  const uint32_t id = find_or_insert(h, slots, scratch_weights_, tie_rank);
  groups_[id].conversions += conversions;
  groups_[id].value += value;
  if (per_journey_) {
    row_group_.push_back(id);
    row_conversions_.push_back(conversions);
    row_value_.push_back(value);
    row_id_.push_back(row_id);
  }
}

void CreditAccumulator::merge(const CreditAccumulator& other) {
  std::vector<uint32_t> remap(other.groups_.size());
  for (std::size_t g = 0; g < other.groups_.size(); ++g) {
    const Group& o = other.groups_[g];
    std::span<const int32_t> slots(other.key_slots_.data() + o.key_begin, o.key_size);
    std::span<const int64_t> weights(other.key_weights_.data() + o.key_begin, o.key_size);
    std::span<const int32_t> ranks(other.key_ranks_.data() + o.key_begin, o.key_size);
    const uint32_t id = find_or_insert(o.hash, slots, weights, ranks);
    groups_[id].conversions += o.conversions;
    groups_[id].value += o.value;
    remap[g] = id;
  }
  for (std::size_t r = 0; r < other.row_group_.size(); ++r) {
    row_group_.push_back(remap[other.row_group_[r]]);
    row_conversions_.push_back(other.row_conversions_[r]);
    row_value_.push_back(other.row_value_[r]);
    row_id_.push_back(other.row_id_[r]);
  }
}

AttributionResult CreditAccumulator::finish(Currency currency, std::span<const int32_t> channel_of,
                                            std::span<const int32_t> position_of, bool keep_all_slots) {
  AttributionResult result;
  std::vector<int128> slot_conversions(slot_count_, 0), slot_value(slot_count_, 0);
  std::vector<uint8_t> slot_used(slot_count_, 0);
  // Group credits, kept for the per-journey split.
  std::vector<int64_t> group_conv(key_slots_.size()), group_val(key_slots_.size());
  std::vector<int64_t> keys;
  int128 total_conversions = 0, total_value = 0;
  for (const Group& g : groups_) {
    std::span<const int32_t> slots(key_slots_.data() + g.key_begin, g.key_size);
    std::span<const int64_t> weights(key_weights_.data() + g.key_begin, g.key_size);
    keys.assign(key_ranks_.begin() + g.key_begin, key_ranks_.begin() + g.key_begin + g.key_size);
    std::span<int64_t> conv(group_conv.data() + g.key_begin, g.key_size);
    std::span<int64_t> val(group_val.data() + g.key_begin, g.key_size);
    allocate_minor_into(scaled_conversions(g.conversions), weights, conv, keys);
    allocate_minor_into(narrow(g.value, "value"), weights, val, keys);
    for (std::size_t k = 0; k < slots.size(); ++k) {
      slot_conversions[slots[k]] += conv[k];
      slot_value[slots[k]] += val[k];
      slot_used[slots[k]] = 1;
    }
    total_conversions += g.conversions;
    total_value += g.value;
  }
  result.total_conversions = scaled_conversions(total_conversions);
  result.total_value = narrow(total_value, "total value");
  ChannelCredits& out = result.channels;
  out.currency = currency;
  for (std::size_t s = 0; s < slot_count_; ++s) {
    if (!keep_all_slots && !slot_used[s]) continue;
    out.channel.push_back(channel_of[s]);
    out.position.push_back(position_of[s]);
    out.conversions.push_back(narrow(slot_conversions[s], "channel conversions"));
    out.value.push_back(narrow(slot_value[s], "channel value"));
  }

  if (per_journey_) {
    // Rows in row-id order; each takes its split of what is left of its group.
    std::vector<uint32_t> order(row_id_.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return row_id_[a] < row_id_[b]; });
    std::vector<int128> left_conv(groups_.size()), left_val(groups_.size());
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
      left_conv[gi] = groups_[gi].conversions * kConversionScale;
      left_val[gi] = groups_[gi].value;
    }
    JourneyCredits& j = result.journeys;
    std::vector<int64_t> parts;
    for (uint32_t r : order) {
      const Group& g = groups_[row_group_[r]];
      std::span<const int32_t> slots(key_slots_.data() + g.key_begin, g.key_size);
      std::span<int64_t> remaining_conv(group_conv.data() + g.key_begin, g.key_size);
      std::span<int64_t> remaining_val(group_val.data() + g.key_begin, g.key_size);
      keys.assign(key_ranks_.begin() + g.key_begin, key_ranks_.begin() + g.key_begin + g.key_size);
      parts.assign(slots.size(), 0);
      const std::size_t base = j.row_id.size();
      for (std::size_t k = 0; k < slots.size(); ++k) {
        j.row_id.push_back(row_id_[r]);
        j.channel.push_back(channel_of[slots[k]]);
        j.position.push_back(position_of[slots[k]]);
      }
      j.conversions.resize(j.row_id.size(), 0);
      j.value.resize(j.row_id.size(), 0);
      // Split this row's amount by the group's remaining credits: no part can
      // exceed what remains, and the group's last row takes exactly the rest.
      auto split = [&](int64_t amount, std::span<int64_t> remaining, int128& left,
                       std::vector<int64_t>& dest) {
        if (amount == 0) return;
        allocate_minor_into(amount, remaining, parts, keys);
        for (std::size_t k = 0; k < slots.size(); ++k) {
          dest[base + k] = parts[k];
          remaining[k] -= parts[k];
        }
        left -= amount;
      };
      split(scaled_conversions(row_conversions_[r]), remaining_conv, left_conv[row_group_[r]], j.conversions);
      split(row_value_[r], remaining_val, left_val[row_group_[r]], j.value);
    }
  }
  return result;
}

}  // namespace salescomp::attribution_detail
