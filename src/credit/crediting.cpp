#include "salescomp/credit/crediting.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <functional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "salescomp/core/allocation.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/core/money_products.hpp"
#include "salescomp/credit/credit_rows.hpp"

namespace salescomp {

namespace {

// Period key and period end per day over the span of credit dates, so the
// hot loop never converts dates to year/month/day.
class CreditPeriodLookup {
 public:
  CreditPeriodLookup(const FiscalCalendar& cal, PeriodKind kind, Date first, Date last)
      : cal_(cal), kind_(kind), first_(first) {
    if (last < first) return;
    Date d = first;
    while (d <= last) {
      const Period p = cal.period_of(d, kind);
      for (Date x = d; x <= p.last && x <= last; x = x.plus_days(1)) {
        key_.push_back(p.key());
        end_.push_back(p.last);
      }
      d = p.last.plus_days(1);
    }
  }
  int32_t key(Date d) const {
    const int32_t i = d - first_;
    return (i >= 0 && std::size_t(i) < key_.size()) ? key_[std::size_t(i)] : cal_.period_of(d, kind_).key();
  }
  Date end(Date d) const {
    const int32_t i = d - first_;
    return (i >= 0 && std::size_t(i) < end_.size()) ? end_[std::size_t(i)] : cal_.period_of(d, kind_).last;
  }

 private:
  const FiscalCalendar& cal_;
  PeriodKind kind_;
  Date first_;
  std::vector<int32_t> key_;
  std::vector<Date> end_;
};

// Split rows grouped by deal (CSR), each deal's rows sorted by (kind, person, row).
struct CreditSplitIndex {
  std::vector<std::size_t> offsets;  // deals + 1
  std::vector<uint32_t> rows;
};

// Groups `rows` (split rows of deals < `deals`) by deal: a counting sort by
// deal, then each deal's few rows sorted on their own (one sort of millions
// of rows was a serial tenth of a 10M-deal run).
CreditSplitIndex group_splits_by_deal(const SplitTable& s, std::size_t deals, std::vector<uint32_t> rows) {
  CreditSplitIndex ix;
  ix.offsets.assign(deals + 1, 0);
  for (uint32_t r : rows) ++ix.offsets[std::size_t(s.deal[r]) + 1];
  for (std::size_t d = 0; d < deals; ++d) ix.offsets[d + 1] += ix.offsets[d];
  ix.rows.resize(rows.size());
  // Each deal's start is its cursor; once filled it is the next deal's start.
  for (uint32_t r : rows) ix.rows[ix.offsets[std::size_t(s.deal[r])]++] = r;
  std::copy_backward(ix.offsets.begin(), ix.offsets.end() - 1, ix.offsets.end());
  ix.offsets[0] = 0;
  const auto before = [&](uint32_t a, uint32_t b) {
    if (s.kind[a] != s.kind[b]) return s.kind[a] < s.kind[b];
    if (s.person[a] != s.person[b]) return s.person[a] < s.person[b];
    return a < b;
  };
  for (std::size_t d = 0; d < deals; ++d) {
    const auto first = ix.rows.begin() + std::ptrdiff_t(ix.offsets[d]);
    const auto last = ix.rows.begin() + std::ptrdiff_t(ix.offsets[d + 1]);
    if (last - first > 1) std::sort(first, last, before);
  }
  return ix;
}

CreditSplitIndex no_credit_splits(std::size_t deals) {
  return CreditSplitIndex{std::vector<std::size_t>(deals + 1, 0), {}};
}

// Everyone ever assigned to each territory, for the territory rule.
struct CreditTerritoryIndex {
  std::vector<std::vector<EffectiveDatedMap::Entry>> by_territory;
};

// A worker's output: its chunks, and where the current deal's rows went
// (the roll-ups read the deal's base rows back; chunks never move).
struct CreditSink {
  CreditRowChunks& chunks;
  std::vector<const CreditRow*> deal_rows;
};

class CreditingRun {
 public:
  // `splits`: the sources' split rows by deal (checked_split_index).
  CreditingRun(const DealTable& deals, const Organisation& org, const CreditRuleSet& rules,
               const CreditingSettings& settings, const CreditingSources& src, const FiscalCalendar& cal,
               CreditSplitIndex splits)
      : d_(deals),
        org_(org),
        rules_(rules),
        s_(settings),
        src_(src),
        periods_(cal, settings.period_kind, min_date(deals), max_date(deals)),
        splits_(std::move(splits)),
        deal_key_(deal_keys(deals)) {
    for (const CreditRule& r : rules.rules) {
      if (r.kind == CreditKind::RevenueSplit) has_split_rule_ = true;
      if (r.kind == CreditKind::Territory) has_territory_rule_ = true;
    }
    if (has_territory_rule_) {
      const auto& map = org.assignments(AssignmentField::Territory);
      territories_.by_territory.resize(org.dictionary(AssignmentField::Territory).size());
      for (const auto& e : map.entries()) territories_.by_territory[std::size_t(e.value)].push_back(e);
      for (auto& v : territories_.by_territory)
        std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    }
  }

  void credit_range(std::size_t from, std::size_t to, CreditRowChunks& out) const {
    CreditSink sink{out, {}};
    sink.deal_rows.reserve(64);
    for (std::size_t i = from; i < to; ++i) credit_one(i, sink);
  }

  // The deal row of a row's deal key (rows are ordered by key).
  std::size_t deal_row(uint32_t key) const { return deal_row_.empty() ? key : std::size_t(deal_row_[key]); }
  int32_t period_key(Date d) const { return periods_.key(d); }

 private:
  // The ordering key of every deal row: the rank of its id (rows with equal
  // ids by row). Empty when the rows are already in id order (what the
  // loaders produce): the key is the row. Fills deal_row_ otherwise.
  std::vector<uint32_t> deal_keys(const DealTable& d) {
    if (d.size() > std::size_t(UINT32_MAX))
      throw ValidationError("SC-CREDIT-SIZE", Issue{std::nullopt, "deals", std::to_string(d.size()),
                                                    "crediting takes at most 4,294,967,295 deals a run"});
    if (std::is_sorted(d.id.begin(), d.id.end())) return {};
    deal_row_.resize(d.size());
    for (std::size_t i = 0; i < d.size(); ++i) deal_row_[i] = uint32_t(i);
    std::stable_sort(deal_row_.begin(), deal_row_.end(),
                     [&](uint32_t a, uint32_t b) { return d.id[a] < d.id[b]; });
    std::vector<uint32_t> key(d.size());
    for (std::size_t k = 0; k < d.size(); ++k) key[deal_row_[k]] = uint32_t(k);
    return key;
  }
  uint32_t deal_key(std::size_t i) const { return deal_key_.empty() ? uint32_t(i) : deal_key_[i]; }

  static Date min_date(const DealTable& d) {
    Date m = d.close_date.empty() ? Date() : d.close_date.front();
    for (Date x : d.close_date) m = std::min(m, x);
    for (const auto& x : d.created_date)
      if (x) m = std::min(m, *x);
    return m;
  }
  static Date max_date(const DealTable& d) {
    Date m = d.close_date.empty() ? Date() : d.close_date.front();
    for (Date x : d.close_date) m = std::max(m, x);
    return m;
  }

  Currency target_currency(int32_t person, Currency deal_currency) const {
    switch (s_.currency) {
      case CreditCurrency::Deal:
        return deal_currency;
      case CreditCurrency::PayCurrency:
        return org_.roster().pay_currency(person);
      case CreditCurrency::Reporting:
        return s_.reporting_currency;
    }
    return deal_currency;
  }

  int64_t convert(std::size_t deal, int64_t minor, Currency from, Currency to, Date date) const {
    if (from == to) return minor;
    const Date on = s_.fx_date == FxDate::CreditDate ? date : periods_.end(date);
    if (!src_.fx)
      throw LookupError("SC-FX-MISSING", "deal " + deal_label(d_, deal) + ": crediting needs " +
                                             std::string(from.code()) + "/" + std::string(to.code()) +
                                             " on " + on.to_string() + " but no FX table was given");
    try {
      return src_.fx->convert(Money::from_minor(minor, from), to, on, s_.rounding).minor_units();
    } catch (const LookupError& e) {
      const std::string what = e.what();
      const std::size_t skip = e.id().size() + 3;  // "[id] "
      throw LookupError(
          e.id(), "deal " + deal_label(d_, deal) + ": " + (what.size() > skip ? what.substr(skip) : what));
    }
  }

  Date credit_date(std::size_t i, const CreditRule& r) const {
    if (r.date == CreditDateBasis::Created && !d_.created_date.empty() && d_.created_date[i])
      return *d_.created_date[i];
    return d_.close_date[i];
  }

  void emit(CreditSink& out, std::size_t i, int32_t person, int64_t source_amount, Date date, int32_t rule,
            CreditKind kind, int16_t depth, int32_t via) const {
    const Currency dc = d_.currency[i];
    const Currency tc = target_currency(person, dc);
    emit_converted(out, i, person, source_amount, convert(i, source_amount, dc, tc, date), tc, date, rule,
                   kind, depth, via);
  }
  void emit_converted(CreditSink& out, std::size_t i, int32_t person, int64_t source_amount, int64_t amount,
                      Currency currency, Date date, int32_t rule, CreditKind kind, int16_t depth,
                      int32_t via) const {
    CreditRow& row = out.chunks.emplace(person);
    row.amount = amount;
    row.source_amount = source_amount;
    row.deal = deal_key(i);
    row.person = person;
    row.via = via;
    row.date = date;
    row.currency = currency;
    row.rule = int16_t(rule);
    row.kind = kind;
    row.depth = uint8_t(depth);
    row.source_currency = d_.currency[i];
    row.deal_type = d_.type[i];
    out.deal_rows.push_back(&row);
  }

  bool marketing_sourced(std::size_t i, SourcedDefinition def) const {
    switch (def) {
      case SourcedDefinition::LeadSource:
        return d_.source[i] == DealSource::Marketing;
      case SourcedDefinition::FirstTouch:
        return d_.first_touch_source[i] == DealSource::Marketing;
      case SourcedDefinition::MarketingTouchBeforeSales: {
        const auto& m = d_.first_marketing_touch[i];
        if (!m) return false;
        const bool has_sales = !d_.first_sales_activity.empty() && d_.first_sales_activity[i];
        return !has_sales || *m < *d_.first_sales_activity[i];
      }
    }
    return false;
  }

  int64_t share_of(int64_t minor, Rate share) const {
    return share == Rate::from_int(1) ? minor : multiply_minor(minor, share, s_.rounding);
  }

  void credit_one(std::size_t i, CreditSink& out) const {
    const DealType type = d_.type[i];
    const int64_t amount = d_.amount[i];
    out.deal_rows.clear();
    const std::size_t s0 = splits_.offsets[i], s1 = splits_.offsets[i + 1];
    const SplitTable* st = src_.splits;
    std::size_t revenue_end = s0;  // revenue rows come first (SplitKind::Revenue < Overlay)
    while (revenue_end < s1 && st->kind[splits_.rows[revenue_end]] == SplitKind::Revenue) ++revenue_end;
    const bool has_revenue_rows = revenue_end > s0;

    for (std::size_t ri = 0; ri < rules_.rules.size(); ++ri) {
      const CreditRule& r = rules_.rules[ri];
      if (r.kind == CreditKind::RollUp || !(r.deal_types & deal_type_bit(type))) continue;
      const Date date = credit_date(i, r);
      const int32_t rule = int32_t(ri);
      switch (r.kind) {
        case CreditKind::Direct:
          if (has_split_rule_ && has_revenue_rows) break;
          emit(out, i, d_.owner[i], share_of(amount, r.share), date, rule, r.kind, 0, -1);
          break;
        case CreditKind::RevenueSplit: {
          if (!has_revenue_rows) break;
          credit_revenue_split(out, i, s0, revenue_end, date, rule);
          break;
        }
        case CreditKind::Overlay:
          for (std::size_t k = revenue_end; k < s1; ++k) {
            const uint32_t sr = splits_.rows[k];
            emit(out, i, st->person[sr], multiply_minor(amount, st->share[sr], s_.rounding), date, rule,
                 r.kind, 0, -1);
          }
          break;
        case CreditKind::SdrSourced:
          if (d_.source[i] == DealSource::Sdr && d_.source_person[i] >= 0)
            emit(out, i, d_.source_person[i], share_of(amount, r.share), date, rule, r.kind, 0, -1);
          break;
        case CreditKind::AccountManager: {
          if (!src_.account_managers || d_.customer[i] < 0) break;
          const int32_t am = src_.account_managers->value_or_none(d_.customer[i], date);
          if (am >= 0) emit(out, i, am, share_of(amount, r.share), date, rule, r.kind, 0, -1);
          break;
        }
        case CreditKind::MarketingSourced: {
          if (!marketing_sourced(i, r.sourced)) break;
          const int32_t who = d_.source_person[i] >= 0 ? d_.source_person[i] : r.person;
          if (who >= 0) emit(out, i, who, share_of(amount, r.share), date, rule, r.kind, 0, -1);
          break;
        }
        case CreditKind::Territory: {
          const int32_t t = d_.territory[i];
          if (t < 0) break;
          for (const auto& e : territories_.by_territory[std::size_t(t)]) {
            if (date < e.first || e.last < date) continue;
            if (r.role && org_.role_as_of(e.key, date) != *r.role) continue;
            emit(out, i, e.key, share_of(amount, r.share), date, rule, r.kind, 0, -1);
          }
          break;
        }
        case CreditKind::RollUp:
          break;
      }
    }

    const std::size_t base_end = out.deal_rows.size();
    int32_t chain[64];
    for (std::size_t ri = 0; ri < rules_.rules.size(); ++ri) {
      const CreditRule& r = rules_.rules[ri];
      if (r.kind != CreditKind::RollUp || !(r.deal_types & deal_type_bit(type))) continue;
      for (std::size_t k = 0; k < base_end; ++k) {
        // Field by field, not a copy: the row's fields may still be on their way to memory.
        const CreditRow& base = *out.deal_rows[k];
        if (!(r.rolls_up & credit_kind_bit(base.kind))) continue;
        // The reporting line as of the credit date; a credit dated before the
        // person's start date (no line yet) follows the line they joined, so
        // the managers' roll-ups are never silently lost (docs/crediting-and-quota.md).
        const Date line_date = std::max(base.date, org_.roster().start(base.person));
        const int n = org_.reporting_chain(base.person, line_date, r.depth, chain);
        const int64_t src = share_of(base.source_amount, r.share);
        for (int level = 0; level < n; ++level) {
          const int32_t m = chain[level];
          const Currency tc = target_currency(m, d_.currency[i]);
          // In the report's currency the share applies to the report's credit
          // (converted once), so a full roll-up equals the team's credits exactly.
          const int64_t amt = tc == base.currency ? share_of(base.amount, r.share)
                                                  : convert(i, src, d_.currency[i], tc, base.date);
          emit_converted(out, i, m, src, amt, tc, base.date, int32_t(ri), CreditKind::RollUp,
                         int16_t(level + 1), base.person);
        }
      }
    }
  }

  void credit_revenue_split(CreditSink& out, std::size_t i, std::size_t s0, std::size_t s1, Date date,
                            int32_t rule) const {
    const SplitTable* st = src_.splits;
    const std::size_t n = s1 - s0;
    thread_local std::vector<int64_t> weights, keys, parts, converted_parts;
    weights.resize(n);
    keys.resize(n);
    parts.resize(n);
    bool one_currency = true;
    const Currency first = target_currency(st->person[splits_.rows[s0]], d_.currency[i]);
    for (std::size_t k = 0; k < n; ++k) {
      const uint32_t sr = splits_.rows[s0 + k];
      weights[k] = st->share[sr].raw();
      keys[k] = st->person[sr];  // ties by roster index, never by input row order
      if (!(target_currency(st->person[sr], d_.currency[i]) == first)) one_currency = false;
    }
    allocate_minor_into(d_.amount[i], weights, parts, keys);
    if (one_currency) {
      // Convert the deal once and split the converted total: the parts sum to it.
      converted_parts.resize(n);
      const int64_t total = convert(i, d_.amount[i], d_.currency[i], first, date);
      allocate_minor_into(total, weights, converted_parts, keys);
      for (std::size_t k = 0; k < n; ++k)
        emit_converted(out, i, st->person[splits_.rows[s0 + k]], parts[k], converted_parts[k], first, date,
                       rule, CreditKind::RevenueSplit, 0, -1);
    } else {
      for (std::size_t k = 0; k < n; ++k)
        emit(out, i, st->person[splits_.rows[s0 + k]], parts[k], date, rule, CreditKind::RevenueSplit, 0, -1);
    }
  }

  const DealTable& d_;
  const Organisation& org_;
  const CreditRuleSet& rules_;
  const CreditingSettings& s_;
  const CreditingSources& src_;
  CreditPeriodLookup periods_;
  CreditSplitIndex splits_;
  CreditTerritoryIndex territories_;
  std::vector<uint32_t> deal_row_;  // deal row of each key; empty when keys are rows
  std::vector<uint32_t> deal_key_;  // key of each deal row; empty when keys are rows
  bool has_split_rule_ = false;
  bool has_territory_rule_ = false;
};

void validate_credit_rules(const CreditRuleSet& rules, const CreditingSettings& settings,
                           const DealTable& deals, std::size_t people) {
  std::vector<Issue> issues;
  if (rules.rules.size() > std::size_t(INT16_MAX))  // a credit row holds the rule in 16 bits
    issues.push_back(Issue{std::nullopt, "rules", std::to_string(rules.rules.size()),
                           "at most 32,767 crediting rules a run"});
  for (std::size_t i = 0; i < rules.rules.size(); ++i) {
    const CreditRule& r = rules.rules[i];
    const int64_t row = int64_t(i);
    if (r.measure < 0 || std::size_t(r.measure) >= rules.measures.size())
      issues.push_back(
          Issue{row, "measure", std::to_string(r.measure), "rule '" + r.name + "': no such measure"});
    if (r.share.is_negative())
      issues.push_back(Issue{row, "share", r.share.to_string(), "rule '" + r.name + "': share must be >= 0"});
    if (r.kind == CreditKind::RollUp) {
      if (r.depth < 1 || r.depth > 64)
        issues.push_back(
            Issue{row, "depth", std::to_string(r.depth), "rule '" + r.name + "': depth must be 1..64"});
      if (r.rolls_up & credit_kind_bit(CreditKind::RollUp))
        issues.push_back(Issue{row, "rolls_up", "roll_up",
                               "rule '" + r.name + "': roll-ups of roll-ups double count; use depth"});
    }
    if (r.kind == CreditKind::MarketingSourced) {
      if (r.sourced == SourcedDefinition::FirstTouch && deals.first_touch_source.empty())
        issues.push_back(Issue{row, "sourced", "first_touch",
                               "rule '" + r.name + "': the deals have no first_touch_source column"});
      if (r.sourced == SourcedDefinition::MarketingTouchBeforeSales && deals.first_marketing_touch.empty())
        issues.push_back(Issue{row, "sourced", "marketing_touch_before_sales",
                               "rule '" + r.name + "': the deals have no first_marketing_touch column"});
      if (r.person >= 0 && std::size_t(r.person) >= people)
        issues.push_back(
            Issue{row, "person", std::to_string(r.person), "rule '" + r.name + "': not a roster index"});
    }
    if (r.kind == CreditKind::Territory && deals.territory.empty())
      issues.push_back(
          Issue{row, "kind", "territory", "rule '" + r.name + "': the deals have no territory column"});
  }
  if (settings.currency == CreditCurrency::Reporting && !settings.reporting_currency.valid())
    issues.push_back(
        Issue{std::nullopt, "reporting_currency", "", "needed when credits are in a reporting currency"});
  if (!issues.empty()) throw ValidationError("SC-CREDIT-RULES", std::move(issues));
}

// The output columns of one block of ordered rows, in two groups that two
// threads write side by side (each grows and fills only its own columns, so
// no thread waits on another's zero-filling). Capacity is reserved: nothing
// moves while the columns grow.
void write_row_columns(CreditTable& out, OrderedCreditBlock block, const CreditingRun& run) {
  const std::size_t at = out.person.size(), n = at + block.order.size();
  out.person.resize(n);
  out.deal.resize(n);
  out.date.resize(n);
  out.amount.resize(n);
  out.currency.resize(n);
  out.kind.resize(n);
  out.deal_type.resize(n);
  for (std::size_t k = 0; k < block.order.size(); ++k) {
    const CreditRow& r = block.rows[block.order[k]];
    out.person[at + k] = r.person;
    out.deal[at + k] = int64_t(run.deal_row(r.deal));
    out.date[at + k] = r.date;
    out.amount[at + k] = r.amount;
    out.currency[at + k] = r.currency;
    out.kind[at + k] = r.kind;
    out.deal_type[at + k] = r.deal_type;
  }
}
void write_lineage_columns(CreditTable& out, OrderedCreditBlock block, const CreditRuleSet& rules,
                           const CreditingRun& run) {
  const std::size_t at = out.rule.size(), n = at + block.order.size();
  out.rule.resize(n);
  out.depth.resize(n);
  out.period.resize(n);
  out.measure.resize(n);
  out.via.resize(n);
  out.source_amount.resize(n);
  out.source_currency.resize(n);
  for (std::size_t k = 0; k < block.order.size(); ++k) {
    const CreditRow& r = block.rows[block.order[k]];
    out.rule[at + k] = r.rule;
    out.depth[at + k] = int16_t(r.depth);
    out.period[at + k] = run.period_key(r.date);
    out.measure[at + k] = rules.rules[std::size_t(r.rule)].measure;
    out.via[at + k] = r.via;
    out.source_amount[at + k] = r.source_amount;
    out.source_currency[at + k] = r.source_currency;
  }
}

// The output columns from the ordered rows, block by block: each block's
// rows are freed as it is ordered, so rows and columns are never both whole
// in memory.
CreditTable credit_columns(OrderedCreditRows& rows, const CreditRuleSet& rules, const CreditingRun& run,
                           int threads) {
  CreditTable out;
  out.reserve(rows.size());
  for (std::size_t b = 0; b < rows.blocks(); ++b) {
    const auto block = rows.order_block(b);
    if (threads > 1 && block.order.size() > 4096) {
      std::thread other(write_lineage_columns, std::ref(out), block, std::cref(rules), std::cref(run));
      write_row_columns(out, block, run);
      other.join();
    } else {
      write_row_columns(out, block, run);
      write_lineage_columns(out, block, rules, run);
    }
  }
  return out;
}

}  // namespace

namespace {

// Checks the split rows (validate_splits) and returns them by deal, each
// deal's by (kind, person): the index crediting reads.
CreditSplitIndex checked_split_index(const SplitTable& s, const DealTable& deals, std::size_t people,
                                     const Roster* roster) {
  std::vector<Issue> issues;
  const std::size_t n = s.size();
  if (s.person.size() != n || s.share.size() != n || s.kind.size() != n)
    throw ValidationError("SC-SPLIT-SHAPE", Issue{std::nullopt, "splits", std::to_string(n),
                                                  "every split column needs one value per row"});
  std::vector<uint32_t> ok;
  for (std::size_t r = 0; r < n; ++r) {
    const int64_t row = int64_t(r);
    bool good = true;
    if (s.deal[r] < 0 || std::size_t(s.deal[r]) >= deals.size()) {
      issues.push_back(Issue{row, "deal", std::to_string(s.deal[r]), "not a deal row"});
      good = false;
    }
    if (s.person[r] < 0 || std::size_t(s.person[r]) >= people) {
      issues.push_back(Issue{row, "person", std::to_string(s.person[r]), "not a roster index"});
      good = false;
    }
    if (s.share[r].is_negative() || (s.kind[r] == SplitKind::Revenue && s.share[r].is_zero())) {
      issues.push_back(Issue{
          row, "share", s.share[r].to_short_string(),
          s.kind[r] == SplitKind::Revenue ? "revenue shares must be > 0" : "overlay shares must be >= 0"});
      good = false;
    }
    if (good) ok.push_back(uint32_t(r));
  }
  CreditSplitIndex ix = group_splits_by_deal(s, deals.size(), std::move(ok));
  ok = std::move(ix.rows);  // by (deal, kind, person, row)
  for (std::size_t k = 0; k < ok.size();) {
    std::size_t e = k;
    detail::int128 sum = 0;
    bool revenue = s.kind[ok[k]] == SplitKind::Revenue;
    while (e < ok.size() && s.deal[ok[e]] == s.deal[ok[k]] && s.kind[ok[e]] == s.kind[ok[k]]) {
      if (e > k && s.person[ok[e]] == s.person[ok[e - 1]])
        issues.push_back(Issue{
            int64_t(ok[e]), "person", roster ? roster->id(s.person[ok[e]]) : std::to_string(s.person[ok[e]]),
            "deal " + deal_label(deals, std::size_t(s.deal[ok[e]])) + " names this person twice in its " +
                (revenue ? "revenue split" : "overlays")});
      sum += s.share[ok[e]].raw();
      ++e;
    }
    if (revenue && sum != Rate::kOne) {
      const std::string total = detail::fits_int64(sum) ? Rate::from_raw(int64_t(sum)).to_short_string()
                                                        : detail::to_string(sum) + "e-12";
      issues.push_back(Issue{int64_t(ok[k]), "share", total,
                             "revenue split of deal " + deal_label(deals, std::size_t(s.deal[ok[k]])) +
                                 " sums to " + total + ", not exactly 1 (100%)"});
    }
    k = e;
  }
  if (!issues.empty()) throw ValidationError("SC-SPLIT-INVALID", std::move(issues));
  ix.rows = std::move(ok);
  return ix;
}

}  // namespace

void validate_splits(const SplitTable& s, const DealTable& deals, std::size_t people, const Roster* roster) {
  (void)checked_split_index(s, deals, people, roster);
}

CreditTable credit_deals(const DealTable& deals, const Organisation& org, const CreditRuleSet& rules,
                         const CreditingSettings& settings, const CreditingSources& sources) {
  CreditSplitIndex splits = sources.splits
                                ? checked_split_index(*sources.splits, deals, org.size(), &org.roster())
                                : no_credit_splits(deals.size());
  validate_credit_rules(rules, settings, deals, org.size());
  const FiscalCalendar default_calendar;
  const FiscalCalendar& cal = sources.calendar ? *sources.calendar : default_calendar;
  const CreditingRun run(deals, org, rules, settings, sources, cal, std::move(splits));

  const std::size_t n = deals.size();
  std::size_t threads = settings.threads <= 0 ? std::max(1u, std::thread::hardware_concurrency())
                                              : std::size_t(settings.threads);
  threads = std::max<std::size_t>(1, std::min(threads, n / 10000 + 1));
  std::vector<CreditRowChunks> parts;
  for (std::size_t t = 0; t < threads; ++t) parts.emplace_back(org.size());
  std::vector<std::exception_ptr> errors(threads);
  auto work = [&](std::size_t t) {
    try {
      run.credit_range(n * t / threads, n * (t + 1) / threads, parts[t]);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  if (threads == 1)
    work(0);
  else {
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(work, t);
    for (auto& th : pool) th.join();
  }
  // The first failing chunk in deal order: the same error whatever the thread count.
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);

  OrderedCreditRows ordered = order_credit_rows(parts, org.size(), int(threads));
  return credit_columns(ordered, rules, run, int(threads));
}

}  // namespace salescomp
