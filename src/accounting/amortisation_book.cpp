// The amortisation engine: validation and decisions once per book, then one
// pass per asset month by month (addition, events, amortisation, write-off).
#include <algorithm>
#include <numeric>
#include <string>
#include <tuple>

#include "salescomp/accounting/amortisation_book.hpp"
#include "salescomp/accounting/amortisation_spread.hpp"
#include "salescomp/accounting/capitalisation_decision.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/detail/int128.hpp"

namespace salescomp {

// Named (not anonymous) so that a unity build batching src/ files cannot clash.
namespace accounting_book_detail {

constexpr int32_t kMaxAccountingMonths = 1200;  // 100 years: anything longer is a data error

inline std::string acct_text(int64_t v) { return std::to_string(v); }

}  // namespace accounting_book_detail
using accounting_book_detail::acct_text;
using accounting_book_detail::kMaxAccountingMonths;

// Replays one asset month by month. Scratch vectors live here so the pass over
// a million assets does not allocate per asset.
class AmortisationBook::Runner {
 public:
  explicit Runner(const AmortisationBook& book) : book_(book) {}

  void run(std::size_t asset, std::vector<Issue>* issues, EmitMonth emit, void* context) {
    const Decided& d = book_.order_[asset];
    const int64_t amount = book_.costs_.amount[std::size_t(d.row)];
    const uint32_t events_begin = book_.event_offsets_[asset], events_end = book_.event_offsets_[asset + 1];
    const AssetEventTable& ev = book_.events_;

    if (d.treatment != CostTreatment::Capitalised) {
      // Expensed when incurred; a later clawback is a credit to expense.
      AssetMonth mv;
      mv.expensed = amount;
      MonthIndex month = d.incurred;
      for (uint32_t e = events_begin; e < events_end; ++e) {
        const uint32_t r = book_.event_rows_[e];
        if (ev.kind[r] != AssetEventKind::Clawback) continue;
        if (book_.event_month_[r] != month) {
          emit(context, asset, month, mv);
          mv = AssetMonth{};
          month = book_.event_month_[r];
        }
        mv.expense_credit += ev.amount[r];
      }
      emit(context, asset, month, mv);
      return;
    }

    issues_ = issues;
    period_ = d.period;
    length_ = window_length(d, period_);
    load_revenue(asset, d);
    int64_t balance = 0;
    int32_t next = 0;  // first window offset not yet amortised
    bool terminated = false;
    uint32_t e = events_begin;
    for (MonthIndex m = d.incurred;; ++m) {
      AssetMonth mv;
      mv.opening = balance;
      if (m == d.incurred) {
        mv.addition = amount;
        balance = amount;
        replan(d, 0, balance);
      }
      bool write_off_after_amortisation = false;
      for (; e < events_end && book_.event_month_[book_.event_rows_[e]] == m; ++e) {
        const uint32_t r = book_.event_rows_[e];
        const bool closed = terminated || write_off_after_amortisation;
        switch (ev.kind[r]) {
          case AssetEventKind::Clawback: {
            // The asset falls by what is recovered, up to its balance; the
            // remaining balance is re-spread over the remaining months. After
            // a termination (even one written off at this month's end) the
            // balance is gone: the whole clawback is an expense credit.
            const int64_t reduction = closed ? 0 : std::min(ev.amount[r], balance);
            mv.reduction += reduction;
            mv.expense_credit += ev.amount[r] - reduction;
            balance -= reduction;
            if (reduction > 0) replan(d, next, balance);
            break;
          }
          case AssetEventKind::Extension:
            if (closed) {
              report(r, "event.kind", "extension", "the asset was terminated on or before this date");
            } else if (period_ + ev.months[r] > kMaxAccountingMonths) {
              report(r, "event.months", acct_text(ev.months[r]),
                     "the extended period would exceed 1200 months");
            } else {
              period_ += ev.months[r];
              replan(d, next, balance);
            }
            break;
          case AssetEventKind::ChangeInEstimate:
            if (closed) {
              report(r, "event.kind", "change_in_estimate",
                     "the asset was terminated on or before this date");
            } else if (d.first + window_length(d, ev.months[r]) - 1 < m) {
              report(r, "event.months", acct_text(ev.months[r]),
                     "the new period would end before the month of the change; a change in estimate is "
                     "prospective (use a termination to write the balance off)");
            } else {
              period_ = ev.months[r];
              replan(d, next, balance);
            }
            break;
          case AssetEventKind::Termination:
            if (closed) {
              report(r, "event.kind", "termination", "the asset was already terminated");
            } else if (book_.policy_.termination == TerminationTiming::WriteOffAll) {
              mv.write_off += balance;
              balance = 0;
              terminated = true;
            } else {
              write_off_after_amortisation = true;
            }
            break;
        }
      }
      if (!terminated && m >= d.first && next < length_) {
        // Books every planned month up to this one: a cost incurred after the
        // contract started catches up the months already served.
        const int32_t last = std::min<int32_t>(m - d.first, length_ - 1);
        const int64_t amortisation = prefix_[std::size_t(last) + 1] - prefix_[std::size_t(next)];
        mv.amortisation = amortisation;
        balance -= amortisation;
        next = last + 1;
      }
      if (write_off_after_amortisation) {
        mv.write_off += balance;
        balance = 0;
        terminated = true;
      }
      mv.closing = balance;
      if (!terminated) {
        const int32_t lo = std::max<int32_t>(next, m + 1 - d.first);
        const int32_t hi = std::min<int32_t>(length_ - 1, m + 12 - d.first);
        if (lo <= hi) mv.current = prefix_[std::size_t(hi) + 1] - prefix_[std::size_t(lo)];
      }
      if (m == d.incurred || mv.opening != 0 || mv.closing != 0 || mv.reduction != 0 ||
          mv.amortisation != 0 || mv.write_off != 0 || mv.expense_credit != 0)
        emit(context, asset, m, mv);
      if (e == events_end && (terminated || next >= length_)) break;
    }
  }

 private:
  // Months in the window of a period: a prorated start adds a partial last month.
  static int32_t window_length(const Decided& d, int32_t period) {
    return period + (d.first_weight > 0 ? 1 : 0);
  }

  int64_t weight(const Decided& d, int32_t offset) const {
    if (book_.costs_.pattern[std::size_t(d.row)] == AmortisationPattern::RevenueProportional)
      return std::size_t(offset) < revenue_.size() ? revenue_[std::size_t(offset)] : 0;
    if (d.first_weight == 0) return 1;
    if (offset == 0) return d.first_weight;
    if (offset == period_) return d.month_weight - d.first_weight;
    return d.month_weight;
  }

  void load_revenue(std::size_t asset, const Decided& d) {
    revenue_.clear();
    if (book_.costs_.pattern[std::size_t(d.row)] != AmortisationPattern::RevenueProportional) return;
    for (uint32_t k = book_.revenue_offsets_[asset]; k < book_.revenue_offsets_[asset + 1]; ++k) {
      const uint32_t r = book_.revenue_rows_[k];
      const std::size_t offset = std::size_t(month_of(book_.revenue_.month[r]) - d.first);
      if (revenue_.size() <= offset) revenue_.resize(offset + 1, 0);
      revenue_[offset] = book_.revenue_.weight[r];
    }
  }

  // Spreads `balance` over window offsets [next, length) and refreshes the
  // prefix sums used for amortisation and the current portion.
  void replan(const Decided& d, int32_t next, int64_t balance) {
    length_ = window_length(d, period_);
    planned_.resize(std::size_t(length_), 0);
    const std::size_t n = std::size_t(length_ - next);
    if (n > 0) {
      weights_.resize(n);
      bool any = false;
      for (std::size_t i = 0; i < n; ++i) {
        weights_[i] = weight(d, next + int32_t(i));
        any = any || weights_[i] > 0;
      }
      // No revenue left in the window: straight-line over what remains.
      if (!any) std::fill(weights_.begin(), weights_.end(), 1);
      spread_minor(balance, weights_, book_.policy_.remainder, std::span<int64_t>(planned_.data() + next, n),
                   book_.policy_.plug_rounding);
    }
    prefix_.resize(std::size_t(length_) + 1);
    prefix_[0] = 0;
    for (std::size_t i = 0; i < std::size_t(length_); ++i) prefix_[i + 1] = prefix_[i] + planned_[i];
  }

  void report(uint32_t event_row, const char* field, std::string value, std::string rule) {
    if (!issues_)
      throw Error("SC-ACCT-INTERNAL",
                  "event row " + std::to_string(event_row) + " passed validation but: " + rule);
    issues_->push_back(Issue{int64_t(event_row) + 1, field, std::move(value), std::move(rule)});  // 1-based
  }

  const AmortisationBook& book_;
  std::vector<Issue>* issues_ = nullptr;
  std::vector<int64_t> planned_, prefix_, weights_, revenue_;
  int32_t period_ = 0, length_ = 0;
};

AmortisationBook::AmortisationBook(CommissionCostTable costs, AssetEventTable events,
                                   RevenueScheduleTable revenue, AmortisationPolicy policy)
    : costs_(std::move(costs)), events_(std::move(events)), revenue_(std::move(revenue)), policy_(policy) {
  validate_and_decide();
}

void AmortisationBook::validate_and_decide() {
  std::vector<Issue> issues;
  // Rows are given 0-based (positions in the columns) and reported 1-based, as every
  // salescomp error names them (row 1 is the first row of a table).
  auto issue = [&](std::optional<int64_t> row, std::string field, std::string value, std::string rule) {
    issues.push_back(Issue{row ? std::optional<int64_t>(*row + 1) : std::nullopt, std::move(field),
                           std::move(value), std::move(rule)});
  };

  // Shapes first: nothing else can be checked on ragged columns.
  const std::size_t n = costs_.size();
  auto shape = [&](const char* name, std::size_t size, std::size_t expected) {
    if (size != expected)
      issue(std::nullopt, name, acct_text(int64_t(size)),
            "column length differs from line_id (" + acct_text(int64_t(expected)) + ")");
  };
  shape("person", costs_.person.size(), n), shape("contract", costs_.contract.size(), n);
  shape("amount", costs_.amount.size(), n), shape("currency", costs_.currency.size(), n);
  shape("incurred", costs_.incurred.size(), n), shape("contract_start", costs_.contract_start.size(), n);
  shape("term_months", costs_.term_months.size(), n), shape("kind", costs_.kind.size(), n);
  shape("incremental", costs_.incremental.size(), n);
  shape("renewal_commensurate", costs_.renewal_commensurate.size(), n);
  shape("customer_life_months", costs_.customer_life_months.size(), n),
      shape("pattern", costs_.pattern.size(), n);
  const std::size_t ne = events_.size();
  shape("event.kind", events_.kind.size(), ne), shape("event.date", events_.date.size(), ne);
  shape("event.amount", events_.amount.size(), ne), shape("event.months", events_.months.size(), ne);
  const std::size_t nr = revenue_.size();
  shape("revenue.month", revenue_.month.size(), nr), shape("revenue.weight", revenue_.weight.size(), nr);
  if (!issues.empty()) throw ValidationError("SC-ACCT-SHAPE", std::move(issues));
  if (n > size_t(INT32_MAX) || ne > size_t(UINT32_MAX) || nr > size_t(UINT32_MAX))
    throw ValidationError("SC-ACCT-SHAPE",
                          Issue{std::nullopt, "line_id", acct_text(int64_t(n)), "too many rows"});

  // Policy.
  if (policy_.expected_customer_life_months &&
      (*policy_.expected_customer_life_months <= 0 ||
       *policy_.expected_customer_life_months > kMaxAccountingMonths))
    issue(std::nullopt, "expected_customer_life_months", acct_text(*policy_.expected_customer_life_months),
          "must be between 1 and 1200 months");
  bool policy_ok = true;
  if (policy_.annual_churn_rate) {
    try {
      (void)expected_life_from_churn(*policy_.annual_churn_rate, policy_.life_rounding);
    } catch (const ValidationError& e) {
      for (const Issue& i : e.issues()) issues.push_back(i);
      policy_ok = false;
    } catch (const InexactError&) {
      issue(std::nullopt, "annual_churn_rate", policy_.annual_churn_rate->to_short_string(),
            "12 / churn is not a whole number of months and life_rounding is Unnecessary");
      policy_ok = false;
    }
  }

  // Assets in line_id order; duplicates are reported on every later row.
  std::vector<int32_t> sorted(n);
  std::iota(sorted.begin(), sorted.end(), 0);
  std::sort(sorted.begin(), sorted.end(), [&](int32_t a, int32_t b) {
    return costs_.line_id[std::size_t(a)] != costs_.line_id[std::size_t(b)]
               ? costs_.line_id[std::size_t(a)] < costs_.line_id[std::size_t(b)]
               : a < b;
  });
  std::vector<int32_t> duplicate_of(n, -1);
  for (std::size_t k = 1; k < n; ++k)
    if (costs_.line_id[std::size_t(sorted[k])] == costs_.line_id[std::size_t(sorted[k - 1])])
      duplicate_of[std::size_t(sorted[k])] = duplicate_of[std::size_t(sorted[k - 1])] >= 0
                                                 ? duplicate_of[std::size_t(sorted[k - 1])]
                                                 : sorted[k - 1];

  std::vector<Decided> decided(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int64_t row = int64_t(i);
    if (duplicate_of[i] >= 0)
      issue(row, "line_id", acct_text(costs_.line_id[i]),
            "duplicate line_id (first on row " + acct_text(duplicate_of[i] + 1) + ")");
    if (costs_.amount[i] <= 0)
      issue(row, "amount", acct_text(costs_.amount[i]) + " minor units",
            "must be positive; reductions are clawback events");
    if (!costs_.currency[i].valid()) issue(row, "currency", "", "missing currency");
    if (uint8_t(costs_.kind[i]) > uint8_t(CostKind::Expansion))
      issue(row, "kind", acct_text(int(costs_.kind[i])), "unknown kind");
    if (uint8_t(costs_.pattern[i]) > uint8_t(AmortisationPattern::RevenueProportional))
      issue(row, "pattern", acct_text(int(costs_.pattern[i])), "unknown pattern");
    const bool incremental = costs_.incremental[i] != 0;
    const int32_t term = costs_.term_months[i], life = costs_.customer_life_months[i];
    bool row_ok = true;
    if (incremental && (term <= 0 || term > kMaxAccountingMonths)) {
      issue(row, "term_months", acct_text(term),
            "an incremental cost needs a contract term of 1 to 1200 months");
      row_ok = false;
    }
    if (life < 0 || life > kMaxAccountingMonths) {
      issue(row, "customer_life_months", acct_text(life), "must be 0 (use the policy) or 1 to 1200 months");
      row_ok = false;
    }
    Decided& d = decided[i];
    d.row = int32_t(i);
    d.incurred = month_of(costs_.incurred[i]);
    const MonthIndex start = month_of(costs_.contract_start[i]);
    d.first = policy_.month_convention == MonthConvention::NextMonth ? start + 1 : start;
    d.first_weight = d.month_weight = 0;
    if (policy_.month_convention == MonthConvention::DailyProrated &&
        costs_.pattern[i] == AmortisationPattern::StraightLine && costs_.contract_start[i].day() > 1) {
      d.month_weight = days_in_month(start);
      d.first_weight = d.month_weight - int32_t(costs_.contract_start[i].day()) + 1;
    }
    d.treatment = CostTreatment::ExpensedNotIncremental;
    d.basis = PeriodBasis::NotApplicable;
    d.period = 0;
    if (row_ok && policy_ok) {
      const auto decision = decide_capitalisation(costs_.kind[i], incremental,
                                                  costs_.renewal_commensurate[i] != 0, term, life, policy_);
      if (!decision) {
        issue(row, "customer_life_months", acct_text(life),
              "renewal commissions are not commensurate, so the period is the expected customer life: give "
              "customer_life_months, or the policy's expected_customer_life_months or annual_churn_rate");
      } else {
        d.treatment = decision->treatment;
        d.basis = decision->basis;
        d.period = decision->period_months;
      }
    }
    if (d.treatment != CostTreatment::Capitalised) d.first = d.incurred;
  }

  // Currencies, sorted by code, and the book's first month.
  for (std::size_t i = 0; i < n; ++i)
    if (costs_.currency[i].valid()) currencies_.push_back(costs_.currency[i]);
  std::sort(currencies_.begin(), currencies_.end());
  currencies_.erase(std::unique(currencies_.begin(), currencies_.end()), currencies_.end());
  order_.reserve(n);
  for (int32_t r : sorted) {
    Decided d = decided[std::size_t(r)];
    const Currency c = costs_.currency[std::size_t(r)];
    d.currency_index =
        int16_t(std::lower_bound(currencies_.begin(), currencies_.end(), c) - currencies_.begin());
    order_.push_back(d);
  }
  first_month_ = 0;
  for (std::size_t a = 0; a < n; ++a)
    first_month_ = a == 0 ? order_[a].incurred : std::min(first_month_, order_[a].incurred);

  // Sorted line ids to find an event's or revenue row's asset.
  std::vector<int64_t> ids(n);
  for (std::size_t a = 0; a < n; ++a) ids[a] = costs_.line_id[std::size_t(order_[a].row)];
  auto asset_of = [&](int64_t id) -> int64_t {
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    return it != ids.end() && *it == id ? int64_t(it - ids.begin()) : -1;
  };

  // Events.
  std::vector<int64_t> event_asset(ne, -1);
  event_month_.resize(ne);
  for (std::size_t r = 0; r < ne; ++r) {
    const int64_t row = int64_t(r);
    event_month_[r] = month_of(events_.date[r]);
    const int64_t a = asset_of(events_.line_id[r]);
    if (a < 0) {
      issue(row, "event.line_id", acct_text(events_.line_id[r]), "no cost line has this line_id");
      continue;
    }
    const std::size_t cost_row = std::size_t(order_[std::size_t(a)].row);
    if (events_.date[r] < costs_.incurred[cost_row])
      issue(row, "event.date", events_.date[r].to_string(),
            "before the cost was incurred (" + costs_.incurred[cost_row].to_string() + ")");
    switch (events_.kind[r]) {
      case AssetEventKind::Clawback:
        if (events_.amount[r] <= 0)
          issue(row, "event.amount", acct_text(events_.amount[r]) + " minor units",
                "a clawback recovers a positive amount");
        break;
      case AssetEventKind::Extension:
      case AssetEventKind::ChangeInEstimate:
        if (events_.months[r] <= 0 || events_.months[r] > kMaxAccountingMonths)
          issue(row, "event.months", acct_text(events_.months[r]),
                events_.kind[r] == AssetEventKind::Extension ? "an extension adds 1 to 1200 months"
                                                             : "the new period must be 1 to 1200 months");
        break;
      case AssetEventKind::Termination:
        break;
      default:
        issue(row, "event.kind", acct_text(int(events_.kind[r])), "unknown event kind");
    }
    event_asset[r] = a;
  }
  std::vector<uint32_t> erows;
  erows.reserve(ne);
  for (std::size_t r = 0; r < ne; ++r)
    if (event_asset[r] >= 0) erows.push_back(uint32_t(r));
  // Fully value-determined order, so identical events may come in any order.
  std::sort(erows.begin(), erows.end(), [&](uint32_t x, uint32_t y) {
    auto key = [&](uint32_t r) {
      return std::tuple(event_asset[r], events_.date[r], uint8_t(events_.kind[r]), events_.amount[r],
                        events_.months[r]);
    };
    return key(x) < key(y);
  });
  // A clawback recovers commission that was paid: all of a line's clawbacks
  // together cannot exceed its amount (this also bounds every expense credit).
  {
    detail::int128 recovered = 0;
    for (std::size_t k = 0; k < erows.size(); ++k) {
      const uint32_t r = erows[k];
      if (k == 0 || event_asset[r] != event_asset[erows[k - 1]]) recovered = 0;
      if (events_.kind[r] != AssetEventKind::Clawback || events_.amount[r] <= 0) continue;
      recovered += events_.amount[r];
      const int64_t cost = costs_.amount[std::size_t(order_[std::size_t(event_asset[r])].row)];
      if (recovered > cost)
        issue(int64_t(r), "event.amount", acct_text(events_.amount[r]) + " minor units",
              "the line's clawbacks up to this one total " + detail::to_string(recovered) +
                  " minor units, more than its amount " + acct_text(cost));
    }
  }
  event_rows_ = erows;
  event_offsets_.assign(n + 1, 0);
  for (uint32_t r : event_rows_) ++event_offsets_[std::size_t(event_asset[r]) + 1];
  for (std::size_t a = 0; a < n; ++a) event_offsets_[a + 1] += event_offsets_[a];

  // Revenue schedules.
  std::vector<int64_t> revenue_asset(nr, -1);
  for (std::size_t r = 0; r < nr; ++r) {
    const int64_t row = int64_t(r);
    const int64_t a = asset_of(revenue_.line_id[r]);
    if (a < 0) {
      issue(row, "revenue.line_id", acct_text(revenue_.line_id[r]), "no cost line has this line_id");
      continue;
    }
    const Decided& d = order_[std::size_t(a)];
    if (costs_.pattern[std::size_t(d.row)] != AmortisationPattern::RevenueProportional) {
      issue(row, "revenue.line_id", acct_text(revenue_.line_id[r]),
            "the cost line does not use revenue_proportional");
      continue;
    }
    if (revenue_.weight[r] < 0)
      issue(row, "revenue.weight", acct_text(revenue_.weight[r]), "must not be negative");
    if (d.treatment == CostTreatment::Capitalised && month_of(revenue_.month[r]) < d.first)
      issue(row, "revenue.month", revenue_.month[r].to_string(),
            "before the first amortisation month (" + month_start(d.first).to_string() + ")");
    revenue_asset[r] = a;
  }
  std::vector<uint32_t> rrows;
  for (std::size_t r = 0; r < nr; ++r)
    if (revenue_asset[r] >= 0) rrows.push_back(uint32_t(r));
  std::sort(rrows.begin(), rrows.end(), [&](uint32_t x, uint32_t y) {
    return std::tuple(revenue_asset[x], month_of(revenue_.month[x]), x) <
           std::tuple(revenue_asset[y], month_of(revenue_.month[y]), y);
  });
  for (std::size_t k = 1; k < rrows.size(); ++k)
    if (revenue_asset[rrows[k]] == revenue_asset[rrows[k - 1]] &&
        month_of(revenue_.month[rrows[k]]) == month_of(revenue_.month[rrows[k - 1]]))
      issue(int64_t(rrows[k]), "revenue.month", revenue_.month[rrows[k]].to_string(),
            "a second weight for the same line and month (first on row " + acct_text(rrows[k - 1] + 1) + ")");
  revenue_rows_ = rrows;
  revenue_offsets_.assign(n + 1, 0);
  for (uint32_t r : revenue_rows_) ++revenue_offsets_[std::size_t(revenue_asset[r]) + 1];
  for (std::size_t a = 0; a < n; ++a) revenue_offsets_[a + 1] += revenue_offsets_[a];
  for (std::size_t a = 0; a < n; ++a) {
    const Decided& d = order_[a];
    if (costs_.pattern[std::size_t(d.row)] != AmortisationPattern::RevenueProportional ||
        d.treatment != CostTreatment::Capitalised)
      continue;
    detail::int128 in_window = 0, all = 0;
    for (uint32_t k = revenue_offsets_[a]; k < revenue_offsets_[a + 1]; ++k) {
      const uint32_t r = revenue_rows_[k];
      const int64_t w = std::max<int64_t>(revenue_.weight[r], 0);
      all += w;
      const MonthIndex m = month_of(revenue_.month[r]);
      if (m >= d.first && m < d.first + d.period) in_window += w;
    }
    if (in_window == 0)
      issue(int64_t(d.row), "pattern", "revenue_proportional",
            "no positive revenue weight in the amortisation months " + month_start(d.first).to_string() +
                " to " + month_start(d.first + d.period - 1).to_string());
    if (!detail::fits_int64(all))
      issue(int64_t(d.row), "pattern", "revenue_proportional",
            "the revenue weights of the line sum beyond int64");
  }
  if (!issues.empty()) throw ValidationError("SC-ACCT-INPUT", std::move(issues));

  // Event sequences (e.g. an extension after a termination) show only when
  // replayed; replay the assets that have events, collecting every problem.
  Runner runner(*this);
  for (std::size_t a = 0; a < n; ++a)
    if (event_offsets_[a] != event_offsets_[a + 1])
      runner.run(
          a, &issues, [](void*, std::size_t, MonthIndex, const AssetMonth&) {}, nullptr);
  if (!issues.empty()) {
    std::stable_sort(issues.begin(), issues.end(),
                     [](const Issue& x, const Issue& y) { return x.row < y.row; });
    throw ValidationError("SC-ACCT-EVENTS", std::move(issues));
  }
}

void AmortisationBook::run_all(EmitMonth emit, void* context) const {
  Runner runner(*this);
  for (std::size_t a = 0; a < order_.size(); ++a) runner.run(a, nullptr, emit, context);
}

}  // namespace salescomp
