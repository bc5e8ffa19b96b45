#pragma once
// One crediting rule and the rule set. A rule's index in the set is the
// `rule` lineage column of every credit it makes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "salescomp/core/error.hpp"
#include "salescomp/core/rate.hpp"
#include "salescomp/credit/credit_kind.hpp"
#include "salescomp/data/deal_type.hpp"
#include "salescomp/org/role.hpp"

namespace salescomp {

// Which deals count as marketing-sourced (the field disagrees; a setting).
enum class SourcedDefinition : uint8_t {
  LeadSource,                 // the deal's source field is marketing
  FirstTouch,                 // the first touch's source is marketing
  MarketingTouchBeforeSales,  // a marketing touch precedes sales' first activity
};

// Which date a credit carries.
enum class CreditDateBasis : uint8_t { Close, Created };

constexpr uint8_t deal_type_bit(DealType t) noexcept { return uint8_t(1u << unsigned(t)); }
inline constexpr uint8_t kAllDealTypes = 0x3F;
constexpr uint16_t credit_kind_bit(CreditKind k) noexcept { return uint16_t(1u << unsigned(k)); }

struct CreditRule {
  std::string name;
  CreditKind kind = CreditKind::Direct;
  int32_t measure = 0;                 // index into CreditRuleSet::measures
  uint8_t deal_types = kAllDealTypes;  // deal_type_bit mask the rule applies to
  // Share of the deal (SDR, AM, marketing, territory) or of the rolled-up
  // credit (roll-up). Splits and overlays take their shares from the SplitTable.
  Rate share = Rate::from_int(1);
  int depth = 1;  // RollUp: manager levels (1 = direct manager)
  uint16_t rolls_up = credit_kind_bit(CreditKind::Direct) | credit_kind_bit(CreditKind::RevenueSplit);
  SourcedDefinition sourced = SourcedDefinition::LeadSource;  // MarketingSourced
  CreditDateBasis date = CreditDateBasis::Close;
  int32_t person = -1;       // MarketingSourced: recipient when the deal names none
  std::optional<Role> role;  // Territory: only people holding this role on the date
};

struct CreditRuleSet {
  std::vector<std::string> measures{"bookings"};
  std::vector<CreditRule> rules;

  // Code of a measure name, adding it when new.
  int32_t measure(const std::string& name) {
    for (std::size_t i = 0; i < measures.size(); ++i)
      if (measures[i] == name) return int32_t(i);
    measures.push_back(name);
    return int32_t(measures.size() - 1);
  }
  // Appends a rule with the defaults of its kind (AM: renewals and upsells;
  // SDR and marketing: new business) and returns its index.
  int32_t add(CreditRule r) {
    rules.push_back(std::move(r));
    return int32_t(rules.size() - 1);
  }
  static CreditRule defaults_for(CreditKind kind) {
    CreditRule r;
    r.kind = kind;
    r.name = std::string(to_string(kind));
    switch (kind) {
      case CreditKind::AccountManager:
        r.deal_types = deal_type_bit(DealType::Renewal) | deal_type_bit(DealType::Upsell);
        break;
      case CreditKind::SdrSourced:
      case CreditKind::MarketingSourced:
        r.deal_types = deal_type_bit(DealType::NewBusiness);
        break;
      default:
        break;
    }
    return r;
  }
};

constexpr std::string_view to_string(SourcedDefinition d) noexcept {
  switch (d) {
    case SourcedDefinition::LeadSource:
      return "lead_source";
    case SourcedDefinition::FirstTouch:
      return "first_touch";
    case SourcedDefinition::MarketingTouchBeforeSales:
      return "marketing_touch_before_sales";
  }
  return "?";
}

inline SourcedDefinition sourced_definition_from_string(std::string_view s) {
  for (SourcedDefinition d : {SourcedDefinition::LeadSource, SourcedDefinition::FirstTouch,
                              SourcedDefinition::MarketingTouchBeforeSales})
    if (to_string(d) == s) return d;
  throw ValidationError("SC-CREDIT-SOURCED", Issue{std::nullopt, "sourced", std::string(s),
                                                   "expected lead_source, first_touch or "
                                                   "marketing_touch_before_sales"});
}

inline CreditKind credit_kind_from_string(std::string_view s) {
  for (int i = 0; i <= int(CreditKind::Territory); ++i)
    if (to_string(CreditKind(i)) == s) return CreditKind(i);
  throw ValidationError("SC-CREDIT-KIND", Issue{std::nullopt, "kind", std::string(s),
                                                "expected direct, revenue_split, overlay, roll_up, "
                                                "sdr_sourced, account_manager, marketing_sourced or "
                                                "territory"});
}

}  // namespace salescomp
