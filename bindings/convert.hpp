#pragma once
// Conversions shared by every binding file: Python values in (Decimal, str,
// int, datetime.date), Decimal and date out, and raising salescomp errors.
#include <pybind11/pybind11.h>

#include <optional>
#include <salescomp/core/currency.hpp>
#include <salescomp/core/date.hpp>
#include <salescomp/core/rate.hpp>
#include <salescomp/core/rounding.hpp>
#include <string>

namespace salescomp::py_bindings {

namespace py = pybind11;

// Raises salescomp.InputTypeError (a TypeError) from C++.
[[noreturn]] void raise_type_error(const std::string& message);

// Exact decimal text of a Python number: str is passed through to the strict
// parser; int is exact; decimal.Decimal must be finite. float and bool are
// refused with TypeError because they are not exact money.
std::string decimal_text(py::handle value, const char* what);

// True for int and integer scalars such as numpy.int64 (not bool, not arrays,
// which also implement __index__).
bool is_integer_scalar(py::handle value);

// decimal.Decimal(text).
py::object make_decimal(const std::string& text);

// Currency from a Currency or an ISO code string.
Currency to_currency(py::handle value);

// Rate from a Rate, Decimal, str or int.
Rate to_rate(py::handle value, std::optional<RoundingMode> mode = std::nullopt, const char* what = "rate");

// Date from datetime.date (not datetime.datetime) or an ISO "YYYY-MM-DD" string.
Date to_date(py::handle value, const char* what = "date");
py::object make_date(Date d);

// Registers every area's bindings; each lives in its own .cpp.
void bind_core(py::module_& m);
void bind_batch(py::module_& m);
void bind_accounting(py::module_& m);
void bind_org(py::module_& m);        // org.cpp: calendars, organisation
void bind_crediting(py::module_& m);  // crediting.cpp: deals, rules, credits
void bind_quota(py::module_& m);      // quota.cpp: quotas, attainment, pacing, distribution
void bind_attribution(py::module_& m);
void bind_plan(py::module_& m);
void bind_json(py::module_& m);  // json.cpp: the strict JSON reader
void bind_data(py::module_& m);  // data.cpp: the seeded synthetic generators
void bind_engine(py::module_& m);
void bind_arrow(py::module_& m);  // arrow.cpp: the PyCapsule protocol and table schemas

// Translates salescomp C++ exceptions into salescomp._errors classes.
void translate(std::exception_ptr p);

}  // namespace salescomp::py_bindings
