// The period run's tables from Arrow: column scans into the run's plain
// arrays, every bad cell reported once (see run_tables.hpp).
#include "salescomp/engine/run_tables.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "salescomp/arrow/column_readers.hpp"
#include "salescomp/arrow/money_columns.hpp"
#include "salescomp/arrow/table_specs.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/core/period.hpp"

namespace salescomp {

namespace {

using arrow::BoundTable;
using arrow::CellIssues;
using arrow::Column;
using arrow::FieldKind;

constexpr int64_t kRunInt32Max = std::numeric_limits<int32_t>::max();

// Run indexes of a person column: integers are run indexes (range-checked),
// text is the user's id looked up in `people`.
std::vector<int32_t> run_people_of(const Column& column, const RunPeople& people, CellIssues& issues) {
  const int64_t n = column.length;
  if (column.type.is_integer()) {
    const int64_t max = people.named() ? int64_t(people.size()) - 1 : kRunInt32Max;
    const auto v = arrow::read_integers(column, 0, max, true, -1, issues);
    return std::vector<int32_t>(v.begin(), v.end());
  }
  std::vector<int32_t> out(std::size_t(n), -1);
  arrow::for_each_id(column, [&](int64_t row, std::optional<std::string_view> id) {
    if (!id) return issues.add(row, column.name, "", "a person is required");
    if (!people.named())
      return issues.add(row, column.name, std::string(id->substr(0, 80)),
                        "a person id (text) needs person_ids (e.g. Organisation.person_ids) to name people "
                        "by id; without them people are run indexes (integers)");
    const int32_t p = people.find(*id);
    if (p < 0) return issues.add(row, column.name, std::string(id->substr(0, 80)), "not in person_ids");
    out[std::size_t(row)] = p;
  });
  return out;
}

std::vector<std::optional<Date>> optional_dates(const Column* column, std::size_t n, CellIssues& issues) {
  std::vector<std::optional<Date>> out(n);
  if (column == nullptr) return out;
  const std::vector<int32_t> days = arrow::read_days(*column, false, issues);
  for (std::size_t i = 0; i < n; ++i)
    if (days[i] != arrow::kNoDay) out[i] = Date::from_days(days[i]);
  return out;
}

std::vector<Date> required_dates(const Column& column, CellIssues& issues) {
  const std::vector<int32_t> days = arrow::read_days(column, true, issues);
  std::vector<Date> out(days.size());
  for (std::size_t i = 0; i < days.size(); ++i)
    if (days[i] != arrow::kNoDay) out[i] = Date::from_days(days[i]);
  return out;
}

// The plan index of every row's plan id (-1: not a plan row / bad).
std::vector<int32_t> plan_indexes(const Column& column, const std::vector<Plan>& plans,
                                  const std::vector<uint8_t>& wanted, CellIssues& issues) {
  std::vector<int32_t> out(std::size_t(column.length), -1);
  arrow::for_each_id(column, [&](int64_t row, std::optional<std::string_view> id) {
    if (!wanted[std::size_t(row)]) return;
    if (!id) return issues.add(row, column.name, "", "a plan id is required");
    for (std::size_t k = 0; k < plans.size(); ++k)
      if (plans[k].id == *id) return void(out[std::size_t(row)] = int32_t(k));
    issues.add(row, column.name, std::string(id->substr(0, 80)),
               "no plan with this id among the plans given");
  });
  return out;
}

// Rows whose `field` is "plan" (the organisation's assignments table).
std::vector<uint8_t> plan_rows(const Column& field, CellIssues& issues) {
  std::vector<uint8_t> out(std::size_t(field.length), 0);
  arrow::for_each_text(field, [&](int64_t row, std::optional<std::string_view> text) {
    if (!text) return issues.add(row, field.name, "", "a field is required");
    out[std::size_t(row)] = *text == "plan";
  });
  return out;
}

// The pay periods of the plans each person is assigned, as period kinds.
std::vector<std::vector<PeriodKind>> plan_kinds_by_person(const std::vector<Plan>& plans,
                                                          const std::vector<PlanAssignment>& assignments) {
  std::vector<std::vector<PeriodKind>> out;
  for (const PlanAssignment& a : assignments) {
    if (a.person < 0 || a.plan >= plans.size()) continue;
    if (std::size_t(a.person) >= out.size()) out.resize(std::size_t(a.person) + 1);
    const PlanPeriod p = plans[a.plan].period;
    const PeriodKind k = p == PlanPeriod::Month     ? PeriodKind::Month
                         : p == PlanPeriod::Quarter ? PeriodKind::Quarter
                                                    : PeriodKind::Year;
    auto& kinds = out[std::size_t(a.person)];
    if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
  }
  return out;
}

// 1 for the rows of people (subject_kind absent, null or "person"), 0 for teams.
std::vector<uint8_t> person_subjects(const Column* column, int64_t n, CellIssues& issues) {
  std::vector<uint8_t> out(std::size_t(n), 1);
  if (column == nullptr) return out;
  arrow::for_each_text(*column, [&](int64_t row, std::optional<std::string_view> text) {
    if (!text || *text == "person") return;
    out[std::size_t(row)] = 0;
    if (*text != "team")
      issues.add(row, column->name, std::string(text->substr(0, 80)), "expected person or team");
  });
  return out;
}

// The period kind of every row (nullopt: null cell).
std::vector<std::optional<PeriodKind>> period_kinds(const Column& column, CellIssues& issues) {
  std::vector<std::optional<PeriodKind>> out(std::size_t(column.length));
  arrow::for_each_text(column, [&](int64_t row, std::optional<std::string_view> text) {
    if (!text) return;
    for (PeriodKind k :
         {PeriodKind::Week, PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Half, PeriodKind::Year})
      if (to_string(k) == *text) return void(out[std::size_t(row)] = k);
    issues.add(row, column.name, std::string(text->substr(0, 80)),
               "expected week, month, quarter, half or year");
  });
  return out;
}

}  // namespace

RunPeople::RunPeople(std::vector<std::string> ids) : ids_(std::move(ids)) {
  index_.reserve(ids_.size());
  for (std::size_t i = 0; i < ids_.size(); ++i)
    if (!index_.emplace(std::string_view(ids_[i]), int32_t(i)).second)
      throw ValidationError("SC-RUN-INPUT",
                            Issue{int64_t(i) + 1, "person_ids", ids_[i], "a person id is given twice"});
}

int32_t RunPeople::find(std::string_view id) const {
  const auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

std::vector<PlanAssignment> read_plan_assignments(const arrow::ImportedTable& table,
                                                  const std::vector<Plan>& plans, const RunPeople& people) {
  const bool organisation = table.find("field") != nullptr;
  const BoundTable t =
      arrow::bind(table, arrow::table_spec(organisation ? "assignments" : "plan_assignments"));
  CellIssues issues(table.source());
  const int64_t n = t.num_rows();
  const std::vector<uint8_t> wanted =
      organisation ? plan_rows(*t.get("field"), issues) : std::vector<uint8_t>(std::size_t(n), 1);
  const std::vector<int32_t> person = run_people_of(*t.get("person_id"), people, issues);
  const std::vector<int32_t> plan =
      plan_indexes(*t.get(organisation ? "value" : "plan_id"), plans, wanted, issues);
  const std::vector<Date> from = required_dates(*t.get("from"), issues);
  const std::vector<std::optional<Date>> to = optional_dates(t.get("to"), std::size_t(n), issues);
  issues.throw_if_any("SC-RUN-ASSIGNMENTS");
  std::vector<PlanAssignment> out;
  for (std::size_t i = 0; i < std::size_t(n); ++i)
    if (wanted[i]) out.push_back(PlanAssignment{person[i], std::size_t(plan[i]), from[i], to[i]});
  return out;
}

std::vector<QuotaEntry> read_effective_quotas(const arrow::ImportedTable& table, const RunPeriod& period,
                                              const std::vector<Plan>& plans,
                                              const std::vector<PlanAssignment>& assignments,
                                              const RunPeople& people) {
  const BoundTable t = arrow::bind(table, arrow::table_spec("effective_quotas"));
  CellIssues issues(table.source());
  const int64_t n = t.num_rows();
  const std::vector<uint8_t> is_person = person_subjects(t.get("subject_kind"), n, issues);
  const std::vector<Date> start = required_dates(*t.get("period_start"), issues);
  const Column* kind_column = t.get("period_kind");
  const std::vector<std::optional<PeriodKind>> kind =
      kind_column ? period_kinds(*kind_column, issues)
                  : std::vector<std::optional<PeriodKind>>(std::size_t(n));
  // Only the rows the run reads are resolved (team subjects are not people).
  std::vector<uint8_t> in_period(std::size_t(n), 0);
  for (std::size_t i = 0; i < std::size_t(n); ++i)
    in_period[i] = is_person[i] && !(start[i] < period.start) && !(period.end < start[i]);
  std::vector<int32_t> subject(std::size_t(n), -1);
  const Column& subjects = *t.get("subject");
  if (subjects.type.is_integer()) {
    subject = run_people_of(subjects, people, issues);
  } else {
    arrow::for_each_id(subjects, [&](int64_t row, std::optional<std::string_view> id) {
      if (!in_period[std::size_t(row)]) return;
      if (!id) return issues.add(row, subjects.name, "", "a subject is required");
      if (!people.named())
        return issues.add(row, subjects.name, std::string(id->substr(0, 80)),
                          "a person id (text) needs person_ids (e.g. Organisation.person_ids) to name people "
                          "by id; without them people are run indexes (integers)");
      subject[std::size_t(row)] = people.find(*id);
      if (subject[std::size_t(row)] < 0)
        issues.add(row, subjects.name, std::string(id->substr(0, 80)), "not in person_ids");
    });
  }
  std::vector<std::string> measure(static_cast<std::size_t>(n));
  arrow::for_each_id(*t.get("measure"), [&](int64_t row, std::optional<std::string_view> id) {
    if (!in_period[std::size_t(row)]) return;
    if (!id) return issues.add(row, "measure", "", "a measure is required");
    measure[std::size_t(row)] = std::string(*id);
  });
  const std::vector<Currency> currency = arrow::read_currencies(*t.get("currency"), issues);
  const std::vector<int64_t> amount = arrow::read_money(
      *t.get("quota"), [&](int64_t row) { return currency[std::size_t(row)].exponent(); }, std::nullopt,
      issues);
  issues.throw_if_any("SC-RUN-QUOTAS");
  const auto kinds = plan_kinds_by_person(plans, assignments);
  std::vector<QuotaEntry> out;
  for (std::size_t i = 0; i < std::size_t(n); ++i) {
    if (!in_period[i]) continue;
    const int32_t p = subject[i];
    if (kind_column != nullptr) {
      if (!kind[i] || std::size_t(p) >= kinds.size()) continue;
      const auto& mine = kinds[std::size_t(p)];
      if (std::find(mine.begin(), mine.end(), *kind[i]) == mine.end()) continue;
    }
    out.push_back(QuotaEntry{p, std::move(measure[i]), start[i], Money::from_minor(amount[i], currency[i])});
  }
  return out;
}

DealTable read_run_deals(const arrow::ImportedTable& table) {
  const BoundTable t = arrow::bind(table, arrow::table_spec("run_deals"));
  CellIssues issues(table.source());
  const auto n = std::size_t(t.num_rows());
  DealTable d;
  d.close_date = required_dates(*t.get("close_date"), issues);
  d.cancellation_date = optional_dates(t.get("cancellation_date"), n, issues);
  d.invoice_date = optional_dates(t.get("invoice_date"), n, issues);
  d.collection_date = optional_dates(t.get("collection_date"), n, issues);
  d.id.resize(n);
  for (std::size_t i = 0; i < n; ++i) d.id[i] = int64_t(i);
  if (const Column* ids = t.get("deal_id")) {
    d.id_text.reserve(n, 0);
    // An integer's decimal text is always a valid id: only text is checked.
    const bool text = ids->type.is_text_like();
    arrow::for_each_id(*ids, [&](int64_t row, std::optional<std::string_view> id) {
      if (!id) issues.add(row, ids->name, "", "a deal id is required (or leave the column out)");
      if (const char* problem = id && text ? arrow::id_text_problem(*id) : nullptr)
        issues.add(row, ids->name, std::string(id->substr(0, 80)), problem);
      d.id_text.push_back(id.value_or(""));
    });
  }
  const Column* amount = t.get("amount");
  const Column* currency = t.get("currency");
  if (amount != nullptr && currency == nullptr)
    issues.add_table("amount", "", "an amount column needs a currency column");
  d.currency =
      currency ? arrow::read_currencies(*currency, issues) : std::vector<Currency>(n, Currency::of("USD"));
  d.amount = amount && currency
                 ? arrow::read_money(
                       *amount, [&](int64_t row) { return d.currency[std::size_t(row)].exponent(); },
                       std::nullopt, issues)
                 : std::vector<int64_t>(n, 0);
  auto int32s = [&](const char* name, int32_t none) {
    const Column* c = t.get(name);
    if (c == nullptr) return std::vector<int32_t>(n, none);
    const arrow::FieldSpec& f = *arrow::table_spec("run_deals").field(name);
    const auto v = arrow::read_integers(*c, f.min, f.max, false, none, issues);
    return std::vector<int32_t>(v.begin(), v.end());
  };
  d.term_months = int32s("term_months", 0);
  d.product = int32s("product", -1);
  issues.throw_if_any("SC-RUN-DEALS");
  d.owner.assign(n, -1);
  d.type.assign(n, DealType::NewBusiness);
  d.customer.assign(n, -1);
  d.source.assign(n, DealSource::None);
  d.source_person.assign(n, -1);
  return d;
}

}  // namespace salescomp
