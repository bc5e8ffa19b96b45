#pragma once
// The Python side of the Arrow boundary: tables in through the Arrow
// PyCapsule protocol (__arrow_c_stream__ / __arrow_c_array__), tables out as
// objects that implement it. Every area's bindings use these two functions;
// python/salescomp/tables.py turns dicts and older pandas into such objects.
#include <pybind11/pybind11.h>

#include <salescomp/arrow/export_table.hpp>
#include <salescomp/arrow/imported_table.hpp>
#include <string>

namespace salescomp::py_bindings {

namespace py = pybind11;

// Takes over the table an object exports (its stream, or its one record
// batch). `source` names the table in messages ("deals.csv", "deals").
arrow::ImportedTable import_arrow(py::handle table, std::string source);

// A salescomp._core.ArrowTable that exports `table` (shared, not copied) to
// any consumer of the PyCapsule protocol.
py::object export_arrow(arrow::ExportTable table);

}  // namespace salescomp::py_bindings
