#include "salescomp/credit/deal_arrow.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <exception>
#include <numeric>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "salescomp/arrow/cell_issues.hpp"
#include "salescomp/arrow/column_readers.hpp"
#include "salescomp/arrow/text_cells.hpp"
#include "salescomp/core/cell_grammar.hpp"
#include "salescomp/core/decimal_text.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/data/deal_source.hpp"
#include "salescomp/data/deal_type.hpp"
#include "salescomp/data/deal_validation.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

namespace {

using arrow::Chunk;
using arrow::Column;
using arrow::TypeId;

static_assert(std::endian::native == std::endian::little, "the word loads below read little-endian");

// Thrown inside the strict readers at the first cell they do not take; the
// entry points turn it into nullopt.
struct NotStrict {};

[[noreturn]] void not_strict() { throw NotStrict{}; }

// ---------------------------------------------------------------------------
// Short texts as machine words

// The n <= 8 bytes at p as a little-endian word, zero-padded; overlapping
// fixed-size loads, so no call to memcpy and no read past p + n.
[[gnu::always_inline]] inline uint64_t word_of(const char* p, std::size_t n) noexcept {
  if (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return uint64_t(lo) | (uint64_t(hi) << (8 * (n - 4)));
  }
  if (n == 0) return 0;
  const auto b = [&](std::size_t i) { return uint64_t(static_cast<unsigned char>(p[i])) << (8 * i); };
  return b(0) | b(n / 2) | b(n - 1);
}

// The first 8 bytes of s, zero-padded, as a word whose integer order is the
// bytes' order (big-endian).
inline uint64_t ordered_prefix(std::string_view s) noexcept {
  return __builtin_bswap64(word_of(s.data(), std::min<std::size_t>(8, s.size())));
}

[[gnu::always_inline]] inline uint64_t mix64(uint64_t x) noexcept {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A hash of the whole text, one multiply chain per 8 bytes.
[[gnu::always_inline]] inline uint64_t text_hash(std::string_view s) noexcept {
  uint64_t h = s.size() * 0x9e3779b97f4a7c15ull;
  for (std::size_t i = 0; i < s.size(); i += 8)
    h = mix64(h ^ word_of(s.data() + i, std::min<std::size_t>(8, s.size() - i)));
  return s.empty() ? mix64(h) : h;
}

// The first 16 bytes of a text of <= 16 bytes as two zero-padded words.
// When 16 bytes from its start are still inside its buffer (`end`), one
// unaligned load and a mask: no branch on the length.
struct Words {
  uint64_t w0, w1;
};

[[gnu::always_inline]] inline Words words_of(std::string_view s, const char* end) noexcept {
  const std::size_t n = s.size();
  if (end != nullptr && end - s.data() >= 16) {
    uint64_t w[2];
    std::memcpy(w, s.data(), 16);
    const uint64_t m0 = n >= 8 ? ~uint64_t(0) : ~(~uint64_t(0) << (8 * n));
    const uint64_t m1 = n >= 16 ? ~uint64_t(0) : n <= 8 ? 0 : ~(~uint64_t(0) << (8 * (n - 8)));
    return {w[0] & m0, w[1] & m1};
  }
  return {word_of(s.data(), std::min<std::size_t>(8, n)),
          n > 8 ? word_of(s.data() + 8, std::min<std::size_t>(8, n - 8)) : 0};
}

// text_hash of a text of <= 16 bytes from its words.
[[gnu::always_inline]] inline uint64_t text_hash(std::size_t n, Words w) noexcept {
  const uint64_t h = mix64(n * 0x9e3779b97f4a7c15ull ^ w.w0);
  return n > 8 ? mix64(h ^ w.w1) : h;
}

// Calls f(i, text, end) for every cell of a chunk of a plain text column
// (null cells as "", pointing into the buffer); `end` bounds the bytes that
// may be read (nullptr for string_view layouts, whose texts are spread over
// buffers, and for an absent buffer).
template <class F>
void for_each_plain_text(const ArrowArray& a, TypeId id, F&& f) {
  const bool nulls = a.n_buffers > 0 && a.buffers[0] != nullptr && a.null_count != 0;
  auto run = [&](auto const* off) {
    off += a.offset;
    const char* data = static_cast<const char*>(a.buffers[2]);
    const char* end = data + off[a.length];
    for (int64_t i = 0; i < a.length; ++i) {
      const bool valid = !nulls || arrow::is_valid_bit(a, i);
      f(i, std::string_view(data + off[i], valid ? std::size_t(off[i + 1] - off[i]) : 0), end);
    }
  };
  if (id == TypeId::Utf8) return run(static_cast<const int32_t*>(a.buffers[1]));
  if (id == TypeId::LargeUtf8) return run(static_cast<const int64_t*>(a.buffers[1]));
  const arrow::TextArray text(a, id);
  for (int64_t i = 0; i < a.length; ++i)
    f(i, text.valid(i) ? text.at(i) : std::string_view(), static_cast<const char*>(nullptr));
}

// ---------------------------------------------------------------------------
// Cells of text columns

// Texts of a column as the per-row path reads them (tables.strings: nulls
// are "", integers their decimal text); other types are not taken.
template <class F>
void for_each_name(const Column& c, F&& f) {
  if (!c.type.is_text_like() && !c.type.is_integer()) not_strict();
  arrow::for_each_id(c,
                     [&](int64_t row, std::optional<std::string_view> text) { f(row, text.value_or("")); });
}

// Calls f(i, k) for the dictionary index k of every valid cell i of a chunk,
// g(i) for every null one: one switch on the index type per chunk.
template <class F, class G>
void for_each_index(const ArrowArray& a, TypeId id, F&& f, G&& g) {
  auto run = [&](auto const* v) {
    v += a.offset;
    const bool nulls = a.n_buffers > 0 && a.buffers[0] != nullptr && a.null_count != 0;
    for (int64_t i = 0; i < a.length; ++i) {
      if (nulls && !arrow::is_valid_bit(a, i))
        g(i);
      else
        f(i, std::size_t(v[i]));
    }
  };
  const void* d = a.buffers[1];
  switch (id) {
    case TypeId::Int8:
      return run(static_cast<const int8_t*>(d));
    case TypeId::UInt8:
      return run(static_cast<const uint8_t*>(d));
    case TypeId::Int16:
      return run(static_cast<const int16_t*>(d));
    case TypeId::UInt16:
      return run(static_cast<const uint16_t*>(d));
    case TypeId::Int32:
      return run(static_cast<const int32_t*>(d));
    case TypeId::UInt32:
      return run(static_cast<const uint32_t*>(d));
    case TypeId::Int64:
      return run(static_cast<const int64_t*>(d));
    default:
      return run(static_cast<const uint64_t*>(d));
  }
}

// Up to 32 distinct short texts (<= 16 bytes) with their codes in a small
// open-addressed table, compared as words: a column of a few repeated names
// (currency, type, source) needs no lookup per cell and, as the first probe
// almost always hits, no branch it mispredicts. After many misses (a column
// of many names) it stands aside.
template <class Code>
class ShortMemo {
 public:
  template <class Lookup>
  [[gnu::always_inline]] Code get(std::string_view s, const char* end, Lookup& lookup) {
    if (s.size() > 16 || misses_ > 64) return lookup(s);
    const Words w = words_of(s, end);
    const uint32_t size = uint32_t(s.size());
    std::size_t at = std::size_t(text_hash(size, w) >> 58);  // 64 slots
    for (;; at = (at + 1) & 63) {
      const Entry& e = entries_[at];
      if (e.w0 == w.w0 && e.w1 == w.w1 && e.size == size) return e.code;
      if (e.size == kEmpty) break;
    }
    const Code code = lookup(s);
    if (count_ < 32) {
      entries_[at] = Entry{w.w0, w.w1, size, code};
      ++count_;
    } else {
      ++misses_;
    }
    return code;
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Entry {
    uint64_t w0 = 0, w1 = 0;
    uint32_t size = kEmpty;
    Code code{};
  };
  Entry entries_[64];
  int count_ = 0, misses_ = 0;
};

// Codes of a name column (nulls read as ""): one lookup per distinct
// dictionary entry, and per distinct short text in plain text.
template <class Code, class Lookup>
std::vector<Code> name_codes(const Column& c, Lookup&& lookup) {
  std::vector<Code> out(std::size_t(c.length));
  if (c.type.dictionary && c.type.is_text_like()) {
    std::optional<Code> null_code;
    for (const Chunk& chunk : c.chunks) {
      const ArrowArray& a = *chunk.array;
      const arrow::TextArray dict(*a.dictionary, c.type.value->id);
      const std::size_t entries = std::size_t(a.dictionary->length);
      std::vector<Code> memo(entries);
      std::vector<uint8_t> known(entries, 0);
      Code* o = out.data() + chunk.first_row;
      for_each_index(
          a, c.type.id,
          [&](int64_t i, std::size_t k) {
            if (k >= entries) not_strict();
            if (!known[k]) {
              memo[k] = lookup(dict.at(int64_t(k)));
              known[k] = 1;
            }
            o[i] = memo[k];
          },
          [&](int64_t i) {
            if (!null_code) null_code = lookup(std::string_view());
            o[i] = *null_code;
          });
    }
    return out;
  }
  ShortMemo<Code> memo;
  if (c.type.is_text()) {
    for (const Chunk& chunk : c.chunks) {
      Code* o = out.data() + chunk.first_row;
      for_each_plain_text(*chunk.array, c.type.id, [&](int64_t i, std::string_view text, const char* end) {
        o[i] = memo.get(text, end, lookup);
      });
    }
    return out;
  }
  for_each_name(c, [&](int64_t row, std::string_view text) {
    out[std::size_t(row)] = memo.get(text, nullptr, lookup);
  });
  return out;
}

// ---------------------------------------------------------------------------
// Dates

// Days of a date32 column; nulls are kNoDay (refused when `required`).
std::vector<int32_t> strict_days(const Column& c, bool required) {
  std::vector<int32_t> out(std::size_t(c.length), arrow::kNoDay);
  if (c.type.id == TypeId::Null && !c.type.dictionary) {
    if (required && c.length > 0) not_strict();
    return out;
  }
  if (c.type.id != TypeId::Date32 || c.type.dictionary) not_strict();
  for (const Chunk& chunk : c.chunks) {
    const ArrowArray& a = *chunk.array;
    const auto* v = static_cast<const int32_t*>(a.buffers[1]) + a.offset;
    int32_t* o = out.data() + chunk.first_row;
    const bool nulls = a.buffers[0] != nullptr && a.null_count != 0;
    if (!nulls) {  // the common case: one branch-free pass, then one check
      bool no_day = false;
      for (int64_t i = 0; i < a.length; ++i) {
        no_day |= v[i] == arrow::kNoDay;
        o[i] = v[i];
      }
      if (no_day) not_strict();
      continue;
    }
    for (int64_t i = 0; i < a.length; ++i) {
      if (!arrow::is_valid_bit(a, i)) {
        if (required) not_strict();
        continue;
      }
      if (v[i] == arrow::kNoDay) not_strict();
      o[i] = v[i];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The byte order of the ids

// Ids pass the id grammar: printable ASCII without a space at either end
// is checked here; anything else goes to the full rule.
inline bool is_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > kMaxIdBytes) return false;
  bool plain = s.front() != ' ' && s.back() != ' ';
  for (char ch : s) plain &= static_cast<unsigned char>(ch - 0x20) < 0x5F;  // 0x20 .. 0x7E
  return plain || id_text_problem(s) == nullptr;
}

// The rows in the byte order of their ids (stable). Every id's bytes after
// the prefix all share (`common`) are cut to 8 and held as an ordered word;
// the words are sorted by a radix sort, and the rest of the text compared
// only inside runs of equal words (ids hold no NUL, so zero padding orders
// a shorter id first, and two ids of <= 8 such bytes are equal exactly when
// their words are).
struct IdOrder {
  std::vector<uint32_t> order;   // rows in byte order of their ids
  std::vector<uint64_t> prefix;  // per input row: ordered word of the bytes after `common`
  std::size_t common = 0;        // bytes every id begins with
  bool long_tails = false;       // some id has more than 8 bytes after `common`

  bool same_prefix(std::size_t k) const noexcept { return prefix[order[k]] == prefix[order[k - 1]]; }
  // Whether sorted rows k - 1 and k hold the same id.
  bool same_id(const StringColumn& ids, std::size_t k) const noexcept {
    return same_prefix(k) && (!long_tails || ids[order[k]] == ids[order[k - 1]]);
  }
};

std::size_t common_prefix(const StringColumn& ids) {
  if (ids.empty()) return 0;
  const std::string_view first = ids[0];
  std::size_t common = first.size();
  for (std::size_t i = 1; i < ids.size() && common > 0; ++i) {
    const std::string_view s = ids[i];
    const std::size_t m = std::min(common, s.size());
    common = std::size_t(std::mismatch(first.begin(), first.begin() + std::ptrdiff_t(m), s.begin()).first -
                         first.begin());
  }
  return common;
}

// count[d] = how many keys have digit d ((key >> shift) & mask), counted in
// 4 lanes (`lanes`: 4 * (mask + 1) counters): neighbouring keys often share
// a digit, and one counter would make each increment wait for the last.
void counted(const uint64_t* keys, std::size_t size, int shift, uint64_t mask, std::size_t* lanes,
             std::size_t* count) {
  const std::size_t digits = std::size_t(mask) + 1;
  std::fill(lanes, lanes + 4 * digits, 0);
  std::size_t i = 0;
  for (; i + 4 <= size; i += 4)
    for (std::size_t l = 0; l < 4; ++l) ++lanes[l * digits + ((keys[i + l] >> shift) & mask)];
  for (; i < size; ++i) ++lanes[(keys[i] >> shift) & mask];
  for (std::size_t d = 0; d < digits; ++d)
    count[d] = lanes[d] + lanes[digits + d] + lanes[2 * digits + d] + lanes[3 * digits + d];
}

// LSD radix sort of keys[0, size) on bits [low, low + bits), stable,
// `digit` <= 8 bits a pass; `buffer` holds at least `size` keys.
void lsd_sort(uint64_t* keys, std::size_t size, uint64_t* buffer, int low, int bits, int digit) {
  std::size_t count[256], lanes[4 * 256];
  const uint64_t mask = (uint64_t(1) << digit) - 1;
  for (int shift = low; shift < low + bits; shift += digit) {
    counted(keys, size, shift, mask, lanes, count);
    if (count[(keys[0] >> shift) & mask] == size) continue;  // one digit: no-op pass
    std::size_t at = 0;
    for (uint64_t d = 0; d <= mask; ++d) at += std::exchange(count[d], at);
    for (std::size_t i = 0; i < size; ++i) buffer[count[(keys[i] >> shift) & mask]++] = keys[i];
    std::memcpy(keys, buffer, size * sizeof(uint64_t));
  }
}

// Radix sort of 64-bit keys on bits [low, low + bits), stable: one pass on
// the top 11 bits into buckets, then an LSD sort of each bucket, which fits
// in the cache (one pass over memory instead of one per digit).
void radix_sort_bits(std::vector<uint64_t>& keys, int low, int bits) {
  const std::size_t n = keys.size();
  if (bits <= 0 || n < 2) return;
  std::vector<uint64_t> buffer(n);
  const int top = std::min(bits, 11);
  const int shift = low + bits - top;
  std::vector<std::size_t> start((std::size_t(1) << top) + 1);
  {
    std::vector<std::size_t> lanes(std::size_t(4) << top);
    counted(keys.data(), n, shift, (uint64_t(1) << top) - 1, lanes.data(), start.data() + 1);
  }
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<std::size_t> at(start.begin(), start.end() - 1);
  for (uint64_t k : keys) buffer[at[(k >> shift) & ((uint64_t(1) << top) - 1)]++] = k;
  keys.swap(buffer);
  const int rest = bits - top;
  if (rest == 0) return;
  const int digit = (rest + (rest + 7) / 8 - 1) / ((rest + 7) / 8);  // <= 8 bits a pass
  for (std::size_t b = 0; b + 1 < start.size(); ++b)
    if (start[b + 1] - start[b] > 1)
      lsd_sort(keys.data() + start[b], start[b + 1] - start[b], buffer.data(), low, rest, digit);
}

// Sorts rows by their prefix words when the words compress to few bits:
// each byte position's values are replaced by their rank among the values
// that occur there (order kept), which usually leaves room beside the row
// number in one 64-bit key. False when they do not fit.
bool sort_by_compact_prefix(const std::vector<uint64_t>& prefix, std::vector<uint32_t>& order) {
  const std::size_t n = prefix.size();
  const int row_bits = std::max(1, int(std::bit_width(n - 1)));
  uint8_t seen[8][256] = {};
  for (uint64_t p : prefix)
    for (int b = 0; b < 8; ++b) seen[b][(p >> (56 - 8 * b)) & 0xFF] = 1;
  uint32_t rank[8][256];
  detail::uint128 weight[8], total = 1;
  int positions[8], count = 0;  // the byte positions that vary
  for (int b = 7; b >= 0; --b) {
    uint32_t r = 0;
    for (int v = 0; v < 256; ++v) rank[b][v] = seen[b][v] ? r++ : 0;
    weight[b] = total;
    total *= r;
    if (r > 1) positions[count++] = b;
  }
  if (total > detail::uint128(1) << (64 - row_bits)) return false;
  std::vector<uint64_t> keys(n);
  for (std::size_t i = 0; i < n; ++i) {
    uint64_t k = 0;
    for (int j = 0; j < count; ++j) {
      const int b = positions[j];
      k += uint64_t(rank[b][(prefix[i] >> (56 - 8 * b)) & 0xFF]) * uint64_t(weight[b]);
    }
    keys[i] = (k << row_bits) | i;
  }
  radix_sort_bits(keys, row_bits, int(std::bit_width(uint64_t(total - 1))));
  const uint64_t row_mask = (uint64_t(1) << row_bits) - 1;
  order.resize(n);
  for (std::size_t k = 0; k < n; ++k) order[k] = uint32_t(keys[k] & row_mask);
  return true;
}

// The fallback for prefixes that do not compress: an LSD radix sort of
// (prefix, row) pairs, 16 bits a pass, skipping digits every id shares.
struct IdKey {
  uint64_t prefix;
  uint32_t row;
};

void radix_sort_by_prefix(std::vector<IdKey>& keys) {
  std::vector<IdKey> buffer(keys.size());
  std::vector<std::size_t> count(std::size_t(1) << 16);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (const IdKey& k : keys) ++count[(k.prefix >> shift) & 0xFFFF];
    if (count[(keys.front().prefix >> shift) & 0xFFFF] == keys.size()) continue;  // one digit: no-op pass
    std::size_t at = 0;
    for (auto& c : count) at += std::exchange(c, at);
    for (const IdKey& k : keys) buffer[count[(k.prefix >> shift) & 0xFFFF]++] = k;
    keys.swap(buffer);
  }
}

void sort_by_prefix(const std::vector<uint64_t>& prefix, std::vector<uint32_t>& order) {
  const std::size_t n = prefix.size();
  std::vector<IdKey> keys(n);
  for (std::size_t i = 0; i < n; ++i) keys[i] = IdKey{prefix[i], uint32_t(i)};
  if (n >= (std::size_t(1) << 16)) {
    radix_sort_by_prefix(keys);  // stable: equal prefixes stay in row order
  } else {
    std::sort(keys.begin(), keys.end(), [](const IdKey& a, const IdKey& b) {
      return a.prefix != b.prefix ? a.prefix < b.prefix : a.row < b.row;
    });
  }
  order.resize(n);
  for (std::size_t k = 0; k < n; ++k) order[k] = keys[k].row;
}

// Inside each run of equal prefix words, the rows by the rest of their text.
void sort_tails(const StringColumn& ids, IdOrder& o) {
  auto tail = [&](uint32_t row) {
    const std::string_view s = ids[row];
    return s.substr(std::min(o.common + 8, s.size()));
  };
  const std::size_t n = o.order.size();
  for (std::size_t k = 0; k < n;) {
    std::size_t e = k + 1;
    while (e < n && o.same_prefix(e)) ++e;
    if (e - k > 1)
      std::sort(o.order.begin() + std::ptrdiff_t(k), o.order.begin() + std::ptrdiff_t(e),
                [&](uint32_t a, uint32_t b) {
                  const int c = tail(a).compare(tail(b));
                  return c != 0 ? c < 0 : a < b;
                });
    k = e;
  }
}

IdOrder id_order(const StringColumn& ids) {
  IdOrder o;
  const std::size_t n = ids.size();
  o.common = common_prefix(ids);
  o.prefix.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view rest = ids[i].substr(o.common);
    o.prefix[i] = ordered_prefix(rest);
    o.long_tails |= rest.size() > 8;
  }
  if (n > 0 && !sort_by_compact_prefix(o.prefix, o.order)) sort_by_prefix(o.prefix, o.order);
  if (o.long_tails) sort_tails(ids, o);
  return o;
}

// The ids in sorted order. Without long tails an id is its common prefix
// plus the bytes of its word (as many as are not zero), so no text is read
// back at random.
StringColumn sorted_ids(const StringColumn& ids, const IdOrder& o) {
  if (o.long_tails || ids.empty()) return ids.permuted(o.order);
  const std::string_view head = ids[0].substr(0, o.common);
  std::string bytes(ids.bytes().size() + 8, '\0');  // 8 spare bytes: each id is written as a full word
  std::vector<int64_t> offsets(ids.size() + 1);
  char* at = bytes.data();
  for (std::size_t k = 0; k < o.order.size(); ++k) {
    const uint64_t p = o.prefix[o.order[k]];
    std::memcpy(at, head.data(), head.size());
    const uint64_t word = __builtin_bswap64(p);
    std::memcpy(at + head.size(), &word, 8);
    at += head.size() + (p == 0 ? 0 : 8 - std::countr_zero(p) / 8);
    offsets[k + 1] = at - bytes.data();
  }
  bytes.resize(std::size_t(at - bytes.data()));
  return StringColumn::from_parts(std::move(offsets), std::move(bytes));
}

// ---------------------------------------------------------------------------
// People and names

// Person ids of the roster by text: open addressing over 16-byte slots that
// hold each id's first 8 bytes and length, so a lookup of a short id reads
// one slot. The slot of a text can be computed (and prefetched) ahead of
// the lookup.
class PersonIndex {
 public:
  PersonIndex(const Roster& roster, std::size_t people) {
    std::size_t size = 16;
    while (size * 3 < people * 4) size <<= 1;  // load <= 3/4: 16 * 131,072 bytes (L2) for 100k people
    mask_ = size - 1;
    slots_.assign(size, Slot{});
    text_.resize(people);
    for (std::size_t p = 0; p < people; ++p) {
      const std::string& id = roster.id(int32_t(p));
      text_[p] = id.data();
      std::size_t at = slot_of(id);
      while (slots_[at].person >= 0) at = (at + 1) & mask_;
      slots_[at] =
          Slot{word_of(id.data(), std::min<std::size_t>(8, id.size())), uint32_t(id.size()), int32_t(p)};
    }
  }
  std::size_t slot_of(std::string_view id) const noexcept { return std::size_t(text_hash(id)) & mask_; }
  // The same, reading the text as words when `end` allows (see words_of).
  std::size_t slot_of(std::string_view id, const char* end) const noexcept {
    if (id.size() > 16) return slot_of(id);
    return std::size_t(text_hash(id.size(), words_of(id, end))) & mask_;
  }
  void prefetch(std::size_t slot) const noexcept { __builtin_prefetch(&slots_[slot]); }
  // The person with id `id` (whose slot is `at`), or -1.
  int32_t find(std::string_view id, std::size_t at) const noexcept {
    const uint64_t head = word_of(id.data(), std::min<std::size_t>(8, id.size()));
    for (;; at = (at + 1) & mask_) {
      const Slot& s = slots_[at];
      if (s.person < 0) return -1;
      if (s.head == head && s.size == id.size() &&
          (id.size() <= 8 ||
           std::memcmp(text_[std::size_t(s.person)] + 8, id.data() + 8, id.size() - 8) == 0))
        return s.person;
    }
  }
  int32_t find(std::string_view id) const noexcept { return find(id, slot_of(id)); }

 private:
  struct Slot {
    uint64_t head = 0;
    uint32_t size = 0;
    int32_t person = -1;
  };
  std::vector<Slot> slots_;
  std::vector<const char*> text_;
  std::size_t mask_ = 0;
};

// Person codes of an id column: unknown ids are refused; "" (and null) is -1
// when `empty_is_none`. Plain text goes 32 cells at a time (hash all,
// prefetch their slots, then look up) so the cache misses overlap.
std::vector<int32_t> person_codes(const Column& c, const PersonIndex& people, bool empty_is_none) {
  auto person = [&](std::string_view id, std::size_t slot) {
    if (empty_is_none && id.empty()) return int32_t(-1);
    const int32_t p = people.find(id, slot);
    if (p < 0) not_strict();
    return p;
  };
  if (!c.type.is_text() || c.type.dictionary)
    return name_codes<int32_t>(c, [&](std::string_view id) { return person(id, people.slot_of(id)); });
  std::vector<int32_t> out(std::size_t(c.length));
  constexpr int64_t kBlock = 32;
  std::string_view cell[kBlock];
  std::size_t slot[kBlock];
  for (const Chunk& chunk : c.chunks) {
    int32_t* o = out.data() + chunk.first_row;
    int64_t filled = 0, first = 0;
    auto flush = [&] {
      for (int64_t j = 0; j < filled; ++j) o[first + j] = person(cell[j], slot[j]);
      first += filled;
      filled = 0;
    };
    for_each_plain_text(*chunk.array, c.type.id, [&](int64_t, std::string_view id, const char* end) {
      cell[filled] = id;
      slot[filled] = people.slot_of(id, end);
      people.prefetch(slot[filled]);
      if (++filled == kBlock) flush();
    });
    flush();
  }
  return out;
}

// Codes of a product/customer column: texts (nulls as "") interned in input
// order (the dictionary looks texts up by view: no std::string per cell).
std::vector<int32_t> interned(const Column& c, Dictionary& dictionary) {
  return name_codes<int32_t>(c, [&](std::string_view text) { return dictionary.intern(text); });
}

// ---------------------------------------------------------------------------
// Amounts

// A decimal128 chunk: a cell at exactly the currency's places that fits 64
// bits is its unscaled value; any other cell goes to `general`.
template <class General>
void decimal128_amounts(const ArrowArray& a, int64_t first_row, const arrow::DataType& type,
                        const std::vector<Currency>& currency, std::vector<int64_t>& amount,
                        General& general) {
  const auto* w = static_cast<const uint64_t*>(a.buffers[1]) + 2 * a.offset;
  const bool nulls = a.buffers[0] != nullptr && a.null_count != 0;
  for (int64_t i = 0; i < a.length; ++i) {
    const std::size_t row = std::size_t(first_row + i);
    if (nulls && !arrow::is_valid_bit(a, i)) not_strict();
    const uint64_t lo = w[2 * i], hi = w[2 * i + 1];
    if (currency[row].exponent() == type.scale && hi == uint64_t(int64_t(lo) >> 63))
      amount[row] = int64_t(lo);
    else
      general(int64_t(row), arrow::detail::decimal_at(a, type, i));
  }
}

// Amounts at exactly the currency's decimals, as the per-row path reads them
// (decimal cells with zeros beyond the currency's places are taken).
std::vector<int64_t> strict_amounts(const Column& a, const std::vector<Currency>& currency) {
  const std::size_t n = std::size_t(a.length);
  std::vector<int64_t> amount(n, 0);
  arrow::CellIssues issues("deals");
  auto general = [&](int64_t row, const arrow::detail::DecimalCell& cell) {
    if (cell.state != arrow::detail::DecimalCell::State::Ok) not_strict();
    if (!arrow::detail::rescale_to_minor(cell, currency[std::size_t(row)].exponent(), std::nullopt, row,
                                         "amount", issues, amount[std::size_t(row)]))
      not_strict();
  };
  if (a.type.is_text_like()) {
    arrow::for_each_text(a, [&](int64_t row, std::optional<std::string_view> text) {
      if (!text) not_strict();
      try {
        amount[std::size_t(row)] =
            parse_scaled(*text, currency[std::size_t(row)].exponent(), std::nullopt, "amount");
      } catch (const Error&) {
        not_strict();
      }
    });
  } else if (a.type.id == TypeId::Decimal128 && !a.type.dictionary) {
    for (const Chunk& chunk : a.chunks)
      decimal128_amounts(*chunk.array, chunk.first_row, a.type, currency, amount, general);
  } else if (a.type.is_decimal() && !a.type.dictionary) {
    arrow::detail::for_each_decimal(a, issues, general);
  } else {
    not_strict();
  }
  return amount;
}

// ---------------------------------------------------------------------------
// The deals table

constexpr const char* kDealColumns[] = {"deal_id",
                                        "owner",
                                        "close_date",
                                        "amount",
                                        "currency",
                                        "type",
                                        "invoice_date",
                                        "collection_date",
                                        "cancellation_date",
                                        "product",
                                        "customer",
                                        "source",
                                        "source_person",
                                        "term_months",
                                        "territory",
                                        "created_date",
                                        "first_touch_source",
                                        "first_marketing_touch",
                                        "first_sales_activity"};

// Only the spec's columns, with the required ones present.
void check_deal_columns(const arrow::ImportedTable& t) {
  for (const Column& c : t.columns())
    if (std::find_if(std::begin(kDealColumns), std::end(kDealColumns),
                     [&](const char* k) { return c.name == k; }) == std::end(kDealColumns))
      not_strict();
  for (const char* required : {"deal_id", "owner", "close_date", "amount", "currency", "type"})
    if (!t.find(required)) not_strict();
  if (std::size_t(t.num_rows()) > std::size_t(UINT32_MAX)) not_strict();
}

// Plain utf8 / large_utf8 ids without nulls: the bytes of each chunk copied
// in one go, the offsets rebased, each id checked.
template <class Offset>
void append_plain_ids(const ArrowArray& a, std::string& bytes, std::vector<int64_t>& offsets) {
  const Offset* off = static_cast<const Offset*>(a.buffers[1]) + a.offset;
  const char* data = static_cast<const char*>(a.buffers[2]);
  const int64_t base = int64_t(bytes.size()) - int64_t(off[0]);
  if (a.length > 0) bytes.append(data + off[0], std::size_t(off[a.length] - off[0]));
  for (int64_t i = 0; i < a.length; ++i) {
    if (!is_id(std::string_view(data + off[i], std::size_t(off[i + 1] - off[i])))) not_strict();
    offsets.push_back(base + int64_t(off[i + 1]));
  }
}

std::optional<StringColumn> plain_ids(const Column& c) {
  if (c.type.dictionary || (c.type.id != TypeId::Utf8 && c.type.id != TypeId::LargeUtf8)) return std::nullopt;
  std::string bytes;
  std::vector<int64_t> offsets{0};
  offsets.reserve(std::size_t(c.length) + 1);
  for (const Chunk& chunk : c.chunks) {
    const ArrowArray& a = *chunk.array;
    if (a.n_buffers > 0 && a.buffers[0] != nullptr && a.null_count != 0) return std::nullopt;
    if (c.type.id == TypeId::Utf8)
      append_plain_ids<int32_t>(a, bytes, offsets);
    else
      append_plain_ids<int64_t>(a, bytes, offsets);
  }
  return StringColumn::from_parts(std::move(offsets), std::move(bytes));
}

// Ids: the user's text (integers as decimal text), each a valid id.
StringColumn checked_ids(const Column& c) {
  if (std::optional<StringColumn> plain = plain_ids(c)) return std::move(*plain);
  if (!c.type.is_text_like() && !c.type.is_integer()) not_strict();
  StringColumn ids;
  ids.reserve(std::size_t(c.length), std::size_t(c.length) * 8);
  arrow::for_each_id(c, [&](int64_t, std::optional<std::string_view> id) {
    if (!id || !is_id(*id)) not_strict();
    ids.push_back(*id);
  });
  return ids;
}

// The rows in byte order of their ids; duplicates are refused (the per-row
// path names them).
IdOrder unique_id_order(const StringColumn& ids) {
  IdOrder o = id_order(ids);
  for (std::size_t k = 1; k < o.order.size(); ++k)
    if (o.same_id(ids, k)) not_strict();
  return o;
}

Currency currency_of(std::string_view code) {
  try {
    return Currency::of(code);
  } catch (const Error&) {
    not_strict();
  }
}

DealType deal_type_of(std::string_view name) {
  try {
    return deal_type_from_string(name);
  } catch (const Error&) {
    not_strict();
  }
}

DealSource source_of(std::string_view text) {
  try {
    return deal_source_from_string(text);
  } catch (const Error&) {
    not_strict();
  }
}

// Runs f and g, g on a second thread when `threads` >= 2; an exception of
// either (NotStrict) is rethrown once both are done.
template <class F, class G>
void run_both(int threads, F&& f, G&& g) {
  if (threads < 2) {
    f();
    g();
    return;
  }
  std::exception_ptr failed;
  {
    std::jthread second([&] {
      try {
        g();
      } catch (...) {
        failed = std::current_exception();
      }
    });
    f();  // on a throw, `second` is joined before the exception leaves
  }
  if (failed) std::rethrow_exception(failed);
}

// Every column but the ids, in input-row order (none of this needs the ids'
// order, so it runs while they are sorted). Absent optional columns stay empty.
struct InputColumns {
  std::vector<int32_t> owner, close_day, product, customer, source_person, territory, term_months;
  std::vector<int64_t> amount;
  std::vector<Currency> currency;
  std::vector<DealType> type;
  std::vector<DealSource> source, first_touch_source;
  std::vector<int32_t> invoice_day, collection_day, cancellation_day, created_day, marketing_day, sales_day;
};

std::vector<int32_t> territory_codes(const Column& c, const Organisation& org) {
  return name_codes<int32_t>(c, [&](std::string_view name) {
    if (name.empty()) return int32_t(-1);
    const int32_t code = org.code_of(AssignmentField::Territory, std::string(name));
    if (code < 0) not_strict();
    return code;
  });
}

std::vector<int32_t> term_months_of(const Column& c) {
  if (!c.type.is_integer() || c.type.dictionary || c.null_count() > 0) not_strict();
  arrow::CellIssues issues("deals");
  const std::vector<int64_t> months = arrow::read_integers(c, 0, 1200, true, 0, issues);
  if (!issues.empty()) not_strict();
  return std::vector<int32_t>(months.begin(), months.end());
}

InputColumns read_columns(const arrow::ImportedTable& t, const Organisation& org, Dictionary& products,
                          Dictionary& customers) {
  auto col = [&](const char* name) { return t.find(name); };
  const PersonIndex people(org.roster(), org.size());
  InputColumns in;
  in.owner = person_codes(*col("owner"), people, false);
  in.close_day = strict_days(*col("close_date"), true);
  in.currency = name_codes<Currency>(*col("currency"), currency_of);
  in.type = name_codes<DealType>(*col("type"), deal_type_of);
  in.amount = strict_amounts(*col("amount"), in.currency);
  const std::pair<const char*, std::vector<int32_t>*> dates[] = {{"invoice_date", &in.invoice_day},
                                                                 {"collection_date", &in.collection_day},
                                                                 {"cancellation_date", &in.cancellation_day},
                                                                 {"created_date", &in.created_day},
                                                                 {"first_marketing_touch", &in.marketing_day},
                                                                 {"first_sales_activity", &in.sales_day}};
  for (const auto& [name, out] : dates)
    if (const Column* c = col(name)) *out = strict_days(*c, false);
  if (const Column* c = col("product")) in.product = interned(*c, products);
  if (const Column* c = col("customer")) in.customer = interned(*c, customers);
  if (const Column* c = col("source")) in.source = name_codes<DealSource>(*c, source_of);
  if (const Column* c = col("first_touch_source"))
    in.first_touch_source = name_codes<DealSource>(*c, source_of);
  if (const Column* c = col("source_person")) in.source_person = person_codes(*c, people, true);
  if (const Column* c = col("territory")) in.territory = territory_codes(*c, org);
  if (const Column* c = col("term_months")) in.term_months = term_months_of(*c);
  return in;
}

// out[k] = in[order[k]] for k in [begin, end), or `absent` when `in` is empty.
template <class T, class U = T>
void gather_range(const std::vector<T>& in, const std::vector<uint32_t>& order, std::size_t begin,
                  std::size_t end, std::vector<U>& out, const U& absent) {
  if (in.empty()) {
    std::fill(out.begin() + std::ptrdiff_t(begin), out.begin() + std::ptrdiff_t(end), absent);
    return;
  }
  for (std::size_t k = begin; k < end; ++k) out[k] = U(in[order[k]]);
}

void gather_days(const std::vector<int32_t>& days, const std::vector<uint32_t>& order, std::size_t begin,
                 std::size_t end, std::vector<std::optional<Date>>& out) {
  for (std::size_t k = begin; k < end; ++k) {
    const int32_t day = days[order[k]];
    out[k] = day == arrow::kNoDay ? std::nullopt : std::optional<Date>(Date::from_days(day));
  }
}

// The deal table columns sized for n rows: always-present columns, and the
// optional ones that were given.
DealTable sized_table(const InputColumns& in, std::size_t n) {
  DealTable d;
  d.id.resize(n);
  d.owner.resize(n);
  d.close_date.resize(n);
  d.amount.resize(n);
  d.currency.resize(n);
  d.type.resize(n);
  d.product.resize(n);
  d.customer.resize(n);
  d.source.resize(n);
  d.source_person.resize(n);
  d.term_months.resize(n);
  d.invoice_date.resize(n);
  d.collection_date.resize(n);
  d.cancellation_date.resize(n);
  if (!in.territory.empty()) d.territory.resize(n);
  if (!in.first_touch_source.empty()) d.first_touch_source.resize(n);
  if (!in.created_day.empty()) d.created_date.resize(n);
  if (!in.marketing_day.empty()) d.first_marketing_touch.resize(n);
  if (!in.sales_day.empty()) d.first_sales_activity.resize(n);
  return d;
}

// Deal rows [begin, end) from the input rows `order` gives.
void fill_rows(const InputColumns& in, const std::vector<uint32_t>& order, std::size_t begin, std::size_t end,
               DealTable& d) {
  for (std::size_t k = begin; k < end; ++k) {
    const uint32_t row = order[k];
    d.id[k] = int64_t(k);
    d.owner[k] = in.owner[row];
    d.close_date[k] = Date::from_days(in.close_day[row]);
    d.amount[k] = in.amount[row];
    d.currency[k] = in.currency[row];
    d.type[k] = in.type[row];
  }
  const std::optional<Date> none;
  gather_range(in.product, order, begin, end, d.product, int32_t(-1));
  gather_range(in.customer, order, begin, end, d.customer, int32_t(-1));
  gather_range(in.source, order, begin, end, d.source, DealSource::None);
  gather_range(in.source_person, order, begin, end, d.source_person, int32_t(-1));
  gather_range(in.term_months, order, begin, end, d.term_months, int32_t(0));
  if (!in.territory.empty()) gather_range(in.territory, order, begin, end, d.territory, int32_t(-1));
  if (!in.first_touch_source.empty())
    gather_range(in.first_touch_source, order, begin, end, d.first_touch_source, DealSource::None);
  auto dates = [&](const std::vector<int32_t>& days, std::vector<std::optional<Date>>& out) {
    if (days.empty())
      std::fill(out.begin() + std::ptrdiff_t(begin), out.begin() + std::ptrdiff_t(end), none);
    else
      gather_days(days, order, begin, end, out);
  };
  dates(in.invoice_day, d.invoice_date);
  dates(in.collection_day, d.collection_date);
  dates(in.cancellation_day, d.cancellation_date);
  if (!in.created_day.empty()) dates(in.created_day, d.created_date);
  if (!in.marketing_day.empty()) dates(in.marketing_day, d.first_marketing_touch);
  if (!in.sales_day.empty()) dates(in.sales_day, d.first_sales_activity);
}

// The ids checked, ordered (duplicates refused) and laid out in that order.
struct SortedIds {
  IdOrder ranked;
  StringColumn text;
};

SortedIds sorted_deal_ids(const Column& c) {
  const StringColumn ids = checked_ids(c);
  SortedIds s;
  s.ranked = unique_id_order(ids);
  s.text = sorted_ids(ids, s.ranked);
  return s;
}

DealsRead read_deals(const arrow::ImportedTable& t, const Organisation& org, Dictionary& products,
                     Dictionary& customers, int threads) {
  check_deal_columns(t);
  const std::size_t n = std::size_t(t.num_rows());
  SortedIds ids;
  InputColumns in;
  run_both(
      threads, [&] { in = read_columns(t, org, products, customers); },
      [&] { ids = sorted_deal_ids(*t.find("deal_id")); });
  const std::vector<uint32_t>& order = ids.ranked.order;
  DealTable d = sized_table(in, n);
  d.id_text = std::move(ids.text);
  run_both(
      threads, [&] { fill_rows(in, order, 0, n / 2, d); }, [&] { fill_rows(in, order, n / 2, n, d); });
  in = InputColumns{};
  try {
    validate_deals(d, org.size());
  } catch (const Error&) {
    not_strict();
  }
  DealsRead out;
  out.table = std::move(d);
  out.input_row.assign(order.begin(), order.end());
  return out;
}

// The row of an id among ids in byte order (deal rows): a binary search over
// one ordered word per row (the 8 bytes after the prefix all ids share), so
// a step reads no text; the text is compared only inside a run of equal
// words.
class SortedIdIndex {
 public:
  explicit SortedIdIndex(const StringColumn& ids) : ids_(ids), common_(common_prefix(ids)) {
    words_.resize(ids.size());
    for (std::size_t k = 0; k < ids.size(); ++k) words_[k] = ordered_prefix(ids[k].substr(common_));
  }
  // The row holding `id`, or -1.
  int64_t find(std::string_view id) const {
    if (ids_.empty() || id.substr(0, common_) != ids_[0].substr(0, common_)) return -1;
    const uint64_t w = ordered_prefix(id.substr(common_));
    auto lo = std::size_t(std::lower_bound(words_.begin(), words_.end(), w) - words_.begin());
    auto hi = lo;
    while (hi < words_.size() && words_[hi] == w && hi - lo < 8) ++hi;
    if (hi - lo == 8)  // a long run of equal words: find its end by search
      hi = std::size_t(std::upper_bound(words_.begin() + std::ptrdiff_t(lo), words_.end(), w) -
                       words_.begin());
    while (lo < hi) {  // the text inside the run
      const std::size_t mid = (lo + hi) / 2;
      if (ids_[mid] < id)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < ids_.size() && ids_[lo] == id ? int64_t(lo) : -1;
  }
  // find(), trying the few rows after `after` first: splits usually list their deals in id
  // order, so the next deal is a short scan away, not a search over every id. (Ids are
  // unique: an equal text is the row.)
  int64_t find_after(std::string_view id, int64_t after) const {
    constexpr std::size_t kNear = 32;
    if (after >= 0 && id.substr(0, common_) == ids_[0].substr(0, common_)) {
      const uint64_t w = ordered_prefix(id.substr(common_));
      const std::size_t end = std::min(words_.size(), std::size_t(after) + 1 + kNear);
      for (std::size_t k = std::size_t(after) + 1; k < end && words_[k] <= w; ++k)
        if (words_[k] == w && ids_[k] == id) return int64_t(k);
    }
    return find(id);
  }

 private:
  const StringColumn& ids_;
  std::size_t common_;
  std::vector<uint64_t> words_;
};

}  // namespace

std::optional<DealsRead> read_deals_strict(const arrow::ImportedTable& deals, const Organisation& org,
                                           Dictionary& products, Dictionary& customers, int threads) {
  Dictionary p = products, c = customers;
  try {
    DealsRead r = read_deals(deals, org, p, c, threads);
    products = std::move(p);
    customers = std::move(c);
    return r;
  } catch (const NotStrict&) {
    return std::nullopt;
  }
}

std::optional<SplitTable> read_splits_strict(const arrow::ImportedTable& splits, const DealTable& deals,
                                             const Organisation& org) {
  try {
    for (const Column& c : splits.columns())
      if (c.name != "deal_id" && c.name != "person" && c.name != "share" && c.name != "kind") not_strict();
    const Column* deal = splits.find("deal_id");
    const Column* person = splits.find("person");
    const Column* share = splits.find("share");
    const Column* kind = splits.find("kind");
    if (!deal || !person || !share || deals.id_text.size() != deals.size()) not_strict();
    const std::size_t n = std::size_t(splits.num_rows());
    if (!deal->type.is_text_like() && !deal->type.is_integer()) not_strict();
    const SortedIdIndex index(deals.id_text);
    std::vector<int64_t> deal_row(n, -1);
    std::string_view previous;
    int64_t previous_row = -1;
    arrow::for_each_id(*deal, [&](int64_t row, std::optional<std::string_view> id) {
      if (!id) not_strict();
      if (previous_row < 0 || *id != previous) {
        previous_row = index.find_after(*id, previous_row);
        if (previous_row < 0) not_strict();
        previous = deals.id_text[std::size_t(previous_row)];
      }
      deal_row[std::size_t(row)] = previous_row;
    });
    const PersonIndex people(org.roster(), org.size());
    const std::vector<int32_t> who = person_codes(*person, people, false);
    // Shares: decimals (at most 12 places) or decimal text, as Rate::parse reads them.
    std::vector<int64_t> raw(n, 0);
    if (share->type.is_text_like()) {
      arrow::for_each_text(*share, [&](int64_t row, std::optional<std::string_view> text) {
        if (!text) not_strict();
        try {
          raw[std::size_t(row)] = Rate::parse(*text).raw();
        } catch (const Error&) {
          not_strict();
        }
      });
    } else if (share->type.is_decimal() && !share->type.dictionary) {
      arrow::CellIssues issues("splits");
      arrow::detail::for_each_decimal(
          *share, issues, [&](int64_t row, const arrow::detail::DecimalCell& cell) {
            if (cell.state != arrow::detail::DecimalCell::State::Ok) not_strict();
            if (!arrow::detail::rescale_to_minor(cell, 12, std::nullopt, row, "share", issues,
                                                 raw[std::size_t(row)]))
              not_strict();
          });
    } else {
      not_strict();
    }
    std::vector<SplitKind> kinds(n, SplitKind::Revenue);
    if (kind)
      kinds = name_codes<SplitKind>(*kind, [&](std::string_view k) {
        if (k == "overlay") return SplitKind::Overlay;
        if (k != "revenue") not_strict();
        return SplitKind::Revenue;
      });
    SplitTable s;
    s.deal = std::move(deal_row);
    s.person = who;
    s.share.resize(n);
    for (std::size_t i = 0; i < n; ++i) s.share[i] = Rate::from_raw(raw[i]);
    s.kind = std::move(kinds);
    return s;
  } catch (const NotStrict&) {
    return std::nullopt;
  }
}

std::vector<int64_t> id_byte_ranks(const StringColumn& ids) {
  const IdOrder o = id_order(ids);
  std::vector<int64_t> rank(ids.size());
  int64_t r = -1;
  for (std::size_t k = 0; k < o.order.size(); ++k) {
    if (k == 0 || !o.same_id(ids, k)) ++r;
    rank[o.order[k]] = r;
  }
  return rank;
}

}  // namespace salescomp
