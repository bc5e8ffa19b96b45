#pragma once
// The roster: people, their base role, employment dates, leaves of absence
// and pay currency. People are addressed by row index everywhere else; the
// external id is kept for messages and output.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/date.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/detail/string_map.hpp"
#include "salescomp/org/role.hpp"

namespace salescomp {

// A closed range of days away (both ends inclusive).
struct Leave {
  Date first;
  Date last;
};

class Roster {
 public:
  // Adds one person and returns their index. Duplicate ids and an end date
  // before the start date are ValidationErrors naming the person.
  int32_t add(std::string person_id, Role role, Date start, std::optional<Date> end, Currency pay_currency) {
    std::vector<Issue> issues;
    check_person(int64_t(size()), person_id, start, end, pay_currency, issues);
    if (!issues.empty()) throw ValidationError("SC-ORG-ROSTER", std::move(issues));
    return append(std::move(person_id), role, start, end, pay_currency);
  }

  // Builds a roster from columns, reporting every bad row at once.
  static Roster from_columns(std::vector<std::string> ids, std::vector<Role> roles, std::vector<Date> starts,
                             std::vector<std::optional<Date>> ends, std::vector<Currency> currencies) {
    const std::size_t n = ids.size();
    if (roles.size() != n || starts.size() != n || ends.size() != n || currencies.size() != n)
      throw ValidationError("SC-ORG-SHAPE", Issue{std::nullopt, "roster", std::to_string(n),
                                                  "every roster column needs one value per person"});
    Roster r;
    std::vector<Issue> issues;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t before = issues.size();
      r.check_person(int64_t(i), ids[i], starts[i], ends[i], currencies[i], issues);
      if (issues.size() == before)
        r.append(std::move(ids[i]), roles[i], starts[i], ends[i], currencies[i]);
      else
        r.index_.emplace(ids[i], -1);  // still catch later duplicates of a bad row
    }
    if (!issues.empty()) throw ValidationError("SC-ORG-ROSTER", std::move(issues));
    return r;
  }

  // Adds a leave; overlapping leaves of one person and leaves outside the
  // employment are errors naming the person.
  void add_leave(int32_t person, Date first, Date last) {
    std::vector<Issue> issues;
    check_leave(std::nullopt, person, first, last, issues);
    if (!issues.empty()) throw ValidationError("SC-ORG-LEAVE", std::move(issues));
    insert_leave(person, first, last);
  }
  void add_leaves(const std::vector<int32_t>& person, const std::vector<Date>& first,
                  const std::vector<Date>& last) {
    std::vector<Issue> issues;
    for (std::size_t i = 0; i < person.size(); ++i)
      check_leave(int64_t(i), person[i], first[i], last[i], issues);
    if (!issues.empty()) throw ValidationError("SC-ORG-LEAVE", std::move(issues));
    for (std::size_t i = 0; i < person.size(); ++i) insert_leave(person[i], first[i], last[i]);
  }

  std::size_t size() const noexcept { return ids_.size(); }
  const std::string& id(int32_t p) const { return ids_.at(std::size_t(p)); }
  Role role(int32_t p) const { return roles_.at(std::size_t(p)); }
  Date start(int32_t p) const { return starts_.at(std::size_t(p)); }
  std::optional<Date> end(int32_t p) const { return ends_.at(std::size_t(p)); }
  Currency pay_currency(int32_t p) const { return currencies_.at(std::size_t(p)); }
  const std::vector<Leave>& leaves(int32_t p) const { return leaves_.at(std::size_t(p)); }

  // Index of an external id, or nullopt.
  std::optional<int32_t> find(std::string_view person_id) const {
    auto it = index_.find(person_id);
    if (it == index_.end() || it->second < 0) return std::nullopt;
    return it->second;
  }
  // Index of an external id; an unknown id is a LookupError naming it.
  int32_t index_of(std::string_view person_id) const {
    if (auto i = find(person_id)) return *i;
    throw LookupError("SC-ORG-UNKNOWN-PERSON", "no person '" + std::string(person_id) + "' in the roster");
  }

  // Employed on `d` (start <= d <= end).
  bool is_employed(int32_t p, Date d) const {
    const auto e = ends_[std::size_t(p)];
    return starts_[std::size_t(p)] <= d && (!e || d <= *e);
  }
  bool is_on_leave(int32_t p, Date d) const {
    for (const Leave& l : leaves_[std::size_t(p)])
      if (l.first <= d && d <= l.last) return true;
    return false;
  }
  // Employed and not on leave: the days that count for quota proration.
  bool is_active(int32_t p, Date d) const { return is_employed(p, d) && !is_on_leave(p, d); }

 private:
  void check_person(int64_t row, const std::string& pid, Date start, const std::optional<Date>& end,
                    Currency ccy, std::vector<Issue>& issues) const {
    if (pid.empty())
      issues.push_back(Issue{row, "person_id", "", "a person needs a non-empty id"});
    else if (index_.count(pid))
      issues.push_back(Issue{row, "person_id", pid, "duplicate person id"});
    if (end && *end < start)
      issues.push_back(Issue{row, "end_date", end->to_string(),
                             "person '" + pid + "' ends before starting on " + start.to_string()});
    if (!ccy.valid())
      issues.push_back(Issue{row, "pay_currency", "", "person '" + pid + "' needs a pay currency"});
  }
  int32_t append(std::string pid, Role role, Date start, std::optional<Date> end, Currency ccy) {
    const int32_t p = int32_t(ids_.size());
    index_[pid] = p;
    ids_.push_back(std::move(pid));
    roles_.push_back(role);
    starts_.push_back(start);
    ends_.push_back(end);
    currencies_.push_back(ccy);
    leaves_.emplace_back();
    return p;
  }
  void check_leave(std::optional<int64_t> row, int32_t person, Date first, Date last,
                   std::vector<Issue>& issues) const {
    if (person < 0 || std::size_t(person) >= size()) {
      issues.push_back(Issue{row, "person", std::to_string(person), "not a roster index"});
      return;
    }
    const std::string& pid = ids_[std::size_t(person)];
    if (last < first) {
      issues.push_back(Issue{row, "last", last.to_string(), "leave of '" + pid + "' ends before it starts"});
      return;
    }
    for (const Leave& l : leaves_[std::size_t(person)])
      if (l.first <= last && first <= l.last)
        issues.push_back(Issue{
            row, "first", first.to_string(),
            "leave of '" + pid + "' overlaps the leave " + l.first.to_string() + ".." + l.last.to_string()});
  }
  void insert_leave(int32_t person, Date first, Date last) {
    auto& v = leaves_[std::size_t(person)];
    for (const Leave& l : v)
      if (l.first <= last && first <= l.last)
        throw ValidationError("SC-ORG-LEAVE",
                              Issue{std::nullopt, "first", first.to_string(),
                                    "leave of '" + ids_[std::size_t(person)] + "' overlaps the leave " +
                                        l.first.to_string() + ".." + l.last.to_string()});
    v.push_back(Leave{first, last});
    std::sort(v.begin(), v.end(), [](const Leave& a, const Leave& b) { return a.first < b.first; });
  }

  std::vector<std::string> ids_;
  std::vector<Role> roles_;
  std::vector<Date> starts_;
  std::vector<std::optional<Date>> ends_;
  std::vector<Currency> currencies_;
  std::vector<std::vector<Leave>> leaves_;
  detail::StringMap<int32_t> index_;
};

}  // namespace salescomp
