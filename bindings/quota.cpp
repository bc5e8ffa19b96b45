// Bindings for quotas and attainment: effective quotas (ramps, proration,
// relief), attainment with QTD/YTD and team roll-ups, pacing and forecasts,
// distributions and annual spreads.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <salescomp/core/business_calendar.hpp>
#include <salescomp/core/fx_table.hpp>
#include <salescomp/quota/distribution.hpp>
#include <salescomp/quota/pacing.hpp>
#include <salescomp/quota/quota_table.hpp>
#include <unordered_map>

#include "convert.hpp"
#include "table_holders.hpp"

namespace salescomp::py_bindings {

namespace {

struct Subjects {
  std::vector<SubjectKind> kind;
  std::vector<int32_t> code;
};

// Resolves (subject_kind, subject) text columns; every unknown subject is reported.
Subjects subjects_from(const py::dict& cols, const Organisation& org, std::vector<Issue>& issues) {
  const auto names = strings_at(cols, "subject");
  const auto kinds = strings_at(cols, "subject_kind");
  Subjects s;
  s.kind.resize(names.size(), SubjectKind::Person);
  s.code.resize(names.size(), -1);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string k = kinds.empty() ? "person" : kinds[i];
    if (k == "person") {
      if (auto p = org.roster().find(names[i]))
        s.code[i] = *p;
      else
        issues.push_back(Issue{int64_t(i), "subject", names[i], "unknown person"});
    } else if (k == "team") {
      s.kind[i] = SubjectKind::Team;
      s.code[i] = org.code_of(AssignmentField::Team, names[i]);
      if (s.code[i] < 0) issues.push_back(Issue{int64_t(i), "subject", names[i], "unknown team"});
    } else {
      issues.push_back(Issue{int64_t(i), "subject_kind", k, "expected person or team"});
    }
  }
  return s;
}

int32_t measure_code(const std::vector<std::string>& measures, const std::string& name) {
  for (std::size_t i = 0; i < measures.size(); ++i)
    if (measures[i] == name) return int32_t(i);
  return -1;
}

std::vector<int32_t> measures_from(const py::dict& cols, std::size_t n,
                                   const std::vector<std::string>& measures, std::vector<Issue>& issues) {
  const auto names = strings_at(cols, "measure");
  std::vector<int32_t> out(n, 0);
  for (std::size_t i = 0; i < names.size() && i < n; ++i) {
    out[i] = measure_code(measures, names[i]);
    if (out[i] < 0)
      issues.push_back(Issue{int64_t(i), "measure", names[i], "not a measure of the crediting rules"});
  }
  return out;
}

// Amounts as decimal text (parsed at each row's currency exponent) or minor units.
std::vector<int64_t> amounts_from(const py::dict& cols, const std::vector<Currency>& ccy,
                                  std::vector<Issue>& issues, const char* text_key = "amount",
                                  const char* minor_key = "amount_minor") {
  if (has(cols, minor_key)) return numbers_at<int64_t>(cols, minor_key);
  const auto text = strings_at(cols, text_key);
  std::vector<int64_t> out(text.size(), 0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!ccy[i].valid()) continue;
    try {
      out[i] = parse_scaled(text[i], ccy[i].exponent(), std::nullopt, "amount");
    } catch (const ValidationError& e) {
      issues.push_back(Issue{int64_t(i), text_key, text[i], e.issues().front().rule});
    }
  }
  return out;
}

std::vector<Currency> currencies_from(const py::dict& cols, std::vector<Issue>& issues) {
  const auto codes = strings_at(cols, "currency");
  std::vector<Currency> out(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    try {
      out[i] = Currency::of(codes[i]);
    } catch (const ValidationError& e) {
      issues.push_back(Issue{int64_t(i), "currency", codes[i], e.issues().front().rule});
    }
  }
  return out;
}

std::vector<Period> periods_from(const py::dict& cols, const FiscalCalendar& cal, std::size_t n,
                                 std::vector<Issue>& issues) {
  const auto kinds = strings_at(cols, "period_kind");
  const auto fy = numbers_at<int32_t>(cols, "fiscal_year");
  const auto num = numbers_at<int32_t>(cols, "number");
  std::vector<Period> out(n);
  if (kinds.size() != n || fy.size() != n || num.size() != n) {
    issues.push_back(Issue{std::nullopt, "period", std::to_string(n),
                           "period_kind, fiscal_year and number need one value per row"});
    return out;
  }
  for (std::size_t i = 0; i < n; ++i) {
    try {
      out[i] = cal.period(fy[i], period_kind_from_string(kinds[i]), num[i]);
    } catch (const ValidationError& e) {
      issues.push_back(
          Issue{int64_t(i), e.issues().front().field, e.issues().front().value, e.issues().front().rule});
    }
  }
  return out;
}

py::dict period_columns(const std::vector<Period>& p) {
  py::dict d;
  d["period_kind"] = to_numpy_by(p.size(), [&](std::size_t i) { return uint8_t(p[i].kind); });
  d["fiscal_year"] = to_numpy_by(p.size(), [&](std::size_t i) { return p[i].fiscal_year; });
  d["number"] = to_numpy_by(p.size(), [&](std::size_t i) { return p[i].number; });
  d["period_first"] = to_numpy_by(p.size(), [&](std::size_t i) { return p[i].first.days(); });
  d["period_last"] = to_numpy_by(p.size(), [&](std::size_t i) { return p[i].last.days(); });
  return d;
}

std::shared_ptr<QuotasHolder> effective(std::shared_ptr<Organisation> org, const FiscalCalendar& cal,
                                        const std::vector<std::string>& measures, const py::dict& cols,
                                        const py::list& ramp_specs, py::object ramp_of, py::object relief,
                                        const std::string& proration, bool prorate_leaves,
                                        RoundingMode rounding, py::object business) {
  std::vector<Issue> issues;
  const Subjects subj = subjects_from(cols, *org, issues);
  const std::size_t n = subj.code.size();
  const auto ccy = currencies_from(cols, issues);
  const auto amounts = amounts_from(cols, ccy, issues);
  const auto meas = measures_from(cols, n, measures, issues);
  const auto periods = periods_from(cols, cal, n, issues);
  if (ccy.size() != n || amounts.size() != n)
    issues.push_back(Issue{std::nullopt, "quotas", std::to_string(n), "columns differ in length"});
  if (!issues.empty()) throw ValidationError("SC-QUOTA-INVALID", std::move(issues));
  QuotaTable q;
  for (std::size_t i = 0; i < n; ++i)
    q.add(subj.kind[i], subj.code[i], meas[i], periods[i], amounts[i], ccy[i]);

  // Ramps: [{"name":..., "kind": "percent"|"absolute", "values": [...], "currency": ...}]
  std::vector<RampSchedule> ramps;
  std::unordered_map<std::string, int32_t> ramp_index;
  int64_t row = 0;
  for (py::handle item : ramp_specs) {
    const py::dict d = py::reinterpret_borrow<py::dict>(item);
    const std::string name = d.contains("name") ? d["name"].cast<std::string>() : std::to_string(row);
    const std::string kind = d.contains("kind") ? d["kind"].cast<std::string>() : "percent";
    RampSchedule r;
    if (kind == "percent") {
      for (py::handle v : d["values"]) r.percent.push_back(to_rate(v, std::nullopt, "ramp percent"));
    } else if (kind == "absolute") {
      r.kind = RampSchedule::Kind::Absolute;
      r.currency = to_currency(d["currency"]);
      for (py::handle v : d["values"])
        r.amount.push_back(
            parse_scaled(decimal_text(v, "ramp amount"), r.currency.exponent(), std::nullopt, "ramp amount"));
    } else {
      issues.push_back(Issue{row, "kind", kind, "expected percent or absolute"});
    }
    ramp_index[name] = int32_t(ramps.size());
    ramps.push_back(std::move(r));
    ++row;
  }
  std::vector<int32_t> ramp_of_person(org->size(), -1);
  if (!ramp_of.is_none()) {
    const py::dict d = ramp_of.cast<py::dict>();
    const auto persons = strings_at(d, "person");
    const auto names = strings_at(d, "ramp");
    for (std::size_t i = 0; i < persons.size(); ++i) {
      auto p = org->roster().find(persons[i]);
      auto r = i < names.size() ? ramp_index.find(names[i]) : ramp_index.end();
      if (!p) issues.push_back(Issue{int64_t(i), "person", persons[i], "unknown person"});
      if (r == ramp_index.end())
        issues.push_back(Issue{int64_t(i), "ramp", i < names.size() ? names[i] : "", "unknown ramp"});
      if (p && r != ramp_index.end()) ramp_of_person[std::size_t(*p)] = r->second;
    }
  }
  QuotaReliefTable rel;
  if (!relief.is_none()) {
    const py::dict d = relief.cast<py::dict>();
    std::vector<Issue> ri;
    const Subjects rs = subjects_from(d, *org, ri);
    const auto rc = currencies_from(d, ri);
    const auto ra = amounts_from(d, rc, ri);
    const auto rm = measures_from(d, rs.code.size(), measures, ri);
    const auto rp = periods_from(d, cal, rs.code.size(), ri);
    const auto reasons = strings_at(d, "reason");
    if (reasons.size() != rs.code.size() || rc.size() != rs.code.size() || ra.size() != rs.code.size())
      ri.push_back(Issue{std::nullopt, "relief", std::to_string(rs.code.size()), "columns differ in length"});
    if (!ri.empty()) throw ValidationError("SC-QUOTA-RELIEF", std::move(ri));
    for (std::size_t i = 0; i < rs.code.size(); ++i)
      rel.add(rs.kind[i], rs.code[i], rm[i], rp[i], ra[i], rc[i], reasons[i]);
  }
  if (!issues.empty()) throw ValidationError("SC-QUOTA-RAMP", std::move(issues));

  QuotaSettings s;
  s.proration = time_unit_from_string(proration);
  s.prorate_leaves = prorate_leaves;
  s.rounding = rounding;
  QuotaInputs in{*org, cal};
  if (!business.is_none()) in.business = business.cast<const BusinessCalendar*>();
  in.ramps = &ramps;
  in.ramp_of_person = &ramp_of_person;
  if (!relief.is_none()) in.relief = &rel;
  auto h = std::make_shared<QuotasHolder>();
  h->org = org;
  h->measures = measures;
  {
    py::gil_scoped_release release;
    h->table = effective_quotas(q, in, s);
  }
  return h;
}

py::dict quota_columns(const QuotasHolder& h) {
  const EffectiveQuotaTable& t = h.table;
  py::dict d = period_columns(t.period);
  d["subject_kind"] = to_numpy_by(t.size(), [&](std::size_t i) { return uint8_t(t.subject_kind[i]); });
  d["subject"] = to_numpy<int32_t>(t.subject);
  d["measure"] = to_numpy<int32_t>(t.measure);
  d["currency"] = currency_column(t.currency);
  d["base"] = to_numpy<int64_t>(t.base);
  d["adjusted"] = to_numpy<int64_t>(t.adjusted);
  d["relief"] = to_numpy<int64_t>(t.relief);
  d["quota"] = to_numpy<int64_t>(t.final_amount);
  d["active_units"] = to_numpy<int32_t>(t.active_units);
  d["total_units"] = to_numpy<int32_t>(t.total_units);
  d["relief_reason"] = t.relief_reason;
  return d;
}

py::array_t<int64_t> rate_raw(const std::vector<Rate>& v) {
  return to_numpy_by(v.size(), [&](std::size_t i) { return v[i].raw(); });
}

py::dict attainment_columns(const AttainmentHolder& h) {
  const AttainmentTable& t = h.table;
  py::dict d = period_columns(t.period);
  d["subject_kind"] = to_numpy_by(t.size(), [&](std::size_t i) { return uint8_t(t.subject_kind[i]); });
  d["subject"] = to_numpy<int32_t>(t.subject);
  d["measure"] = to_numpy<int32_t>(t.measure);
  d["currency"] = currency_column(t.currency);
  d["credited"] = to_numpy<int64_t>(t.credited);
  d["quota"] = to_numpy<int64_t>(t.quota);
  d["attainment"] = rate_raw(t.attainment);
  d["attained"] = to_numpy<bool>(t.attained);
  d["qtd_credited"] = to_numpy<int64_t>(t.qtd_credited);
  d["qtd_quota"] = to_numpy<int64_t>(t.qtd_quota);
  d["qtd_attainment"] = rate_raw(t.qtd_attainment);
  d["ytd_credited"] = to_numpy<int64_t>(t.ytd_credited);
  d["ytd_quota"] = to_numpy<int64_t>(t.ytd_quota);
  d["ytd_attainment"] = rate_raw(t.ytd_attainment);
  d["credit_count"] = to_numpy<int32_t>(t.credit_count);
  return d;
}

uint16_t kinds_mask(py::object v, uint16_t fallback) {
  if (v.is_none()) return fallback;
  uint16_t m = 0;
  for (py::handle k : v) m |= credit_kind_bit(credit_kind_from_string(k.cast<std::string>()));
  return m;
}

}  // namespace

void bind_quota(py::module_& m) {
  py::class_<QuotasHolder, std::shared_ptr<QuotasHolder>>(m, "_EffectiveQuotas")
      .def("__len__", [](const QuotasHolder& h) { return h.table.size(); })
      .def_readonly("measures", &QuotasHolder::measures)
      .def("columns", &quota_columns);
  py::class_<AttainmentHolder, std::shared_ptr<AttainmentHolder>>(m, "_Attainment")
      .def("__len__", [](const AttainmentHolder& h) { return h.table.size(); })
      .def_readonly("measures", &AttainmentHolder::measures)
      .def("columns", &attainment_columns);

  m.def("_effective_quotas", &effective, py::arg("org"), py::arg("calendar"), py::arg("measures"),
        py::arg("quotas"), py::arg("ramps"), py::arg("ramp_of"), py::arg("relief"), py::arg("proration"),
        py::arg("prorate_leaves"), py::arg("rounding"), py::arg("business_calendar"));

  m.def(
      "_attainment",
      [](std::shared_ptr<CreditsHolder> credits, std::shared_ptr<QuotasHolder> quotas,
         const FiscalCalendar& cal, py::object person_kinds, py::object team_kinds,
         const std::string& team_quota, py::object through) {
        if (credits->deals->org != quotas->org)
          throw ValidationError(
              "SC-ATTAIN-ORG",
              Issue{std::nullopt, "org", "", "credits and quotas come from different organisations"});
        if (credits->measures != quotas->measures)
          throw ValidationError(
              "SC-ATTAIN-MEASURES",
              Issue{std::nullopt, "measures", "", "credits and quotas use different measure lists"});
        AttainmentSettings s;
        s.person_kinds = kinds_mask(person_kinds, s.person_kinds);
        s.team_kinds = kinds_mask(team_kinds, s.team_kinds);
        if (team_quota == "explicit")
          s.team_quota = TeamQuotaSource::Explicit;
        else if (team_quota == "sum_of_members")
          s.team_quota = TeamQuotaSource::SumOfMembers;
        else
          throw ValidationError("SC-ATTAIN-SETTINGS", Issue{std::nullopt, "team_quota", team_quota,
                                                            "expected explicit or sum_of_members"});
        if (!through.is_none()) s.through = to_date(through, "through");
        auto h = std::make_shared<AttainmentHolder>();
        h->org = quotas->org;
        h->measures = quotas->measures;
        py::gil_scoped_release release;
        h->table = compute_attainment(credits->table, quotas->table, *quotas->org, cal, s);
        return h;
      },
      py::arg("credits"), py::arg("quotas"), py::arg("calendar"), py::arg("person_kinds"),
      py::arg("team_kinds"), py::arg("team_quota"), py::arg("through"));

  m.def(
      "_pacing",
      [](std::shared_ptr<AttainmentHolder> a, py::object as_of, const std::string& unit,
         RoundingMode rounding, py::object business, py::object opportunities, py::object stage_probability,
         py::object fx) {
        PacingSettings s;
        s.unit = time_unit_from_string(unit);
        s.rounding = rounding;
        PacingInputs in{*a->org};
        if (!business.is_none()) in.business = business.cast<const BusinessCalendar*>();
        if (!fx.is_none()) in.fx = fx.cast<const FxTable*>();
        OpportunityTable o;
        std::vector<Rate> probs;
        if (!opportunities.is_none()) {
          const py::dict d = opportunities.cast<py::dict>();
          std::vector<Issue> issues;
          std::unordered_map<std::string, int32_t> stage_index;
          for (auto [k, v] : stage_probability.cast<py::dict>()) {
            stage_index[k.cast<std::string>()] = int32_t(probs.size());
            probs.push_back(to_rate(v, std::nullopt, "stage probability"));
          }
          const auto owners = strings_at(d, "owner");
          const auto stages = strings_at(d, "stage");
          o.currency = currencies_from(d, issues);
          o.amount = amounts_from(d, o.currency, issues);
          o.expected_close = to_dates(days_at(d, "expected_close"), "expected_close");
          o.measure = measures_from(d, owners.size(), a->measures, issues);
          for (std::size_t i = 0; i < owners.size(); ++i) {
            auto p = a->org->roster().find(owners[i]);
            if (!p) issues.push_back(Issue{int64_t(i), "owner", owners[i], "unknown person"});
            o.owner.push_back(p.value_or(-1));
            auto st = i < stages.size() ? stage_index.find(stages[i]) : stage_index.end();
            if (st == stage_index.end())
              issues.push_back(Issue{int64_t(i), "stage", i < stages.size() ? stages[i] : "",
                                     "no probability for this stage"});
            o.stage.push_back(st == stage_index.end() ? -1 : st->second);
          }
          if (!issues.empty()) throw ValidationError("SC-PACING-OPPORTUNITIES", std::move(issues));
          in.opportunities = &o;
          in.stage_probability = &probs;
        }
        PacingTable p;
        {
          const Date day = to_date(as_of, "as_of");
          py::gil_scoped_release release;
          p = compute_pacing(a->table, day, in, s);
        }
        py::dict d;
        d["row"] = to_numpy<uint32_t>(p.row);
        d["elapsed_units"] = to_numpy<int32_t>(p.elapsed_units);
        d["total_units"] = to_numpy<int32_t>(p.total_units);
        d["expected"] = to_numpy<int64_t>(p.expected);
        d["gap"] = to_numpy<int64_t>(p.gap);
        d["on_pace"] = to_numpy<bool>(p.on_pace);
        d["run_rate"] = to_numpy<int64_t>(p.run_rate);
        d["pipeline"] = to_numpy<int64_t>(p.pipeline);
        d["pipeline_forecast"] = to_numpy<int64_t>(p.pipeline_forecast);
        return d;
      },
      py::arg("attainment"), py::arg("as_of"), py::arg("unit"), py::arg("rounding"),
      py::arg("business_calendar"), py::arg("opportunities"), py::arg("stage_probability"), py::arg("fx"));

  m.def(
      "_distribution",
      [](const Column<int64_t>& credited, const Column<int64_t>& quota, py::list percentiles, py::list edges,
         py::object threshold) {
        std::vector<Rate> p, e;
        for (py::handle x : percentiles) p.push_back(to_rate(x, std::nullopt, "percentile"));
        for (py::handle x : edges) e.push_back(to_rate(x, std::nullopt, "edge"));
        const Rate limit = to_rate(threshold, std::nullopt, "threshold");
        AttainmentDistribution d;
        {
          py::gil_scoped_release release;
          d = attainment_distribution(std::span<const int64_t>(credited.data(), std::size_t(credited.size())),
                                      std::span<const int64_t>(quota.data(), std::size_t(quota.size())), p, e,
                                      limit);
        }
        py::dict out;
        out["people"] = d.people;
        out["zero_quota"] = d.zero_quota;
        out["at_or_above"] = d.at_or_above;
        out["share_at_or_above"] = d.share_at_or_above;
        out["mean"] = d.mean;
        out["percentiles"] = d.percentile_values;
        out["histogram"] = d.histogram;
        return out;
      },
      py::arg("credited"), py::arg("quota"), py::arg("percentiles"), py::arg("edges"), py::arg("threshold"));

  m.def(
      "spread_annual_quota",
      [](const Money& annual, const FiscalCalendar& cal, int fiscal_year, const std::string& kind,
         py::object weights) {
        std::vector<Rate> w;
        if (!weights.is_none())
          for (py::handle x : weights) w.push_back(to_rate(x, std::nullopt, "weight"));
        QuotaTable q;
        spread_annual_quota(q, SubjectKind::Person, 0, 0, annual.minor_units(), annual.currency(), cal,
                            fiscal_year, period_kind_from_string(kind), w);
        py::list out;
        for (std::size_t i = 0; i < q.size(); ++i)
          out.append(py::make_tuple(q.period[i], Money::from_minor(q.amount[i], q.currency[i])));
        return out;
      },
      py::arg("annual"), py::arg("calendar"), py::arg("fiscal_year"), py::arg("kind") = "month",
      py::arg("weights") = py::none(),
      "Spread an annual quota over the fiscal year's periods, evenly or by weights (largest remainder: the "
      "parts "
      "sum exactly). Returns [(Period, Money)].");
}

}  // namespace salescomp::py_bindings
