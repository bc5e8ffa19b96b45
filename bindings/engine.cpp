// Bindings for the component calculators and their explanations. Amounts
// cross as Decimal/str/int in the plan currency (floats refused) and come
// back as Decimal.
#include <pybind11/native_enum.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <unordered_map>

#include <salescomp/credit/credit_rule.hpp>
#include <salescomp/engine/bonus_calculators.hpp>
#include <salescomp/engine/clawback_calculator.hpp>
#include <salescomp/engine/draw_calculator.hpp>
#include <salescomp/engine/measure_calculators.hpp>
#include <salescomp/engine/payout_timing_calculator.hpp>
#include <salescomp/engine/period_run.hpp>
#include <salescomp/engine/run_tables.hpp>
#include <salescomp/engine/run_variants.hpp>
#include <salescomp/plan/plan.hpp>

#include "arrow_interop.hpp"
#include "convert.hpp"
#include "table_holders.hpp"

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

// The run's tables from numpy columns (salescomp.engine builds them from
// pandas / pyarrow / polars without per-row Python work): dates as int32 days
// (kMissingDay for none), amounts as int64 minor units, and coded columns as
// (index per row, names) pairs.
struct Coded {
  Column<int32_t> index;
  std::vector<py::object> names;
};
Coded coded_at(const py::dict& d, const char* key) {
  const py::tuple t = d[key].cast<py::tuple>();
  return Coded{t[0].cast<Column<int32_t>>(), t[1].cast<std::vector<py::object>>()};
}
template <class T, class F>
std::vector<T> decode(const Coded& c, std::size_t n, const char* field, F&& from_name) {
  std::vector<T> values;
  for (const py::object& name : c.names) values.push_back(from_name(name));
  if (std::size_t(c.index.size()) != n)
    throw ValidationError("SC-RUN-INPUT", Issue{std::nullopt, field, std::to_string(c.index.size()) + " rows",
                                                "every column needs " + std::to_string(n) + " rows"});
  std::vector<T> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int32_t k = c.index.data()[i];
    if (k < 0 || std::size_t(k) >= values.size())
      throw ValidationError("SC-RUN-INPUT", Issue{int64_t(i), field, "", "a value is required"});
    out[i] = values[std::size_t(k)];
  }
  return out;
}
CreditKind credit_kind_of(const py::object& v) {
  if (py::isinstance<py::str>(v)) return credit_kind_from_string(v.cast<std::string>());
  return v.cast<CreditKind>();
}
template <class T>
std::vector<T> numbers_or(const py::dict& d, const char* key, std::size_t n, T fallback) {
  if (!has(d, key)) return std::vector<T>(n, fallback);
  std::vector<T> v = numbers_at<T>(d, key);
  if (v.size() != n)
    throw ValidationError("SC-RUN-INPUT", Issue{std::nullopt, key, std::to_string(v.size()) + " rows",
                                                "every column needs " + std::to_string(n) + " rows"});
  return v;
}

CreditTable credits_from(const py::dict& t) {
  CreditTable c;
  if (!has(t, "person"))
    throw ValidationError("SC-RUN-INPUT", Issue{std::nullopt, "person", "", "required column is missing"});
  c.person = numbers_at<int32_t>(t, "person");
  const std::size_t n = c.person.size();
  c.deal = numbers_or<int64_t>(t, "deal", n, -1);
  c.date = to_dates(t["date"].cast<Column<int32_t>>(), "date");
  c.amount = numbers_or<int64_t>(t, "amount", n, 0);
  c.currency = decode<Currency>(coded_at(t, "currency"), n, "currency",
                                [](const py::object& v) { return to_currency(v); });
  c.kind = has(t, "kind") ? decode<CreditKind>(coded_at(t, "kind"), n, "kind", credit_kind_of)
                          : std::vector<CreditKind>(n, CreditKind::Direct);
  c.deal_type =
      has(t, "deal_type")
          ? decode<DealType>(coded_at(t, "deal_type"), n, "deal_type",
                             [](const py::object& v) { return deal_type_from_string(v.cast<std::string>()); })
          : std::vector<DealType>(n, DealType::NewBusiness);
  c.rule = numbers_or<int32_t>(t, "rule", n, 0);
  c.depth = numbers_or<int16_t>(t, "depth", n, 0);
  if (c.date.size() != n || c.amount.size() != n)
    throw ValidationError("SC-RUN-INPUT", Issue{std::nullopt, "credits", "", "columns differ in length"});
  return c;
}

DealTable deals_from(const py::dict& t) {
  DealTable d;
  d.close_date = to_dates(t["close_date"].cast<Column<int32_t>>(), "close_date");
  const std::size_t n = d.close_date.size();
  for (std::size_t i = 0; i < n; ++i) d.id.push_back(int64_t(i));
  d.owner.assign(n, -1);
  auto optional_dates = [&](const char* key) {
    return has(t, key) ? to_optional_dates(t[key].cast<Column<int32_t>>())
                       : std::vector<std::optional<Date>>(n);
  };
  d.invoice_date = optional_dates("invoice_date");
  d.collection_date = optional_dates("collection_date");
  d.cancellation_date = optional_dates("cancellation_date");
  d.amount = numbers_or<int64_t>(t, "amount", n, 0);
  d.currency = has(t, "currency") ? decode<Currency>(coded_at(t, "currency"), n, "currency",
                                                     [](const py::object& v) { return to_currency(v); })
                                  : std::vector<Currency>(n, Currency::of("USD"));
  d.type.assign(n, DealType::NewBusiness);
  d.product = numbers_or<int32_t>(t, "product", n, -1);
  d.customer.assign(n, -1);
  d.source.assign(n, DealSource::None);
  d.source_person.assign(n, -1);
  d.term_months = numbers_or<int32_t>(t, "term_months", n, 0);
  if (has(t, "id_text")) {  // the user's deal ids, for explanations
    d.id_text = id_texts_at(t, "id_text");
    if (d.id_text.size() != n)
      throw ValidationError("SC-RUN-INPUT", Issue{std::nullopt, "deals.id", std::to_string(d.id_text.size()),
                                                  "one id per deal row is needed"});
  }
  return d;
}

// Everything a result needs to explain a line later: the run's input (with
// the tables it points at) and the prior state, kept alive with the result.
struct RunContext {
  RunInput input;
  CreditTable credits;
  DealTable deals;
  std::shared_ptr<const void> deals_owner;        // a shared deals table the input points at
  std::shared_ptr<CreditsHolder> credits_holder;  // crediting's table, used in place
  std::optional<FxTable> fx;
  RunState prior;
};
struct RunHandle {
  RunResult result;
  std::shared_ptr<const RunContext> context;
};

// The deals a run reads, from what Python passed: a shared table (read once for
// several runs, or crediting's own), which `owner` keeps alive as long as the
// run's result; row columns, read into `own`; or none (nullptr).
const DealTable* run_deals_of(const py::object& deals, DealTable& own, std::shared_ptr<const void>& owner) {
  if (py::isinstance<RunDealsHolder>(deals)) {
    auto h = deals.cast<std::shared_ptr<RunDealsHolder>>();
    owner = h;
    return &h->table;
  }
  if (py::isinstance<DealsHolder>(deals)) {
    auto h = deals.cast<std::shared_ptr<DealsHolder>>();
    owner = h;
    return &h->table;
  }
  if (deals.is_none()) return nullptr;
  own = deals_from(deals.cast<py::dict>());
  return &own;
}

py::dict line_dict(const PayoutLine& l) {
  py::dict d;
  d["person"] = l.person;
  d["period_start"] = make_date(l.period_start);
  d["component"] = l.component;
  d["deal"] = l.deal >= 0 ? py::object(py::int_(l.deal)) : py::object(py::none());
  d["amount"] = decimal_of(l.amount);
  d["currency"] = std::string(l.amount.currency().code());
  d["explanation"] =
      l.explanation == kNoExplanation ? py::object(py::none()) : py::object(py::int_(l.explanation));
  d["adjustment"] = l.adjustment;
  d["pay_amount"] = decimal_of(l.pay_amount);
  d["pay_currency"] = std::string(l.pay_amount.currency().code());
  return d;
}

// The carried state as flat rows, so a sealed period (salescomp.audit) can store it
// in Parquet and the next period can start from it. Money is (minor units, currency);
// dates and counts are `value`; "" is the placeholder currency of an unset Money.
using StateRow = std::tuple<int32_t, std::string, std::string, int64_t, int64_t, std::string>;

std::string code_of(const Money& m) {
  return m.currency().valid() ? std::string(m.currency().code()) : std::string();
}
Money money_of(int64_t minor, const std::string& code) {
  return code.empty() ? Money() : Money::from_minor(minor, Currency::of(code));
}

std::vector<StateRow> state_rows(const RunState& state) {
  std::vector<StateRow> out;
  for (const auto& [person, s] : state) {
    out.emplace_back(person, "year_start", "", s.year_start.days(), 0, "");
    out.emplace_back(person, "quarter_start", "", s.quarter_start.days(), 0, "");
    for (const auto& [c, m] : s.paid_in_year)
      out.emplace_back(person, "paid_in_year", c, 0, m.minor_units(), code_of(m));
    for (const auto& [c, m] : s.paid_in_quarter)
      out.emplace_back(person, "paid_in_quarter", c, 0, m.minor_units(), code_of(m));
    for (const auto& [c, ids] : s.milestones_paid) {
      out.emplace_back(person, "milestones_paid", c, -1, 0, "");  // the component's (possibly empty) list
      for (std::size_t i = 0; i < ids.size(); ++i)
        out.emplace_back(person, "milestone", c, int64_t(i), 0, ids[i]);
    }
    for (const auto& [d, m] : s.paid_on_deal)
      out.emplace_back(person, "paid_on_deal", "", d, m.minor_units(), code_of(m));
    for (const auto& [d, m] : s.earned_on_deal)
      out.emplace_back(person, "earned_on_deal", "", d, m.minor_units(), code_of(m));
    const DrawState& w = s.draw;
    out.emplace_back(person, "draw_recoverable", "", 0, w.recoverable_balance.minor_units(),
                     code_of(w.recoverable_balance));
    out.emplace_back(person, "draw_guarantee", "", 0, w.guarantee_balance.minor_units(),
                     code_of(w.guarantee_balance));
    out.emplace_back(person, "draw_periods_elapsed", "", w.periods_elapsed, 0, "");
  }
  return out;
}

RunState state_from_rows(const std::vector<StateRow>& rows) {
  RunState state;
  for (const auto& [person, field, key, value, minor, code] : rows) {
    PersonState& s = state[person];
    if (field == "year_start")
      s.year_start = Date::from_days(int32_t(value));
    else if (field == "quarter_start")
      s.quarter_start = Date::from_days(int32_t(value));
    else if (field == "paid_in_year")
      s.paid_in_year[key] = money_of(minor, code);
    else if (field == "paid_in_quarter")
      s.paid_in_quarter[key] = money_of(minor, code);
    else if (field == "milestones_paid")
      s.milestones_paid[key];
    else if (field == "milestone")
      s.milestones_paid[key].push_back(code);
    else if (field == "paid_on_deal")
      s.paid_on_deal[value] = money_of(minor, code);
    else if (field == "earned_on_deal")
      s.earned_on_deal[value] = money_of(minor, code);
    else if (field == "draw_recoverable")
      s.draw.recoverable_balance = money_of(minor, code);
    else if (field == "draw_guarantee")
      s.draw.guarantee_balance = money_of(minor, code);
    else if (field == "draw_periods_elapsed")
      s.draw.periods_elapsed = int32_t(value);
    else
      throw py::value_error("[SC-AUDIT-STATE] unknown state field " + field);
  }
  return state;
}

// The run state as flat rows (person, entry, component, item, deal, amount, currency, number), so it
// can be pickled and written as Arrow/Parquet; state_from_travel_rows is its exact inverse (salescomp.dask;
// salescomp.audit keeps its own row shape, state_rows above). A placeholder
// Money (no currency) travels as currency "".
py::tuple travel_row(int32_t person, const char* entry, const std::string& component, const std::string& item,
                     int64_t deal, const Money& m, int64_t number) {
  const std::string code = m.currency().valid() ? std::string(m.currency().code()) : std::string();
  return py::make_tuple(person, entry, component, item, deal, m.minor_units(), code, number);
}

py::list travel_rows(const RunState& state) {
  py::list out;
  const Money none;
  for (const auto& [p, s] : state) {
    out.append(travel_row(p, "year_start", "", "", -1, none, s.year_start.days()));
    out.append(travel_row(p, "quarter_start", "", "", -1, none, s.quarter_start.days()));
    for (const auto& [c, m] : s.paid_in_year) out.append(travel_row(p, "paid_in_year", c, "", -1, m, 0));
    for (const auto& [c, m] : s.paid_in_quarter)
      out.append(travel_row(p, "paid_in_quarter", c, "", -1, m, 0));
    for (const auto& [c, ids] : s.milestones_paid) {
      if (ids.empty()) out.append(travel_row(p, "milestones", c, "", -1, none, 0));
      for (const std::string& id : ids) out.append(travel_row(p, "milestone", c, id, -1, none, 0));
    }
    for (const auto& [d, m] : s.paid_on_deal) out.append(travel_row(p, "paid_on_deal", "", "", d, m, 0));
    for (const auto& [d, m] : s.earned_on_deal) out.append(travel_row(p, "earned_on_deal", "", "", d, m, 0));
    out.append(
        travel_row(p, "draw_recoverable", "", "", -1, s.draw.recoverable_balance, s.draw.periods_elapsed));
    out.append(travel_row(p, "draw_guarantee", "", "", -1, s.draw.guarantee_balance, 0));
  }
  return out;
}

RunState state_from_travel_rows(const py::list& rows) {
  RunState state;
  for (py::handle h : rows) {
    const auto t = h.cast<
        std::tuple<int32_t, std::string, std::string, std::string, int64_t, int64_t, std::string, int64_t>>();
    const auto& [p, entry, component, item, deal, minor, code, number] = t;
    const Money m = Money::from_minor(minor, code.empty() ? Currency() : Currency::of(code));
    PersonState& s = state[p];
    if (entry == "year_start")
      s.year_start = Date::from_days(int32_t(number));
    else if (entry == "quarter_start")
      s.quarter_start = Date::from_days(int32_t(number));
    else if (entry == "paid_in_year")
      s.paid_in_year[component] = m;
    else if (entry == "paid_in_quarter")
      s.paid_in_quarter[component] = m;
    else if (entry == "milestones")
      s.milestones_paid[component];
    else if (entry == "milestone")
      s.milestones_paid[component].push_back(item);
    else if (entry == "paid_on_deal")
      s.paid_on_deal[deal] = m;
    else if (entry == "earned_on_deal")
      s.earned_on_deal[deal] = m;
    else if (entry == "draw_recoverable") {
      s.draw.recoverable_balance = m;
      s.draw.periods_elapsed = int32_t(number);
    } else if (entry == "draw_guarantee")
      s.draw.guarantee_balance = m;
    else
      throw py::value_error("[SC-RUN-STATE] unknown run state entry " + entry);
  }
  return state;
}

// The run's Arrow sources: each of assignments, quotas and deals given as a
// table (any __arrow_c_stream__ / __arrow_c_array__ producer), imported here
// with the GIL held and read later without it.
struct RunTableSources {
  std::optional<arrow::ImportedTable> assignments, quotas, deals;
  bool any() const { return assignments || quotas || deals; }
};
bool is_arrow_source(const py::object& v) {
  return !v.is_none() && !py::isinstance<py::list>(v) && !py::isinstance<py::dict>(v) &&
         (py::hasattr(v, "__arrow_c_stream__") || py::hasattr(v, "__arrow_c_array__"));
}
RunTableSources run_table_sources(const py::object& assignments, const py::object& quotas,
                                  const py::object& deals) {
  RunTableSources s;
  if (is_arrow_source(assignments)) s.assignments = import_arrow(assignments, "assignments");
  if (is_arrow_source(quotas)) s.quotas = import_arrow(quotas, "quotas");
  if (is_arrow_source(deals)) s.deals = import_arrow(deals, "deals");
  if (s.quotas && !s.assignments)
    throw ValidationError("SC-RUN-INPUT", Issue{std::nullopt, "quotas", "table",
                                                "a quotas table needs the assignments as a table too"});
  return s;
}
void read_run_tables(const RunTableSources& s, const RunPeople& people, RunInput& in, DealTable& deals) {
  if (s.assignments) in.assignments = read_plan_assignments(*s.assignments, in.plans, people);
  if (s.quotas) in.quotas = read_effective_quotas(*s.quotas, in.period, in.plans, in.assignments, people);
  if (s.deals) deals = read_run_deals(*s.deals);
}

// Quota rows (person, measure, period_start, amount, currency) and MBO rows (person,
// component, objective, achievement) given as Python tuples; shared by _run_period and
// _run_variants.
void append_quota_rows(py::handle quotas, RunInput& in) {
  for (py::handle q : quotas) {
    py::tuple t = py::reinterpret_borrow<py::tuple>(q);
    const Currency c = to_currency(t[4]);
    in.quotas.push_back(QuotaEntry{t[0].cast<int32_t>(), t[1].cast<std::string>(),
                                   to_date(t[2], "period_start"), money_in(t[3], c, "quota")});
  }
}

void append_mbo_rows(py::handle mbo, RunInput& in) {
  for (py::handle e : mbo) {
    py::tuple t = py::reinterpret_borrow<py::tuple>(e);
    in.mbo.push_back(MboEntry{t[0].cast<int32_t>(), t[1].cast<std::string>(), t[2].cast<std::string>(),
                              to_rate(t[3], std::nullopt, "achievement")});
  }
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
      .def("__len__", [](const RunState& s) { return s.size(); })
      .def("_rows", &state_rows,
           "The state as rows (person, field, key, value, minor, currency) for a sealed record.")
      .def_static("_from_rows", &state_from_rows, "The state back from _rows() (salescomp.audit).")
      .def("_travel_rows", &travel_rows,
           "The state as rows (person, entry, component, item, deal, amount, currency, number) "
           "(salescomp.dask).")
      .def_static("_from_travel_rows", &state_from_travel_rows)
      .def(py::pickle([](const RunState& s) { return travel_rows(s); },
                      [](const py::list& rows) { return state_from_travel_rows(rows); }));

  py::class_<RunDealsHolder, std::shared_ptr<RunDealsHolder>>(
      m, "_RunDeals", "The deal columns of a run, read once for several runs (run_period's deals).")
      .def("__len__", [](const RunDealsHolder& h) { return h.table.close_date.size(); });
  m.def(
      "_read_run_deals",
      [](py::object table) {
        const arrow::ImportedTable t = import_arrow(table, "deals");
        auto h = std::make_shared<RunDealsHolder>();
        py::gil_scoped_release release;
        h->table = read_run_deals(t);
        return h;
      },
      py::arg("table"), "The deals as a run reads them (engine/run_tables.hpp), for several runs.");

  py::class_<RunHandle>(m, "_RunResult")
      .def_property_readonly("lines",
                             [](const RunHandle& h) {
                               py::list out;
                               for (const PayoutLine& l : h.result.lines) out.append(line_dict(l));
                               return out;
                             })
      .def("__len__", [](const RunHandle& h) { return h.result.lines.size(); })
      .def("columns",
           [](const RunHandle& h) {
             // The payout lines as numpy columns (amounts in minor units).
             const auto& v = h.result.lines;
             std::vector<std::string> components;
             py::array_t<int32_t> component_index{py::ssize_t(v.size())};
             for (std::size_t i = 0; i < v.size(); ++i) {
               auto it = std::find(components.begin(), components.end(), v[i].component);
               if (it == components.end()) it = components.insert(components.end(), v[i].component);
               component_index.mutable_data()[i] = int32_t(it - components.begin());
             }
             std::vector<Currency> currency, pay_currency;
             for (const PayoutLine& l : v) {
               currency.push_back(l.amount.currency());
               pay_currency.push_back(l.pay_amount.currency());
             }
             py::dict d;
             d["person"] = to_numpy_by(v.size(), [&](std::size_t i) { return v[i].person; });
             d["period_start"] =
                 to_numpy_by(v.size(), [&](std::size_t i) { return v[i].period_start.days(); });
             d["component"] = py::make_tuple(component_index, components);
             d["deal"] = to_numpy_by(v.size(), [&](std::size_t i) { return v[i].deal; });
             d["amount"] = to_numpy_by(v.size(), [&](std::size_t i) { return v[i].amount.minor_units(); });
             d["currency"] = currency_column(currency);
             d["pay_amount"] =
                 to_numpy_by(v.size(), [&](std::size_t i) { return v[i].pay_amount.minor_units(); });
             d["pay_currency"] = currency_column(pay_currency);
             d["explanation"] = to_numpy_by(v.size(), [&](std::size_t i) {
               return v[i].explanation == kNoExplanation ? int64_t(-1) : int64_t(v[i].explanation);
             });
             d["adjustment"] = to_numpy_by(v.size(), [&](std::size_t i) { return v[i].adjustment; });
             return d;
           })
      .def("explanation",
           [](const RunHandle& h, std::size_t i) {
             if (i >= h.result.explanations.size())
               throw py::index_error("no explanation " + std::to_string(i));
             return h.result.explanations[i];
           })
      .def("explain_line",
           [](const RunHandle& h, std::size_t line) {
             py::gil_scoped_release release;
             return explain_line(h.context->input, h.context->prior, h.result, line);
           })
      .def_property_readonly("statements",
                             [](const RunHandle& h) {
                               py::list out;
                               for (const Statement& s : h.result.statements) {
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
                                 d["pay_total"] = decimal_of(s.pay_total);
                                 d["pay_currency"] = std::string(s.pay_total.currency().code());
                                 out.append(d);
                               }
                               return out;
                             })
      .def("statement_columns",
           [](const RunHandle& h) {
             // The statements as numpy columns (money in minor units): what a close writes,
             // without one Python object per person.
             const auto& v = h.result.statements;
             std::vector<std::string> plans;
             std::unordered_map<std::string, int32_t> plan_code;
             py::array_t<int32_t> plan_index{py::ssize_t(v.size())};
             std::vector<Currency> currency, pay_currency;
             for (std::size_t i = 0; i < v.size(); ++i) {
               auto [it, added] = plan_code.try_emplace(v[i].plan, int32_t(plans.size()));
               if (added) plans.push_back(v[i].plan);
               plan_index.mutable_data()[i] = it->second;
               currency.push_back(v[i].total.currency());
               pay_currency.push_back(v[i].pay_total.currency());
             }
             auto minor = [&](Money Statement::*field) {
               return to_numpy_by(v.size(), [&](std::size_t i) { return (v[i].*field).minor_units(); });
             };
             py::dict d;
             d["person"] = to_numpy_by(v.size(), [&](std::size_t i) { return v[i].person; });
             d["plan"] = py::make_tuple(plan_index, plans);
             d["lines"] = to_numpy_by(v.size(), [&](std::size_t i) { return int32_t(v[i].lines.size()); });
             d["total"] = minor(&Statement::total);
             d["currency"] = currency_column(currency);
             d["recoverable_balance"] = minor(&Statement::recoverable_balance);
             d["guarantee_balance"] = minor(&Statement::guarantee_balance);
             d["pay_total"] = minor(&Statement::pay_total);
             d["pay_currency"] = currency_column(pay_currency);
             return d;
           })
      .def("explanation_texts",
           [](const RunHandle& h) {
             // Every line's explanation text in line order; lines of a run made without
             // explanations are recomputed person by person (explain_line), as explain() does.
             const RunResult& r = h.result;
             std::vector<std::string> texts(r.lines.size());
             {
               py::gil_scoped_release release;
               for (std::size_t i = 0; i < r.lines.size(); ++i)
                 texts[i] = r.lines[i].explanation == kNoExplanation
                                ? explain_line(h.context->input, h.context->prior, r, i).to_text()
                                : r.explanations[r.lines[i].explanation].to_text();
             }
             return texts;
           })
      .def_property_readonly("next_state", [](const RunHandle& h) { return h.result.next_state; });

  m.def(
      "_run_period",
      [](std::vector<Plan> plans, py::object assignments, py::object credits, py::object deals,
         py::object quotas, py::list mbo, py::tuple period, const RunState& prior, int threads,
         bool explanations, py::object what_if_credit, py::object fx, const std::string& fx_date,
         py::list pay_currencies, py::object collections, const std::string& plan_change,
         py::object person_ids) -> py::object {
        auto ctx = std::make_shared<RunContext>();
        RunInput& in = ctx->input;
        in.plans = std::move(plans);
        in.period = RunPeriod{to_date(period[0], "start"), to_date(period[1], "end"),
                              to_date(period[2], "quarter_start"), to_date(period[3], "year_start")};
        // Assignments, quotas and deals: rows of Python tuples (engine._run_args), or
        // Arrow tables read column by column in C++ (engine/run_tables.hpp).
        const RunTableSources sources = run_table_sources(assignments, quotas, deals);
        if (sources.any()) {
          const RunPeople people =
              person_ids.is_none() ? RunPeople() : RunPeople(person_ids.cast<std::vector<std::string>>());
          py::gil_scoped_release release;
          read_run_tables(sources, people, in, ctx->deals);
        }
        if (!sources.assignments)
          for (py::handle a : assignments) {
            py::tuple t = py::reinterpret_borrow<py::tuple>(a);
            in.assignments.push_back(
                PlanAssignment{t[0].cast<int32_t>(), t[1].cast<std::size_t>(), to_date(t[2], "from"),
                               t[3].is_none() ? std::nullopt : std::optional<Date>(to_date(t[3], "to"))});
          }
        if (py::isinstance<CreditsHolder>(credits)) {
          ctx->credits_holder = credits.cast<std::shared_ptr<CreditsHolder>>();
          in.credits = &ctx->credits_holder->table;
          if (deals.is_none()) in.deals = &ctx->credits_holder->deals->table;
        } else {
          ctx->credits = credits_from(credits.cast<py::dict>());
          in.credits = &ctx->credits;
        }
        if (sources.deals)
          in.deals = &ctx->deals;
        else if (const DealTable* d = run_deals_of(deals, ctx->deals, ctx->deals_owner))
          in.deals = d;
        if (!sources.quotas) append_quota_rows(quotas, in);
        append_mbo_rows(mbo, in);
        if (!fx.is_none()) {
          ctx->fx = fx.cast<FxTable>();
          in.fx = &*ctx->fx;
        }
        if (fx_date == "credit_date")
          in.fx_date = FxDateBasis::CreditDate;
        else if (fx_date == "period_end")
          in.fx_date = FxDateBasis::PeriodEnd;
        else
          throw ValidationError("SC-RUN-INPUT",
                                Issue{std::nullopt, "fx_date", fx_date, "one of credit_date, period_end"});
        for (py::handle p : pay_currencies) {
          py::tuple t = py::reinterpret_borrow<py::tuple>(p);
          in.pay_currencies.push_back(PayCurrency{t[0].cast<int32_t>(), to_currency(t[1])});
        }
        if (!collections.is_none()) {
          const py::dict c = collections.cast<py::dict>();
          const std::vector<int64_t> deal = numbers_at<int64_t>(c, "deal");
          const std::vector<Date> date = to_dates(c["date"].cast<Column<int32_t>>(), "collections.date");
          const std::vector<int64_t> amount = numbers_at<int64_t>(c, "amount");
          if (date.size() != deal.size() || amount.size() != deal.size())
            throw ValidationError("SC-RUN-INPUT",
                                  Issue{std::nullopt, "collections", "", "columns differ in length"});
          for (std::size_t i = 0; i < deal.size(); ++i)
            in.collections.push_back({deal[i], date[i], amount[i]});
        }
        if (plan_change == "credits_by_date")
          in.plan_change = PlanChangeSplit::CreditsByDate;
        else if (plan_change == "prorated_targets")
          in.plan_change = PlanChangeSplit::ProratedTargets;
        else
          throw ValidationError("SC-RUN-INPUT", Issue{std::nullopt, "plan_change", plan_change,
                                                      "one of credits_by_date, prorated_targets"});
        if (!what_if_credit.is_none()) {
          py::tuple t = what_if_credit.cast<py::tuple>();
          const int32_t person = t[0].cast<int32_t>();
          const Plan* plan = nullptr;
          for (const PlanAssignment& a : in.assignments)
            if (a.person == person && a.plan < in.plans.size()) plan = &in.plans[a.plan];
          if (!plan) throw LookupError("SC-RUN-PERSON", "person " + std::to_string(person) + " has no plan");
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
        RunHandle h;
        {
          py::gil_scoped_release release;
          if (!explanations) ctx->prior = prior;  // explain_line recomputes from it later
          h.result = run_period(in, prior, RunOptions{threads, explanations});
        }
        h.context = std::move(ctx);
        return py::cast(std::move(h));
      },
      py::arg("plans"), py::arg("assignments"), py::arg("credits"), py::arg("deals"), py::arg("quotas"),
      py::arg("mbo"), py::arg("period"), py::arg("prior"), py::arg("threads"), py::arg("explanations"),
      py::arg("what_if"), py::arg("fx"), py::arg("fx_date"), py::arg("pay_currencies"),
      py::arg("collections"), py::arg("plan_change"), py::arg("person_ids") = py::none());

  m.def("_restatement_adjustments",
        [](const RunHandle& closed, const RunHandle& recomputed, py::object open_start) {
          py::list out;
          for (const PayoutLine& l : restatement_adjustments(closed.result, recomputed.result,
                                                             to_date(open_start, "open_period_start")))
            out.append(line_dict(l));
          return out;
        });
}

void bind_variants(py::module_& m);  // at the end of this file

void bind_engine(py::module_& m) {
  bind_run(m);
  bind_variants(m);
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

// _run_variants: the period run under several plan variants in one call
// (engine/run_variants.hpp; salescomp.planning.plan_cost). The run's arguments
// are those salescomp.engine._run_args builds for _run_period; `variants` are
// (name, [replacement plans], quota factor or None).
namespace salescomp::py_bindings {

namespace {

struct VariantsContext {
  RunInput input;
  CreditTable credits;
  DealTable deals;
  std::shared_ptr<const void> deals_owner;
  std::shared_ptr<CreditsHolder> credits_holder;
  std::optional<FxTable> fx;
};

void variants_input(VariantsContext& ctx, std::vector<Plan> plans, const py::list& assignments,
                    const py::object& credits, const py::object& deals, const py::list& quotas,
                    const py::list& mbo, const py::tuple& period, const py::object& fx,
                    const std::string& fx_date, const std::string& plan_change) {
  RunInput& in = ctx.input;
  in.plans = std::move(plans);
  for (py::handle a : assignments) {
    py::tuple t = py::reinterpret_borrow<py::tuple>(a);
    in.assignments.push_back(
        PlanAssignment{t[0].cast<int32_t>(), t[1].cast<std::size_t>(), to_date(t[2], "from"),
                       t[3].is_none() ? std::nullopt : std::optional<Date>(to_date(t[3], "to"))});
  }
  if (py::isinstance<CreditsHolder>(credits)) {
    ctx.credits_holder = credits.cast<std::shared_ptr<CreditsHolder>>();
    in.credits = &ctx.credits_holder->table;
    if (deals.is_none()) in.deals = &ctx.credits_holder->deals->table;
  } else {
    ctx.credits = credits_from(credits.cast<py::dict>());
    in.credits = &ctx.credits;
  }
  if (const DealTable* d = run_deals_of(deals, ctx.deals, ctx.deals_owner)) in.deals = d;
  append_quota_rows(quotas, in);
  append_mbo_rows(mbo, in);
  in.period = RunPeriod{to_date(period[0], "start"), to_date(period[1], "end"),
                        to_date(period[2], "quarter_start"), to_date(period[3], "year_start")};
  if (!fx.is_none()) {
    ctx.fx = fx.cast<FxTable>();
    in.fx = &*ctx.fx;
  }
  if (fx_date != "credit_date" && fx_date != "period_end")
    throw ValidationError("SC-RUN-INPUT",
                          Issue{std::nullopt, "fx_date", fx_date, "one of credit_date, period_end"});
  in.fx_date = fx_date == "credit_date" ? FxDateBasis::CreditDate : FxDateBasis::PeriodEnd;
  if (plan_change != "credits_by_date" && plan_change != "prorated_targets")
    throw ValidationError("SC-RUN-INPUT", Issue{std::nullopt, "plan_change", plan_change,
                                                "one of credits_by_date, prorated_targets"});
  in.plan_change =
      plan_change == "credits_by_date" ? PlanChangeSplit::CreditsByDate : PlanChangeSplit::ProratedTargets;
}

}  // namespace

void bind_variants(py::module_& m) {
  m.def(
      "_run_variants",
      [](std::vector<Plan> plans, py::list assignments, py::object credits, py::object deals, py::list quotas,
         py::list mbo, py::tuple period, const RunState& prior, int threads, py::object fx,
         const std::string& fx_date, const std::string& plan_change, py::list variants) {
        VariantsContext ctx;
        variants_input(ctx, std::move(plans), assignments, credits, deals, quotas, mbo, period, fx, fx_date,
                       plan_change);
        std::vector<PlanVariant> vs;
        for (py::handle v : variants) {
          py::tuple t = py::reinterpret_borrow<py::tuple>(v);
          PlanVariant pv{t[0].cast<std::string>(), t[1].cast<std::vector<Plan>>(), std::nullopt};
          if (!t[2].is_none()) pv.quota_factor = to_rate(t[2], std::nullopt, "quota_factor");
          vs.push_back(std::move(pv));
        }
        VariantsResult r;
        {
          py::gil_scoped_release release;
          r = run_variants(ctx.input, vs, prior, threads);
        }
        py::dict d;
        d["people"] = to_numpy_by(r.people.size(), [&](std::size_t k) { return r.people[k]; });
        d["quota"] = to_numpy_by(r.quota.size(), [&](std::size_t k) { return r.quota[k]; });
        {
          // (index per person, codes, exponents) as currency_column, index -1 without a quota.
          std::vector<Currency> quoted;
          for (std::size_t k = 0; k < r.quota.size(); ++k)
            if (r.quota[k] != 0) quoted.push_back(r.quota_currency[k]);
          py::tuple coded = currency_column(quoted);
          py::array_t<int32_t> all{py::ssize_t(r.quota.size())};
          const auto index = coded[0].cast<py::array_t<int32_t>>();
          for (std::size_t k = 0, j = 0; k < r.quota.size(); ++k)
            all.mutable_data()[k] = r.quota[k] != 0 ? index.data()[j++] : -1;
          d["quota_currency"] = py::make_tuple(all, coded[1], coded[2]);
        }
        d["credited"] = to_numpy_by(r.credited.size(), [&](std::size_t k) { return r.credited[k]; });
        py::list out;
        for (const VariantPayouts& p : r.variants) {
          py::dict e;
          e["name"] = p.name;
          e["total"] = to_numpy_by(p.total.size(), [&](std::size_t k) { return p.total[k]; });
          e["currency"] = currency_column(p.currency);
          py::dict totals;
          for (const Money& t : p.totals) totals[py::str(std::string(t.currency().code()))] = decimal_of(t);
          e["totals"] = totals;
          out.append(e);
        }
        d["variants"] = out;
        return d;
      },
      py::arg("plans"), py::arg("assignments"), py::arg("credits"), py::arg("deals"), py::arg("quotas"),
      py::arg("mbo"), py::arg("period"), py::arg("prior"), py::arg("threads"), py::arg("fx"),
      py::arg("fx_date"), py::arg("plan_change"), py::arg("variants"));
}

}  // namespace salescomp::py_bindings
