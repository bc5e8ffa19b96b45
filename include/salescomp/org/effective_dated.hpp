#pragma once
// An effective-dated map: for each key (a person, a customer, a territory) a
// set of non-overlapping closed date ranges, each holding one value. Lookups
// are "as of a date": the value whose range contains the date, or none (gaps
// are allowed and mean "none"). Overlapping ranges for one key are errors.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "salescomp/core/date.hpp"
#include "salescomp/core/error.hpp"

namespace salescomp {

class EffectiveDatedMap {
 public:
  static constexpr Date kOpenEnd = Date::from_days(std::numeric_limits<int32_t>::max());

  struct Entry {
    int32_t key;
    Date first;
    Date last;  // inclusive; kOpenEnd when open-ended
    int32_t value;
    int64_t row;  // input row, for messages
  };

  EffectiveDatedMap() = default;

  // `key_count` keys 0..key_count-1. `describe_key` names a key in messages
  // (e.g. the person id); `field` names what the values are ("manager").
  // Every overlap and every bad range is reported at once.
  EffectiveDatedMap(std::size_t key_count, std::vector<Entry> entries, const std::string& field,
                    const std::function<std::string(int32_t)>& describe_key)
      : entries_(std::move(entries)), offsets_(key_count + 1, 0) {
    std::vector<Issue> issues;
    for (const Entry& e : entries_) {
      if (e.key < 0 || std::size_t(e.key) >= key_count)
        issues.push_back(Issue{e.row, "key", std::to_string(e.key), "unknown key for " + field});
      else if (e.last < e.first)
        issues.push_back(Issue{
            e.row, "to", e.last.to_string(),
            field + " of " + describe_key(e.key) + " ends before it starts (" + e.first.to_string() + ")"});
    }
    if (!issues.empty()) throw ValidationError("SC-ORG-ASSIGNMENT", std::move(issues));
    std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
      if (a.key != b.key) return a.key < b.key;
      if (a.first != b.first) return a.first < b.first;
      return a.row < b.row;
    });
    for (std::size_t i = 1; i < entries_.size(); ++i) {
      const Entry& a = entries_[i - 1];
      const Entry& b = entries_[i];
      if (a.key == b.key && b.first <= a.last)
        issues.push_back(Issue{b.row, "from", b.first.to_string(),
                               field + " of " + describe_key(b.key) + " overlaps the assignment from " +
                                   a.first.to_string() + " (row " + std::to_string(a.row) + ")"});
    }
    if (!issues.empty()) throw ValidationError("SC-ORG-OVERLAP", std::move(issues));
    for (const Entry& e : entries_) ++offsets_[std::size_t(e.key) + 1];
    for (std::size_t k = 0; k < key_count; ++k) offsets_[k + 1] += offsets_[k];
    index_single_spans();
  }

  std::size_t key_count() const noexcept { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  const std::vector<Entry>& entries() const noexcept { return entries_; }

  // The value in force for `key` on `d`, or -1 for none.
  int32_t value_or_none(int32_t key, Date d) const noexcept {
    if (key < 0 || std::size_t(key) >= single_.size()) return -1;
    const SingleSpan& s = single_[std::size_t(key)];
    if (s.value != kSeveralSpans) return s.first <= d && d <= s.last ? s.value : -1;
    const Entry* lo = entries_.data() + offsets_[std::size_t(key)];
    const Entry* hi = entries_.data() + offsets_[std::size_t(key) + 1];
    // Last entry starting on or before d.
    const Entry* it = std::upper_bound(lo, hi, d, [](Date x, const Entry& e) { return x < e.first; });
    if (it == lo) return -1;
    --it;
    return d <= it->last ? it->value : -1;
  }
  std::optional<int32_t> as_of(int32_t key, Date d) const noexcept {
    const int32_t v = value_or_none(key, d);
    return v < 0 ? std::nullopt : std::optional<int32_t>(v);
  }
  // The entries of one key, sorted by date.
  std::pair<const Entry*, const Entry*> history(int32_t key) const noexcept {
    if (key < 0 || std::size_t(key) + 1 >= offsets_.size()) return {nullptr, nullptr};
    return {entries_.data() + offsets_[std::size_t(key)], entries_.data() + offsets_[std::size_t(key) + 1]};
  }

 private:
  // A key's only range, inline: most keys (a person's manager, team, plan)
  // have one, and a lookup is then one access, not an offset, a binary
  // search and an entry (the roll-up chains of crediting do millions).
  struct SingleSpan {
    Date first;
    Date last;
    int32_t value;  // -1: no range; kSeveralSpans: look in entries_
  };
  static constexpr int32_t kSeveralSpans = std::numeric_limits<int32_t>::min();

  void index_single_spans() {
    single_.assign(key_count(),
                   SingleSpan{kOpenEnd, Date::from_days(std::numeric_limits<int32_t>::min()), -1});
    for (std::size_t k = 0; k < key_count(); ++k) {
      const std::size_t n = offsets_[k + 1] - offsets_[k];
      if (n > 1) single_[k].value = kSeveralSpans;
      if (n != 1) continue;
      const Entry& e = entries_[offsets_[k]];
      single_[k] = SingleSpan{e.first, e.last, e.value};
    }
  }

  std::vector<Entry> entries_;        // sorted by (key, first)
  std::vector<std::size_t> offsets_;  // entries of key k: [offsets_[k], offsets_[k+1])
  std::vector<SingleSpan> single_;    // per key
};

}  // namespace salescomp
