#include "salescomp/quota/quota_arrow.hpp"

#include "salescomp/arrow/column_readers.hpp"
#include "salescomp/arrow/money_columns.hpp"
#include "salescomp/arrow/table_specs.hpp"

namespace salescomp {

namespace {

using arrow::BoundTable;
using arrow::CellIssues;
using arrow::Column;
using arrow::ExportColumn;

struct QuotaKeys {
  std::vector<SubjectKind> kind;
  std::vector<int32_t> subject;
  std::vector<int32_t> measure;
  std::vector<Period> period;
  std::vector<Currency> currency;
  std::vector<int64_t> amount;
};

std::vector<SubjectKind> read_subject_kinds(const Column* column, int64_t rows, CellIssues& issues) {
  std::vector<SubjectKind> out(std::size_t(rows), SubjectKind::Person);
  if (column == nullptr) return out;
  arrow::for_each_text(*column, [&](int64_t row, std::optional<std::string_view> text) {
    if (!text || *text == "person") return;
    if (*text == "team")
      out[std::size_t(row)] = SubjectKind::Team;
    else
      issues.add(row, column->name, std::string(*text), "expected person or team");
  });
  return out;
}

std::vector<int32_t> read_subjects(const Column& column, const std::vector<SubjectKind>& kind,
                                   const Organisation& org, CellIssues& issues) {
  std::vector<int32_t> out(kind.size(), -1);
  arrow::for_each_id(column, [&](int64_t row, std::optional<std::string_view> id) {
    if (!id) return issues.add(row, column.name, "", "a subject is required");
    if (kind[std::size_t(row)] == SubjectKind::Person) {
      if (auto p = org.roster().find(*id)) return void(out[std::size_t(row)] = *p);
      return issues.add(row, column.name, std::string(*id), "no person with this id in the roster");
    }
    out[std::size_t(row)] = org.code_of(AssignmentField::Team, std::string(*id));
    if (out[std::size_t(row)] < 0) issues.add(row, column.name, std::string(*id), "no team with this id");
  });
  return out;
}

std::vector<int32_t> read_measures(const Column* column, int64_t rows,
                                   const std::vector<std::string>& measures, CellIssues& issues) {
  std::vector<int32_t> out(std::size_t(rows), 0);
  if (column == nullptr) return out;
  return arrow::id_codes<int32_t>(
      *column,
      [&](int64_t row, std::string_view name) -> int32_t {
        for (std::size_t k = 0; k < measures.size(); ++k)
          if (measures[k] == name) return int32_t(k);
        issues.add(row, column->name, std::string(name), "not a measure of the crediting rules");
        return -2;
      },
      0, -2);
}

std::vector<Period> read_periods(const BoundTable& t, const FiscalCalendar& calendar, CellIssues& issues) {
  const int64_t n = t.num_rows();
  const auto years = arrow::read_integers(*t.get("fiscal_year"), 1, 9999, true, 0, issues);
  const auto numbers = arrow::read_integers(*t.get("number"), 1, 53, true, 0, issues);
  std::vector<Period> out(static_cast<std::size_t>(n));
  const Column& kinds = *t.get("period_kind");
  arrow::for_each_text(kinds, [&](int64_t row, std::optional<std::string_view> text) {
    if (!text) return issues.add(row, kinds.name, "", "a period kind is required");
    const auto i = std::size_t(row);
    if (years[i] == 0 || numbers[i] == 0) return;  // already reported
    try {
      out[i] = calendar.period(int(years[i]), period_kind_from_string(*text), int(numbers[i]));
    } catch (const ValidationError& e) {  // e.g. month 13: the calendar names the rule
      issues.add(row, "number", std::to_string(numbers[i]), e.issues().front().rule);
    }
  });
  return out;
}

QuotaKeys read_quota_keys(const BoundTable& t, const Organisation& org, const FiscalCalendar& calendar,
                          const std::vector<std::string>& measures, CellIssues& issues) {
  QuotaKeys k;
  const int64_t n = t.num_rows();
  k.kind = read_subject_kinds(t.get("subject_kind"), n, issues);
  k.subject = read_subjects(*t.get("subject"), k.kind, org, issues);
  k.measure = read_measures(t.get("measure"), n, measures, issues);
  k.period = read_periods(t, calendar, issues);
  k.currency = arrow::read_currencies(*t.get("currency"), issues);
  k.amount = arrow::read_money(
      *t.get("amount"), [&](int64_t row) { return k.currency[std::size_t(row)].exponent(); }, std::nullopt,
      issues);
  return k;
}

ExportColumn subject_column(const std::vector<SubjectKind>& kind, const std::vector<int32_t>& subject,
                            const Organisation& org) {
  std::vector<std::string> names(subject.size());
  const auto& teams = org.dictionary(AssignmentField::Team);
  for (std::size_t i = 0; i < subject.size(); ++i)
    names[i] =
        kind[i] == SubjectKind::Person ? org.roster().id(subject[i]) : teams.at(std::size_t(subject[i]));
  return ExportColumn::texts("subject", names);
}

void add_period_columns(arrow::ExportTable& t, const std::vector<SubjectKind>& kind,
                        const std::vector<int32_t>& subject, const std::vector<int32_t>& measure,
                        const std::vector<Period>& period, const Organisation& org,
                        const std::vector<std::string>& measures) {
  const std::size_t n = period.size();
  std::vector<int32_t> kinds(n), period_kinds(n), years(n), numbers(n), first(n), last(n);
  for (std::size_t i = 0; i < n; ++i) {
    kinds[i] = int32_t(kind[i]);
    period_kinds[i] = int32_t(period[i].kind);
    years[i] = period[i].fiscal_year;
    numbers[i] = period[i].number;
    first[i] = period[i].first.days();
    last[i] = period[i].last.days();
  }
  std::vector<std::string> kind_names;
  for (PeriodKind k :
       {PeriodKind::Week, PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Half, PeriodKind::Year})
    kind_names.emplace_back(to_string(k));
  t.add(subject_column(kind, subject, org));
  t.add(ExportColumn::dictionary("subject_kind", std::move(kinds), {"person", "team"}));
  t.add(ExportColumn::dictionary("measure", measure, measures));
  t.add(ExportColumn::dictionary("period_kind", std::move(period_kinds), kind_names));
  t.add(ExportColumn::int32s("fiscal_year", std::move(years)));
  t.add(ExportColumn::int32s("number", std::move(numbers)));
  t.add(ExportColumn::dates("period_start", std::move(first)));
  t.add(ExportColumn::dates("period_end", std::move(last)));
}

ExportColumn rate_column(std::string name, const std::vector<Rate>& rates) {
  std::vector<int64_t> raw(rates.size());
  for (std::size_t i = 0; i < rates.size(); ++i) raw[i] = rates[i].raw();
  return ExportColumn::decimals(std::move(name), raw, Rate::kScale);
}

}  // namespace

QuotaTable read_quotas(const arrow::ImportedTable& table, const Organisation& org,
                       const FiscalCalendar& calendar, const std::vector<std::string>& measures) {
  const BoundTable t = arrow::bind(table, arrow::table_spec("quotas"));
  CellIssues issues(table.source());
  const QuotaKeys k = read_quota_keys(t, org, calendar, measures, issues);
  issues.throw_if_any("SC-QUOTA-INVALID");
  QuotaTable q;
  for (std::size_t i = 0; i < k.subject.size(); ++i)
    q.add(k.kind[i], k.subject[i], k.measure[i], k.period[i], k.amount[i], k.currency[i]);
  return q;
}

QuotaReliefTable read_quota_relief(const arrow::ImportedTable& table, const Organisation& org,
                                   const FiscalCalendar& calendar, const std::vector<std::string>& measures) {
  const BoundTable t = arrow::bind(table, arrow::table_spec("quota_relief"));
  CellIssues issues(table.source());
  const QuotaKeys k = read_quota_keys(t, org, calendar, measures, issues);
  std::vector<std::string> reasons(k.subject.size());
  const Column& reason = *t.get("reason");
  arrow::for_each_text(reason, [&](int64_t row, std::optional<std::string_view> text) {
    if (!text || text->empty()) return issues.add(row, reason.name, "", "relief needs a reason");
    if (const char* problem = arrow::text_problem(*text)) return issues.add(row, reason.name, "", problem);
    reasons[std::size_t(row)] = std::string(*text);
  });
  issues.throw_if_any("SC-QUOTA-RELIEF");
  QuotaReliefTable r;
  for (std::size_t i = 0; i < k.subject.size(); ++i)
    r.add(k.kind[i], k.subject[i], k.measure[i], k.period[i], k.amount[i], k.currency[i],
          std::move(reasons[i]));
  return r;
}

std::vector<int32_t> read_ramp_assignments(const arrow::ImportedTable& table, const Organisation& org,
                                           const std::unordered_map<std::string, int32_t>& ramp_index) {
  const BoundTable t = arrow::bind(table, arrow::table_spec("ramp_assignments"));
  CellIssues issues(table.source());
  std::vector<int32_t> person(std::size_t(t.num_rows()), -1), ramp(std::size_t(t.num_rows()), -1);
  arrow::for_each_id(*t.get("person"), [&](int64_t row, std::optional<std::string_view> id) {
    if (!id) return issues.add(row, "person", "", "a person is required");
    if (auto p = org.roster().find(*id)) return void(person[std::size_t(row)] = *p);
    issues.add(row, "person", std::string(*id), "no person with this id in the roster");
  });
  arrow::for_each_id(*t.get("ramp"), [&](int64_t row, std::optional<std::string_view> id) {
    if (!id) return issues.add(row, "ramp", "", "a ramp name is required");
    auto it = ramp_index.find(std::string(*id));
    if (it == ramp_index.end()) return issues.add(row, "ramp", std::string(*id), "no ramp with this name");
    ramp[std::size_t(row)] = it->second;
  });
  std::vector<int32_t> out(org.size(), -1);
  for (std::size_t i = 0; i < person.size(); ++i) {
    if (person[i] < 0 || ramp[i] < 0) continue;
    int32_t& slot = out[std::size_t(person[i])];
    if (slot >= 0 && slot != ramp[i])
      issues.add(int64_t(i), "person", org.roster().id(person[i]), "the person is already on another ramp");
    slot = ramp[i];
  }
  issues.throw_if_any("SC-QUOTA-RAMP");
  return out;
}

OpportunityTable read_pipeline(const arrow::ImportedTable& table, const Organisation& org,
                               const std::vector<std::string>& measures,
                               const std::unordered_map<std::string, int32_t>& stage_index) {
  const BoundTable t = arrow::bind(table, arrow::table_spec("pipeline"));
  CellIssues issues(table.source());
  OpportunityTable o;
  const int64_t n = t.num_rows();
  o.owner.assign(std::size_t(n), -1);
  arrow::for_each_id(*t.get("owner"), [&](int64_t row, std::optional<std::string_view> id) {
    if (!id) return issues.add(row, "owner", "", "an owner is required");
    if (auto p = org.roster().find(*id)) return void(o.owner[std::size_t(row)] = *p);
    issues.add(row, "owner", std::string(*id), "no person with this id in the roster");
  });
  o.measure = read_measures(t.get("measure"), n, measures, issues);
  for (int32_t d : arrow::read_days(*t.get("expected_close"), true, issues))
    o.expected_close.push_back(Date::from_days(d));
  o.currency = arrow::read_currencies(*t.get("currency"), issues);
  o.amount = arrow::read_money(
      *t.get("amount"), [&](int64_t row) { return o.currency[std::size_t(row)].exponent(); }, std::nullopt,
      issues);
  o.stage = arrow::id_codes<int32_t>(
      *t.get("stage"),
      [&](int64_t row, std::string_view stage) -> int32_t {
        auto it = stage_index.find(std::string(stage));
        if (it != stage_index.end()) return it->second;
        issues.add(row, "stage", std::string(stage), "no probability is given for this stage");
        return -2;
      },
      -1, -2);
  issues.throw_if_any("SC-PACING-OPPORTUNITIES");
  return o;
}

arrow::ExportTable export_effective_quotas(const EffectiveQuotaTable& q, const Organisation& org,
                                           const std::vector<std::string>& measures) {
  arrow::ExportTable t;
  add_period_columns(t, q.subject_kind, q.subject, q.measure, q.period, org, measures);
  t.add(arrow::money_column("base", q.base, q.currency));
  t.add(arrow::money_column("adjusted", q.adjusted, q.currency));
  t.add(arrow::money_column("relief", q.relief, q.currency));
  t.add(arrow::money_column("quota", q.final_amount, q.currency));
  t.add(arrow::currency_column("currency", q.currency));
  t.add(ExportColumn::int32s("active_units", q.active_units));
  t.add(ExportColumn::int32s("total_units", q.total_units));
  t.add(ExportColumn::texts("relief_reason", q.relief_reason));
  return t;
}

arrow::ExportTable export_attainment(const AttainmentTable& a, const Organisation& org,
                                     const std::vector<std::string>& measures) {
  arrow::ExportTable t;
  add_period_columns(t, a.subject_kind, a.subject, a.measure, a.period, org, measures);
  t.add(arrow::currency_column("currency", a.currency));
  t.add(arrow::money_column("credited", a.credited, a.currency));
  t.add(arrow::money_column("quota", a.quota, a.currency));
  t.add(rate_column("attainment", a.attainment));
  t.add(ExportColumn::bools("attained", a.attained));
  t.add(arrow::money_column("qtd_credited", a.qtd_credited, a.currency));
  t.add(arrow::money_column("qtd_quota", a.qtd_quota, a.currency));
  t.add(rate_column("qtd_attainment", a.qtd_attainment));
  t.add(arrow::money_column("ytd_credited", a.ytd_credited, a.currency));
  t.add(arrow::money_column("ytd_quota", a.ytd_quota, a.currency));
  t.add(rate_column("ytd_attainment", a.ytd_attainment));
  t.add(ExportColumn::int32s("credit_count", a.credit_count));
  return t;
}

arrow::ExportTable export_pacing(const PacingTable& p, const AttainmentTable& a, const Organisation& org,
                                 const std::vector<std::string>& measures) {
  auto pick = [&](const auto& column) {
    std::remove_cvref_t<decltype(column)> out;
    out.reserve(p.size());
    for (uint32_t r : p.row) out.push_back(column[r]);
    return out;
  };
  const std::vector<Currency> currency = pick(a.currency);
  arrow::ExportTable t;
  add_period_columns(t, pick(a.subject_kind), pick(a.subject), pick(a.measure), pick(a.period), org,
                     measures);
  t.add(arrow::currency_column("currency", currency));
  t.add(arrow::money_column("credited", pick(a.credited), currency));
  t.add(arrow::money_column("quota", pick(a.quota), currency));
  t.add(ExportColumn::int32s("elapsed_units", p.elapsed_units));
  t.add(ExportColumn::int32s("total_units", p.total_units));
  t.add(arrow::money_column("expected", p.expected, currency));
  t.add(arrow::money_column("gap", p.gap, currency));
  t.add(arrow::money_column("run_rate", p.run_rate, currency));
  t.add(arrow::money_column("pipeline", p.pipeline, currency));
  t.add(arrow::money_column("pipeline_forecast", p.pipeline_forecast, currency));
  t.add(ExportColumn::bools("on_pace", p.on_pace));
  return t;
}

}  // namespace salescomp
