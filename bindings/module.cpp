// salescomp._core: the module, the error translation and the shared converters.
#include <pybind11/pybind11.h>

#include <salescomp/core/error.hpp>
#include <salescomp/version.hpp>

#include "convert.hpp"

namespace salescomp::py_bindings {

namespace {

py::object errors_module() {
  PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<py::object> storage;
  return storage.call_once_and_store_result([] { return py::module_::import("salescomp._errors"); })
      .get_stored();
}

// Creates the Python exception `name` from salescomp._errors, attaches the id
// and (for validation errors) the list of issues, and sets it as the error.
void set_python_error(const char* name, const Error& e, const std::vector<Issue>* issues) {
  py::object cls = errors_module().attr(name);
  py::object exc = cls(py::str(e.what()));
  exc.attr("id") = e.id();
  py::list items;
  if (issues) {
    for (const Issue& i : *issues) {
      py::dict d;
      d["row"] = i.row ? py::object(py::int_(*i.row)) : py::object(py::none());
      d["field"] = i.field;
      d["value"] = i.value;
      d["rule"] = i.rule;
      d["source"] = i.source;
      items.append(d);
    }
  }
  exc.attr("issues") = items;
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

}  // namespace

void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const UnknownCurrencyError& e) {
    set_python_error("UnknownCurrencyError", e, &e.issues());
  } catch (const ParseError& e) {
    set_python_error("ParseError", e, &e.issues());
  } catch (const ValidationError& e) {
    set_python_error("ValidationError", e, &e.issues());
  } catch (const CurrencyMismatchError& e) {
    set_python_error("CurrencyMismatchError", e, nullptr);
  } catch (const OverflowError& e) {
    set_python_error("AmountOverflowError", e, nullptr);
  } catch (const DivisionByZeroError& e) {
    set_python_error("DivisionByZeroError", e, nullptr);
  } catch (const InexactError& e) {
    set_python_error("InexactError", e, nullptr);
  } catch (const LookupError& e) {
    set_python_error("MissingDataError", e, nullptr);
  } catch (const Error& e) {
    set_python_error("Error", e, nullptr);
  }
}

void raise_type_error(const std::string& message) {
  py::object cls = errors_module().attr("InputTypeError");
  PyErr_SetString(cls.ptr(), message.c_str());
  throw py::error_already_set();
}

}  // namespace salescomp::py_bindings

PYBIND11_MODULE(_core, m) {
  namespace sp = salescomp::py_bindings;
  m.doc() = "salescomp compiled core (use the salescomp package, not this module)";
  m.attr("__version__") = salescomp::kVersion;
  pybind11::register_exception_translator(&sp::translate);
  sp::bind_core(m);
  sp::bind_arrow(m);
  sp::bind_batch(m);
  sp::bind_accounting(m);
  sp::bind_org(m);
  sp::bind_crediting(m);
  sp::bind_quota(m);
  sp::bind_attribution(m);
  sp::bind_plan(m);
  sp::bind_json(m);
  sp::bind_data(m);
  sp::bind_engine(m);
}
