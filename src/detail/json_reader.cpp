// The strict JSON reader (include/salescomp/detail/json_parser.hpp states
// the rules). Hand-written rather than Boost.JSON's basic_parser because
// Boost.JSON is not in the Boost of Debian 12 (libboost-dev 1.74; Boost.JSON
// first shipped in 1.75), one of the two header sources salescomp builds
// with. A recursive descent bounded by kJsonMaxDepth; duplicate keys are
// found with a hash set once an object is larger than a few keys, so the
// whole read is linear in the document.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "salescomp/core/error.hpp"
#include "salescomp/detail/json_parser.hpp"

namespace salescomp::detail {
namespace {

// Objects up to this many keys check duplicates by a linear scan (faster
// than hashing for the small objects of a plan); larger ones use a set.
constexpr std::size_t kJsonScanKeys = 8;

class StrictJsonReader {
 public:
  explicit StrictJsonReader(std::string_view text) : text_(text) {}

  JsonValue document() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF")
      fail("a byte-order mark (U+FEFF) is not allowed; save the file as UTF-8 without BOM");
    skip_space();
    if (at_end()) fail("the document is empty; expected a JSON value");
    JsonValue v = value(0);
    skip_space();
    if (!at_end()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  // One step of the JSON path of the value being read: a key or an index.
  struct PathStep {
    const std::string* key;
    std::size_t index;
  };

  [[noreturn]] void fail(const std::string& rule) const {
    throw ParseError("SC-JSON-SYNTAX",
                     Issue{std::nullopt, path_text(),
                           "line " + std::to_string(line_) + " column " + std::to_string(column_), rule});
  }

  static bool plain_key(const std::string& key) {
    if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
    for (char c : key)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
        return false;
    return true;
  }
  // `text` printable in an error message: ASCII as is, other bytes as \xNN
  // (a message must stay valid UTF-8 whatever the input was).
  static std::string shown(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text) {
      if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
        out.push_back(char(c));
      } else {
        out += "\\x";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      }
    }
    return out;
  }
  std::string path_text() const {
    std::string p = "$";
    for (const PathStep& s : path_) {
      if (s.key == nullptr)
        p += "[" + std::to_string(s.index) + "]";
      else if (plain_key(*s.key))
        p += "." + *s.key;
      else
        p += "[\"" + shown(*s.key) + "\"]";
    }
    return p;
  }

  bool at_end() const noexcept { return pos_ >= text_.size(); }
  unsigned char peek() const noexcept { return at_end() ? 0 : static_cast<unsigned char>(text_[pos_]); }
  // Moves past one ASCII byte (not a newline).
  void step() noexcept {
    ++pos_;
    ++column_;
  }
  void skip_space() noexcept {
    while (!at_end()) {
      const unsigned char c = peek();
      if (c == '\n') {
        ++pos_;
        ++line_;
        column_ = 1;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        step();
      } else {
        return;
      }
    }
  }
  [[noreturn]] void unexpected(const char* expected) const {
    if (at_end()) fail(std::string("unexpected end of document; expected ") + expected);
    const unsigned char c = peek();
    if (c >= 0x80)
      fail("unexpected non-ASCII byte " + shown(text_.substr(pos_, 1)) + "; expected " + expected +
           " (text belongs in a \"string\")");
    if (c < 0x20)
      fail("unexpected control character " + shown(text_.substr(pos_, 1)) + "; expected " + expected);
    fail(std::string("unexpected character '") + char(c) + "'; expected " + expected);
  }
  void expect(char c, const char* what) {
    if (peek() != static_cast<unsigned char>(c)) unexpected(what);
    step();
  }
  void literal(std::string_view word) {
    for (char c : word) {
      if (peek() != static_cast<unsigned char>(c)) fail("invalid literal; expected " + std::string(word));
      step();
    }
  }

  JsonValue value(int depth) {
    JsonValue v;
    v.line = line_;
    v.column = column_;
    const unsigned char c = peek();
    if (c == '{' || c == '[') {
      if (depth >= kJsonMaxDepth) fail("nesting deeper than " + std::to_string(kJsonMaxDepth) + " levels");
      if (c == '{') {
        v.kind = JsonValue::Kind::Object;
        object(v, depth + 1);
      } else {
        v.kind = JsonValue::Kind::Array;
        array(v, depth + 1);
      }
    } else if (c == '"') {
      v.kind = JsonValue::Kind::String;
      v.text = string();
    } else if (c == 't' || c == 'f') {
      v.kind = JsonValue::Kind::Bool;
      v.boolean = c == 't';
      literal(c == 't' ? "true" : "false");
    } else if (c == 'n') {
      literal("null");
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      v.kind = JsonValue::Kind::Number;
      v.text = number();
    } else {
      unexpected("a value");
    }
    return v;
  }

  void object(JsonValue& v, int depth) {
    step();  // {
    skip_space();
    if (peek() == '}') {
      step();
      return;
    }
    std::unordered_set<std::string> seen;  // filled once the object outgrows kJsonScanKeys
    for (;;) {
      skip_space();
      if (peek() != '"') unexpected("a \"key\" string");
      std::string key = string();
      check_new_key(v, seen, key);
      skip_space();
      expect(':', "':' after the key");
      skip_space();
      path_.push_back(PathStep{&key, 0});
      JsonValue member = value(depth);
      path_.pop_back();
      v.members.emplace_back(std::move(key), std::move(member));
      skip_space();
      if (peek() == ',') {
        step();
        skip_space();
        if (peek() == '}') fail("trailing comma before '}'");
        continue;
      }
      if (peek() == '}') {
        step();
        return;
      }
      unexpected("',' or '}' in the object");
    }
  }

  void check_new_key(const JsonValue& v, std::unordered_set<std::string>& seen, const std::string& key) {
    bool duplicate = false;
    if (v.members.size() < kJsonScanKeys) {
      for (const auto& m : v.members) duplicate = duplicate || m.first == key;
    } else {
      if (seen.empty())
        for (const auto& m : v.members) seen.insert(m.first);
      duplicate = !seen.insert(key).second;
    }
    if (duplicate) fail("duplicate key \"" + shown(key) + "\" (each key may appear once in an object)");
  }

  void array(JsonValue& v, int depth) {
    step();  // [
    skip_space();
    if (peek() == ']') {
      step();
      return;
    }
    for (;;) {
      skip_space();
      path_.push_back(PathStep{nullptr, v.items.size()});
      v.items.push_back(value(depth));
      path_.pop_back();
      skip_space();
      if (peek() == ',') {
        step();
        skip_space();
        if (peek() == ']') fail("trailing comma before ']'");
        continue;
      }
      if (peek() == ']') {
        step();
        return;
      }
      unexpected("',' or ']' in the array");
    }
  }

  unsigned hex4() {
    unsigned u = 0;
    for (int i = 0; i < 4; ++i) {
      const unsigned char h = peek();
      u <<= 4;
      if (h >= '0' && h <= '9')
        u |= unsigned(h - '0');
      else if (h >= 'a' && h <= 'f')
        u |= unsigned(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        u |= unsigned(h - 'A' + 10);
      else
        fail("invalid \\u escape: four hex digits expected");
      step();
    }
    return u;
  }
  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(char(cp));
    } else if (cp < 0x800) {
      out.push_back(char(0xC0 | (cp >> 6)));
      out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(char(0xE0 | (cp >> 12)));
      out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(char(0xF0 | (cp >> 18)));
      out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(char(0x80 | (cp & 0x3F)));
    }
  }

  // Length of the valid UTF-8 sequence starting at pos_ (lead byte >= 0x80),
  // or 0 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
  std::size_t utf8_sequence() const noexcept {
    const auto byte = [&](std::size_t i) -> unsigned {
      return pos_ + i < text_.size() ? static_cast<unsigned char>(text_[pos_ + i]) : 0u;
    };
    const unsigned b0 = byte(0), b1 = byte(1);
    const auto cont = [](unsigned b) { return (b & 0xC0) == 0x80; };
    if (b0 >= 0xC2 && b0 <= 0xDF) return cont(b1) ? 2 : 0;
    if (b0 >= 0xE0 && b0 <= 0xEF) {
      const bool ok = (b0 == 0xE0   ? b1 >= 0xA0 && b1 <= 0xBF
                       : b0 == 0xED ? b1 >= 0x80 && b1 <= 0x9F
                                    : cont(b1));
      return ok && cont(byte(2)) ? 3 : 0;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
      const bool ok = (b0 == 0xF0   ? b1 >= 0x90 && b1 <= 0xBF
                       : b0 == 0xF4 ? b1 >= 0x80 && b1 <= 0x8F
                                    : cont(b1));
      return ok && cont(byte(2)) && cont(byte(3)) ? 4 : 0;
    }
    return 0;
  }

  std::string string() {
    step();  // "
    std::string out;
    for (;;) {
      if (at_end()) fail("unterminated string");
      const unsigned char c = peek();
      if (c == '"') {
        step();
        return out;
      }
      if (c == '\\') {
        escape(out);
      } else if (c < 0x20) {
        fail("control character " + shown(text_.substr(pos_, 1)) + " in a string (write it as an escape)");
      } else if (c < 0x80) {
        out.push_back(char(c));
        step();
      } else {
        const std::size_t n = utf8_sequence();
        if (n == 0) fail("invalid UTF-8 byte " + shown(text_.substr(pos_, 1)) + " in a string");
        out.append(text_.substr(pos_, n));
        pos_ += n;
        ++column_;
      }
    }
  }

  void escape(std::string& out) {
    step();  // backslash
    const unsigned char e = peek();
    if (at_end()) fail("unterminated string");
    step();
    switch (e) {
      case '"':
      case '\\':
      case '/':
        out.push_back(char(e));
        return;
      case 'b':
        out.push_back('\b');
        return;
      case 'f':
        out.push_back('\f');
        return;
      case 'n':
        out.push_back('\n');
        return;
      case 'r':
        out.push_back('\r');
        return;
      case 't':
        out.push_back('\t');
        return;
      case 'u':
        break;
      default:
        fail("invalid escape '\\" + shown(std::string_view(reinterpret_cast<const char*>(&e), 1)) + "'");
    }
    uint32_t cp = hex4();
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (peek() != '\\') fail("unpaired surrogate in \\u escape");
      step();
      if (peek() != 'u') fail("unpaired surrogate in \\u escape");
      step();
      const uint32_t low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) fail("unpaired surrogate in \\u escape");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      fail("unpaired surrogate in \\u escape");
    }
    if (cp == 0) fail("NUL (\\u0000) is not allowed in a string");
    append_utf8(out, cp);
  }

  bool digit() const noexcept { return peek() >= '0' && peek() <= '9'; }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)? kept verbatim; an exponent is refused.
  std::string number() {
    const std::size_t start = pos_;
    if (peek() == '-') step();
    if (peek() == '0') {
      step();
      if (digit()) fail("invalid number: leading zeros are not allowed");
    } else if (digit()) {
      while (digit()) step();
    } else {
      fail("invalid number: a digit must follow '-'");
    }
    if (peek() == '.') {
      step();
      if (!digit()) fail("invalid number: digits expected after '.'");
      while (digit()) step();
    }
    if (peek() == 'e' || peek() == 'E')
      fail("numbers with an exponent are refused (write the number in full, e.g. 1000 or \"0.001\")");
    return std::string(text_.substr(start, pos_ - start));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  std::vector<PathStep> path_;
};

}  // namespace

JsonValue parse_json(std::string_view text) { return StrictJsonReader(text).document(); }

}  // namespace salescomp::detail
