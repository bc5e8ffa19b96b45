#pragma once
// The period roll-forward of the deferred commission asset, per currency and
// month (sorted by currency code, then month). Exactly, every row:
//   closing = opening + additions - reductions - amortisation - write_offs
//   closing = current + non_current
//   opening = the previous month's closing
// expensed_as_incurred and expense_credits are costs that never touch the
// asset (expensed lines; clawbacks beyond the asset's balance), shown so the
// expense side reconciles too.
#include <cstdint>
#include <vector>

#include "salescomp/accounting/month.hpp"
#include "salescomp/core/currency.hpp"

namespace salescomp {

struct RollForwardTable {
  std::vector<Currency> currency;
  std::vector<MonthIndex> month;
  std::vector<int64_t> opening;
  std::vector<int64_t> additions;
  std::vector<int64_t> reductions;
  std::vector<int64_t> amortisation;
  std::vector<int64_t> write_offs;
  std::vector<int64_t> closing;
  std::vector<int64_t> current;
  std::vector<int64_t> non_current;
  std::vector<int64_t> expensed_as_incurred;
  std::vector<int64_t> expense_credits;

  std::size_t size() const noexcept { return month.size(); }
};

}  // namespace salescomp
