#pragma once
// Deals to credits. For every deal and every rule of the set (in order; roll-up
// rules after the rules they roll up):
//   direct           the owner, 100% (only deals without revenue-split rows)
//   revenue_split    the split participants; parts by largest remainder so
//                    they sum exactly to the deal (ties to the lower roster index)
//   overlay          each overlay participant, amount x share (rounded once)
//   roll_up          each manager up to `depth` levels, as of the credit date,
//                    for every credit of the kinds in `rolls_up`
//   sdr_sourced      the deal's source person when the source is "sdr"
//   account_manager  the customer's account manager as of the credit date
//   marketing_sourced  the source person (or the rule's person) when the deal
//                    is marketing-sourced by the rule's definition
//   territory        everyone assigned to the deal's territory on the date
// Then FX to the credit currency, and a sort by (person, date, deal id, rule,
// depth, via). See docs/crediting-and-quota.md for every option.
#include "salescomp/core/fiscal_calendar.hpp"
#include "salescomp/core/fx_table.hpp"
#include "salescomp/credit/credit_rule.hpp"
#include "salescomp/credit/credit_table.hpp"
#include "salescomp/credit/crediting_settings.hpp"
#include "salescomp/credit/split_table.hpp"
#include "salescomp/data/deal_table.hpp"
#include "salescomp/org/effective_dated.hpp"
#include "salescomp/org/organisation.hpp"

namespace salescomp {

// Optional inputs of a run; null means "not given".
struct CreditingSources {
  const SplitTable* splits = nullptr;
  const EffectiveDatedMap* account_managers = nullptr;  // customer code -> person index
  const FxTable* fx = nullptr;
  const FiscalCalendar* calendar = nullptr;  // default: fiscal year = calendar year
};

// Validates the splits (every deal whose revenue shares do not sum to exactly
// 100% is named) and the rules, then credits every deal.
CreditTable credit_deals(const DealTable& deals, const Organisation& org, const CreditRuleSet& rules,
                         const CreditingSettings& settings, const CreditingSources& sources = {});

// Checks only the split table (used by credit_deals). With `roster`, people
// are named by their ids in messages (else by roster index).
void validate_splits(const SplitTable& splits, const DealTable& deals, std::size_t people,
                     const Roster* roster = nullptr);

}  // namespace salescomp
