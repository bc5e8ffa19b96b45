#include "salescomp/org/organisation.hpp"

#include <numeric>

namespace salescomp {

// Team, territory and plan codes follow their names (byte order), not the
// order of the assignment rows, so that nothing keyed on a code (output order,
// ties) moves when the rows are shuffled.
void Organisation::codes_in_name_order(std::size_t field, std::vector<EffectiveDatedMap::Entry>& entries) {
  std::vector<std::string>& names = dictionaries_[field];
  if (names.size() < 2) return;
  std::vector<int32_t> by_name(names.size());
  std::iota(by_name.begin(), by_name.end(), 0);
  std::sort(by_name.begin(), by_name.end(),
            [&](int32_t a, int32_t b) { return names[std::size_t(a)] < names[std::size_t(b)]; });
  std::vector<int32_t> new_code(names.size());
  std::vector<std::string> sorted(names.size());
  for (std::size_t k = 0; k < by_name.size(); ++k) {
    new_code[std::size_t(by_name[k])] = int32_t(k);
    sorted[k] = std::move(names[std::size_t(by_name[k])]);
  }
  names = std::move(sorted);
  for (auto& [name, code] : codes_[field]) code = new_code[std::size_t(code)];
  for (auto& e : entries) e.value = new_code[std::size_t(e.value)];
}

Organisation::Organisation(Roster roster, const AssignmentColumns& rows) : roster_(std::move(roster)) {
  const std::size_t n = rows.size();
  if (rows.field.size() != n || rows.value.size() != n || rows.from.size() != n || rows.to.size() != n)
    throw ValidationError("SC-ORG-SHAPE", Issue{std::nullopt, "assignments", std::to_string(n),
                                                "every assignment column needs one value per row"});
  std::vector<Issue> issues;
  std::array<std::vector<EffectiveDatedMap::Entry>, kAssignmentFieldCount> entries;
  std::optional<int32_t> person;
  for (std::size_t i = 0; i < n; ++i) {
    const int64_t row = int64_t(i);
    // A person's rows usually come together: look the id up once per run of rows.
    if (i == 0 || rows.person_id[i] != rows.person_id[i - 1]) person = roster_.find(rows.person_id[i]);
    if (!person) {
      issues.push_back(Issue{row, "person_id", rows.person_id[i], "unknown person"});
      continue;
    }
    const AssignmentField f = rows.field[i];
    const std::size_t fi = std::size_t(f);
    int32_t value = -1;
    switch (f) {
      case AssignmentField::Manager: {
        const auto m = roster_.find(rows.value[i]);
        if (!m) {
          issues.push_back(
              Issue{row, "manager", rows.value[i], "unknown manager of '" + rows.person_id[i] + "'"});
          continue;
        }
        if (*m == *person) {
          issues.push_back(
              Issue{row, "manager", rows.value[i], "'" + rows.person_id[i] + "' cannot manage themself"});
          continue;
        }
        value = *m;
        break;
      }
      case AssignmentField::Role:
        try {
          value = int32_t(role_from_string(rows.value[i]));
        } catch (const ValidationError& e) {
          issues.push_back(Issue{row, "role", rows.value[i], e.issues().front().rule});
          continue;
        }
        break;
      default: {
        if (rows.value[i].empty()) {
          issues.push_back(Issue{row, std::string(to_string(f)), "", "empty value (leave a gap instead)"});
          continue;
        }
        // Looked up before inserting: emplace would build (and drop) a node per row.
        auto it = codes_[fi].find(rows.value[i]);
        if (it == codes_[fi].end()) {
          it = codes_[fi].emplace(rows.value[i], int32_t(dictionaries_[fi].size())).first;
          dictionaries_[fi].push_back(rows.value[i]);
        }
        value = it->second;
      }
    }
    entries[fi].push_back(EffectiveDatedMap::Entry{
        *person, rows.from[i], rows.to[i].value_or(EffectiveDatedMap::kOpenEnd), value, row});
  }
  if (!issues.empty()) throw ValidationError("SC-ORG-ASSIGNMENT", std::move(issues));
  for (int f = 0; f < kAssignmentFieldCount; ++f)
    codes_in_name_order(std::size_t(f), entries[std::size_t(f)]);

  auto describe = [this](int32_t p) { return "'" + roster_.id(p) + "'"; };
  // Overlaps of every field are collected before throwing.
  for (int f = 0; f < kAssignmentFieldCount; ++f) {
    try {
      maps_[std::size_t(f)] = EffectiveDatedMap(roster_.size(), std::move(entries[std::size_t(f)]),
                                                std::string(to_string(AssignmentField(f))), describe);
    } catch (const ValidationError& e) {
      issues.insert(issues.end(), e.issues().begin(), e.issues().end());
    }
  }
  if (!issues.empty()) throw ValidationError("SC-ORG-OVERLAP", std::move(issues));

  // A cycle in force on some date contains the edge that started last, and
  // every edge of it is in force on that start date: so walking up from each
  // manager assignment's person on its start date finds every cycle.
  std::vector<std::vector<int32_t>> cycles;
  std::vector<int32_t> path;
  for (const auto& e : maps_[std::size_t(AssignmentField::Manager)].entries()) {
    path.assign(1, e.key);
    int32_t p = e.value;
    bool cycle = false;
    while (p >= 0 && path.size() <= roster_.size()) {
      if (p == e.key) {
        cycle = true;
        break;
      }
      path.push_back(p);
      p = manager_as_of(p, e.first);
    }
    if (!cycle) continue;
    // Report each cycle once: by its sorted member list.
    std::vector<int32_t> members = path;
    std::sort(members.begin(), members.end());
    if (std::find(cycles.begin(), cycles.end(), members) != cycles.end()) continue;
    cycles.push_back(members);
    std::string names;
    for (int32_t q : path) names += "'" + roster_.id(q) + "' -> ";
    names += "'" + roster_.id(e.key) + "'";
    issues.push_back(Issue{e.row, "manager", roster_.id(e.value),
                           "reporting cycle on " + e.first.to_string() + ": " + names});
  }
  if (!issues.empty()) throw ValidationError("SC-ORG-CYCLE", std::move(issues));
}

}  // namespace salescomp
