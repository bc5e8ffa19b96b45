#pragma once
// A hash map keyed by std::string that is looked up by std::string_view, with
// no temporary string per lookup (C++20 heterogeneous lookup): the roster and
// the organisation's codes are looked up once per input cell.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace salescomp::detail {

struct TransparentStringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <class Value>
using StringMap = std::unordered_map<std::string, Value, TransparentStringHash, std::equal_to<>>;

}  // namespace salescomp::detail
