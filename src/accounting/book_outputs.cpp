// The outputs of an AmortisationBook, each one pass of for_each_month.
#include <algorithm>
#include <array>
#include <string>

#include "salescomp/accounting/amortisation_book.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

// Named (not anonymous) so that a unity build batching src/ files cannot clash.
namespace accounting_outputs_detail {

inline int64_t narrow_acct_sum(detail::int128 v, const char* what) {
  if (!detail::fits_int64(v))
    throw OverflowError("SC-OVERFLOW", std::string("accounting ") + what + " of " + detail::to_string(v) +
                                           " minor units does not fit in 64 bits");
  return int64_t(v);
}

}  // namespace accounting_outputs_detail
using accounting_outputs_detail::narrow_acct_sum;

AssetTable AmortisationBook::assets() const {
  const std::size_t n = order_.size();
  AssetTable t;
  t.line_id.resize(n), t.person.resize(n), t.contract.resize(n), t.currency.resize(n), t.amount.resize(n);
  t.treatment.resize(n), t.basis.resize(n), t.period_months.resize(n), t.first_month.resize(n);
  t.last_month.resize(n), t.amortised.assign(n, 0), t.reduced.assign(n, 0), t.written_off.assign(n, 0);
  t.expense_credit.assign(n, 0);
  for (std::size_t a = 0; a < n; ++a) {
    const Decided& d = order_[a];
    const std::size_t r = std::size_t(d.row);
    t.line_id[a] = costs_.line_id[r], t.person[a] = costs_.person[r], t.contract[a] = costs_.contract[r];
    t.currency[a] = costs_.currency[r], t.amount[a] = costs_.amount[r];
    t.treatment[a] = d.treatment, t.basis[a] = d.basis, t.period_months[a] = d.period;
    t.first_month[a] = d.first, t.last_month[a] = d.incurred;
  }
  for_each_month([&](std::size_t a, MonthIndex m, const AssetMonth& mv) {
    // Every term is bounded by the asset's amount or its clawbacks: no overflow
    // for the capitalised sums; expense credits are checked.
    t.amortised[a] += mv.amortisation;
    t.reduced[a] += mv.reduction;
    t.written_off[a] += mv.write_off;
    t.expense_credit[a] =
        narrow_acct_sum(detail::int128(t.expense_credit[a]) + mv.expense_credit, "expense credit");
    if (m > t.last_month[a]) t.last_month[a] = m;
  });
  return t;
}

AmortisationSchedule AmortisationBook::schedule() const {
  AmortisationSchedule s;
  std::size_t estimate = 0;
  for (const Decided& d : order_)
    if (d.treatment == CostTreatment::Capitalised)
      estimate += std::size_t(d.period) + 1 + std::size_t(std::max(0, d.first - d.incurred));
  s.reserve(estimate);
  for_each_month([&](std::size_t a, MonthIndex m, const AssetMonth& mv) {
    if (order_[a].treatment != CostTreatment::Capitalised) return;
    // A month whose only activity is an expense credit (a clawback beyond the
    // balance) does not move the asset: it shows in the roll-forward only.
    if (m != order_[a].incurred && mv.opening == 0 && mv.closing == 0 && mv.reduction == 0 &&
        mv.amortisation == 0 && mv.write_off == 0)
      return;
    s.asset.push_back(int32_t(a));
    s.month.push_back(m);
    s.opening.push_back(mv.opening);
    s.addition.push_back(mv.addition);
    s.reduction.push_back(mv.reduction);
    s.amortisation.push_back(mv.amortisation);
    s.write_off.push_back(mv.write_off);
    s.closing.push_back(mv.closing);
    s.current.push_back(mv.current);
  });
  return s;
}

RollForwardTable AmortisationBook::roll_forward(std::optional<MonthIndex> from,
                                                std::optional<MonthIndex> to) const {
  // Per currency and month since first_month_: 128-bit sums of the movements.
  enum Field { kAdd, kRed, kAmort, kWrite, kClose, kCurrent, kExpensed, kCredit, kFields };
  using Sums = std::array<detail::int128, kFields>;
  std::vector<std::vector<Sums>> sums(currencies_.size());
  MonthIndex last_seen = first_month_;
  for_each_month([&](std::size_t a, MonthIndex m, const AssetMonth& mv) {
    auto& rows = sums[std::size_t(order_[a].currency_index)];
    const std::size_t k = std::size_t(m - first_month_);
    if (rows.size() <= k) rows.resize(std::max(k + 1, rows.size() * 3 / 2), Sums{});
    Sums& s = rows[k];
    s[kAdd] += mv.addition, s[kRed] += mv.reduction, s[kAmort] += mv.amortisation, s[kWrite] += mv.write_off;
    s[kClose] += mv.closing, s[kCurrent] += mv.current, s[kExpensed] += mv.expensed;
    s[kCredit] += mv.expense_credit;
    if (m > last_seen) last_seen = m;
  });
  RollForwardTable t;
  if (order_.empty()) return t;
  // An open end defaults to the book's span, stretched to the other end given.
  const MonthIndex hi = to.value_or(std::max(last_seen, from.value_or(last_seen)));
  const MonthIndex lo = from.value_or(std::min(first_month_, hi));
  if (hi < lo)
    throw ValidationError("SC-ACCT-RANGE", Issue{std::nullopt, "to", month_start(hi).to_string(),
                                                 "the roll-forward ends before it starts (" +
                                                     month_start(lo).to_string() + ")"});
  auto at = [&](std::size_t c, MonthIndex m) -> Sums {
    if (m < first_month_) return Sums{};
    const std::size_t k = std::size_t(m - first_month_);
    return k < sums[c].size() ? sums[c][k] : Sums{};
  };
  const std::size_t rows = currencies_.size() * std::size_t(hi - lo + 1);
  for (auto* v : {&t.opening, &t.additions, &t.reductions, &t.amortisation, &t.write_offs, &t.closing,
                  &t.current, &t.non_current, &t.expensed_as_incurred, &t.expense_credits})
    v->reserve(rows);
  for (std::size_t c = 0; c < currencies_.size(); ++c) {
    for (MonthIndex m = lo; m <= hi; ++m) {
      const Sums s = at(c, m);
      t.currency.push_back(currencies_[c]);
      t.month.push_back(m);
      t.opening.push_back(narrow_acct_sum(at(c, m - 1)[kClose], "opening balance"));
      t.additions.push_back(narrow_acct_sum(s[kAdd], "additions"));
      t.reductions.push_back(narrow_acct_sum(s[kRed], "reductions"));
      t.amortisation.push_back(narrow_acct_sum(s[kAmort], "amortisation"));
      t.write_offs.push_back(narrow_acct_sum(s[kWrite], "write-offs"));
      t.closing.push_back(narrow_acct_sum(s[kClose], "closing balance"));
      t.current.push_back(narrow_acct_sum(s[kCurrent], "current portion"));
      t.non_current.push_back(narrow_acct_sum(s[kClose] - s[kCurrent], "non-current portion"));
      t.expensed_as_incurred.push_back(narrow_acct_sum(s[kExpensed], "expensed as incurred"));
      t.expense_credits.push_back(narrow_acct_sum(s[kCredit], "expense credits"));
    }
  }
  return t;
}

JournalTable AmortisationBook::journal(std::optional<MonthIndex> from, std::optional<MonthIndex> to) const {
  return build_journal(roll_forward(from, to));
}

JournalTable build_journal(const RollForwardTable& rf) {
  JournalTable j;
  int32_t entry = 0;
  auto post = [&](std::size_t i, JournalEntryKind kind, JournalAccount debit, JournalAccount credit,
                  int64_t amount) {
    if (amount == 0) return;
    for (int side = 0; side < 2; ++side) {
      j.entry.push_back(entry);
      j.currency.push_back(rf.currency[i]);
      j.month.push_back(rf.month[i]);
      j.kind.push_back(kind);
      j.account.push_back(side == 0 ? debit : credit);
      j.debit.push_back(side == 0 ? amount : 0);
      j.credit.push_back(side == 0 ? 0 : amount);
    }
    ++entry;
  };
  using A = JournalAccount;
  using K = JournalEntryKind;
  for (std::size_t i = 0; i < rf.size(); ++i) {
    post(i, K::Capitalisation, A::DeferredCommissions, A::CommissionsPayable, rf.additions[i]);
    post(i, K::ExpenseAsIncurred, A::CommissionExpense, A::CommissionsPayable, rf.expensed_as_incurred[i]);
    post(i, K::Amortisation, A::CommissionExpense, A::DeferredCommissions, rf.amortisation[i]);
    post(i, K::WriteOff, A::CommissionWriteOffExpense, A::DeferredCommissions, rf.write_offs[i]);
    post(i, K::ClawbackReduction, A::CommissionsPayable, A::DeferredCommissions, rf.reductions[i]);
    post(i, K::ClawbackExpenseCredit, A::CommissionsPayable, A::CommissionExpense, rf.expense_credits[i]);
  }
  return j;
}

}  // namespace salescomp
