#include "salescomp/quota/attainment.hpp"

#include <algorithm>
#include <exception>
#include <limits>
#include <map>
#include <numeric>
#include <thread>
#include <tuple>

#include "salescomp/core/error.hpp"
#include "salescomp/core/exact_compare.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

namespace {

using detail::int128;

struct AttainmentQuotaRow {
  SubjectKind kind;
  int32_t subject;
  int32_t measure;
  Period period;
  Currency currency;
  int64_t quota;
};

int64_t narrow_attainment(int128 v, const char* what) {
  if (!detail::fits_int64(v))
    throw OverflowError("SC-OVERFLOW",
                        std::string(what) + " " + detail::to_string(v) + " does not fit in 64 bits");
  return int64_t(v);
}

// credited / quota to 12 places, HalfEven, for display only. Beyond Rate's
// range (a tiny quota against a large credit: above about 9.2 million) it
// saturates at the largest (smallest) Rate instead of failing the table: the
// decisions (attained, distributions) never read it.
Rate attainment_display_ratio(int64_t credited, int64_t quota) {
  if (quota <= 0) return Rate();
  const int128 scaled = divide_rounded<int128>(int128(credited) * Rate::kOne, quota, RoundingMode::HalfEven);
  if (scaled > std::numeric_limits<int64_t>::max())
    return Rate::from_raw(std::numeric_limits<int64_t>::max());
  if (scaled < std::numeric_limits<int64_t>::min())
    return Rate::from_raw(std::numeric_limits<int64_t>::min());
  return Rate::from_raw(int64_t(scaled));
}

// The credits counted for each team (depth 0, of the team kinds, the team of
// the person on the credit date) as indexes into c, each list by date with
// ties in credit order. A stable counting sort by date, then a stable
// distribution by team: linear, where sorting every team's list merged its
// members' dated runs. Dates spread beyond 16 days a credit sort instead.
std::vector<std::vector<uint32_t>> team_credit_lists(const CreditTable& c, const Organisation& org,
                                                     std::size_t teams, uint16_t team_kinds) {
  std::vector<uint32_t> credit;  // counted credits, in credit order
  std::vector<int32_t> team;     // their teams
  for (std::size_t k = 0; k < c.size(); ++k) {
    if (c.depth[k] != 0 || !(team_kinds & credit_kind_bit(c.kind[k]))) continue;
    const int32_t t = org.as_of(c.person[k], AssignmentField::Team, c.date[k]);
    if (t < 0) continue;
    credit.push_back(uint32_t(k));
    team.push_back(t);
  }
  std::vector<std::vector<uint32_t>> lists(teams);
  if (credit.empty()) return lists;
  const auto [lo, hi] = std::minmax_element(credit.begin(), credit.end(),
                                            [&](uint32_t a, uint32_t b) { return c.date[a] < c.date[b]; });
  const std::size_t span = std::size_t(c.date[*hi] - c.date[*lo]) + 1;
  const int32_t first = c.date[*lo].days();
  std::vector<uint32_t> by_date(credit.size());  // positions in `credit`, by date, stable
  if (span <= 16 * credit.size() + 4096) {
    std::vector<std::size_t> next(span + 1, 0);
    for (uint32_t k : credit) ++next[std::size_t(c.date[k].days() - first) + 1];
    std::partial_sum(next.begin(), next.end(), next.begin());
    for (std::size_t i = 0; i < credit.size(); ++i)
      by_date[next[std::size_t(c.date[credit[i]].days() - first)]++] = uint32_t(i);
  } else {
    std::iota(by_date.begin(), by_date.end(), 0u);
    std::stable_sort(by_date.begin(), by_date.end(),
                     [&](uint32_t a, uint32_t b) { return c.date[credit[a]] < c.date[credit[b]]; });
  }
  std::vector<std::size_t> size(teams, 0);
  for (int32_t t : team) ++size[std::size_t(t)];
  for (std::size_t t = 0; t < teams; ++t) lists[t].reserve(size[t]);
  for (uint32_t i : by_date) lists[std::size_t(team[i])].push_back(credit[i]);
  return lists;
}

// Runs task(from, to, issues) over contiguous ranges of [0, n) on up to
// `threads` threads; each range's issues are appended to `issues` in range
// order and the first range's exception is rethrown: what one thread gives.
template <class Task>
void run_in_ranges(std::size_t n, int threads, Task& task, std::vector<Issue>& issues) {
  const std::size_t parts =
      std::max<std::size_t>(1, std::min<std::size_t>(std::size_t(std::max(threads, 1)), n / 1024 + 1));
  std::vector<std::vector<Issue>> found(parts);
  std::vector<std::exception_ptr> errors(parts);
  auto run = [&](std::size_t p) {
    try {
      task(n * p / parts, n * (p + 1) / parts, found[p]);
    } catch (...) {
      errors[p] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t p = 1; p < parts; ++p) pool.emplace_back(run, p);
  run(0);
  for (auto& t : pool) t.join();
  for (std::size_t p = 0; p < parts; ++p) {
    if (errors[p]) std::rethrow_exception(errors[p]);
    issues.insert(issues.end(), found[p].begin(), found[p].end());
  }
}

}  // namespace

AttainmentTable compute_attainment(const CreditTable& c, const EffectiveQuotaTable& q,
                                   const Organisation& org, const FiscalCalendar& calendar,
                                   const AttainmentSettings& s) {
  const std::size_t people = org.size();
  const std::size_t teams = org.dictionary(AssignmentField::Team).size();
  // A person's credits are contiguous and dated in order (the CreditTable contract).
  std::vector<std::size_t> start(people + 1, 0);
  for (std::size_t k = 0; k < c.size(); ++k) {
    if (c.person[k] < 0 || std::size_t(c.person[k]) >= people)
      throw ValidationError("SC-ATTAIN-CREDITS",
                            Issue{int64_t(k), "person", std::to_string(c.person[k]), "not a roster index"});
    if (k > 0 &&
        (c.person[k] < c.person[k - 1] || (c.person[k] == c.person[k - 1] && c.date[k] < c.date[k - 1])))
      throw ValidationError("SC-ATTAIN-CREDITS",
                            Issue{int64_t(k), "person", std::to_string(c.person[k]),
                                  "credits must be sorted by (person, date), as crediting produces them"});
    ++start[std::size_t(c.person[k]) + 1];
  }
  for (std::size_t p = 0; p < people; ++p) start[p + 1] += start[p];

  const std::vector<std::vector<uint32_t>> team_credits = team_credit_lists(c, org, teams, s.team_kinds);

  // The rows to report: the effective quotas plus derived team quotas.
  std::vector<AttainmentQuotaRow> rows;
  rows.reserve(q.size());
  using Key = std::tuple<SubjectKind, int32_t, int32_t, PeriodKind, Date, Date>;
  std::map<Key, std::size_t> explicit_team;
  for (std::size_t i = 0; i < q.size(); ++i) {
    rows.push_back(AttainmentQuotaRow{q.subject_kind[i], q.subject[i], q.measure[i], q.period[i],
                                      q.currency[i], q.final_amount[i]});
    if (q.subject_kind[i] == SubjectKind::Team)
      explicit_team[{SubjectKind::Team, q.subject[i], q.measure[i], q.period[i].kind, q.period[i].first,
                     q.period[i].last}] = i;
  }
  std::vector<Issue> issues;
  if (s.team_quota == TeamQuotaSource::SumOfMembers) {
    std::map<Key, std::pair<int128, Currency>> derived;
    for (std::size_t i = 0; i < q.size(); ++i) {
      if (q.subject_kind[i] != SubjectKind::Person) continue;
      const int32_t t = org.as_of(q.subject[i], AssignmentField::Team, q.period[i].last);
      if (t < 0) continue;
      const Key key{SubjectKind::Team, t, q.measure[i], q.period[i].kind, q.period[i].first,
                    q.period[i].last};
      if (explicit_team.count(key)) continue;
      auto [it, fresh] = derived.emplace(key, std::make_pair(int128(0), q.currency[i]));
      if (!(it->second.second == q.currency[i]))
        issues.push_back(Issue{int64_t(i), "currency", std::string(q.currency[i].code()),
                               "team '" + org.dictionary(AssignmentField::Team)[std::size_t(t)] +
                                   "' has member quotas in " + std::string(it->second.second.code()) +
                                   " and " + std::string(q.currency[i].code()) + " in " +
                                   q.period[i].label()});
      it->second.first += q.final_amount[i];
      (void)fresh;
    }
    for (const auto& [key, v] : derived)
      rows.push_back(AttainmentQuotaRow{SubjectKind::Team, std::get<1>(key), std::get<2>(key),
                                        Period{std::get<3>(key), 0, 0, std::get<4>(key), std::get<5>(key)},
                                        v.second, narrow_attainment(v.first, "team quota")});
  }
  // Derived rows need their fiscal year and number back.
  for (AttainmentQuotaRow& r : rows)
    if (r.period.fiscal_year == 0) {
      const Period p = calendar.period_of(r.period.first, r.period.kind);
      if (p.first == r.period.first && p.last == r.period.last)
        r.period = p;
      else
        r.period.fiscal_year = calendar.fiscal_year_of(r.period.first);
    }
  std::sort(rows.begin(), rows.end(), [](const AttainmentQuotaRow& a, const AttainmentQuotaRow& b) {
    return std::tie(a.kind, a.subject, a.measure, a.period.kind, a.period.first, a.period.last) <
           std::tie(b.kind, b.subject, b.measure, b.period.kind, b.period.first, b.period.last);
  });

  AttainmentTable out;
  const std::size_t n = rows.size();
  out.subject_kind.resize(n);
  out.subject.resize(n);
  out.measure.resize(n);
  out.period.resize(n);
  out.currency.resize(n);
  out.credited.resize(n);
  out.quota.resize(n);
  out.attainment.resize(n);
  out.attained.resize(n);
  out.qtd_credited.resize(n);
  out.qtd_quota.resize(n);
  out.ytd_credited.resize(n);
  out.ytd_quota.resize(n);
  out.qtd_attainment.resize(n);
  out.ytd_attainment.resize(n);
  out.credit_count.resize(n);

  // Credits rows [from, to): each row's credits in its period (a person's are contiguous
  // and dated in order; a team's are its list), their sum and count. Currency mismatches go
  // to `found`, in row order.
  auto credit_rows = [&](std::size_t from, std::size_t to, std::vector<Issue>& found) {
    int128 sum = 0;
    int32_t count = 0;
    // Adds credit k to the row's total when its measure and kind count.
    auto add = [&](std::size_t k, const AttainmentQuotaRow& r, uint16_t kinds) {
      if (c.measure.empty() ? r.measure != 0 : c.measure[k] != r.measure) return;
      if (!(kinds & credit_kind_bit(c.kind[k]))) return;
      if (!(c.currency[k] == r.currency)) {
        found.push_back(Issue{int64_t(k), "currency", std::string(c.currency[k].code()),
                              "credit of person '" + org.roster().id(c.person[k]) +
                                  "' is not in the quota currency " + std::string(r.currency.code()) + " (" +
                                  r.period.label() + ")"});
        return;
      }
      sum += c.amount[k];
      ++count;
    };
    for (std::size_t i = from; i < to; ++i) {
      const AttainmentQuotaRow& r = rows[i];
      const Date last = s.through && *s.through < r.period.last ? *s.through : r.period.last;
      sum = 0;
      count = 0;
      if (r.kind == SubjectKind::Person) {
        const auto first = c.date.begin() + std::ptrdiff_t(start[std::size_t(r.subject)]);
        const auto end = c.date.begin() + std::ptrdiff_t(start[std::size_t(r.subject) + 1]);
        const auto lo = std::lower_bound(first, end, r.period.first);
        const auto hi = std::upper_bound(lo, end, last);
        for (auto k = std::size_t(lo - c.date.begin()); k < std::size_t(hi - c.date.begin()); ++k)
          add(k, r, s.person_kinds);
      } else {
        const auto& v = team_credits[std::size_t(r.subject)];
        auto lo = std::lower_bound(v.begin(), v.end(), r.period.first,
                                   [&](uint32_t k, Date d) { return c.date[k] < d; });
        auto hi = std::upper_bound(lo, v.end(), last, [&](Date d, uint32_t k) { return d < c.date[k]; });
        for (auto it = lo; it != hi; ++it) add(*it, r, 0xFFFF);
      }
      out.credited[i] = narrow_attainment(sum, "credited");
      out.credit_count[i] = count;
      out.subject_kind[i] = r.kind;
      out.subject[i] = r.subject;
      out.measure[i] = r.measure;
      out.period[i] = r.period;
      out.currency[i] = r.currency;
      out.quota[i] = r.quota;
    }
  };
  run_in_ranges(n, s.threads, credit_rows, issues);
  if (!issues.empty()) throw ValidationError("SC-ATTAIN-CURRENCY", std::move(issues));

  // Cumulative figures within (subject, measure, period kind, fiscal year / quarter).
  for (std::size_t i = 0; i < n; ++i) {
    const AttainmentQuotaRow& r = rows[i];
    const bool same_group = i > 0 && rows[i - 1].kind == r.kind && rows[i - 1].subject == r.subject &&
                            rows[i - 1].measure == r.measure && rows[i - 1].period.kind == r.period.kind;
    const bool same_year = same_group && rows[i - 1].period.fiscal_year == r.period.fiscal_year;
    const bool short_period = r.period.kind == PeriodKind::Week || r.period.kind == PeriodKind::Month;
    const bool same_quarter = same_year && short_period &&
                              calendar.period_of(rows[i - 1].period.first, PeriodKind::Quarter).number ==
                                  calendar.period_of(r.period.first, PeriodKind::Quarter).number;
    out.ytd_credited[i] = same_year
                              ? narrow_attainment(int128(out.ytd_credited[i - 1]) + out.credited[i], "ytd")
                              : out.credited[i];
    out.ytd_quota[i] =
        same_year ? narrow_attainment(int128(out.ytd_quota[i - 1]) + out.quota[i], "ytd") : out.quota[i];
    out.qtd_credited[i] = same_quarter
                              ? narrow_attainment(int128(out.qtd_credited[i - 1]) + out.credited[i], "qtd")
                              : out.credited[i];
    out.qtd_quota[i] =
        same_quarter ? narrow_attainment(int128(out.qtd_quota[i - 1]) + out.quota[i], "qtd") : out.quota[i];
    out.attainment[i] = attainment_display_ratio(out.credited[i], out.quota[i]);
    out.qtd_attainment[i] = attainment_display_ratio(out.qtd_credited[i], out.qtd_quota[i]);
    out.ytd_attainment[i] = attainment_display_ratio(out.ytd_credited[i], out.ytd_quota[i]);
    // Exact: credited >= quota, without any rounded ratio.
    out.attained[i] = out.quota[i] > 0 ? compare_ratio(out.credited[i], out.quota[i], Rate::from_int(1)) >= 0
                                       : out.credited[i] >= 0;
  }
  return out;
}

}  // namespace salescomp
