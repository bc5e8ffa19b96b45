// Bindings for the money core: Currency, RoundingMode, Rate, Money, FxTable,
// allocation and exact comparisons, plus the shared converters of convert.hpp.
#include <pybind11/native_enum.h>
#include <pybind11/numpy.h>
#include <pybind11/operators.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <salescomp/salescomp.hpp>

#include "convert.hpp"

namespace salescomp::py_bindings {

namespace {
py::object decimal_class() {
  PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<py::object> storage;
  return storage.call_once_and_store_result([] { return py::module_::import("decimal").attr("Decimal"); })
      .get_stored();
}
py::object date_class() {
  PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<py::object> storage;
  return storage.call_once_and_store_result([] { return py::module_::import("datetime").attr("date"); })
      .get_stored();
}
py::object datetime_class() {
  PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<py::object> storage;
  return storage.call_once_and_store_result([] { return py::module_::import("datetime").attr("datetime"); })
      .get_stored();
}
constexpr int32_t kOrdinalOf1970 = 719163;  // datetime.date(1970, 1, 1).toordinal()

std::string type_name(py::handle v) { return py::str(py::type::handle_of(v).attr("__name__")); }

// Integer weights stay integers; anything else becomes a Rate's raw units.
std::vector<int64_t> weights_from(const py::sequence& weights) {
  bool all_int = true;
  for (py::handle w : weights)
    if (!is_integer_scalar(w)) all_int = false;
  std::vector<int64_t> out;
  out.reserve(py::len(weights));
  for (py::handle w : weights)
    out.push_back(all_int ? w.cast<int64_t>() : to_rate(w, std::nullopt, "weight").raw());
  return out;
}

std::vector<int64_t> keys_from(const std::optional<std::vector<int64_t>>& keys) {
  return keys ? *keys : std::vector<int64_t>{};
}
}  // namespace

bool is_integer_scalar(py::handle value) {
  PyObject* p = value.ptr();
  return !PyBool_Check(p) && PyIndex_Check(p) && !py::isinstance<py::array>(value);
}

std::string decimal_text(py::handle value, const char* what) {
  PyObject* p = value.ptr();
  if (PyBool_Check(p))
    raise_type_error(std::string(what) + ": bool is not an amount; pass a decimal.Decimal, str or int");
  if (PyFloat_Check(p))
    raise_type_error(std::string(what) + ": float " + std::string(py::str(value)) +
                     " is not exact; pass decimal.Decimal or str (e.g. Decimal('0.1'))");
  if (PyUnicode_Check(p)) return value.cast<std::string>();
  if (is_integer_scalar(value)) return py::str(py::int_(py::reinterpret_borrow<py::object>(value)));
  if (py::isinstance(value, decimal_class())) {
    const std::string shown = py::str(value);
    if (!value.attr("is_finite")().cast<bool>())
      throw ParseError("SC-PARSE-DECIMAL",
                       Issue{std::nullopt, what, shown, "NaN and Infinity are not amounts"});
    const int exponent = value.attr("as_tuple")().attr("exponent").cast<int>();
    if (exponent > 40 || exponent < -60)
      throw ParseError("SC-PARSE-DECIMAL",
                       Issue{std::nullopt, what, shown, "exponent out of range for an amount or rate"});
    return py::str(py::module_::import("builtins").attr("format")(value, "f"));
  }
  raise_type_error(std::string(what) + ": expected decimal.Decimal, str or int, got " + type_name(value));
}

py::object make_decimal(const std::string& text) { return decimal_class()(text); }

Currency to_currency(py::handle value) {
  if (py::isinstance<Currency>(value)) return value.cast<Currency>();
  if (PyUnicode_Check(value.ptr())) return Currency::of(value.cast<std::string>());
  raise_type_error("currency: expected a Currency or an ISO 4217 code string, got " + type_name(value));
}

Rate to_rate(py::handle value, std::optional<RoundingMode> mode, const char* what) {
  if (py::isinstance<Rate>(value)) return value.cast<Rate>();
  return Rate::from_raw(parse_scaled(decimal_text(value, what), Rate::kScale, mode, what));
}

Date to_date(py::handle value, const char* what) {
  if (PyUnicode_Check(value.ptr())) return Date::parse(value.cast<std::string>());
  if (py::isinstance(value, date_class()) && !py::isinstance(value, datetime_class()))
    return Date::from_days(value.attr("toordinal")().cast<int32_t>() - kOrdinalOf1970);
  raise_type_error(std::string(what) + ": expected datetime.date or 'YYYY-MM-DD', got " + type_name(value));
}

py::object make_date(Date d) { return date_class().attr("fromordinal")(d.days() + kOrdinalOf1970); }

void bind_core(py::module_& m) {
  py::native_enum<RoundingMode>(m, "RoundingMode", "enum.Enum",
                                "How an exact result is narrowed to the allowed decimals.")
      .value("HalfEven", RoundingMode::HalfEven, "ties to the even neighbour (default)")
      .value("HalfUp", RoundingMode::HalfUp, "ties away from zero: -2.5 -> -3")
      .value("HalfDown", RoundingMode::HalfDown, "ties toward zero: -2.5 -> -2")
      .value("Up", RoundingMode::Up, "away from zero")
      .value("Down", RoundingMode::Down, "toward zero (truncate)")
      .value("Ceiling", RoundingMode::Ceiling, "toward +infinity")
      .value("Floor", RoundingMode::Floor, "toward -infinity")
      .value("Unnecessary", RoundingMode::Unnecessary, "the result must be exact, else InexactError")
      .finalize();

  py::class_<Currency>(m, "Currency", "An ISO 4217 currency and its minor-unit exponent.")
      .def(py::init([](const std::string& code) { return Currency::of(code); }), py::arg("code"))
      .def_property_readonly("code", [](const Currency& c) { return std::string(c.code()); })
      .def_property_readonly("exponent", &Currency::exponent, "decimal places of the minor unit")
      .def_static(
          "all",
          [] {
            const auto all = all_currencies();
            return std::vector<Currency>(all.begin(), all.end());
          },
          "every currency in the ISO 4217 table, by code")
      .def("__str__", [](const Currency& c) { return std::string(c.code()); })
      .def("__repr__", [](const Currency& c) { return "Currency('" + std::string(c.code()) + "')"; })
      .def("__eq__", [](const Currency& a, const Currency& b) { return a == b; })
      .def("__eq__", [](const Currency&, py::object) { return false; })
      .def("__hash__", [](const Currency& c) { return py::hash(py::str(std::string(c.code()))); })
      .def(py::pickle([](const Currency& c) { return py::make_tuple(std::string(c.code())); },
                      [](py::tuple t) { return Currency::of(t[0].cast<std::string>()); }));

  py::class_<Rate>(m, "Rate",
                   "An exact fixed-point decimal with 12 places for rates, ratios, weights and FX rates.")
      .def(py::init([](py::object value, std::optional<RoundingMode> rounding) {
             return to_rate(value, rounding);
           }),
           py::arg("value"), py::arg("rounding") = py::none())
      .def_static("from_raw", &Rate::from_raw, py::arg("raw"), "from integer units of 1e-12")
      .def_static("from_fraction", &Rate::from_fraction, py::arg("numerator"), py::arg("denominator"),
                  py::arg("rounding") = RoundingMode::HalfEven)
      .def_static(
          "from_percent", [](py::object v) { return Rate::from_percent(decimal_text(v, "percent")); },
          py::arg("percent"), "from_percent('12.5') == Rate('0.125')")
      .def_property_readonly("raw", &Rate::raw, "integer units of 1e-12")
      .def_property_readonly(
          "value", [](const Rate& r) { return make_decimal(r.to_short_string()); },
          "the exact value as decimal.Decimal")
      .def("__str__", &Rate::to_short_string)
      .def("__repr__", [](const Rate& r) { return "Rate('" + r.to_short_string() + "')"; })
      .def(py::self + py::self)
      .def(py::self - py::self)
      .def("__neg__", [](const Rate& r) { return -r; })
      .def(py::self == py::self)
      .def(py::self < py::self)
      .def(py::self <= py::self)
      .def(py::self > py::self)
      .def(py::self >= py::self)
      .def("__eq__", [](const Rate&, py::object) { return false; })
      .def("__hash__", [](const Rate& r) { return py::hash(py::int_(r.raw())); })
      .def(
          "multiply", [](Rate a, py::object b, RoundingMode mode) { return multiply(a, to_rate(b), mode); },
          py::arg("other"), py::arg("rounding") = RoundingMode::HalfEven,
          "self x other rounded once to 12 places")
      .def(
          "divide", [](Rate a, py::object b, RoundingMode mode) { return divide(a, to_rate(b), mode); },
          py::arg("other"), py::arg("rounding") = RoundingMode::HalfEven,
          "self / other rounded once to 12 places")
      .def(py::pickle([](const Rate& r) { return py::make_tuple(r.raw()); },
                      [](py::tuple t) { return Rate::from_raw(t[0].cast<int64_t>()); }));

  py::class_<Money>(m, "Money", "An exact amount: an integer count of a currency's minor units.")
      .def(py::init([](py::object amount, py::object currency, std::optional<RoundingMode> rounding) {
             const Currency c = to_currency(currency);
             return Money::from_minor(
                 parse_scaled(decimal_text(amount, "amount"), c.exponent(), rounding, "amount"), c);
           }),
           py::arg("amount"), py::arg("currency"), py::arg("rounding") = py::none(),
           "Money(Decimal('10.00') | '10.00' | 10, 'USD'); more decimals than the currency has need "
           "`rounding`.")
      .def_static(
          "from_minor", [](int64_t minor, py::object c) { return Money::from_minor(minor, to_currency(c)); },
          py::arg("minor_units"), py::arg("currency"), "from an integer count of minor units (cents)")
      .def_static(
          "zero", [](py::object c) { return Money::zero(to_currency(c)); }, py::arg("currency"))
      .def_property_readonly(
          "amount", [](const Money& x) { return make_decimal(x.to_string()); },
          "the exact amount as decimal.Decimal")
      .def_property_readonly("minor_units", &Money::minor_units)
      .def_property_readonly("currency", &Money::currency)
      .def("to_string", &Money::to_string, "'1234.50': the amount with exactly the currency's decimals")
      .def("__str__", &Money::format)
      .def("__repr__",
           [](const Money& x) {
             return "Money('" + x.to_string() + "', '" + std::string(x.currency().code()) + "')";
           })
      .def(py::self + py::self)
      .def(py::self - py::self)
      .def("__neg__", [](const Money& x) { return -x; })
      .def("__pos__", [](const Money& x) { return x; })
      .def("__abs__", [](const Money& x) { return x.is_negative() ? -x : x; })
      .def("__bool__", [](const Money& x) { return !x.is_zero(); })
      .def(
          "__mul__",
          [](const Money& x, py::object k) {
            if (!is_integer_scalar(k))
              raise_type_error("Money * x needs an int (exact); use .multiply(rate, rounding=...) for rates");
            return x * k.cast<int64_t>();
          })
      .def(
          "__rmul__",
          [](const Money& x, py::object k) {
            if (!is_integer_scalar(k))
              raise_type_error("x * Money needs an int (exact); use .multiply(rate, rounding=...) for rates");
            return x * k.cast<int64_t>();
          })
      .def(py::self == py::self)
      .def("__eq__", [](const Money&, py::object) { return false; })
      .def(py::self < py::self)
      .def(py::self <= py::self)
      .def(py::self > py::self)
      .def(py::self >= py::self)
      .def("__hash__",
           [](const Money& x) {
             return py::hash(py::make_tuple(x.minor_units(), std::string(x.currency().code())));
           })
      .def(
          "multiply",
          [](const Money& x, py::object rate, py::object rate2, RoundingMode mode) {
            if (rate2.is_none()) return multiply(x, to_rate(rate), mode);
            return multiply(x, to_rate(rate), to_rate(rate2), mode);
          },
          py::arg("rate"), py::arg("rate2") = py::none(), py::arg("rounding") = RoundingMode::HalfEven,
          "self x rate (x rate2), computed exactly and rounded once")
      .def("multiply_divide", &multiply_divide, py::arg("numerator"), py::arg("denominator"),
           py::arg("rounding") = RoundingMode::HalfEven, "self x numerator / denominator, rounded once")
      .def(
          "allocate",
          [](const Money& x, py::sequence weights, std::optional<std::vector<int64_t>> keys) {
            const auto w = weights_from(weights);
            const auto k = keys_from(keys);
            return allocate(x, std::span<const int64_t>(w), std::span<const int64_t>(k));
          },
          py::arg("weights"), py::arg("tie_keys") = py::none(),
          "split by weights (largest remainder): the parts sum exactly to self")
      .def(py::pickle(
          [](const Money& x) { return py::make_tuple(x.minor_units(), std::string(x.currency().code())); },
          [](py::tuple t) {
            return Money::from_minor(t[0].cast<int64_t>(), Currency::of(t[1].cast<std::string>()));
          }));

  m.def(
      "allocate",
      [](const Money& total, py::sequence weights, std::optional<std::vector<int64_t>> keys) {
        const auto w = weights_from(weights);
        const auto k = keys_from(keys);
        return allocate(total, std::span<const int64_t>(w), std::span<const int64_t>(k));
      },
      py::arg("total"), py::arg("weights"), py::arg("tie_keys") = py::none(),
      "Split `total` in proportion to `weights` (ints, or Rate/Decimal/str) by largest remainder; "
      "ties go to the smaller tie key, then the earlier part. The parts always sum to `total`.");
  m.def("ratio", &ratio, py::arg("numerator"), py::arg("denominator"),
        py::arg("rounding") = RoundingMode::HalfEven, "numerator / denominator as a Rate, rounded once");
  m.def(
      "compare_scaled",
      [](const Money& a, py::object rate, const Money& b) { return compare_scaled(a, to_rate(rate), b); },
      py::arg("a"), py::arg("rate"), py::arg("b"), "sign of (a - rate x b), decided exactly");
  m.def(
      "compare_ratio",
      [](int64_t num, int64_t den, py::object threshold) {
        return compare_ratio(num, den, to_rate(threshold));
      },
      py::arg("numerator"), py::arg("denominator"), py::arg("threshold"),
      "sign of (numerator / denominator - threshold), decided exactly");
  m.def(
      "parse_date", [](const std::string& s) { return make_date(Date::parse(s)); }, py::arg("text"),
      "strict ISO date 'YYYY-MM-DD' to datetime.date");

  py::class_<FxTable>(
      m, "FxTable",
      "Dated exchange rates: the latest quote on or before a date applies; the inverse pair is "
      "used by exact division when only it is quoted.")
      .def(py::init<>())
      .def(
          "add",
          [](FxTable& t, py::object from, py::object to, py::object effective, py::object rate) {
            t.add(to_currency(from), to_currency(to), to_date(effective, "effective"), to_rate(rate));
          },
          py::arg("from_currency"), py::arg("to_currency"), py::arg("effective"), py::arg("rate"),
          "from `effective` on, 1 unit of from_currency = `rate` units of to_currency")
      .def(
          "find",
          [](const FxTable& t, py::object from, py::object to, py::object on) -> py::object {
            auto q = t.find(to_currency(from), to_currency(to), to_date(on, "on"));
            if (!q) return py::none();
            return py::make_tuple(make_date(q->effective), q->rate);
          },
          py::arg("from_currency"), py::arg("to_currency"), py::arg("on"),
          "(effective date, Rate) of the direct quote in force, or None")
      .def(
          "convert",
          [](const FxTable& t, const Money& amount, py::object to, py::object on, RoundingMode mode) {
            return t.convert(amount, to_currency(to), to_date(on, "on"), mode);
          },
          py::arg("amount"), py::arg("to_currency"), py::arg("on"),
          py::arg("rounding") = RoundingMode::HalfEven)
      .def(
          "convert_minor",
          [](const FxTable& t, py::array_t<int64_t, py::array::c_style | py::array::forcecast> minor,
             py::object from, py::object to, py::object on, RoundingMode mode) {
            // convert() for a whole column of one currency: the same rule, one call.
            const Currency f = to_currency(from), c = to_currency(to);
            const Date day = to_date(on, "on");
            const py::ssize_t n = minor.size();
            py::array_t<int64_t> out{n};
            const int64_t* in = minor.data();
            int64_t* o = out.mutable_data();
            for (py::ssize_t i = 0; i < n; ++i)
              o[i] = t.convert(Money::from_minor(in[i], f), c, day, mode).minor_units();
            return out;
          },
          py::arg("minor_units"), py::arg("from_currency"), py::arg("to_currency"), py::arg("on"),
          py::arg("rounding") = RoundingMode::HalfEven,
          "convert() of every amount of an int64 array of minor units of from_currency")
      .def("__len__", &FxTable::size);
}

}  // namespace salescomp::py_bindings
