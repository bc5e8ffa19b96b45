#pragma once
// A small strict JSON parser (RFC 8259) for plan documents. Strict means:
// no comments, no trailing commas, no NaN/Infinity, no duplicate keys, no
// control characters in strings, valid \u escapes (surrogate pairs joined)
// and nothing but whitespace after the value. Errors name line and column.
#include <cstdint>
#include <string>
#include <string_view>

#include "salescomp/core/error.hpp"
#include "salescomp/detail/json_value.hpp"

namespace salescomp::detail {

class JsonParser {
 public:
  // Nesting deeper than this is refused (a plan is a few levels deep).
  static constexpr int kMaxDepth = 64;

  static JsonValue parse(std::string_view text) {
    JsonParser p(text);
    p.skip_space();
    JsonValue v = p.value(0);
    p.skip_space();
    if (p.pos_ != p.text_.size()) p.fail("unexpected text after the JSON value");
    return v;
  }

 private:
  explicit JsonParser(std::string_view text) : text_(text) {}

  [[noreturn]] void fail(const std::string& rule) const {
    throw ParseError("SC-JSON-SYNTAX",
                     Issue{std::nullopt, "json",
                           "line " + std::to_string(line_) + " column " + std::to_string(column_), rule});
  }
  bool at_end() const noexcept { return pos_ >= text_.size(); }
  char peek() const noexcept { return at_end() ? '\0' : text_[pos_]; }
  char next() {
    if (at_end()) fail("unexpected end of document");
    const char c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    return c;
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    next();
  }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) next();
  }
  void literal(std::string_view word) {
    for (char c : word)
      if (next() != c) fail("invalid literal; expected " + std::string(word));
  }

  JsonValue value(int depth) {
    if (depth > kMaxDepth) fail("nesting deeper than 64 levels");
    JsonValue v;
    v.line = line_;
    v.column = column_;
    const char c = peek();
    if (c == '{') {
      v.kind = JsonValue::Kind::Object;
      object(v, depth);
    } else if (c == '[') {
      v.kind = JsonValue::Kind::Array;
      array(v, depth);
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
    } else if (at_end()) {
      fail("unexpected end of document; expected a value");
    } else {
      fail(std::string("unexpected character '") + c + "'; expected a value");
    }
    return v;
  }

  void object(JsonValue& v, int depth) {
    expect('{');
    skip_space();
    if (peek() == '}') {
      next();
      return;
    }
    for (;;) {
      skip_space();
      if (peek() != '"') fail("expected a string key");
      const int key_line = line_, key_column = column_;
      std::string key = string();
      if (v.find(key) != nullptr) {
        line_ = key_line;
        column_ = key_column;
        fail("duplicate key \"" + key + "\"");
      }
      skip_space();
      expect(':');
      skip_space();
      JsonValue member = value(depth + 1);
      v.members.emplace_back(std::move(key), std::move(member));
      skip_space();
      if (peek() == ',') {
        next();
        continue;
      }
      if (peek() == '}') {
        next();
        return;
      }
      fail("expected ',' or '}' in object");
    }
  }

  void array(JsonValue& v, int depth) {
    expect('[');
    skip_space();
    if (peek() == ']') {
      next();
      return;
    }
    for (;;) {
      skip_space();
      v.items.push_back(value(depth + 1));
      skip_space();
      if (peek() == ',') {
        next();
        continue;
      }
      if (peek() == ']') {
        next();
        return;
      }
      fail("expected ',' or ']' in array");
    }
  }

  unsigned hex4() {
    unsigned u = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = next();
      u <<= 4;
      if (h >= '0' && h <= '9')
        u |= unsigned(h - '0');
      else if (h >= 'a' && h <= 'f')
        u |= unsigned(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        u |= unsigned(h - 'A' + 10);
      else
        fail("invalid \\u escape");
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

  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      const char c = next();
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      const char e = next();
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (next() != '\\' || next() != 'u') fail("unpaired surrogate in \\u escape");
            const uint32_t low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("unpaired surrogate in \\u escape");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          fail(std::string("invalid escape '\\") + e + "'");
      }
    }
  }

  // JSON number grammar; the text is kept verbatim.
  std::string number() {
    const std::size_t start = pos_;
    if (peek() == '-') next();
    if (peek() == '0') {
      next();
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') next();
    } else {
      fail("invalid number");
    }
    if (peek() == '.') {
      next();
      if (!(peek() >= '0' && peek() <= '9')) fail("invalid number: digits expected after '.'");
      while (peek() >= '0' && peek() <= '9') next();
    }
    if (peek() == 'e' || peek() == 'E') {
      next();
      if (peek() == '+' || peek() == '-') next();
      if (!(peek() >= '0' && peek() <= '9')) fail("invalid number: digits expected in exponent");
      while (peek() >= '0' && peek() <= '9') next();
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

inline JsonValue parse_json(std::string_view text) { return JsonParser::parse(text); }

}  // namespace salescomp::detail
