#pragma once
// The roles of a revenue organisation.
#include <cstdint>
#include <string>
#include <string_view>

#include "salescomp/core/error.hpp"

namespace salescomp {

enum class Role : uint8_t {
  Cro,  // chief revenue officer
  Cso,  // chief sales officer
  VpSales,
  SalesDirector,
  SalesManager,
  AccountExecutive,
  Sdr,             // sales development representative
  AccountManager,  // account manager / customer success manager
  Marketing,
  Operations,  // sales / marketing / revenue operations
};

constexpr std::string_view to_string(Role r) noexcept {
  switch (r) {
    case Role::Cro:
      return "cro";
    case Role::Cso:
      return "cso";
    case Role::VpSales:
      return "vp_sales";
    case Role::SalesDirector:
      return "sales_director";
    case Role::SalesManager:
      return "sales_manager";
    case Role::AccountExecutive:
      return "account_executive";
    case Role::Sdr:
      return "sdr";
    case Role::AccountManager:
      return "account_manager";
    case Role::Marketing:
      return "marketing";
    case Role::Operations:
      return "operations";
  }
  return "?";
}

// The names above, plus the usual abbreviations: ae, am, csm, sales_ops, marketing_ops.
inline Role role_from_string(std::string_view s) {
  for (int i = 0; i <= int(Role::Operations); ++i)
    if (to_string(Role(i)) == s) return Role(i);
  if (s == "ae") return Role::AccountExecutive;
  if (s == "am" || s == "csm") return Role::AccountManager;
  if (s == "sales_ops" || s == "marketing_ops" || s == "revops") return Role::Operations;
  throw ValidationError("SC-ORG-ROLE",
                        Issue{std::nullopt, "role", std::string(s),
                              "unknown role; expected cro, cso, vp_sales, sales_director, "
                              "sales_manager, account_executive (ae), sdr, account_manager (am, csm), "
                              "marketing or operations (sales_ops, marketing_ops, revops)"});
}

}  // namespace salescomp
