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
#include <salescomp/quota/quota_arrow.hpp>
#include <salescomp/quota/quota_table.hpp>
#include <unordered_map>

#include "arrow_interop.hpp"
#include "convert.hpp"
#include "table_holders.hpp"

namespace salescomp::py_bindings {

namespace {

// Ramps from config: [{"name":..., "kind": "percent"|"absolute", "values": [...], "currency": ...}].
std::vector<RampSchedule> ramps_from(const py::list& ramp_specs,
                                     std::unordered_map<std::string, int32_t>& index) {
  std::vector<RampSchedule> ramps;
  std::vector<Issue> issues;
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
      issues.push_back(Issue{row + 1, "kind", kind, "expected percent or absolute", "ramps"});
    }
    index[name] = int32_t(ramps.size());
    ramps.push_back(std::move(r));
    ++row;
  }
  if (!issues.empty()) throw ValidationError("SC-QUOTA-RAMP", std::move(issues));
  return ramps;
}

std::shared_ptr<QuotasHolder> effective(std::shared_ptr<Organisation> org, const FiscalCalendar& cal,
                                        const std::vector<std::string>& measures, const py::object& quotas,
                                        const py::list& ramp_specs, const py::object& ramp_of,
                                        const py::object& relief, const std::string& proration,
                                        bool prorate_leaves, RoundingMode rounding,
                                        const py::object& business) {
  const QuotaTable q = read_quotas(import_arrow(quotas, "quotas"), *org, cal, measures);
  std::unordered_map<std::string, int32_t> ramp_index;
  const std::vector<RampSchedule> ramps = ramps_from(ramp_specs, ramp_index);
  std::vector<int32_t> ramp_of_person(org->size(), -1);
  if (!ramp_of.is_none())
    ramp_of_person = read_ramp_assignments(import_arrow(ramp_of, "ramp_assignments"), *org, ramp_index);
  QuotaReliefTable rel;
  if (!relief.is_none()) rel = read_quota_relief(import_arrow(relief, "quota_relief"), *org, cal, measures);

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
      .def(
          "table",
          [](const QuotasHolder& h) {
            return export_arrow(export_effective_quotas(h.table, *h.org, h.measures));
          },
          "The effective quotas as an Arrow table (the effective_quotas schema).");
  py::class_<AttainmentHolder, std::shared_ptr<AttainmentHolder>>(m, "_Attainment")
      .def("__len__", [](const AttainmentHolder& h) { return h.table.size(); })
      .def_readonly("measures", &AttainmentHolder::measures)
      .def(
          "table",
          [](const AttainmentHolder& h) {
            return export_arrow(export_attainment(h.table, *h.org, h.measures));
          },
          "The attainment rows as an Arrow table.");

  m.def("_effective_quotas", &effective, py::arg("org"), py::arg("calendar"), py::arg("measures"),
        py::arg("quotas"), py::arg("ramps"), py::arg("ramp_of"), py::arg("relief"), py::arg("proration"),
        py::arg("prorate_leaves"), py::arg("rounding"), py::arg("business_calendar"));

  m.def(
      "_attainment",
      [](std::shared_ptr<CreditsHolder> credits, std::shared_ptr<QuotasHolder> quotas,
         const FiscalCalendar& cal, py::object person_kinds, py::object team_kinds,
         const std::string& team_quota, py::object through, int threads) {
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
        s.threads = threads;
        auto h = std::make_shared<AttainmentHolder>();
        h->org = quotas->org;
        h->measures = quotas->measures;
        py::gil_scoped_release release;
        h->table = compute_attainment(credits->table, quotas->table, *quotas->org, cal, s);
        return h;
      },
      py::arg("credits"), py::arg("quotas"), py::arg("calendar"), py::arg("person_kinds"),
      py::arg("team_kinds"), py::arg("team_quota"), py::arg("through"), py::arg("threads") = 1);

  m.def(
      "_pacing",
      [](std::shared_ptr<AttainmentHolder> a, py::object as_of, const std::string& unit,
         RoundingMode rounding, py::object business, py::object opportunities, py::dict stage_probability,
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
          std::unordered_map<std::string, int32_t> stage_index;
          for (auto [k, v] : stage_probability) {
            stage_index[k.cast<std::string>()] = int32_t(probs.size());
            probs.push_back(to_rate(v, std::nullopt, "stage probability"));
          }
          o = read_pipeline(import_arrow(opportunities, "opportunities"), *a->org, a->measures, stage_index);
          in.opportunities = &o;
          in.stage_probability = &probs;
        }
        PacingTable p;
        {
          const Date day = to_date(as_of, "as_of");
          py::gil_scoped_release release;
          p = compute_pacing(a->table, day, in, s);
        }
        return export_arrow(export_pacing(p, a->table, *a->org, a->measures));
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
