// The Arrow boundary: export -> C stream -> import round trips, schema
// binding (unknown, missing and mistyped columns) and cell readers that list
// every bad cell with its 1-based row.
#include <gtest/gtest.h>

#include <salescomp/arrow/column_readers.hpp>
#include <salescomp/arrow/export_table.hpp>
#include <salescomp/arrow/imported_table.hpp>
#include <salescomp/arrow/money_columns.hpp>
#include <salescomp/arrow/table_specs.hpp>
#include <salescomp/arrow/text_cells.hpp>
#include <salescomp/data/string_column.hpp>

#include <cstring>
#include <memory>
#include <span>

namespace {

using namespace salescomp;
using namespace salescomp::arrow;

ImportedTable round_trip(const ExportTable& t, const char* source = "test") {
  ArrowArrayStream stream{};
  t.export_stream(&stream);
  return ImportedTable::from_stream(&stream, source);
}

std::vector<std::string> texts_of(const Column& c) {
  std::vector<std::string> out;
  for_each_text(
      c, [&](int64_t, std::optional<std::string_view> s) { out.push_back(s ? std::string(*s) : "<null>"); });
  return out;
}

TEST(ArrowBoundary, ExportedColumnsReadBackExactly) {
  ExportTable t;
  t.add(ExportColumn::texts("deal_id", std::vector<std::string>{"0065g00000AbCdEfGh", "1001", "Zürich-7"}));
  t.add(ExportColumn::dictionary("currency", {0, 1, 0}, {"USD", "JPY"}));
  // 1234.56 USD, -0.01 USD, 7 JPY at scale 2: 123456, -1, 700.
  t.add(ExportColumn::decimals("amount", {123456, -1, 700}, 2));
  t.add(ExportColumn::dates("close_date", {20454, kNoDay, 0}));  // 2026-01-01, null, 1970-01-01
  t.add(ExportColumn::int64s("term_months", {12, 36, 0}));
  const ImportedTable in = round_trip(t);
  ASSERT_EQ(in.num_rows(), 3);
  EXPECT_EQ(texts_of(*in.find("deal_id")),
            (std::vector<std::string>{"0065g00000AbCdEfGh", "1001", "Zürich-7"}));
  EXPECT_EQ(texts_of(*in.find("currency")), (std::vector<std::string>{"USD", "JPY", "USD"}));
  EXPECT_TRUE(in.find("currency")->type.dictionary);

  CellIssues issues("test");
  // JPY has no minor unit: 7.00 JPY is 7; USD keeps two decimals.
  const auto minor = read_money(
      *in.find("amount"), [](int64_t row) { return row == 1   ? 2
                                                   : row == 2 ? 0
                                                              : 2; }, std::nullopt, issues);
  EXPECT_EQ(minor, (std::vector<int64_t>{123456, -1, 7}));
  const auto days = read_days(*in.find("close_date"), false, issues);
  EXPECT_EQ(days, (std::vector<int32_t>{20454, kNoDay, 0}));
  EXPECT_EQ(read_integers(*in.find("term_months"), 0, 1200, true, 0, issues),
            (std::vector<int64_t>{12, 36, 0}));
  EXPECT_TRUE(issues.empty());
}

TEST(ArrowBoundary, EveryExportIsIndependent) {
  ExportTable t;
  t.add(ExportColumn::int32s("x", {1, 2, 3}));
  const ImportedTable a = round_trip(t);
  {
    const ImportedTable b = round_trip(t);  // released first: a still reads the shared buffers
    EXPECT_EQ(b.num_rows(), 3);
  }
  CellIssues issues("t");
  EXPECT_EQ(read_integers(*a.find("x"), 0, 10, true, 0, issues), (std::vector<int64_t>{1, 2, 3}));
}

TEST(ArrowBoundary, InPlaceColumnsReadTheOwnersMemoryAndKeepItAlive) {
  struct Owner {
    std::vector<int32_t> codes{1, 0, 1};
    std::vector<int64_t> rows{7, -8, 9};
    std::vector<int32_t> days{20454, 0, -1};  // 2026-01-01, 1970-01-01, 1969-12-31
  };
  auto owner = std::make_shared<Owner>();
  std::weak_ptr<Owner> watch = owner;
  ImportedTable in;
  {
    ExportTable t;
    t.add(ExportColumn::dictionary_in_place("who", owner, owner->codes, {"ann", "bo"}));
    t.add(ExportColumn::in_place("row", owner, std::span<const int64_t>(owner->rows)));
    t.add(ExportColumn::dates_in_place("day", owner, owner->days));
    in = round_trip(t);
  }
  owner.reset();
  ASSERT_FALSE(watch.expired());  // the import holds the owner, not a copy
  EXPECT_EQ(texts_of(*in.find("who")), (std::vector<std::string>{"bo", "ann", "bo"}));
  CellIssues issues("t");
  EXPECT_EQ(read_integers(*in.find("row"), -10, 10, true, 0, issues), (std::vector<int64_t>{7, -8, 9}));
  EXPECT_EQ(read_days(*in.find("day"), false, issues), (std::vector<int32_t>{20454, 0, -1}));
  EXPECT_TRUE(issues.empty());
  in = ImportedTable();
  EXPECT_TRUE(watch.expired());  // released with the last array
  // A code outside the names is refused, never exported as a dangling index.
  EXPECT_THROW(ExportColumn::dictionary_in_place("who", watch.lock(), std::vector<int32_t>{0, 2}, {"a", "b"}),
               Error);
}

TEST(ArrowBoundary, MoneyColumnsAreDecimalsAtTheWidestScale) {
  // 12.34 USD (1234 at exponent 2), -0.500 BHD (-500 at exponent 3), 7 JPY:
  // at scale 3 the unscaled values are 12340, -500 and 7000.
  const std::vector<int64_t> minor{1234, -500, 7};
  const std::vector<Currency> ccy{Currency::of("USD"), Currency::of("BHD"), Currency::of("JPY")};
  ExportTable t;
  t.add(money_column("amount", minor, ccy));
  const ImportedTable in = round_trip(t);
  CellIssues issues("t");
  EXPECT_EQ(in.find("amount")->type.format, "d:38,3");
  const auto back = read_money(
      *in.find("amount"), [&](int64_t row) { return ccy[std::size_t(row)].exponent(); }, std::nullopt,
      issues);
  EXPECT_EQ(back, minor);
  EXPECT_TRUE(issues.empty());
  // 2^62 USD cents cannot be held at scale 3 in 64 bits: refused, not wrapped.
  EXPECT_THROW(money_column("amount", {int64_t(1) << 62, 0}, {Currency::of("USD"), Currency::of("BHD")}),
               OverflowError);
}

TEST(ArrowBoundary, UnknownColumnsAreNamedWithTheNearestKnownName) {
  ExportTable t;
  t.add(ExportColumn::texts("person_id", std::vector<std::string>{"a"}));
  t.add(ExportColumn::texts("role", std::vector<std::string>{"ae"}));
  t.add(ExportColumn::texts("start_date", std::vector<std::string>{"2026-01-01"}));
  t.add(ExportColumn::texts("pay_currency", std::vector<std::string>{"USD"}));
  t.add(ExportColumn::texts("end_dat", std::vector<std::string>{"2026-02-01"}));
  const ImportedTable in = round_trip(t, "people.csv");
  try {
    bind(in, table_spec("people"));
    FAIL() << "an unknown column must be refused";
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.id(), "SC-TABLE-COLUMNS");
    EXPECT_EQ(e.issues()[0].value, "end_dat");
    EXPECT_EQ(e.issues()[0].source, "people.csv");
    EXPECT_NE(e.issues()[0].rule.find("did you mean 'end_date'"), std::string::npos) << e.what();
  }
  const BoundTable b = bind(in, table_spec("people"), BindOptions{true});
  EXPECT_EQ(b.get("end_date"), nullptr);
  EXPECT_NE(b.get("person_id"), nullptr);
}

TEST(ArrowBoundary, MissingRequiredAndMistypedColumnsAreListedTogether) {
  ExportTable t;
  t.add(ExportColumn::texts("deal_id", std::vector<std::string>{"d1"}));
  t.add(ExportColumn::texts("owner", std::vector<std::string>{"a"}));
  t.add(ExportColumn::int64s("amount", {100}));  // integers are ambiguous as money
  t.add(ExportColumn::texts("currency", std::vector<std::string>{"USD"}));
  t.add(ExportColumn::texts("type", std::vector<std::string>{"new_business"}));
  const ImportedTable in = round_trip(t, "deals");
  try {
    bind(in, table_spec("deals"));
    FAIL();
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 2u) << e.what();  // in the spec's field order
    EXPECT_EQ(e.issues()[0].value, "close_date");
    EXPECT_NE(e.issues()[0].rule.find("missing"), std::string::npos);
    EXPECT_EQ(e.issues()[1].field, "amount");
    EXPECT_EQ(e.issues()[1].value, "int64");
    EXPECT_NE(e.issues()[1].rule.find("ambiguous"), std::string::npos);
  }
}

TEST(ArrowBoundary, BadCellsAreAllListedWithOneBasedRows) {
  ExportTable t;
  t.add(ExportColumn::texts("n", std::vector<std::string>{"12", "１２", "1_001", "-5", "99999999999", "7"}));
  t.add(ExportColumn::texts("d", std::vector<std::string>{"2026-01-11", "20260111", "2026-W02-7",
                                                          "2026-02-30", "2026-1-5", "2026-12-31"}));
  t.add(ExportColumn::texts("a", std::vector<std::string>{"1.5", "1e3", " 2", "1.234", "-0.01", "+1"}));
  const ImportedTable in = round_trip(t, "deals.csv");
  CellIssues issues("deals.csv");
  const auto n = read_integers(*in.find("n"), 0, 1000000, true, -1, issues);
  EXPECT_EQ(n[0], 12);
  EXPECT_EQ(n[5], 7);
  EXPECT_EQ(issues.count(), 4u);  // full-width digits, underscore, below the range, above the range
  const auto d = read_days(*in.find("d"), true, issues);
  EXPECT_EQ(d[0], 20464);         // 2026-01-11
  EXPECT_EQ(issues.count(), 8u);  // compact, week date, 30 February, unpadded month
  const auto a = read_money(
      *in.find("a"), [](int64_t) { return 2; }, std::nullopt, issues);
  EXPECT_EQ(a[0], 150);
  EXPECT_EQ(a[4], -1);
  EXPECT_EQ(issues.count(), 12u);  // exponent, space, three decimals, '+'
  try {
    issues.throw_if_any("SC-TABLE-CELLS");
    FAIL();
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 12u);
    EXPECT_EQ(e.issues()[0].row, 2);  // the second data row
    EXPECT_EQ(e.issues()[0].value, "１２");
    EXPECT_EQ(e.issues()[0].source, "deals.csv");
    EXPECT_NE(std::string(e.what()).find("deals.csv row 2: n '１２'"), std::string::npos) << e.what();
    // A decimal with too many places is shown as written and the rule names the currency's places.
    bool found = false;
    for (const Issue& i : e.issues())
      if (i.value == "1.234") found = i.rule.find("more than 2 decimal places") != std::string::npos;
    EXPECT_TRUE(found);
  }
}

TEST(ArrowBoundary, IntegersAreRangeCheckedNeverNarrowed) {
  // 2^32 + 36 must not be read as 36.
  ExportTable t;
  t.add(ExportColumn::int64s("term_months", {4294967332LL, 36}));
  const ImportedTable in = round_trip(t);
  CellIssues issues("deals");
  const auto v = read_integers(*in.find("term_months"), 0, 1200, true, 0, issues);
  EXPECT_EQ(v[1], 36);
  ASSERT_EQ(issues.count(), 1u);
  try {
    issues.throw_if_any("SC-TABLE-CELLS");
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.issues()[0].value, "4294967332");
    EXPECT_EQ(e.issues()[0].row, 1);
  }
}

TEST(ArrowBoundary, IdTextGrammar) {
  EXPECT_EQ(id_text_problem("0065g00000AbCdEfGh"), nullptr);
  EXPECT_EQ(id_text_problem("Ærøskøbing"), nullptr);
  EXPECT_EQ(id_text_problem("１００１"), nullptr);  // unicode ids are ids (numbers are another grammar)
  EXPECT_NE(id_text_problem(""), nullptr);
  EXPECT_NE(id_text_problem(" a"), nullptr);
  EXPECT_NE(id_text_problem(std::string_view("a\0b", 3)), nullptr);
  EXPECT_NE(id_text_problem("a\nb"), nullptr);
  EXPECT_NE(id_text_problem("\xC3\x28"), nullptr);      // invalid UTF-8
  EXPECT_NE(id_text_problem("\xED\xA0\x80"), nullptr);  // a surrogate
  EXPECT_NE(id_text_problem(std::string(257, 'x')), nullptr);
}

TEST(ArrowBoundary, DictionaryCodesResolveOncePerEntryAndReportEveryBadRow) {
  ExportTable t;
  t.add(ExportColumn::dictionary("owner", {0, 1, 0, 1, -1}, {"alice", "nobody"}));
  const ImportedTable in = round_trip(t);
  int lookups = 0;
  CellIssues issues("deals");
  const auto codes = text_codes<int32_t>(
      *in.find("owner"),
      [&](int64_t row, std::string_view s) -> int32_t {
        ++lookups;
        if (s == "alice") return 7;
        issues.add(row, "owner", std::string(s), "unknown person");
        return -2;
      },
      -1, -2);
  EXPECT_EQ(codes, (std::vector<int32_t>{7, -2, 7, -2, -1}));
  EXPECT_EQ(lookups, 3);          // alice once, the unknown id on both of its rows
  EXPECT_EQ(issues.count(), 2u);  // rows 2 and 4
}

TEST(ArrowBoundary, IntegerIdsAreReadAsTheirDecimalText) {
  ExportTable t;
  t.add(ExportColumn::int64s("deal_id", {1146, -5, 12345678901234567LL}, {1, 1, 0}));
  const ImportedTable in = round_trip(t);
  std::vector<std::string> seen;
  for_each_id(*in.find("deal_id"), [&](int64_t, std::optional<std::string_view> s) {
    seen.push_back(s ? std::string(*s) : "<null>");
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"1146", "-5", "<null>"}));
}

// A string_view column built by hand (pyarrow >= 16 and polars produce these).
TEST(ArrowBoundary, StringViewCellsInlineAndOutOfLine) {
  const std::string long_text = "a text longer than twelve bytes";
  uint8_t views[32] = {};
  int32_t size = 5;
  std::memcpy(views, &size, 4);
  std::memcpy(views + 4, "short", 5);
  size = int32_t(long_text.size());
  std::memcpy(views + 16, &size, 4);
  std::memcpy(views + 20, long_text.data(), 4);  // prefix
  int32_t buffer = 0, offset = 0;
  std::memcpy(views + 24, &buffer, 4);
  std::memcpy(views + 28, &offset, 4);
  const void* buffers[3] = {nullptr, views, long_text.data()};
  ArrowArray a{};
  a.length = 2;
  a.n_buffers = 3;
  a.buffers = buffers;
  const TextArray text(a, TypeId::Utf8View);
  EXPECT_EQ(text.at(0), "short");
  EXPECT_EQ(text.at(1), long_text);
}

TEST(ArrowBoundary, StringColumnKeepsTextAndPermutes) {
  StringColumn s;
  s.push_back("b");
  s.push_back("");
  s.push_back("ccc");
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s[2], "ccc");
  const StringColumn p = s.permuted(std::vector<int>{2, 0, 1});
  EXPECT_EQ(p[0], "ccc");
  EXPECT_EQ(p[1], "b");
  EXPECT_EQ(p[2], "");
}

TEST(ArrowBoundary, EverySpecFieldHasAKnownKindAndDocs) {
  for (const TableSpec& spec : table_specs()) {
    EXPECT_FALSE(spec.doc.empty()) << spec.name;
    for (const FieldSpec& f : spec.fields) {
      EXPECT_FALSE(f.doc.empty()) << spec.name << "." << f.name;
      if (f.kind == FieldKind::Integer) EXPECT_LT(f.min, f.max) << spec.name << "." << f.name;
    }
  }
  EXPECT_THROW(table_spec("no_such_table"), LookupError);
}

}  // namespace
