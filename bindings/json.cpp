// salescomp._core.parse_json: the library's strict JSON reader for Python
// (plans.json and config.json in the CLI go through it, never through
// Python's json module). Objects become dicts in document order, arrays
// lists, numbers int (no fraction) or decimal.Decimal (never float).
#include <pybind11/pybind11.h>

#include <salescomp/detail/json_parser.hpp>

#include "convert.hpp"

namespace salescomp::py_bindings {
namespace {

py::object json_to_python(const detail::JsonValue& v, const py::object& decimal) {
  using Kind = detail::JsonValue::Kind;
  switch (v.kind) {
    case Kind::Null:
      return py::none();
    case Kind::Bool:
      return py::bool_(v.boolean);
    case Kind::Number:
      if (v.text.find('.') == std::string::npos)
        return py::reinterpret_steal<py::object>(PyLong_FromString(v.text.c_str(), nullptr, 10));
      return decimal(v.text);
    case Kind::String:
      return py::str(v.text);
    case Kind::Array: {
      py::list out(v.items.size());
      for (std::size_t i = 0; i < v.items.size(); ++i) out[i] = json_to_python(v.items[i], decimal);
      return std::move(out);
    }
    case Kind::Object: {
      py::dict out;
      for (const auto& [key, value] : v.members) out[py::str(key)] = json_to_python(value, decimal);
      return std::move(out);
    }
  }
  return py::none();
}

bool plain_key(const std::string& key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

// JSON path -> (line, column) of every value, in the paths' usual spelling
// ($.a[2].b, $["odd key"]), so a later error on a path can name its line.
void collect_positions(const detail::JsonValue& v, const std::string& path, py::dict& out) {
  out[py::str(path)] = py::make_tuple(v.line, v.column);
  for (std::size_t i = 0; i < v.items.size(); ++i)
    collect_positions(v.items[i], path + "[" + std::to_string(i) + "]", out);
  for (const auto& [key, value] : v.members)
    collect_positions(value, plain_key(key) ? path + "." + key : path + "[\"" + key + "\"]", out);
}

}  // namespace

void bind_json(py::module_& m) {
  m.def(
      "parse_json",
      [](const py::object& source, bool positions) -> py::object {
        std::string text;
        if (py::isinstance<py::bytes>(source)) {
          text = source.cast<std::string>();
        } else if (py::isinstance<py::str>(source)) {
          // surrogatepass: a lone surrogate reaches the reader as invalid UTF-8 and is refused there
          text = source.attr("encode")("utf-8", "surrogatepass").cast<std::string>();
        } else {
          throw py::type_error("parse_json expects str or bytes, got " +
                               py::type::of(source).attr("__name__").cast<std::string>());
        }
        const detail::JsonValue doc = [&] {
          py::gil_scoped_release release;
          return detail::parse_json(text);
        }();
        py::object value = json_to_python(doc, py::module_::import("decimal").attr("Decimal"));
        if (!positions) return value;
        py::dict where;
        collect_positions(doc, "$", where);
        return py::make_tuple(value, where);
      },
      py::arg("text"), py::arg("positions") = false,
      "Read a JSON document strictly (duplicate keys, invalid UTF-8, a BOM, exponents, NaN, "
      "nesting deeper than 64 and trailing text are refused with a ParseError naming the JSON "
      "path, line and column). Numbers are int or decimal.Decimal, never float. With "
      "positions=True, returns (value, {JSON path: (line, column)}).");
}

}  // namespace salescomp::py_bindings
