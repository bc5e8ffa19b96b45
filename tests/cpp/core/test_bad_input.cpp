// Every rejection the strict parser promises, in one table. The same table is
// run from Python in tests/python/test_bad_input.py.
#include <gtest/gtest.h>

#include <salescomp/salescomp.hpp>
#include <string>

using namespace salescomp;

TEST(BadInput, DecimalTextRejections) {
  const std::string too_long(65, '1');
  const char* cases[] = {
      "",          // empty
      " 1.00",     // leading whitespace
      "1.00 ",     // trailing whitespace
      "1 000",     // inner space
      "1,000.00",  // grouping separator
      "1_000",     // underscore grouping (Python's Decimal accepts it)
      "1e3",       // exponent
      "1E-2",      // exponent
      "NaN",
      "nan",
      "Infinity",
      "-Infinity",
      "inf",
      "+1.00",  // explicit plus
      ".5",     // no integer digits
      "5.",     // no fraction digits
      "-",
      "--1",
      "1.2.3",
      "0x10",
      "١٢٣",     // Arabic-Indic digits
      "１２３",  // fullwidth digits
      "1\xc2\xa0"
      "000",  // NBSP
      "12a",
      "1.00\n",
  };
  for (const char* text : cases) {
    EXPECT_THROW(Money::parse(text, Currency::of("USD")), ParseError) << "'" << text << "'";
    EXPECT_THROW(Rate::parse(text), ParseError) << "'" << text << "'";
  }
  EXPECT_THROW(Money::parse(too_long, Currency::of("USD")), ParseError);
  // Too many decimals without a rounding mode.
  EXPECT_THROW(Money::parse("1.001", Currency::of("USD")), ParseError);
  EXPECT_THROW(Money::parse("1.5", Currency::of("JPY")), ParseError);
  // Out of int64 range.
  EXPECT_THROW(Money::parse("92233720368547758.08", Currency::of("USD")), OverflowError);
  EXPECT_EQ(Money::parse("-92233720368547758.08", Currency::of("USD")).minor_units(), INT64_MIN);
  EXPECT_THROW(Money::parse("99999999999999999999999999999999999999", Currency::of("JPY")), OverflowError);
}

TEST(BadInput, ErrorsNameFieldValueAndRule) {
  try {
    Money::parse("1,000.00", Currency::of("USD"));
    FAIL();
  } catch (const ParseError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(e.id(), "SC-PARSE-DECIMAL");
    EXPECT_NE(msg.find("[SC-PARSE-DECIMAL]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("amount '1,000.00'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("grouping"), std::string::npos) << msg;
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].field, "amount");
  }
}

TEST(BadInput, FormatParseRoundTripAtEdges) {
  for (int scale : {0, 2, 3, 4, 12}) {
    for (int64_t v : {INT64_MIN, INT64_MIN + 1, int64_t(-1), int64_t(0), int64_t(1), INT64_MAX, int64_t(1000),
                      int64_t(-999)}) {
      EXPECT_EQ(parse_scaled(format_scaled(v, scale), scale), v) << v << " scale " << scale;
    }
  }
  EXPECT_EQ(format_scaled(-5, 2), "-0.05");
  EXPECT_EQ(format_scaled(5, 0), "5");
  EXPECT_EQ(format_scaled(0, 3), "0.000");
  EXPECT_EQ(parse_scaled("-0", 2), 0);
  EXPECT_EQ(format_scaled(parse_scaled("-0.00", 2), 2), "0.00");  // no negative zero
  EXPECT_EQ(parse_scaled("007.50", 2), 750);                      // leading zeros are fine
}
