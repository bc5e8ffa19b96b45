#pragma once
// The revenue organisation: the roster plus effective-dated assignments of
// manager, team, territory, role and plan. Every lookup is "as of a date".
//
// Built from rows of (person id, field, value, from, to). Construction
// validates everything and reports every problem at once: unknown people,
// unknown managers (naming the person and the manager id), a person managing
// themself, unknown roles, overlapping assignments for one person and field,
// and reporting cycles on any date (naming every person in the cycle).
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "salescomp/core/date.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/detail/string_map.hpp"
#include "salescomp/org/assignment_field.hpp"
#include "salescomp/org/effective_dated.hpp"
#include "salescomp/org/role.hpp"
#include "salescomp/org/roster.hpp"

namespace salescomp {

// Assignment rows as columns. `value` is the manager's person id, a team,
// territory or plan name, or a role name; `to` is inclusive, nullopt = open.
struct AssignmentColumns {
  std::vector<std::string> person_id;
  std::vector<AssignmentField> field;
  std::vector<std::string> value;
  std::vector<Date> from;
  std::vector<std::optional<Date>> to;
  std::size_t size() const noexcept { return person_id.size(); }
};

class Organisation {
 public:
  Organisation() = default;
  explicit Organisation(Roster roster, const AssignmentColumns& rows = {});

  const Roster& roster() const noexcept { return roster_; }
  std::size_t size() const noexcept { return roster_.size(); }

  // The value of `field` for `person` on `d`: a person index for Manager, a
  // dictionary code for Team/Territory/Plan, int(Role) for Role; -1 = none.
  int32_t as_of(int32_t person, AssignmentField field, Date d) const noexcept {
    return maps_[std::size_t(field)].value_or_none(person, d);
  }
  int32_t manager_as_of(int32_t person, Date d) const noexcept {
    return as_of(person, AssignmentField::Manager, d);
  }
  // The role assignment in force, else the roster's base role.
  Role role_as_of(int32_t person, Date d) const {
    const int32_t r = as_of(person, AssignmentField::Role, d);
    return r < 0 ? roster_.role(person) : Role(r);
  }
  const EffectiveDatedMap& assignments(AssignmentField field) const noexcept {
    return maps_[std::size_t(field)];
  }

  // Names of teams, territories or plans, by code.
  const std::vector<std::string>& dictionary(AssignmentField field) const noexcept {
    return dictionaries_[std::size_t(field)];
  }
  // Code of a team/territory/plan name, or -1.
  int32_t code_of(AssignmentField field, const std::string& name) const {
    const auto& m = codes_[std::size_t(field)];
    auto it = m.find(name);
    return it == m.end() ? -1 : it->second;
  }

  // Writes up to `depth` managers of `person` as of `d` (nearest first) into
  // `out` and returns how many there are. Stops at the top of the tree.
  int reporting_chain(int32_t person, Date d, int depth, int32_t* out) const noexcept {
    int n = 0;
    int32_t p = person;
    while (n < depth) {
      const int32_t m = manager_as_of(p, d);
      if (m < 0) break;
      out[n++] = m;
      p = m;
    }
    return n;
  }
  std::vector<int32_t> reporting_chain(int32_t person, Date d, int depth) const {
    std::vector<int32_t> out(std::size_t(std::max(depth, 0)));
    out.resize(std::size_t(reporting_chain(person, d, depth, out.data())));
    return out;
  }

  // Everyone's manager as of `d` (-1 for none): the reporting tree.
  std::vector<int32_t> managers_as_of(Date d) const {
    std::vector<int32_t> out(size());
    for (std::size_t p = 0; p < size(); ++p) out[p] = manager_as_of(int32_t(p), d);
    return out;
  }

  // True when `ancestor` is above `person` (at any depth) as of `d`.
  bool reports_to(int32_t person, int32_t ancestor, Date d) const noexcept {
    for (int32_t p = manager_as_of(person, d), guard = 0; p >= 0 && guard <= int32_t(size());
         p = manager_as_of(p, d), ++guard)
      if (p == ancestor) return true;
    return false;
  }

 private:
  Roster roster_;
  std::array<EffectiveDatedMap, kAssignmentFieldCount> maps_;
  void codes_in_name_order(std::size_t field, std::vector<EffectiveDatedMap::Entry>& entries);

  std::array<std::vector<std::string>, kAssignmentFieldCount> dictionaries_;
  std::array<detail::StringMap<int32_t>, kAssignmentFieldCount> codes_;
};

}  // namespace salescomp
