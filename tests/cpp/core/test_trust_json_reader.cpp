// The strict JSON reader (issue 12): duplicate keys in linear time, UTF-8
// validated, exponents refused, depth limited, errors with path, line and
// column, and every error message valid UTF-8.
#include <gtest/gtest.h>

#include <salescomp/detail/json_parser.hpp>
#include <string>

using namespace salescomp;

namespace {

Issue issue_of(const std::string& text) {
  try {
    detail::parse_json(text);
  } catch (const ParseError& e) {
    return e.issues().at(0);
  }
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) >= 0x80) return false;  // messages escape every non-ASCII byte
  return true;
}

}  // namespace

TEST(TrustJsonReader, NumbersKeepTheirTextAndExponentsAreRefused) {
  const auto v = detail::parse_json(R"({"a": -0.50, "b": 123456789012345678901234567890, "c": 0})");
  EXPECT_EQ(v.members.at(0).second.text, "-0.50");
  EXPECT_EQ(v.members.at(1).second.text, "123456789012345678901234567890");
  for (const char* bad : {"[1e3]", "[1E3]", "[1.5e-2]", "[0e0]"}) {
    const Issue i = issue_of(bad);
    EXPECT_NE(i.rule.find("exponent"), std::string::npos) << bad;
    EXPECT_EQ(i.field, "$[0]");
  }
}

TEST(TrustJsonReader, DuplicateKeysAreRefusedAtAnySize) {
  const Issue small = issue_of("{\n  \"rate\": \"0.10\",\n  \"rate\": \"0.99\"\n}");
  EXPECT_EQ(small.field, "$");
  EXPECT_EQ(small.value, "line 3 column 9");  // just after the second "rate"
  EXPECT_NE(small.rule.find("duplicate key \"rate\""), std::string::npos);
  std::string big = "{";
  for (int i = 0; i < 5000; ++i) big += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",";
  EXPECT_EQ(detail::parse_json(big.substr(0, big.size() - 1) + "}").members.size(), 5000u);
  EXPECT_NE(issue_of(big + "\"k4321\": 0}").rule.find("duplicate key \"k4321\""), std::string::npos);
  // the same key in sibling objects is fine
  EXPECT_NO_THROW(detail::parse_json(R"([{"a": 1}, {"a": 2}])"));
}

TEST(TrustJsonReader, Utf8IsValidatedAndMessagesStayText) {
  EXPECT_EQ(detail::parse_json("[\"Jos\xc3\xa9 \xf0\x9f\x98\x80\"]").items.at(0).text,
            "Jos\xc3\xa9 \xf0\x9f\x98\x80");
  for (const char* bad : {"[\"Jos\xe9\"]", "[\"\xc0\xaf\"]", "[\"\xed\xa0\x80\"]", "[\"\xf4\x90\x80\x80\"]",
                          "[\"\xe4\xb8\"]", "\xef\xbb\xbf[]", "[\xc3\xa9]", "{\"id\": \xe9}"}) {
    const Issue i = issue_of(bad);
    EXPECT_TRUE(valid_utf8(i.field + i.value + i.rule)) << i.rule;
  }
  EXPECT_NE(issue_of("\xef\xbb\xbf{}").rule.find("byte-order mark"), std::string::npos);
  EXPECT_NE(issue_of("[\"a\\u0000b\"]").rule.find("NUL"), std::string::npos);
}

TEST(TrustJsonReader, DepthIsLimitedWithoutRecursingFurther) {
  EXPECT_NO_THROW(detail::parse_json(std::string(64, '[') + std::string(64, ']')));
  const Issue i = issue_of(std::string(100'000, '[') + std::string(100'000, ']'));
  EXPECT_EQ(i.value, "line 1 column 65");
  EXPECT_NE(i.rule.find("nesting deeper than 64"), std::string::npos);
}

TEST(TrustJsonReader, ErrorsNameThePathLineAndColumn) {
  const Issue i = issue_of("{\n \"components\": [\n  {\"id\": \"c\", \"rate\": 01}\n ]\n}");
  EXPECT_EQ(i.field, "$.components[0].rate");
  EXPECT_EQ(i.value, "line 3 column 24");  // at the digit after the leading 0
  EXPECT_EQ(issue_of(R"({"odd key": [tru]})").field, "$[\"odd key\"][0]");
  // columns count characters, not bytes
  EXPECT_EQ(issue_of("[\"\xc3\xa9\xc3\xa9\", x]").value, "line 1 column 8");
}
