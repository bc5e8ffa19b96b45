#pragma once
// The C++ tables the Python layer holds between steps (deals -> credits ->
// attainment) without copying them back and forth, and dict-of-columns access.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <salescomp/arrow/column_readers.hpp>
#include <salescomp/credit/credit_table.hpp>
#include <salescomp/data/deal_table.hpp>
#include <salescomp/data/dictionary.hpp>
#include <salescomp/data/string_column.hpp>
#include <salescomp/org/organisation.hpp>
#include <salescomp/quota/attainment.hpp>
#include <salescomp/quota/effective_quota.hpp>
#include <string>
#include <vector>

#include "arrow_interop.hpp"
#include "table_convert.hpp"

namespace salescomp::py_bindings {

struct DealsHolder {
  std::shared_ptr<Organisation> org;
  DealTable table;  // in the canonical order (sort_by_id)
  Dictionary products, customers;
  std::vector<int64_t> input_row;  // input row of each deal row
};

// The deal columns a commission run reads (engine/run_tables.hpp), read once and
// shared by several runs (every quarter of a close reads the same deals).
struct RunDealsHolder {
  DealTable table;
};

struct CreditsHolder {
  std::shared_ptr<DealsHolder> deals;
  CreditTable table;
  std::vector<std::string> measures;
  std::vector<std::string> rule_names;
};

struct QuotasHolder {
  std::shared_ptr<Organisation> org;
  EffectiveQuotaTable table;
  std::vector<std::string> measures;
};

struct AttainmentHolder {
  std::shared_ptr<Organisation> org;
  AttainmentTable table;
  std::vector<std::string> measures;
};

// dict access: absent or None -> empty.
inline std::vector<std::string> strings_at(const py::dict& d, const char* key) {
  if (!d.contains(key) || d[key].is_none()) return {};
  return d[key].cast<std::vector<std::string>>();
}
template <class T>
std::vector<T> numbers_at(const py::dict& d, const char* key) {
  if (!d.contains(key) || d[key].is_none()) return {};
  return to_vector(d[key].cast<Column<T>>());
}
inline bool has(const py::dict& d, const char* key) { return d.contains(key) && !d[key].is_none(); }
// The user's text ids of a dict entry: a one-column Arrow table (read in place,
// no Python object per row) or a list of str. Nulls were refused in Python.
inline StringColumn id_texts_at(const py::dict& d, const char* key) {
  StringColumn out;
  if (!has(d, key)) return out;
  const py::object v = d[key];
  if (py::hasattr(v, "__arrow_c_stream__")) {
    const arrow::ImportedTable t = import_arrow(v, key);
    if (t.columns().size() != 1)
      throw ValidationError("SC-TABLE-COLUMNS", Issue{std::nullopt, key, std::to_string(t.columns().size()),
                                                      "one column of ids is expected"});
    out.reserve(std::size_t(t.num_rows()), 0);
    arrow::for_each_id(t.columns().front(),
                       [&](int64_t, std::optional<std::string_view> id) { out.push_back(id.value_or("")); });
    return out;
  }
  for (const std::string& id : v.cast<std::vector<std::string>>()) out.push_back(id);
  return out;
}
inline Column<int32_t> days_at(const py::dict& d, const char* key) {
  return has(d, key) ? d[key].cast<Column<int32_t>>() : Column<int32_t>(0);
}

// Currency codes of a column as (index per row, distinct codes, exponents).
inline py::tuple currency_column(const std::vector<Currency>& v) {
  std::vector<Currency> distinct;
  py::array_t<int32_t> idx{py::ssize_t(v.size())};
  int32_t* o = idx.mutable_data();
  for (std::size_t i = 0; i < v.size(); ++i) {
    auto it = std::find(distinct.begin(), distinct.end(), v[i]);
    if (it == distinct.end()) {
      distinct.push_back(v[i]);
      it = distinct.end() - 1;
    }
    o[i] = int32_t(it - distinct.begin());
  }
  std::vector<std::string> codes;
  std::vector<int> exps;
  for (const Currency& c : distinct) {
    codes.emplace_back(c.code());
    exps.push_back(c.exponent());
  }
  return py::make_tuple(idx, codes, exps);
}

}  // namespace salescomp::py_bindings
