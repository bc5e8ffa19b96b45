// salescomp._core.batch: kernels over numpy int64 arrays of minor units (and of
// Rate raw units). No per-element Python work; the GIL is released while they run.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <salescomp/salescomp.hpp>

#include "convert.hpp"

namespace salescomp::py_bindings {

namespace {

using Int64Array = py::array_t<int64_t, py::array::c_style>;

// Accepts int64 arrays as they are and other integer dtypes by a safe cast;
// float and bool arrays are refused (a float column is not exact money).
Int64Array int64_array(py::handle value, const char* name) {
  py::module_ np = py::module_::import("numpy");
  py::array arr = np.attr("asarray")(value);
  const char kind = arr.dtype().kind();
  if (kind != 'i' && kind != 'u')
    raise_type_error(std::string(name) + ": expected an integer array (minor units), got dtype " +
                     std::string(py::str(arr.dtype())));
  if (!np.attr("can_cast")(arr.dtype(), np.attr("int64"), "safe").cast<bool>())
    raise_type_error(std::string(name) + ": dtype " + std::string(py::str(arr.dtype())) +
                     " does not fit int64");
  if (arr.ndim() != 1) raise_type_error(std::string(name) + ": expected a 1-d array");
  return Int64Array::ensure(np.attr("ascontiguousarray")(arr, "int64"));
}

// A Rate (or Decimal/str) broadcast to every row, or an array of raw units.
struct RateColumn {
  Int64Array array;
  int64_t scalar = 0;
  bool is_scalar = true;
  int64_t at(std::size_t i) const { return is_scalar ? scalar : array.data()[i]; }
};
RateColumn rate_column(py::handle value, std::size_t n, const char* name) {
  RateColumn c;
  if (py::isinstance<py::array>(value) || py::isinstance<py::list>(value) ||
      py::isinstance<py::tuple>(value)) {
    c.array = int64_array(value, name);
    c.is_scalar = false;
    if (std::size_t(c.array.size()) != n)
      throw ValidationError("SC-BATCH-SHAPE",
                            Issue{std::nullopt, name, std::to_string(c.array.size()),
                                  "length differs from the amounts (" + std::to_string(n) + ")"});
  } else {
    c.scalar = to_rate(value, std::nullopt, name).raw();
  }
  return c;
}

// Same as RateColumn for plain integers (numerators, denominators).
RateColumn int_column(py::handle value, std::size_t n, const char* name) {
  RateColumn c;
  if (is_integer_scalar(value)) {
    c.scalar = value.cast<int64_t>();
    return c;
  }
  c.array = int64_array(value, name);
  c.is_scalar = false;
  if (std::size_t(c.array.size()) != n)
    throw ValidationError("SC-BATCH-SHAPE",
                          Issue{std::nullopt, name, std::to_string(c.array.size()),
                                "length differs from the amounts (" + std::to_string(n) + ")"});
  return c;
}

std::string strip_id(const Error& e) {
  const std::string w = e.what();
  const std::size_t skip = e.id().size() + 3;  // "[id] "
  return w.size() > skip ? w.substr(skip) : w;
}

// Runs body(i) for every row with the GIL released; an error names its row.
template <class Body>
void for_each_row(std::size_t n, Body&& body) {
  py::gil_scoped_release release;
  std::size_t i = 0;
  try {
    for (; i < n; ++i) body(i);
  } catch (const OverflowError& e) {
    throw OverflowError(e.id(), "row " + std::to_string(i) + ": " + strip_id(e));
  } catch (const InexactError& e) {
    throw InexactError(e.id(), "row " + std::to_string(i) + ": " + strip_id(e));
  } catch (const DivisionByZeroError& e) {
    throw DivisionByZeroError(e.id(), "row " + std::to_string(i) + ": " + strip_id(e));
  }
}

// out[i] = fn(i, values[i]) for every row of an int64 column, with the GIL released.
template <class Fn>
Int64Array map_rows(const Int64Array& values, Fn&& fn) {
  const std::size_t n = std::size_t(values.size());
  Int64Array out{py::ssize_t(n)};
  const int64_t* in = values.data();
  int64_t* o = out.mutable_data();
  for_each_row(n, [&](std::size_t i) { o[i] = fn(i, in[i]); });
  return out;
}

py::int_ int128_to_python(detail::int128 v) {
  return py::reinterpret_steal<py::int_>(PyLong_FromString(detail::to_string(v).c_str(), nullptr, 10));
}

}  // namespace

void bind_batch(py::module_& root) {
  py::module_ m = root.def_submodule("batch", "Column kernels over numpy int64 minor units");

  m.def(
      "sum",
      [](py::handle minor, py::object currency) -> py::object {
        auto a = int64_array(minor, "minor_units");
        detail::int128 s;
        {
          py::gil_scoped_release release;
          s = sum_minor_wide(std::span<const int64_t>(a.data(), std::size_t(a.size())));
        }
        if (currency.is_none()) return int128_to_python(s);
        if (!detail::fits_int64(s))
          throw OverflowError("SC-OVERFLOW", "sum " + detail::to_string(s) + " does not fit in 64 bits");
        return py::cast(Money::from_minor(int64_t(s), to_currency(currency)));
      },
      py::arg("minor_units"), py::arg("currency") = py::none(),
      "Exact sum (128-bit): a Python int, or a Money (checked to fit int64) when currency is given.");

  m.def(
      "multiply",
      [](py::handle minor, py::handle rate, RoundingMode mode) {
        const auto a = int64_array(minor, "minor_units");
        const RateColumn r = rate_column(rate, std::size_t(a.size()), "rate");
        return map_rows(
            a, [&](std::size_t i, int64_t x) { return multiply_minor(x, Rate::from_raw(r.at(i)), mode); });
      },
      py::arg("minor_units"), py::arg("rate"), py::arg("rounding") = RoundingMode::HalfEven,
      "minor x rate per row, rounded once; rate is a Rate or an int64 array of raw units (1e-12).");

  m.def(
      "multiply_two",
      [](py::handle minor, py::handle rate_a, py::handle rate_b, RoundingMode mode) {
        const auto a = int64_array(minor, "minor_units");
        const RateColumn ra = rate_column(rate_a, std::size_t(a.size()), "rate_a");
        const RateColumn rb = rate_column(rate_b, std::size_t(a.size()), "rate_b");
        return map_rows(a, [&](std::size_t i, int64_t x) {
          return multiply_minor(x, Rate::from_raw(ra.at(i)), Rate::from_raw(rb.at(i)), mode);
        });
      },
      py::arg("minor_units"), py::arg("rate_a"), py::arg("rate_b"),
      py::arg("rounding") = RoundingMode::HalfEven,
      "minor x rate_a x rate_b per row with a single rounding (256-bit intermediate).");

  m.def(
      "multiply_divide",
      [](py::handle minor, py::handle numerator, py::handle denominator, RoundingMode mode) {
        const auto a = int64_array(minor, "minor_units");
        const RateColumn num = int_column(numerator, std::size_t(a.size()), "numerator");
        const RateColumn den = int_column(denominator, std::size_t(a.size()), "denominator");
        return map_rows(a, [&](std::size_t i, int64_t x) {
          return multiply_divide_minor(x, num.at(i), den.at(i), mode);
        });
      },
      py::arg("minor_units"), py::arg("numerator"), py::arg("denominator"),
      py::arg("rounding") = RoundingMode::HalfEven, "minor x numerator / denominator per row, rounded once.");

  m.def(
      "allocate",
      [](int64_t total, py::handle weights, py::object tie_keys) {
        auto w = int64_array(weights, "weights");
        Int64Array keys;
        std::span<const int64_t> key_span;
        if (!tie_keys.is_none()) {
          keys = int64_array(tie_keys, "tie_keys");
          key_span = std::span<const int64_t>(keys.data(), std::size_t(keys.size()));
        }
        Int64Array out(w.size());
        {
          py::gil_scoped_release release;
          allocate_minor_into(total, std::span<const int64_t>(w.data(), std::size_t(w.size())),
                              std::span<int64_t>(out.mutable_data(), std::size_t(out.size())), key_span);
        }
        return out;
      },
      py::arg("total"), py::arg("weights"), py::arg("tie_keys") = py::none(),
      "Largest-remainder split of `total` minor units by integer weights; the parts sum to total.");

  // Rate (x) Rate per row, rounded once to 12 places: one binding per operation.
  const auto bind_rate_op = [&m](const char* name, Rate (*op)(Rate, Rate, RoundingMode), const char* doc) {
    m.def(
        name,
        [op](py::handle a, py::handle b, RoundingMode mode) {
          const auto x = int64_array(a, "a");
          const RateColumn y = rate_column(b, std::size_t(x.size()), "b");
          return map_rows(x, [&](std::size_t i, int64_t v) {
            return op(Rate::from_raw(v), Rate::from_raw(y.at(i)), mode).raw();
          });
        },
        py::arg("a"), py::arg("b"), py::arg("rounding") = RoundingMode::HalfEven, doc);
  };
  bind_rate_op("multiply_rates", &multiply, "Rate raw units a x b per row, rounded once to 12 places.");
  bind_rate_op("divide_rates", &divide, "Rate raw units a / b per row, rounded once to 12 places.");

  m.def(
      "parse",
      [](const std::vector<std::string>& texts, int scale, std::optional<RoundingMode> mode) {
        Int64Array out{py::ssize_t(texts.size())};
        int64_t* o = out.mutable_data();
        std::vector<Issue> issues;
        {
          py::gil_scoped_release release;
          for (std::size_t i = 0; i < texts.size(); ++i) {
            try {
              o[i] = parse_scaled(texts[i], scale, mode);
            } catch (const ValidationError& e) {
              for (Issue is : e.issues()) {
                is.row = int64_t(i);
                issues.push_back(std::move(is));
              }
            } catch (const OverflowError& e) {
              issues.push_back(Issue{int64_t(i), "amount", texts[i], strip_id(e)});
            }
          }
        }
        if (!issues.empty()) throw ParseError("SC-PARSE-DECIMAL", std::move(issues));
        return out;
      },
      py::arg("texts"), py::arg("scale"), py::arg("rounding") = py::none(),
      "Strictly parse decimal strings to integer units of 10^-scale; every bad row is reported.");

  m.def(
      "format",
      [](py::handle minor, int scale) {
        auto a = int64_array(minor, "minor_units");
        py::list out(a.size());
        const int64_t* in = a.data();
        for (py::ssize_t i = 0; i < a.size(); ++i) out[std::size_t(i)] = py::str(format_scaled(in[i], scale));
        return out;
      },
      py::arg("minor_units"), py::arg("scale"), "Canonical decimal text of each value at `scale` decimals.");
}

}  // namespace salescomp::py_bindings
