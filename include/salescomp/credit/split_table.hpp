#pragma once
// Revenue splits and overlays: who shares a deal and by how much.
// Revenue-split shares of a deal must sum to exactly 1 (100%); overlay shares
// are any non-negative percentage each (team selling, not conserved).
#include <cstdint>
#include <vector>

#include "salescomp/core/rate.hpp"

namespace salescomp {

enum class SplitKind : uint8_t { Revenue, Overlay };

struct SplitTable {
  std::vector<int64_t> deal;    // deal row index
  std::vector<int32_t> person;  // roster index
  std::vector<Rate> share;      // 0.4 = 40%
  std::vector<SplitKind> kind;

  std::size_t size() const noexcept { return deal.size(); }
  void add(int64_t deal_row, int32_t person_index, Rate s, SplitKind k) {
    deal.push_back(deal_row);
    person.push_back(person_index);
    share.push_back(s);
    kind.push_back(k);
  }
};

}  // namespace salescomp
