#include "salescomp/quota/effective_quota.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>

#include "salescomp/core/error.hpp"
#include "salescomp/detail/int128.hpp"
#include "salescomp/detail/int256.hpp"

namespace salescomp {

namespace {

using detail::int128;
using detail::int256;

// Per-day quota value of one person: amount(d) x percent(d), in minor units
// x 1e-12; zero on inactive days.
class QuotaDayValue {
 public:
  QuotaDayValue(const QuotaInputs& in, const QuotaSettings& s, int32_t person, int64_t base,
                const RampSchedule* ramp)
      : roster_(in.org.roster()), s_(s), person_(person), base_(base), ramp_(ramp) {
    if (ramp_) {
      const Date start = roster_.start(person);
      for (std::size_t k = 0; k <= ramp_->months(); ++k) bounds_.push_back(add_months_clamped(start, int(k)));
    }
  }
  bool active(Date d) const {
    if (!roster_.is_employed(person_, d)) return false;
    return !(s_.prorate_leaves && roster_.is_on_leave(person_, d));
  }
  int128 value(Date d) const {
    if (!active(d)) return 0;
    if (ramp_ && d < bounds_.back()) {
      // tenure month k: bounds_[k] <= d < bounds_[k+1]
      const std::size_t k =
          std::size_t(std::upper_bound(bounds_.begin(), bounds_.end(), d) - bounds_.begin()) - 1;
      if (ramp_->kind == RampSchedule::Kind::Percent) return int128(base_) * ramp_->percent[k].raw();
      return int128(ramp_->amount[k]) * Rate::kOne;
    }
    return int128(base_) * Rate::kOne;
  }
  // True when the whole period is active and past the ramp: the quota is unchanged.
  bool untouched(const Period& p) const {
    if (!roster_.is_employed(person_, p.first) || !roster_.is_employed(person_, p.last)) return false;
    if (ramp_ && p.first < bounds_.back()) return false;
    if (s_.prorate_leaves)
      for (const Leave& l : roster_.leaves(person_))
        if (l.first <= p.last && p.first <= l.last) return false;
    return true;
  }

 private:
  const Roster& roster_;
  const QuotaSettings& s_;
  int32_t person_;
  int64_t base_;
  const RampSchedule* ramp_;
  std::vector<Date> bounds_;
};

int64_t narrow_quota(const int256& v, int32_t person, const Period& p) {
  try {
    return detail::narrow_int64(v, "prorated quota");
  } catch (const OverflowError& e) {
    throw OverflowError(
        e.id(), std::string(e.what()) + " (person " + std::to_string(person) + ", " + p.label() + ")");
  }
}

}  // namespace

EffectiveQuotaTable effective_quotas(const QuotaTable& q, const QuotaInputs& in, const QuotaSettings& s) {
  const std::size_t n = q.size();
  const Roster& roster = in.org.roster();
  std::vector<Issue> issues;
  if (q.subject_kind.size() != n || q.measure.size() != n || q.period.size() != n || q.amount.size() != n ||
      q.currency.size() != n)
    throw ValidationError("SC-QUOTA-SHAPE", Issue{std::nullopt, "quotas", std::to_string(n),
                                                  "every quota column needs one value per row"});
  if (in.ramp_of_person && in.ramp_of_person->size() != roster.size())
    issues.push_back(Issue{std::nullopt, "ramp_of_person", std::to_string(in.ramp_of_person->size()),
                           "needs one entry per person (" + std::to_string(roster.size()) + ")"});
  if (s.proration == TimeUnit::BusinessDays && !in.business)
    issues.push_back(Issue{std::nullopt, "proration", "business_days", "needs a business calendar"});
  if (!issues.empty()) throw ValidationError("SC-QUOTA-INPUT", std::move(issues));

  // Validate rows, and sort them by (kind, subject, measure, period kind, first).
  const std::size_t teams = in.org.dictionary(AssignmentField::Team).size();
  for (std::size_t i = 0; i < n; ++i) {
    const int64_t row = int64_t(i);
    const bool person = q.subject_kind[i] == SubjectKind::Person;
    if (q.subject[i] < 0 || std::size_t(q.subject[i]) >= (person ? roster.size() : teams))
      issues.push_back(Issue{row, "subject", std::to_string(q.subject[i]),
                             person ? "not a roster index" : "not a team code"});
    if (q.amount[i] < 0)
      issues.push_back(Issue{row, "amount", std::to_string(q.amount[i]), "quotas must be >= 0"});
    if (!q.currency[i].valid()) issues.push_back(Issue{row, "currency", "", "missing currency"});
    if (q.period[i].last < q.period[i].first)
      issues.push_back(Issue{row, "period", q.period[i].label(), "ends before it starts"});
    if (person && in.ramp_of_person && issues.empty()) {
      const int32_t r = (*in.ramp_of_person)[std::size_t(q.subject[i])];
      if (r >= 0 && (!in.ramps || std::size_t(r) >= in.ramps->size()))
        issues.push_back(Issue{row, "ramp", std::to_string(r), "no such ramp schedule"});
      else if (r >= 0 && (*in.ramps)[std::size_t(r)].kind == RampSchedule::Kind::Absolute) {
        const RampSchedule& rs = (*in.ramps)[std::size_t(r)];
        if (q.period[i].kind != PeriodKind::Month)
          issues.push_back(Issue{
              row, "period", q.period[i].label(),
              "absolute ramps apply to monthly quotas only (person '" + roster.id(q.subject[i]) + "')"});
        if (!(rs.currency == q.currency[i]))
          issues.push_back(Issue{
              row, "currency", std::string(q.currency[i].code()),
              "absolute ramp of '" + roster.id(q.subject[i]) + "' is in " + std::string(rs.currency.code())});
      }
    }
  }
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  auto key = [&](uint32_t i) {
    return std::make_tuple(q.subject_kind[i], q.subject[i], q.measure[i], q.period[i].kind, q.period[i].first,
                           q.period[i].last);
  };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
  for (std::size_t k = 1; k < n; ++k)
    if (key(order[k]) == key(order[k - 1]))
      issues.push_back(Issue{int64_t(order[k]), "period", q.period[order[k]].label(),
                             "a second quota for the same subject, measure and period"});
  if (!issues.empty()) throw ValidationError("SC-QUOTA-INVALID", std::move(issues));

  // Relief rows matched to quota rows.
  std::map<std::tuple<SubjectKind, int32_t, int32_t, PeriodKind, int32_t>, std::size_t> row_of;
  for (std::size_t k = 0; k < n; ++k) {
    const uint32_t i = order[k];
    row_of[{q.subject_kind[i], q.subject[i], q.measure[i], q.period[i].kind, q.period[i].key()}] = k;
  }
  EffectiveQuotaTable out;
  out.relief.assign(n, 0);
  out.relief_reason.assign(n, {});
  if (in.relief) {
    const QuotaReliefTable& r = *in.relief;
    std::vector<int128> sums(n, 0);
    for (std::size_t j = 0; j < r.size(); ++j) {
      const int64_t row = int64_t(j);
      auto it =
          row_of.find({r.subject_kind[j], r.subject[j], r.measure[j], r.period_kind[j], r.period_key[j]});
      if (it == row_of.end()) {
        issues.push_back(
            Issue{row, "period_key", std::to_string(r.period_key[j]), "relief matches no quota row"});
        continue;
      }
      if (r.reason[j].empty()) issues.push_back(Issue{row, "reason", "", "relief needs a reason"});
      if (!(r.currency[j] == q.currency[order[it->second]]))
        issues.push_back(
            Issue{row, "currency", std::string(r.currency[j].code()), "differs from the quota's currency"});
      sums[it->second] += r.amount[j];
      auto& why = out.relief_reason[it->second];
      if (!why.empty()) why += "; ";
      why += r.reason[j];
    }
    for (std::size_t k = 0; k < n; ++k) {
      if (!detail::fits_int64(sums[k]))
        issues.push_back(Issue{std::nullopt, "relief", detail::to_string(sums[k]), "sum overflows"});
      else
        out.relief[k] = int64_t(sums[k]);
    }
    if (!issues.empty()) throw ValidationError("SC-QUOTA-RELIEF", std::move(issues));
  }

  out.subject_kind.resize(n);
  out.subject.resize(n);
  out.measure.resize(n);
  out.period.resize(n);
  out.currency.resize(n);
  out.base.resize(n);
  out.adjusted.resize(n);
  out.final_amount.resize(n);
  out.active_units.resize(n);
  out.total_units.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    const uint32_t i = order[k];
    const Period& p = q.period[i];
    out.subject_kind[k] = q.subject_kind[i];
    out.subject[k] = q.subject[i];
    out.measure[k] = q.measure[i];
    out.period[k] = p;
    out.currency[k] = q.currency[i];
    out.base[k] = q.amount[i];
    const TimeUnit unit = (s.proration == TimeUnit::Months && p.kind == PeriodKind::Week)
                              ? TimeUnit::CalendarDays
                              : s.proration;
    auto counts = [&](Date d) { return unit != TimeUnit::BusinessDays || in.business->is_business_day(d); };

    int64_t adjusted = q.amount[i];
    int32_t active = 0, total = 0;
    if (q.subject_kind[i] == SubjectKind::Team) {
      total = active = unit == TimeUnit::Months
                           ? int32_t(in.calendar.periods_between(p.first, p.last, PeriodKind::Month).size())
                       : unit == TimeUnit::BusinessDays ? in.business->count(p.first, p.last)
                                                        : p.days();
    } else {
      const int32_t person = q.subject[i];
      const RampSchedule* ramp = nullptr;
      if (in.ramp_of_person && (*in.ramp_of_person)[std::size_t(person)] >= 0)
        ramp = &(*in.ramps)[std::size_t((*in.ramp_of_person)[std::size_t(person)])];
      const QuotaDayValue value(in, s, person, q.amount[i], ramp);
      const bool untouched = value.untouched(p);
      if (untouched) {
        // Active for the whole period, past any ramp: the quota stands, no day walk.
        total = active = unit == TimeUnit::Months
                             ? int32_t(in.calendar.periods_between(p.first, p.last, PeriodKind::Month).size())
                         : unit == TimeUnit::BusinessDays ? in.business->count(p.first, p.last)
                                                          : p.days();
      } else if (unit == TimeUnit::Months) {
        // Σ_m (Σ_{d in m} value(d)) / len_m over M months, as one fraction with
        // the common denominator L = lcm(len_m).
        const auto months = in.calendar.periods_between(p.first, p.last, PeriodKind::Month);
        int64_t lcm = 1;
        for (const Period& m : months) lcm = std::lcm(lcm, int64_t(m.days()));
        int256 num = 0;
        for (const Period& m : months) {
          int128 sum = 0;
          bool all_active = true;
          const Date a = std::max(m.first, p.first), b = std::min(m.last, p.last);
          for (Date d = a; d <= b; d = d.plus_days(1)) {
            if (!untouched) sum += value.value(d);
            if (!value.active(d)) all_active = false;
          }
          if (all_active && a == m.first && b == m.last) ++active;
          num += int256(sum) * (lcm / m.days());
        }
        total = int32_t(months.size());
        if (!untouched)
          adjusted = narrow_quota(divide_rounded<int256>(num, int256(total) * lcm * Rate::kOne, s.rounding),
                                  person, p);
      } else {
        int128 sum = 0;
        for (Date d = p.first; d <= p.last; d = d.plus_days(1)) {
          if (!counts(d)) continue;
          ++total;
          if (value.active(d)) ++active;
          if (!untouched) sum += value.value(d);
        }
        if (!untouched) {
          if (total == 0)
            throw ValidationError("SC-QUOTA-NO-UNITS",
                                  Issue{int64_t(i), "period", p.label(), "has no business days"});
          adjusted = narrow_quota(divide_rounded<int256>(int256(sum), int256(total) * Rate::kOne, s.rounding),
                                  person, p);
        }
      }
    }
    out.adjusted[k] = adjusted;
    out.active_units[k] = active;
    out.total_units[k] = total;
    const int128 final_amount = int128(adjusted) - out.relief[k];
    if (final_amount < 0)
      issues.push_back(Issue{int64_t(i), "relief", std::to_string(out.relief[k]),
                             "relief exceeds the quota of " + std::string(to_string(q.subject_kind[i])) +
                                 " " + std::to_string(q.subject[i]) + " in " + p.label()});
    out.final_amount[k] = int64_t(final_amount);
  }
  if (!issues.empty()) throw ValidationError("SC-QUOTA-RELIEF", std::move(issues));
  return out;
}

}  // namespace salescomp
