#pragma once
// The bad cells of one table, collected while its columns are read so that
// one error lists every one of them (source, 1-based row, field, value,
// rule). Listing stops at kMaxListedIssues; the rest are counted.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "salescomp/core/error.hpp"

namespace salescomp::arrow {

inline constexpr std::size_t kMaxListedIssues = 1000;

class CellIssues {
 public:
  explicit CellIssues(std::string source) : source_(std::move(source)) {}

  // `row` is the 0-based global row; messages show it 1-based.
  void add(int64_t row, std::string_view field, std::string value, std::string rule) {
    ++count_;
    if (issues_.size() < kMaxListedIssues)
      issues_.push_back(Issue{row + 1, std::string(field), std::move(value), std::move(rule), source_});
  }
  // A problem of the whole table or column (no row).
  void add_table(std::string_view field, std::string value, std::string rule) {
    ++count_;
    issues_.push_back(Issue{std::nullopt, std::string(field), std::move(value), std::move(rule), source_});
  }
  bool empty() const noexcept { return count_ == 0; }
  std::size_t count() const noexcept { return count_; }
  const std::string& source() const noexcept { return source_; }

  // Throws one ValidationError with every issue (id e.g. "SC-TABLE-CELLS").
  void throw_if_any(const char* id) const {
    if (count_ == 0) return;
    std::vector<Issue> all = issues_;
    // Row order (then the order found) reads best: columns are checked one after the other.
    std::stable_sort(all.begin(), all.end(),
                     [](const Issue& a, const Issue& b) { return a.row.value_or(0) < b.row.value_or(0); });
    if (count_ > issues_.size())
      all.push_back(Issue{
          std::nullopt, "", std::to_string(count_ - issues_.size()),
          "more bad cells not listed (the first " + std::to_string(kMaxListedIssues) + " are)", source_});
    throw ValidationError(id, std::move(all));
  }

 private:
  std::string source_;
  std::vector<Issue> issues_;
  std::size_t count_ = 0;
};

}  // namespace salescomp::arrow
