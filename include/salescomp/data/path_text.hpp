#pragma once
// The aggregated path text format: "search > email > direct". Tokens are
// trimmed of ASCII spaces; names are dictionary-encoded in first-seen order
// unless a dictionary is given.
#include <string>
#include <string_view>
#include <vector>

#include "salescomp/data/path_table.hpp"

namespace salescomp {

struct PathTextOptions {
  std::string separator = ">";
  // Channels named here keep these codes; others are appended in first-seen order.
  std::vector<std::string> channel_names;
};

// Parses `texts` into the touch columns of a PathTable (offsets, channel,
// channel_names, channel_count); the caller fills the per-row counts. Throws
// one ValidationError listing every bad row: empty paths, empty tokens
// ("a >> b", trailing separator), an empty separator, and tokens that contain
// another common separator (">", "|", ",", "->", "→") which means the
// separator setting does not match the data.
PathTable parse_path_texts(const std::vector<std::string_view>& texts, const PathTextOptions& options = {});

}  // namespace salescomp
