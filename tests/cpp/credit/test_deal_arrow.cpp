// The strict Arrow readers of deals and splits (deal_arrow.hpp): the same
// DealTable as the per-row loader (load_deals + sort_by_id) on clean input,
// nullopt at the first cell they do not take, and the ids' byte order.
#include <gtest/gtest.h>

#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "salescomp/arrow/export_table.hpp"
#include "salescomp/arrow/imported_table.hpp"
#include "salescomp/credit/deal_arrow.hpp"
#include "salescomp/data/deal_loader.hpp"

using namespace salescomp;

namespace {

Date D(const char* s) { return Date::parse(s); }

Organisation org3() {
  Roster r;
  const Currency usd = Currency::of("USD");
  r.add("ana", Role::AccountExecutive, D("2020-01-01"), std::nullopt, usd);  // 0
  r.add("ben", Role::AccountExecutive, D("2020-01-01"), std::nullopt, usd);  // 1
  r.add("sdr", Role::Sdr, D("2020-01-01"), std::nullopt, usd);               // 2
  AssignmentColumns a;
  a.person_id.push_back("ana");
  a.field.push_back(AssignmentField::Territory);
  a.value.push_back("north");
  a.from.push_back(D("2020-01-01"));
  a.to.push_back(std::nullopt);
  return Organisation(std::move(r), a);
}

arrow::ImportedTable imported(arrow::ExportTable e, const char* source = "deals") {
  ArrowArrayStream stream;
  e.export_stream(&stream);
  return arrow::ImportedTable::from_stream(&stream, source);
}

// Four deals with text ids given out of byte order: "b", "a", "10", "9"
// (byte order: "10" < "9" < "a" < "b", so deal rows are input rows 2, 3, 1, 0).
struct Cells {
  std::vector<std::string> id{"b", "a", "10", "9"};
  std::vector<std::string> owner{"ana", "ben", "ana", "ben"};
  std::vector<int32_t> close{20500, 20501, 20502, 20503};
  std::vector<int64_t> amount_cents{10000, 2550, 0, -1999};  // 100.00, 25.50, 0.00, -19.99
  std::vector<std::string> currency{"USD", "EUR", "USD", "USD"};
  std::vector<std::string> type{"new_business", "renewal", "expansion", "refund"};
  std::vector<std::string> source{"sdr", "", "sales", "marketing"};
  std::vector<std::string> source_person{"sdr", "", "", ""};
  std::vector<std::string> customer{"acme", "", "acme", "zeta"};
  std::vector<std::string> territory{"north", "", "", "north"};

  arrow::ExportTable table() const {
    arrow::ExportTable e;
    e.add(arrow::ExportColumn::texts("deal_id", id));
    e.add(arrow::ExportColumn::texts("owner", owner));
    e.add(arrow::ExportColumn::dates("close_date", close));
    e.add(arrow::ExportColumn::decimals("amount", amount_cents, 2));
    e.add(arrow::ExportColumn::dictionary("currency", {0, 1, 0, 0}, {"USD", "EUR"}));
    e.add(arrow::ExportColumn::texts("type", type));
    e.add(arrow::ExportColumn::texts("source", source));
    e.add(arrow::ExportColumn::texts("source_person", source_person));
    e.add(arrow::ExportColumn::texts("customer", customer));
    e.add(arrow::ExportColumn::texts("territory", territory));
    e.add(arrow::ExportColumn::int32s("term_months", {12, 24, 0, 1200}));
    return e;
  }
  // The same deals through the per-row loader.
  DealColumns columns() const {
    DealColumns c;
    for (const auto& s : id) c.id_text.push_back(s);
    c.id = id_ranks(c.id_text);
    c.owner_id = owner;
    for (int32_t d : close) c.close_date.push_back(Date::from_days(d));
    c.amount_text = {"100", "25.5", "0", "-19.99"};
    c.currency = currency;
    c.type = type;
    c.source = source;
    c.source_person_id = source_person;
    c.customer = customer;
    c.territory = territory;
    c.term_months = {12, 24, 0, 1200};
    return c;
  }
};

TEST(DealArrow, SameTableAsThePerRowLoader) {
  const Organisation org = org3();
  const Cells cells;
  Dictionary products, customers;
  const arrow::ImportedTable t = imported(cells.table());
  const auto read = read_deals_strict(t, org, products, customers);
  ASSERT_TRUE(read.has_value());

  Dictionary p2, c2;
  DealTable expected = load_deals(cells.columns(), org, p2, c2);
  const std::vector<int64_t> order = sort_by_id(expected);

  const DealTable& d = read->table;
  EXPECT_EQ(read->input_row, (std::vector<int64_t>{2, 3, 1, 0}));
  EXPECT_EQ(read->input_row, order);
  EXPECT_EQ(d.id, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(d.id, expected.id);
  ASSERT_EQ(d.id_text.size(), 4u);
  EXPECT_EQ(d.id_text[0], "10");
  EXPECT_EQ(d.id_text[3], "b");
  EXPECT_EQ(d.owner, expected.owner);
  EXPECT_EQ(d.owner, (std::vector<int32_t>{0, 1, 1, 0}));
  EXPECT_EQ(d.close_date, expected.close_date);
  EXPECT_EQ(d.amount, expected.amount);
  EXPECT_EQ(d.amount, (std::vector<int64_t>{0, -1999, 2550, 10000}));
  EXPECT_EQ(d.currency, expected.currency);
  EXPECT_EQ(d.type, expected.type);
  EXPECT_EQ(d.type[0], DealType::Upsell);  // "expansion"
  EXPECT_EQ(d.source, expected.source);
  EXPECT_EQ(d.source_person, expected.source_person);
  EXPECT_EQ(d.source_person, (std::vector<int32_t>{-1, -1, -1, 2}));
  EXPECT_EQ(d.territory, expected.territory);
  EXPECT_EQ(d.term_months, expected.term_months);
  EXPECT_EQ(d.invoice_date, expected.invoice_date);
  EXPECT_EQ(d.created_date, expected.created_date);
  // Customers interned in input order by both (callers recode in row order).
  EXPECT_EQ(customers.names(), c2.names());
  ASSERT_EQ(d.customer.size(), 4u);
  EXPECT_EQ(d.customer, expected.customer);  // "" is no customer (-1)
  // Deal rows "10", "9", "a", "b" are input rows 2 (acme), 3 (zeta), 1 (none), 0 (acme);
  // codes in input order: acme 0, zeta 1.
  EXPECT_EQ(d.customer, (std::vector<int32_t>{0, 1, -1, 0}));
}

TEST(DealArrow, RefusesWhatThePerRowPathMustReport) {
  const Organisation org = org3();
  auto refused = [&](const Cells& cells) {
    Dictionary p, c;
    return !read_deals_strict(imported(cells.table()), org, p, c).has_value();
  };
  EXPECT_FALSE(refused(Cells{}));
  Cells unknown_owner;
  unknown_owner.owner[2] = "zoe";
  EXPECT_TRUE(refused(unknown_owner));
  Cells duplicate;
  duplicate.id[3] = "a";
  EXPECT_TRUE(refused(duplicate));
  Cells bad_id;
  bad_id.id[0] = " b";  // surrounding space
  EXPECT_TRUE(refused(bad_id));
  Cells bad_type;
  bad_type.type[1] = "Renewal";
  EXPECT_TRUE(refused(bad_type));
  Cells bad_territory;
  bad_territory.territory[1] = "south";
  EXPECT_TRUE(refused(bad_territory));
  Cells bad_sign;  // a refund must be <= 0 (validate_deals)
  bad_sign.amount_cents[3] = 1999;
  EXPECT_TRUE(refused(bad_sign));
  Cells too_many_places;  // EUR 25.505: more places than the currency has
  {
    Dictionary p, c;
    arrow::ExportTable t;
    t.add(arrow::ExportColumn::texts("deal_id", too_many_places.id));
    t.add(arrow::ExportColumn::texts("owner", too_many_places.owner));
    t.add(arrow::ExportColumn::dates("close_date", too_many_places.close));
    t.add(arrow::ExportColumn::decimals("amount", {100000, 25505, 0, -19990}, 3));
    t.add(arrow::ExportColumn::texts("currency", too_many_places.currency));
    t.add(arrow::ExportColumn::texts("type", too_many_places.type));
    EXPECT_FALSE(read_deals_strict(imported(std::move(t)), org, p, c).has_value());
  }
  {
    // Zeros beyond the currency's places are taken, as the per-row path takes them.
    Dictionary p, c;
    arrow::ExportTable t;
    t.add(arrow::ExportColumn::texts("deal_id", too_many_places.id));
    t.add(arrow::ExportColumn::texts("owner", too_many_places.owner));
    t.add(arrow::ExportColumn::dates("close_date", too_many_places.close));
    t.add(arrow::ExportColumn::decimals("amount", {100000, 25500, 0, -19990}, 3));
    t.add(arrow::ExportColumn::texts("currency", too_many_places.currency));
    t.add(arrow::ExportColumn::texts("type", too_many_places.type));
    const auto r = read_deals_strict(imported(std::move(t)), org, p, c);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->table.amount, (std::vector<int64_t>{0, -1999, 2550, 10000}));
  }
  {
    // An unknown column, and a missing required one.
    Dictionary p, c;
    arrow::ExportTable t = Cells{}.table();
    t.add(arrow::ExportColumn::int32s("cancelation_date", {1, 2, 3, 4}));
    EXPECT_FALSE(read_deals_strict(imported(std::move(t)), org, p, c).has_value());
    arrow::ExportTable u;
    u.add(arrow::ExportColumn::texts("deal_id", {"x"}));
    EXPECT_FALSE(read_deals_strict(imported(std::move(u)), org, p, c).has_value());
  }
}

TEST(DealArrow, IntegerIdsAreRankedByTheirDecimalText) {
  // 9, 10, 100, -5: byte order of the text is "-5" < "10" < "100" < "9".
  const Organisation org = org3();
  arrow::ExportTable e;
  e.add(arrow::ExportColumn::int64s("deal_id", {9, 10, 100, -5}));
  e.add(arrow::ExportColumn::texts("owner", {"ana", "ana", "ana", "ana"}));
  e.add(arrow::ExportColumn::dates("close_date", {1, 2, 3, 4}));
  e.add(arrow::ExportColumn::decimals("amount", {1, 2, 3, 4}, 2));
  e.add(arrow::ExportColumn::texts("currency", {"USD", "USD", "USD", "USD"}));
  e.add(arrow::ExportColumn::texts("type", {"renewal", "renewal", "renewal", "renewal"}));
  Dictionary p, c;
  const auto r = read_deals_strict(imported(std::move(e)), org, p, c);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->input_row, (std::vector<int64_t>{3, 1, 2, 0}));
  EXPECT_EQ(r->table.id_text[0], "-5");
  EXPECT_EQ(r->table.id_text[3], "9");
}

TEST(DealArrow, ByteRanksEqualIdRanks) {
  // Random ids with long shared prefixes (CRM-like), short and numeric-looking
  // ones, unicode and duplicates: the prefix sort ranks them as id_ranks does.
  std::mt19937_64 rng(3);
  const std::vector<std::string> stems{"0065g00000",
                                       "006",
                                       "7",
                                       "07",
                                       "ana-mar\xC3\xAD"
                                       "a",
                                       "\xE6\x9D\xB1"};
  StringColumn ids;
  for (int i = 0; i < 70000; ++i) {  // more than 65,536: the radix sort
    std::string s = stems[rng() % stems.size()];
    const int extra = int(rng() % 10);
    for (int k = 0; k < extra; ++k) s.push_back(char('0' + rng() % 10));
    ids.push_back(s);
  }
  EXPECT_EQ(id_byte_ranks(ids), id_ranks(ids));
}

// Deals with these ids (in this input order), each owned by `owner`, 1.00 USD renewals.
arrow::ExportTable deals_with_ids(const std::vector<std::string>& ids,
                                  const std::vector<std::string>& owner) {
  const std::size_t n = ids.size();
  arrow::ExportTable e;
  e.add(arrow::ExportColumn::texts("deal_id", ids));
  e.add(arrow::ExportColumn::texts("owner", owner));
  e.add(arrow::ExportColumn::dates("close_date", std::vector<int32_t>(n, 20500)));
  e.add(arrow::ExportColumn::decimals("amount", std::vector<int64_t>(n, 100), 2));
  e.add(arrow::ExportColumn::texts("currency", std::vector<std::string>(n, "USD")));
  e.add(arrow::ExportColumn::texts("type", std::vector<std::string>(n, "renewal")));
  return e;
}

std::vector<std::string> id_texts(const DealTable& d) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < d.id_text.size(); ++i) out.emplace_back(d.id_text[i]);
  return out;
}

TEST(DealArrow, IdsSharingLongPrefixesAndNonAsciiIdsInByteOrder) {
  const Organisation org = org3();
  {
    // CRM-like ids: the first 10 bytes shared, then ties on the next 8 bytes
    // broken by the rest; "0065g00000AbCdEfGh" < "...GhX" < "...Gi" < "...Hh".
    const std::vector<std::string> ids{"0065g00000AbCdEfGi", "0065g00000AbCdEfGhX", "0065g00000AbCdEfHh",
                                       "0065g00000AbCdEfGh", "0065g00000"};
    Dictionary p, c;
    const auto r =
        read_deals_strict(imported(deals_with_ids(ids, std::vector<std::string>(5, "ana"))), org, p, c);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->input_row, (std::vector<int64_t>{4, 3, 1, 0, 2}));
    EXPECT_EQ(id_texts(r->table),
              (std::vector<std::string>{"0065g00000", "0065g00000AbCdEfGh", "0065g00000AbCdEfGhX",
                                        "0065g00000AbCdEfGi", "0065g00000AbCdEfHh"}));
    // Splits find those deals by text (ties on the first 8 bytes after the shared 10).
    arrow::ExportTable sp;
    sp.add(arrow::ExportColumn::texts(
        "deal_id", {"0065g00000AbCdEfGhX", "0065g00000", "0065g00000AbCdEfHh", "0065g00000AbCdEfGh"}));
    sp.add(arrow::ExportColumn::texts("person", {"ana", "ana", "ben", "ben"}));
    sp.add(arrow::ExportColumn::texts("share", {"1", "1", "1", "1"}));
    const auto splits = read_splits_strict(imported(std::move(sp), "splits"), r->table, org);
    ASSERT_TRUE(splits.has_value());
    EXPECT_EQ(splits->deal, (std::vector<int64_t>{2, 0, 4, 1}));
    for (const char* unknown :
         {"0065g00000AbCdEfGhY", "0065g0000", "0065g00000AbCdEfG", "1065g00000AbCdEfGh"}) {
      arrow::ExportTable u;
      u.add(arrow::ExportColumn::texts("deal_id", {unknown}));
      u.add(arrow::ExportColumn::texts("person", {"ana"}));
      u.add(arrow::ExportColumn::texts("share", {"1"}));
      EXPECT_FALSE(read_splits_strict(imported(std::move(u), "splits"), r->table, org).has_value())
          << unknown;
    }
  }
  {
    // Bytes, not code points or case: "Z" (5A) < "ab" (61) < "z" (7A) < e-acute (C3 A9) < U+6771 (E6 9D B1).
    const std::vector<std::string> ids{"\xE6\x9D\xB1", "z", "\xC3\xA9", "ab", "Z", "a b"};
    Dictionary p, c;
    const auto r =
        read_deals_strict(imported(deals_with_ids(ids, std::vector<std::string>(6, "ben"))), org, p, c);
    ASSERT_TRUE(r.has_value());
    // "a b" (61 20 62) < "ab" (61 62).
    EXPECT_EQ(r->input_row, (std::vector<int64_t>{4, 5, 3, 1, 2, 0}));
    EXPECT_EQ(id_texts(r->table),
              (std::vector<std::string>{"Z", "a b", "ab", "z", "\xC3\xA9", "\xE6\x9D\xB1"}));
    EXPECT_EQ(r->table.owner, (std::vector<int32_t>(6, 1)));
  }
}

TEST(DealArrow, RefusesDuplicateAndBadIdsOfEveryLength) {
  const Organisation org = org3();
  auto refused = [&](const std::vector<std::string>& ids) {
    Dictionary p, c;
    return !read_deals_strict(imported(deals_with_ids(ids, std::vector<std::string>(ids.size(), "ana"))), org,
                              p, c)
                .has_value();
  };
  EXPECT_FALSE(refused({"7", "70", "700"}));
  EXPECT_TRUE(refused({"7", "70", "7"}));  // short duplicate
  EXPECT_TRUE(refused({"0065g00000AbCdEfGhX", "0065g00000AbCdEfGi", "0065g00000AbCdEfGhX"}));  // long
  EXPECT_FALSE(refused({"0065g00000AbCdEfGhX", "0065g00000AbCdEfGhY"}));  // same 18 bytes, then differ
  EXPECT_TRUE(refused({"a", "b\x7F"}));                                   // DEL is a control character
  EXPECT_TRUE(refused({"a", "b\tc"}));
  EXPECT_TRUE(refused({"a", "b "}));
  EXPECT_TRUE(refused({"a", "b\xC2\xA0"}));  // no-break space at the end
  EXPECT_TRUE(refused({"a", "\xC3"}));       // cut UTF-8
  EXPECT_TRUE(refused({"a", ""}));
  EXPECT_TRUE(refused({"a", std::string(257, 'x')}));
  EXPECT_FALSE(refused({"a", std::string(256, 'x')}));
}

TEST(DealArrow, OwnersByTextOfAnyLengthAndLayout) {
  // Roster ids sharing their first 8 bytes, looked up from plain and dictionary text.
  Roster roster;
  const Currency usd = Currency::of("USD");
  for (const char* id : {"person-000000001", "person-000000002", "person-0", "p"})
    roster.add(id, Role::AccountExecutive, D("2020-01-01"), std::nullopt, usd);
  const Organisation org(std::move(roster), AssignmentColumns{});
  const std::vector<std::string> owners{"person-000000002", "p", "person-0", "person-000000001"};
  Dictionary p, c;
  const auto r = read_deals_strict(imported(deals_with_ids({"a", "b", "c", "d"}, owners)), org, p, c);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->table.owner, (std::vector<int32_t>{1, 3, 2, 0}));
  {
    // The same owners dictionary-encoded (entries looked up once).
    arrow::ExportTable e;
    e.add(arrow::ExportColumn::texts("deal_id", {"a", "b", "c", "d"}));
    e.add(arrow::ExportColumn::dictionary("owner", {0, 1, 2, 0}, {"person-000000002", "p", "person-0"}));
    e.add(arrow::ExportColumn::dates("close_date", {1, 2, 3, 4}));
    e.add(arrow::ExportColumn::decimals("amount", {1, 2, 3, 4}, 2));
    e.add(arrow::ExportColumn::texts("currency", {"USD", "USD", "USD", "USD"}));
    e.add(arrow::ExportColumn::texts("type", {"renewal", "renewal", "renewal", "renewal"}));
    Dictionary p2, c2;
    const auto d = read_deals_strict(imported(std::move(e)), org, p2, c2);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->table.owner, (std::vector<int32_t>{1, 3, 2, 1}));
  }
  {
    Dictionary p2, c2;
    std::vector<std::string> unknown = owners;
    unknown[2] = "person-000000003";  // the same first 8 bytes as three roster ids
    EXPECT_FALSE(read_deals_strict(imported(deals_with_ids({"a", "b", "c", "d"}, unknown)), org, p2, c2));
    unknown[2] = "";
    EXPECT_FALSE(read_deals_strict(imported(deals_with_ids({"a", "b", "c", "d"}, unknown)), org, p2, c2));
  }
}

TEST(DealArrow, ByteRanksOfPrefixesThatDoNotCompress) {
  // Ids of random printable bytes: too many distinct bytes per position for
  // the compact key (the fallback sort), with ties on the first 8 bytes.
  std::mt19937_64 rng(11);
  for (std::size_t n : {std::size_t(500), std::size_t(70000)}) {
    StringColumn ids;
    std::vector<std::string> made;
    for (std::size_t i = 0; i < n; ++i) {
      std::string s;
      if (i % 7 == 3 && !made.empty()) {
        s = made[rng() % made.size()].substr(0, 8);  // a shared 8-byte head (or a repeat)
      } else {
        for (int k = 0; k < 8; ++k) s.push_back(char(0x21 + rng() % 94));
      }
      const int extra = int(rng() % 4);
      for (int k = 0; k < extra; ++k) s.push_back(char(0x21 + rng() % 94));
      made.push_back(s);
      ids.push_back(s);
    }
    EXPECT_EQ(id_byte_ranks(ids), id_ranks(ids));
  }
  StringColumn few;  // a common prefix that is a whole id, and equal ids
  for (const char* s : {"abc1", "abc", "abc10", "abc", "abc0"}) few.push_back(s);
  EXPECT_EQ(id_byte_ranks(few), (std::vector<int64_t>{2, 0, 3, 0, 1}));
  EXPECT_EQ(id_byte_ranks(few), id_ranks(few));
}

TEST(DealArrow, DictionaryCodesInFirstSeenOrder) {
  // Codes are the order names are first seen, through the table's growth;
  // "" is none; a copy is independent.
  Dictionary d;
  EXPECT_EQ(d.find("x"), -1);
  EXPECT_EQ(d.intern(""), -1);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(d.intern("C" + std::to_string(i)), i);
  for (int i = 999; i >= 0; --i) EXPECT_EQ(d.intern("C" + std::to_string(i)), i);
  EXPECT_EQ(d.size(), 1000u);
  EXPECT_EQ(d.find("C500"), 500);
  EXPECT_EQ(d.find("C1000"), -1);
  EXPECT_EQ(d.find(""), -1);
  EXPECT_EQ(d.name(7), "C7");
  Dictionary copy = d;
  EXPECT_EQ(copy.intern("new"), 1000);
  EXPECT_EQ(d.find("new"), -1);
  EXPECT_EQ(d.intern("C3"), 3);
}

TEST(DealArrow, SplitsByDealIdText) {
  const Organisation org = org3();
  Dictionary products, customers;
  const auto deals = read_deals_strict(imported(Cells{}.table()), org, products, customers);
  ASSERT_TRUE(deals.has_value());
  arrow::ExportTable s;
  s.add(arrow::ExportColumn::texts("deal_id", {"b", "b", "9", "10"}));
  s.add(arrow::ExportColumn::texts("person", {"ana", "ben", "sdr", "ben"}));
  s.add(arrow::ExportColumn::decimals("share", {6, 4, 15, 10}, 1));  // 0.6, 0.4, 1.5, 1.0
  s.add(arrow::ExportColumn::texts("kind", {"revenue", "revenue", "overlay", "revenue"}));
  const auto splits = read_splits_strict(imported(std::move(s), "splits"), deals->table, org);
  ASSERT_TRUE(splits.has_value());
  // Deal rows: "10" -> 0, "9" -> 1, "b" -> 3.
  EXPECT_EQ(splits->deal, (std::vector<int64_t>{3, 3, 1, 0}));
  EXPECT_EQ(splits->person, (std::vector<int32_t>{0, 1, 2, 1}));
  EXPECT_EQ(splits->share[0].raw(), 600'000'000'000);
  EXPECT_EQ(splits->share[2].raw(), 1'500'000'000'000);
  EXPECT_EQ(splits->kind[2], SplitKind::Overlay);

  arrow::ExportTable unknown;
  unknown.add(arrow::ExportColumn::texts("deal_id", {"c"}));
  unknown.add(arrow::ExportColumn::texts("person", {"ana"}));
  unknown.add(arrow::ExportColumn::texts("share", {"1"}));
  EXPECT_FALSE(read_splits_strict(imported(std::move(unknown), "splits"), deals->table, org).has_value());
  arrow::ExportTable text_share;
  text_share.add(arrow::ExportColumn::texts("deal_id", {"a"}));
  text_share.add(arrow::ExportColumn::texts("person", {"ana"}));
  text_share.add(arrow::ExportColumn::texts("share", {"0.25"}));
  const auto one = read_splits_strict(imported(std::move(text_share), "splits"), deals->table, org);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->deal, (std::vector<int64_t>{2}));
  EXPECT_EQ(one->share[0].raw(), 250'000'000'000);
}

// Splits find their deals by a short scan after the previous one (when they come in id
// order) or by a search: the same rows for gaps inside and beyond the scan, backwards
// steps and repeats; an id missing between two known ones is still not found.
TEST(DealArrow, SplitsFindTheirDealsNearOrFarInAnyOrder) {
  const Organisation org = org3();
  DealTable deals;
  for (int i = 0; i < 300; ++i) {
    const std::string digits = std::to_string(1000000 + 7 * i);
    deals.id_text.push_back("0065g0000" + digits);  // byte order = row order
    deals.id.push_back(i);
  }
  const std::vector<int64_t> rows{0, 1, 3, 34, 66, 99, 199, 200, 200, 299, 5, 4, 150, 149, 0, 32, 65};
  std::vector<std::string> ids, people;
  for (int64_t r : rows) {
    ids.emplace_back(deals.id_text[std::size_t(r)]);
    people.emplace_back("ana");
  }
  arrow::ExportTable s;
  s.add(arrow::ExportColumn::texts("deal_id", ids));
  s.add(arrow::ExportColumn::texts("person", people));
  s.add(arrow::ExportColumn::texts("share", std::vector<std::string>(rows.size(), "1")));
  const auto splits = read_splits_strict(imported(std::move(s), "splits"), deals, org);
  ASSERT_TRUE(splits.has_value());
  EXPECT_EQ(splits->deal, rows);

  // "...1000008" lies between rows 1 (1000007) and 2 (1000014): near the previous row, absent.
  arrow::ExportTable missing;
  missing.add(arrow::ExportColumn::texts(
      "deal_id", std::vector<std::string>{std::string(deals.id_text[1]), "0065g00001000008"}));
  missing.add(arrow::ExportColumn::texts("person", std::vector<std::string>{"ana", "ana"}));
  missing.add(arrow::ExportColumn::texts("share", std::vector<std::string>{"1", "1"}));
  EXPECT_FALSE(read_splits_strict(imported(std::move(missing), "splits"), deals, org).has_value());
}

}  // namespace
