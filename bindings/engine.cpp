// Bindings for the component calculators and their explanations. Amounts
// cross as Decimal/str/int in the plan currency (floats refused) and come
// back as Decimal.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <salescomp/engine/bonus_calculators.hpp>
#include <salescomp/engine/clawback_calculator.hpp>
#include <salescomp/engine/draw_calculator.hpp>
#include <salescomp/engine/measure_calculators.hpp>
#include <salescomp/engine/payout_timing_calculator.hpp>
#include <salescomp/plan/plan.hpp>

#include "convert.hpp"

namespace salescomp::py_bindings {

namespace {

Money money_in(py::handle v, Currency c, const char* what) {
  if (py::isinstance<Money>(v)) {
    const Money m = v.cast<Money>();
    Money::zero(c).require_same_currency(m, "use");
    return m;
  }
  return Money::from_minor(parse_scaled(decimal_text(v, what), c.exponent(), std::nullopt, what), c);
}
std::optional<Money> optional_money(py::handle v, Currency c, const char* what) {
  if (v.is_none()) return std::nullopt;
  return money_in(v, c, what);
}
py::object decimal_of(const Money& m) { return make_decimal(m.to_string()); }
py::object decimal_of(const std::optional<Money>& m) { return m ? decimal_of(*m) : py::object(py::none()); }

const Component& find_component(const Plan& plan, const std::string& id) {
  for (const Component& c : plan.components)
    if (c.id == id) return c;
  throw LookupError("SC-PLAN-COMPONENT", "plan " + plan.id + " has no component '" + id + "'");
}
template <class T>
const T& component_as(const Plan& plan, const std::string& id, const char* type) {
  const T* spec = std::get_if<T>(&find_component(plan, id).spec);
  if (!spec)
    throw ValidationError("SC-PLAN-COMPONENT", Issue{std::nullopt, id, std::string(component_type(find_component(plan, id))),
                                                     std::string("this calculator needs a ") + type + " component"});
  return *spec;
}

}  // namespace

void bind_engine(py::module_& m) {
  py::class_<Explanation>(m, "Explanation", "How one amount was reached: structured fields and to_text().")
      .def_readonly("component_id", &Explanation::component_id)
      .def_readonly("component_type", &Explanation::component_type)
      .def_property_readonly("measure", [](const Explanation& e) { return decimal_of(e.measure); })
      .def_readonly("count", &Explanation::count)
      .def_property_readonly("quota", [](const Explanation& e) { return decimal_of(e.quota); })
      .def_property_readonly("attainment", [](const Explanation& e) -> py::object {
        return e.attainment ? make_decimal(e.attainment->to_short_string()) : py::object(py::none());
      }, "display only (12 places); decisions used the exact ratio")
      .def_readonly("band", &Explanation::band)
      .def_property_readonly("rate", [](const Explanation& e) -> py::object {
        return e.rate ? make_decimal(e.rate->to_short_string()) : py::object(py::none());
      })
      .def_readonly("formula", &Explanation::formula)
      .def_readonly("exact_value", &Explanation::exact_value)
      .def_readonly("rounding", &Explanation::rounding)
      .def_readonly("applied", &Explanation::applied)
      .def_property_readonly("prior_paid", [](const Explanation& e) { return decimal_of(e.prior_paid); })
      .def_property_readonly("amount", [](const Explanation& e) { return decimal_of(e.amount); })
      .def_property_readonly("currency", [](const Explanation& e) { return std::string(e.amount.currency().code()); })
      .def("to_text", &Explanation::to_text)
      .def("__repr__", [](const Explanation& e) {
        return "<Explanation " + e.component_id + " " + e.amount.format() + ">";
      });

  m.def("_calculate_component",
        [](const Plan& plan, const std::string& id, py::object measure, py::object quota, int64_t count,
           py::object paid_before, py::object paid_in_year, py::object gate_measure, py::object gate_quota,
           std::vector<py::object> deal_credits) {
          const Currency c = plan.currency;
          ComponentInput in;
          in.component_id = id;
          in.measure = money_in(measure, c, "measure");
          in.quota = optional_money(quota, c, "quota");
          in.count = count;
          in.paid_before = money_in(paid_before, c, "paid_before");
          in.paid_in_year = money_in(paid_in_year, c, "paid_in_year");
          in.gate_measure = optional_money(gate_measure, c, "gate_measure");
          in.gate_quota = optional_money(gate_quota, c, "gate_quota");
          for (const py::object& d : deal_credits) in.deal_credits.push_back(money_in(d, c, "deal_credits"));
          in.rounding = plan.rounding.mode;
          const Component& comp = find_component(plan, id);
          py::gil_scoped_release release;
          if (const auto* r = std::get_if<RateComponent>(&comp.spec)) return calculate_rate_component(*r, in).explanation;
          if (const auto* t = std::get_if<TargetIncentiveComponent>(&comp.spec))
            return calculate_target_incentive(*t, in).explanation;
          if (const auto* u = std::get_if<PerUnitComponent>(&comp.spec)) return calculate_per_unit(*u, in).explanation;
          if (const auto* o = std::get_if<OverrideComponent>(&comp.spec)) return calculate_override(*o, in).explanation;
          throw ValidationError("SC-PLAN-COMPONENT",
                                Issue{std::nullopt, id, std::string(component_type(comp)),
                                      "not a measure-based component; use the calculator for its type"});
        },
        py::arg("plan"), py::arg("component_id"), py::arg("measure"), py::arg("quota"), py::arg("count"),
        py::arg("paid_before"), py::arg("paid_in_year"), py::arg("gate_measure"), py::arg("gate_quota"),
        py::arg("deal_credits"));

  m.def("_calculate_milestones",
        [](const Plan& plan, const std::string& id, py::object measure, py::object quota, std::vector<std::string> paid) {
          const auto& mc = component_as<MilestoneComponent>(plan, id, "milestone_bonus");
          MilestoneResult r = calculate_milestones(mc, id, money_in(measure, plan.currency, "measure"),
                                                   money_in(quota, plan.currency, "quota"), paid);
          std::vector<Explanation> lines;
          for (auto& l : r.lines) lines.push_back(std::move(l.explanation));
          return py::make_tuple(lines, r.newly_paid);
        });

  m.def("_calculate_spif", [](const Plan& plan, const std::string& id, py::sequence credits) {
    const auto& sc = component_as<SpifComponent>(plan, id, "spif");
    std::vector<SpifCredit> in;
    for (py::handle row : credits) {
      py::tuple t = py::reinterpret_borrow<py::tuple>(row);
      in.push_back(SpifCredit{t[0].cast<int64_t>(), to_date(t[1], "date"), deal_type_from_string(t[2].cast<std::string>()),
                              t[3].cast<int32_t>(), money_in(t[4], plan.currency, "credit")});
    }
    std::vector<std::pair<int64_t, Explanation>> out;
    for (auto& [deal, r] : calculate_spif(sc, id, in, plan.rounding.mode)) out.emplace_back(deal, std::move(r.explanation));
    return out;
  });

  m.def("_calculate_mbo", [](const Plan& plan, const std::string& id, py::dict achievements) {
    const auto& mc = component_as<MboComponent>(plan, id, "mbo");
    std::vector<std::pair<std::string, Rate>> in;
    for (auto [k, v] : achievements) in.emplace_back(k.cast<std::string>(), to_rate(v, std::nullopt, "achievement"));
    return calculate_mbo(mc, id, in, plan.rounding.mode).explanation;
  });

  m.def("_calculate_draw", [](const Plan& plan, const std::string& id, py::object earnings, py::object recoverable,
                              py::object guarantee, int32_t periods_elapsed) {
    const auto& dc = component_as<DrawComponent>(plan, id, "draw");
    const Currency c = plan.currency;
    DrawResult r = calculate_draw(dc, id, money_in(earnings, c, "earnings"),
                                  DrawState{money_in(recoverable, c, "recoverable_balance"),
                                            money_in(guarantee, c, "guarantee_balance"), periods_elapsed});
    py::dict out;
    out["paid"] = decimal_of(r.paid);
    out["recovered"] = decimal_of(r.recovered);
    out["forgiven"] = decimal_of(r.forgiven);
    out["recoverable_balance"] = decimal_of(r.next.recoverable_balance);
    out["guarantee_balance"] = decimal_of(r.next.guarantee_balance);
    out["periods_elapsed"] = r.next.periods_elapsed;
    out["explanation"] = py::cast(r.explanation);
    return out;
  });

  m.def("_calculate_clawback", [](const Plan& plan, const std::string& id, py::object close, py::object cancellation,
                                  int32_t term_months, py::object paid) -> py::object {
    const auto& cc = component_as<ClawbackComponent>(plan, id, "clawback");
    auto r = calculate_clawback(cc, id, to_date(close, "close"), to_date(cancellation, "cancellation"), term_months,
                                money_in(paid, plan.currency, "paid"), plan.rounding.mode);
    if (!r) return py::none();
    return py::cast(r->explanation);
  });

  m.def("_calculate_payable", [](const Plan& plan, const std::string& id, py::object earned, py::object close,
                                 py::object invoice, py::object deal_amount, py::object collected, py::object period_end,
                                 py::object paid_before) {
    const Currency c = plan.currency;
    DealPaymentEvents deal{to_date(close, "close"),
                           invoice.is_none() ? std::nullopt : std::optional<Date>(to_date(invoice, "invoice")),
                           money_in(deal_amount, c, "deal_amount"), money_in(collected, c, "collected")};
    return calculate_payable(plan.payout_timing, id, money_in(earned, c, "earned"), deal, to_date(period_end, "period_end"),
                             money_in(paid_before, c, "paid_before"), plan.rounding.mode)
        .explanation;
  });
}

}  // namespace salescomp::py_bindings
