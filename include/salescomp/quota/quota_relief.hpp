#pragma once
// Quota relief: explicit, documented adjustments of one quota row (territory
// change, long leave settled by agreement...). A positive amount lowers the
// quota; a negative one raises it. Each row must match exactly one quota
// (subject, measure, period kind and key) and carry a reason.
#include <cstdint>
#include <string>
#include <vector>

#include "salescomp/core/currency.hpp"
#include "salescomp/core/period.hpp"
#include "salescomp/quota/quota_table.hpp"

namespace salescomp {

struct QuotaReliefTable {
  std::vector<SubjectKind> subject_kind;
  std::vector<int32_t> subject;
  std::vector<int32_t> measure;
  std::vector<PeriodKind> period_kind;
  std::vector<int32_t> period_key;  // Period::key()
  std::vector<int64_t> amount;      // minor units; positive = relief (quota goes down)
  std::vector<Currency> currency;
  std::vector<std::string> reason;

  std::size_t size() const noexcept { return subject.size(); }
  void add(SubjectKind k, int32_t s, int32_t m, const Period& p, int64_t minor, Currency c, std::string why) {
    subject_kind.push_back(k);
    subject.push_back(s);
    measure.push_back(m);
    period_kind.push_back(p.kind);
    period_key.push_back(p.key());
    amount.push_back(minor);
    currency.push_back(c);
    reason.push_back(std::move(why));
  }
};

}  // namespace salescomp
