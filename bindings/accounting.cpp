// salescomp._core.accounting: commission expense capitalisation and
// amortisation. Tables come in as dicts of equal-length Python lists (the
// Python layer turns pandas/pyarrow/polars into those); every cell is
// converted here so that one ValidationError lists every bad cell together
// with every rule the book's own validation finds. Results go out as dicts of
// numpy arrays (money in int64 minor units, months as month indexes).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <salescomp/accounting/all.hpp>
#include <salescomp/salescomp.hpp>
#include <set>

#include "convert.hpp"

namespace salescomp::py_bindings {

namespace {

// One input table: its columns, its length and the prefix of its field names.
class CellReader {
 public:
  CellReader(py::object table, std::string prefix, const char* length_column, std::vector<Issue>& issues)
      : prefix_(std::move(prefix)), issues_(issues) {
    if (table.is_none()) return;
    if (!py::isinstance<py::dict>(table)) raise_type_error(prefix_ + "table: expected a dict of columns");
    columns_ = table.cast<py::dict>();
    if (!columns_.contains(length_column))
      throw ValidationError("SC-ACCT-COLUMNS",
                            Issue{std::nullopt, field(length_column), "", "required column missing"});
    rows_ = py::len(columns_[length_column]);
    for (auto item : columns_) {
      const std::size_t len = py::len(item.second);
      if (len != rows_)
        throw ValidationError(
            "SC-ACCT-COLUMNS",
            Issue{std::nullopt, field(py::str(item.first).cast<std::string>().c_str()), std::to_string(len),
                  "column length differs from " + std::string(length_column) + " (" + std::to_string(rows_) +
                      ")"});
    }
  }

  std::size_t rows() const { return rows_; }
  bool has(const char* name) const { return columns_.contains(name); }

  // The column as a list (required columns raise when missing).
  py::list column(const char* name, bool required) {
    if (!has(name)) {
      if (required)
        throw ValidationError("SC-ACCT-COLUMNS",
                              Issue{std::nullopt, field(name), "", "required column missing"});
      return py::list();
    }
    return py::list(columns_[name]);
  }

  std::string field(const char* name) const { return prefix_ + name; }

  void issue(std::size_t row, const char* name, py::handle value, std::string rule) {
    std::string shown;
    try {
      shown = py::str(value).cast<std::string>();
    } catch (...) {
      shown = "?";
    }
    bad_.insert({int64_t(row), field(name)});
    issues_.push_back(Issue{int64_t(row), field(name), std::move(shown), std::move(rule)});
  }
  bool is_bad(int64_t row, const std::string& f) const { return bad_.count({row, f}) != 0; }
  void mark_bad(int64_t row, const std::string& f) { bad_.insert({row, f}); }

  int64_t integer(py::handle v, std::size_t row, const char* name, int64_t fallback) {
    if (v.is_none()) return issue(row, name, v, "missing value"), fallback;
    if (PyBool_Check(v.ptr()) || !PyIndex_Check(v.ptr()))
      return issue(row, name, v, "expected an integer"), fallback;
    try {
      return v.cast<int64_t>();
    } catch (const py::cast_error&) {
      return issue(row, name, v, "does not fit in 64 bits"), fallback;
    }
  }
  // Counts of months. pandas stores an integer column with gaps as float, so
  // a whole float is taken as the integer it is (never for money).
  int32_t months(py::handle v, std::size_t row, const char* name, int32_t fallback) {
    if (PyFloat_Check(v.ptr())) {
      const double d = PyFloat_AsDouble(v.ptr());
      if (d != d) return issue(row, name, v, "missing value"), fallback;
      if (d != double(int64_t(d)) || d < -1e9 || d > 1e9)
        return issue(row, name, v, "expected a whole number of months"), fallback;
      return int32_t(d);
    }
    const int64_t x = integer(v, row, name, fallback);
    if (x < INT32_MIN || x > INT32_MAX) return issue(row, name, v, "out of range"), fallback;
    return int32_t(x);
  }
  bool boolean(py::handle v, std::size_t row, const char* name, bool fallback) {
    if (PyBool_Check(v.ptr())) return v.ptr() == Py_True;
    return issue(row, name, v, v.is_none() ? "missing value" : "expected True or False"), fallback;
  }
  Date date(py::handle v, std::size_t row, const char* name) {
    if (v.is_none()) return issue(row, name, v, "missing value"), Date{};
    try {
      return to_date(v, name);
    } catch (const ValidationError& e) {
      return issue(row, name, v, e.issues().empty() ? "not a date" : e.issues().front().rule), Date{};
    } catch (py::error_already_set&) {
      return issue(row, name, v, "expected datetime.date or 'YYYY-MM-DD'"), Date{};
    }
  }
  // Decimal / str / int in units of the currency (int is whole units), or
  // minor units when `minor` is set. float and bool are refused.
  int64_t money(py::handle v, std::size_t row, const char* name, Currency currency, bool minor) {
    if (v.is_none()) return issue(row, name, v, "missing value"), 1;
    if (minor) return integer(v, row, name, 1);
    if (PyFloat_Check(v.ptr()) || PyBool_Check(v.ptr()))
      return issue(row, name, v, "float and bool are not exact money; pass decimal.Decimal, str or int"), 1;
    if (!currency.valid()) return 1;  // the currency cell is reported already
    try {
      return parse_scaled(decimal_text(v, name), currency.exponent(), std::nullopt, name);
    } catch (const ValidationError& e) {
      return issue(row, name, v, e.issues().empty() ? "not an amount" : e.issues().front().rule), 1;
    } catch (const OverflowError&) {
      return issue(row, name, v, "out of range"), 1;
    } catch (py::error_already_set&) {
      return issue(row, name, v, "expected decimal.Decimal, str or int"), 1;
    }
  }
  // A revenue weight: a non-negative Decimal/str/int, as units of 10^-4.
  int64_t weight(py::handle v, std::size_t row, const char* name) {
    if (v.is_none()) return issue(row, name, v, "missing value"), 0;
    if (PyFloat_Check(v.ptr()) || PyBool_Check(v.ptr()))
      return issue(row, name, v, "float and bool are not exact; pass decimal.Decimal, str or int"), 0;
    try {
      return parse_scaled(decimal_text(v, name), 4, std::nullopt, name);
    } catch (const ValidationError& e) {
      return issue(row, name, v, e.issues().empty() ? "not a number" : e.issues().front().rule), 0;
    } catch (const OverflowError&) {
      return issue(row, name, v, "out of range"), 0;
    } catch (py::error_already_set&) {
      return issue(row, name, v, "expected decimal.Decimal, str or int"), 0;
    }
  }
  Currency currency(py::handle v, std::size_t row, const char* name) {
    if (v.is_none()) return issue(row, name, v, "missing value"), Currency{};
    try {
      return to_currency(v);
    } catch (const ValidationError&) {
      return issue(row, name, v, "not an ISO 4217 currency code"), Currency{};
    } catch (py::error_already_set&) {
      return issue(row, name, v, "expected an ISO 4217 code string"), Currency{};
    }
  }
  template <class Enum, std::size_t N>
  Enum choice(py::handle v, std::size_t row, const char* name, const std::array<Enum, N>& options,
              Enum fallback) {
    if (PyUnicode_Check(v.ptr())) {
      const std::string s = v.cast<std::string>();
      for (Enum e : options)
        if (to_string(e) == s) return e;
    }
    std::string rule = "expected one of";
    for (Enum e : options) rule += " '" + std::string(to_string(e)) + "'";
    return issue(row, name, v, rule), fallback;
  }

 private:
  std::string prefix_;
  std::vector<Issue>& issues_;
  py::dict columns_;
  std::size_t rows_ = 0;
  std::set<std::pair<int64_t, std::string>> bad_;
};

template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
  py::array_t<T> out(py::ssize_t(v.size()));
  if (!v.empty()) std::memcpy(out.mutable_data(), v.data(), v.size() * sizeof(T));
  return out;
}

template <class Enum>
py::list names(const std::vector<Enum>& v) {
  py::list out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = py::str(std::string(to_string(v[i])));
  return out;
}

// Currency columns as an int16 index into a list of codes.
void put_currencies(py::dict& out, const std::vector<Currency>& currencies) {
  std::vector<Currency> codes(currencies);
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  std::vector<int16_t> index(currencies.size());
  for (std::size_t i = 0; i < currencies.size(); ++i)
    index[i] = int16_t(std::lower_bound(codes.begin(), codes.end(), currencies[i]) - codes.begin());
  py::list code_list, exponents;
  for (Currency c : codes) code_list.append(std::string(c.code())), exponents.append(c.exponent());
  out["currency"] = to_numpy(index);
  out["currency_codes"] = code_list;
  out["currency_exponents"] = exponents;
}

std::optional<MonthIndex> month_arg(py::object v, const char* name) {
  if (v.is_none()) return std::nullopt;
  return month_of(to_date(v, name));
}

constexpr std::array<CostKind, 3> kKinds = {CostKind::Initial, CostKind::Renewal, CostKind::Expansion};
constexpr std::array<AmortisationPattern, 2> kPatterns = {AmortisationPattern::StraightLine,
                                                          AmortisationPattern::RevenueProportional};
constexpr std::array<AssetEventKind, 4> kEventKinds = {AssetEventKind::Clawback, AssetEventKind::Extension,
                                                       AssetEventKind::ChangeInEstimate,
                                                       AssetEventKind::Termination};

std::shared_ptr<AmortisationBook> make_book(py::object costs_in, py::object events_in, py::object revenue_in,
                                            const AmortisationPolicy& policy, py::object prior_issues) {
  std::vector<Issue> issues;
  CellReader costs(costs_in, "", "line_id", issues);
  CellReader events(events_in, "event.", "line_id", issues);
  CellReader revenue(revenue_in, "revenue.", "line_id", issues);
  // Issues the Python layer found while preparing the columns (e.g. text ids).
  if (!prior_issues.is_none()) {
    for (py::handle item : prior_issues) {
      auto t = item.cast<py::tuple>();
      Issue i{t[0].is_none() ? std::nullopt : std::optional<int64_t>(t[0].cast<int64_t>()),
              t[1].cast<std::string>(), t[2].cast<std::string>(), t[3].cast<std::string>()};
      if (i.row) {
        CellReader& table = i.field.rfind("event.", 0) == 0     ? events
                            : i.field.rfind("revenue.", 0) == 0 ? revenue
                                                                : costs;
        table.mark_bad(*i.row, i.field);
      }
      issues.push_back(std::move(i));
    }
  }

  CommissionCostTable c;
  const std::size_t n = costs.rows();
  c.reserve(n);
  {
    py::list line_id = costs.column("line_id", true), person = costs.column("person", false),
             contract = costs.column("contract", false), currency = costs.column("currency", true),
             incurred = costs.column("incurred", true), start = costs.column("contract_start", true),
             term = costs.column("term_months", true), kind = costs.column("kind", false),
             incremental = costs.column("incremental", true),
             commensurate = costs.column("renewal_commensurate", false),
             life = costs.column("customer_life_months", false), pattern = costs.column("pattern", false);
    const bool minor = costs.has("amount_minor");
    if (minor == costs.has("amount"))
      throw ValidationError("SC-ACCT-COLUMNS",
                            Issue{std::nullopt, "amount", "",
                                  "give exactly one of 'amount' (Decimal/str/int in currency "
                                  "units) and 'amount_minor' (int minor units)"});
    py::list amount = costs.column(minor ? "amount_minor" : "amount", true);
    const char* amount_name = minor ? "amount_minor" : "amount";
    for (std::size_t i = 0; i < n; ++i) {
      c.line_id.push_back(costs.integer(line_id[i], i, "line_id", -1 - int64_t(i)));
      c.person.push_back(person.empty() ? -1 : costs.integer(person[i], i, "person", -1));
      c.contract.push_back(contract.empty() ? -1 : costs.integer(contract[i], i, "contract", -1));
      const Currency ccy = costs.currency(currency[i], i, "currency");
      c.currency.push_back(ccy.valid() ? ccy : Currency::of("XCD"));  // placeholder for a reported cell
      c.amount.push_back(costs.money(amount[i], i, amount_name, ccy, minor));
      c.incurred.push_back(costs.date(incurred[i], i, "incurred"));
      c.contract_start.push_back(costs.date(start[i], i, "contract_start"));
      c.kind.push_back(kind.empty() ? CostKind::Initial
                                    : costs.choice(kind[i], i, "kind", kKinds, CostKind::Initial));
      c.incremental.push_back(costs.boolean(incremental[i], i, "incremental", true));
      c.renewal_commensurate.push_back(
          commensurate.empty() ? 1 : costs.boolean(commensurate[i], i, "renewal_commensurate", true));
      // A missing term is fine on a cost that is not incremental.
      c.term_months.push_back(
          term[i].is_none() && !c.incremental.back() ? 0 : costs.months(term[i], i, "term_months", 1));
      c.customer_life_months.push_back(
          life.empty() || life[i].is_none() ? 0 : costs.months(life[i], i, "customer_life_months", 0));
      c.pattern.push_back(pattern.empty() ? AmortisationPattern::StraightLine
                                          : costs.choice(pattern[i], i, "pattern", kPatterns,
                                                         AmortisationPattern::StraightLine));
    }
  }
  // Events: amounts are in the currency of the line they name.
  std::map<int64_t, Currency> currency_of;
  for (std::size_t i = 0; i < n; ++i) currency_of.emplace(c.line_id[i], c.currency[i]);
  AssetEventTable e;
  if (events.rows() > 0) {
    py::list line_id = events.column("line_id", true), kind = events.column("kind", true),
             date = events.column("date", true), amount = events.column("amount", false),
             months = events.column("months", false);
    const bool minor = events.has("amount_minor");
    py::list amount_minor = events.column("amount_minor", false);
    for (std::size_t i = 0; i < events.rows(); ++i) {
      const int64_t id = events.integer(line_id[i], i, "line_id", INT64_MIN);
      const AssetEventKind k = events.choice(kind[i], i, "kind", kEventKinds, AssetEventKind::Termination);
      e.line_id.push_back(id);
      e.kind.push_back(k);
      e.date.push_back(events.date(date[i], i, "date"));
      int64_t amt = 0;
      int32_t mon = 0;
      if (k == AssetEventKind::Clawback) {
        const auto it = currency_of.find(id);
        py::object v = py::none();
        if (minor)
          v = amount_minor[i];
        else if (!amount.empty())
          v = amount[i];
        if (it != currency_of.end())
          amt = events.money(v, i, minor ? "amount_minor" : "amount", it->second, minor);
        else
          amt = 1;  // the unknown line is reported by the book
      }
      if (k == AssetEventKind::Extension || k == AssetEventKind::ChangeInEstimate)
        mon = months.empty() ? events.months(py::none(), i, "months", 1)
                             : events.months(months[i], i, "months", 1);
      e.amount.push_back(amt);
      e.months.push_back(mon);
    }
  }
  RevenueScheduleTable r;
  if (revenue.rows() > 0) {
    py::list line_id = revenue.column("line_id", true), month = revenue.column("month", true),
             weight = revenue.column("weight", true);
    for (std::size_t i = 0; i < revenue.rows(); ++i) {
      r.line_id.push_back(revenue.integer(line_id[i], i, "line_id", INT64_MIN));
      r.month.push_back(revenue.date(month[i], i, "month"));
      r.weight.push_back(revenue.weight(weight[i], i, "weight"));
    }
  }

  // The book checks the rules; a cell that failed conversion holds a
  // placeholder, so its own rule findings are dropped.
  try {
    py::gil_scoped_release release;
    auto book = std::make_shared<AmortisationBook>(std::move(c), std::move(e), std::move(r), policy);
    if (issues.empty()) return book;
  } catch (const ValidationError& err) {
    for (const Issue& i : err.issues()) {
      const bool bad = i.row && (costs.is_bad(*i.row, i.field) || events.is_bad(*i.row, i.field) ||
                                 revenue.is_bad(*i.row, i.field));
      if (!bad) issues.push_back(i);
    }
  }
  std::stable_sort(issues.begin(), issues.end(), [](const Issue& a, const Issue& b) {
    auto table = [](const Issue& i) {
      return i.field.rfind("event.", 0) == 0 ? 1 : i.field.rfind("revenue.", 0) == 0 ? 2 : 0;
    };
    return std::tuple(table(a), a.row.value_or(-1)) < std::tuple(table(b), b.row.value_or(-1));
  });
  throw ValidationError("SC-ACCT-INPUT", std::move(issues));
}

py::dict roll_forward_dict(const RollForwardTable& t) {
  py::dict out;
  put_currencies(out, t.currency);
  out["month"] = to_numpy(t.month);
  out["opening"] = to_numpy(t.opening);
  out["additions"] = to_numpy(t.additions);
  out["reductions"] = to_numpy(t.reductions);
  out["amortisation"] = to_numpy(t.amortisation);
  out["write_offs"] = to_numpy(t.write_offs);
  out["closing"] = to_numpy(t.closing);
  out["current"] = to_numpy(t.current);
  out["non_current"] = to_numpy(t.non_current);
  out["expensed_as_incurred"] = to_numpy(t.expensed_as_incurred);
  out["expense_credits"] = to_numpy(t.expense_credits);
  return out;
}

}  // namespace

void bind_accounting(py::module_& root) {
  py::module_ m = root.def_submodule("accounting", "Commission expense capitalisation and amortisation");

  py::class_<AmortisationPolicy>(m, "AmortisationPolicy",
                                 "The accounting policy applied to every line of a book.")
      .def(
          py::init([](bool expedient, std::optional<int32_t> life, py::object churn,
                      RoundingMode life_rounding, const std::string& convention, const std::string& remainder,
                      const std::string& termination, RoundingMode plug_rounding) {
            AmortisationPolicy p;
            p.practical_expedient = expedient;
            p.expected_customer_life_months = life;
            if (!churn.is_none()) p.annual_churn_rate = to_rate(churn, std::nullopt, "annual_churn_rate");
            p.life_rounding = life_rounding;
            auto pick = [](const std::string& value, const char* field, auto options) {
              std::string expected;
              for (auto o : options) {
                if (to_string(o) == value) return o;
                expected += " '" + std::string(to_string(o)) + "'";
              }
              throw ValidationError("SC-ACCT-POLICY",
                                    Issue{std::nullopt, field, value, "expected one of" + expected});
            };
            p.month_convention = pick(convention, "month_convention",
                                      std::array{MonthConvention::FullMonth, MonthConvention::NextMonth,
                                                 MonthConvention::DailyProrated});
            p.remainder =
                pick(remainder, "remainder",
                     std::array{RemainderPlacement::LargestRemainder, RemainderPlacement::FinalPeriodPlug});
            p.plug_rounding = plug_rounding;
            p.termination =
                pick(termination, "termination",
                     std::array{TerminationTiming::AmortiseThenWriteOff, TerminationTiming::WriteOffAll});
            return p;
          }),
          py::arg("practical_expedient") = false, py::arg("expected_customer_life_months") = py::none(),
          py::arg("annual_churn_rate") = py::none(), py::arg("life_rounding") = RoundingMode::HalfEven,
          py::arg("month_convention") = "full_month", py::arg("remainder") = "largest_remainder",
          py::arg("termination") = "amortise_then_write_off", py::arg("plug_rounding") = RoundingMode::Down)
      .def_readonly("practical_expedient", &AmortisationPolicy::practical_expedient)
      .def_readonly("expected_customer_life_months", &AmortisationPolicy::expected_customer_life_months)
      .def_readonly("annual_churn_rate", &AmortisationPolicy::annual_churn_rate)
      .def_readonly("life_rounding", &AmortisationPolicy::life_rounding)
      .def_readonly("plug_rounding", &AmortisationPolicy::plug_rounding)
      .def_property_readonly(
          "month_convention",
          [](const AmortisationPolicy& p) { return std::string(to_string(p.month_convention)); })
      .def_property_readonly("remainder",
                             [](const AmortisationPolicy& p) { return std::string(to_string(p.remainder)); })
      .def_property_readonly(
          "termination", [](const AmortisationPolicy& p) { return std::string(to_string(p.termination)); });

  m.def(
      "expected_life_from_churn",
      [](py::object churn, RoundingMode mode) {
        return expected_life_from_churn(to_rate(churn, std::nullopt, "annual_churn_rate"), mode);
      },
      py::arg("annual_churn_rate"), py::arg("rounding") = RoundingMode::HalfEven,
      "Expected customer life in whole months: 12 / annual churn, rounded once.");

  py::class_<AmortisationBook, std::shared_ptr<AmortisationBook>>(m, "AmortisationBook")
      .def(py::init(&make_book), py::arg("costs"), py::arg("events") = py::none(),
           py::arg("revenue") = py::none(), py::arg("policy") = AmortisationPolicy{},
           py::arg("prior_issues") = py::none())
      .def("__len__", &AmortisationBook::asset_count)
      .def_property_readonly("policy", &AmortisationBook::policy)
      .def("assets",
           [](const AmortisationBook& b) {
             AssetTable t;
             {
               py::gil_scoped_release release;
               t = b.assets();
             }
             py::dict out;
             out["line_id"] = to_numpy(t.line_id);
             out["person"] = to_numpy(t.person);
             out["contract"] = to_numpy(t.contract);
             put_currencies(out, t.currency);
             out["amount"] = to_numpy(t.amount);
             out["treatment"] = names(t.treatment);
             out["basis"] = names(t.basis);
             out["period_months"] = to_numpy(t.period_months);
             out["first_month"] = to_numpy(t.first_month);
             out["last_month"] = to_numpy(t.last_month);
             out["amortised"] = to_numpy(t.amortised);
             out["reduced"] = to_numpy(t.reduced);
             out["written_off"] = to_numpy(t.written_off);
             out["expense_credit"] = to_numpy(t.expense_credit);
             return out;
           })
      .def("schedule",
           [](const AmortisationBook& b) {
             AmortisationSchedule s;
             {
               py::gil_scoped_release release;
               s = b.schedule();
             }
             py::dict out;
             out["asset"] = to_numpy(s.asset);
             out["month"] = to_numpy(s.month);
             out["opening"] = to_numpy(s.opening);
             out["addition"] = to_numpy(s.addition);
             out["reduction"] = to_numpy(s.reduction);
             out["amortisation"] = to_numpy(s.amortisation);
             out["write_off"] = to_numpy(s.write_off);
             out["closing"] = to_numpy(s.closing);
             out["current"] = to_numpy(s.current);
             return out;
           })
      .def(
          "roll_forward",
          [](const AmortisationBook& b, py::object from, py::object to) {
            const auto lo = month_arg(from, "start"), hi = month_arg(to, "end");
            RollForwardTable t;
            {
              py::gil_scoped_release release;
              t = b.roll_forward(lo, hi);
            }
            return roll_forward_dict(t);
          },
          py::arg("start") = py::none(), py::arg("end") = py::none())
      .def(
          "journal",
          [](const AmortisationBook& b, py::object from, py::object to) {
            const auto lo = month_arg(from, "start"), hi = month_arg(to, "end");
            JournalTable j;
            {
              py::gil_scoped_release release;
              j = b.journal(lo, hi);
            }
            py::dict out;
            out["entry"] = to_numpy(j.entry);
            put_currencies(out, j.currency);
            out["month"] = to_numpy(j.month);
            out["kind"] = names(j.kind);
            out["account"] = names(j.account);
            out["debit"] = to_numpy(j.debit);
            out["credit"] = to_numpy(j.credit);
            return out;
          },
          py::arg("start") = py::none(), py::arg("end") = py::none());
}

}  // namespace salescomp::py_bindings
