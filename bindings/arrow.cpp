// The Arrow PyCapsule protocol (import and export of C Data Interface
// structs) and the declared table schemas.
#include <pybind11/stl.h>

#include <memory>
#include <salescomp/arrow/table_specs.hpp>

#include "arrow_interop.hpp"
#include "convert.hpp"

namespace salescomp::py_bindings {

namespace {

template <class Struct>
Struct* capsule_pointer(py::handle capsule, const char* name) {
  auto* p = static_cast<Struct*>(PyCapsule_GetPointer(capsule.ptr(), name));
  if (p == nullptr) throw py::error_already_set();
  if (p->release == nullptr)
    raise_type_error(std::string("the ") + name +
                     " capsule was already consumed (an Arrow export is read once)");
  return p;
}

void delete_stream_capsule(PyObject* capsule) {
  auto* s = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule, "arrow_array_stream"));
  if (s == nullptr) {
    PyErr_Clear();
    return;
  }
  if (s->release != nullptr) s->release(s);
  delete s;
}

// The result object: the table's buffers are shared by every export.
class ArrowTable {
 public:
  explicit ArrowTable(arrow::ExportTable t) : table_(std::move(t)) {}
  py::object c_stream(const py::object& /*requested_schema*/) const {
    auto* s = new ArrowArrayStream{};
    table_.export_stream(s);
    PyObject* capsule = PyCapsule_New(s, "arrow_array_stream", &delete_stream_capsule);
    if (capsule == nullptr) {
      s->release(s);
      delete s;
      throw py::error_already_set();
    }
    return py::reinterpret_steal<py::object>(capsule);
  }
  int64_t num_rows() const { return table_.num_rows(); }
  std::vector<std::string> column_names() const { return table_.column_names(); }

 private:
  arrow::ExportTable table_;
};

py::list spec_fields(const arrow::TableSpec& spec) {
  py::list fields;
  for (const arrow::FieldSpec& f : spec.fields) {
    py::dict d;
    d["name"] = std::string(f.name);
    d["kind"] = std::string(arrow::to_string(f.kind));
    d["required"] = f.required;
    d["doc"] = std::string(f.doc);
    d["accepted_types"] = std::string(arrow::accepted_types(f.kind));
    if (f.kind == arrow::FieldKind::Integer) d["range"] = py::make_tuple(f.min, f.max);
    fields.append(d);
  }
  return fields;
}

}  // namespace

arrow::ImportedTable import_arrow(py::handle table, std::string source) {
  if (py::hasattr(table, "__arrow_c_stream__")) {
    py::object capsule = table.attr("__arrow_c_stream__")();
    return arrow::ImportedTable::from_stream(capsule_pointer<ArrowArrayStream>(capsule, "arrow_array_stream"),
                                             std::move(source));
  }
  if (py::hasattr(table, "__arrow_c_array__")) {
    py::tuple pair = table.attr("__arrow_c_array__")();
    auto* schema = capsule_pointer<ArrowSchema>(pair[0], "arrow_schema");
    auto* array = capsule_pointer<ArrowArray>(pair[1], "arrow_array");
    return arrow::ImportedTable::from_batch(schema, array, std::move(source));
  }
  raise_type_error(source +
                   ": expected a table that implements the Arrow PyCapsule protocol "
                   "(__arrow_c_stream__ or __arrow_c_array__), got " +
                   std::string(py::str(py::type::handle_of(table).attr("__name__"))));
}

py::object export_arrow(arrow::ExportTable table) { return py::cast(ArrowTable(std::move(table))); }

void bind_arrow(py::module_& m) {
  py::class_<ArrowTable>(m, "ArrowTable",
                         "A result table in salescomp's memory, exported through the Arrow PyCapsule "
                         "protocol (pyarrow, polars, pandas and DuckDB read it without a copy).")
      .def("__arrow_c_stream__", &ArrowTable::c_stream, py::arg("requested_schema") = py::none(),
           "A PyCapsule holding an ArrowArrayStream over the table (the requested schema is ignored).")
      .def_property_readonly("num_rows", &ArrowTable::num_rows)
      .def_property_readonly("column_names", &ArrowTable::column_names)
      .def("__len__", &ArrowTable::num_rows);

  m.def(
      "_table_specs",
      [] {
        py::list out;
        for (const arrow::TableSpec& s : arrow::table_specs()) {
          py::dict d;
          d["name"] = std::string(s.name);
          d["doc"] = std::string(s.doc);
          d["fields"] = spec_fields(s);
          out.append(d);
        }
        return out;
      },
      "The declared schema of every table salescomp takes (name, doc, fields).");
  m.def(
      "_arrow_example",
      [] {
        arrow::ExportTable t;
        t.add(arrow::ExportColumn::texts("person_id",
                                         std::vector<std::string>{"0055g00000AbCdEfGh", "ana-maría"}));
        t.add(arrow::ExportColumn::decimals("amount", {123456, -1}, 2));
        return export_arrow(std::move(t));
      },
      "A two-row result table (tests of the export path).");
  m.def(
      "_check_table",
      [](py::handle table, const std::string& name, const std::string& source, bool ignore_extra_columns) {
        const arrow::ImportedTable t = import_arrow(table, source);
        const arrow::BoundTable b = arrow::bind(t, arrow::table_spec(name), {ignore_extra_columns});
        py::list present;
        for (const arrow::FieldSpec& f : b.spec().fields)
          if (b.has(f.name)) present.append(std::string(f.name));
        return py::make_tuple(t.num_rows(), present);
      },
      py::arg("table"), py::arg("name"), py::arg("source"), py::arg("ignore_extra_columns") = false,
      "Checks a table's columns against its declared schema; returns (rows, fields present).");
}

}  // namespace salescomp::py_bindings
