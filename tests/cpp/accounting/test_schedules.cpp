// Hand-computed schedules: one per policy option and per event kind, with the
// arithmetic in the comments. Amounts are USD cents unless said otherwise.
#include <gtest/gtest.h>

#include "accounting_fixtures.hpp"

namespace salescomp {
namespace {

using namespace salescomp::testing;
using V = std::vector<int64_t>;

TEST(Schedule, StraightLineLargestRemainderGivesTheExtraCentToTheEarliestMonth) {
  // $1,000.00 over 3 months: 100000 / 3 = 33333 r 1; the one leftover cent goes
  // to the largest remainder, all equal, so to the earliest month.
  const auto book =
      make_book({{.id = 7, .amount = 100000, .incurred = "2026-01-15", .start = "2026-01-15", .term = 3}});
  const std::vector<Row> expected = {
      // month     open    add  red  amort  wo  close  current (next 12 months)
      {"2026-01", 0, 100000, 0, 33334, 0, 66666, 66666},
      {"2026-02", 66666, 0, 0, 33333, 0, 33333, 33333},
      {"2026-03", 33333, 0, 0, 33333, 0, 0, 0},
  };
  EXPECT_EQ(rows_of(book, 7), expected);
  const AssetTable a = book.assets();
  EXPECT_EQ(a.treatment[0], CostTreatment::Capitalised);
  EXPECT_EQ(a.basis[0], PeriodBasis::ContractTerm);
  EXPECT_EQ(a.period_months[0], 3);
  EXPECT_EQ(a.amortised[0], 100000);
  EXPECT_EQ(a.last_month[0], month("2026-03-01"));
}

TEST(Schedule, FinalPeriodPlugPutsTheRemainderInTheLastMonth) {
  // Same cost: 33333 truncated in Jan and Feb, March = 100000 - 66666 = 33334.
  AmortisationPolicy p;
  p.remainder = RemainderPlacement::FinalPeriodPlug;
  const auto book = make_book({{.amount = 100000, .term = 3}}, {}, p);
  EXPECT_EQ(amortisation_of(book, 1), (V{33333, 33333, 33334}));
  // $200.00 / 3 = 66.666..: 6666, 6666, plug 6668 (HalfEven would give 6667 x2 + 6666).
  const auto small = make_book({{.amount = 20000, .term = 3}}, {}, p);
  EXPECT_EQ(amortisation_of(small, 1), (V{6666, 6666, 6668}));
}

TEST(Schedule, NextMonthConventionStartsTheMonthAfterTheContractStart) {
  // 120000 over 12 months from February: January only carries the addition.
  AmortisationPolicy p;
  p.month_convention = MonthConvention::NextMonth;
  const auto rows =
      rows_of(make_book({{.amount = 120000, .incurred = "2026-01-20", .start = "2026-01-20"}}, {}, p), 1);
  ASSERT_EQ(rows.size(), 13u);
  // Jan: nothing amortised; the next 12 months (Feb..Jan) amortise all of it.
  EXPECT_EQ(rows[0], (Row{"2026-01", 0, 120000, 0, 0, 0, 120000, 120000}));
  EXPECT_EQ(rows[1], (Row{"2026-02", 120000, 0, 0, 10000, 0, 110000, 110000}));
  EXPECT_EQ(rows[12], (Row{"2027-01", 10000, 0, 0, 10000, 0, 0, 0}));
}

TEST(Schedule, DailyProratedFirstMonthAndPartialLastMonth) {
  // Start 2026-01-15, 3-month term. January has 31 days, 17 in service
  // (15th..31st). Weights by month: Jan 17, Feb 31, Mar 31, Apr 31-17 = 14
  // (sum 93 = 3 x 31). $1,000.00:
  //   Jan 100000*17/93 = 18279.57 -> 18279 r 53
  //   Feb 100000*31/93 = 33333.33 -> 33333 r 31, Mar the same
  //   Apr 100000*14/93 = 15053.76 -> 15053 r 71
  // floors sum 99998; 2 leftover cents go to the remainders 71 (Apr), 53 (Jan).
  AmortisationPolicy p;
  p.month_convention = MonthConvention::DailyProrated;
  const auto book =
      make_book({{.amount = 100000, .incurred = "2026-01-15", .start = "2026-01-15", .term = 3}}, {}, p);
  EXPECT_EQ(amortisation_of(book, 1), (V{18280, 33333, 33333, 15054}));
  // A start on the 1st is a full month: no partial last month.
  const auto first = make_book({{.amount = 90000, .term = 3}}, {}, p);
  EXPECT_EQ(amortisation_of(first, 1), (V{30000, 30000, 30000}));
}

TEST(Schedule, RevenueProportionalPattern) {
  // Revenue 100, 200, 700 over Jan..Mar: 10%, 20%, 70% of $1,000.00.
  const auto book =
      make_book({{.amount = 100000, .term = 3, .pattern = AmortisationPattern::RevenueProportional}}, {}, {},
                {{1, "2026-01-05", 100}, {1, "2026-02-01", 200}, {1, "2026-03-31", 700}});
  EXPECT_EQ(amortisation_of(book, 1), (V{10000, 20000, 70000}));
  // 100 cents over weights 1,1,1: 33 r1 each, leftover 1 -> earliest: 34,33,33.
  const auto cents =
      make_book({{.amount = 100, .term = 3, .pattern = AmortisationPattern::RevenueProportional}}, {}, {},
                {{1, "2026-01-01", 5}, {1, "2026-02-01", 5}, {1, "2026-03-01", 5}});
  EXPECT_EQ(amortisation_of(cents, 1), (V{34, 33, 33}));
}

TEST(Schedule, RevenueRowsBeyondTheWindowServeAnExtension) {
  // Revenue Jan 1, Feb 1, Mar 2 for a 2-month term: Jan and Feb take 50000
  // each. Extended by 1 month in February: the 50000 left is spread over Feb
  // (1) and Mar (2): 16666.67 and 33333.33 -> floors 16666 (r 2/3) and 33333
  // (r 1/3); the leftover cent goes to February.
  const auto book =
      make_book({{.amount = 100000, .term = 2, .pattern = AmortisationPattern::RevenueProportional}},
                {{.kind = AssetEventKind::Extension, .date = "2026-02-10", .months = 1}}, {},
                {{1, "2026-01-01", 1}, {1, "2026-02-01", 1}, {1, "2026-03-01", 2}});
  EXPECT_EQ(amortisation_of(book, 1), (V{50000, 16667, 33333}));
}

TEST(Schedule, NoRevenueLeftFallsBackToStraightLine) {
  // Revenue only in March of a 3-month window; a change in estimate in
  // February shortens the period to 2 months: February has no revenue, so the
  // whole balance is spread straight-line over what remains (February).
  const auto book =
      make_book({{.amount = 100000, .term = 3, .pattern = AmortisationPattern::RevenueProportional}},
                {{.kind = AssetEventKind::ChangeInEstimate, .date = "2026-02-01", .months = 2}}, {},
                {{1, "2026-03-01", 7}});
  EXPECT_EQ(amortisation_of(book, 1), (V{0, 100000}));
}

TEST(Schedule, CostIncurredAfterTheContractStartCatchesUp) {
  // Contract from 2026-01-01, commission incurred 2026-03-10: 120000 / 12 =
  // 10000 a month; March books Jan + Feb + Mar = 30000.
  const auto rows =
      rows_of(make_book({{.amount = 120000, .incurred = "2026-03-10", .start = "2026-01-01"}}), 1);
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_EQ(rows[0], (Row{"2026-03", 0, 120000, 0, 30000, 0, 90000, 90000}));
  EXPECT_EQ(rows[9].month, "2026-12");
}

TEST(Schedule, CostIncurredBeforeTheContractStartWaits) {
  // Paid in November for a contract starting in January: the asset sits.
  const auto rows =
      rows_of(make_book({{.amount = 24000, .incurred = "2025-11-20", .start = "2026-01-01", .term = 24}}), 1);
  ASSERT_EQ(rows.size(), 26u);
  // Nov 2025: closing 24000; next 12 months are Dec (0) + Jan..Nov 2026 (11 x 1000).
  EXPECT_EQ(rows[0], (Row{"2025-11", 0, 24000, 0, 0, 0, 24000, 11000}));
  EXPECT_EQ(rows[1], (Row{"2025-12", 24000, 0, 0, 0, 0, 24000, 12000}));
}

TEST(Schedule, CurrentAndNonCurrentPortions) {
  // 240000 over 24 months from Jan 2026: after January 230000 remain, of which
  // Feb 2026..Jan 2027 (12 x 10000) is current and 110000 non-current.
  const auto book = make_book({{.amount = 240000, .term = 24}});
  const auto rows = rows_of(book, 1);
  EXPECT_EQ(rows[0].closing, 230000);
  EXPECT_EQ(rows[0].current, 120000);
  EXPECT_EQ(rows[12].closing, 110000);  // after Jan 2027: 11 months left, all current
  EXPECT_EQ(rows[12].current, 110000);
  const RollForwardTable rf = book.roll_forward();
  EXPECT_EQ(rf.non_current[0], 110000);
}

TEST(Policy, NotIncrementalCostsAreExpensedWhenIncurred) {
  const auto book = make_book({{.amount = 50000, .incurred = "2026-02-10", .term = 0, .incremental = false}});
  const AssetTable a = book.assets();
  EXPECT_EQ(a.treatment[0], CostTreatment::ExpensedNotIncremental);
  EXPECT_EQ(book.schedule().size(), 0u);
  const RollForwardTable rf = book.roll_forward();
  ASSERT_EQ(rf.size(), 1u);
  EXPECT_EQ(rf.month[0], month("2026-02-01"));
  EXPECT_EQ(rf.expensed_as_incurred[0], 50000);
  EXPECT_EQ(rf.additions[0], 0);
}

TEST(Policy, PracticalExpedientExpensesPeriodsOfTwelveMonthsOrLess) {
  AmortisationPolicy p;
  p.practical_expedient = true;
  const auto book = make_book({{.id = 1, .amount = 12000, .term = 12},
                               {.id = 2, .amount = 13000, .term = 13},
                               {.id = 3, .amount = 6000, .term = 12, .kind = CostKind::Renewal}},
                              {}, p);
  const AssetTable a = book.assets();
  EXPECT_EQ(a.treatment[0], CostTreatment::ExpensedPracticalExpedient);
  EXPECT_EQ(a.treatment[1], CostTreatment::Capitalised);
  EXPECT_EQ(a.treatment[2], CostTreatment::ExpensedPracticalExpedient);
  // Without the switch the 12-month costs are capitalised.
  const AssetTable b = make_book({{.amount = 12000, .term = 12}}).assets();
  EXPECT_EQ(b.treatment[0], CostTreatment::Capitalised);
}

TEST(Policy, ExpectedCustomerLifeWhenRenewalsAreNotCommensurate) {
  // Annual churn 20%: life = 12 / 0.2 = 60 months; 600000 / 60 = 10000 a month.
  AmortisationPolicy churn;
  churn.annual_churn_rate = Rate::parse("0.2");
  const auto book = make_book({{.amount = 600000, .term = 12, .commensurate = false}}, {}, churn);
  const AssetTable a = book.assets();
  EXPECT_EQ(a.basis[0], PeriodBasis::CustomerLifeFromChurn);
  EXPECT_EQ(a.period_months[0], 60);
  EXPECT_EQ(amortisation_of(book, 1), V(60, 10000));
  // 7%: 12 / 0.07 = 171.43 -> 171 (HalfEven); Ceiling gives 172.
  EXPECT_EQ(expected_life_from_churn(Rate::parse("0.07")), 171);
  EXPECT_EQ(expected_life_from_churn(Rate::parse("0.07"), RoundingMode::Ceiling), 172);
  // 8%: 150 exactly.
  EXPECT_EQ(expected_life_from_churn(Rate::parse("0.08"), RoundingMode::Unnecessary), 150);
  // The line's own life beats the policy; a renewal line keeps its term; a
  // life shorter than the term keeps the term.
  AmortisationPolicy given;
  given.expected_customer_life_months = 48;
  const AssetTable b =
      make_book({{.id = 1, .amount = 100, .term = 12, .commensurate = false, .life = 36},
                 {.id = 2, .amount = 100, .term = 12, .commensurate = false},
                 {.id = 3, .amount = 100, .term = 12, .kind = CostKind::Renewal, .commensurate = false},
                 {.id = 4, .amount = 100, .term = 36, .commensurate = false, .life = 24},
                 {.id = 5, .amount = 100, .term = 12, .kind = CostKind::Expansion, .commensurate = false}},
                {}, given)
          .assets();
  EXPECT_EQ(b.period_months, (std::vector<int32_t>{36, 48, 12, 36, 48}));
  EXPECT_EQ(b.basis, (std::vector<PeriodBasis>{PeriodBasis::CustomerLifeGiven,
                                               PeriodBasis::CustomerLifePolicy, PeriodBasis::ContractTerm,
                                               PeriodBasis::ContractTerm, PeriodBasis::CustomerLifePolicy}));
}

TEST(Events, ClawbackReducesTheAssetAndReSpreadsTheRestProspectively) {
  // 120000 over 2026: 10000 a month. Clawback of 30000 on 2026-04-20: the
  // April opening 90000 falls to 60000, spread over Apr..Dec (9 months):
  // 60000 / 9 = 6666 r 6 -> Apr..Sep 6667, Oct..Dec 6666.
  const auto book = make_book({{.amount = 120000}},
                              {{.kind = AssetEventKind::Clawback, .date = "2026-04-20", .amount = 30000}});
  const auto rows = rows_of(book, 1);
  ASSERT_EQ(rows.size(), 12u);
  EXPECT_EQ(rows[3], (Row{"2026-04", 90000, 0, 30000, 6667, 0, 53333, 53333}));
  EXPECT_EQ(amortisation_of(book, 1),
            (V{10000, 10000, 10000, 6667, 6667, 6667, 6667, 6667, 6667, 6666, 6666, 6666}));
  const AssetTable a = book.assets();
  EXPECT_EQ(a.reduced[0], 30000);
  EXPECT_EQ(a.amortised[0], 90000);
}

TEST(Events, ClawbackBeyondTheBalanceCreditsExpense) {
  // April opening 90000; 100000 recovered: 90000 off the asset, 10000 credited
  // to commission expense (it reverses amortisation already booked).
  const auto book = make_book({{.amount = 120000}},
                              {{.kind = AssetEventKind::Clawback, .date = "2026-04-01", .amount = 100000}});
  const auto rows = rows_of(book, 1);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3], (Row{"2026-04", 90000, 0, 90000, 0, 0, 0, 0}));
  const RollForwardTable rf = book.roll_forward();
  EXPECT_EQ(rf.expense_credits[3], 10000);
  EXPECT_EQ(book.assets().expense_credit[0], 10000);
  // A clawback on an expensed line is all expense credit.
  const auto expensed = make_book({{.amount = 5000, .incremental = false}},
                                  {{.kind = AssetEventKind::Clawback, .date = "2026-03-01", .amount = 5000}});
  const RollForwardTable e = expensed.roll_forward();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e.expensed_as_incurred[0], 5000);
  EXPECT_EQ(e.expense_credits[2], 5000);
}

TEST(Events, TerminationWritesOffTheRemainingBalance) {
  // 120000 over 2026, churned 2026-05-15. Default: May is amortised (10000),
  // then the remaining 70000 is written off.
  const std::vector<Event> churn = {{.kind = AssetEventKind::Termination, .date = "2026-05-15"}};
  const auto rows = rows_of(make_book({{.amount = 120000}}, churn), 1);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[4], (Row{"2026-05", 80000, 0, 0, 10000, 70000, 0, 0}));
  // WriteOffAll: the whole May opening 80000 is written off.
  AmortisationPolicy p;
  p.termination = TerminationTiming::WriteOffAll;
  const auto all = rows_of(make_book({{.amount = 120000}}, churn, p), 1);
  EXPECT_EQ(all[4], (Row{"2026-05", 80000, 0, 0, 0, 80000, 0, 0}));
}

TEST(Events, ExtensionChangesTheEstimateProspectively) {
  // 120000 over 2026; on 2026-07-01 the contract is extended by 6 months: the
  // July opening 60000 is spread over Jul 2026..Jun 2027 = 12 months: 5000.
  const auto book = make_book({{.amount = 120000}},
                              {{.kind = AssetEventKind::Extension, .date = "2026-07-01", .months = 6}});
  const auto am = amortisation_of(book, 1);
  ASSERT_EQ(am.size(), 18u);
  EXPECT_EQ(am[5], 10000);
  EXPECT_EQ(am[6], 5000);
  EXPECT_EQ(am[17], 5000);
  EXPECT_EQ(book.assets().last_month[0], month("2027-06-01"));
}

TEST(Events, ChangeInEstimateSetsANewTotalPeriod) {
  // New total period 24 months from 2026-07: the 60000 left is spread over
  // Jul 2026..Dec 2027 = 18 months: 3333 r 6 -> the first 6 months get 3334.
  const auto book = make_book(
      {{.amount = 120000}}, {{.kind = AssetEventKind::ChangeInEstimate, .date = "2026-07-31", .months = 24}});
  const auto am = amortisation_of(book, 1);
  ASSERT_EQ(am.size(), 24u);
  EXPECT_EQ((V(am.begin() + 6, am.begin() + 12)), V(6, 3334));
  EXPECT_EQ((V(am.begin() + 12, am.end())), V(12, 3333));
  // Shortening to 8 months in July: Jul..Aug take the 60000, 30000 each.
  const auto shorter = make_book(
      {{.amount = 120000}}, {{.kind = AssetEventKind::ChangeInEstimate, .date = "2026-07-31", .months = 8}});
  EXPECT_EQ(amortisation_of(shorter, 1), (V{10000, 10000, 10000, 10000, 10000, 10000, 30000, 30000}));
}

TEST(Events, RenewalCommissionIsANewAsset) {
  // The renewal commission is its own line, amortised over the renewal term.
  const auto book = make_book({{.id = 1, .amount = 120000},
                               {.id = 2,
                                .amount = 60000,
                                .incurred = "2026-12-15",
                                .start = "2027-01-01",
                                .kind = CostKind::Renewal}});
  EXPECT_EQ(amortisation_of(book, 2),
            (V{0, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000}));
  const RollForwardTable rf = book.roll_forward();
  ASSERT_EQ(rf.size(), 24u);
  EXPECT_EQ(rf.additions[11], 60000);  // December 2026
  EXPECT_EQ(rf.closing[11], 60000);    // the first asset is done, the renewal waits
}

TEST(Events, SameDayEventsAreProcessedClawbackFirst) {
  // A clawback and a termination on the same day, in either input order:
  // clawback 20000 off the May opening 80000, May amortised over the 60000
  // left (60000 / 8 = 7500), the rest (52500) written off.
  for (bool swap : {false, true}) {
    std::vector<Event> ev = {{.kind = AssetEventKind::Termination, .date = "2026-05-10"},
                             {.kind = AssetEventKind::Clawback, .date = "2026-05-10", .amount = 20000}};
    if (swap) std::swap(ev[0], ev[1]);
    const auto rows = rows_of(make_book({{.amount = 120000}}, ev), 1);
    EXPECT_EQ(rows.back(), (Row{"2026-05", 80000, 0, 20000, 7500, 52500, 0, 0}));
  }
}

TEST(Events, ClawbackAfterATerminationInTheSameMonthIsAnExpenseCredit) {
  // Issue 17: 1200.00 over 12 months from January, terminated on 10 March
  // (amortise_then_write_off), 300.00 clawed back on 20 March. After the
  // termination the asset is gone, so March is amortised as planned
  // (100.00), the rest written off (1200 - 300 amortised = 900.00), and the
  // clawback is entirely a credit to commission expense (300.00).
  for (bool swap : {false, true}) {
    std::vector<Event> ev = {{.kind = AssetEventKind::Termination, .date = "2026-03-10"},
                             {.kind = AssetEventKind::Clawback, .date = "2026-03-20", .amount = 30000}};
    if (swap) std::swap(ev[0], ev[1]);
    const auto book = make_book({{.amount = 120000}}, ev);
    const auto rows = rows_of(book, 1);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[2], (Row{"2026-03", 100000, 0, 0, 10000, 90000, 0, 0}));
    EXPECT_EQ(book.assets().expense_credit[0], 30000);
    EXPECT_EQ(book.roll_forward().expense_credits[2], 30000);
  }
  // A clawback dated before the termination in the same month still reduces
  // the asset first (events in date order): March opening 1000.00 - 300.00,
  // March amortises 700.00 / 10 = 70.00, the rest 630.00 is written off.
  const auto before = make_book({{.amount = 120000}},
                                {{.kind = AssetEventKind::Clawback, .date = "2026-03-05", .amount = 30000},
                                 {.kind = AssetEventKind::Termination, .date = "2026-03-10"}});
  EXPECT_EQ(rows_of(before, 1)[2], (Row{"2026-03", 100000, 0, 30000, 7000, 63000, 0, 0}));
}

TEST(Events, ClawbackAfterTheAssetIsUsedUpAddsNoScheduleRow) {
  // 1200.00 over 2026; 50.00 clawed back in March 2027, when the asset is
  // fully amortised: no asset movement, so no schedule row (a row of zeros
  // would say nothing); the 50.00 is an expense credit in the roll-forward.
  const auto book = make_book({{.amount = 120000}},
                              {{.kind = AssetEventKind::Clawback, .date = "2027-03-15", .amount = 5000}});
  const auto rows = rows_of(book, 1);
  ASSERT_EQ(rows.size(), 12u);
  EXPECT_EQ(rows.back().month, "2026-12");
  const RollForwardTable rf = book.roll_forward();
  ASSERT_EQ(rf.size(), 15u);  // Jan 2026 .. Mar 2027
  EXPECT_EQ(rf.expense_credits[14], 5000);
  EXPECT_EQ(book.assets().expense_credit[0], 5000);
}

TEST(Policy, ATermEqualToTheCustomerLifeReportsTheLifeBasis) {
  // Renewals not commensurate, term 24 and given life 24: the period is the
  // customer life (the term would only win if it were longer).
  const AssetTable a = make_book({{.amount = 100, .term = 24, .commensurate = false, .life = 24}}).assets();
  EXPECT_EQ(a.basis[0], PeriodBasis::CustomerLifeGiven);
  EXPECT_EQ(a.period_months[0], 24);
}

TEST(RollForward, MultiCurrencyRowsAndRanges) {
  const auto book = make_book(
      {{.id = 1, .amount = 120000, .currency = "USD"},
       {.id = 2, .amount = 1200, .currency = "JPY", .incurred = "2026-02-01", .start = "2026-02-01"}});
  const RollForwardTable all = book.roll_forward();
  // JPY rows first (code order), Jan..Jan 2027 for both currencies.
  ASSERT_EQ(all.size(), 26u);
  EXPECT_EQ(all.currency[0].code(), "JPY");
  EXPECT_EQ(all.additions[1], 1200);
  // From March to May: the opening of March is February's closing.
  const RollForwardTable part = book.roll_forward(month("2026-03-01"), month("2026-05-01"));
  ASSERT_EQ(part.size(), 6u);
  EXPECT_EQ(part.opening[0], 1100);    // JPY: 1200 - 100 (Feb)
  EXPECT_EQ(part.opening[3], 100000);  // USD: 120000 - 2 x 10000
  EXPECT_THROW(book.roll_forward(month("2026-05-01"), month("2026-03-01")), ValidationError);
  // Open ends: from after the book's end gives that one month per currency
  // (all zero); to before its start likewise.
  const RollForwardTable later = book.roll_forward(month("2028-06-01"), std::nullopt);
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(later.opening[1], 0);
  const RollForwardTable earlier = book.roll_forward(std::nullopt, month("2025-06-01"));
  ASSERT_EQ(earlier.size(), 2u);
  EXPECT_EQ(earlier.month[0], month("2025-06-01"));
  EXPECT_EQ(earlier.closing[0], 0);
}

TEST(Journal, EntriesPerMovementBalanceAndMatchTheRollForward) {
  const auto book =
      make_book({{.id = 1, .amount = 120000}, {.id = 2, .amount = 5000, .term = 0, .incremental = false}},
                {{.id = 1, .kind = AssetEventKind::Clawback, .date = "2026-03-01", .amount = 20000},
                 {.id = 1, .kind = AssetEventKind::Termination, .date = "2026-06-01"}});
  const JournalTable j = book.journal(month("2026-01-01"), month("2026-01-01"));
  // January: capitalise 120000, expense 5000, amortise 10000.
  ASSERT_EQ(j.size(), 6u);
  EXPECT_EQ(j.kind[0], JournalEntryKind::Capitalisation);
  EXPECT_EQ(j.account[0], JournalAccount::DeferredCommissions);
  EXPECT_EQ(j.debit[0], 120000);
  EXPECT_EQ(j.account[1], JournalAccount::CommissionsPayable);
  EXPECT_EQ(j.credit[1], 120000);
  EXPECT_EQ(j.kind[2], JournalEntryKind::ExpenseAsIncurred);
  EXPECT_EQ(j.kind[4], JournalEntryKind::Amortisation);
  EXPECT_EQ(j.debit[4], 10000);
  // March: clawback 20000 off the asset (Dr payable, Cr deferred).
  const JournalTable march = book.journal(month("2026-03-01"), month("2026-03-01"));
  bool seen = false;
  for (std::size_t i = 0; i < march.size(); ++i)
    if (march.kind[i] == JournalEntryKind::ClawbackReduction && march.credit[i] != 0) {
      EXPECT_EQ(march.account[i], JournalAccount::DeferredCommissions);
      EXPECT_EQ(march.credit[i], 20000);
      seen = true;
    }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace salescomp
