#pragma once
// The effective-dated attributes of a person.
#include <cstdint>
#include <string>
#include <string_view>

#include "salescomp/core/error.hpp"

namespace salescomp {

enum class AssignmentField : uint8_t { Manager, Team, Territory, Role, Plan };
inline constexpr int kAssignmentFieldCount = 5;

constexpr std::string_view to_string(AssignmentField f) noexcept {
  switch (f) {
    case AssignmentField::Manager:
      return "manager";
    case AssignmentField::Team:
      return "team";
    case AssignmentField::Territory:
      return "territory";
    case AssignmentField::Role:
      return "role";
    case AssignmentField::Plan:
      return "plan";
  }
  return "?";
}

inline AssignmentField assignment_field_from_string(std::string_view s) {
  for (int i = 0; i < kAssignmentFieldCount; ++i)
    if (to_string(AssignmentField(i)) == s) return AssignmentField(i);
  throw ValidationError("SC-ORG-FIELD", Issue{std::nullopt, "field", std::string(s),
                                              "expected manager, team, territory, role or plan"});
}

}  // namespace salescomp
