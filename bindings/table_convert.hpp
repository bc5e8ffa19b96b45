#pragma once
// Column conversions shared by the org, crediting and quota bindings: numpy
// arrays in (dates as int32 days since 1970-01-01, INT32_MIN for missing),
// numpy arrays out. The Python layer (salescomp.tables) turns pandas,
// pyarrow and polars columns into these without per-row Python work.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <salescomp/core/date.hpp>
#include <salescomp/core/error.hpp>
#include <string>
#include <vector>

#include "convert.hpp"

namespace salescomp::py_bindings {

inline constexpr int32_t kMissingDay = std::numeric_limits<int32_t>::min();

template <class T>
using Column = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <class T>
std::vector<T> to_vector(const Column<T>& a) {
  return std::vector<T>(a.data(), a.data() + a.size());
}

inline std::vector<Date> to_dates(const Column<int32_t>& days, const char* field) {
  std::vector<Date> out(std::size_t(days.size()));
  std::vector<Issue> issues;
  for (py::ssize_t i = 0; i < days.size(); ++i) {
    if (days.data()[i] == kMissingDay) issues.push_back(Issue{int64_t(i), field, "", "a date is required"});
    out[std::size_t(i)] = Date::from_days(days.data()[i]);
  }
  if (!issues.empty()) throw ValidationError("SC-DATE-MISSING", std::move(issues));
  return out;
}

inline std::vector<std::optional<Date>> to_optional_dates(const Column<int32_t>& days) {
  std::vector<std::optional<Date>> out(std::size_t(days.size()));
  for (py::ssize_t i = 0; i < days.size(); ++i)
    if (days.data()[i] != kMissingDay) out[std::size_t(i)] = Date::from_days(days.data()[i]);
  return out;
}

template <class T, class Src>
py::array_t<T> to_numpy(const std::vector<Src>& v) {
  py::array_t<T> out(py::ssize_t(v.size()));
  T* o = out.mutable_data();
  for (std::size_t i = 0; i < v.size(); ++i) o[i] = T(v[i]);
  return out;
}

template <class F>
auto to_numpy_by(std::size_t n, F&& f) {
  using T = decltype(f(std::size_t(0)));
  py::array_t<T> out{py::ssize_t(n)};
  T* o = out.mutable_data();
  for (std::size_t i = 0; i < n; ++i) o[i] = f(i);
  return out;
}

inline py::array_t<int32_t> days_of(const std::vector<Date>& v) {
  return to_numpy_by(v.size(), [&](std::size_t i) { return v[i].days(); });
}

}  // namespace salescomp::py_bindings
