#include <gtest/gtest.h>

#include <limits>

#include <salescomp/credit/crediting.hpp>
#include <salescomp/quota/attainment.hpp>
#include <salescomp/quota/distribution.hpp>
#include <salescomp/quota/effective_quota.hpp>
#include <salescomp/quota/pacing.hpp>

using namespace salescomp;

namespace {
Date D(const char* s) { return Date::parse(s); }
const Currency USD = Currency::of("USD");
const FiscalCalendar CAL(1);
Period month(int m) { return CAL.period(2026, PeriodKind::Month, m); }

// 0 boss; 1 "new" starts 2026-01-15; 2 "leaver" ends 2026-02-10; 3 "away" on leave Mar 1..15;
// 4 "steady". Teams: 1 and 4 in "alpha"; 2 and 3 in "beta".
Organisation org5() {
  Roster r;
  r.add("boss", Role::SalesManager, D("2020-01-01"), std::nullopt, USD);
  r.add("new", Role::AccountExecutive, D("2026-01-15"), std::nullopt, USD);
  r.add("leaver", Role::AccountExecutive, D("2020-01-01"), D("2026-02-10"), USD);
  r.add("away", Role::AccountExecutive, D("2020-01-01"), std::nullopt, USD);
  r.add("steady", Role::AccountExecutive, D("2020-01-01"), std::nullopt, USD);
  r.add_leave(3, D("2026-03-01"), D("2026-03-15"));
  AssignmentColumns a;
  for (auto [p, t] : {std::pair{"new", "alpha"}, {"leaver", "beta"}, {"away", "beta"}, {"steady", "alpha"}}) {
    a.person_id.push_back(p);
    a.field.push_back(AssignmentField::Team);
    a.value.push_back(t);
    a.from.push_back(D("2020-01-01"));
    a.to.push_back(std::nullopt);
    a.person_id.push_back(p);
    a.field.push_back(AssignmentField::Manager);
    a.value.push_back("boss");
    a.from.push_back(D("2020-01-01"));
    a.to.push_back(std::nullopt);
  }
  return Organisation(std::move(r), a);
}

int64_t adjusted_of(const EffectiveQuotaTable& t, int32_t person, const Period& p) {
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t.subject_kind[i] == SubjectKind::Person && t.subject[i] == person && t.period[i] == p)
      return t.adjusted[i];
  ADD_FAILURE() << "no row";
  return -1;
}
}  // namespace

TEST(QuotaSpread, EvenAndSeasonalPartsSumExactly) {
  QuotaTable q;
  // 1,000,000.01 over 12 months: 100000001 / 12 = 8333333 rem 5: the first five months get a cent more.
  spread_annual_quota(q, SubjectKind::Person, 0, 0, 100000001, USD, CAL, 2026, PeriodKind::Month);
  ASSERT_EQ(q.size(), 12u);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(q.amount[std::size_t(i)], i < 5 ? 8333334 : 8333333);
  QuotaTable s;
  const std::vector<Rate> w = {Rate::parse("0.1"), Rate::parse("0.2"), Rate::parse("0.3"),
                               Rate::parse("0.4")};
  spread_annual_quota(s, SubjectKind::Person, 0, 0, 100000, USD, CAL, 2026, PeriodKind::Quarter, w);
  EXPECT_EQ(s.amount, (std::vector<int64_t>{10000, 20000, 30000, 40000}));
  EXPECT_THROW(spread_annual_quota(s, SubjectKind::Person, 0, 0, 1, USD, CAL, 2026, PeriodKind::Month, w),
               ValidationError);
}

TEST(EffectiveQuota, PercentRampByTenureMonth) {
  const Organisation org = org5();
  // "new" starts Jan 15 with a 0% / 50% / 100% ramp; monthly quota 3,100.00.
  // Tenure month 1 = Jan 15..Feb 14 (0%), month 2 = Feb 15..Mar 14 (50%), month 3 = Mar 15..Apr 14 (100%).
  QuotaTable q;
  for (int m = 1; m <= 4; ++m) q.add(SubjectKind::Person, 1, 0, month(m), 310000, USD);
  const std::vector<RampSchedule> ramps = {
      RampSchedule::percents({Rate::parse("0"), Rate::parse("0.5"), Rate::parse("1")})};
  std::vector<int32_t> ramp_of(org.size(), -1);
  ramp_of[1] = 0;
  QuotaInputs in{org, CAL};
  in.ramps = &ramps;
  in.ramp_of_person = &ramp_of;
  const EffectiveQuotaTable t = effective_quotas(q, in);
  EXPECT_EQ(adjusted_of(t, 1, month(1)), 0);       // not employed Jan 1..14, 0% Jan 15..31
  EXPECT_EQ(adjusted_of(t, 1, month(2)), 77500);   // 310000 x (14 x 0 + 14 x 0.5) / 28 = 77500
  EXPECT_EQ(adjusted_of(t, 1, month(3)), 240000);  // 310000 x (14 x 0.5 + 17 x 1) / 31 = 310000 x 24/31
  EXPECT_EQ(adjusted_of(t, 1, month(4)), 310000);
}

TEST(EffectiveQuota, AbsoluteRampReplacesTheQuota) {
  const Organisation org = org5();
  QuotaTable q;
  q.add(SubjectKind::Person, 1, 0, month(2), 310000, USD);
  q.add(SubjectKind::Person, 1, 0, month(3), 310000, USD);
  // Tenure months 1 and 2 carry 1,000.00 and 2,000.00.
  // Feb: (14 days x 100000 + 14 days x 200000) / 28 = 150000.
  // Mar: (14 x 200000 + 17 x 310000) / 31 = (2800000 + 5270000) / 31 = 260322.58 -> 260323.
  const std::vector<RampSchedule> ramps = {RampSchedule::absolute({100000, 200000}, USD)};
  std::vector<int32_t> ramp_of(org.size(), -1);
  ramp_of[1] = 0;
  QuotaInputs in{org, CAL};
  in.ramps = &ramps;
  in.ramp_of_person = &ramp_of;
  const EffectiveQuotaTable t = effective_quotas(q, in);
  EXPECT_EQ(adjusted_of(t, 1, month(2)), 150000);
  EXPECT_EQ(adjusted_of(t, 1, month(3)), 260323);
  QuotaTable quarterly;
  quarterly.add(SubjectKind::Person, 1, 0, CAL.period(2026, PeriodKind::Quarter, 1), 1, USD);
  EXPECT_THROW(effective_quotas(quarterly, in), ValidationError);
}

TEST(EffectiveQuota, ProrationByEachUnit) {
  const Organisation org = org5();
  // "leaver" ends Tue 2026-02-10; Q1 quota 90,000.00.
  QuotaTable q;
  const Period q1 = CAL.period(2026, PeriodKind::Quarter, 1);
  q.add(SubjectKind::Person, 2, 0, q1, 9000000, USD);
  QuotaInputs in{org, CAL};
  const BusinessCalendar bc;
  in.business = &bc;
  QuotaSettings s;
  // Calendar days: active Jan 1..Feb 10 = 41 of 90 days: 9000000 x 41/90 = 4100000.
  s.proration = TimeUnit::CalendarDays;
  EffectiveQuotaTable t = effective_quotas(q, in, s);
  EXPECT_EQ(t.adjusted[0], 4100000);
  EXPECT_EQ(t.active_units[0], 41);
  EXPECT_EQ(t.total_units[0], 90);
  // Business days (Sat/Sun off): 29 of Q1's 64 weekdays: 9000000 x 29/64 = 4078125.
  s.proration = TimeUnit::BusinessDays;
  t = effective_quotas(q, in, s);
  EXPECT_EQ(t.adjusted[0], 4078125);
  EXPECT_EQ(t.total_units[0], 64);
  // Months: Jan 1 + Feb 10/28 + Mar 0 of 3 months: 9000000 x (38/28)/3 = 4071428.57 -> 4071429.
  s.proration = TimeUnit::Months;
  t = effective_quotas(q, in, s);
  EXPECT_EQ(t.adjusted[0], 4071429);
  EXPECT_EQ(t.active_units[0], 1);
  EXPECT_EQ(t.total_units[0], 3);
  // Rounding is the setting's: Floor gives 4071428.
  s.rounding = RoundingMode::Floor;
  EXPECT_EQ(effective_quotas(q, in, s).adjusted[0], 4071428);
}

TEST(EffectiveQuota, LeaveAndRelief) {
  const Organisation org = org5();
  QuotaTable q;
  q.add(SubjectKind::Person, 3, 0, month(3), 310000, USD);
  q.add(SubjectKind::Person, 4, 0, month(3), 310000, USD);
  QuotaReliefTable r;
  r.add(SubjectKind::Person, 4, 0, month(3), 10000, USD, "territory moved to west");
  r.add(SubjectKind::Person, 4, 0, month(3), -2500, USD, "added account");
  QuotaInputs in{org, CAL};
  in.relief = &r;
  const EffectiveQuotaTable t = effective_quotas(q, in);
  // "away" is on leave Mar 1..15: 310000 x 16/31 = 160000.
  EXPECT_EQ(t.final_amount[0], 160000);
  EXPECT_EQ(t.relief[1], 7500);
  EXPECT_EQ(t.active_units[0], 16);  // away: Mar 16..31
  EXPECT_EQ(t.active_units[1], 31);  // steady: the whole month, no day walk needed
  EXPECT_EQ(t.total_units[1], 31);
  EXPECT_EQ(t.final_amount[1], 302500);
  EXPECT_EQ(t.relief_reason[1], "territory moved to west; added account");
  // Leaves ignored when the setting says so.
  QuotaSettings keep;
  keep.prorate_leaves = false;
  EXPECT_EQ(effective_quotas(q, in, keep).final_amount[0], 310000);
  // A relief without a reason, one matching nothing, and one larger than the quota.
  QuotaReliefTable bad;
  bad.add(SubjectKind::Person, 4, 0, month(3), 1, USD, "");
  bad.add(SubjectKind::Person, 4, 0, month(4), 1, USD, "x");
  in.relief = &bad;
  try {
    effective_quotas(q, in);
    FAIL();
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 2u);
    EXPECT_EQ(e.issues()[0].field, "reason");
    EXPECT_EQ(e.issues()[1].row, 1);
  }
  QuotaReliefTable big;
  big.add(SubjectKind::Person, 3, 0, month(3), 160001, USD, "too much");
  in.relief = &big;
  EXPECT_THROW(effective_quotas(q, in), ValidationError);
}

namespace {
void add_credit(CreditTable& c, int32_t person, const char* date, int64_t amount,
                CreditKind kind = CreditKind::Direct, int16_t depth = 0) {
  c.person.push_back(person);
  c.deal.push_back(int64_t(c.size()));
  c.date.push_back(D(date));
  c.amount.push_back(amount);
  c.currency.push_back(USD);
  c.kind.push_back(kind);
  c.deal_type.push_back(DealType::NewBusiness);
  c.rule.push_back(0);
  c.depth.push_back(depth);
  c.period.push_back(0);
  c.measure.push_back(0);
  c.via.push_back(-1);
  c.source_amount.push_back(amount);
  c.source_currency.push_back(USD);
}
}  // namespace

TEST(Attainment, ExactBoundaryAndCumulative) {
  const Organisation org = org5();
  QuotaTable q;
  for (int m = 1; m <= 4; ++m) q.add(SubjectKind::Person, 4, 0, month(m), 2000000000001, USD);
  q.add(SubjectKind::Person, 3, 0, month(1), 333333, USD);
  CreditTable c;
  add_credit(c, 3, "2026-01-31", 333333);  // exactly 100%
  add_credit(c, 4, "2026-01-05",
             2000000000000);  // 1 minor unit short: ratio displays as 1.0 but is not attained
  add_credit(c, 4, "2026-02-01", 2000000000002);
  add_credit(c, 4, "2026-04-30", 1000000000000);
  const EffectiveQuotaTable eq = effective_quotas(q, QuotaInputs{org, CAL});
  AttainmentSettings s;
  s.team_quota = TeamQuotaSource::Explicit;
  const AttainmentTable a = compute_attainment(c, eq, org, CAL, s);
  ASSERT_EQ(a.size(), 5u);
  // Row 0: person 3 January.
  EXPECT_EQ(a.attained[0], 1);
  EXPECT_EQ(a.attainment[0], Rate::from_int(1));
  // Rows 1..4: person 4 Jan..Apr.
  EXPECT_EQ(a.attainment[1], Rate::from_int(1));  // 0.99999999999950.. rounds to 1.0 for display
  EXPECT_EQ(a.attained[1], 0);                    // but the decision is exact
  EXPECT_EQ(a.attained[2], 1);
  EXPECT_EQ(a.qtd_credited[2], 4000000000002);  // Jan + Feb
  EXPECT_EQ(a.qtd_quota[2], 4000000000002);
  EXPECT_EQ(a.qtd_credited[3], 4000000000002);  // March adds nothing
  EXPECT_EQ(a.qtd_credited[4], 1000000000000);  // April starts Q2
  EXPECT_EQ(a.ytd_credited[4], 5000000000002);
  EXPECT_EQ(a.ytd_quota[4], 4 * int64_t(2000000000001));
  EXPECT_EQ(a.credit_count[1], 1);
  // `through` cuts credits after the day.
  s.through = D("2026-01-04");
  EXPECT_EQ(compute_attainment(c, eq, org, CAL, s).credited[1], 0);
}

TEST(Attainment, DisplayRatioSaturatesInsteadOfAbortingTheTable) {
  // Issue 17: a quota of 0.01 against 100,000.00 credited is an attainment of
  // 10,000,000, beyond Rate's 12-place range (about 9.2 million). The display
  // ratio saturates at the largest Rate; the exact decision is unaffected and
  // the other rows are computed as usual.
  const Organisation org = org5();
  QuotaTable q;
  q.add(SubjectKind::Person, 4, 0, month(1), 1, USD);       // 0.01
  q.add(SubjectKind::Person, 3, 0, month(1), 100000, USD);  // 1,000.00
  CreditTable c;
  add_credit(c, 3, "2026-01-10", 50000);     // 500.00: 0.5
  add_credit(c, 4, "2026-01-10", 10000000);  // 100,000.00
  const EffectiveQuotaTable eq = effective_quotas(q, QuotaInputs{org, CAL});
  AttainmentSettings s;
  s.team_quota = TeamQuotaSource::Explicit;
  const AttainmentTable a = compute_attainment(c, eq, org, CAL, s);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a.attainment[0], Rate::parse("0.5"));
  EXPECT_EQ(a.attained[0], 0);
  EXPECT_EQ(a.attainment[1].raw(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(a.ytd_attainment[1].raw(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(a.attained[1], 1);
  EXPECT_EQ(a.credited[1], 10000000);
}

TEST(Attainment, TeamRollUpThroughAMidPeriodChange) {
  // "mover" is in team alpha until Mar 14 and beta from Mar 15.
  Roster r;
  r.add("mover", Role::AccountExecutive, D("2020-01-01"), std::nullopt, USD);
  r.add("stay", Role::AccountExecutive, D("2020-01-01"), std::nullopt, USD);
  AssignmentColumns a;
  auto add = [&](const char* p, const char* v, const char* from, std::optional<const char*> to) {
    a.person_id.push_back(p);
    a.field.push_back(AssignmentField::Team);
    a.value.push_back(v);
    a.from.push_back(D(from));
    a.to.push_back(to ? std::optional<Date>(D(*to)) : std::nullopt);
  };
  add("mover", "alpha", "2020-01-01", "2026-03-14");
  add("mover", "beta", "2026-03-15", std::nullopt);
  add("stay", "alpha", "2020-01-01", std::nullopt);
  const Organisation org(std::move(r), a);
  const int32_t alpha = org.code_of(AssignmentField::Team, "alpha"),
                beta = org.code_of(AssignmentField::Team, "beta");
  CreditTable c;
  add_credit(c, 0, "2026-03-10", 100000);                    // counts for alpha
  add_credit(c, 0, "2026-03-20", 50000);                     // counts for beta
  add_credit(c, 0, "2026-03-21", 7, CreditKind::RollUp, 1);  // roll-ups never count for teams
  add_credit(c, 1, "2026-03-05", 20000);
  QuotaTable q;
  q.add(SubjectKind::Person, 0, 0, month(3), 200000, USD);
  q.add(SubjectKind::Person, 1, 0, month(3), 100000, USD);
  q.add(SubjectKind::Team, alpha, 0, month(3), 250000, USD);  // explicit team quota wins
  const EffectiveQuotaTable eq = effective_quotas(q, QuotaInputs{org, CAL});
  const AttainmentTable t = compute_attainment(c, eq, org, CAL);
  std::map<std::pair<SubjectKind, int32_t>, std::pair<int64_t, int64_t>> got;
  for (std::size_t i = 0; i < t.size(); ++i)
    got[{t.subject_kind[i], t.subject[i]}] = {t.credited[i], t.quota[i]};
  EXPECT_EQ((got[{SubjectKind::Person, 0}]), (std::pair<int64_t, int64_t>{150007, 200000}));
  EXPECT_EQ((got[{SubjectKind::Team, alpha}]), (std::pair<int64_t, int64_t>{120000, 250000}));
  // beta's quota is derived from its members on Mar 31: mover's 200000.
  EXPECT_EQ((got[{SubjectKind::Team, beta}]), (std::pair<int64_t, int64_t>{50000, 200000}));
}

TEST(Pacing, ExpectedToDateGapRunRateAndPipeline) {
  const Organisation org = org5();
  QuotaTable q;
  q.add(SubjectKind::Person, 4, 0, month(3), 310000, USD);
  CreditTable c;
  add_credit(c, 4, "2026-03-05", 120000);
  add_credit(c, 4, "2026-03-25", 999999);  // after as_of: not counted
  const EffectiveQuotaTable eq = effective_quotas(q, QuotaInputs{org, CAL});
  AttainmentSettings as;
  as.through = D("2026-03-10");
  as.team_quota = TeamQuotaSource::Explicit;  // person rows only
  const AttainmentTable a = compute_attainment(c, eq, org, CAL, as);
  OpportunityTable o;
  auto opp = [&](int32_t owner, const char* close, int64_t amount, int32_t stage) {
    o.owner.push_back(owner);
    o.measure.push_back(0);
    o.expected_close.push_back(D(close));
    o.amount.push_back(amount);
    o.currency.push_back(USD);
    o.stage.push_back(stage);
  };
  opp(4, "2026-03-20", 100000, 1);  // 1000.00 x 0.25 = 250.00
  opp(4, "2026-03-31", 1, 0);  // 0.01 x 0.5 = 0.005 -> with 250.00: 25000.5 -> 25000 (HalfEven, one rounding)
  opp(4, "2026-04-02", 500000, 2);  // after the period end
  opp(4, "2026-03-09", 500000, 2);  // before as_of: not open
  const std::vector<Rate> prob = {Rate::parse("0.5"), Rate::parse("0.25"), Rate::parse("0.9")};
  PacingInputs in{org};
  in.opportunities = &o;
  in.stage_probability = &prob;
  PacingTable p = compute_pacing(a, D("2026-03-10"), in);
  ASSERT_EQ(p.size(), 1u);
  // Calendar days: 10 of 31 elapsed; expected = 310000 x 10/31 = 100000; gap = 120000 - 100000.
  EXPECT_EQ(p.expected[0], 100000);
  EXPECT_EQ(p.gap[0], 20000);
  EXPECT_EQ(p.on_pace[0], 1);
  EXPECT_EQ(p.run_rate[0], 372000);  // 120000 x 31/10
  EXPECT_EQ(p.pipeline[0], 25000);
  EXPECT_EQ(p.pipeline_forecast[0], 145000);
  // Business days: March 2026 has 22, 7 by Mar 10: 310000 x 7/22 = 98636.36 -> 98636.
  const BusinessCalendar bc;
  in.business = &bc;
  PacingSettings ps;
  ps.unit = TimeUnit::BusinessDays;
  p = compute_pacing(a, D("2026-03-10"), in, ps);
  EXPECT_EQ(p.elapsed_units[0], 7);
  EXPECT_EQ(p.total_units[0], 22);
  EXPECT_EQ(p.expected[0], 98636);
  EXPECT_EQ(p.run_rate[0], 377143);  // 120000 x 22/7 = 377142.86
}

TEST(Distribution, ShareAtOrAbovePercentilesAndBuckets) {
  const std::vector<int64_t> credited = {50, 100, 150, 5, 80};
  const std::vector<int64_t> quota = {100, 100, 100, 0, 100};
  const std::vector<Rate> pct = {Rate::parse("0"), Rate::parse("0.5"), Rate::parse("0.9"), Rate::parse("1")};
  const std::vector<Rate> edges = {Rate::parse("0.5"), Rate::parse("1")};
  const AttainmentDistribution d = attainment_distribution(credited, quota, pct, edges);
  EXPECT_EQ(d.people, 4);
  EXPECT_EQ(d.zero_quota, 1);
  EXPECT_EQ(d.at_or_above, 2);
  EXPECT_EQ(d.share_at_or_above, Rate::parse("0.5"));
  // Sorted: 0.5, 0.8, 1.0, 1.5; nearest rank ceil(p x 4): p=0 -> 1, 0.5 -> 2, 0.9 -> 4, 1 -> 4.
  EXPECT_EQ(d.percentile_values, (std::vector<Rate>{Rate::parse("0.5"), Rate::parse("0.8"),
                                                    Rate::parse("1.5"), Rate::parse("1.5")}));
  // (-inf, 0.5): none; [0.5, 1): 0.5 and 0.8; [1, inf): 1.0 and 1.5.
  EXPECT_EQ(d.histogram, (std::vector<int64_t>{0, 2, 2}));
  EXPECT_EQ(d.mean, Rate::parse("0.95"));
  EXPECT_THROW(attainment_distribution(credited, quota, std::vector<Rate>{Rate::parse("1.5")}, edges),
               ValidationError);
}

TEST(AttainmentProperties, PersonRowsIndependentOfQuotaRowOrder) {
  const Organisation org = org5();
  QuotaTable q, r;
  for (int32_t p = 1; p <= 4; ++p)
    for (int m = 1; m <= 3; ++m) q.add(SubjectKind::Person, p, 0, month(m), 100000 * p + m, USD);
  for (std::size_t i = q.size(); i-- > 0;)
    r.add(q.subject_kind[i], q.subject[i], q.measure[i], q.period[i], q.amount[i], q.currency[i]);
  CreditTable c;
  add_credit(c, 1, "2026-02-01", 5);
  add_credit(c, 3, "2026-03-01", 7);
  const AttainmentTable a = compute_attainment(c, effective_quotas(q, QuotaInputs{org, CAL}), org, CAL);
  const AttainmentTable b = compute_attainment(c, effective_quotas(r, QuotaInputs{org, CAL}), org, CAL);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.quota, b.quota);
  EXPECT_EQ(a.credited, b.credited);
  EXPECT_EQ(a.ytd_quota, b.ytd_quota);
}
