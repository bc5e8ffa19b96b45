// Bindings for the component calculators and their explanations. Amounts
// cross as Decimal/str/int in the plan currency (floats refused) and come
// back as Decimal.
#include <pybind11/native_enum.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <salescomp/engine/bonus_calculators.hpp>
#include <salescomp/engine/clawback_calculator.hpp>
#include <salescomp/engine/draw_calculator.hpp>
#include <salescomp/engine/measure_calculators.hpp>
#include <salescomp/engine/payout_timing_calculator.hpp>
#include <salescomp/engine/period_run.hpp>
#include <salescomp/plan/plan.hpp>

#include "convert.hpp"

// The run state crosses to Python as an opaque handle, not a converted dict.
PYBIND11_MAKE_OPAQUE(salescomp::RunState)

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
    throw ValidationError("SC-PLAN-COMPONENT",
                          Issue{std::nullopt, id, std::string(component_type(find_component(plan, id))),
                                std::string("this calculator needs a ") + type + " component"});
  return *spec;
}

// Column `name` of a dict of sequences, or None when absent.
py::object column(const py::dict& table, const char* name) {
  return table.contains(name) ? py::reinterpret_borrow<py::object>(table[name]) : py::object(py::none());
}
std::size_t length_of(const py::dict& table, const char* required) {
  if (!table.contains(required))
    throw ValidationError("SC-RUN-INPUT", Issue{std::nullopt, required, "", "required column is missing"});
  return py::len(table[required]);
}

CreditTable credits_from(const py::dict& t) {
  CreditTable c;
  const std::size_t n = length_of(t, "person");
  c.reserve(n);
  const py::sequence person = t["person"], deal = t["deal"], date = t["date"], amount = t["amount"],
                     currency = t["currency"];
  const py::object kind = column(t, "kind"), type = column(t, "deal_type"), rule = column(t, "rule");
  for (std::size_t i = 0; i < n; ++i) {
    const Currency cur = to_currency(currency[i]);
    c.person.push_back(person[i].cast<int32_t>());
    c.deal.push_back(deal[i].cast<int64_t>());
    c.date.push_back(to_date(date[i], "date"));
    c.amount.push_back(
        parse_scaled(decimal_text(amount[i], "amount"), cur.exponent(), std::nullopt, "amount"));
    c.currency.push_back(cur);
    c.kind.push_back(kind.is_none() ? CreditKind::Direct : py::sequence(kind)[i].cast<CreditKind>());
    c.deal_type.push_back(type.is_none() ? DealType::NewBusiness
                                         : deal_type_from_string(py::sequence(type)[i].cast<std::string>()));
    c.rule.push_back(rule.is_none() ? 0 : py::sequence(rule)[i].cast<int32_t>());
    c.depth.push_back(0);
  }
  return c;
}

DealTable deals_from(const py::dict& t) {
  DealTable d;
  const std::size_t n = length_of(t, "close_date");
  const py::sequence close = t["close_date"];
  const py::object cancel = column(t, "cancellation_date"), term = column(t, "term_months"),
                   product = column(t, "product");
  for (std::size_t i = 0; i < n; ++i) {
    d.id.push_back(int64_t(i));
    d.owner.push_back(-1);
    d.close_date.push_back(to_date(close[i], "close_date"));
    d.invoice_date.push_back(std::nullopt);
    d.collection_date.push_back(std::nullopt);
    const py::object c = cancel.is_none() ? py::object(py::none()) : py::object(py::sequence(cancel)[i]);
    d.cancellation_date.push_back(c.is_none() ? std::nullopt
                                              : std::optional<Date>(to_date(c, "cancellation_date")));
    d.amount.push_back(0);
    d.currency.push_back(Currency::of("USD"));
    d.type.push_back(DealType::NewBusiness);
    d.product.push_back(product.is_none() ? -1 : py::sequence(product)[i].cast<int32_t>());
    d.customer.push_back(-1);
    d.source.push_back(DealSource::None);
    d.source_person.push_back(-1);
    d.term_months.push_back(term.is_none() ? 0 : py::sequence(term)[i].cast<int32_t>());
  }
  return d;
}

py::dict line_dict(const PayoutLine& l) {
  py::dict d;
  d["person"] = l.person;
  d["period_start"] = make_date(l.period_start);
  d["component"] = l.component;
  d["deal"] = l.deal >= 0 ? py::object(py::int_(l.deal)) : py::object(py::none());
  d["amount"] = decimal_of(l.amount);
  d["currency"] = std::string(l.amount.currency().code());
  d["explanation"] = l.explanation;
  d["adjustment"] = l.adjustment;
  return d;
}

}  // namespace

static void bind_run(py::module_& m) {
  py::native_enum<CreditKind>(m, "CreditKind", "enum.Enum", "Why a person holds a credit.")
      .value("Direct", CreditKind::Direct)
      .value("RevenueSplit", CreditKind::RevenueSplit)
      .value("Overlay", CreditKind::Overlay)
      .value("RollUp", CreditKind::RollUp)
      .value("SdrSourced", CreditKind::SdrSourced)
      .value("AccountManager", CreditKind::AccountManager)
      .value("MarketingSourced", CreditKind::MarketingSourced)
      .value("Territory", CreditKind::Territory)
      .finalize();

  py::class_<RunState>(m, "_RunState", "What a run leaves for the next period (opaque).")
      .def(py::init<>())
      .def("__len__", [](const RunState& s) { return s.size(); });

  py::class_<RunResult>(m, "_RunResult")
      .def_property_readonly("lines",
                             [](const RunResult& r) {
                               py::list out;
                               for (const PayoutLine& l : r.lines) out.append(line_dict(l));
                               return out;
                             })
      .def("explanation",
           [](const RunResult& r, std::size_t i) {
             if (i >= r.explanations.size()) throw py::index_error("no explanation " + std::to_string(i));
             return r.explanations[i];
           })
      .def_property_readonly("statements",
                             [](const RunResult& r) {
                               py::list out;
                               for (const Statement& s : r.statements) {
                                 py::dict d;
                                 d["person"] = s.person;
                                 d["plan"] = s.plan;
                                 d["lines"] = s.lines;
                                 py::list subtotals;
                                 for (const auto& [component, amount] : s.subtotals)
                                   subtotals.append(py::make_tuple(component, decimal_of(amount)));
                                 d["subtotals"] = subtotals;
                                 d["recoverable_balance"] = decimal_of(s.recoverable_balance);
                                 d["guarantee_balance"] = decimal_of(s.guarantee_balance);
                                 d["total"] = decimal_of(s.total);
                                 d["currency"] = std::string(s.total.currency().code());
                                 out.append(d);
                               }
                               return out;
                             })
      .def_property_readonly("next_state", [](const RunResult& r) { return r.next_state; });

  m.def("_run_period",
        [](std::vector<Plan> plans, py::list assignments, py::dict credits, py::object deals, py::list quotas,
           py::list mbo, py::tuple period, const RunState& prior, int threads,
           py::object what_if_credit) -> py::object {
          RunInput in;
          in.plans = std::move(plans);
          for (py::handle a : assignments) {
            py::tuple t = py::reinterpret_borrow<py::tuple>(a);
            in.assignments.push_back(
                PlanAssignment{t[0].cast<int32_t>(), t[1].cast<std::size_t>(), to_date(t[2], "from"),
                               t[3].is_none() ? std::nullopt : std::optional<Date>(to_date(t[3], "to"))});
          }
          const CreditTable credit_table = credits_from(credits);
          in.credits = &credit_table;
          const std::optional<DealTable> deal_table =
              deals.is_none() ? std::nullopt : std::optional<DealTable>(deals_from(deals.cast<py::dict>()));
          in.deals = deal_table ? &*deal_table : nullptr;
          for (py::handle q : quotas) {
            py::tuple t = py::reinterpret_borrow<py::tuple>(q);
            const Currency c = to_currency(t[4]);
            in.quotas.push_back(QuotaEntry{t[0].cast<int32_t>(), t[1].cast<std::string>(),
                                           to_date(t[2], "period_start"), money_in(t[3], c, "quota")});
          }
          for (py::handle e : mbo) {
            py::tuple t = py::reinterpret_borrow<py::tuple>(e);
            in.mbo.push_back(MboEntry{t[0].cast<int32_t>(), t[1].cast<std::string>(),
                                      t[2].cast<std::string>(), to_rate(t[3], std::nullopt, "achievement")});
          }
          in.period = RunPeriod{to_date(period[0], "start"), to_date(period[1], "end"),
                                to_date(period[2], "quarter_start"), to_date(period[3], "year_start")};
          if (!what_if_credit.is_none()) {
            py::tuple t = what_if_credit.cast<py::tuple>();
            const int32_t person = t[0].cast<int32_t>();
            const Plan* plan = nullptr;
            for (const PlanAssignment& a : in.assignments)
              if (a.person == person && a.plan < in.plans.size()) plan = &in.plans[a.plan];
            if (!plan)
              throw LookupError("SC-RUN-PERSON", "person " + std::to_string(person) + " has no plan");
            const int64_t minor =
                parse_scaled(decimal_text(t[2], "amount"), plan->currency.exponent(), std::nullopt, "amount");
            WhatIf w = what_if(in, prior, person, to_date(t[1], "date"), minor,
                               deal_type_from_string(t[3].cast<std::string>()), t[4].cast<CreditKind>(),
                               t[5].cast<int32_t>());
            py::dict d;
            d["without"] = decimal_of(w.without);
            d["with"] = decimal_of(w.with);
            d["marginal"] = decimal_of(w.marginal);
            return d;
          }
          RunResult r;
          {
            py::gil_scoped_release release;
            r = run_period(in, prior, threads);
          }
          return py::cast(std::move(r));
        });

  m.def("_restatement_adjustments",
        [](const RunResult& closed, const RunResult& recomputed, py::object open_start) {
          py::list out;
          for (const PayoutLine& l :
               restatement_adjustments(closed, recomputed, to_date(open_start, "open_period_start")))
            out.append(line_dict(l));
          return out;
        });
}

void bind_engine(py::module_& m) {
  bind_run(m);
  py::class_<Explanation>(m, "Explanation", "How one amount was reached: structured fields and to_text().")
      .def_readonly("component_id", &Explanation::component_id)
      .def_readonly("component_type", &Explanation::component_type)
      .def_property_readonly("measure", [](const Explanation& e) { return decimal_of(e.measure); })
      .def_readonly("count", &Explanation::count)
      .def_property_readonly("quota", [](const Explanation& e) { return decimal_of(e.quota); })
      .def_property_readonly(
          "attainment",
          [](const Explanation& e) -> py::object {
            return e.attainment ? make_decimal(e.attainment->to_short_string()) : py::object(py::none());
          },
          "display only (12 places); decisions used the exact ratio")
      .def_readonly("band", &Explanation::band)
      .def_property_readonly("rate",
                             [](const Explanation& e) -> py::object {
                               return e.rate ? make_decimal(e.rate->to_short_string())
                                             : py::object(py::none());
                             })
      .def_readonly("formula", &Explanation::formula)
      .def_readonly("exact_value", &Explanation::exact_value)
      .def_readonly("rounding", &Explanation::rounding)
      .def_readonly("applied", &Explanation::applied)
      .def_property_readonly("prior_paid", [](const Explanation& e) { return decimal_of(e.prior_paid); })
      .def_property_readonly("amount", [](const Explanation& e) { return decimal_of(e.amount); })
      .def_property_readonly("currency",
                             [](const Explanation& e) { return std::string(e.amount.currency().code()); })
      .def("to_text", &Explanation::to_text)
      .def("__repr__", [](const Explanation& e) {
        return "<Explanation " + e.component_id + " " + e.amount.format() + ">";
      });

  m.def(
      "_calculate_component",
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
        if (const auto* r = std::get_if<RateComponent>(&comp.spec))
          return calculate_rate_component(*r, in).explanation;
        if (const auto* t = std::get_if<TargetIncentiveComponent>(&comp.spec))
          return calculate_target_incentive(*t, in).explanation;
        if (const auto* u = std::get_if<PerUnitComponent>(&comp.spec))
          return calculate_per_unit(*u, in).explanation;
        if (const auto* o = std::get_if<OverrideComponent>(&comp.spec))
          return calculate_override(*o, in).explanation;
        throw ValidationError("SC-PLAN-COMPONENT",
                              Issue{std::nullopt, id, std::string(component_type(comp)),
                                    "not a measure-based component; use the calculator for its type"});
      },
      py::arg("plan"), py::arg("component_id"), py::arg("measure"), py::arg("quota"), py::arg("count"),
      py::arg("paid_before"), py::arg("paid_in_year"), py::arg("gate_measure"), py::arg("gate_quota"),
      py::arg("deal_credits"));

  m.def("_calculate_milestones", [](const Plan& plan, const std::string& id, py::object measure,
                                    py::object quota, std::vector<std::string> paid) {
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
      in.push_back(SpifCredit{t[0].cast<int64_t>(), to_date(t[1], "date"),
                              deal_type_from_string(t[2].cast<std::string>()), t[3].cast<int32_t>(),
                              money_in(t[4], plan.currency, "credit")});
    }
    std::vector<std::pair<int64_t, Explanation>> out;
    for (auto& [deal, r] : calculate_spif(sc, id, in, plan.rounding.mode))
      out.emplace_back(deal, std::move(r.explanation));
    return out;
  });

  m.def("_calculate_mbo", [](const Plan& plan, const std::string& id, py::dict achievements) {
    const auto& mc = component_as<MboComponent>(plan, id, "mbo");
    std::vector<std::pair<std::string, Rate>> in;
    for (auto [k, v] : achievements)
      in.emplace_back(k.cast<std::string>(), to_rate(v, std::nullopt, "achievement"));
    return calculate_mbo(mc, id, in, plan.rounding.mode).explanation;
  });

  m.def("_calculate_draw", [](const Plan& plan, const std::string& id, py::object earnings,
                              py::object recoverable, py::object guarantee, int32_t periods_elapsed) {
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

  m.def("_calculate_clawback",
        [](const Plan& plan, const std::string& id, py::object close, py::object cancellation,
           int32_t term_months, py::object paid) -> py::object {
          const auto& cc = component_as<ClawbackComponent>(plan, id, "clawback");
          auto r = calculate_clawback(cc, id, to_date(close, "close"), to_date(cancellation, "cancellation"),
                                      term_months, money_in(paid, plan.currency, "paid"), plan.rounding.mode);
          if (!r) return py::none();
          return py::cast(r->explanation);
        });

  m.def("_calculate_payable",
        [](const Plan& plan, const std::string& id, py::object earned, py::object close, py::object invoice,
           py::object deal_amount, py::object collected, py::object period_end, py::object paid_before) {
          const Currency c = plan.currency;
          DealPaymentEvents deal{
              to_date(close, "close"),
              invoice.is_none() ? std::nullopt : std::optional<Date>(to_date(invoice, "invoice")),
              money_in(deal_amount, c, "deal_amount"), money_in(collected, c, "collected")};
          return calculate_payable(plan.payout_timing, id, money_in(earned, c, "earned"), deal,
                                   to_date(period_end, "period_end"), money_in(paid_before, c, "paid_before"),
                                   plan.rounding.mode)
              .explanation;
        });
}

}  // namespace salescomp::py_bindings
