#pragma once
// Journal entries per month and currency, derived from the roll-forward: each
// entry is one debit line and one credit line of the same amount, so every
// entry, month and currency balances to the cent. Sorted by (currency, month,
// entry kind, debit before credit). Zero entries are left out.
#include <cstdint>
#include <string_view>
#include <vector>

#include "salescomp/accounting/month.hpp"
#include "salescomp/core/currency.hpp"

namespace salescomp {

enum class JournalAccount : uint8_t {
  DeferredCommissions,        // the asset (capitalised costs of obtaining contracts)
  CommissionsPayable,         // the liability to the payee (or cash, by the user's mapping)
  CommissionExpense,          // costs expensed as incurred, amortisation, clawback credits
  CommissionWriteOffExpense,  // balances written off on early termination
};

enum class JournalEntryKind : uint8_t {
  Capitalisation,        // Dr DeferredCommissions        Cr CommissionsPayable
  ExpenseAsIncurred,     // Dr CommissionExpense          Cr CommissionsPayable
  Amortisation,          // Dr CommissionExpense          Cr DeferredCommissions
  WriteOff,              // Dr CommissionWriteOffExpense  Cr DeferredCommissions
  ClawbackReduction,     // Dr CommissionsPayable         Cr DeferredCommissions
  ClawbackExpenseCredit  // Dr CommissionsPayable         Cr CommissionExpense
};

struct JournalTable {
  std::vector<int32_t> entry;  // entry number, 0.. in output order; both lines share it
  std::vector<Currency> currency;
  std::vector<MonthIndex> month;
  std::vector<JournalEntryKind> kind;
  std::vector<JournalAccount> account;
  std::vector<int64_t> debit;  // minor units; exactly one of debit/credit is non-zero
  std::vector<int64_t> credit;

  std::size_t size() const noexcept { return entry.size(); }
};

constexpr std::string_view to_string(JournalAccount a) noexcept {
  switch (a) {
    case JournalAccount::DeferredCommissions:
      return "deferred_commissions";
    case JournalAccount::CommissionsPayable:
      return "commissions_payable";
    case JournalAccount::CommissionExpense:
      return "commission_expense";
    case JournalAccount::CommissionWriteOffExpense:
      return "commission_write_off_expense";
  }
  return "?";
}
constexpr std::string_view to_string(JournalEntryKind k) noexcept {
  switch (k) {
    case JournalEntryKind::Capitalisation:
      return "capitalisation";
    case JournalEntryKind::ExpenseAsIncurred:
      return "expense_as_incurred";
    case JournalEntryKind::Amortisation:
      return "amortisation";
    case JournalEntryKind::WriteOff:
      return "write_off";
    case JournalEntryKind::ClawbackReduction:
      return "clawback_reduction";
    case JournalEntryKind::ClawbackExpenseCredit:
      return "clawback_expense_credit";
  }
  return "?";
}

}  // namespace salescomp
