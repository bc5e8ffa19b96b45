#pragma once
// A dictionary of names (products, customers) to dense integer codes, so that
// tables carry int32 codes and several tables can share one code space.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace salescomp {

class Dictionary {
 public:
  // The code of `name`, adding it when new. "" is -1 (none).
  int32_t intern(const std::string& name) {
    if (name.empty()) return -1;
    auto [it, inserted] = codes_.emplace(name, int32_t(names_.size()));
    if (inserted) names_.push_back(name);
    return it->second;
  }
  // The code of `name` or -1.
  int32_t find(const std::string& name) const {
    auto it = codes_.find(name);
    return it == codes_.end() ? -1 : it->second;
  }
  const std::string& name(int32_t code) const { return names_.at(std::size_t(code)); }
  const std::vector<std::string>& names() const noexcept { return names_; }
  std::size_t size() const noexcept { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, int32_t> codes_;
};

}  // namespace salescomp
