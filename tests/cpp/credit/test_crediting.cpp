#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <salescomp/credit/crediting.hpp>
#include <salescomp/data/deal_loader.hpp>
#include <salescomp/data/deal_validation.hpp>
#include <salescomp/data/synthetic.hpp>

using namespace salescomp;

namespace {
Date D(const char* s) { return Date::parse(s); }
const Currency USD = Currency::of("USD");
const Currency EUR = Currency::of("EUR");

// cro <- dir <- m1, m2; ae reports to m1 until 2026-03-14, to m2 from 03-15.
// ae2 reports to m2; sdr to m1; am to dir; mkt to cro.
Organisation small_org() {
  Roster r;
  r.add("cro", Role::Cro, D("2020-01-01"), std::nullopt, USD);               // 0
  r.add("dir", Role::SalesDirector, D("2020-01-01"), std::nullopt, USD);     // 1
  r.add("m1", Role::SalesManager, D("2020-01-01"), std::nullopt, USD);       // 2
  r.add("m2", Role::SalesManager, D("2020-01-01"), std::nullopt, EUR);       // 3 (paid in EUR)
  r.add("ae", Role::AccountExecutive, D("2020-01-01"), std::nullopt, USD);   // 4
  r.add("ae2", Role::AccountExecutive, D("2020-01-01"), std::nullopt, USD);  // 5
  r.add("sdr", Role::Sdr, D("2020-01-01"), std::nullopt, USD);               // 6
  r.add("am", Role::AccountManager, D("2020-01-01"), std::nullopt, USD);     // 7
  r.add("mkt", Role::Marketing, D("2020-01-01"), std::nullopt, USD);         // 8
  AssignmentColumns a;
  auto add = [&](const char* p, AssignmentField f, const char* v, const char* from,
                 std::optional<const char*> to = {}) {
    a.person_id.push_back(p);
    a.field.push_back(f);
    a.value.push_back(v);
    a.from.push_back(D(from));
    a.to.push_back(to ? std::optional<Date>(D(*to)) : std::nullopt);
  };
  add("dir", AssignmentField::Manager, "cro", "2020-01-01");
  add("m1", AssignmentField::Manager, "dir", "2020-01-01");
  add("m2", AssignmentField::Manager, "dir", "2020-01-01");
  add("ae", AssignmentField::Manager, "m1", "2020-01-01", "2026-03-14");
  add("ae", AssignmentField::Manager, "m2", "2026-03-15");
  add("ae2", AssignmentField::Manager, "m2", "2020-01-01");
  add("sdr", AssignmentField::Manager, "m1", "2020-01-01");
  add("am", AssignmentField::Manager, "dir", "2020-01-01");
  add("mkt", AssignmentField::Manager, "cro", "2020-01-01");
  add("ae", AssignmentField::Territory, "north", "2020-01-01");
  add("ae2", AssignmentField::Territory, "north", "2026-03-01");
  add("m1", AssignmentField::Territory, "north", "2020-01-01");
  return Organisation(std::move(r), a);
}

void add_deal(DealTable& d, int64_t id, int32_t owner, const char* close, int64_t amount, Currency c,
              DealType t = DealType::NewBusiness, DealSource src = DealSource::Sales,
              int32_t source_person = -1, int32_t customer = -1) {
  d.id.push_back(id);
  d.owner.push_back(owner);
  d.close_date.push_back(D(close));
  d.invoice_date.emplace_back();
  d.collection_date.emplace_back();
  d.cancellation_date.emplace_back();
  d.amount.push_back(amount);
  d.currency.push_back(c);
  d.type.push_back(t);
  d.product.push_back(-1);
  d.customer.push_back(customer);
  d.source.push_back(src);
  d.source_person.push_back(source_person);
  d.term_months.push_back(12);
}

CreditRuleSet rules_of(std::initializer_list<CreditKind> kinds, int depth = 2) {
  CreditRuleSet r;
  for (CreditKind k : kinds) {
    CreditRule rule = CreditRuleSet::defaults_for(k);
    rule.depth = depth;
    r.add(rule);
  }
  return r;
}

CreditingSettings in_deal_currency() {
  CreditingSettings s;
  s.currency = CreditCurrency::Deal;
  return s;
}

// Sum of credited amounts per (person, kind).
std::map<std::pair<int32_t, CreditKind>, int64_t> totals(const CreditTable& c) {
  std::map<std::pair<int32_t, CreditKind>, int64_t> t;
  for (std::size_t i = 0; i < c.size(); ++i) t[{c.person[i], c.kind[i]}] += c.amount[i];
  return t;
}
}  // namespace

TEST(Crediting, DirectCreditGoesToTheOwner) {
  const Organisation org = small_org();
  DealTable d;
  add_deal(d, 7, 4, "2026-02-10", 123456, USD);
  const CreditTable c = credit_deals(d, org, rules_of({CreditKind::Direct}), in_deal_currency());
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.person[0], 4);
  EXPECT_EQ(c.amount[0], 123456);
  EXPECT_EQ(c.deal[0], 0);
  EXPECT_EQ(c.rule[0], 0);
  EXPECT_EQ(c.kind[0], CreditKind::Direct);
  EXPECT_EQ(c.period[0], 202602);  // FY2026 month 2
  EXPECT_EQ(c.via[0], -1);
}

TEST(Crediting, RevenueSplitWithARemainderCent) {
  const Organisation org = small_org();
  DealTable d;
  add_deal(d, 1, 4, "2026-02-10", 10000, USD);  // 100.00
  add_deal(d, 2, 4, "2026-02-11", 1, USD);      // 0.01
  SplitTable s;
  // Thirds: 10000 x 0.333333333334 = 3333.33333334, the others 3333.33333333.
  // Floors 3333 x 3 = 9999; the one leftover cent goes to the largest remainder: ae (person 4).
  s.add(0, 4, Rate::from_raw(333333333334), SplitKind::Revenue);
  s.add(0, 5, Rate::from_raw(333333333333), SplitKind::Revenue);
  s.add(0, 6, Rate::from_raw(333333333333), SplitKind::Revenue);
  // 0.01 split 50/50: remainders tie, the lower roster index (ae2 = 5 before sdr = 6) gets it.
  s.add(1, 6, Rate::parse("0.5"), SplitKind::Revenue);
  s.add(1, 5, Rate::parse("0.5"), SplitKind::Revenue);
  CreditingSources src;
  src.splits = &s;
  const CreditTable c =
      credit_deals(d, org, rules_of({CreditKind::Direct, CreditKind::RevenueSplit}), in_deal_currency(), src);
  std::map<std::pair<int64_t, int32_t>, int64_t> by;
  for (std::size_t i = 0; i < c.size(); ++i) {
    EXPECT_EQ(c.kind[i], CreditKind::RevenueSplit);  // no direct credit for split deals
    by[{c.deal[i], c.person[i]}] = c.amount[i];
  }
  EXPECT_EQ((by[{0, 4}]), 3334);
  EXPECT_EQ((by[{0, 5}]), 3333);
  EXPECT_EQ((by[{0, 6}]), 3333);
  EXPECT_EQ((by[{1, 5}]), 1);
  EXPECT_EQ((by[{1, 6}]), 0);
}

TEST(Crediting, SplitsNotExactlyHundredPercentNameTheDeal) {
  const Organisation org = small_org();
  DealTable d;
  add_deal(d, 501, 4, "2026-02-10", 10000, USD);
  add_deal(d, 502, 4, "2026-02-10", 10000, USD);
  SplitTable s;
  s.add(0, 4, Rate::parse("0.5"), SplitKind::Revenue);
  s.add(0, 5, Rate::parse("0.49"), SplitKind::Revenue);
  s.add(1, 4, Rate::parse("0.6"), SplitKind::Revenue);
  s.add(1, 5, Rate::parse("0.5"), SplitKind::Revenue);
  s.add(1, 6, Rate::parse("1.5"), SplitKind::Overlay);  // overlays may be anything
  CreditingSources src;
  src.splits = &s;
  try {
    credit_deals(d, org, rules_of({CreditKind::RevenueSplit}), in_deal_currency(), src);
    FAIL();
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 2u);
    EXPECT_NE(e.issues()[0].rule.find("deal 501"), std::string::npos);
    EXPECT_EQ(e.issues()[0].value, "0.99");
    EXPECT_NE(e.issues()[1].rule.find("deal 502"), std::string::npos);
    EXPECT_EQ(e.issues()[1].value, "1.1");
  }
}

TEST(Crediting, OverlaysTakeAnyPercentage) {
  const Organisation org = small_org();
  DealTable d;
  add_deal(d, 1, 4, "2026-02-10", 10001, USD);
  SplitTable s;
  s.add(0, 6, Rate::parse("0.5"), SplitKind::Overlay);   // 5000.5 -> 5000 (HalfEven)
  s.add(0, 7, Rate::parse("1.25"), SplitKind::Overlay);  // 12501.25 -> 12501
  CreditingSources src;
  src.splits = &s;
  const auto t = totals(
      credit_deals(d, org, rules_of({CreditKind::Direct, CreditKind::Overlay}), in_deal_currency(), src));
  EXPECT_EQ((t.at({4, CreditKind::Direct})), 10001);
  EXPECT_EQ((t.at({6, CreditKind::Overlay})), 5000);
  EXPECT_EQ((t.at({7, CreditKind::Overlay})), 12501);
}

TEST(Crediting, RollUpsFollowTheReportingLineOnTheDealDate) {
  const Organisation org = small_org();
  DealTable d;
  add_deal(d, 1, 4, "2026-03-10", 100000, USD);  // ae under m1: m1 and dir get 1000.00
  add_deal(d, 2, 4, "2026-03-20", 50000, USD);   // ae under m2: m2 and dir get 500.00
  const CreditTable c =
      credit_deals(d, org, rules_of({CreditKind::Direct, CreditKind::RollUp}, 2), in_deal_currency());
  ASSERT_EQ(c.size(), 6u);
  const auto t = totals(c);
  EXPECT_EQ((t.at({2, CreditKind::RollUp})), 100000);
  EXPECT_EQ((t.at({3, CreditKind::RollUp})), 50000);
  EXPECT_EQ((t.at({1, CreditKind::RollUp})), 150000);  // dir: both, at depth 2
  EXPECT_EQ(t.count({0, CreditKind::RollUp}), 0u);     // depth 2 stops below the CRO
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c.kind[i] == CreditKind::RollUp) {
      EXPECT_EQ(c.via[i], 4);
      EXPECT_EQ(c.depth[i], c.person[i] == 1 ? 2 : 1);
    }
  // Depth 3 reaches the CRO.
  const auto t3 =
      totals(credit_deals(d, org, rules_of({CreditKind::Direct, CreditKind::RollUp}, 3), in_deal_currency()));
  EXPECT_EQ((t3.at({0, CreditKind::RollUp})), 150000);
}

TEST(Crediting, FxAtTheDealDateOrThePeriodEnd) {
  const Organisation org = small_org();
  DealTable d;
  add_deal(d, 1, 4, "2026-03-10", 100000, EUR);  // EUR 1,000.00 closed on March 10
  FxTable fx;
  fx.add(EUR, USD, D("2026-03-01"), Rate::parse("1.1"));
  fx.add(EUR, USD, D("2026-03-20"), Rate::parse("1.2"));
  CreditingSources src;
  src.fx = &fx;
  CreditingSettings s;  // pay currency: ae is paid in USD
  // Deal date: 1000.00 x 1.1 = 1100.00.
  CreditTable c = credit_deals(d, org, rules_of({CreditKind::Direct}), s, src);
  EXPECT_EQ(c.amount[0], 110000);
  EXPECT_EQ(c.currency[0], USD);
  EXPECT_EQ(c.source_amount[0], 100000);
  EXPECT_EQ(c.source_currency[0], EUR);
  // Period end (March 31): 1000.00 x 1.2 = 1200.00.
  s.fx_date = FxDate::PeriodEnd;
  c = credit_deals(d, org, rules_of({CreditKind::Direct}), s, src);
  EXPECT_EQ(c.amount[0], 120000);
  // Quarterly periods end on March 31 too; a reporting currency of GBP has no rate.
  s.currency = CreditCurrency::Reporting;
  s.reporting_currency = Currency::of("GBP");
  EXPECT_THROW(credit_deals(d, org, rules_of({CreditKind::Direct}), s, src), LookupError);
  // Only the inverse pair quoted: USD 1,100.00 -> EUR at 1.1 USD/EUR = 1000.00 exactly.
  DealTable u;
  add_deal(u, 2, 3, "2026-03-10", 110000, USD);  // m2 is paid in EUR
  s = CreditingSettings{};
  c = credit_deals(u, org, rules_of({CreditKind::Direct}), s, src);
  EXPECT_EQ(c.amount[0], 100000);
  EXPECT_EQ(c.currency[0], EUR);
}

TEST(Crediting, ARollUpIntoAnotherCurrencyConvertsTheReportsShare) {
  const Organisation org = small_org();
  DealTable d;
  add_deal(d, 1, 5, "2026-03-10", 110000, USD);  // ae2 -> m2 (EUR) -> dir (USD)
  FxTable fx;
  fx.add(EUR, USD, D("2026-01-01"), Rate::parse("1.1"));
  CreditingSources src;
  src.fx = &fx;
  const auto t = totals(credit_deals(d, org, rules_of({CreditKind::Direct, CreditKind::RollUp}, 2), {}, src));
  EXPECT_EQ((t.at({3, CreditKind::RollUp})), 100000);  // EUR 1,000.00
  EXPECT_EQ((t.at({1, CreditKind::RollUp})), 110000);  // USD 1,100.00
}

TEST(Crediting, RoleCreditsSdrAccountManagerMarketingTerritory) {
  const Organisation org = small_org();
  DealTable d;
  add_deal(d, 1, 4, "2026-02-10", 10000, USD, DealType::NewBusiness, DealSource::Sdr, 6);
  add_deal(d, 2, 4, "2026-02-10", 20000, USD, DealType::Renewal, DealSource::Sales, -1, 0);
  add_deal(d, 3, 4, "2026-02-10", 30000, USD, DealType::Upsell, DealSource::Sales, -1, 1);
  add_deal(d, 4, 4, "2026-02-10", 40000, USD, DealType::NewBusiness, DealSource::Marketing, -1, 0);
  add_deal(d, 5, 4, "2026-03-10", 50000, USD, DealType::NewBusiness, DealSource::Sdr, 6);
  d.territory = {0, -1, -1, -1, 0};
  // Customer 0's AM is "am" (7) all year; customer 1 has none until April.
  const EffectiveDatedMap ams(2,
                              {{0, D("2026-01-01"), EffectiveDatedMap::kOpenEnd, 7, 0},
                               {1, D("2026-04-01"), EffectiveDatedMap::kOpenEnd, 7, 1}},
                              "account manager", [](int32_t k) { return std::to_string(k); });
  CreditRuleSet rules = rules_of({CreditKind::SdrSourced, CreditKind::AccountManager, CreditKind::Territory});
  CreditRule mk = CreditRuleSet::defaults_for(CreditKind::MarketingSourced);
  mk.person = 8;  // the marketing pool, since deal 4 names no marketer
  mk.share = Rate::parse("0.1");
  rules.add(mk);
  CreditingSources src;
  src.account_managers = &ams;
  const CreditTable c = credit_deals(d, org, rules, in_deal_currency(), src);
  const auto t = totals(c);
  EXPECT_EQ((t.at({6, CreditKind::SdrSourced})), 60000);       // deals 1 and 5
  EXPECT_EQ((t.at({7, CreditKind::AccountManager})), 20000);   // the renewal only
  EXPECT_EQ((t.at({8, CreditKind::MarketingSourced})), 4000);  // 10% of 400.00
  // Territory north: ae and m1 always; ae2 from March 1 (deal 5 only).
  EXPECT_EQ((t.at({4, CreditKind::Territory})), 60000);
  EXPECT_EQ((t.at({2, CreditKind::Territory})), 60000);
  EXPECT_EQ((t.at({5, CreditKind::Territory})), 50000);
}

TEST(Crediting, MarketingSourcedDefinitionsAreASetting) {
  const Organisation org = small_org();
  DealTable d;
  add_deal(d, 1, 4, "2026-02-10", 10000, USD, DealType::NewBusiness, DealSource::Marketing, 8);
  add_deal(d, 2, 4, "2026-02-10", 20000, USD, DealType::NewBusiness, DealSource::Sales, 8);
  add_deal(d, 3, 4, "2026-02-10", 40000, USD, DealType::NewBusiness, DealSource::Sales, 8);
  d.first_touch_source = {DealSource::Sales, DealSource::Marketing, DealSource::Sales};
  d.first_marketing_touch = {std::nullopt, D("2026-01-05"), D("2026-01-05")};
  d.first_sales_activity = {std::nullopt, D("2026-01-02"), std::nullopt};
  auto credited = [&](SourcedDefinition def) {
    CreditRuleSet r;
    CreditRule mk = CreditRuleSet::defaults_for(CreditKind::MarketingSourced);
    mk.sourced = def;
    r.add(mk);
    int64_t sum = 0;
    const CreditTable c = credit_deals(d, org, r, in_deal_currency());
    for (auto a : c.amount) sum += a;
    return sum;
  };
  EXPECT_EQ(credited(SourcedDefinition::LeadSource), 10000);
  EXPECT_EQ(credited(SourcedDefinition::FirstTouch), 20000);
  EXPECT_EQ(credited(SourcedDefinition::MarketingTouchBeforeSales), 40000);  // deal 2's sales came first
}

TEST(Deals, ValidationListsEveryBadRow) {
  DealTable d;
  add_deal(d, 1, 0, "2026-02-10", 100, USD);
  add_deal(d, 1, 99, "2026-02-10", -5, USD);                   // duplicate id, owner, negative new business
  add_deal(d, 3, 0, "2026-02-10", 5, USD, DealType::Refund);   // refund must be <= 0
  add_deal(d, 4, 0, "2026-02-10", -5, USD, DealType::Refund);  // fine
  d.cancellation_date[3] = D("2026-02-01");                    // before close
  try {
    validate_deals(d, 9);
    FAIL();
  } catch (const ValidationError& e) {
    std::vector<std::pair<int64_t, std::string>> got;
    for (const auto& i : e.issues()) got.push_back({*i.row, i.field});
    EXPECT_EQ(got, (std::vector<std::pair<int64_t, std::string>>{
                       {1, "id"}, {1, "owner"}, {1, "amount"}, {2, "amount"}, {3, "cancellation_date"}}));
  }
}

TEST(Deals, LoaderResolvesIdsAndReportsEveryBadRow) {
  const Organisation org = small_org();
  DealColumns c;
  c.id = {1, 2, 3};
  c.owner_id = {"ae", "nobody", "ae2"};
  c.close_date = {D("2026-01-01"), D("2026-01-02"), D("2026-01-03")};
  c.amount_text = {"10.50", "1.234", "7"};
  c.currency = {"USD", "USD", "XYZ"};
  c.type = {"expansion", "gift", "renewal"};
  c.customer = {"acme", "", "acme"};
  c.territory = {"north", "", "south"};
  Dictionary products, customers;
  try {
    load_deals(c, org, products, customers);
    FAIL();
  } catch (const ValidationError& e) {
    std::vector<std::pair<int64_t, std::string>> got;
    for (const auto& i : e.issues()) got.push_back({*i.row, i.field});
    EXPECT_EQ(got, (std::vector<std::pair<int64_t, std::string>>{
                       {1, "owner"}, {1, "type"}, {1, "amount"}, {2, "currency"}, {2, "territory"}}));
  }
  c.owner_id[1] = "ae";
  c.type[1] = "new_business";
  c.amount_text[1] = "1.23";
  c.currency[2] = "JPY";
  c.territory[2] = "";
  const DealTable d = load_deals(c, org, products, customers);
  EXPECT_EQ(d.amount, (std::vector<int64_t>{1050, 123, 7}));
  EXPECT_EQ(d.type[0], DealType::Upsell);
  EXPECT_EQ(d.customer, (std::vector<int32_t>{0, -1, 0}));
  EXPECT_EQ(d.territory[0], org.code_of(AssignmentField::Territory, "north"));
}

// ---- properties over synthetic data ----

namespace {
SyntheticData data(int64_t deals = 3000, uint64_t seed = 7) {
  SyntheticSpec spec;
  spec.people = 400;
  spec.deals = deals;
  spec.seed = seed;
  spec.manager_move_percent = 20;
  return make_synthetic(spec);
}
CreditTable run(const SyntheticData& s, const DealTable& deals, const SplitTable& splits, int threads = 1) {
  CreditingSources src;
  src.splits = &splits;
  src.fx = &s.fx;
  src.calendar = &s.calendar;
  CreditingSettings set;
  set.threads = threads;
  return credit_deals(deals, s.org, s.rules, set, src);
}
}  // namespace

TEST(CreditingProperties, SplitCreditsSumExactlyToEachDeal) {
  const SyntheticData s = data();
  const CreditTable c = run(s, s.deals, s.splits);
  std::map<int64_t, int64_t> src_sum, usd_sum;
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c.kind[i] == CreditKind::RevenueSplit) {
      src_sum[c.deal[i]] += c.source_amount[i];
      usd_sum[c.deal[i]] += c.amount[i];
    }
  ASSERT_GT(src_sum.size(), 100u);
  for (const auto& [deal, sum] : src_sum) {
    EXPECT_EQ(sum, s.deals.amount[std::size_t(deal)]);
    // Everyone is paid in USD: the converted parts sum to the converted deal.
    const Money whole = s.fx.convert(
        Money::from_minor(s.deals.amount[std::size_t(deal)], s.deals.currency[std::size_t(deal)]), USD,
        s.deals.close_date[std::size_t(deal)]);
    EXPECT_EQ(usd_sum[deal], whole.minor_units());
  }
}

TEST(CreditingProperties, RollUpTotalsEqualTheSumOfTheTeam) {
  const SyntheticData s = data();
  const CreditTable c = run(s, s.deals, s.splits);
  // Σ depth-1 roll-ups of manager m in a month = Σ rolled-up credits (direct,
  // split) of people whose manager on the credit date is m (on their start
  // date for a credit dated before it: docs/crediting-and-quota.md, issue 12).
  std::map<std::pair<int32_t, int32_t>, int64_t> rolled, team;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.kind[i] == CreditKind::RollUp && c.depth[i] == 1) rolled[{c.person[i], c.period[i]}] += c.amount[i];
    if (c.kind[i] == CreditKind::Direct || c.kind[i] == CreditKind::RevenueSplit) {
      const int32_t m =
          s.org.manager_as_of(c.person[i], std::max(c.date[i], s.org.roster().start(c.person[i])));
      if (m >= 0) team[{m, c.period[i]}] += c.amount[i];
    }
  }
  ASSERT_GT(rolled.size(), 50u);
  EXPECT_EQ(rolled, team);
}

TEST(CreditingProperties, IndependentOfDealOrderAndThreadCount) {
  const SyntheticData s = data(20000);
  const CreditTable a = run(s, s.deals, s.splits);
  // Reverse the deals and shuffle the split rows.
  const std::size_t n = s.deals.size();
  DealTable r = s.deals;
  auto rev = [&](auto& v) { std::reverse(v.begin(), v.end()); };
  rev(r.id), rev(r.owner), rev(r.close_date), rev(r.invoice_date), rev(r.collection_date),
      rev(r.cancellation_date), rev(r.amount), rev(r.currency), rev(r.type), rev(r.product), rev(r.customer),
      rev(r.source), rev(r.source_person), rev(r.term_months);
  SplitTable sp;
  for (std::size_t k = s.splits.size(); k-- > 0;)
    sp.add(int64_t(n - 1) - s.splits.deal[k], s.splits.person[k], s.splits.share[k], s.splits.kind[k]);
  const CreditTable b = run(s, r, sp, 3);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a.person[i], b.person[i]);
    ASSERT_EQ(a.deal[i], int64_t(n - 1) - b.deal[i]);
    ASSERT_EQ(a.amount[i], b.amount[i]);
    ASSERT_EQ(a.date[i], b.date[i]);
    ASSERT_EQ(a.rule[i], b.rule[i]);
    ASSERT_EQ(a.depth[i], b.depth[i]);
    ASSERT_EQ(a.via[i], b.via[i]);
  }
  // Sorted by (person, date) as the contract says.
  for (std::size_t i = 1; i < a.size(); ++i)
    ASSERT_TRUE(a.person[i - 1] < a.person[i] ||
                (a.person[i - 1] == a.person[i] && a.date[i - 1] <= a.date[i]));
}

TEST(Crediting, AMissingRateNamesTheDealOnce) {
  const Organisation org = small_org();
  DealTable d;
  add_deal(d, 4242, 4, "2026-03-10", 100, EUR);
  FxTable fx;
  fx.add(EUR, USD, D("2026-04-01"), Rate::parse("1.1"));  // too late for March 10
  CreditingSources src;
  src.fx = &fx;
  try {
    credit_deals(d, org, rules_of({CreditKind::Direct}), {}, src);
    FAIL();
  } catch (const LookupError& e) {
    const std::string w = e.what();
    EXPECT_EQ(w.rfind("[SC-FX-MISSING] deal 4242: no exchange rate EUR/USD", 0), 0u) << w;
  }
}
