#pragma once
// Why a person holds a credit: the crediting rule family that produced it.
#include <cstdint>
#include <string_view>

namespace salescomp {

enum class CreditKind : uint8_t {
  Direct,            // the deal owner, 100%
  RevenueSplit,      // a share of a revenue split (shares sum to exactly 100%)
  Overlay,           // overlay / team-selling credit (any percentage, not conserved)
  RollUp,            // a manager's credit for a report's credit, up the tree
  SdrSourced,        // an SDR on an opportunity they sourced
  AccountManager,    // an AM on a renewal or upsell of their account
  MarketingSourced,  // marketing on sourced pipeline
  Territory,         // a territory owner by territory rule
};

constexpr std::string_view to_string(CreditKind k) noexcept {
  switch (k) {
    case CreditKind::Direct:
      return "direct";
    case CreditKind::RevenueSplit:
      return "revenue_split";
    case CreditKind::Overlay:
      return "overlay";
    case CreditKind::RollUp:
      return "roll_up";
    case CreditKind::SdrSourced:
      return "sdr_sourced";
    case CreditKind::AccountManager:
      return "account_manager";
    case CreditKind::MarketingSourced:
      return "marketing_sourced";
    case CreditKind::Territory:
      return "territory";
  }
  return "?";
}

}  // namespace salescomp
