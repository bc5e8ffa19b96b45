#pragma once
// The credits table: the hand-off from crediting to attainment and the
// commission engine. One row per (person, deal, rule) credit, in columns.
// Every row keeps its lineage: the deal row it came from and the rule.
//
// Contract (crediting produces it, quota/engine consume it):
//  - amount is in minor units of `currency` (the credit currency after any
//    FX conversion the crediting settings asked for);
//  - rows are sorted by (person, date, deal, rule) so the result does not
//    depend on input order, and a person's credits are contiguous (the deal
//    tie-break is the deal's external id, then depth and via, so permuting
//    the deal rows permutes nothing but the `deal` row indexes);
//  - revenue-split rows of one deal sum exactly to the deal amount.
#include <cstdint>
#include <vector>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/date.hpp"
#include "salescomp/credit/credit_kind.hpp"
#include "salescomp/data/deal_type.hpp"
#include "salescomp/detail/huge_pages.hpp"

namespace salescomp {

struct CreditTable {
  std::vector<int32_t> person;  // roster row index of the credited person
  std::vector<int64_t> deal;    // deal row index (lineage)
  std::vector<Date> date;       // credit date (the deal's close date unless a rule says otherwise)
  std::vector<int64_t> amount;  // minor units of currency[i]
  std::vector<Currency> currency;
  std::vector<CreditKind> kind;     // which rule family made it
  std::vector<DealType> deal_type;  // copied from the deal, for plan measure filters
  std::vector<int32_t> rule;        // index of the crediting rule in the rule set (lineage)
  std::vector<int16_t> depth;       // roll-up level: 0 for the credited rep, 1 for the manager, ...
  // Added by the crediting area:
  std::vector<int32_t> period;            // Period::key() of the credit date in the crediting period kind
  std::vector<int32_t> measure;           // measure code (CreditRuleSet::measures)
  std::vector<int32_t> via;               // roll-ups: the report whose credit rolled up; -1 otherwise
  std::vector<int64_t> source_amount;     // the credit in the deal currency, before FX (minor units)
  std::vector<Currency> source_currency;  // the deal currency

  std::size_t size() const noexcept { return person.size(); }
  // Room for n rows, on huge pages where the system has them (huge_pages.hpp).
  void reserve(std::size_t n) {
    detail::reserve_huge(person, n);
    detail::reserve_huge(deal, n);
    detail::reserve_huge(date, n);
    detail::reserve_huge(amount, n);
    detail::reserve_huge(currency, n);
    detail::reserve_huge(kind, n);
    detail::reserve_huge(deal_type, n);
    detail::reserve_huge(rule, n);
    detail::reserve_huge(depth, n);
    detail::reserve_huge(period, n);
    detail::reserve_huge(measure, n);
    detail::reserve_huge(via, n);
    detail::reserve_huge(source_amount, n);
    detail::reserve_huge(source_currency, n);
  }
};

}  // namespace salescomp
