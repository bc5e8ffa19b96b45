#include "salescomp/data/deal_loader.hpp"

#include <algorithm>
#include <numeric>

#include "salescomp/core/decimal_text.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/data/deal_source.hpp"
#include "salescomp/data/deal_type.hpp"
#include "salescomp/data/deal_validation.hpp"

namespace salescomp {

DealTable load_deals(const DealColumns& c, const Organisation& org, Dictionary& products,
                     Dictionary& customers) {
  const std::size_t n = c.id.size();
  std::vector<Issue> issues;
  auto shape = [&](std::size_t size, const char* name, bool optional) {
    if (size != n && !(optional && size == 0))
      issues.push_back(Issue{std::nullopt, name, std::to_string(size),
                             "column length differs from id (" + std::to_string(n) + ")"});
  };
  shape(c.owner_id.size(), "owner", false);
  shape(c.close_date.size(), "close_date", false);
  shape(c.currency.size(), "currency", false);
  shape(c.type.size(), "type", false);
  shape(c.invoice_date.size(), "invoice_date", true);
  shape(c.collection_date.size(), "collection_date", true);
  shape(c.cancellation_date.size(), "cancellation_date", true);
  shape(c.product.size(), "product", true);
  shape(c.customer.size(), "customer", true);
  shape(c.source.size(), "source", true);
  shape(c.source_person_id.size(), "source_person", true);
  shape(c.term_months.size(), "term_months", true);
  shape(c.territory.size(), "territory", true);
  shape(c.created_date.size(), "created_date", true);
  shape(c.first_marketing_touch.size(), "first_marketing_touch", true);
  shape(c.first_sales_activity.size(), "first_sales_activity", true);
  shape(c.first_touch_source.size(), "first_touch_source", true);
  if (c.amount_text.empty() == c.amount_minor.empty() && n > 0)
    issues.push_back(Issue{std::nullopt, "amount", "", "give exactly one of amount (text) or amount_minor"});
  else
    shape(c.amount_text.empty() ? c.amount_minor.size() : c.amount_text.size(), "amount", false);
  if (!c.id_text.empty()) shape(c.id_text.size(), "id", false);
  if (!issues.empty()) throw ValidationError("SC-DEAL-SHAPE", std::move(issues));

  DealTable d;
  d.id = c.id;
  d.id_text = c.id_text;
  d.owner.resize(n, -1);
  d.close_date = c.close_date;
  d.invoice_date = c.invoice_date.empty() ? std::vector<std::optional<Date>>(n) : c.invoice_date;
  d.collection_date = c.collection_date.empty() ? std::vector<std::optional<Date>>(n) : c.collection_date;
  d.cancellation_date =
      c.cancellation_date.empty() ? std::vector<std::optional<Date>>(n) : c.cancellation_date;
  d.amount.resize(n, 0);
  d.currency.resize(n);
  d.type.resize(n, DealType::NewBusiness);
  d.product.resize(n, -1);
  d.customer.resize(n, -1);
  d.source.resize(n, DealSource::None);
  d.source_person.resize(n, -1);
  d.term_months = c.term_months.empty() ? std::vector<int32_t>(n, 0) : c.term_months;
  if (!c.territory.empty()) d.territory.resize(n, -1);
  d.created_date = c.created_date;
  d.first_marketing_touch = c.first_marketing_touch;
  d.first_sales_activity = c.first_sales_activity;
  if (!c.first_touch_source.empty()) d.first_touch_source.resize(n, DealSource::None);

  auto rule_of = [](const ValidationError& e) { return e.issues().front().rule; };
  for (std::size_t i = 0; i < n; ++i) {
    const int64_t row = int64_t(i);
    if (auto p = org.roster().find(c.owner_id[i]))
      d.owner[i] = *p;
    else
      issues.push_back(Issue{row, "owner", c.owner_id[i], "unknown person"});
    bool currency_ok = false;
    try {
      d.currency[i] = Currency::of(c.currency[i]);
      currency_ok = true;
    } catch (const ValidationError& e) {
      issues.push_back(Issue{row, "currency", c.currency[i], rule_of(e)});
    }
    try {
      d.type[i] = deal_type_from_string(c.type[i]);
    } catch (const ValidationError& e) {
      issues.push_back(Issue{row, "type", c.type[i], rule_of(e)});
    }
    if (!c.amount_minor.empty())
      d.amount[i] = c.amount_minor[i];
    else if (currency_ok) {
      try {
        d.amount[i] = parse_scaled(c.amount_text[i], d.currency[i].exponent(), std::nullopt, "amount");
      } catch (const ValidationError& e) {
        issues.push_back(Issue{row, "amount", c.amount_text[i], rule_of(e)});
      } catch (const Error& e) {
        issues.push_back(Issue{row, "amount", c.amount_text[i], e.what()});
      }
    }
    if (!c.product.empty()) d.product[i] = products.intern(c.product[i]);
    if (!c.customer.empty()) d.customer[i] = customers.intern(c.customer[i]);
    if (!c.source.empty()) {
      try {
        d.source[i] = deal_source_from_string(c.source[i]);
      } catch (const ValidationError& e) {
        issues.push_back(Issue{row, "source", c.source[i], rule_of(e)});
      }
    }
    if (!c.first_touch_source.empty()) {
      try {
        d.first_touch_source[i] = deal_source_from_string(c.first_touch_source[i]);
      } catch (const ValidationError& e) {
        issues.push_back(Issue{row, "first_touch_source", c.first_touch_source[i], rule_of(e)});
      }
    }
    if (!c.source_person_id.empty() && !c.source_person_id[i].empty()) {
      if (auto p = org.roster().find(c.source_person_id[i]))
        d.source_person[i] = *p;
      else
        issues.push_back(Issue{row, "source_person", c.source_person_id[i], "unknown person"});
    }
    if (!c.territory.empty() && !c.territory[i].empty()) {
      const int32_t t = org.code_of(AssignmentField::Territory, c.territory[i]);
      if (t < 0)
        issues.push_back(
            Issue{row, "territory", c.territory[i], "no one is ever assigned to this territory"});
      d.territory[i] = t;
    }
  }
  if (!issues.empty()) throw ValidationError("SC-DEAL-INVALID", std::move(issues));
  validate_deals(d, org.size());
  return d;
}

std::vector<int64_t> id_ranks(const StringColumn& ids) {
  std::vector<int64_t> order(ids.size());
  std::iota(order.begin(), order.end(), int64_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return ids[std::size_t(a)] < ids[std::size_t(b)]; });
  std::vector<int64_t> rank(ids.size());
  int64_t r = -1;
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k == 0 || ids[std::size_t(order[k])] != ids[std::size_t(order[k - 1])]) ++r;
    rank[std::size_t(order[k])] = r;
  }
  return rank;
}

namespace {

template <class T>
void permute(std::vector<T>& v, const std::vector<int64_t>& order) {
  if (v.empty()) return;  // an optional column that was not given
  std::vector<T> out;
  out.reserve(order.size());
  for (int64_t k : order) out.push_back(std::move(v[std::size_t(k)]));
  v = std::move(out);
}

}  // namespace

std::vector<int64_t> sort_by_id(DealTable& d) {
  std::vector<int64_t> order(d.size());
  std::iota(order.begin(), order.end(), int64_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return d.id[std::size_t(a)] < d.id[std::size_t(b)]; });
  permute(d.id, order);
  if (!d.id_text.empty()) d.id_text = d.id_text.permuted(order);
  permute(d.owner, order);
  permute(d.close_date, order);
  permute(d.invoice_date, order);
  permute(d.collection_date, order);
  permute(d.cancellation_date, order);
  permute(d.amount, order);
  permute(d.currency, order);
  permute(d.type, order);
  permute(d.product, order);
  permute(d.customer, order);
  permute(d.source, order);
  permute(d.source_person, order);
  permute(d.term_months, order);
  permute(d.territory, order);
  permute(d.created_date, order);
  permute(d.first_touch_source, order);
  permute(d.first_marketing_touch, order);
  permute(d.first_sales_activity, order);
  return order;
}

}  // namespace salescomp
