// The crediting run's 48-byte rows and their output order (credit_rows.hpp):
// a counting sort by person, then (date, deal key, rule, depth, via) within a
// person, stable, and the same for any split of the rows between workers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "salescomp/credit/credit_rows.hpp"

namespace salescomp {
namespace {

CreditRow row(int32_t person, int32_t day, uint32_t deal, int16_t rule = 0, uint8_t depth = 0,
              int32_t via = -1, int64_t amount = 100) {
  return CreditRow{
      amount, amount, deal, person, via, Date::from_days(day), Currency::of("USD"), rule, CreditKind::Direct,
      depth};
}

// The rows split between `workers` workers in emission order.
std::vector<CreditRowChunks> split(const std::vector<CreditRow>& rows, std::size_t people,
                                   std::size_t workers) {
  std::vector<CreditRowChunks> parts;
  for (std::size_t w = 0; w < workers; ++w) parts.emplace_back(people);
  for (std::size_t i = 0; i < rows.size(); ++i) parts[i * workers / rows.size()].push_back(rows[i]);
  return parts;
}

std::vector<CreditRow> ordered(const std::vector<CreditRow>& rows, std::size_t people, std::size_t workers,
                               int threads) {
  auto parts = split(rows, people, workers);
  return order_credit_rows(parts, people, threads).to_vector();
}

bool same(const CreditRow& a, const CreditRow& b) {
  return a.amount == b.amount && a.source_amount == b.source_amount && a.deal == b.deal &&
         a.person == b.person && a.via == b.via && a.date == b.date && a.currency == b.currency &&
         a.rule == b.rule && a.kind == b.kind && a.depth == b.depth &&
         a.source_currency == b.source_currency && a.deal_type == b.deal_type;
}

TEST(CreditRows, AreFortyEightBytes) { EXPECT_EQ(sizeof(CreditRow), 48u); }

TEST(CreditRows, OrderByPersonThenDateDealRuleDepthVia) {
  // Person 1's rows given out of order; person 0's after person 1's.
  const std::vector<CreditRow> rows{
      row(1, 20, 5),           // date 20
      row(1, 10, 7),           // date 10, deal 7
      row(1, 10, 3, 2),        // date 10, deal 3, rule 2
      row(1, 10, 3, 1, 2, 4),  // rule 1, depth 2
      row(1, 10, 3, 1, 1, 9),  // rule 1, depth 1, via 9
      row(1, 10, 3, 1, 1, 0),  // rule 1, depth 1, via 0
      row(0, 30, 1),
  };
  const auto out = ordered(rows, 3, 1, 1);
  ASSERT_EQ(out.size(), 7u);
  // Person 0 first; then person 1 by date 10 (deal 3: rule 1 depth 1 via 0, via 9;
  // rule 1 depth 2; rule 2; then deal 7), date 20.
  const std::vector<std::size_t> expected{6, 5, 4, 3, 2, 1, 0};
  for (std::size_t k = 0; k < out.size(); ++k) EXPECT_TRUE(same(out[k], rows[expected[k]])) << k;
}

TEST(CreditRows, TiesKeepEmissionOrder) {
  // Equal keys, told apart only by amount: the emission order stays.
  const std::vector<CreditRow> rows{row(0, 5, 1, 0, 0, -1, 1), row(0, 4, 1), row(0, 5, 1, 0, 0, -1, 2),
                                    row(0, 5, 1, 0, 0, -1, 3)};
  for (std::size_t workers : {1u, 2u, 4u}) {
    const auto out = ordered(rows, 1, workers, 2);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].date, Date::from_days(4));
    EXPECT_EQ(out[1].amount, 1);
    EXPECT_EQ(out[2].amount, 2);
    EXPECT_EQ(out[3].amount, 3);
  }
}

TEST(CreditRows, SameResultForAnyWorkersAndThreads) {
  // 300,000 rows over 1,000 people (more than one block of rows), keys with
  // many ties: every split between workers and every thread count agrees.
  std::mt19937_64 rng(7);
  std::vector<CreditRow> rows;
  for (int i = 0; i < 300000; ++i)
    rows.push_back(row(int32_t(rng() % 1000), int32_t(rng() % 40), uint32_t(i / 3), int16_t(rng() % 3),
                       uint8_t(rng() % 2), int32_t(rng() % 3) - 1, int64_t(i)));
  const auto one = ordered(rows, 1000, 1, 1);
  ASSERT_EQ(one.size(), rows.size());
  for (std::size_t k = 1; k < one.size(); ++k) {
    ASSERT_LE(one[k - 1].person, one[k].person);
    if (one[k - 1].person == one[k].person) {
      ASSERT_FALSE(credit_row_before(one[k], one[k - 1])) << k;
      // ties: emission order (amount is the emission index)
      if (!credit_row_before(one[k - 1], one[k])) ASSERT_LT(one[k - 1].amount, one[k].amount);
    }
  }
  for (std::size_t workers : {2u, 3u}) {
    for (int threads : {1, 2}) {
      const auto other = ordered(rows, 1000, workers, threads);
      ASSERT_EQ(other.size(), one.size());
      for (std::size_t k = 0; k < one.size(); ++k) ASSERT_TRUE(same(one[k], other[k])) << workers << " " << k;
    }
  }
}

TEST(CreditRows, EveryWayOfOrderingAPersonAgreesWithAStableSort) {
  // Each person's rows take another path through the ordering: already in
  // order; dates shuffled with deals in key order (the counting sort by
  // date); one (date, deal) group out of rule/depth/via order, as a roll-up
  // emits it (the group sort); deals out of key order within a date, and
  // dates too far apart to count (both the full stable sort). The oracle is
  // the definition: a stable sort of the emission order by (person, key).
  std::mt19937_64 rng(11);
  std::vector<CreditRow> rows;
  uint32_t deal = 0;
  for (int i = 0; i < 50; ++i) rows.push_back(row(0, i, deal++));  // in order
  for (int i = 0; i < 60; ++i) rows.push_back(row(1, int32_t(rng() % 9), deal++, 0, 0, -1, i));
  for (int i = 0; i < 30; ++i) {  // person 2: groups of one deal, emitted depth 2 before depth 1
    rows.push_back(row(2, int32_t(rng() % 5), deal, 3, 2, 7, i));
    rows.push_back(row(2, rows.back().date.days(), deal, 3, 1, 9, i));
    rows.push_back(row(2, rows.back().date.days(), deal++, 3, 1, 4, i));
  }
  for (int i = 0; i < 40; ++i) rows.push_back(row(3, int32_t(rng() % 4), uint32_t(1000 - i), 0, 0, -1, i));
  for (int i = 0; i < 10; ++i) rows.push_back(row(4, (i % 2) * 100000 - int32_t(i), deal++, 0, 0, -1, i));
  std::vector<CreditRow> expected = rows;
  std::stable_sort(expected.begin(), expected.end(), [](const CreditRow& x, const CreditRow& y) {
    return x.person != y.person ? x.person < y.person : credit_row_before(x, y);
  });
  for (std::size_t workers : {1u, 3u}) {
    const auto out = ordered(rows, 5, workers, 2);
    ASSERT_EQ(out.size(), expected.size());
    for (std::size_t k = 0; k < out.size(); ++k)
      ASSERT_TRUE(same(out[k], expected[k])) << workers << " " << k;
  }
  // The group sort's work, by hand: person 2's first group comes out via 4, via 9, then depth 2.
  const auto out = ordered(rows, 5, 1, 1);
  const auto first_of_2 =
      std::find_if(out.begin(), out.end(), [](const CreditRow& r) { return r.person == 2; });
  EXPECT_EQ(first_of_2[0].depth, 1);
  EXPECT_EQ(first_of_2[0].via, 4);
  EXPECT_EQ(first_of_2[1].via, 9);
  EXPECT_EQ(first_of_2[2].depth, 2);
}

TEST(CreditRows, TiesKeepEmissionOrderOnEveryPath) {
  // Many rows with equal keys (told apart by amount, the emission index) on
  // each path: the counting sort (person 0), the group sort (person 1), the
  // full stable sort after deals out of key order (person 2) and after dates
  // too spread out to count (person 3). Each must match a stable sort.
  std::mt19937_64 rng(5);
  std::vector<CreditRow> rows;
  for (int i = 0; i < 200; ++i) {
    const int64_t at = int64_t(rows.size());
    rows.push_back(row(0, int32_t(rng() % 6), uint32_t(i / 8), 0, 0, -1, at));
    rows.push_back(row(1, 7, uint32_t(i / 40), int16_t(rng() % 2), uint8_t(1 + rng() % 2), 3, at + 1));
    rows.push_back(row(2, int32_t(rng() % 3), uint32_t(300 - i / 20), 0, 0, -1, at + 2));
    rows.push_back(row(3, int32_t(rng() % 2) * 900000, uint32_t(i % 5), 0, 0, -1, at + 3));
  }
  std::vector<CreditRow> expected = rows;
  std::stable_sort(expected.begin(), expected.end(), [](const CreditRow& x, const CreditRow& y) {
    return x.person != y.person ? x.person < y.person : credit_row_before(x, y);
  });
  for (std::size_t workers : {1u, 2u}) {
    const auto out = ordered(rows, 4, workers, 2);
    ASSERT_EQ(out.size(), expected.size());
    for (std::size_t k = 0; k < out.size(); ++k)
      ASSERT_TRUE(same(out[k], expected[k])) << workers << " " << k;
  }
}

TEST(CreditRows, BlocksHoldWholePeopleAndFreeTheWorkersRows) {
  // 3 people x 600,000 rows (more than one 43,690-row chunk a worker), and
  // 1,000 people of whom only every third has rows: blocks are never empty,
  // never cut a person, and ordering one frees the workers' rows of it.
  for (const int people : {3, 1000}) {
    std::vector<CreditRow> rows;
    const int each = people == 3 ? 600000 : 900;
    for (int p = 0; p < people; p += people == 3 ? 1 : 3)
      for (int i = 0; i < each; ++i) rows.push_back(row(p, i % 7, uint32_t(i)));
    auto parts = split(rows, std::size_t(people), 2);
    OrderedCreditRows out = order_credit_rows(parts, std::size_t(people), 2);
    EXPECT_TRUE(parts.empty());
    EXPECT_EQ(out.size(), rows.size());
    EXPECT_EQ(out.unordered_rows(), rows.size());
    ASSERT_GE(out.blocks(), 2u);
    std::size_t seen = 0;
    int32_t last_person = -1;
    for (std::size_t b = 0; b < out.blocks(); ++b) {
      EXPECT_EQ(out.block_first_row(b), seen);
      const OrderedCreditBlock block = out.order_block(b);
      ASSERT_FALSE(block.order.empty());
      ASSERT_EQ(block.order.size(), block.rows.size());
      // The order is a permutation of the block's rows.
      std::vector<uint32_t> sorted(block.order.begin(), block.order.end());
      std::sort(sorted.begin(), sorted.end());
      for (std::size_t k = 0; k < sorted.size(); ++k) ASSERT_EQ(sorted[k], k);
      EXPECT_GT(block.rows[block.order.front()].person, last_person);  // a person is never in two blocks
      last_person = block.rows[block.order.back()].person;
      seen += block.order.size();
      EXPECT_EQ(out.block_first_row(b + 1), seen);
      EXPECT_EQ(out.unordered_rows(), rows.size() - seen);
    }
    EXPECT_EQ(seen, rows.size());
  }
}

TEST(CreditRows, PeopleGroupsAreAtMostTheirLimit) {
  for (std::size_t people : {0u, 1u, 255u, 256u, 257u, 100000u, 3000000u}) {
    const unsigned shift = credit_person_group_shift(people);
    const std::size_t groups = (people + (std::size_t(1) << shift) - 1) >> shift;
    EXPECT_LE(groups, kCreditPersonGroups) << people;
    if (shift > 0)
      EXPECT_GT((people + (std::size_t(1) << (shift - 1)) - 1) >> (shift - 1), kCreditPersonGroups);
  }
}

TEST(CreditRows, NoRowsNoPeople) {
  std::vector<CreditRowChunks> parts(2);  // made for no one
  OrderedCreditRows out = order_credit_rows(parts, 0, 2);
  EXPECT_EQ(out.size(), 0u);
  EXPECT_TRUE(out.to_vector().empty());
}

}  // namespace
}  // namespace salescomp
