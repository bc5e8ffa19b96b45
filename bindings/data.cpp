// Bindings for the seeded synthetic generators: make_synthetic (roster,
// assignments, deals, splits, monthly quotas, FX, credit rules) and
// synthetic_journeys (touchpoint journeys), returned as numpy columns so the
// Python layer (salescomp.synthetic) builds Arrow tables without per-row work.
// The generation and the column building run with the GIL released.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <salescomp/attribution/synthetic_journeys.hpp>
#include <salescomp/core/error.hpp>
#include <salescomp/data/deal_source.hpp>
#include <salescomp/data/synthetic.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "convert.hpp"

namespace salescomp::py_bindings {

namespace {

constexpr int32_t kNoDay = std::numeric_limits<int32_t>::min();

// Text column as Arrow's string layout: int32 offsets (n + 1) and UTF-8 bytes.
struct TextColumn {
  std::vector<int32_t> offsets{0};
  std::vector<uint8_t> bytes;
  void push(std::string_view s) {
    bytes.insert(bytes.end(), s.begin(), s.end());
    offsets.push_back(int32_t(bytes.size()));
  }
};

// Distinct currencies sorted by code, and each row's index into them.
struct CurrencyColumn {
  std::vector<int32_t> index;
  std::vector<Currency> distinct;
};

CurrencyColumn currency_column(const std::vector<Currency>& values) {
  CurrencyColumn c;
  for (const Currency& v : values)
    if (std::find(c.distinct.begin(), c.distinct.end(), v) == c.distinct.end()) c.distinct.push_back(v);
  std::sort(c.distinct.begin(), c.distinct.end(),
            [](const Currency& a, const Currency& b) { return a.code() < b.code(); });
  c.index.reserve(values.size());
  for (const Currency& v : values)
    c.index.push_back(int32_t(std::find(c.distinct.begin(), c.distinct.end(), v) - c.distinct.begin()));
  return c;
}

// Everything the Python layer needs, as plain vectors (filled without the GIL).
struct Columns {
  // people
  TextColumn person_id;
  std::vector<uint8_t> role;
  std::vector<int32_t> start_date;
  CurrencyColumn pay_currency;
  // assignments (manager and team; `to` is kNoDay when open-ended)
  std::vector<int32_t> asg_person;
  std::vector<uint8_t> asg_field;
  TextColumn asg_value;
  std::vector<int32_t> asg_from, asg_to;
  // deals
  std::vector<int64_t> deal_id, amount;
  std::vector<int32_t> owner, close_date, product, customer, source_person, term_months;
  std::vector<uint8_t> deal_type, source;
  CurrencyColumn deal_currency;
  // splits
  std::vector<int64_t> split_deal_id, split_share;
  std::vector<int32_t> split_person;
  std::vector<uint8_t> split_kind;
  // quotas
  std::vector<int32_t> quota_subject, quota_measure, quota_year, quota_number;
  std::vector<uint8_t> quota_kind;
  std::vector<int64_t> quota_amount;
  CurrencyColumn quota_currency;
  // fx quotes
  std::vector<std::string> fx_from, fx_to;
  std::vector<int32_t> fx_date;
  std::vector<int64_t> fx_rate;
  // journeys (one row per touch) and outcomes (one row per journey)
  std::vector<int64_t> touch_journey, touch_time;
  std::vector<int32_t> touch_channel;
  std::vector<int64_t> outcome_journey, outcome_value;
  std::vector<uint8_t> outcome_converted;
};

void fill_org(const Organisation& org, Columns& c) {
  const Roster& r = org.roster();
  const auto n = int32_t(r.size());
  std::vector<Currency> pay;
  for (int32_t i = 0; i < n; ++i) {
    c.person_id.push(r.id(i));
    c.role.push_back(uint8_t(r.role(i)));
    c.start_date.push_back(r.start(i).days());
    pay.push_back(r.pay_currency(i));
  }
  c.pay_currency = currency_column(pay);
  // Rows by (person, field, from): the order a person reads their history in.
  struct Row {
    int32_t person;
    AssignmentField field;
    Date first, last;
    int32_t value;
  };
  std::vector<Row> rows;
  for (AssignmentField f : {AssignmentField::Manager, AssignmentField::Team, AssignmentField::Territory,
                            AssignmentField::Role, AssignmentField::Plan})
    for (const auto& e : org.assignments(f).entries())
      rows.push_back(Row{e.key, f, e.first, e.last, e.value});
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.person != b.person) return a.person < b.person;
    if (a.field != b.field) return a.field < b.field;
    return a.first < b.first;
  });
  for (const Row& x : rows) {
    c.asg_person.push_back(x.person);
    c.asg_field.push_back(uint8_t(x.field));
    c.asg_from.push_back(x.first.days());
    c.asg_to.push_back(x.last == EffectiveDatedMap::kOpenEnd ? kNoDay : x.last.days());
    if (x.field == AssignmentField::Manager)
      c.asg_value.push(r.id(x.value));
    else if (x.field == AssignmentField::Role)
      c.asg_value.push(to_string(Role(x.value)));
    else
      c.asg_value.push(org.dictionary(x.field).at(std::size_t(x.value)));
  }
}

void fill_deals(const SyntheticData& s, Columns& c) {
  const DealTable& d = s.deals;
  c.deal_id = d.id;
  c.owner = d.owner;
  c.amount = d.amount;
  c.product = d.product;
  c.customer = d.customer;
  c.source_person = d.source_person;
  c.term_months = d.term_months;
  c.close_date.reserve(d.size());
  for (const Date& x : d.close_date) c.close_date.push_back(x.days());
  for (DealType t : d.type) c.deal_type.push_back(uint8_t(t));
  for (DealSource x : d.source) c.source.push_back(uint8_t(x));
  c.deal_currency = currency_column(d.currency);
  for (std::size_t i = 0; i < s.splits.size(); ++i) {
    c.split_deal_id.push_back(d.id.at(std::size_t(s.splits.deal[i])));
    c.split_person.push_back(s.splits.person[i]);
    c.split_share.push_back(s.splits.share[i].raw());
    c.split_kind.push_back(uint8_t(s.splits.kind[i]));
  }
  const QuotaTable& q = s.quotas;
  for (std::size_t i = 0; i < q.size(); ++i) {
    c.quota_subject.push_back(q.subject[i]);
    c.quota_measure.push_back(q.measure[i]);
    c.quota_kind.push_back(uint8_t(q.period[i].kind));
    c.quota_year.push_back(q.period[i].fiscal_year);
    c.quota_number.push_back(q.period[i].number);
  }
  c.quota_amount = q.amount;
  c.quota_currency = currency_column(q.currency);
}

// FxTable keeps its quotes private: read back every quote in force from five
// years before the fiscal year to its end, for each ordered pair of the
// currencies the data uses and the generator's EUR/USD (each quote once, in
// date order). Every quote of the table must be read back.
void fill_fx(const SyntheticData& s, int fiscal_year, Columns& c) {
  std::vector<Currency> ccys = c.deal_currency.distinct;
  for (const Currency& x : c.pay_currency.distinct) ccys.push_back(x);
  ccys.push_back(Currency::of("EUR"));
  ccys.push_back(Currency::of("USD"));
  std::sort(ccys.begin(), ccys.end());
  ccys.erase(std::unique(ccys.begin(), ccys.end()), ccys.end());
  const Date first = Date::from_ymd(fiscal_year - 5, 1, 1);
  const Date last = Date::from_ymd(fiscal_year, 12, 31);
  for (const Currency& a : ccys)
    for (const Currency& b : ccys) {
      if (a == b) continue;
      std::optional<Date> seen;
      for (Date d = first; d <= last; d = d.plus_days(1)) {
        const auto q = s.fx.find(a, b, d);
        if (!q || (seen && *seen == q->effective)) continue;
        seen = q->effective;
        c.fx_from.emplace_back(a.code());
        c.fx_to.emplace_back(b.code());
        c.fx_date.push_back(q->effective.days());
        c.fx_rate.push_back(q->rate.raw());
      }
    }
  if (c.fx_rate.size() != s.fx.size())
    throw Error("SC-DATA-SYNTHETIC", "synthetic FX: read back " + std::to_string(c.fx_rate.size()) + " of " +
                                         std::to_string(s.fx.size()) + " quotes");
}

// One row per touch and one outcome row per journey; journey ids are 1-based;
// timestamps are seconds since 1970 starting in the fiscal year.
void fill_journeys(const PathTable& p, int64_t clock_origin, Columns& c) {
  const std::size_t n = p.offsets.size() - 1;
  c.touch_journey.reserve(p.channel.size());
  for (std::size_t j = 0; j < n; ++j) {
    for (int64_t k = p.offsets[j]; k < p.offsets[j + 1]; ++k) {
      c.touch_journey.push_back(int64_t(j) + 1);
      c.touch_channel.push_back(p.channel[std::size_t(k)]);
      c.touch_time.push_back(clock_origin + (p.timestamp.empty() ? 0 : p.timestamp[std::size_t(k)]));
    }
    c.outcome_journey.push_back(int64_t(j) + 1);
    c.outcome_converted.push_back(p.conversions[j] > 0 ? 1 : 0);
    c.outcome_value.push_back(p.value[j]);
  }
}

template <class T>
py::array_t<T> array_of(const std::vector<T>& v) {
  py::array_t<T> out(py::ssize_t(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

py::tuple text_of(const TextColumn& t) { return py::make_tuple(array_of(t.offsets), array_of(t.bytes)); }

py::tuple currencies_of(const CurrencyColumn& c) {
  py::list codes, exponents;
  for (const Currency& x : c.distinct) {
    codes.append(std::string(x.code()));
    exponents.append(x.exponent());
  }
  return py::make_tuple(array_of(c.index), codes, exponents);
}

py::list rules_of(const CreditRuleSet& set) {
  py::list out;
  for (const CreditRule& r : set.rules) {
    py::dict d;
    d["kind"] = std::string(to_string(r.kind));
    d["name"] = r.name;
    d["measure"] = set.measures.at(std::size_t(r.measure));
    if (r.kind == CreditKind::RollUp) d["depth"] = r.depth;
    out.append(d);
  }
  return out;
}

}  // namespace

void bind_data(py::module_& m) {
  m.def(
      "_synthetic",
      [](const SyntheticSpec& spec, std::size_t journeys, int32_t channels, double mean_length,
         double conversion_rate, uint64_t journey_seed, const std::string& journey_currency) {
        SyntheticJourneyOptions jo;
        jo.journeys = journeys;
        jo.channels = channels;
        // Path length and conversion rate are statistics of the generator, not money.
        jo.mean_length = mean_length;
        jo.conversion_rate = conversion_rate;
        jo.seed = journey_seed;
        jo.currency = Currency::of(journey_currency);
        jo.timestamps = true;
        Columns c;
        CreditRuleSet rule_set;
        {
          py::gil_scoped_release release;
          const SyntheticData s = make_synthetic(spec);
          fill_org(s.org, c);
          fill_deals(s, c);
          fill_fx(s, spec.fiscal_year, c);
          if (journeys > 0) {
            const int64_t origin = int64_t(Date::from_ymd(spec.fiscal_year, 1, 1).days()) * 86400;
            fill_journeys(synthetic_journeys(jo), origin, c);
          }
          rule_set = s.rules;
        }
        py::dict people, asg, deals, splits, quotas, fx, touches, outcomes;
        people["person_id"] = text_of(c.person_id);
        people["role"] = array_of(c.role);
        people["start_date"] = array_of(c.start_date);
        people["pay_currency"] = currencies_of(c.pay_currency);
        asg["person"] = array_of(c.asg_person);
        asg["field"] = array_of(c.asg_field);
        asg["value"] = text_of(c.asg_value);
        asg["from"] = array_of(c.asg_from);
        asg["to"] = array_of(c.asg_to);
        deals["id"] = array_of(c.deal_id);
        deals["owner"] = array_of(c.owner);
        deals["close_date"] = array_of(c.close_date);
        deals["amount"] = array_of(c.amount);
        deals["currency"] = currencies_of(c.deal_currency);
        deals["type"] = array_of(c.deal_type);
        deals["product"] = array_of(c.product);
        deals["customer"] = array_of(c.customer);
        deals["source"] = array_of(c.source);
        deals["source_person"] = array_of(c.source_person);
        deals["term_months"] = array_of(c.term_months);
        splits["deal_id"] = array_of(c.split_deal_id);
        splits["person"] = array_of(c.split_person);
        splits["share"] = array_of(c.split_share);
        splits["kind"] = array_of(c.split_kind);
        quotas["subject"] = array_of(c.quota_subject);
        quotas["measure"] = array_of(c.quota_measure);
        quotas["period_kind"] = array_of(c.quota_kind);
        quotas["fiscal_year"] = array_of(c.quota_year);
        quotas["number"] = array_of(c.quota_number);
        quotas["amount"] = array_of(c.quota_amount);
        quotas["currency"] = currencies_of(c.quota_currency);
        fx["from_currency"] = c.fx_from;
        fx["to_currency"] = c.fx_to;
        fx["date"] = array_of(c.fx_date);
        fx["rate"] = array_of(c.fx_rate);
        touches["journey_id"] = array_of(c.touch_journey);
        touches["timestamp"] = array_of(c.touch_time);
        touches["channel"] = array_of(c.touch_channel);
        outcomes["journey_id"] = array_of(c.outcome_journey);
        outcomes["converted"] = array_of(c.outcome_converted);
        outcomes["value"] = array_of(c.outcome_value);
        py::dict out;
        out["people"] = people;
        out["assignments"] = asg;
        out["deals"] = deals;
        out["splits"] = splits;
        out["quotas"] = quotas;
        out["fx_rates"] = fx;
        out["touchpoints"] = touches;
        out["outcomes"] = outcomes;
        out["measures"] = rule_set.measures;
        out["rules"] = rules_of(rule_set);
        return out;
      },
      py::arg("spec"), py::arg("journeys"), py::arg("channels"), py::arg("mean_length"),
      py::arg("conversion_rate"), py::arg("journey_seed"), py::arg("journey_currency"),
      "Columns of a seeded synthetic company (use salescomp.synthetic.generate).");

  py::class_<SyntheticSpec>(m, "_SyntheticSpec", "Settings of the synthetic generator (salescomp.synthetic).")
      .def(py::init<>())
      .def_readwrite("people", &SyntheticSpec::people)
      .def_readwrite("deals", &SyntheticSpec::deals)
      .def_readwrite("fanout", &SyntheticSpec::fanout)
      .def_readwrite("fiscal_year", &SyntheticSpec::fiscal_year)
      .def_readwrite("seed", &SyntheticSpec::seed)
      .def_readwrite("split_percent", &SyntheticSpec::split_percent)
      .def_readwrite("overlay_percent", &SyntheticSpec::overlay_percent)
      .def_readwrite("sdr_percent", &SyntheticSpec::sdr_percent)
      .def_readwrite("foreign_percent", &SyntheticSpec::foreign_percent)
      .def_readwrite("manager_move_percent", &SyntheticSpec::manager_move_percent)
      .def_readwrite("roll_up_depth", &SyntheticSpec::roll_up_depth);
  m.def("_deal_source_names", [] {
    std::vector<std::string> v;
    for (int i = 0; i <= int(DealSource::Sales); ++i) v.emplace_back(to_string(DealSource(i)));
    return v;
  });
  m.def("_assignment_field_names", [] {
    std::vector<std::string> v;
    for (int i = 0; i < kAssignmentFieldCount; ++i) v.emplace_back(to_string(AssignmentField(i)));
    return v;
  });
  m.def("_period_kind_names", [] {
    std::vector<std::string> v;
    for (int i = 0; i <= int(PeriodKind::Year); ++i) v.emplace_back(to_string(PeriodKind(i)));
    return v;
  });
}

}  // namespace salescomp::py_bindings
