#pragma once
// A dictionary of names (products, customers) to dense integer codes, so that
// tables carry int32 codes and several tables can share one code space.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace salescomp {

class Dictionary {
 public:
  // The code of `name`, adding it when new. "" is -1 (none).
  int32_t intern(std::string_view name) {
    if (name.empty()) return -1;
    if ((names_.size() + 1) * 2 > slots_.size()) grow();
    const uint64_t h = hash(name);
    const std::size_t at = probe(name, h);
    if (slots_[at].code >= 0) return slots_[at].code;
    const int32_t code = int32_t(names_.size());
    names_.emplace_back(name);
    slots_[at] = Slot{code, uint32_t(h >> 32)};
    return code;
  }
  // The code of `name` or -1.
  int32_t find(std::string_view name) const {
    if (name.empty() || slots_.empty()) return -1;
    return slots_[probe(name, hash(name))].code;
  }
  const std::string& name(int32_t code) const { return names_.at(std::size_t(code)); }
  const std::vector<std::string>& names() const noexcept { return names_; }
  std::size_t size() const noexcept { return names_.size(); }

 private:
  // Open addressing over codes (load <= 1/2); the hash's high bits in each
  // slot spare most string compares. No node per name, no copy per lookup.
  struct Slot {
    int32_t code = -1;
    uint32_t tag = 0;
  };
  static uint64_t hash(std::string_view name) noexcept {
    const uint64_t h = std::hash<std::string_view>{}(name);
    return h ^ (h >> 31) ^ (h << 29);
  }
  // The slot holding `name`, or the empty slot where it would go.
  std::size_t probe(std::string_view name, uint64_t h) const noexcept {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = std::size_t(h) & mask;; at = (at + 1) & mask) {
      const Slot& s = slots_[at];
      if (s.code < 0 || (s.tag == uint32_t(h >> 32) && names_[std::size_t(s.code)] == name)) return at;
    }
  }
  void grow() {
    std::vector<Slot> old(std::max<std::size_t>(16, slots_.size() * 2));
    slots_.swap(old);
    for (const Slot& s : old)
      if (s.code >= 0) {
        const uint64_t h = hash(names_[std::size_t(s.code)]);
        slots_[probe(names_[std::size_t(s.code)], h)] = s;
      }
  }

  std::vector<std::string> names_;
  std::vector<Slot> slots_;
};

}  // namespace salescomp
