#pragma once
// The kinds of revenue transaction a deal row can be.
#include <cstdint>
#include <string>
#include <string_view>

#include "salescomp/core/error.hpp"

namespace salescomp {

enum class DealType : uint8_t { NewBusiness, Renewal, Upsell, CrossSell, Cancellation, Refund };

constexpr std::string_view to_string(DealType t) noexcept {
  switch (t) {
    case DealType::NewBusiness:
      return "new_business";
    case DealType::Renewal:
      return "renewal";
    case DealType::Upsell:
      return "upsell";
    case DealType::CrossSell:
      return "cross_sell";
    case DealType::Cancellation:
      return "cancellation";
    case DealType::Refund:
      return "refund";
  }
  return "?";
}

// Parses the snake_case names above ("upsell" also accepts "expansion").
inline DealType deal_type_from_string(std::string_view s) {
  for (DealType t : {DealType::NewBusiness, DealType::Renewal, DealType::Upsell, DealType::CrossSell,
                     DealType::Cancellation, DealType::Refund})
    if (to_string(t) == s) return t;
  if (s == "expansion") return DealType::Upsell;
  throw ValidationError("SC-DEAL-TYPE",
                        Issue{std::nullopt, "type", std::string(s),
                              "unknown deal type; expected new_business, renewal, upsell (expansion), "
                              "cross_sell, cancellation or refund"});
}

}  // namespace salescomp
