// Rule-based attribution: each model gives every touch an exact integer
// weight, touches of one channel are summed, and the credit engine splits
// conversions and value.
#include <algorithm>
#include <boost/multiprecision/cpp_dec_float.hpp>
#include <numeric>
#include <string>
#include <unordered_map>

#include "credit_engine.hpp"
#include "salescomp/attribution/rule_attribution.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/data/touchpoint_table.hpp"

namespace salescomp {

using detail::int128;
using Dec50 = boost::multiprecision::cpp_dec_float_50;

namespace {

// Rounds a non-negative high-precision value times 10^12 to an integer, half even.
int64_t snap_to_raw(const Dec50& value) {
  const Dec50 scaled = value * Dec50(Rate::kOne);
  const Dec50 whole = boost::multiprecision::floor(scaled);
  const Dec50 fraction = scaled - whole;
  int64_t raw = whole.convert_to<int64_t>();
  if (fraction > Dec50(0.5) || (fraction == Dec50(0.5) && (raw % 2) != 0)) ++raw;
  return raw;
}

}  // namespace

Rate time_decay_weight(int64_t dt, int64_t half_life) {
  if (half_life <= 0)
    throw ValidationError("SC-ATTR-HALF-LIFE",
                          Issue{std::nullopt, "half_life", std::to_string(half_life), "must be positive"});
  if (dt < 0)
    throw ValidationError("SC-ATTR-TIME",
                          Issue{std::nullopt, "dt", std::to_string(dt), "must not be negative"});
  // Whole half-lives are exact binary fractions: no transcendental needed.
  if (dt % half_life == 0) {
    const int64_t k = dt / half_life;
    if (k >= 63) return Rate::from_raw(0);
    const int128 one = Rate::kOne;
    return Rate::from_raw(int64_t(divide_rounded<int128>(one, int128(1) << k, RoundingMode::HalfEven)));
  }
  const Dec50 exponent = -Dec50(dt) / Dec50(half_life);
  return Rate::from_raw(snap_to_raw(boost::multiprecision::pow(Dec50(2), exponent)));
}

Rate step_decay_weight(Rate factor, int64_t k) {
  if (factor.is_negative() || factor > Rate::from_int(1))
    throw ValidationError("SC-ATTR-STEP-FACTOR",
                          Issue{std::nullopt, "step_factor", factor.to_string(), "must lie in [0, 1]"});
  if (k < 0)
    throw ValidationError("SC-ATTR-TIME",
                          Issue{std::nullopt, "steps", std::to_string(k), "must not be negative"});
  if (k == 0) return Rate::from_int(1);
  const Dec50 base = Dec50(factor.raw()) / Dec50(Rate::kOne);
  return Rate::from_raw(snap_to_raw(boost::multiprecision::pow(base, Dec50(k))));
}

namespace {

bool distinguishes_positions(RuleModel m) {
  return m == RuleModel::PositionBased || m == RuleModel::WShaped || m == RuleModel::FullPath ||
         m == RuleModel::CustomPositions;
}

int64_t checked(int128 v, int64_t row, const char* what) {
  if (!detail::fits_int64(v) || v < 0)
    throw OverflowError("SC-OVERFLOW", "row " + std::to_string(row) + ": " + what + " weight " +
                                           detail::to_string(v) + " does not fit in 64 bits");
  return int64_t(v);
}

class RuleWeigher {
 public:
  RuleWeigher(const PathTable& p, const RuleOptions& o) : p_(p), o_(o) {
    if (o.model == RuleModel::LastNonDirect) {
      direct_.assign(std::size_t(std::max(p.channel_count, 0)), 0);
      for (int32_t c : o.direct_channels) {
        if (c < 0 || c >= p.channel_count)
          throw ValidationError("SC-ATTR-OPTION", Issue{std::nullopt, "direct_channels", std::to_string(c),
                                                        "channel code out of range"});
        direct_[std::size_t(c)] = 1;
      }
    }
    const bool needs_time = o.model == RuleModel::TimeDecay || o.model == RuleModel::StepDecay;
    if (needs_time && p.timestamp.empty())
      throw ValidationError("SC-ATTR-OPTION",
                            Issue{std::nullopt, "timestamp", "", "time-decay models need touch timestamps"});
    if ((o.model == RuleModel::WShaped || o.model == RuleModel::FullPath) && p.milestones.empty())
      throw ValidationError("SC-ATTR-OPTION", Issue{std::nullopt, "milestones", "",
                                                    "W-shaped and full-path models need milestone flags"});
    if (o.model == RuleModel::TimeDecay && o.half_life <= 0)
      throw ValidationError("SC-ATTR-OPTION", Issue{std::nullopt, "half_life", std::to_string(o.half_life),
                                                    "must be positive"});
    if (o.model == RuleModel::StepDecay) {
      if (o.step_length <= 0)
        throw ValidationError("SC-ATTR-OPTION", Issue{std::nullopt, "step_length",
                                                      std::to_string(o.step_length), "must be positive"});
      (void)step_decay_weight(o.step_factor, 0);
      (void)step_decay_weight(o.step_factor, 1);
    }
    auto non_negative = [](Rate r, const char* field) {
      if (r.is_negative())
        throw ValidationError("SC-ATTR-OPTION",
                              Issue{std::nullopt, field, r.to_string(), "must not be negative"});
    };
    non_negative(o.first_share, "first_share");
    non_negative(o.middle_share, "middle_share");
    non_negative(o.last_share, "last_share");
    if (o.model == RuleModel::PositionBased && !o.normalise_shares &&
        o.first_share.raw() + o.middle_share.raw() + o.last_share.raw() != Rate::from_int(1).raw())
      throw ValidationError("SC-ATTR-SHARES",
                            Issue{std::nullopt, "first_share + middle_share + last_share",
                                  o.first_share.to_string() + " + " + o.middle_share.to_string() + " + " +
                                      o.last_share.to_string(),
                                  "position-based shares must sum to 1; pass normalise_shares to scale them "
                                  "to 1 on purpose"});
    for (const MilestoneShares* s : {&o.w_shaped, &o.full_path}) {
      non_negative(s->first_touch, "milestone share");
      non_negative(s->lead_created, "milestone share");
      non_negative(s->opportunity_created, "milestone share");
      non_negative(s->closed_won, "milestone share");
      non_negative(s->rest, "rest share");
    }
    for (Rate r : o.weights_from_start) non_negative(r, "weights_from_start");
    for (Rate r : o.weights_from_end) non_negative(r, "weights_from_end");
    non_negative(o.other_weight, "other_weight");
  }

  // Per-touch weights of row r into w (size L). Returns false (with an
  // issue) when the row has no usable weights.
  bool weigh(std::size_t r, std::vector<int64_t>& w, std::vector<Issue>& issues) {
    const std::size_t L = p_.length(r);
    const int32_t* ch = p_.channel.data() + p_.offsets[r];
    const int64_t row = int64_t(r);
    w.assign(L, 0);
    if (L == 1 && distinguishes_positions(o_.model)) {
      if (o_.one_touch == OneTouchConvention::Reject) {
        issues.push_back(
            Issue{row, "path", "1 touch", "one-touch journeys are rejected by the one_touch setting"});
        return false;
      }
      w[0] = 1;
      return true;
    }
    switch (o_.model) {
      case RuleModel::FirstTouch:
        w[0] = 1;
        break;
      case RuleModel::LastTouch:
        w[L - 1] = 1;
        break;
      case RuleModel::LastNonDirect: {
        std::size_t pick = L - 1;  // all direct: the last touch keeps it
        for (std::size_t i = L; i-- > 0;)
          if (!direct_[std::size_t(ch[i])]) {
            pick = i;
            break;
          }
        w[pick] = 1;
        break;
      }
      case RuleModel::LinearPerTouch:
      case RuleModel::LinearPerChannel:
        std::fill(w.begin(), w.end(), 1);
        break;
      case RuleModel::PositionBased: {
        const int128 f = o_.first_share.raw(), m = o_.middle_share.raw(), l = o_.last_share.raw();
        if (L == 2) {
          if (o_.two_touch == TwoTouchConvention::SplitMiddleEvenly) {
            w[0] = checked(2 * f + m, row, "position");
            w[1] = checked(2 * l + m, row, "position");
          } else {
            w[0] = checked(f, row, "position");
            w[1] = checked(l, row, "position");
          }
        } else {
          const int128 middles = int128(L - 2);
          w[0] = checked(f * middles, row, "position");
          w[L - 1] = checked(l * middles, row, "position");
          for (std::size_t i = 1; i + 1 < L; ++i) w[i] = checked(m, row, "position");
        }
        break;
      }
      case RuleModel::WShaped:
      case RuleModel::FullPath:
        milestone_weights(r, L, w);
        break;
      case RuleModel::TimeDecay: {
        const int64_t* t = p_.timestamp.data() + p_.offsets[r];
        const int64_t latest = *std::max_element(t, t + L);
        for (std::size_t i = 0; i < L; ++i) {
          const int64_t dt = latest - t[i];
          auto it = decay_cache_.find(dt);
          if (it == decay_cache_.end())
            it = decay_cache_.emplace(dt, time_decay_weight(dt, o_.half_life).raw()).first;
          w[i] = it->second;
        }
        break;
      }
      case RuleModel::StepDecay: {
        const int64_t* t = p_.timestamp.data() + p_.offsets[r];
        const int64_t conversion =
            p_.conversion_time.empty() ? *std::max_element(t, t + L) : p_.conversion_time[r];
        for (std::size_t i = 0; i < L; ++i) {
          const int64_t dt = conversion - t[i];
          if (dt < 0) {
            issues.push_back(Issue{row, "timestamp", std::to_string(t[i]),
                                   "touch after the conversion time " + std::to_string(conversion)});
            return false;
          }
          const int64_t k = dt / o_.step_length;
          auto it = decay_cache_.find(k);
          if (it == decay_cache_.end())
            it = decay_cache_.emplace(k, step_decay_weight(o_.step_factor, k).raw()).first;
          w[i] = it->second;
        }
        break;
      }
      case RuleModel::CustomPositions: {
        const auto& s = o_.weights_from_start;
        const auto& e = o_.weights_from_end;
        for (std::size_t i = 0; i < L; ++i) {
          const std::size_t from_end = L - 1 - i;
          w[i] = i < s.size() ? s[i].raw() : from_end < e.size() ? e[from_end].raw() : o_.other_weight.raw();
        }
        break;
      }
    }
    int128 total = 0;
    for (int64_t x : w) total += x;
    if (total <= 0) {
      issues.push_back(
          Issue{row, "path", std::to_string(L) + " touches", "every touch has weight 0 under this model"});
      return false;
    }
    return true;
  }

 private:
  void milestone_weights(std::size_t r, std::size_t L, std::vector<int64_t>& w) {
    const MilestoneShares& s = o_.model == RuleModel::WShaped ? o_.w_shaped : o_.full_path;
    const uint8_t* flags = p_.milestones.data() + p_.offsets[r];
    std::vector<int128>& share = share_scratch_;
    share.assign(L, 0);
    std::vector<uint8_t>& is_milestone = milestone_scratch_;
    is_milestone.assign(L, 0);
    // Both models read all five shares (they differ only in their defaults).
    // A milestone whose share is 0 is not a milestone: its touch is one of
    // the rest (W-shaped's default closed-won share 0 leaves the closing
    // touch among the rest, as the W-shaped model intends).
    auto mark = [&](std::size_t i, Rate part) {
      if (part.raw() == 0) return;
      share[i] += part.raw();
      is_milestone[i] = 1;
    };
    mark(0, s.first_touch);
    auto first_with = [&](uint8_t flag, Rate part) {
      for (std::size_t i = 0; i < L; ++i)
        if (flags[i] & flag) return mark(i, part);
    };
    first_with(kLeadCreated, s.lead_created);
    first_with(kOpportunityCreated, s.opportunity_created);
    first_with(kClosedWon, s.closed_won);
    std::size_t others = 0;
    for (std::size_t i = 0; i < L; ++i) others += is_milestone[i] ? 0 : 1;
    for (std::size_t i = 0; i < L; ++i) {
      if (others == 0)
        w[i] = checked(share[i], int64_t(r), "milestone");
      else
        w[i] = checked(is_milestone[i] ? share[i] * int128(others) : int128(s.rest.raw()), int64_t(r),
                       "milestone");
    }
  }

  const PathTable& p_;
  const RuleOptions& o_;
  std::vector<uint8_t> direct_;
  std::unordered_map<int64_t, int64_t> decay_cache_;
  std::vector<int128> share_scratch_;
  std::vector<uint8_t> milestone_scratch_;
};

}  // namespace

AttributionResult attribute_rule(const PathTable& paths, const RuleOptions& options) {
  validate_path_table(paths);
  { RuleWeigher check(paths, options); }  // option errors before any thread starts
  std::vector<Issue> issues;
  const bool per_channel = options.model == RuleModel::LinearPerChannel;
  const bool reject_check = options.one_touch == OneTouchConvention::Reject;
  auto acc = attribution_detail::accumulate_rows(
      paths.rows(), std::size_t(paths.channel_count), options.per_journey, issues,
      [&](std::size_t begin, std::size_t end, attribution_detail::CreditAccumulator& part,
          std::vector<Issue>& part_issues) {
        RuleWeigher weigher(paths, options);
        std::vector<int64_t> touch_weight;
        std::vector<std::pair<int32_t, int64_t>> pairs;
        std::vector<int32_t> slots, ranks;
        std::vector<int64_t> weights;
        for (std::size_t r = begin; r < end; ++r) {
          if (paths.conversions[r] == 0 && !reject_check) continue;  // nothing to credit
          if (!weigher.weigh(r, touch_weight, part_issues)) continue;
          if (paths.conversions[r] == 0) continue;
          // Touches of one channel are summed: slots are distinct channels.
          const int32_t* ch = paths.channel.data() + paths.offsets[r];
          pairs.clear();
          for (std::size_t i = 0; i < touch_weight.size(); ++i)
            if (touch_weight[i] != 0) pairs.emplace_back(ch[i], touch_weight[i]);
          std::sort(pairs.begin(), pairs.end());
          slots.clear();
          weights.clear();
          for (const auto& [c, wt] : pairs) {
            if (!slots.empty() && slots.back() == c) {
              const int128 sum = int128(weights.back()) + wt;
              weights.back() = checked(sum, int64_t(r), "channel");
            } else {
              slots.push_back(c);
              weights.push_back(wt);
            }
          }
          if (per_channel) std::fill(weights.begin(), weights.end(), 1);
          attribution_detail::first_touch_ranks(paths.path(r), slots, ranks);
          part.add(slots, weights, ranks, paths.conversions[r], paths.value[r], paths.row_id[r]);
        }
      });
  if (!issues.empty()) throw ValidationError("SC-ATTR-RULE", std::move(issues));
  std::vector<int32_t> channel_of(std::size_t(paths.channel_count)), position_of(channel_of.size(), -1);
  std::iota(channel_of.begin(), channel_of.end(), 0);
  return acc.finish(paths.currency, channel_of, position_of, true);
}

}  // namespace salescomp
