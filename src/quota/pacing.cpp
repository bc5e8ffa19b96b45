#include "salescomp/quota/pacing.hpp"

#include <algorithm>

#include "salescomp/core/error.hpp"
#include "salescomp/core/money_products.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

namespace {
using detail::int128;

int64_t narrow_pacing(int128 v, const char* what) {
  if (!detail::fits_int64(v))
    throw OverflowError("SC-OVERFLOW",
                        std::string(what) + " " + detail::to_string(v) + " does not fit in 64 bits");
  return int64_t(v);
}
}  // namespace

PacingTable compute_pacing(const AttainmentTable& a, Date as_of, const PacingInputs& in,
                           const PacingSettings& s) {
  std::vector<Issue> issues;
  if (s.unit == TimeUnit::Months)
    issues.push_back(Issue{std::nullopt, "unit", "months", "pacing counts calendar_days or business_days"});
  if (s.unit == TimeUnit::BusinessDays && !in.business)
    issues.push_back(Issue{std::nullopt, "unit", "business_days", "needs a business calendar"});
  const OpportunityTable* o = in.opportunities;
  if (o) {
    if (!in.stage_probability)
      issues.push_back(
          Issue{std::nullopt, "stage_probability", "", "opportunities need stage probabilities"});
    else
      for (std::size_t st = 0; st < in.stage_probability->size(); ++st) {
        const Rate p = (*in.stage_probability)[st];
        if (p.is_negative() || Rate::from_int(1) < p)
          issues.push_back(
              Issue{int64_t(st), "stage_probability", p.to_short_string(), "must be within 0..1"});
      }
    for (std::size_t k = 0; k < o->size(); ++k) {
      if (o->owner[k] < 0 || std::size_t(o->owner[k]) >= in.org.size())
        issues.push_back(Issue{int64_t(k), "owner", std::to_string(o->owner[k]), "not a roster index"});
      if (in.stage_probability &&
          (o->stage[k] < 0 || std::size_t(o->stage[k]) >= in.stage_probability->size()))
        issues.push_back(
            Issue{int64_t(k), "stage", std::to_string(o->stage[k]), "no probability for this stage"});
      if (o->amount[k] < 0)
        issues.push_back(Issue{int64_t(k), "amount", std::to_string(o->amount[k]), "must be >= 0"});
    }
  }
  if (!issues.empty()) throw ValidationError("SC-PACING-INPUT", std::move(issues));

  auto units = [&](Date first, Date last) -> int32_t {
    if (last < first) return 0;
    return s.unit == TimeUnit::BusinessDays ? in.business->count(first, last) : last - first + 1;
  };
  // Open opportunities by owner.
  std::vector<std::vector<uint32_t>> by_owner(in.org.size());
  std::vector<std::vector<uint32_t>> by_team(in.org.dictionary(AssignmentField::Team).size());
  if (o)
    for (std::size_t k = 0; k < o->size(); ++k) {
      if (o->expected_close[k] <= as_of) continue;  // only what is still to come
      by_owner[std::size_t(o->owner[k])].push_back(uint32_t(k));
      const int32_t t = in.org.as_of(o->owner[k], AssignmentField::Team, o->expected_close[k]);
      if (t >= 0) by_team[std::size_t(t)].push_back(uint32_t(k));
    }

  PacingTable out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Period& p = a.period[i];
    if (!p.contains(as_of)) continue;
    const int32_t total = units(p.first, p.last);
    const int32_t elapsed = units(p.first, as_of);
    const int64_t credited = a.credited[i], quota = a.quota[i];
    const int64_t expected = total > 0 ? multiply_divide_minor(quota, elapsed, total, s.rounding) : quota;
    int128 weighted = 0;
    if (o) {
      const auto& list = a.subject_kind[i] == SubjectKind::Person ? by_owner[std::size_t(a.subject[i])]
                                                                  : by_team[std::size_t(a.subject[i])];
      for (uint32_t k : list) {
        if (o->measure[k] != a.measure[i] || p.last < o->expected_close[k]) continue;
        int64_t amount = o->amount[k];
        if (!(o->currency[k] == a.currency[i])) {
          if (!in.fx)
            throw LookupError("SC-FX-MISSING", "opportunity row " + std::to_string(k) + " is in " +
                                                   std::string(o->currency[k].code()) + ", the quota in " +
                                                   std::string(a.currency[i].code()) +
                                                   ", and no FX table was given");
          amount = in.fx->convert(Money::from_minor(amount, o->currency[k]), a.currency[i], as_of, s.rounding)
                       .minor_units();
        }
        weighted += int128(amount) * (*in.stage_probability)[std::size_t(o->stage[k])].raw();
      }
    }
    const int64_t pipeline =
        narrow_pacing(divide_rounded<int128>(weighted, Rate::kOne, s.rounding), "pipeline");
    out.row.push_back(uint32_t(i));
    out.elapsed_units.push_back(elapsed);
    out.total_units.push_back(total);
    out.expected.push_back(expected);
    out.gap.push_back(narrow_pacing(int128(credited) - expected, "gap"));
    out.on_pace.push_back(int128(credited) * total >= int128(quota) * elapsed);
    out.run_rate.push_back(elapsed > 0 ? multiply_divide_minor(credited, total, elapsed, s.rounding)
                                       : credited);
    out.pipeline.push_back(pipeline);
    out.pipeline_forecast.push_back(narrow_pacing(int128(credited) + pipeline, "pipeline forecast"));
  }
  return out;
}

}  // namespace salescomp
