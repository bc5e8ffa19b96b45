// Bindings for deals and crediting: loading deals from columns, rule sets
// from dicts, splits and account assignments, and the credits table.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <optional>
#include <salescomp/arrow/money_columns.hpp>
#include <salescomp/credit/crediting.hpp>
#include <salescomp/credit/deal_arrow.hpp>
#include <salescomp/data/deal_loader.hpp>
#include <salescomp/data/deal_source.hpp>
#include <span>
#include <type_traits>
#include <unordered_map>

#include "convert.hpp"
#include "table_holders.hpp"

namespace salescomp::py_bindings {

namespace {

// Codes given again in the order of the deal rows (the order of the deal ids),
// so that they do not depend on the order of the input rows.
void recode_in_row_order(std::vector<int32_t>& codes, Dictionary& dictionary) {
  // Each name interned once, on its first row: every other row is an array read.
  std::vector<int32_t> new_code(dictionary.size(), -1);
  Dictionary out;
  for (int32_t& c : codes) {
    if (c < 0) continue;
    int32_t& to = new_code[std::size_t(c)];
    if (to < 0) to = out.intern(dictionary.name(c));
    c = to;
  }
  dictionary = std::move(out);
}

std::shared_ptr<DealsHolder> load(std::shared_ptr<Organisation> org, const py::dict& cols) {
  auto h = std::make_shared<DealsHolder>();
  h->org = org;
  DealColumns c;
  if (has(cols, "id_text")) {
    // The user's ids as text: keys are their byte-order ranks.
    c.id_text = id_texts_at(cols, "id_text");
    c.id = id_ranks(c.id_text);
  } else {
    c.id = numbers_at<int64_t>(cols, "id");
  }
  c.owner_id = strings_at(cols, "owner");
  c.close_date = to_dates(days_at(cols, "close_date"), "close_date");
  if (has(cols, "invoice_date")) c.invoice_date = to_optional_dates(days_at(cols, "invoice_date"));
  if (has(cols, "collection_date")) c.collection_date = to_optional_dates(days_at(cols, "collection_date"));
  if (has(cols, "cancellation_date"))
    c.cancellation_date = to_optional_dates(days_at(cols, "cancellation_date"));
  if (has(cols, "created_date")) c.created_date = to_optional_dates(days_at(cols, "created_date"));
  if (has(cols, "first_marketing_touch"))
    c.first_marketing_touch = to_optional_dates(days_at(cols, "first_marketing_touch"));
  if (has(cols, "first_sales_activity"))
    c.first_sales_activity = to_optional_dates(days_at(cols, "first_sales_activity"));
  c.amount_text = strings_at(cols, "amount");
  c.amount_minor = numbers_at<int64_t>(cols, "amount_minor");
  c.currency = strings_at(cols, "currency");
  c.type = strings_at(cols, "type");
  c.product = strings_at(cols, "product");
  c.customer = strings_at(cols, "customer");
  c.source = strings_at(cols, "source");
  c.source_person_id = strings_at(cols, "source_person");
  c.term_months = numbers_at<int32_t>(cols, "term_months");
  c.territory = strings_at(cols, "territory");
  c.first_touch_source = strings_at(cols, "first_touch_source");
  {
    py::gil_scoped_release release;
    h->table = load_deals(c, *org, h->products, h->customers);
    h->input_row = sort_by_id(h->table);
    recode_in_row_order(h->table.product, h->products);
    recode_in_row_order(h->table.customer, h->customers);
  }
  return h;
}

CreditRuleSet rules_from(const py::list& specs, const Organisation& org) {
  CreditRuleSet set;
  std::vector<Issue> issues;
  int64_t row = 0;
  for (py::handle item : specs) {
    const py::dict d = py::reinterpret_borrow<py::dict>(item);
    auto issue = [&](const char* field, const std::string& value, const std::string& rule) {
      issues.push_back(Issue{row, field, value, rule});
    };
    try {
      if (!d.contains("kind"))
        throw ValidationError("SC-CREDIT-RULE", Issue{row, "kind", "", "every rule needs a kind"});
      CreditRule r = CreditRuleSet::defaults_for(credit_kind_from_string(d["kind"].cast<std::string>()));
      for (auto [k, v] : d) {
        const std::string key = k.cast<std::string>();
        if (key == "kind")
          continue;
        else if (key == "name")
          r.name = v.cast<std::string>();
        else if (key == "measure")
          r.measure = set.measure(v.cast<std::string>());
        else if (key == "share")
          r.share = to_rate(v, std::nullopt, "share");
        else if (key == "depth")
          r.depth = v.cast<int>();
        else if (key == "deal_types") {
          r.deal_types = 0;
          for (py::handle t : v) r.deal_types |= deal_type_bit(deal_type_from_string(t.cast<std::string>()));
        } else if (key == "rolls_up") {
          r.rolls_up = 0;
          for (py::handle t : v)
            r.rolls_up |= credit_kind_bit(credit_kind_from_string(t.cast<std::string>()));
        } else if (key == "sourced")
          r.sourced = sourced_definition_from_string(v.cast<std::string>());
        else if (key == "date") {
          const std::string s = v.cast<std::string>();
          if (s == "close")
            r.date = CreditDateBasis::Close;
          else if (s == "created")
            r.date = CreditDateBasis::Created;
          else
            issue("date", s, "expected close or created");
        } else if (key == "person") {
          const std::string pid = v.cast<std::string>();
          if (auto p = org.roster().find(pid))
            r.person = *p;
          else
            issue("person", pid, "unknown person");
        } else if (key == "role")
          r.role = role_from_string(v.cast<std::string>());
        else
          issue("rule", key,
                "unknown rule setting; expected name, measure, share, depth, deal_types, rolls_up, sourced, "
                "date, person or role");
      }
      set.add(r);
    } catch (const ValidationError& e) {
      for (Issue i : e.issues()) {
        i.row = row;
        issues.push_back(std::move(i));
      }
    } catch (const py::cast_error& e) {
      issue("rule", std::string(py::str(item)), std::string("bad value type: ") + e.what());
    }
    ++row;
  }
  if (!issues.empty()) throw ValidationError("SC-CREDIT-RULES", std::move(issues));
  return set;
}

// Row of each split's deal: by id text when the deals have text ids.
std::vector<int64_t> split_deal_rows(const py::dict& cols, const DealsHolder& deals,
                                     std::vector<Issue>& issues) {
  std::vector<int64_t> rows;
  if (has(cols, "deal_id_text")) {
    std::unordered_map<std::string_view, int64_t> row_of;
    for (std::size_t i = 0; i < deals.table.size(); ++i) row_of.emplace(deals.table.id_text[i], int64_t(i));
    const StringColumn ids = id_texts_at(cols, "deal_id_text");
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto d = row_of.find(ids[i]);
      rows.push_back(d == row_of.end() ? -1 : d->second);
      if (d == row_of.end())
        issues.push_back(Issue{int64_t(i), "deal_id", std::string(ids[i]), "unknown deal"});
    }
    return rows;
  }
  std::unordered_map<int64_t, int64_t> row_of;
  for (std::size_t i = 0; i < deals.table.size(); ++i) row_of.emplace(deals.table.id[i], int64_t(i));
  const auto ids = numbers_at<int64_t>(cols, "deal_id");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto d = row_of.find(ids[i]);
    rows.push_back(d == row_of.end() ? -1 : d->second);
    if (d == row_of.end())
      issues.push_back(Issue{int64_t(i), "deal_id", std::to_string(ids[i]), "unknown deal"});
  }
  return rows;
}

SplitTable splits_from(const py::dict& cols, const DealsHolder& deals) {
  SplitTable s;
  std::vector<Issue> issues;
  const auto deal_rows = split_deal_rows(cols, deals, issues);
  const auto persons = strings_at(cols, "person");
  const auto shares = strings_at(cols, "share");
  const auto kinds = strings_at(cols, "kind");
  const std::size_t n = deal_rows.size();
  if (persons.size() != n || shares.size() != n || (!kinds.empty() && kinds.size() != n))
    throw ValidationError("SC-SPLIT-SHAPE",
                          Issue{std::nullopt, "splits", std::to_string(n), "columns differ in length"});
  for (std::size_t i = 0; i < n; ++i) {
    const int64_t row = int64_t(i);
    auto p = deals.org->roster().find(persons[i]);
    if (!p) issues.push_back(Issue{row, "person", persons[i], "unknown person"});
    Rate share;
    try {
      share = Rate::parse(shares[i]);
    } catch (const ValidationError& e) {
      issues.push_back(Issue{row, "share", shares[i], e.issues().front().rule});
    }
    SplitKind kind = SplitKind::Revenue;
    if (!kinds.empty()) {
      if (kinds[i] == "overlay")
        kind = SplitKind::Overlay;
      else if (kinds[i] != "revenue")
        issues.push_back(Issue{row, "kind", kinds[i], "expected revenue or overlay"});
    }
    if (deal_rows[i] >= 0 && p)
      s.add(deal_rows[i], *p, share, kind);
    else
      s.add(-1, -1, share, kind);  // keeps row numbers aligned; reported above
  }
  if (!issues.empty()) {
    std::stable_sort(issues.begin(), issues.end(),
                     [](const Issue& a, const Issue& b) { return a.row.value_or(0) < b.row.value_or(0); });
    throw ValidationError("SC-SPLIT-INVALID", std::move(issues));
  }
  return s;
}

EffectiveDatedMap account_managers_from(const py::dict& cols, DealsHolder& deals) {
  const auto customers = strings_at(cols, "customer");
  const auto persons = strings_at(cols, "person");
  const auto from = to_dates(days_at(cols, "from"), "from");
  const auto to = to_optional_dates(days_at(cols, "to"));
  const std::size_t n = customers.size();
  if (persons.size() != n || from.size() != n || (!to.empty() && to.size() != n))
    throw ValidationError("SC-AM-SHAPE", Issue{std::nullopt, "account_managers", std::to_string(n),
                                               "columns differ in length"});
  std::vector<EffectiveDatedMap::Entry> entries;
  std::vector<Issue> issues;
  for (std::size_t i = 0; i < n; ++i) {
    auto p = deals.org->roster().find(persons[i]);
    if (!p) {
      issues.push_back(Issue{int64_t(i), "person", persons[i], "unknown person"});
      continue;
    }
    const int32_t c = deals.customers.intern(customers[i]);
    entries.push_back(
        {c, from[i], (to.empty() || !to[i]) ? EffectiveDatedMap::kOpenEnd : *to[i], *p, int64_t(i)});
  }
  if (!issues.empty()) throw ValidationError("SC-AM-INVALID", std::move(issues));
  return EffectiveDatedMap(deals.customers.size(), std::move(entries), "account manager",
                           [&](int32_t c) { return "customer '" + deals.customers.name(c) + "'"; });
}

py::dict credit_columns(const CreditsHolder& h) {
  const CreditTable& t = h.table;
  py::dict d;
  d["person"] = to_numpy<int32_t>(t.person);
  d["deal_row"] = to_numpy<int64_t>(t.deal);
  d["deal_id"] =
      to_numpy_by(t.size(), [&](std::size_t i) { return h.deals->table.id[std::size_t(t.deal[i])]; });
  d["date"] = days_of(t.date);
  d["period"] = to_numpy<int32_t>(t.period);
  d["measure"] = to_numpy<int32_t>(t.measure);
  d["amount"] = to_numpy<int64_t>(t.amount);
  d["currency"] = currency_column(t.currency);
  d["kind"] = to_numpy<uint8_t>(t.kind);
  d["deal_type"] = to_numpy<uint8_t>(t.deal_type);
  d["rule"] = to_numpy<int32_t>(t.rule);
  d["depth"] = to_numpy<int16_t>(t.depth);
  d["via"] = to_numpy<int32_t>(t.via);
  d["source_amount"] = to_numpy<int64_t>(t.source_amount);
  d["source_currency"] = currency_column(t.source_currency);
  return d;
}

template <class To, class From>
std::vector<To> widened(const std::vector<From>& v) {
  std::vector<To> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = To(v[i]);
  return out;
}

// The credits as one Arrow table through the C Data Interface, every column
// but deal_id (the user's ids as given; Python takes them by deal_row) and in
// Credits.to_arrow's order, or only those named in `columns` (a pass that reads
// four columns need not pay for the decimals of the others). The integer
// columns are read in place from the holder (kept alive by the export): only
// the decimals and the widened codes are built. None when a money column does
// not fit the 64-bit fast path.
py::object credits_arrow(const std::shared_ptr<CreditsHolder>& holder,
                         std::optional<std::vector<std::string>> columns) {
  const CreditTable& c = holder->table;
  std::vector<std::string> people;
  const Roster& roster = holder->deals->org->roster();
  for (std::size_t p = 0; p < holder->deals->org->size(); ++p) people.push_back(roster.id(int32_t(p)));
  std::vector<std::string> kinds, types;
  for (int i = 0; i <= int(CreditKind::Territory); ++i) kinds.emplace_back(to_string(CreditKind(i)));
  for (int i = 0; i <= int(DealType::Refund); ++i) types.emplace_back(to_string(DealType(i)));
  static_assert(sizeof(Date) == sizeof(int32_t) && std::is_standard_layout_v<Date>,
                "a Date is its day count");
  const std::span<const int32_t> days(reinterpret_cast<const int32_t*>(c.date.data()), c.date.size());
  arrow::ExportTable t;
  // Adds the column `name` when it is asked for; `make` builds it only then.
  const auto add = [&](const char* name, auto make) {
    if (!columns || std::find(columns->begin(), columns->end(), name) != columns->end()) t.add(make(name));
  };
  bool fits = true;
  {
    py::gil_scoped_release release;
    using arrow::ExportColumn;
    add("person_id", [&](auto n) { return ExportColumn::dictionary_in_place(n, holder, c.person, people); });
    add("deal_row",
        [&](auto n) { return ExportColumn::in_place(n, holder, std::span<const int64_t>(c.deal)); });
    add("date", [&](auto n) { return ExportColumn::dates_in_place(n, holder, days); });
    add("period",
        [&](auto n) { return ExportColumn::in_place(n, holder, std::span<const int32_t>(c.period)); });
    add("measure",
        [&](auto n) { return ExportColumn::dictionary_in_place(n, holder, c.measure, holder->measures); });
    try {
      add("amount", [&](auto n) { return arrow::money_column(n, c.amount, c.currency); });
      add("currency", [&](auto n) { return arrow::currency_column(n, c.currency); });
      add("kind", [&](auto n) { return ExportColumn::dictionary(n, widened<int32_t>(c.kind), kinds); });
      add("rule",
          [&](auto n) { return ExportColumn::in_place(n, holder, std::span<const int32_t>(c.rule)); });
      add("rule_name",
          [&](auto n) { return ExportColumn::dictionary_in_place(n, holder, c.rule, holder->rule_names); });
      add("depth",
          [&](auto n) { return ExportColumn::in_place(n, holder, std::span<const int16_t>(c.depth)); });
      // Copied: its null slots (-1 here) are written as 0, the bytes every path gives.
      add("via", [&](auto n) { return ExportColumn::dictionary(n, c.via, people); });
      add("deal_type",
          [&](auto n) { return ExportColumn::dictionary(n, widened<int32_t>(c.deal_type), types); });
      add("source_amount",
          [&](auto n) { return arrow::money_column(n, c.source_amount, c.source_currency); });
      add("source_currency", [&](auto n) { return arrow::currency_column(n, c.source_currency); });
    } catch (const OverflowError&) {
      fits = false;
    }
  }
  if (!fits) return py::none();
  return export_arrow(std::move(t));
}

py::object deals_from_arrow(std::shared_ptr<Organisation> org, py::handle table) {
  const arrow::ImportedTable t = import_arrow(table, "deals");
  auto h = std::make_shared<DealsHolder>();
  h->org = org;
  bool ok = false;
  {
    py::gil_scoped_release release;
    std::optional<DealsRead> r = read_deals_strict(t, *org, h->products, h->customers);
    if (r) {
      ok = true;
      h->table = std::move(r->table);
      h->input_row = std::move(r->input_row);
      recode_in_row_order(h->table.product, h->products);
      recode_in_row_order(h->table.customer, h->customers);
    }
  }
  if (!ok) return py::none();
  return py::cast(h);
}

py::object splits_from_arrow(const std::shared_ptr<DealsHolder>& deals, py::handle table) {
  const arrow::ImportedTable t = import_arrow(table, "splits");
  std::optional<SplitTable> s;
  {
    py::gil_scoped_release release;
    s = read_splits_strict(t, deals->table, *deals->org);
  }
  if (!s) return py::none();
  return py::cast(std::move(*s));
}

}  // namespace

void bind_crediting(py::module_& m) {
  py::class_<DealsHolder, std::shared_ptr<DealsHolder>>(m, "_Deals")
      .def(py::init(&load), py::arg("org"), py::arg("columns"))
      .def("__len__", [](const DealsHolder& h) { return h.table.size(); })
      .def_property_readonly("ids", [](const DealsHolder& h) { return to_numpy<int64_t>(h.table.id); })
      .def_property_readonly(
          "input_row", [](const DealsHolder& h) { return to_numpy<int64_t>(h.input_row); },
          "input row of each deal row (deal rows are in the order of the deal ids)")
      .def_property_readonly("customers", [](const DealsHolder& h) { return h.customers.names(); })
      .def_property_readonly("products", [](const DealsHolder& h) { return h.products.names(); })
      .def_property_readonly("amount_minor",
                             [](const DealsHolder& h) { return to_numpy<int64_t>(h.table.amount); })
      .def_static("from_arrow", &deals_from_arrow, py::arg("org"), py::arg("table"),
                  "Deals read in C++ from an Arrow table with the spec's column names, or None at the "
                  "first cell the strict reader does not take (the per-row path then names every bad row).");

  py::class_<SplitTable>(m, "_SplitTable").def("__len__", &SplitTable::size);
  m.def("_read_splits_strict", &splits_from_arrow, py::arg("deals"), py::arg("table"),
        "Splits read in C++ from an Arrow table against the deals, or None (see _Deals.from_arrow).");

  py::class_<CreditsHolder, std::shared_ptr<CreditsHolder>>(m, "_Credits")
      .def("__len__", [](const CreditsHolder& h) { return h.table.size(); })
      .def_readonly("measures", &CreditsHolder::measures)
      .def_readonly("rule_names", &CreditsHolder::rule_names)
      .def("columns", &credit_columns)
      .def("arrow", &credits_arrow, py::arg("columns") = py::none(),
           "The credits through the Arrow C Data Interface (every column but deal_id, or those "
           "named in columns), or None when a money column needs more than 64 bits at the common "
           "scale.");

  m.def("_credit_kind_names", [] {
    std::vector<std::string> v;
    for (int i = 0; i <= int(CreditKind::Territory); ++i) v.emplace_back(to_string(CreditKind(i)));
    return v;
  });
  m.def("_deal_type_names", [] {
    std::vector<std::string> v;
    for (int i = 0; i <= int(DealType::Refund); ++i) v.emplace_back(to_string(DealType(i)));
    return v;
  });

  m.def(
      "_credit",
      [](std::shared_ptr<DealsHolder> deals, const py::list& rule_specs, const std::string& currency,
         py::object reporting_currency, const std::string& fx_date, const std::string& period_kind,
         RoundingMode rounding, int threads, py::object splits, py::object account_managers, py::object fx,
         py::object calendar) {
        auto h = std::make_shared<CreditsHolder>();
        h->deals = deals;
        const CreditRuleSet rules = rules_from(rule_specs, *deals->org);
        h->measures = rules.measures;
        for (const auto& r : rules.rules) h->rule_names.push_back(r.name);
        CreditingSettings s;
        if (currency == "deal")
          s.currency = CreditCurrency::Deal;
        else if (currency == "pay")
          s.currency = CreditCurrency::PayCurrency;
        else if (currency == "reporting")
          s.currency = CreditCurrency::Reporting;
        else
          throw ValidationError("SC-CREDIT-SETTINGS",
                                Issue{std::nullopt, "currency", currency, "expected deal, pay or reporting"});
        if (!reporting_currency.is_none()) s.reporting_currency = to_currency(reporting_currency);
        if (fx_date == "deal_date")
          s.fx_date = FxDate::CreditDate;
        else if (fx_date == "period_end")
          s.fx_date = FxDate::PeriodEnd;
        else
          throw ValidationError("SC-CREDIT-SETTINGS",
                                Issue{std::nullopt, "fx_date", fx_date, "expected deal_date or period_end"});
        s.period_kind = period_kind_from_string(period_kind);
        s.rounding = rounding;
        s.threads = threads;
        SplitTable split_table;
        EffectiveDatedMap ams;
        CreditingSources src;
        if (py::isinstance<SplitTable>(splits)) {
          split_table = splits.cast<const SplitTable&>();
          src.splits = &split_table;
        } else if (!splits.is_none()) {
          split_table = splits_from(splits.cast<py::dict>(), *deals);
          src.splits = &split_table;
        }
        if (!account_managers.is_none()) {
          ams = account_managers_from(account_managers.cast<py::dict>(), *deals);
          src.account_managers = &ams;
        }
        if (!fx.is_none()) src.fx = fx.cast<const FxTable*>();
        if (!calendar.is_none()) src.calendar = calendar.cast<const FiscalCalendar*>();
        {
          py::gil_scoped_release release;
          h->table = credit_deals(deals->table, *deals->org, rules, s, src);
        }
        return h;
      },
      py::arg("deals"), py::arg("rules"), py::arg("currency"), py::arg("reporting_currency"),
      py::arg("fx_date"), py::arg("period_kind"), py::arg("rounding"), py::arg("threads"), py::arg("splits"),
      py::arg("account_managers"), py::arg("fx"), py::arg("calendar"));

  // A credits table rebuilt from stored credit columns (salescomp.dask keeps credits as
  // Parquet partitioned by person), so attainment runs on one person partition's credits. It
  // has no deal rows (deal = -1): it cannot give deal ids back, only feed attainment.
  m.def(
      "_credits_from_columns",
      [](std::shared_ptr<DealsHolder> deals, const py::dict& c, const std::vector<std::string>& measures,
         const std::vector<std::string>& rule_names) {
        auto h = std::make_shared<CreditsHolder>();
        h->deals = deals;
        h->measures = measures;
        h->rule_names = rule_names;
        CreditTable& t = h->table;
        t.person = numbers_at<int32_t>(c, "person");
        const std::size_t n = t.person.size();
        t.date = to_dates(days_at(c, "date"), "date");
        t.amount = numbers_at<int64_t>(c, "amount");
        std::vector<Currency> codes;
        for (py::handle x : c["currency_codes"]) codes.push_back(to_currency(x));
        for (int32_t i : numbers_at<int32_t>(c, "currency")) t.currency.push_back(codes.at(std::size_t(i)));
        for (uint8_t k : numbers_at<uint8_t>(c, "kind")) {
          if (k > uint8_t(CreditKind::Territory))
            throw ValidationError("SC-CREDIT-COLUMNS",
                                  Issue{std::nullopt, "kind", std::to_string(k), "not a credit kind"});
          t.kind.push_back(CreditKind(k));
        }
        for (uint8_t k : numbers_at<uint8_t>(c, "deal_type")) {
          if (k > uint8_t(DealType::Refund))
            throw ValidationError("SC-CREDIT-COLUMNS",
                                  Issue{std::nullopt, "deal_type", std::to_string(k), "not a deal type"});
          t.deal_type.push_back(DealType(k));
        }
        t.measure = numbers_at<int32_t>(c, "measure");
        for (int32_t v : t.measure)
          if (v < 0 || std::size_t(v) >= measures.size())
            throw ValidationError("SC-CREDIT-COLUMNS",
                                  Issue{std::nullopt, "measure", std::to_string(v), "not a measure code"});
        t.rule = numbers_at<int32_t>(c, "rule");
        t.depth = numbers_at<int16_t>(c, "depth");
        t.period = numbers_at<int32_t>(c, "period");
        t.via = numbers_at<int32_t>(c, "via");
        t.deal.assign(n, -1);
        t.source_amount = t.amount;
        t.source_currency = t.currency;
        for (std::size_t size :
             {t.date.size(), t.amount.size(), t.currency.size(), t.kind.size(), t.deal_type.size(),
              t.measure.size(), t.rule.size(), t.depth.size(), t.period.size(), t.via.size()})
          if (size != n)
            throw ValidationError("SC-CREDIT-COLUMNS", Issue{std::nullopt, "credits", std::to_string(size),
                                                             "columns differ in length"});
        return h;
      },
      py::arg("deals"), py::arg("columns"), py::arg("measures"), py::arg("rule_names"));
}

}  // namespace salescomp::py_bindings
