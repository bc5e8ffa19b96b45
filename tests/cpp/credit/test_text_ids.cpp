// Deal ids as the user's text (issue 11): keys are byte-order ranks, deal rows
// are put in id order, messages name the ids, and team codes follow names.
#include <gtest/gtest.h>

#include <salescomp/credit/crediting.hpp>
#include <salescomp/data/deal_loader.hpp>
#include <string>
#include <vector>

using namespace salescomp;

namespace {

Date D(const char* s) { return Date::parse(s); }
const Currency USD = Currency::of("USD");

StringColumn column(const std::vector<std::string>& texts) {
  StringColumn c;
  for (const auto& t : texts) c.push_back(t);
  return c;
}

Organisation two_reps() {
  Roster r;
  r.add("b", Role::AccountExecutive, D("2020-01-01"), std::nullopt, USD);
  r.add("a", Role::AccountExecutive, D("2020-01-01"), std::nullopt, USD);
  AssignmentColumns a;
  for (const char* team : {"west", "east"}) {
    a.person_id.push_back(team[0] == 'w' ? "b" : "a");
    a.field.push_back(AssignmentField::Team);
    a.value.push_back(team);
    a.from.push_back(D("2020-01-01"));
    a.to.push_back(std::nullopt);
  }
  return Organisation(std::move(r), a);
}

DealColumns deals_with_ids(const std::vector<std::string>& ids) {
  DealColumns c;
  c.id_text = column(ids);
  c.id = id_ranks(c.id_text);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    c.owner_id.push_back(i % 2 ? "a" : "b");
    c.close_date.push_back(D("2026-01-10"));
    c.amount_minor.push_back(int64_t(100 * (i + 1)));
    c.currency.push_back("USD");
    c.type.push_back("new_business");
  }
  return c;
}

}  // namespace

TEST(TextIds, RanksFollowByteOrderAndShareEqualIds) {
  // Byte order: "007" < "0065..." is false ('7' > '6'); "10" < "7" < "9"; "Δ" (0xCE 0x94) last.
  const StringColumn ids = column({"9", "0065g00000AbCdEfGh", "Δ-1", "007", "10", "7", "9"});
  EXPECT_EQ(id_ranks(ids), (std::vector<int64_t>{4, 0, 5, 1, 2, 3, 4}));
}

TEST(TextIds, DealRowsAreInIdOrderWhateverTheInputOrder) {
  const Organisation org = two_reps();
  Dictionary products, customers;
  DealTable d = load_deals(deals_with_ids({"z9", "0065g00000AbCdEfGh", "007"}), org, products, customers);
  const std::vector<int64_t> order = sort_by_id(d);
  EXPECT_EQ(order, (std::vector<int64_t>{1, 2, 0}));  // "0065g..." < "007" ('6' < '7') < "z9"
  EXPECT_EQ(deal_label(d, 0), "0065g00000AbCdEfGh");
  EXPECT_EQ(deal_label(d, 1), "007");
  EXPECT_EQ(deal_label(d, 2), "z9");
  EXPECT_EQ(d.amount, (std::vector<int64_t>{200, 300, 100}));  // the rows moved together
  // Tables without text ids name deals by their number.
  DealTable numbers;
  numbers.id = {42};
  EXPECT_EQ(deal_label(numbers, 0), "42");
}

TEST(TextIds, DuplicateIdsAreReportedByTheirText) {
  const Organisation org = two_reps();
  Dictionary products, customers;
  try {
    load_deals(deals_with_ids({"0065g00000AbCdEfGh", "x", "0065g00000AbCdEfGh"}), org, products, customers);
    FAIL() << "a duplicate id must be refused";
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].row, 2);
    EXPECT_EQ(e.issues()[0].value, "0065g00000AbCdEfGh");
  }
}

TEST(TextIds, SplitMessagesNameTheDealAndThePerson) {
  const Organisation org = two_reps();
  Dictionary products, customers;
  DealTable d = load_deals(deals_with_ids({"0065g00000AbCdEfGh"}), org, products, customers);
  SplitTable s;
  s.add(0, 1, Rate::parse("0.5"), SplitKind::Revenue);
  s.add(0, 1, Rate::parse("0.4"), SplitKind::Revenue);
  try {
    validate_splits(s, d, org.size(), &org.roster());
    FAIL() << "a person twice and a 90% split must be refused";
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 2u);
    EXPECT_EQ(e.issues()[0].value, "a");  // roster index 1 is "a"
    EXPECT_NE(e.issues()[0].rule.find("deal 0065g00000AbCdEfGh"), std::string::npos);
    EXPECT_NE(e.issues()[1].rule.find("revenue split of deal 0065g00000AbCdEfGh sums to 0.9"),
              std::string::npos);
  }
}

TEST(TextIds, TeamCodesFollowTheirNamesNotTheRows) {
  const Organisation org = two_reps();  // "west" is assigned first
  EXPECT_EQ(org.dictionary(AssignmentField::Team), (std::vector<std::string>{"east", "west"}));
  EXPECT_EQ(org.code_of(AssignmentField::Team, "east"), 0);
  EXPECT_EQ(org.as_of(1, AssignmentField::Team, D("2026-01-01")), 0);  // "a" is in east
}

namespace {

struct SplitRow {
  int64_t deal;
  int32_t person;
  const char* share;
  SplitKind kind;
};

std::vector<std::string> split_issues(const std::vector<SplitRow>& rows, const DealTable& d,
                                      const Organisation& org) {
  SplitTable s;
  for (const SplitRow& r : rows) s.add(r.deal, r.person, Rate::parse(r.share), r.kind);
  try {
    validate_splits(s, d, org.size(), &org.roster());
  } catch (const ValidationError& e) {
    std::vector<std::string> out;
    for (const Issue& i : e.issues()) out.push_back(i.field + "=" + i.value + ": " + i.rule);
    return out;
  }
  return {};
}

}  // namespace

TEST(TextIds, SplitRowsGiveTheSameIssuesInDealOrderOrNot) {
  // Deal "p": b twice among its revenue rows (not next to each other), summing to 1.2;
  // deal "q": a fine 50/50 split and an overlay; deal "r": 0.3 only.
  const Organisation org = two_reps();  // roster: 0 = b, 1 = a
  Dictionary products, customers;
  const DealTable d = load_deals(deals_with_ids({"p", "q", "r"}), org, products, customers);
  const std::vector<SplitRow> in_deal_order{
      {0, 0, "0.5", SplitKind::Revenue}, {0, 1, "0.2", SplitKind::Revenue}, {0, 0, "0.5", SplitKind::Revenue},
      {1, 1, "0.5", SplitKind::Revenue}, {1, 0, "0.1", SplitKind::Overlay}, {1, 0, "0.5", SplitKind::Revenue},
      {2, 1, "0.3", SplitKind::Revenue}};
  const std::vector<std::string> expected{
      "person=b: deal p names this person twice in its revenue split",
      "share=1.2: revenue split of deal p sums to 1.2, not exactly 1 (100%)",
      "share=0.3: revenue split of deal r sums to 0.3, not exactly 1 (100%)"};
  EXPECT_EQ(split_issues(in_deal_order, d, org), expected);
  // The same rows in another order (the full sort, not the per-deal one).
  std::vector<SplitRow> shuffled(in_deal_order.rbegin(), in_deal_order.rend());
  std::swap(shuffled[1], shuffled[4]);
  EXPECT_EQ(split_issues(shuffled, d, org), expected);
}
