// Validation of PathTable, parsing of path text, and touchpoints -> paths.
#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_map>

#include "salescomp/core/error.hpp"
#include "salescomp/data/journey_paths.hpp"
#include "salescomp/data/path_table.hpp"
#include "salescomp/data/path_text.hpp"

namespace salescomp {

namespace {
void check_length(std::vector<Issue>& issues, const char* field, std::size_t got, std::size_t want,
                  bool optional) {
  if (optional && got == 0) return;
  if (got != want)
    issues.push_back(
        Issue{std::nullopt, field, std::to_string(got), "column length must be " + std::to_string(want)});
}
constexpr std::size_t kMaxIssues = 1000;  // enough to fix a file; the count says how many more
}  // namespace

void validate_path_table(const PathTable& p) {
  std::vector<Issue> issues;
  if (p.offsets.empty() || p.offsets.front() != 0)
    throw ValidationError("SC-ATTR-SHAPE", Issue{std::nullopt, "offsets", "", "offsets must start with 0"});
  const std::size_t rows = p.rows();
  check_length(issues, "channel", p.channel.size(), std::size_t(p.offsets.back()), false);
  check_length(issues, "timestamp", p.timestamp.size(), p.channel.size(), true);
  check_length(issues, "milestones", p.milestones.size(), p.channel.size(), true);
  check_length(issues, "conversions", p.conversions.size(), rows, false);
  check_length(issues, "nulls", p.nulls.size(), rows, false);
  check_length(issues, "value", p.value.size(), rows, false);
  check_length(issues, "conversion_time", p.conversion_time.size(), rows, true);
  check_length(issues, "row_id", p.row_id.size(), rows, false);
  if (p.channel_count < 0)
    issues.push_back(
        Issue{std::nullopt, "channel_count", std::to_string(p.channel_count), "must not be negative"});
  if (!p.channel_names.empty() && p.channel_names.size() != std::size_t(p.channel_count))
    issues.push_back(Issue{std::nullopt, "channel_names", std::to_string(p.channel_names.size()),
                           "must name every channel code (" + std::to_string(p.channel_count) + ")"});
  if (!p.currency.valid()) issues.push_back(Issue{std::nullopt, "currency", "", "a currency is required"});
  if (!issues.empty()) throw ValidationError("SC-ATTR-SHAPE", std::move(issues));

  // Fast path: branch-free scans that vectorise; the detailed pass below only
  // runs when something is wrong, to name every bad row.
  {
    bool bad = false;
    int32_t lo = 0, hi = 0;
    if (!p.channel.empty()) {
      lo = hi = p.channel[0];
      for (int32_t c : p.channel) {
        lo = std::min(lo, c);
        hi = std::max(hi, c);
      }
      bad = lo < 0 || hi >= p.channel_count;
    }
    uint64_t flags = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      const int64_t y = p.conversions[r], n = p.nulls[r], v = p.value[r];
      flags |= uint64_t(p.offsets[r + 1] <= p.offsets[r]) | uint64_t(y < 0) | uint64_t(n < 0) |
               uint64_t(v < 0) | (uint64_t(v != 0) & uint64_t(y == 0)) |
               (uint64_t(y == 0) & uint64_t(n == 0)) | uint64_t(y > INT64_MAX / 2) |
               uint64_t(n > INT64_MAX / 2);
    }
    if (!bad && flags == 0) return;
  }
  std::size_t more = 0;
  auto report = [&](int64_t row, const char* field, std::string value, std::string rule) {
    if (issues.size() < kMaxIssues)
      issues.push_back(Issue{row, field, std::move(value), std::move(rule)});
    else
      ++more;
  };
  for (std::size_t r = 0; r < rows; ++r) {
    const int64_t row = int64_t(r);
    if (p.offsets[r + 1] < p.offsets[r]) {
      report(row, "offsets", std::to_string(p.offsets[r + 1]), "offsets must not decrease");
      continue;
    }
    if (p.offsets[r + 1] == p.offsets[r])
      report(row, "path", "", "empty path: a path needs at least one touch");
    for (int64_t t = p.offsets[r]; t < p.offsets[r + 1]; ++t)
      if (p.channel[t] < 0 || p.channel[t] >= p.channel_count) {
        report(row, "channel", std::to_string(p.channel[t]),
               "channel code out of range [0, " + std::to_string(p.channel_count) + ")");
        break;
      }
    const int64_t y = p.conversions[r], n = p.nulls[r], v = p.value[r];
    if (y < 0) report(row, "conversions", std::to_string(y), "must not be negative");
    if (n < 0) report(row, "nulls", std::to_string(n), "must not be negative");
    if (v < 0) report(row, "value", std::to_string(v), "must not be negative (refunds are not attributed)");
    if (v != 0 && y == 0) report(row, "value", std::to_string(v), "value without conversions");
    if (y == 0 && n == 0)
      report(row, "conversions", "0", "row has no journeys (conversions and nulls both 0)");
    if (y > INT64_MAX / 2 || n > INT64_MAX / 2)
      report(row, "conversions", std::to_string(y) + " + " + std::to_string(n),
             "counts above 2^62 are not supported");
  }
  if (more > 0)
    issues.push_back(Issue{std::nullopt, "rows", std::to_string(more), "more problems not listed"});
  if (!issues.empty()) throw ValidationError("SC-ATTR-PATHS", std::move(issues));
}

PathTable parse_path_texts(const std::vector<std::string_view>& texts, const PathTextOptions& options) {
  const std::string& sep = options.separator;
  if (sep.empty() || sep.find_first_not_of(' ') == std::string::npos)
    throw ValidationError("SC-ATTR-SEPARATOR", Issue{std::nullopt, "separator", sep,
                                                     "separator must contain a non-space character"});
  PathTable out;
  std::unordered_map<std::string, int32_t> codes;
  for (std::size_t i = 0; i < options.channel_names.size(); ++i) {
    if (!codes.emplace(options.channel_names[i], int32_t(i)).second)
      throw ValidationError("SC-ATTR-DICTIONARY", Issue{int64_t(i), "channel_names", options.channel_names[i],
                                                        "duplicate channel name"});
    out.channel_names.push_back(options.channel_names[i]);
  }
  // Separators that mean the data uses another convention than the setting.
  static const std::string_view kOthers[] = {">", "|", ",", "->", "\xE2\x86\x92", ";"};
  std::vector<Issue> issues;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  out.offsets.reserve(texts.size() + 1);
  for (std::size_t r = 0; r < texts.size(); ++r) {
    std::string_view text = trim(texts[r]);
    const std::size_t before = out.channel.size();
    bool bad = false;
    if (text.empty()) {
      issues.push_back(
          Issue{int64_t(r), "path", std::string(texts[r]), "empty path: a path needs at least one touch"});
      bad = true;
    }
    while (!bad) {
      const std::size_t at = text.find(sep);
      std::string_view token = trim(text.substr(0, at));
      if (token.empty()) {
        issues.push_back(Issue{int64_t(r), "path", std::string(texts[r]),
                               "empty channel name (doubled or trailing separator '" + sep + "')"});
        bad = true;
        break;
      }
      for (std::string_view other : kOthers)
        if (sep.find(other) == std::string::npos && token.find(other) != std::string_view::npos) {
          issues.push_back(Issue{int64_t(r), "path", std::string(texts[r]),
                                 "channel name contains '" + std::string(other) +
                                     "': the separator setting '" + sep + "' does not match the data"});
          bad = true;
          break;
        }
      if (bad) break;
      auto [it, inserted] = codes.try_emplace(std::string(token), int32_t(codes.size()));
      if (inserted) out.channel_names.push_back(it->first);
      out.channel.push_back(it->second);
      if (at == std::string_view::npos) break;
      text = text.substr(at + sep.size());
    }
    if (bad) out.channel.resize(before);
    out.offsets.push_back(int64_t(out.channel.size()));
  }
  if (!issues.empty()) throw ValidationError("SC-ATTR-PATH-TEXT", std::move(issues));
  out.channel_count = int32_t(out.channel_names.size());
  return out;
}

PathTable paths_from_touchpoints(const TouchpointTable& touches, const JourneyOutcomeTable& outcomes,
                                 int32_t channel_count) {
  std::vector<Issue> issues;
  const std::size_t n = touches.size();
  check_length(issues, "timestamp", touches.timestamp.size(), n, false);
  check_length(issues, "channel", touches.channel.size(), n, false);
  check_length(issues, "milestones", touches.milestones.size(), n, true);
  const std::size_t m = outcomes.size();
  check_length(issues, "converted", outcomes.converted.size(), m, false);
  check_length(issues, "value", outcomes.value.size(), m, false);
  check_length(issues, "conversion_time", outcomes.conversion_time.size(), m, true);
  if (!outcomes.currency.valid())
    issues.push_back(Issue{std::nullopt, "currency", "", "a currency is required"});
  if (!issues.empty()) throw ValidationError("SC-ATTR-SHAPE", std::move(issues));
  for (std::size_t i = 0; i < n && issues.size() < kMaxIssues; ++i)
    if (touches.channel[i] < 0 || touches.channel[i] >= channel_count)
      issues.push_back(Issue{int64_t(i), "channel", std::to_string(touches.channel[i]),
                             "channel code out of range [0, " + std::to_string(channel_count) + ")"});

  // Touches in (journey, timestamp, input row) order: input order never matters.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (touches.journey[a] != touches.journey[b]) return touches.journey[a] < touches.journey[b];
    if (touches.timestamp[a] != touches.timestamp[b]) return touches.timestamp[a] < touches.timestamp[b];
    return a < b;
  });
  PathTable p;
  p.channel_count = channel_count;
  p.currency = outcomes.currency;
  p.channel.reserve(n);
  p.timestamp.reserve(n);
  if (!touches.milestones.empty()) p.milestones.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    const uint32_t i = order[k];
    if (k > 0 && touches.journey[i] != touches.journey[order[k - 1]]) {
      p.offsets.push_back(int64_t(k));
    }
    if (k == 0 || touches.journey[i] != touches.journey[order[k - 1]]) p.row_id.push_back(touches.journey[i]);
    p.channel.push_back(touches.channel[i]);
    p.timestamp.push_back(touches.timestamp[i]);
    if (!touches.milestones.empty()) p.milestones.push_back(touches.milestones[i]);
  }
  if (n > 0) p.offsets.push_back(int64_t(n));
  const std::size_t rows = p.row_id.size();
  p.conversions.assign(rows, 0);
  p.nulls.assign(rows, 1);
  p.value.assign(rows, 0);
  if (!outcomes.conversion_time.empty()) p.conversion_time.assign(rows, 0);
  std::vector<uint8_t> seen(rows, 0);
  for (std::size_t i = 0; i < m; ++i) {
    const int64_t id = outcomes.journey[i];
    const auto it = std::lower_bound(p.row_id.begin(), p.row_id.end(), id);
    const int64_t row = int64_t(i);
    if (it == p.row_id.end() || *it != id) {
      issues.push_back(Issue{row, "journey", std::to_string(id), "outcome for a journey with no touches"});
      continue;
    }
    const std::size_t r = std::size_t(it - p.row_id.begin());
    if (seen[r]) {
      issues.push_back(Issue{row, "journey", std::to_string(id), "duplicate outcome for this journey"});
      continue;
    }
    seen[r] = 1;
    const uint8_t c = outcomes.converted[i];
    const int64_t v = outcomes.value[i];
    if (c > 1) issues.push_back(Issue{row, "converted", std::to_string(c), "must be 0 or 1"});
    if (v < 0)
      issues.push_back(
          Issue{row, "value", std::to_string(v), "must not be negative (refunds are not attributed)"});
    if (c == 0 && v != 0)
      issues.push_back(Issue{row, "value", std::to_string(v), "value without conversion"});
    p.conversions[r] = c ? 1 : 0;
    p.nulls[r] = c ? 0 : 1;
    p.value[r] = v;
    if (!outcomes.conversion_time.empty()) p.conversion_time[r] = outcomes.conversion_time[i];
  }
  if (!issues.empty()) throw ValidationError("SC-ATTR-JOURNEYS", std::move(issues));
  return p;
}

}  // namespace salescomp
