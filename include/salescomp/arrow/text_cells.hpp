#pragma once
// Reading text cells of any Arrow text layout: utf8 (int32 offsets),
// large_utf8 (int64 offsets), string_view (16-byte views) and dictionaries
// of those with any integer index type. The readers visit a column chunk by
// chunk; dictionary columns are resolved once per dictionary entry, which is
// what makes repeated ids (owners, currencies) cheap.
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "salescomp/arrow/imported_table.hpp"

namespace salescomp::arrow {

inline bool is_valid_bit(const ArrowArray& a, int64_t i) noexcept {
  const auto* bits = static_cast<const uint8_t*>(a.n_buffers > 0 ? a.buffers[0] : nullptr);
  if (bits == nullptr) return true;
  const int64_t j = a.offset + i;
  return (bits[j >> 3] >> (j & 7)) & 1;
}

// One chunk of a plain (not dictionary) text array.
class TextArray {
 public:
  TextArray(const ArrowArray& a, TypeId id) : a_(a), id_(id) {}
  bool valid(int64_t i) const noexcept { return is_valid_bit(a_, i); }
  std::string_view at(int64_t i) const noexcept {
    const int64_t j = a_.offset + i;
    if (id_ == TypeId::Utf8) {
      const auto* off = static_cast<const int32_t*>(a_.buffers[1]);
      return {static_cast<const char*>(a_.buffers[2]) + off[j], std::size_t(off[j + 1] - off[j])};
    }
    if (id_ == TypeId::LargeUtf8) {
      const auto* off = static_cast<const int64_t*>(a_.buffers[1]);
      return {static_cast<const char*>(a_.buffers[2]) + off[j], std::size_t(off[j + 1] - off[j])};
    }
    // string_view: 16 bytes per view; <= 12 bytes inline, else prefix, buffer index, offset.
    const auto* view = static_cast<const uint8_t*>(a_.buffers[1]) + 16 * j;
    int32_t size;
    std::memcpy(&size, view, 4);
    if (size <= 12) return {reinterpret_cast<const char*>(view + 4), std::size_t(size)};
    int32_t buffer, offset;
    std::memcpy(&buffer, view + 8, 4);
    std::memcpy(&offset, view + 12, 4);
    return {static_cast<const char*>(a_.buffers[2 + buffer]) + offset, std::size_t(size)};
  }
  int64_t length() const noexcept { return a_.length; }

 private:
  const ArrowArray& a_;
  TypeId id_;
};

// The integer at row i of an index (or integer) array of type `id`.
inline int64_t integer_at(const ArrowArray& a, TypeId id, int64_t i) noexcept {
  const int64_t j = a.offset + i;
  const void* d = a.buffers[1];
  switch (id) {
    case TypeId::Int8:
      return static_cast<const int8_t*>(d)[j];
    case TypeId::UInt8:
      return static_cast<const uint8_t*>(d)[j];
    case TypeId::Int16:
      return static_cast<const int16_t*>(d)[j];
    case TypeId::UInt16:
      return static_cast<const uint16_t*>(d)[j];
    case TypeId::Int32:
      return static_cast<const int32_t*>(d)[j];
    case TypeId::UInt32:
      return static_cast<const uint32_t*>(d)[j];
    case TypeId::Int64:
      return static_cast<const int64_t*>(d)[j];
    default:  // UInt64: callers range-check against int64 first
      return int64_t(static_cast<const uint64_t*>(d)[j]);
  }
}

// Calls f(row, std::optional<std::string_view>) for every cell of a text-like
// column (nullopt for a null cell), in row order.
template <class F>
void for_each_text(const Column& column, F&& f) {
  for (const Chunk& chunk : column.chunks) {
    const ArrowArray& a = *chunk.array;
    if (column.type.dictionary) {
      const TextArray dict(*a.dictionary, column.type.value->id);
      for (int64_t i = 0; i < a.length; ++i) {
        if (!is_valid_bit(a, i)) {
          f(chunk.first_row + i, std::optional<std::string_view>{});
          continue;
        }
        const int64_t k = integer_at(a, column.type.id, i);
        f(chunk.first_row + i, std::optional<std::string_view>{dict.at(k)});
      }
      continue;
    }
    const TextArray text(a, column.type.id);
    for (int64_t i = 0; i < a.length; ++i)
      f(chunk.first_row + i,
        text.valid(i) ? std::optional<std::string_view>{text.at(i)} : std::optional<std::string_view>{});
  }
}

// Codes of a text-like column: `lookup(row, text)` maps a text to a code and
// is called once per distinct dictionary entry that is used in a dictionary
// chunk (with the row of its first use), else once per cell. A lookup that
// returns `bad_code` (having reported the cell) is called again for every
// other row with that entry, so every bad row gets reported. Null cells get
// `null_code` (callers report them when a value is required).
template <class Code, class Lookup>
std::vector<Code> text_codes(const Column& column, Lookup&& lookup, Code null_code, Code bad_code) {
  std::vector<Code> out(std::size_t(column.length));
  for (const Chunk& chunk : column.chunks) {
    const ArrowArray& a = *chunk.array;
    Code* o = out.data() + chunk.first_row;
    if (column.type.dictionary) {
      const TextArray dict(*a.dictionary, column.type.value->id);
      std::vector<Code> memo(std::size_t(a.dictionary->length));
      std::vector<uint8_t> known(std::size_t(a.dictionary->length), 0);
      for (int64_t i = 0; i < a.length; ++i) {
        if (!is_valid_bit(a, i)) {
          o[i] = null_code;
          continue;
        }
        const auto k = std::size_t(integer_at(a, column.type.id, i));
        if (!known[k] || memo[k] == bad_code) {
          memo[k] = lookup(chunk.first_row + i, dict.at(int64_t(k)));
          known[k] = 1;
        }
        o[i] = memo[k];
      }
      continue;
    }
    const TextArray text(a, column.type.id);
    for (int64_t i = 0; i < a.length; ++i)
      o[i] = text.valid(i) ? lookup(chunk.first_row + i, text.at(i)) : null_code;
  }
  return out;
}

}  // namespace salescomp::arrow
