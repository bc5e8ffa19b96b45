#include "salescomp/data/deal_validation.hpp"

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "salescomp/core/error.hpp"
#include "salescomp/data/deal_type.hpp"

namespace salescomp {

void validate_deals(const DealTable& d, std::size_t people) {
  const std::size_t n = d.size();
  std::vector<Issue> issues;
  auto shape = [&](std::size_t size, const char* name, bool optional) {
    if (size != n && !(optional && size == 0))
      issues.push_back(Issue{std::nullopt, name, std::to_string(size),
                             std::string("column length differs from id (") + std::to_string(n) + ")" +
                                 (optional ? " and is not empty" : "")});
  };
  shape(d.owner.size(), "owner", false);
  shape(d.close_date.size(), "close_date", false);
  shape(d.invoice_date.size(), "invoice_date", false);
  shape(d.collection_date.size(), "collection_date", false);
  shape(d.cancellation_date.size(), "cancellation_date", false);
  shape(d.amount.size(), "amount", false);
  shape(d.currency.size(), "currency", false);
  shape(d.type.size(), "type", false);
  shape(d.product.size(), "product", false);
  shape(d.customer.size(), "customer", false);
  shape(d.source.size(), "source", false);
  shape(d.source_person.size(), "source_person", false);
  shape(d.term_months.size(), "term_months", false);
  shape(d.territory.size(), "territory", true);
  shape(d.created_date.size(), "created_date", true);
  shape(d.first_touch_source.size(), "first_touch_source", true);
  shape(d.first_marketing_touch.size(), "first_marketing_touch", true);
  shape(d.first_sales_activity.size(), "first_sales_activity", true);
  if (!issues.empty()) throw ValidationError("SC-DEAL-SHAPE", std::move(issues));

  // Duplicate ids: sort row numbers by id, report every repeat. Ids strictly
  // increasing (the loaders' canonical order) have none: no sort.
  std::vector<char> duplicate;
  if (std::adjacent_find(d.id.begin(), d.id.end(), std::greater_equal<>()) != d.id.end()) {
    std::vector<uint32_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = uint32_t(i);
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return d.id[a] != d.id[b] ? d.id[a] < d.id[b] : a < b; });
    duplicate.assign(n, 0);
    for (std::size_t k = 1; k < n; ++k)
      if (d.id[order[k]] == d.id[order[k - 1]]) duplicate[order[k]] = 1;
  }

  auto person_ok = [&](int32_t p) { return p >= 0 && std::size_t(p) < people; };
  for (std::size_t i = 0; i < n; ++i) {
    const int64_t row = int64_t(i);
    if (!duplicate.empty() && duplicate[i])
      issues.push_back(Issue{row, "id", deal_label(d, i), "duplicate deal id"});
    if (!person_ok(d.owner[i]))
      issues.push_back(Issue{row, "owner", std::to_string(d.owner[i]), "not a roster index"});
    if (d.source_person[i] != -1 && !person_ok(d.source_person[i]))
      issues.push_back(Issue{row, "source_person", std::to_string(d.source_person[i]),
                             "not a roster index (or -1 for none)"});
    if (!d.currency[i].valid()) issues.push_back(Issue{row, "currency", "", "missing currency"});
    const DealType t = d.type[i];
    const bool reversal = t == DealType::Cancellation || t == DealType::Refund;
    if (reversal && d.amount[i] > 0)
      issues.push_back(Issue{row, "amount", std::to_string(d.amount[i]),
                             std::string(to_string(t)) + " amounts must be <= 0 (minor units)"});
    if (!reversal && d.amount[i] < 0)
      issues.push_back(Issue{row, "amount", std::to_string(d.amount[i]),
                             std::string(to_string(t)) + " amounts must be >= 0 (minor units)"});
    if (d.cancellation_date[i] && *d.cancellation_date[i] < d.close_date[i])
      issues.push_back(Issue{row, "cancellation_date", d.cancellation_date[i]->to_string(),
                             "before the close date " + d.close_date[i].to_string()});
    if (d.collection_date[i] && d.invoice_date[i] && *d.collection_date[i] < *d.invoice_date[i])
      issues.push_back(Issue{row, "collection_date", d.collection_date[i]->to_string(),
                             "before the invoice date " + d.invoice_date[i]->to_string()});
    if (d.term_months[i] < 0)
      issues.push_back(Issue{row, "term_months", std::to_string(d.term_months[i]), "must be >= 0"});
    if (!d.created_date.empty() && d.created_date[i] && d.close_date[i] < *d.created_date[i])
      issues.push_back(Issue{row, "created_date", d.created_date[i]->to_string(),
                             "after the close date " + d.close_date[i].to_string()});
  }
  if (!issues.empty()) throw ValidationError("SC-DEAL-INVALID", std::move(issues));
}

}  // namespace salescomp
