// Bindings for plan documents: Plan from JSON text (the Python layer turns
// dicts into JSON after refusing floats), canonical JSON back, and a view of
// the model's ids for programs.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <salescomp/plan/plan_json.hpp>

#include "convert.hpp"

namespace salescomp::py_bindings {

void bind_plan(py::module_& m) {
  py::class_<Plan>(m, "_Plan", "A validated compensation plan (use salescomp.plan.Plan).")
      .def_static(
          "from_json", [](const std::string& text) { return plan_from_json(text); }, py::arg("text"),
          "parse and validate a plan document; ValidationError lists every problem with its JSON path")
      .def("to_json", &plan_to_json, "canonical JSON: every default written out, decimals as strings")
      .def_property_readonly("id", [](const Plan& p) { return p.id; })
      .def_property_readonly("currency", [](const Plan& p) { return p.currency; })
      .def_property_readonly("period", [](const Plan& p) { return std::string(to_string(p.period)); })
      .def_property_readonly("rounding_mode", [](const Plan& p) { return p.rounding.mode; })
      .def_property_readonly("rounding_scope",
                             [](const Plan& p) { return std::string(to_string(p.rounding.scope)); })
      .def_property_readonly("measure_ids",
                             [](const Plan& p) {
                               std::vector<std::string> ids;
                               for (const Measure& x : p.measures) ids.push_back(x.id);
                               return ids;
                             })
      .def_property_readonly(
          "components",
          [](const Plan& p) {
            std::vector<std::pair<std::string, std::string>> out;
            for (const Component& c : p.components) out.emplace_back(c.id, std::string(component_type(c)));
            return out;
          },
          "(id, type) of every component, in document order")
      .def("__eq__", [](const Plan& a, const Plan& b) { return plan_to_json(a) == plan_to_json(b); })
      .def(py::pickle([](const Plan& p) { return plan_to_json(p); },
                      [](const std::string& text) { return plan_from_json(text); }));
}

}  // namespace salescomp::py_bindings
