#include <gtest/gtest.h>

#include <map>
#include <salescomp/credit/crediting.hpp>
#include <salescomp/data/synthetic.hpp>
#include <salescomp/quota/attainment.hpp>
#include <salescomp/quota/effective_quota.hpp>

using namespace salescomp;

namespace {
struct World {
  SyntheticData d;
  CreditTable credits;
  EffectiveQuotaTable quotas;
};

World world() {
  SyntheticSpec spec;
  spec.people = 300;
  spec.deals = 5000;
  spec.manager_move_percent = 25;
  spec.seed = 11;
  World w{make_synthetic(spec), {}, {}};
  CreditingSources src;
  src.splits = &w.d.splits;
  src.fx = &w.d.fx;
  src.calendar = &w.d.calendar;
  w.credits = credit_deals(w.d.deals, w.d.org, w.d.rules, CreditingSettings{}, src);
  w.quotas = effective_quotas(w.d.quotas, QuotaInputs{w.d.org, w.d.calendar});
  return w;
}
}  // namespace

TEST(AttainmentProperties, TeamTotalsEqualTheSumOfTheirMembersCredits) {
  const World w = world();
  const AttainmentTable a = compute_attainment(w.credits, w.quotas, w.d.org, w.d.calendar);
  // Per month: Σ team credited = Σ direct/split credits of people who had a team on the credit date.
  std::map<int32_t, int64_t> teams, members, persons, person_credits;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a.subject_kind[i] == SubjectKind::Team)
      teams[a.period[i].key()] += a.credited[i];
    else
      persons[a.period[i].key()] += a.credited[i];
  }
  for (std::size_t k = 0; k < w.credits.size(); ++k) {
    person_credits[w.credits.period[k]] += w.credits.amount[k];
    const bool counts =
        w.credits.kind[k] == CreditKind::Direct || w.credits.kind[k] == CreditKind::RevenueSplit;
    if (counts && w.d.org.as_of(w.credits.person[k], AssignmentField::Team, w.credits.date[k]) >= 0)
      members[w.credits.period[k]] += w.credits.amount[k];
  }
  ASSERT_EQ(teams.size(), 12u);
  EXPECT_EQ(teams, members);
  // Every person has a quota every month, so the person rows hold every credit.
  EXPECT_EQ(persons, person_credits);
}

TEST(AttainmentProperties, YearToDateIsTheSumOfTheMonths) {
  const World w = world();
  const AttainmentTable a = compute_attainment(w.credits, w.quotas, w.d.org, w.d.calendar);
  std::map<std::pair<int, int32_t>, std::pair<int64_t, int64_t>> sums;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto& s = sums[{int(a.subject_kind[i]), a.subject[i]}];
    s.first += a.credited[i];
    s.second += a.quota[i];
    EXPECT_EQ(a.ytd_credited[i], s.first);
    EXPECT_EQ(a.ytd_quota[i], s.second);
    // The exact decision agrees with the exact comparison of the integers.
    EXPECT_EQ(a.attained[i] == 1, a.credited[i] >= a.quota[i]);
  }
}

TEST(AttainmentProperties, TeamTotalsHoldWhenDatesAreTooSpreadToCount) {
  // Team credits are ordered by a counting sort over their dates, or by a sort when one
  // lies far away (here a century after the others, beyond 16 days a credit): the team
  // totals still equal their members' credits (as in the test above).
  SyntheticSpec spec;
  spec.people = 60;
  spec.deals = 200;
  spec.seed = 5;
  const SyntheticData d = make_synthetic(spec);
  CreditingSources src;
  src.splits = &d.splits;
  src.fx = &d.fx;
  src.calendar = &d.calendar;
  CreditTable c = credit_deals(d.deals, d.org, d.rules, CreditingSettings{}, src);
  const EffectiveQuotaTable quotas = effective_quotas(d.quotas, QuotaInputs{d.org, d.calendar});
  // The last credit (its person's latest) becomes a direct credit 100 years on: out of
  // every quota period, but in the team lists' dates.
  const std::size_t moved = c.size() - 1;
  c.date[moved] = c.date[moved].plus_days(36525);
  c.kind[moved] = CreditKind::Direct;
  c.depth[moved] = 0;
  ASSERT_GE(d.org.as_of(c.person[moved], AssignmentField::Team, c.date[moved]), 0);
  const AttainmentTable a = compute_attainment(c, quotas, d.org, d.calendar);
  std::map<int32_t, int64_t> teams, members;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a.subject_kind[i] == SubjectKind::Team) teams[a.period[i].key()] += a.credited[i];
  for (std::size_t k = 0; k + 1 < c.size(); ++k) {
    const bool counts =
        (c.kind[k] == CreditKind::Direct || c.kind[k] == CreditKind::RevenueSplit) && c.depth[k] == 0;
    if (counts && d.org.as_of(c.person[k], AssignmentField::Team, c.date[k]) >= 0)
      members[c.period[k]] += c.amount[k];
  }
  ASSERT_EQ(teams.size(), 12u);
  EXPECT_EQ(teams, members);
}

TEST(AttainmentProperties, AnyThreadCountGivesTheSameTableAndTheSameErrors) {
  World w = world();
  const AttainmentTable one = compute_attainment(w.credits, w.quotas, w.d.org, w.d.calendar);
  ASSERT_GT(one.size(), 3u * 1024);  // rows for several ranges (at least 1,024 a range)
  for (int threads : {2, 3, 8}) {
    AttainmentSettings s;
    s.threads = threads;
    const AttainmentTable many = compute_attainment(w.credits, w.quotas, w.d.org, w.d.calendar, s);
    EXPECT_EQ(many.credited, one.credited) << threads;
    EXPECT_EQ(many.credit_count, one.credit_count) << threads;
    EXPECT_EQ(many.subject, one.subject) << threads;
    EXPECT_EQ(many.ytd_credited, one.ytd_credited) << threads;
  }
  // Credits in another currency than their quotas: the same issues, in the same order.
  for (std::size_t k = 0; k < w.credits.size(); k += 997) w.credits.currency[k] = Currency::of("JPY");
  auto issues = [&](int threads) {
    AttainmentSettings s;
    s.threads = threads;
    try {
      (void)compute_attainment(w.credits, w.quotas, w.d.org, w.d.calendar, s);
    } catch (const ValidationError& e) {
      std::vector<std::pair<int64_t, std::string>> out;
      for (const Issue& i : e.issues()) out.emplace_back(i.row.value_or(-1), i.rule);
      return out;
    }
    return std::vector<std::pair<int64_t, std::string>>{};
  };
  const auto expected = issues(1);
  EXPECT_GT(expected.size(), 10u);
  EXPECT_EQ(issues(2), expected);
  EXPECT_EQ(issues(5), expected);
}
