#pragma once
// Quotas: one row per (subject, measure, period). A subject is a person
// (roster index) or a team (Organisation team code).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "salescomp/core/allocation.hpp"
#include "salescomp/core/currency.hpp"
#include "salescomp/core/fiscal_calendar.hpp"
#include "salescomp/core/period.hpp"
#include "salescomp/core/rate.hpp"

namespace salescomp {

enum class SubjectKind : uint8_t { Person, Team };

constexpr std::string_view to_string(SubjectKind k) noexcept {
  return k == SubjectKind::Person ? "person" : "team";
}

struct QuotaTable {
  std::vector<SubjectKind> subject_kind;
  std::vector<int32_t> subject;
  std::vector<int32_t> measure;  // measure code (CreditRuleSet::measures)
  std::vector<Period> period;
  std::vector<int64_t> amount;  // full quota before ramp/proration/relief, minor units
  std::vector<Currency> currency;

  std::size_t size() const noexcept { return subject.size(); }
  void add(SubjectKind k, int32_t s, int32_t m, const Period& p, int64_t minor, Currency c) {
    subject_kind.push_back(k);
    subject.push_back(s);
    measure.push_back(m);
    period.push_back(p);
    amount.push_back(minor);
    currency.push_back(c);
  }
};

// Spreads an annual quota over the fiscal year's periods of `kind`: evenly
// when `weights` is empty, else in proportion to the weights (one per period,
// e.g. seasonal 0.2/0.2/0.25/0.35). Largest remainder: the parts sum exactly
// to `annual_minor`; ties go to the earlier period.
inline void spread_annual_quota(QuotaTable& out, SubjectKind kind, int32_t subject, int32_t measure,
                                int64_t annual_minor, Currency currency, const FiscalCalendar& calendar,
                                int fiscal_year, PeriodKind period_kind, std::span<const Rate> weights = {}) {
  const std::vector<Period> periods = calendar.periods(fiscal_year, period_kind);
  std::vector<int64_t> w(periods.size(), 1);
  if (!weights.empty()) {
    if (weights.size() != periods.size())
      throw ValidationError("SC-QUOTA-WEIGHTS",
                            Issue{std::nullopt, "weights", std::to_string(weights.size()),
                                  "need one weight per " + std::string(to_string(period_kind)) + " (" +
                                      std::to_string(periods.size()) + ")"});
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = weights[i].raw();
  }
  const std::vector<int64_t> parts = allocate_minor(annual_minor, w);
  for (std::size_t i = 0; i < periods.size(); ++i)
    out.add(kind, subject, measure, periods[i], parts[i], currency);
}

}  // namespace salescomp
