// Bindings for the revenue organisation and calendars: FiscalCalendar,
// Period, BusinessCalendar and Organisation (roster, leaves, effective-dated
// assignments, hierarchy).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <numeric>
#include <optional>
#include <salescomp/arrow/text_cells.hpp>
#include <salescomp/core/business_calendar.hpp>
#include <salescomp/core/fiscal_calendar.hpp>
#include <salescomp/org/organisation.hpp>

#include "arrow_interop.hpp"
#include "convert.hpp"
#include "table_convert.hpp"

namespace salescomp::py_bindings {

namespace {

PeriodKind kind_of(const std::string& s) { return period_kind_from_string(s); }

// Resolves person ids, reporting every unknown one.
int32_t person_index(const Organisation& org, const std::string& id) { return org.roster().index_of(id); }

template <class T>
std::vector<T> permuted(const std::vector<T>& v, const std::vector<std::size_t>& order) {
  std::vector<T> out;
  out.reserve(order.size());
  for (std::size_t k : order) out.push_back(v[k]);
  return out;
}

// The roster in the order of the person ids (byte order), so that roster
// indexes, and every tie broken by them, do not depend on the order of the
// people rows. Messages still name the input rows.
Roster roster_in_id_order(const std::vector<std::string>& ids, const std::vector<Role>& roles,
                          const std::vector<Date>& starts, const std::vector<std::optional<Date>>& ends,
                          const std::vector<Currency>& currencies) {
  std::vector<std::size_t> order(ids.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
  try {
    return Roster::from_columns(permuted(ids, order), permuted(roles, order), permuted(starts, order),
                                permuted(ends, order), permuted(currencies, order));
  } catch (const ValidationError& e) {
    std::vector<Issue> issues = e.issues();
    for (Issue& i : issues)
      if (i.row && *i.row >= 0 && std::size_t(*i.row) < order.size())
        i.row = int64_t(order[std::size_t(*i.row)]);
    std::stable_sort(issues.begin(), issues.end(),
                     [](const Issue& a, const Issue& b) { return a.row.value_or(-1) < b.row.value_or(-1); });
    throw ValidationError(e.id(), std::move(issues));
  }
}

std::shared_ptr<Organisation> make_org(const std::vector<std::string>& ids,
                                       const std::vector<std::string>& roles, const Column<int32_t>& start,
                                       const Column<int32_t>& end, const std::vector<std::string>& currencies,
                                       const std::vector<std::string>& a_person,
                                       const std::vector<std::string>& a_field,
                                       const std::vector<std::string>& a_value, const Column<int32_t>& a_from,
                                       const Column<int32_t>& a_to, const std::vector<std::string>& l_person,
                                       const Column<int32_t>& l_first, const Column<int32_t>& l_last) {
  const std::size_t n = ids.size();
  std::vector<Issue> issues;
  if (roles.size() != n || std::size_t(start.size()) != n || std::size_t(end.size()) != n ||
      currencies.size() != n)
    throw ValidationError("SC-ORG-SHAPE",
                          Issue{std::nullopt, "people", std::to_string(n), "columns differ in length"});
  std::vector<Role> role_values(n);
  std::vector<Currency> ccys(n);
  std::vector<Date> starts(n);
  for (std::size_t i = 0; i < n; ++i) {
    try {
      role_values[i] = role_from_string(roles[i]);
    } catch (const ValidationError& e) {
      issues.push_back(Issue{int64_t(i), "role", roles[i], e.issues().front().rule});
    }
    try {
      ccys[i] = Currency::of(currencies[i]);
    } catch (const ValidationError& e) {
      issues.push_back(Issue{int64_t(i), "pay_currency", currencies[i], e.issues().front().rule});
    }
    if (start.data()[i] == kMissingDay)
      issues.push_back(Issue{int64_t(i), "start_date", "", "a start date is required"});
    else
      starts[i] = Date::from_days(start.data()[i]);
  }
  if (!issues.empty()) throw ValidationError("SC-ORG-ROSTER", std::move(issues));
  Roster roster = roster_in_id_order(ids, role_values, starts, to_optional_dates(end), ccys);

  const std::size_t m = a_person.size();
  if (a_field.size() != m || a_value.size() != m || std::size_t(a_from.size()) != m ||
      std::size_t(a_to.size()) != m)
    throw ValidationError("SC-ORG-SHAPE",
                          Issue{std::nullopt, "assignments", std::to_string(m), "columns differ in length"});
  AssignmentColumns a;
  a.person_id = a_person;
  a.value = a_value;
  a.field.resize(m);
  for (std::size_t i = 0; i < m; ++i) {
    try {
      a.field[i] = assignment_field_from_string(a_field[i]);
    } catch (const ValidationError& e) {
      issues.push_back(Issue{int64_t(i), "field", a_field[i], e.issues().front().rule});
    }
    if (a_from.data()[i] == kMissingDay)
      issues.push_back(Issue{int64_t(i), "from", "", "a start date is required"});
  }
  if (!issues.empty()) throw ValidationError("SC-ORG-ASSIGNMENT", std::move(issues));
  a.from = to_dates(a_from, "from");
  a.to = to_optional_dates(a_to);

  const std::size_t k = l_person.size();
  std::vector<int32_t> lp(k);
  for (std::size_t i = 0; i < k; ++i) {
    if (auto p = roster.find(l_person[i]))
      lp[i] = *p;
    else
      issues.push_back(Issue{int64_t(i), "person_id", l_person[i], "unknown person"});
  }
  if (!issues.empty()) throw ValidationError("SC-ORG-LEAVE", std::move(issues));
  roster.add_leaves(lp, to_dates(l_first, "first"), to_dates(l_last, "last"));
  return std::make_shared<Organisation>(std::move(roster), a);
}

// A table's text columns as strings (null cells as ""), read where they lie.
std::vector<std::vector<std::string>> text_columns(py::handle table, const char* what,
                                                   std::initializer_list<const char*> names) {
  const arrow::ImportedTable t = import_arrow(table, what);
  std::vector<std::vector<std::string>> out;
  py::gil_scoped_release release;
  for (const char* name : names) {
    const arrow::Column* c = t.find(name);
    if (c == nullptr || !c->type.is_text_like())
      throw ValidationError("SC-ORG-SHAPE", Issue{std::nullopt, name, what, "a text column is needed"});
    auto& v = out.emplace_back();
    v.reserve(std::size_t(t.num_rows()));
    arrow::for_each_text(*c, [&](int64_t, std::optional<std::string_view> text) {
      v.emplace_back(text.value_or(std::string_view()));
    });
  }
  return out;
}

// make_org with the people's (person_id, role, pay_currency), the assignments' (person_id,
// field, value) and the leaves' (person_id) text given as Arrow tables: no Python string
// per cell (a million people and their assignments are several million cells).
std::shared_ptr<Organisation> org_from_arrow(py::handle people_text, const Column<int32_t>& start,
                                             const Column<int32_t>& end, py::handle assignment_text,
                                             const Column<int32_t>& from, const Column<int32_t>& to,
                                             py::handle leave_text, const Column<int32_t>& first,
                                             const Column<int32_t>& last) {
  const auto p = text_columns(people_text, "people", {"person_id", "role", "pay_currency"});
  const auto a = text_columns(assignment_text, "assignments", {"person_id", "field", "value"});
  const auto l = text_columns(leave_text, "leaves", {"person_id"});
  return make_org(p[0], p[1], start, end, p[2], a[0], a[1], a[2], from, to, l[0], first, last);
}

}  // namespace

void bind_org(py::module_& m) {
  py::class_<Period>(m, "Period", "A fiscal period: a closed range of dates.")
      .def_property_readonly("kind", [](const Period& p) { return std::string(to_string(p.kind)); })
      .def_readonly("fiscal_year", &Period::fiscal_year)
      .def_readonly("number", &Period::number)
      .def_property_readonly("first", [](const Period& p) { return make_date(p.first); })
      .def_property_readonly("last", [](const Period& p) { return make_date(p.last); })
      .def_property_readonly("key", &Period::key, "fiscal_year * 100 + number")
      .def_property_readonly("days", &Period::days)
      .def_property_readonly("label", &Period::label)
      .def("contains", [](const Period& p, py::object d) { return p.contains(to_date(d)); })
      .def("__eq__", [](const Period& a, const Period& b) { return a == b; })
      .def("__hash__",
           [](const Period& p) {
             return py::hash(py::make_tuple(int(p.kind), p.fiscal_year, p.number, p.first.days()));
           })
      .def("__repr__", [](const Period& p) {
        return "Period('" + p.label() + "', " + p.first.to_string() + ".." + p.last.to_string() + ")";
      });

  py::class_<FiscalCalendar>(
      m, "FiscalCalendar",
      "Fiscal weeks, months, quarters, halves and years. Fiscal year Y ends in calendar year Y.")
      .def(py::init([](unsigned start_month, const std::string& pattern, unsigned week_start) {
             return FiscalCalendar(start_month, quarter_pattern_from_string(pattern), week_start);
           }),
           py::arg("start_month") = 1, py::arg("pattern") = "calendar_months", py::arg("week_start") = 0,
           "pattern: calendar_months, 4-4-5, 4-5-4 or 5-4-4; week_start: 0 = Monday .. 6 = Sunday")
      .def_property_readonly("start_month", &FiscalCalendar::start_month)
      .def_property_readonly("pattern",
                             [](const FiscalCalendar& c) { return std::string(to_string(c.pattern())); })
      .def_property_readonly("week_start", &FiscalCalendar::week_start)
      .def(
          "year_first", [](const FiscalCalendar& c, int fy) { return make_date(c.year_first(fy)); },
          py::arg("fiscal_year"))
      .def(
          "year_last", [](const FiscalCalendar& c, int fy) { return make_date(c.year_last(fy)); },
          py::arg("fiscal_year"))
      .def(
          "fiscal_year_of",
          [](const FiscalCalendar& c, py::object d) { return c.fiscal_year_of(to_date(d)); }, py::arg("date"))
      .def(
          "period_of",
          [](const FiscalCalendar& c, py::object d, const std::string& k) {
            return c.period_of(to_date(d), kind_of(k));
          },
          py::arg("date"), py::arg("kind") = "month")
      .def(
          "period",
          [](const FiscalCalendar& c, int fy, const std::string& k, int n) {
            return c.period(fy, kind_of(k), n);
          },
          py::arg("fiscal_year"), py::arg("kind"), py::arg("number"))
      .def(
          "periods",
          [](const FiscalCalendar& c, int fy, const std::string& k) { return c.periods(fy, kind_of(k)); },
          py::arg("fiscal_year"), py::arg("kind") = "month")
      .def(
          "periods_between",
          [](const FiscalCalendar& c, py::object a, py::object b, const std::string& k) {
            return c.periods_between(to_date(a), to_date(b), kind_of(k));
          },
          py::arg("first"), py::arg("last"), py::arg("kind") = "month")
      .def("_period_keys", [](const FiscalCalendar& c, const Column<int32_t>& days, const std::string& k) {
        const PeriodKind kind = kind_of(k);
        return to_numpy_by(std::size_t(days.size()), [&](std::size_t i) {
          return c.period_of(Date::from_days(days.data()[i]), kind).key();
        });
      });

  py::class_<BusinessCalendar>(m, "BusinessCalendar", "Business days: not a weekend day, not a holiday.")
      .def(py::init([](const std::vector<int>& weekend, py::iterable holidays) {
             std::array<bool, 7> w{};
             for (int d : weekend) {
               if (d < 0 || d > 6)
                 throw ValidationError("SC-CAL-WEEKEND", Issue{std::nullopt, "weekend", std::to_string(d),
                                                               "weekdays are 0 (Monday) .. 6 (Sunday)"});
               w[std::size_t(d)] = true;
             }
             std::vector<Date> h;
             for (py::handle x : holidays) h.push_back(to_date(x, "holiday"));
             return BusinessCalendar(w, std::move(h));
           }),
           py::arg("weekend") = std::vector<int>{5, 6}, py::arg("holidays") = py::list())
      .def("is_business_day",
           [](const BusinessCalendar& c, py::object d) { return c.is_business_day(to_date(d)); })
      .def(
          "count",
          [](const BusinessCalendar& c, py::object a, py::object b) {
            return c.count(to_date(a), to_date(b));
          },
          py::arg("first"), py::arg("last"), "business days in [first, last]")
      .def_property_readonly("holidays", [](const BusinessCalendar& c) {
        py::list l;
        for (Date d : c.holidays()) l.append(make_date(d));
        return l;
      });

  py::class_<Organisation, std::shared_ptr<Organisation>>(m, "_Organisation")
      .def(py::init(&make_org))
      .def_static("from_arrow", &org_from_arrow, py::arg("people_text"), py::arg("start"), py::arg("end"),
                  py::arg("assignment_text"), py::arg("from_"), py::arg("to"), py::arg("leave_text"),
                  py::arg("first"), py::arg("last"),
                  "The same, the text columns read in C++ from three Arrow tables (utf8, nulls as '').")
      .def("__len__", &Organisation::size)
      .def_property_readonly("person_ids",
                             [](const Organisation& o) {
                               std::vector<std::string> v;
                               for (std::size_t i = 0; i < o.size(); ++i)
                                 v.push_back(o.roster().id(int32_t(i)));
                               return v;
                             })
      .def("dictionary", [](const Organisation& o,
                            const std::string& f) { return o.dictionary(assignment_field_from_string(f)); })
      .def(
          "as_of",
          [](const Organisation& o, const std::string& person, const std::string& field,
             py::object d) -> py::object {
            const AssignmentField f = assignment_field_from_string(field);
            const int32_t p = person_index(o, person);
            const Date day = to_date(d);
            if (f == AssignmentField::Role) return py::str(std::string(to_string(o.role_as_of(p, day))));
            const int32_t v = o.as_of(p, f, day);
            if (v < 0) return py::none();
            if (f == AssignmentField::Manager) return py::str(o.roster().id(v));
            return py::str(o.dictionary(f)[std::size_t(v)]);
          },
          py::arg("person_id"), py::arg("field"), py::arg("date"))
      .def(
          "reporting_chain",
          [](const Organisation& o, const std::string& person, py::object d, int depth) {
            std::vector<std::string> out;
            for (int32_t m : o.reporting_chain(person_index(o, person), to_date(d), depth))
              out.push_back(o.roster().id(m));
            return out;
          },
          py::arg("person_id"), py::arg("date"), py::arg("depth") = 64)
      .def("_managers_as_of", [](const Organisation& o,
                                 py::object d) { return to_numpy<int32_t>(o.managers_as_of(to_date(d))); })
      .def("_field_as_of",
           [](const Organisation& o, const std::string& field, py::object d) {
             const AssignmentField f = assignment_field_from_string(field);
             const Date day = to_date(d);
             return to_numpy_by(o.size(), [&](std::size_t p) {
               return f == AssignmentField::Role ? int32_t(o.role_as_of(int32_t(p), day))
                                                 : o.as_of(int32_t(p), f, day);
             });
           })
      .def("is_active", [](const Organisation& o, const std::string& person, py::object d) {
        return o.roster().is_active(person_index(o, person), to_date(d));
      });
  m.def("_role_names", [] {
    std::vector<std::string> v;
    for (int i = 0; i <= int(Role::Operations); ++i) v.emplace_back(to_string(Role(i)));
    return v;
  });
}

}  // namespace salescomp::py_bindings
