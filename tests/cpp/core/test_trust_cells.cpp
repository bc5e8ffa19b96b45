// The cell grammar (issue 12): ids, whole numbers and dates, strictly; and
// format_scaled / parse_scaled with a scale argument checked.
#include <gtest/gtest.h>

#include <salescomp/core/cell_grammar.hpp>
#include <salescomp/core/decimal_text.hpp>
#include <string>

using namespace salescomp;

TEST(TrustCells, IdsAreTextWithoutControlsOrEdgeSpaces) {
  for (const char* ok :
       {"ae_east_1", "Jos\xc3\xa9", "Q-7/2", "\xef\xbc\x91\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91", "a b"})
    EXPECT_EQ(check_id_text(ok, "person"), ok);
  for (std::string bad :
       {std::string(""), std::string("a\0b", 3), std::string("a\tb"), std::string(" ae"), std::string("ae "),
        std::string("\xc2\xa0"
                    "ae"),
        std::string("Jos\xe9"), std::string("a\x7f"), std::string(257, 'x')}) {
    EXPECT_THROW(check_id_text(bad, "person"), ParseError) << bad;
  }
  try {
    check_id_text(std::string("a\0b", 3), "owner");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.id(), "SC-PARSE-CELL");
    EXPECT_EQ(e.issues().at(0).field, "owner");
    EXPECT_EQ(e.issues().at(0).value, "a\\x00b");
  }
}

TEST(TrustCells, WholeNumbersAreAsciiDigitsInRange) {
  EXPECT_EQ(parse_integer_text("1001", 0, 1'000'000, "deal_id"), 1001);
  EXPECT_EQ(parse_integer_text("007", 0, 1'000'000, "deal_id"), 7);
  EXPECT_EQ(parse_integer_text("-3", -10, 10, "n"), -3);
  for (const char* bad : {"\xef\xbc\x91\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91", "1_001", "1,001", "+5", " 5",
                          "5 ", "5.0", "1e3", "", "-", "0x10", "\xd9\xa1", "1234567890123456789"})
    EXPECT_THROW(parse_integer_text(bad, -1'000'000, 1'000'000, "deal_id"), ParseError) << bad;
  EXPECT_THROW(parse_integer_text("-5", 0, 1'000'000, "deal_id"), ParseError);  // deal ids are not negative
  EXPECT_THROW(parse_integer_text("-1", 0, 2'147'483'647, "product"), ParseError);
}

TEST(TrustCells, DatesAreExactlyIsoCalendarDays) {
  EXPECT_EQ(parse_date_text("2026-01-11", "close_date").to_string(), "2026-01-11");
  for (const char* bad :
       {"20260111", "2026-W02-7", "2026-011", "2026-1-5", "2026-02-30", "2026-01-11T00:00", " 2026-01-11",
        "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x96-01-11", "0000-01-01"})
    EXPECT_THROW(parse_date_text(bad, "close_date"), ParseError) << bad;
}

TEST(TrustCells, ScalesOutsideZeroTo38AreRefusedNotOverflowed) {
  // scale 100 overflowed a 48-byte stack buffer in format_scaled (ASan: stack-buffer-overflow)
  EXPECT_THROW(format_scaled(1, 100), ValidationError);
  EXPECT_THROW(format_scaled(1, -1), ValidationError);
  EXPECT_THROW(parse_scaled("1.99", -1), ValidationError);  // was 1: a silent truncation
  EXPECT_EQ(format_scaled(1, 38), "0.00000000000000000000000000000000000001");
  EXPECT_EQ(format_scaled(INT64_MIN, 38), "-0.00000000000000000009223372036854775808");
  EXPECT_EQ(format_scaled(-1234, 2), "-12.34");
}
