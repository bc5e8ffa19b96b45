// salescomp._core.accounting: commission expense capitalisation and
// amortisation. Tables come in through the Arrow C Data Interface (read_book:
// every bad cell and every rule of the book in one ValidationError); results
// go out as dicts of numpy arrays (money in int64 minor units, months as month
// indexes), which salescomp.accounting turns into exact Arrow tables.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <salescomp/accounting/all.hpp>
#include <salescomp/salescomp.hpp>
#include <set>

#include "arrow_interop.hpp"
#include "convert.hpp"
#include "table_holders.hpp"

namespace salescomp::py_bindings {

namespace {

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

// The book from three Arrow tables (salescomp.accounting passes any Arrow producer,
// after turning dicts and older pandas into tables); one ValidationError lists
// every bad cell and broken rule (src/accounting/accounting_arrow.cpp).
// Returns (book, line ids, people, contracts): the texts behind the book's codes.
py::tuple read_book_py(py::object costs, py::object events, py::object revenue,
                       const AmortisationPolicy& policy, bool ignore_extra_columns, bool integer_line_ids,
                       py::object prior_issues) {
  BookReadOptions options;
  options.ignore_extra_columns = ignore_extra_columns;
  options.integer_line_ids = integer_line_ids;
  if (!prior_issues.is_none())
    for (py::handle item : prior_issues) {
      auto t = item.cast<py::tuple>();
      options.prior_issues.push_back(
          Issue{t[0].is_none() ? std::nullopt : std::optional<int64_t>(t[0].cast<int64_t>()),
                t[1].cast<std::string>(), t[2].cast<std::string>(), t[3].cast<std::string>(),
                t.size() > 4 ? t[4].cast<std::string>() : ""});
    }
  const arrow::ImportedTable c = import_arrow(costs, "costs");
  std::optional<arrow::ImportedTable> e, r;
  if (!events.is_none()) e.emplace(import_arrow(events, "events"));
  if (!revenue.is_none()) r.emplace(import_arrow(revenue, "revenue"));
  AccountingBook book;
  {
    py::gil_scoped_release release;
    book = read_book(c, e ? &*e : nullptr, r ? &*r : nullptr, policy, options);
  }
  py::object line_ids = py::none();
  if (book.ids.text_line_ids) line_ids = py::cast(book.ids.line_ids);
  return py::make_tuple(std::const_pointer_cast<AmortisationBook>(book.book), line_ids,
                        py::cast(book.ids.people), py::cast(book.ids.contracts));
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

// The output row of each roster person: their first position in `person_ids`, -1
// when absent (as the Arrow path looks ids up).
std::vector<int32_t> rows_of_roster(const Roster& roster, const std::vector<std::string>& person_ids) {
  std::vector<int32_t> rows(roster.size(), -1);
  for (std::size_t i = 0; i < person_ids.size(); ++i) {
    const auto p = roster.find(person_ids[i]);
    if (p && rows[std::size_t(*p)] < 0) rows[std::size_t(*p)] = int32_t(i);
  }
  return rows;
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

  m.def("read_book", &read_book_py, py::arg("costs"), py::arg("events") = py::none(),
        py::arg("revenue") = py::none(), py::arg("policy") = AmortisationPolicy{},
        py::arg("ignore_extra_columns") = false, py::arg("integer_line_ids") = false,
        py::arg("prior_issues") = py::none(),
        "The book of three Arrow tables: (book, text line ids or None, people, contracts).");

  m.def(
      "portfolio_terms",
      [](py::object credits, py::array_t<int32_t, py::array::c_style | py::array::forcecast> deal_terms_in,
         const std::vector<int32_t>& quarter_end_days, const std::vector<std::string>& person_ids) {
        const std::vector<int32_t> deal_terms(deal_terms_in.data(),
                                              deal_terms_in.data() + deal_terms_in.size());
        PortfolioTerms terms;
        if (py::isinstance<CreditsHolder>(credits)) {  // crediting's table, read where it lies
          const auto& holder = credits.cast<const CreditsHolder&>();
          const std::vector<int32_t> rows = rows_of_roster(holder.deals->org->roster(), person_ids);
          py::gil_scoped_release release;
          terms = portfolio_terms(holder.table, rows, person_ids.size(), deal_terms, quarter_end_days);
        } else {
          const arrow::ImportedTable t = import_arrow(credits, "credits");
          py::gil_scoped_release release;
          terms = portfolio_terms(t, deal_terms, quarter_end_days, person_ids);
        }
        py::array_t<int32_t> out({py::ssize_t(person_ids.size()), py::ssize_t(terms.quarters)});
        if (!terms.term.empty())
          std::memcpy(out.mutable_data(), terms.term.data(), terms.term.size() * sizeof(int32_t));
        return out;
      },
      py::arg("credits"), py::arg("deal_terms"), py::arg("quarter_end_days"), py::arg("person_ids"),
      "Credit-weighted average term (months, half-even) per person and quarter; INT32_MIN where none. "
      "credits: an Arrow table, or crediting's own table (salescomp.Credits._core), read in place.");
}

}  // namespace salescomp::py_bindings
