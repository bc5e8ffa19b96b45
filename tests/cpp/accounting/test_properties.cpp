// Properties over seeded random books, for every combination of policy
// options: schedules sum to their assets, every roll-forward row reconciles,
// journals balance, and nothing depends on input row order.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

#include "accounting_fixtures.hpp"

namespace salescomp {
namespace {

using namespace salescomp::testing;

struct RandomBook {
  CommissionCostTable costs;
  AssetEventTable events;
  RevenueScheduleTable revenue;
};

Date add_days(Date d, int n) { return d.plus_days(n); }

RandomBook random_book(uint64_t seed, std::size_t lines, const AmortisationPolicy& policy) {
  std::mt19937_64 rng(seed);
  auto uni = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  const char* currencies[] = {"USD", "JPY", "KWD"};
  RandomBook b;
  const Date base = Date::parse("2025-01-01");
  for (std::size_t i = 0; i < lines; ++i) {
    const int64_t id = int64_t(i) * 7 + 3;
    const Date incurred = add_days(base, int(uni(0, 900)));
    const Date start = add_days(incurred, int(uni(-90, 90)));
    const int32_t term = int32_t(uni(1, 60));
    const bool incremental = uni(0, 99) < 85;
    const bool revenue = uni(0, 99) < 20;
    const int64_t amount = uni(0, 3) == 0 ? uni(1, 100) : uni(1, 1'000'000'000);
    b.costs.line_id.push_back(id);
    b.costs.person.push_back(int64_t(i % 13));
    b.costs.contract.push_back(int64_t(i / 2));
    b.costs.amount.push_back(amount);
    b.costs.currency.push_back(Currency::of(currencies[uni(0, 2)]));
    b.costs.incurred.push_back(incurred);
    b.costs.contract_start.push_back(start);
    b.costs.term_months.push_back(term);
    b.costs.kind.push_back(CostKind(uni(0, 2)));
    b.costs.incremental.push_back(incremental);
    b.costs.renewal_commensurate.push_back(uni(0, 1));
    b.costs.customer_life_months.push_back(uni(0, 1) ? 0 : int32_t(uni(1, 120)));
    b.costs.pattern.push_back(revenue ? AmortisationPattern::RevenueProportional
                                      : AmortisationPattern::StraightLine);
    // The first amortisation month as the book will decide it.
    const MonthIndex first =
        month_of(start) + (policy.month_convention == MonthConvention::NextMonth ? 1 : 0);
    if (revenue) {
      // Up to 200 months of weights (covers any life, extension or change),
      // the first one positive so every window has revenue.
      for (int k = 0; k < 200; ++k) {
        const int64_t w = k == 0 ? uni(1, 1000) : (uni(0, 9) == 0 ? 0 : uni(0, 1000));
        b.revenue.line_id.push_back(id);
        b.revenue.month.push_back(month_start(first + k).plus_days(int(uni(0, 27))));
        b.revenue.weight.push_back(w);
      }
    }
    // Events: dates after the incurred date; a termination, if any, last.
    const int n_events = uni(0, 99) < 40 ? int(uni(1, 3)) : 0;
    std::vector<Date> dates;
    for (int k = 0; k < n_events; ++k) dates.push_back(add_days(incurred, int(uni(0, 1500))));
    std::sort(dates.begin(), dates.end());
    const bool terminate = n_events > 0 && uni(0, 2) == 0;
    for (int k = 0; k < n_events; ++k) {
      AssetEventKind kind = AssetEventKind(uni(0, 2));
      if (terminate && k == n_events - 1) kind = AssetEventKind::Termination;
      // Keep the other kinds strictly before a termination's date.
      if (terminate && k < n_events - 1 && dates[std::size_t(k)] == dates.back())
        kind = AssetEventKind::Clawback;
      int64_t ev_amount = 0;
      int32_t months = 0;
      if (kind == AssetEventKind::Clawback) ev_amount = uni(1, std::max<int64_t>(1, amount / n_events));
      if (kind == AssetEventKind::Extension) months = int32_t(uni(1, 24));
      if (kind == AssetEventKind::ChangeInEstimate)
        months = int32_t(std::max<int64_t>(1, month_of(dates[std::size_t(k)]) - first + 1 + uni(0, 24)));
      b.events.line_id.push_back(id);
      b.events.kind.push_back(kind);
      b.events.date.push_back(dates[std::size_t(k)]);
      b.events.amount.push_back(ev_amount);
      b.events.months.push_back(months);
    }
  }
  return b;
}

template <class T>
std::vector<T> permute(const std::vector<T>& v, const std::vector<std::size_t>& p) {
  std::vector<T> out(v.size());
  for (std::size_t i = 0; i < p.size(); ++i) out[i] = v[p[i]];
  return out;
}

RandomBook shuffled(const RandomBook& b, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto perm = [&](std::size_t n) {
    std::vector<std::size_t> p(n);
    std::iota(p.begin(), p.end(), 0);
    std::shuffle(p.begin(), p.end(), rng);
    return p;
  };
  RandomBook s;
  const auto pc = perm(b.costs.size());
  const auto& c = b.costs;
  s.costs = {permute(c.line_id, pc),
             permute(c.person, pc),
             permute(c.contract, pc),
             permute(c.amount, pc),
             permute(c.currency, pc),
             permute(c.incurred, pc),
             permute(c.contract_start, pc),
             permute(c.term_months, pc),
             permute(c.kind, pc),
             permute(c.incremental, pc),
             permute(c.renewal_commensurate, pc),
             permute(c.customer_life_months, pc),
             permute(c.pattern, pc)};
  const auto pe = perm(b.events.size());
  const auto& e = b.events;
  s.events = {permute(e.line_id, pe), permute(e.kind, pe), permute(e.date, pe), permute(e.amount, pe),
              permute(e.months, pe)};
  const auto pr = perm(b.revenue.size());
  s.revenue = {permute(b.revenue.line_id, pr), permute(b.revenue.month, pr), permute(b.revenue.weight, pr)};
  return s;
}

std::vector<AmortisationPolicy> all_policies() {
  std::vector<AmortisationPolicy> out;
  for (auto convention :
       {MonthConvention::FullMonth, MonthConvention::NextMonth, MonthConvention::DailyProrated})
    for (auto remainder : {RemainderPlacement::LargestRemainder, RemainderPlacement::FinalPeriodPlug})
      for (auto termination : {TerminationTiming::AmortiseThenWriteOff, TerminationTiming::WriteOffAll})
        for (bool expedient : {false, true}) {
          AmortisationPolicy p;
          p.month_convention = convention, p.remainder = remainder, p.termination = termination;
          p.practical_expedient = expedient;
          p.annual_churn_rate = Rate::parse("0.15");  // 80 months
          out.push_back(p);
        }
  return out;
}

void check_book(const AmortisationBook& book, const CommissionCostTable& costs) {
  const AssetTable a = book.assets();
  const AmortisationSchedule s = book.schedule();
  const RollForwardTable rf = book.roll_forward();
  const JournalTable j = book.journal();

  // Every capitalised asset is used up exactly: amortised + reduced + written off.
  std::map<std::string, detail::int128> capitalised, expensed;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string ccy(a.currency[i].code());
    if (a.treatment[i] == CostTreatment::Capitalised) {
      ASSERT_EQ(a.amount[i], a.amortised[i] + a.reduced[i] + a.written_off[i]) << "line " << a.line_id[i];
      capitalised[ccy] += a.amount[i];
    } else {
      ASSERT_EQ(a.amortised[i] + a.reduced[i] + a.written_off[i], 0);
      expensed[ccy] += a.amount[i];
    }
  }
  ASSERT_TRUE(std::is_sorted(a.line_id.begin(), a.line_id.end()));
  ASSERT_EQ(a.size(), costs.size());

  // Schedule rows reconcile and chain.
  std::vector<int64_t> amortised(a.size(), 0);
  for (std::size_t i = 0; i < s.size(); ++i) {
    ASSERT_EQ(s.closing[i],
              s.opening[i] + s.addition[i] - s.reduction[i] - s.amortisation[i] - s.write_off[i]);
    ASSERT_GE(s.amortisation[i], 0);
    ASSERT_GE(s.write_off[i], 0);
    ASSERT_GE(s.closing[i], 0);
    ASSERT_GE(s.current[i], 0);
    ASSERT_LE(s.current[i], s.closing[i]);
    if (i > 0 && s.asset[i] == s.asset[i - 1]) {
      ASSERT_GT(s.month[i], s.month[i - 1]);
      if (s.month[i] == s.month[i - 1] + 1)
        ASSERT_EQ(s.opening[i], s.closing[i - 1]);
      else
        ASSERT_EQ(s.opening[i], 0);
    } else {
      ASSERT_EQ(s.opening[i], 0);
      if (i > 0) ASSERT_GT(s.asset[i], s.asset[i - 1]);
    }
    amortised[std::size_t(s.asset[i])] += s.amortisation[i];
  }
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(amortised[i], a.amortised[i]);

  // Roll-forward rows reconcile, chain, and add up to the assets.
  std::map<std::string, detail::int128> additions, expensed_rf;
  for (std::size_t i = 0; i < rf.size(); ++i) {
    ASSERT_EQ(rf.closing[i],
              rf.opening[i] + rf.additions[i] - rf.reductions[i] - rf.amortisation[i] - rf.write_offs[i]);
    ASSERT_EQ(rf.closing[i], rf.current[i] + rf.non_current[i]);
    ASSERT_GE(rf.non_current[i], 0);
    if (i > 0 && rf.currency[i] == rf.currency[i - 1]) {
      ASSERT_EQ(rf.month[i], rf.month[i - 1] + 1);
      ASSERT_EQ(rf.opening[i], rf.closing[i - 1]);
    } else {
      ASSERT_EQ(rf.opening[i], 0);
      if (i > 0) ASSERT_EQ(rf.closing[i - 1], 0);  // every asset is used up by the end
    }
    additions[std::string(rf.currency[i].code())] += rf.additions[i];
    expensed_rf[std::string(rf.currency[i].code())] += rf.expensed_as_incurred[i];
  }
  ASSERT_EQ(rf.closing.back(), 0);
  ASSERT_EQ(additions, capitalised);
  ASSERT_EQ(expensed_rf, expensed);

  // Journal: each entry and each (currency, month) balances; the amortisation
  // posted equals the roll-forward's.
  std::map<int32_t, detail::int128> by_entry;
  std::map<std::pair<std::string, MonthIndex>, detail::int128> by_period, amortisation_posted;
  for (std::size_t i = 0; i < j.size(); ++i) {
    ASSERT_TRUE((j.debit[i] == 0) != (j.credit[i] == 0));
    const auto key = std::pair(std::string(j.currency[i].code()), j.month[i]);
    by_entry[j.entry[i]] += j.debit[i] - j.credit[i];
    by_period[key] += j.debit[i] - j.credit[i];
    if (j.kind[i] == JournalEntryKind::Amortisation) amortisation_posted[key] += j.debit[i];
  }
  for (const auto& [entry, net] : by_entry) ASSERT_EQ(net, 0) << "entry " << entry;
  for (const auto& [period, net] : by_period) ASSERT_EQ(net, 0);
  for (std::size_t i = 0; i < rf.size(); ++i) {
    const auto key = std::pair(std::string(rf.currency[i].code()), rf.month[i]);
    const auto it = amortisation_posted.find(key);
    ASSERT_EQ(it == amortisation_posted.end() ? 0 : int64_t(it->second), rf.amortisation[i]);
  }
}

TEST(Properties, EveryPolicyReconcilesExactly) {
  uint64_t seed = 1;
  for (const AmortisationPolicy& p : all_policies()) {
    SCOPED_TRACE("policy " + std::string(to_string(p.month_convention)) + " " +
                 std::string(to_string(p.remainder)) + " " + std::string(to_string(p.termination)) +
                 (p.practical_expedient ? " expedient" : ""));
    const RandomBook b = random_book(seed++, 400, p);
    const AmortisationBook book(b.costs, b.events, b.revenue, p);
    check_book(book, b.costs);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(Properties, ResultsDoNotDependOnInputRowOrder) {
  for (const AmortisationPolicy& p : all_policies()) {
    const RandomBook b = random_book(99, 300, p);
    const RandomBook s = shuffled(b, 7);
    const AmortisationBook x(b.costs, b.events, b.revenue, p), y(s.costs, s.events, s.revenue, p);
    const AmortisationSchedule sx = x.schedule(), sy = y.schedule();
    ASSERT_EQ(sx.asset, sy.asset);
    ASSERT_EQ(sx.month, sy.month);
    ASSERT_EQ(sx.amortisation, sy.amortisation);
    ASSERT_EQ(sx.closing, sy.closing);
    ASSERT_EQ(sx.current, sy.current);
    const AssetTable ax = x.assets(), ay = y.assets();
    ASSERT_EQ(ax.line_id, ay.line_id);
    ASSERT_EQ(ax.person, ay.person);
    ASSERT_EQ(ax.expense_credit, ay.expense_credit);
    const RollForwardTable rx = x.roll_forward(), ry = y.roll_forward();
    ASSERT_EQ(rx.closing, ry.closing);
    ASSERT_EQ(rx.expense_credits, ry.expense_credits);
  }
}

TEST(Properties, StraightLineMatchesTheClosedForm) {
  // Independent oracle without events, FullMonth, LargestRemainder: month k of
  // P gets floor(A / P) plus one cent for k < A mod P; months before the
  // incurred month are caught up in it.
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 500; ++trial) {
    const int64_t amount = std::uniform_int_distribution<int64_t>(1, 5'000'000'000)(rng);
    const int32_t term = int32_t(std::uniform_int_distribution<int>(13, 72)(rng));
    const int32_t late =
        int32_t(std::uniform_int_distribution<int>(0, 5)(rng));  // months incurred after start
    const MonthIndex start = month("2026-01-01");
    const std::string incurred = month_start(start + late).plus_days(9).to_string();
    const auto book = make_book({{.amount = amount, .incurred = incurred.c_str(), .term = term}});
    std::vector<int64_t> expected;
    int64_t catch_up = 0;
    for (int32_t k = 0; k < term; ++k) {
      const int64_t share = amount / term + (k < amount % term ? 1 : 0);
      if (k < late)
        catch_up += share;
      else if (k == std::min(late, term - 1))
        expected.push_back(catch_up + share);
      else
        expected.push_back(share);
    }
    ASSERT_EQ(amortisation_of(book, 1), expected) << amount << " / " << term << " late " << late;
  }
}

}  // namespace
}  // namespace salescomp

namespace salescomp {
namespace {

TEST(Spread, EqualWeightFastPathMatchesAllocateMinorInto) {
  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 20000; ++trial) {
    const std::size_t n = std::size_t(std::uniform_int_distribution<int>(1, 130)(rng));
    const int64_t w = std::uniform_int_distribution<int64_t>(1, 40)(rng);
    int64_t total = std::uniform_int_distribution<int64_t>(-2'000'000, 2'000'000)(rng);
    if (trial % 7 == 0) total = std::uniform_int_distribution<int64_t>(-5, 5)(rng);
    if (trial == 1) total = INT64_MAX;
    if (trial == 2) total = INT64_MIN + 1;
    const std::vector<int64_t> weights(n, w);
    std::vector<int64_t> fast(n), reference(n);
    spread_minor(total, weights, RemainderPlacement::LargestRemainder, fast);
    allocate_minor_into(total, weights, reference);
    ASSERT_EQ(fast, reference) << "total " << total << " n " << n;
  }
}

TEST(Spread, FinalPeriodPlugNeverHasTheWrongSign) {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 5000; ++trial) {
    const std::size_t n = std::size_t(std::uniform_int_distribution<int>(1, 60)(rng));
    std::vector<int64_t> weights(n);
    for (auto& w : weights) w = std::uniform_int_distribution<int64_t>(0, 1000)(rng);
    weights[0] = 1;
    const int64_t total = std::uniform_int_distribution<int64_t>(-100000, 100000)(rng);
    std::vector<int64_t> out(n);
    spread_minor(total, weights, RemainderPlacement::FinalPeriodPlug, out);
    int64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      sum += out[i];
      if (total >= 0)
        ASSERT_GE(out[i], 0);
      else
        ASSERT_LE(out[i], 0);
      if (weights[i] == 0) ASSERT_EQ(out[i], 0);
    }
    ASSERT_EQ(sum, total);
  }
}

}  // namespace
}  // namespace salescomp
