// The period run: per person, independently (so it parallelises and merges
// deterministically), measures -> components -> lines -> statement -> state.
//
// Large runs: credits are grouped by person once (a counting sort into an
// index, no copy of the table), each worker reuses one scratch buffer for the
// person it is computing, people are handed out in blocks from an atomic
// counter and results land in their person's slot, so the output never
// depends on which worker computed what.
#include "salescomp/engine/period_run.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <span>
#include <thread>
#include <tuple>

#include "exact_value.hpp"
#include "period_run_variations.hpp"
#include "salescomp/core/allocation.hpp"
#include "salescomp/core/money_products.hpp"
#include "salescomp/engine/bonus_calculators.hpp"
#include "salescomp/engine/clawback_calculator.hpp"
#include "salescomp/engine/measure_calculators.hpp"
#include "salescomp/engine/payout_timing_calculator.hpp"

namespace salescomp {

namespace {

// One credit of one person, in the plan currency, with what measure filters
// need from its deal.
struct CreditRow {
  Date date;
  int64_t deal = -1;  // deal row, -1 for a hypothetical credit
  int32_t rule = 0;
  CreditKind kind = CreditKind::Direct;
  DealType type = DealType::NewBusiness;
  int32_t product = -1;
  int32_t term_months = 0;
  int64_t amount = 0;
};

// A function object, so the sortedness check of every person's rows inlines it.
constexpr auto row_before = [](const CreditRow& a, const CreditRow& b) {
  return std::tie(a.date, a.deal, a.rule, a.kind, a.amount) <
         std::tie(b.date, b.deal, b.rule, b.kind, b.amount);
};

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Assignments, quotas, MBO entries and pay currencies grouped by person, and
// collections by deal, so each person's lookups touch only their own rows.
struct RunIndex {
  std::vector<const PlanAssignment*> assignments;
  std::vector<const QuotaEntry*> quotas;
  std::vector<const MboEntry*> mbo;
  std::vector<const PayCurrency*> pay;
  std::vector<const Collection*> collections;

  explicit RunIndex(const RunInput& in) {
    for (const auto& a : in.assignments) assignments.push_back(&a);
    for (const auto& q : in.quotas) quotas.push_back(&q);
    for (const auto& m : in.mbo) mbo.push_back(&m);
    for (const auto& p : in.pay_currencies) pay.push_back(&p);
    for (const auto& c : in.collections) collections.push_back(&c);
    auto by_person = [](const auto* a, const auto* b) { return a->person < b->person; };
    std::stable_sort(assignments.begin(), assignments.end(), by_person);
    std::stable_sort(quotas.begin(), quotas.end(), by_person);
    std::stable_sort(mbo.begin(), mbo.end(), by_person);
    std::stable_sort(pay.begin(), pay.end(), by_person);
    std::stable_sort(collections.begin(), collections.end(),
                     [](const Collection* a, const Collection* b) { return a->deal < b->deal; });
  }
  template <class T>
  static std::span<const T* const> of(const std::vector<const T*>& v, int32_t person) {
    auto lo =
        std::lower_bound(v.begin(), v.end(), person, [](const T* e, int32_t p) { return e->person < p; });
    auto hi = std::upper_bound(lo, v.end(), person, [](int32_t p, const T* e) { return p < e->person; });
    return {v.data() + (lo - v.begin()), std::size_t(hi - lo)};
  }
  std::span<const Collection* const> collections_of(int64_t deal) const {
    auto lo = std::lower_bound(collections.begin(), collections.end(), deal,
                               [](const Collection* c, int64_t d) { return c->deal < d; });
    auto hi = std::upper_bound(lo, collections.end(), deal,
                               [](int64_t d, const Collection* c) { return d < c->deal; });
    return {collections.data() + (lo - collections.begin()), std::size_t(hi - lo)};
  }
};

// A stretch of the period paid by one plan. `days` of `period_days`.
struct PlanSegment {
  const Plan* plan = nullptr;
  Date start, end;
  int64_t days = 0;
  int64_t period_days = 0;
  bool split = false;  // the period has several segments
  bool last = true;
};

struct PersonOutput {
  std::vector<PayoutLine> lines;  // explanation = index into `explanations`
  std::vector<Explanation> explanations;
  Statement statement;
  PersonState state;
};

// Where a line's amount goes in the per-deal state.
enum class DealEffect : uint8_t { None, Paid, Earned };

bool deferred_timing(const Plan& plan) {
  return plan.payout_timing.basis != PayoutBasis::Booking || plan.payout_timing.holdback.has_value();
}

// Computes one segment of one person's period, appending to `out`.
class PersonRun {
 public:
  PersonRun(const RunInput& in, const RunIndex& index, const PlanSegment& segment, int32_t person,
            std::span<const CreditRow> rows, PersonState& state, std::map<int64_t, Money>& earned_now,
            PersonOutput& out, bool explain)
      : in_(in),
        index_(index),
        quotas_(RunIndex::of(index.quotas, person)),
        mbo_(RunIndex::of(index.mbo, person)),
        plan_(*segment.plan),
        seg_(segment),
        person_(person),
        rows_(rows),
        zero_(Money::zero(segment.plan->currency)),
        state_(state),
        earned_now_(earned_now),
        out_(out),
        explain_(explain),
        deferred_(deferred_timing(*segment.plan)) {
    const RunPeriod& p = in.period;
    if (!(state_.year_start == p.year_start)) {
      state_.year_start = p.year_start;
      state_.paid_in_year.clear();
      state_.milestones_paid.clear();
    }
    if (!(state_.quarter_start == p.quarter_start)) {
      state_.quarter_start = p.quarter_start;
      state_.paid_in_quarter.clear();
    }
    if (!state_.draw.recoverable_balance.currency().valid()) state_.draw = DrawState{zero_, zero_, 0};
    for (const Component& c : plan_.components)
      if (const auto* k = std::get_if<ClawbackComponent>(&c.spec)) {
        reverse_cancelled_ = k->reverse_attainment;
        clawback_ = k;
      }
    track_deals_ = clawback_ || deferred_;
  }

  void run() {
    for (const Component& c : plan_.components) {
      const std::string& id = c.id;
      if (const auto* r = std::get_if<RateComponent>(&c.spec)) {
        ComponentInput ci = input_for(id, r->measure, r->accumulation, r->gate);
        if (r->caps.per_deal) ci.deal_credits = deal_credits(r->measure, span_start(r->accumulation));
        add_measured(id, r->measure, calculate_rate_component(*r, ci));
      } else if (const auto* t = std::get_if<TargetIncentiveComponent>(&c.spec)) {
        add_measured(id, t->measure,
                     calculate_target_incentive(*t, input_for(id, t->measure, t->accumulation, t->gate)));
      } else if (const auto* u = std::get_if<PerUnitComponent>(&c.spec)) {
        add_measured(id, u->measure,
                     calculate_per_unit(*u, input_for(id, u->measure, Accumulation::Period, std::nullopt)));
      } else if (const auto* o = std::get_if<OverrideComponent>(&c.spec)) {
        add_measured(id, o->measure,
                     calculate_override(*o, input_for(id, o->measure, Accumulation::Period, std::nullopt)));
      } else if (const auto* m = std::get_if<MilestoneComponent>(&c.spec)) {
        const Date from = span_start(m->accumulation);
        const Money x = measure(m->measure, from).first;
        const std::optional<Money> q = quota(m->measure, from);
        if (!q) missing_quota(m->measure);
        std::vector<std::string>& paid = state_.milestones_paid[id];
        MilestoneResult mr = calculate_milestones(*m, id, x, *q, paid);
        for (auto& line : mr.lines) add_line(id, -1, std::move(line));
        paid.insert(paid.end(), mr.newly_paid.begin(), mr.newly_paid.end());
      } else if (const auto* s = std::get_if<SpifComponent>(&c.spec)) {
        auto lines = calculate_spif(*s, id, spif_credits(*s), line_rounding(), explain_);
        pending_.reserve(pending_.size() + lines.size());
        for (auto& [deal, line] : lines) add_line(id, deal, std::move(line));
      } else if (const auto* b = std::get_if<MboComponent>(&c.spec)) {
        std::vector<std::pair<std::string, Rate>> achieved;
        for (const MboEntry* e : mbo_)
          if (e->component == id) achieved.emplace_back(e->objective, e->achievement);
        require_mbo_achievements(*b, id, achieved);
        if (!achieved.empty()) add_line(id, -1, calculate_mbo(*b, id, achieved, line_rounding()));
      }
    }
    commit_pending();
    if (!seg_.last) return;
    if (clawback_) clawbacks(*clawback_);
    if (deferred_) payout_timing();
    for (const Component& c : plan_.components)
      if (const auto* d = std::get_if<DrawComponent>(&c.spec)) draw(c.id, *d);
    prune_deals();
  }

 private:
  // Every objective needs an entered achievement: a missing row is an error,
  // never a silent 0 (enter 0 when the objective was not achieved).
  void require_mbo_achievements(const MboComponent& b, const std::string& id,
                                const std::vector<std::pair<std::string, Rate>>& achieved) const {
    std::vector<Issue> missing;
    for (const Objective& o : b.objectives) {
      bool found = false;
      for (const auto& a : achieved) found = found || a.first == o.id;
      if (!found)
        missing.push_back(Issue{int64_t(person_), "mbo", id + "/" + o.id,
                                "no achievement entered for this objective of the person's mbo component "
                                "(enter 0 when it was not achieved)"});
    }
    if (!missing.empty()) throw ValidationError("SC-RUN-MBO-MISSING", std::move(missing));
  }

  [[noreturn]] void missing_quota(const std::string& measure_id) const {
    throw ValidationError("SC-RUN-QUOTA", Issue{int64_t(person_), "quota", measure_id,
                                                "no quota for this person and measure in the span"});
  }

  // CreditsByDate segments measure their own days; otherwise the period's.
  Date period_start() const {
    return seg_.split && in_.plan_change == PlanChangeSplit::CreditsByDate ? seg_.start : in_.period.start;
  }
  Date span_start(Accumulation a) const {
    switch (a) {
      case Accumulation::Period:
        return period_start();
      case Accumulation::QuarterToDate:
        return in_.period.quarter_start;
      case Accumulation::YearToDate:
        return in_.period.year_start;
    }
    return period_start();
  }
  Date span_end() const {
    return seg_.split && in_.plan_change == PlanChangeSplit::CreditsByDate ? seg_.end : in_.period.end;
  }

  // The credits a SPIF can pay on, in row order: dated in the span and the
  // SPIF's window, of its deal types and products (calculate_spif checks
  // them again; most credits are not, and each would cost a SpifCredit).
  // The deal's text id is copied only for explanations.
  std::vector<SpifCredit> spif_credits(const SpifComponent& s) const {
    const Date from = std::max(period_start(), s.from), to = std::min(span_end(), s.to);
    auto qualifies = [&](const CreditRow& r) {
      return counts(r) && (s.deal_types.empty() || contains(s.deal_types, r.type)) &&
             (s.products.empty() || contains(s.products, r.product));
    };
    const auto first = std::lower_bound(rows_.begin(), rows_.end(), from,
                                        [](const CreditRow& r, Date d) { return r.date < d; });
    auto last = first;
    std::size_t n = 0;
    for (; last != rows_.end() && !(to < last->date); ++last) n += qualifies(*last);
    std::vector<SpifCredit> credits;
    credits.reserve(n);
    for (auto it = first; it != last; ++it) {
      const CreditRow& r = *it;
      if (!qualifies(r)) continue;
      credits.push_back(SpifCredit{r.deal, r.date, r.type, r.product,
                                   Money::from_minor(r.amount, plan_.currency),
                                   explain_ ? deal_name(r.deal) : std::string()});
    }
    return credits;
  }

  // The user's id of a deal row for explanations ("" when the deals carry no text ids).
  std::string deal_name(int64_t deal) const {
    if (!in_.deals || deal < 0 || std::size_t(deal) >= in_.deals->id_text.size()) return "";
    return std::string(in_.deals->id_text[std::size_t(deal)]);
  }

  bool cancelled(const CreditRow& r) const {
    if (!reverse_cancelled_ || r.deal < 0 || !in_.deals) return false;
    const auto& when = in_.deals->cancellation_date[std::size_t(r.deal)];
    return when && *when <= in_.period.end;
  }
  bool counts(const CreditRow& r) const { return !cancelled(r); }

  static bool matches(const Measure& m, const CreditRow& r) {
    return (m.credit_kinds.empty() || contains(m.credit_kinds, r.kind)) &&
           (m.deal_types.empty() || contains(m.deal_types, r.type)) &&
           (m.products.empty() || contains(m.products, r.product));
  }
  // The credit as it counts toward `m`: weighted by the first matching multiplier.
  int64_t weighted(const Measure& m, const CreditRow& r) const {
    for (const MeasureMultiplier& mm : m.multipliers)
      if ((mm.deal_types.empty() || contains(mm.deal_types, r.type)) &&
          (mm.products.empty() || contains(mm.products, r.product)) && r.term_months >= mm.min_term_months)
        return multiply_minor(r.amount, mm.factor, plan_.rounding.mode);
    return r.amount;
  }

  // (sum, count) of the measure over [from, span end]. Rows are date-sorted,
  // so the scan starts at the first row on or after `from`.
  std::pair<Money, int64_t> measure(const std::string& id, Date from) const {
    const Measure& m = *plan_.find_measure(id);
    const Date to = span_end();
    auto first = std::lower_bound(rows_.begin(), rows_.end(), from,
                                  [](const CreditRow& r, Date d) { return r.date < d; });
    detail::int128 sum = 0;
    int64_t count = 0;
    for (auto it = first; it != rows_.end() && it->date <= to; ++it)
      if (counts(*it) && matches(m, *it)) {
        sum += weighted(m, *it);
        ++count;
      }
    if (!detail::fits_int64(sum))
      throw OverflowError("SC-OVERFLOW",
                          "measure " + id + " of person " + std::to_string(person_) + " overflows");
    return {Money::from_minor(int64_t(sum), plan_.currency), count};
  }

  // A quota entry in the plan currency (converted at the period end).
  Money quota_amount(const QuotaEntry& q) const {
    if (q.amount.currency() == plan_.currency) return q.amount;
    if (!in_.fx)
      throw ValidationError("SC-RUN-CURRENCY",
                            Issue{int64_t(person_), "quota currency", std::string(q.amount.currency().code()),
                                  "quota not in the plan currency " + std::string(plan_.currency.code()) +
                                      " and no FX table was given"});
    return in_.fx->convert(q.amount, plan_.currency, in_.period.end, plan_.rounding.mode);
  }

  // Quota over [from, period end]: earlier pay periods in full, the current
  // one prorated by the segment's days when CreditsByDate split the period.
  std::optional<Money> quota(const std::string& measure_id, Date from) const {
    from = std::min(from, in_.period.start);  // a segment still looks at its pay period's quota
    std::optional<Money> earlier, current;
    for (const QuotaEntry* q : quotas_) {
      if (q->measure != measure_id || q->period_start < from || q->period_start > in_.period.end) continue;
      std::optional<Money>& slot = q->period_start >= in_.period.start ? current : earlier;
      const Money a = quota_amount(*q);
      slot = slot ? *slot + a : a;
    }
    if (current && seg_.split && in_.plan_change == PlanChangeSplit::CreditsByDate)
      current = Money::from_minor(
          multiply_divide_minor(current->minor_units(), seg_.days, seg_.period_days, plan_.rounding.mode),
          plan_.currency);
    if (!earlier) return current;
    if (!current) return earlier;
    return *earlier + *current;
  }

  // Credit per deal in the measure over [from, span end], by deal.
  std::vector<std::pair<int64_t, int64_t>> per_deal(const std::string& id, Date from) const {
    const Measure& m = *plan_.find_measure(id);
    const Date to = span_end();
    std::vector<std::pair<int64_t, int64_t>> by_deal;
    for (const CreditRow& r : rows_)
      if (r.date >= from && r.date <= to && counts(r) && matches(m, r))
        by_deal.emplace_back(r.deal, weighted(m, r));
    std::sort(by_deal.begin(), by_deal.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t w = 0;  // merge the credits of one deal
    for (std::size_t i = 0; i < by_deal.size(); ++i) {
      if (w > 0 && by_deal[w - 1].first == by_deal[i].first)
        by_deal[w - 1].second += by_deal[i].second;
      else
        by_deal[w++] = by_deal[i];
    }
    by_deal.resize(w);
    return by_deal;
  }
  std::vector<Money> deal_credits(const std::string& id, Date from) const {
    std::vector<Money> out;
    for (const auto& [deal, amount] : per_deal(id, from))
      out.push_back(Money::from_minor(amount, plan_.currency));
    return out;
  }

  Money paid_in(const std::map<std::string, Money>& paid, const std::string& id) const {
    const auto it = paid.find(id);
    return it == paid.end() ? zero_ : it->second;
  }

  ComponentInput input_for(const std::string& id, const std::string& measure_id, Accumulation a,
                           const std::optional<Gate>& gate) const {
    ComponentInput ci;
    ci.component_id = id;
    ci.explain = explain_;
    const Date from = span_start(a);
    std::tie(ci.measure, ci.count) = measure(measure_id, from);
    ci.quota = quota(measure_id, from);
    ci.paid_in_year = paid_in(state_.paid_in_year, id);
    ci.paid_before = a == Accumulation::YearToDate      ? ci.paid_in_year
                     : a == Accumulation::QuarterToDate ? paid_in(state_.paid_in_quarter, id)
                                                        : zero_;
    if (gate) {
      const std::string& gm = gate->measure.empty() ? measure_id : gate->measure;
      const Date gate_from = span_start(gate->accumulation);
      ci.gate_measure = measure(gm, gate_from).first;
      ci.gate_quota = quota(gm, gate_from);
    }
    ci.rounding = line_rounding();
    return ci;
  }

  // The rounding of one component line. Under per_statement a line's own
  // rounding is provisional (the statement total is rounded once and the
  // cents allocated back), so Unnecessary only asks the total to be exact.
  RoundingMode line_rounding() const {
    return plan_.rounding.scope == RoundingScope::PerStatement &&
                   plan_.rounding.mode == RoundingMode::Unnecessary
               ? RoundingMode::HalfEven
               : plan_.rounding.mode;
  }

  // Lines wait here until the statement's rounding is settled (per_statement
  // rounds their exact sum once and reallocates the cents).
  // Ids are the plan's own strings (the plan outlives the run), never copies.
  struct Pending {
    const std::string* component = nullptr;
    int64_t deal = -1;
    ComponentResult result;
    const std::string* attribute_measure = nullptr;  // measure-based lines are attributed to deals
  };

  // Built in place: a result carries its explanation, so every move costs.
  void add_line(const std::string& component, int64_t deal, ComponentResult&& r) {
    Pending& p = pending_.emplace_back();
    p.component = &component;
    p.deal = deal;
    p.result = std::move(r);
  }
  void add_measured(const std::string& component, const std::string& measure_id, ComponentResult&& r) {
    add_line(component, -1, std::move(r));
    pending_.back().attribute_measure = &measure_id;
  }

  void commit_pending() {
    if (plan_.rounding.scope == RoundingScope::PerStatement) round_statement_once();
    if (seg_.split && in_.plan_change == PlanChangeSplit::ProratedTargets) prorate_pending();
    const DealEffect effect = deferred_ ? DealEffect::Earned : DealEffect::Paid;
    // One allocation for the lines of the segment (clawbacks, timing and draws add a few).
    out_.lines.reserve(out_.lines.size() + pending_.size() + 4);
    for (Pending& p : pending_) {
      const Money amount = p.result.amount;
      record(*p.component, p.deal, std::move(p.result), p.deal >= 0 ? effect : DealEffect::None);
      if (p.attribute_measure && track_deals_) attribute(*p.attribute_measure, amount, effect);
    }
    pending_.clear();
  }

  // ProratedTargets: every line of the segment's plan x days / period days.
  void prorate_pending() {
    for (Pending& p : pending_) {
      ComponentResult& r = p.result;
      const Money full = r.amount;
      r.amount = Money::from_minor(
          multiply_divide_minor(full.minor_units(), seg_.days, seg_.period_days, plan_.rounding.mode),
          plan_.currency);
      r.explanation.amount = r.amount;
      if (explain_)
        r.explanation.applied.push_back(
            "plan in force " + std::to_string(seg_.days) + " of " + std::to_string(seg_.period_days) +
            " days (" + seg_.start.to_string() + " to " + seg_.end.to_string() + "): " + full.to_string() +
            " x " + std::to_string(seg_.days) + " / " + std::to_string(seg_.period_days) + " = " +
            r.amount.to_string() + " (" + std::string(to_string(plan_.rounding.mode)) + ")");
    }
  }

  // Rounding scope per_statement: the exact sum of the lines is rounded once;
  // each line gets its floor plus one minor unit for the lines with the
  // largest fractional parts (ties: earlier line) until the lines sum to it.
  void round_statement_once() {
    using namespace engine_detail;
    const RoundingMode mode = plan_.rounding.mode;
    std::vector<Exact> exact;
    Exact total = 0;
    for (const Pending& p : pending_) {
      exact.push_back(from_exact_amount(p.result.exact));
      total += exact.back();
    }
    const int64_t rounded_total = round_minor(total, mode);
    std::vector<int64_t> minor(exact.size());
    std::vector<Exact> fraction(exact.size());
    detail::int128 floors = 0;
    for (std::size_t i = 0; i < exact.size(); ++i) {
      minor[i] = round_minor(exact[i], RoundingMode::Floor);
      fraction[i] = exact[i] - exact_int(minor[i]);
      floors += minor[i];
    }
    std::vector<std::size_t> order(exact.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return fraction[a] > fraction[b]; });
    const auto deficit = std::size_t(detail::int128(rounded_total) - floors);  // 0 .. number of lines
    for (std::size_t k = 0; k < deficit && k < order.size(); ++k) ++minor[order[k]];
    const Currency c = plan_.currency;
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      ComponentResult& r = pending_[i].result;
      r.amount = Money::from_minor(minor[i], c);
      r.explanation.amount = r.amount;
      if (!explain_) continue;
      r.explanation.rounding = "per statement: lines' exact sum " + money_text(total, c) + " rounded " +
                               std::string(to_string(mode)) + " to " +
                               Money::from_minor(rounded_total, c).to_string() + "; this line's " +
                               r.explanation.exact_value + " allocated " + r.amount.to_string() +
                               " (largest remainder)";
    }
  }

  void record(const std::string& component, int64_t deal, ComponentResult&& r, DealEffect effect) {
    out_.lines.push_back(PayoutLine{person_, in_.period.start, component, deal, r.amount,
                                    explain_ ? out_.explanations.size() : kNoExplanation, false, r.amount});
    if (explain_) out_.explanations.push_back(std::move(r.explanation));
    paid_slot(component).add(r.amount);
    if (track_deals_ && effect == DealEffect::Paid) add_to(state_.paid_on_deal, deal, r.amount);
    if (track_deals_ && effect == DealEffect::Earned) earn(deal, r.amount);
  }
  // What a component paid this year and quarter. Lines of one component come
  // one after the other (a SPIF pays one per deal), so the last component's
  // two map entries are kept (std::map entries never move) instead of two
  // lookups per line.
  struct PaidSlot {
    std::string component;
    Money* year = nullptr;
    Money* quarter = nullptr;
    void add(const Money& amount) const {
      *year += amount;
      *quarter += amount;
    }
  };
  const PaidSlot& paid_slot(const std::string& component) {
    if (paid_slot_.year == nullptr || paid_slot_.component != component) {
      paid_slot_.component = component;
      paid_slot_.year = &state_.paid_in_year.try_emplace(component, zero_).first->second;
      paid_slot_.quarter = &state_.paid_in_quarter.try_emplace(component, zero_).first->second;
    }
    return paid_slot_;
  }

  template <class Key>
  void add_to(std::map<Key, Money>& m, const Key& key, const Money& amount) const {
    auto [it, inserted] = m.try_emplace(key, amount);
    if (!inserted) it->second += amount;
  }
  void earn(int64_t deal, const Money& amount) {
    add_to(state_.earned_on_deal, deal, amount);
    add_to(earned_now_, deal, amount);
  }
  Money value_in(const std::map<int64_t, Money>& m, int64_t deal) const {
    const auto it = m.find(deal);
    return it == m.end() ? zero_ : it->second;
  }

  // A measure-based line's amount, attributed to the period's deals pro rata
  // to credit (largest remainder), so clawbacks and payout timing know what
  // each deal earned.
  void attribute(const std::string& measure_id, const Money& amount, DealEffect effect) {
    if (amount.is_zero()) return;
    const auto deals = per_deal(measure_id, period_start());
    std::vector<int64_t> weights, keys;
    for (const auto& [deal, credit] : deals) {
      if (deal < 0) continue;
      if (credit < 0) return;  // refunds in the period: no pro-rata attribution
      weights.push_back(credit);
      keys.push_back(deal);
    }
    int64_t total_weight = 0;
    for (int64_t w : weights) total_weight += w;
    if (total_weight <= 0) return;
    const std::vector<int64_t> parts = allocate_minor(amount.minor_units(), weights, keys);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const Money part = Money::from_minor(parts[i], plan_.currency);
      if (effect == DealEffect::Earned)
        earn(keys[i], part);
      else
        add_to(state_.paid_on_deal, keys[i], part);
    }
  }

  void clawbacks(const ClawbackComponent& k) {
    if (!in_.deals) return;
    const std::string& id = component_id_of(k);
    std::vector<int64_t> cancelled_deals;
    for (const auto& [deal, amount] : state_.paid_on_deal) {
      const auto& when = in_.deals->cancellation_date[std::size_t(deal)];
      if (when && *when >= in_.period.start && *when <= in_.period.end) cancelled_deals.push_back(deal);
    }
    for (const auto& [deal, amount] : state_.earned_on_deal) {
      const auto& when = in_.deals->cancellation_date[std::size_t(deal)];
      if (when && *when >= in_.period.start && *when <= in_.period.end) cancelled_deals.push_back(deal);
    }
    std::sort(cancelled_deals.begin(), cancelled_deals.end());
    cancelled_deals.erase(std::unique(cancelled_deals.begin(), cancelled_deals.end()), cancelled_deals.end());
    for (int64_t deal : cancelled_deals) {
      const Money paid = value_in(state_.paid_on_deal, deal);
      // Commission earned but not yet paid (held back / not collected) is forfeited.
      if (deferred_) {
        state_.earned_on_deal.erase(deal);
        earned_now_.erase(deal);
      }
      if (paid.minor_units() <= 0) continue;
      const auto& when = in_.deals->cancellation_date[std::size_t(deal)];
      auto r = calculate_clawback(k, id, in_.deals->close_date[std::size_t(deal)], *when,
                                  in_.deals->term_months[std::size_t(deal)], paid, plan_.rounding.mode);
      if (r) record(id, deal, std::move(*r), DealEffect::Paid);
    }
  }
  const std::string& component_id_of(const ClawbackComponent& k) const {
    for (const Component& c : plan_.components)
      if (std::get_if<ClawbackComponent>(&c.spec) == &k) return c.id;
    return plan_.components.front().id;
  }

  DealPaymentEvents events_of(int64_t deal) const {
    const DealTable& d = *in_.deals;
    const std::size_t i = std::size_t(deal);
    DealPaymentEvents e{d.close_date[i], d.invoice_date[i], Money::from_minor(d.amount[i], d.currency[i]),
                        Money::zero(d.currency[i])};
    int64_t collected = 0;
    bool any = false;
    for (const Collection* c : index_.collections_of(deal)) {
      any = true;
      if (c->date <= in_.period.end) collected += c->amount;
    }
    if (!any && d.collection_date[i] && *d.collection_date[i] <= in_.period.end) collected = d.amount[i];
    e.collected_to_date = Money::from_minor(collected, d.currency[i]);
    return e;
  }

  // Deferred payout timing: per deal, what is payable by the period end
  // minus what was paid before; the line is that minus what the component
  // lines above already show as earned on the deal this period (negative:
  // held back; positive: released).
  void payout_timing() {
    if (!in_.deals)
      throw ValidationError("SC-RUN-INPUT", Issue{int64_t(person_), "deals", "null",
                                                  "payout timing other than on booking needs the deals"});
    std::vector<std::pair<int64_t, Money>> paid_now;
    for (const auto& [deal, earned] : state_.earned_on_deal) {
      const Money paid = value_in(state_.paid_on_deal, deal);
      const Money now_earned = value_in(earned_now_, deal);
      if (earned == paid && now_earned.is_zero()) continue;
      ComponentResult r = calculate_payable(plan_.payout_timing, "payout_timing", earned, events_of(deal),
                                            in_.period.end, paid, plan_.rounding.mode, explain_);
      paid_now.emplace_back(deal, r.amount);
      const Money line = r.amount - now_earned;
      if (line.is_zero()) continue;
      if (explain_) {
        r.explanation.formula +=
            " - " + now_earned.to_string() + " earned on the deal in this period's lines";
        r.explanation.applied.push_back(line.is_negative() ? "held back " + (-line).to_string()
                                                           : "released " + line.to_string());
      }
      r.explanation.amount = line;
      r.amount = line;
      record("payout_timing", deal, std::move(r), DealEffect::None);
    }
    for (const auto& [deal, amount] : paid_now) add_to(state_.paid_on_deal, deal, amount);
  }

  // Per-deal state is kept only while it can still matter: a clawback
  // window not yet passed, or earned commission not yet fully paid.
  void prune_deals() {
    if (!track_deals_) {
      state_.paid_on_deal.clear();
      state_.earned_on_deal.clear();
      return;
    }
    auto window_open = [&](int64_t deal) {
      if (!clawback_ || !in_.deals) return false;
      const Date close = in_.deals->close_date[std::size_t(deal)];
      return (in_.period.end - close) <= int64_t(clawback_->window_days);
    };
    auto outstanding = [&](int64_t deal) {
      const auto it = state_.earned_on_deal.find(deal);
      return it != state_.earned_on_deal.end() && !(it->second == value_in(state_.paid_on_deal, deal));
    };
    std::vector<int64_t> done;
    for (const auto& e : state_.paid_on_deal)
      if (!window_open(e.first) && !outstanding(e.first)) done.push_back(e.first);
    for (const auto& e : state_.earned_on_deal)
      if (!window_open(e.first) && !outstanding(e.first)) done.push_back(e.first);
    for (int64_t deal : done) {
      state_.paid_on_deal.erase(deal);
      state_.earned_on_deal.erase(deal);
    }
  }

  void draw(const std::string& id, const DrawComponent& d) {
    Money earnings = zero_;
    for (const PayoutLine& l : out_.lines) earnings += l.amount;
    DrawResult r = calculate_draw(d, id, earnings, state_.draw);
    state_.draw = r.next;
    if (!r.paid.is_zero()) {
      out_.lines.push_back(PayoutLine{person_, in_.period.start, id, -1, r.paid,
                                      explain_ ? out_.explanations.size() : kNoExplanation, false, r.paid});
      if (explain_) out_.explanations.push_back(std::move(r.explanation));
    }
    if (!r.recovered.is_zero()) {
      out_.lines.push_back(PayoutLine{person_, in_.period.start, id + ".recovery", -1, r.recovered,
                                      explain_ ? out_.explanations.size() : kNoExplanation, false,
                                      r.recovered});
      if (explain_) out_.explanations.push_back(std::move(r.recovery_explanation));
    }
  }

  const RunInput& in_;
  const RunIndex& index_;
  std::span<const QuotaEntry* const> quotas_;
  std::span<const MboEntry* const> mbo_;
  const Plan& plan_;
  const PlanSegment& seg_;
  int32_t person_;
  std::span<const CreditRow> rows_;
  Money zero_;
  PersonState& state_;
  // Deferred timing: earned on each deal in this person's period, over all
  // its segments (the last segment's timing nets every segment's lines).
  std::map<int64_t, Money>& earned_now_;
  PersonOutput& out_;
  bool explain_;
  bool deferred_;
  bool reverse_cancelled_ = false;
  const ClawbackComponent* clawback_ = nullptr;
  bool track_deals_ = false;
  std::vector<Pending> pending_;
  PaidSlot paid_slot_;
};

const Plan& plan_at(const RunInput& in, const PlanAssignment& a) {
  if (a.plan >= in.plans.size())
    throw ValidationError("SC-RUN-ASSIGNMENT", Issue{int64_t(a.person), "plan", std::to_string(a.plan),
                                                     "assignment points past the plans given"});
  return in.plans[a.plan];
}

// The plans in force during the period, as segments. Several assignments
// may cover a day: the one that started last wins. One plan over the
// period (even from a mid-period start, or up to a mid-period end) is not a
// split: it pays the whole period, quotas as given (quota proration for
// partial tenure belongs to the quotas).
std::vector<PlanSegment> segments_of(const RunInput& in, const RunIndex& index, int32_t person) {
  const RunPeriod& p = in.period;
  const auto mine = RunIndex::of(index.assignments, person);
  auto in_force = [&](Date day) -> const PlanAssignment* {
    const PlanAssignment* best = nullptr;
    for (const PlanAssignment* a : mine)
      if (a->from <= day && (!a->to || *a->to >= day) && (!best || a->from > best->from)) best = a;
    return best;
  };
  std::vector<Date> cuts{p.start};
  for (const PlanAssignment* a : mine) {
    if (a->from > p.start && a->from <= p.end) cuts.push_back(a->from);
    if (a->to && *a->to >= p.start && *a->to < p.end) cuts.push_back(a->to->plus_days(1));
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<PlanSegment> out;
  const int64_t period_days = (p.end - p.start) + 1;
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const Date start = cuts[i];
    const Date end = i + 1 < cuts.size() ? cuts[i + 1].plus_days(-1) : p.end;
    const PlanAssignment* a = in_force(start);
    if (!a) continue;
    const Plan& plan = plan_at(in, *a);
    if (!out.empty() && out.back().plan == &plan && out.back().end.plus_days(1) == start) {
      out.back().end = end;
    } else {
      out.push_back(PlanSegment{&plan, start, end, 0, period_days, false, false});
    }
  }
  for (PlanSegment& s : out) s.days = (s.end - s.start) + 1;
  if (out.size() == 1)
    out[0] = PlanSegment{out[0].plan, p.start, p.end, period_days, period_days, false, true};
  for (PlanSegment& s : out) s.split = out.size() > 1;
  if (!out.empty()) out.back().last = true;
  return out;
}

// Credits grouped by person: `order[offset[k]..offset[k+1])` are the rows of
// the k-th person (of `people`) dated in [year start, period end].
struct CreditGroups {
  std::vector<int32_t> people;  // with a plan during the period, ascending
  std::vector<std::vector<PlanSegment>> segments;
  std::vector<uint32_t> offset;
  std::vector<uint32_t> order;

  // Person k's credit rows (indexes into the credit table).
  std::span<const uint32_t> rows_of(std::size_t k) const {
    return {order.data() + offset[k], offset[k + 1] - offset[k]};
  }
};

CreditGroups group_credits(const RunInput& in, const RunIndex& index) {
  CreditGroups g;
  for (const PlanAssignment& a : in.assignments) {
    if (a.person < 0)
      throw ValidationError("SC-RUN-ASSIGNMENT", Issue{int64_t(a.person), "person", std::to_string(a.person),
                                                       "person must be a roster row (>= 0)"});
    g.people.push_back(a.person);
  }
  std::sort(g.people.begin(), g.people.end());
  g.people.erase(std::unique(g.people.begin(), g.people.end()), g.people.end());
  std::vector<int32_t> kept;
  for (int32_t p : g.people) {
    auto segments = segments_of(in, index, p);
    if (segments.empty()) continue;
    kept.push_back(p);
    g.segments.push_back(std::move(segments));
  }
  g.people = std::move(kept);
  const CreditTable& t = *in.credits;
  if (t.size() >= std::numeric_limits<uint32_t>::max())
    throw ValidationError("SC-RUN-INPUT", Issue{std::nullopt, "credits", std::to_string(t.size()),
                                                "at most 4,294,967,294 credit rows per run"});
  // Person -> slot: a direct table over roster rows.
  const int32_t max_person = g.people.empty() ? -1 : g.people.back();
  std::vector<int32_t> slot(std::size_t(max_person + 1), -1);
  for (std::size_t k = 0; k < g.people.size(); ++k) slot[std::size_t(g.people[k])] = int32_t(k);
  auto slot_of = [&](std::size_t i) -> int32_t {
    const int32_t p = t.person[i];
    if (p < 0 || p > max_person) return -1;
    if (t.date[i] < in.period.year_start || t.date[i] > in.period.end) return -1;
    return slot[std::size_t(p)];
  };
  g.offset.assign(g.people.size() + 1, 0);
  for (std::size_t i = 0; i < t.size(); ++i)
    if (const int32_t s = slot_of(i); s >= 0) ++g.offset[std::size_t(s) + 1];
  for (std::size_t k = 0; k < g.people.size(); ++k) g.offset[k + 1] += g.offset[k];
  g.order.resize(g.offset.back());
  std::vector<uint32_t> next(g.offset.begin(), g.offset.end() - 1);
  for (std::size_t i = 0; i < t.size(); ++i)
    if (const int32_t s = slot_of(i); s >= 0) g.order[next[std::size_t(s)]++] = uint32_t(i);
  return g;
}

// Fills `rows` with the credits at `indexes`, in `plan`'s currency, sorted.
// Each row is written in place (a row built aside and copied in stalls on
// store forwarding) and sortedness is checked on the way.
void fill_rows(const RunInput& in, std::span<const uint32_t> indexes, const Plan& plan,
               std::vector<CreditRow>& rows) {
  const CreditTable& t = *in.credits;
  const DealTable* deals = in.deals;
  rows.resize(indexes.size());
  bool sorted = true;
  for (std::size_t k = 0; k < indexes.size(); ++k) {
    const uint32_t i = indexes[k];
    CreditRow& r = rows[k];
    r.date = t.date[i];
    r.deal = t.deal[i];
    r.rule = t.rule[i];
    r.kind = t.kind[i];
    r.type = t.deal_type[i];
    r.amount = t.amount[i];
    r.product = -1;
    r.term_months = 0;
    if (deals && r.deal >= 0 && std::size_t(r.deal) < deals->size()) {
      r.product = deals->product[std::size_t(r.deal)];
      r.term_months = deals->term_months[std::size_t(r.deal)];
    }
    if (!(t.currency[i] == plan.currency)) {
      if (!in.fx)
        throw ValidationError("SC-RUN-CURRENCY",
                              Issue{int64_t(i), "credits.currency", std::string(t.currency[i].code()),
                                    "credit not in the plan currency " + std::string(plan.currency.code()) +
                                        " and no FX table was given"});
      const Date on = in.fx_date == FxDateBasis::CreditDate ? r.date : in.period.end;
      try {
        r.amount =
            in.fx->convert(Money::from_minor(r.amount, t.currency[i]), plan.currency, on, plan.rounding.mode)
                .minor_units();
      } catch (const Error& e) {
        throw ValidationError(
            "SC-RUN-FX", Issue{int64_t(i), "credits.currency", std::string(t.currency[i].code()), e.what()});
      }
    }
    if (k > 0 && sorted) sorted = !row_before(r, rows[k - 1]);
  }
  if (!sorted) std::sort(rows.begin(), rows.end(), row_before);
}

// A worker's credit rows of the person being computed, in one plan currency.
// They are refilled only when the person's credits or the plan's currency or
// rounding change (all fill_rows depends on within one run), so the segments
// of a split period and the plan variants of run_variants share one
// conversion and sort per person.
struct RowScratch {
  std::vector<CreditRow> rows;
  const uint32_t* first = nullptr;
  std::size_t count = 0;
  Currency currency;
  RoundingMode mode = RoundingMode::HalfEven;
  bool valid = false;
};

const std::vector<CreditRow>& rows_for(const RunInput& in, std::span<const uint32_t> indexes,
                                       const Plan& plan, RowScratch& s) {
  if (s.valid && s.first == indexes.data() && s.count == indexes.size() && s.currency == plan.currency &&
      s.mode == plan.rounding.mode)
    return s.rows;
  s.valid = false;
  fill_rows(in, indexes, plan, s.rows);
  s.first = indexes.data();
  s.count = indexes.size();
  s.currency = plan.currency;
  s.mode = plan.rounding.mode;
  s.valid = true;
  return s.rows;
}

Currency pay_currency_of(const RunIndex& index, int32_t person, Currency plan_currency) {
  const auto mine = RunIndex::of(index.pay, person);
  return mine.empty() ? plan_currency : mine.back()->currency;
}

// Statement, pay currency and subtotals over all of a person's lines.
void finish(const RunInput& in, const RunIndex& index, const std::vector<PlanSegment>& segments,
            int32_t person, PersonOutput& out) {
  const Plan& last = *segments.back().plan;
  const Currency pay = pay_currency_of(index, person, last.currency);
  Statement& s = out.statement;
  s.person = person;
  for (const PlanSegment& seg : segments) s.plan += (s.plan.empty() ? "" : " -> ") + seg.plan->id;
  s.total = Money::zero(last.currency);
  s.pay_total = Money::zero(pay);
  for (std::size_t i = 0; i < out.lines.size(); ++i) {
    PayoutLine& l = out.lines[i];
    if (!(l.amount.currency() == pay)) {
      if (!in.fx)
        throw ValidationError("SC-RUN-CURRENCY",
                              Issue{int64_t(person), "pay currency", std::string(pay.code()),
                                    "paying in another currency than the plan's needs an FX table"});
      l.pay_amount = in.fx->convert(l.amount, pay, in.period.end, last.rounding.mode);
    }
    s.lines.push_back(i);
    s.total += l.amount;
    s.pay_total += l.pay_amount;
    // Lines of one component are consecutive: the last subtotal is the likely one.
    auto it = !s.subtotals.empty() && s.subtotals.back().first == l.component
                  ? s.subtotals.end() - 1
                  : std::find_if(s.subtotals.begin(), s.subtotals.end(),
                                 [&](const auto& st) { return st.first == l.component; });
    if (it == s.subtotals.end())
      s.subtotals.emplace_back(l.component, l.amount);
    else
      it->second += l.amount;
  }
  s.recoverable_balance = out.state.draw.recoverable_balance;
  s.guarantee_balance = out.state.draw.guarantee_balance;
}

// One person's period: every segment in order on the threaded state.
void run_person(const RunInput& in, const RunIndex& index, const std::vector<PlanSegment>& segments,
                const PersonState* prior, int32_t person, std::span<const uint32_t> indexes,
                const CreditRow* extra, bool explain, RowScratch& scratch, PersonOutput& out) {
  out.state = prior ? *prior : PersonState{};
  std::map<int64_t, Money> earned_now;  // one per person-period, shared by its segments
  for (const PlanSegment& seg : segments) {
    const std::vector<CreditRow>& rows = rows_for(in, indexes, *seg.plan, scratch);
    if (extra) {
      scratch.valid = false;  // the rows are no longer the person's credits alone
      scratch.rows.push_back(*extra);
      std::sort(scratch.rows.begin(), scratch.rows.end(), row_before);
    }
    PersonRun(in, index, seg, person, rows, out.state, earned_now, out, explain).run();
  }
  if (segments.size() > 1 && !(segments.front().plan->currency == segments.back().plan->currency))
    throw ValidationError("SC-RUN-CURRENCY", Issue{int64_t(person), "plan", out.statement.plan,
                                                   "plans of a split period must share a currency"});
  finish(in, index, segments, person, out);
}

// Fiscal bounds are never guessed: the quarter and year containing the
// period must be given (from the fiscal calendar). A fiscal quarter is at
// most 92 days and a fiscal year at most 371 (a 53-week year), so a missing
// (defaulted) or mistaken bound is caught here.
void check_period_bounds(const RunPeriod& p) {
  std::vector<Issue> issues;
  if (p.end < p.start)
    issues.push_back(Issue{std::nullopt, "period.end", p.end.to_string(), "before period.start"});
  if (p.start < p.quarter_start || p.start - p.quarter_start > 92)
    issues.push_back(Issue{std::nullopt, "period.quarter_start", p.quarter_start.to_string(),
                           "must be the start of the fiscal quarter containing the period (on or before "
                           "period.start, at most 92 days before it); take it from the fiscal calendar"});
  if (p.quarter_start < p.year_start || p.start - p.year_start > 371)
    issues.push_back(
        Issue{std::nullopt, "period.year_start", p.year_start.to_string(),
              "must be the start of the fiscal year containing the period (on or before "
              "period.quarter_start, at most 371 days before period.start); take it from the fiscal "
              "calendar"});
  if (!issues.empty()) throw ValidationError("SC-RUN-PERIOD", std::move(issues));
}

// An MBO achievement for someone without a plan assignment would be dropped.
void check_mbo_people(const RunInput& in) {
  std::vector<int32_t> assigned;
  for (const PlanAssignment& a : in.assignments) assigned.push_back(a.person);
  std::sort(assigned.begin(), assigned.end());
  std::vector<Issue> issues;
  for (std::size_t i = 0; i < in.mbo.size(); ++i)
    if (!std::binary_search(assigned.begin(), assigned.end(), in.mbo[i].person))
      issues.push_back(Issue{int64_t(i), "person", std::to_string(in.mbo[i].person),
                             "MBO achievement for a person with no plan assignment in the run"});
  if (!issues.empty()) throw ValidationError("SC-RUN-MBO-PERSON", std::move(issues));
}

void check_input(const RunInput& in) {
  if (!in.credits)
    throw ValidationError("SC-RUN-INPUT", Issue{std::nullopt, "credits", "null", "the run needs credits"});
  check_period_bounds(in.period);
  check_mbo_people(in);
}

// Rethrows every person's error as one ValidationError, in person order.
void report_errors(const std::vector<int32_t>& people, const std::vector<std::exception_ptr>& errors) {
  std::vector<Issue> issues;
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (!errors[i]) continue;
    try {
      std::rethrow_exception(errors[i]);
    } catch (const ValidationError& e) {
      // Issues from the calculators name the component; the row names the person.
      for (Issue issue : e.issues()) {
        if (!issue.row) issue.row = people[i];
        issues.push_back(std::move(issue));
      }
    } catch (const Error& e) {
      issues.push_back(Issue{int64_t(people[i]), "person", std::to_string(people[i]), e.what()});
    }
  }
  if (!issues.empty()) throw ValidationError("SC-RUN-INVALID", std::move(issues));
}

// One person's credit rows of the year to date (explain_line, what_if).
std::vector<uint32_t> credit_rows_of(const RunInput& in, int32_t person) {
  std::vector<uint32_t> indexes;
  const CreditTable& t = *in.credits;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t.person[i] == person && t.date[i] >= in.period.year_start && t.date[i] <= in.period.end)
      indexes.push_back(uint32_t(i));
  return indexes;
}

const PersonState* prior_of(const RunState& prior, int32_t person) {
  const auto it = prior.find(person);
  return it == prior.end() ? nullptr : &it->second;
}

// Calls `person_work(k, scratch)` for every k in [0, n) on up to `threads`
// threads. People are taken in blocks from a shared counter (balanced when
// people differ in size; each result lands in its person's slot), and each
// thread owns one default-constructed `Scratch`.
template <class Scratch, class Work>
void for_each_person(std::size_t n, int threads, Work&& person_work) {
  const std::size_t workers =
      std::max<std::size_t>(1, std::min<std::size_t>(std::size_t(std::max(threads, 1)), n));
  constexpr std::size_t kBlock = 64;
  std::atomic<std::size_t> next_block{0};
  auto work = [&] {
    Scratch scratch;
    for (std::size_t from; (from = next_block.fetch_add(kBlock)) < n;)
      for (std::size_t k = from; k < std::min(n, from + kBlock); ++k) person_work(k, scratch);
  };
  if (workers == 1) return work();
  std::vector<std::thread> pool;
  for (std::size_t w = 0; w < workers; ++w) pool.emplace_back(work);
  for (std::thread& t : pool) t.join();
}

}  // namespace

RunResult run_period(const RunInput& in, const RunState& prior, int threads) {
  return run_period(in, prior, RunOptions{threads, true});
}

RunResult run_period(const RunInput& in, const RunState& prior, const RunOptions& options) {
  check_input(in);
  const RunIndex index(in);
  const CreditGroups groups = group_credits(in, index);
  const std::size_t n = groups.people.size();
  std::vector<PersonOutput> outputs(n);
  std::vector<std::exception_ptr> errors(n);
  for_each_person<RowScratch>(n, options.threads, [&](std::size_t k, RowScratch& scratch) {
    try {
      run_person(in, index, groups.segments[k], prior_of(prior, groups.people[k]), groups.people[k],
                 groups.rows_of(k), nullptr, options.explanations, scratch, outputs[k]);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  });
  report_errors(groups.people, errors);

  RunResult result;
  std::size_t total_lines = 0, total_explanations = 0;
  for (const PersonOutput& o : outputs) {
    total_lines += o.lines.size();
    total_explanations += o.explanations.size();
  }
  result.lines.reserve(total_lines);
  result.explanations.reserve(total_explanations);
  result.statements.reserve(n);
  // next_state: the prior state of everyone, with the people run replaced;
  // both sequences are in person order, so every insert is at the end.
  auto prior_it = prior.begin();
  for (std::size_t k = 0; k < n; ++k) {
    PersonOutput& o = outputs[k];
    const std::size_t line_base = result.lines.size(), ex_base = result.explanations.size();
    for (PayoutLine& l : o.lines) {
      if (l.explanation != kNoExplanation) l.explanation += ex_base;
      result.lines.push_back(std::move(l));
    }
    for (Explanation& e : o.explanations) result.explanations.push_back(std::move(e));
    for (std::size_t& li : o.statement.lines) li += line_base;
    result.statements.push_back(std::move(o.statement));
    for (; prior_it != prior.end() && prior_it->first < groups.people[k]; ++prior_it)
      result.next_state.emplace_hint(result.next_state.end(), *prior_it);
    if (prior_it != prior.end() && prior_it->first == groups.people[k]) ++prior_it;
    result.next_state.emplace_hint(result.next_state.end(), groups.people[k], std::move(o.state));
  }
  for (; prior_it != prior.end(); ++prior_it)
    result.next_state.emplace_hint(result.next_state.end(), *prior_it);
  return result;
}

Explanation explain_line(const RunInput& in, const RunState& prior, const RunResult& result,
                         std::size_t line) {
  check_input(in);
  if (line >= result.lines.size())
    throw LookupError("SC-RUN-LINE", "no line " + std::to_string(line) + " in the run result");
  const int32_t person = result.lines[line].person;
  std::size_t k = 0;  // the line's position among its person's lines
  for (std::size_t i = line; i-- > 0 && result.lines[i].person == person;) ++k;
  const RunIndex index(in);
  const auto segments = segments_of(in, index, person);
  if (segments.empty())
    throw LookupError("SC-RUN-PERSON", "person " + std::to_string(person) + " has no plan in the period");
  const std::vector<uint32_t> indexes = credit_rows_of(in, person);
  RowScratch scratch;
  PersonOutput out;
  run_person(in, index, segments, prior_of(prior, person), person, indexes, nullptr, true, scratch, out);
  if (k >= out.lines.size() || !(out.lines[k].amount == result.lines[line].amount) ||
      out.lines[k].component != result.lines[line].component)
    throw LookupError("SC-RUN-LINE", "line " + std::to_string(line) +
                                         " does not match a recomputation: were the inputs or the prior "
                                         "state changed since the run?");
  return out.explanations[out.lines[k].explanation];
}

std::vector<PayoutLine> restatement_adjustments(const RunResult& closed, const RunResult& recomputed,
                                                Date open_period_start) {
  using Key = std::tuple<int32_t, std::string, int64_t>;
  struct Pair {
    std::optional<Money> closed, recomputed;
    std::optional<Money> closed_pay, recomputed_pay;
    std::size_t explanation = kNoExplanation;
  };
  std::map<Key, Pair> by_key;
  auto add = [](std::optional<Money>& slot, const Money& m) { slot = slot ? *slot + m : m; };
  for (const PayoutLine& l : closed.lines) {
    auto& p = by_key[Key{l.person, l.component, l.deal}];
    add(p.closed, l.amount);
    add(p.closed_pay, l.pay_amount);
  }
  for (const PayoutLine& l : recomputed.lines) {
    auto& p = by_key[Key{l.person, l.component, l.deal}];
    add(p.recomputed, l.amount);
    add(p.recomputed_pay, l.pay_amount);
    p.explanation = l.explanation;
  }
  std::vector<PayoutLine> out;
  for (const auto& [key, p] : by_key) {
    const Currency c = (p.recomputed ? *p.recomputed : *p.closed).currency();
    const Currency pc = (p.recomputed_pay ? *p.recomputed_pay : *p.closed_pay).currency();
    const Money delta = p.recomputed.value_or(Money::zero(c)) - p.closed.value_or(Money::zero(c));
    const Money pay_delta =
        p.recomputed_pay.value_or(Money::zero(pc)) - p.closed_pay.value_or(Money::zero(pc));
    if (delta.is_zero() && pay_delta.is_zero()) continue;
    out.push_back(PayoutLine{std::get<0>(key), open_period_start, std::get<1>(key), std::get<2>(key), delta,
                             p.explanation, true, pay_delta});
  }
  return out;
}

WhatIf what_if(const RunInput& in, const RunState& prior, int32_t person, Date date, int64_t amount_minor,
               DealType deal_type, CreditKind kind, int32_t product) {
  check_input(in);
  const RunIndex index(in);
  const auto segments = segments_of(in, index, person);
  if (segments.empty())
    throw LookupError("SC-RUN-PERSON", "person " + std::to_string(person) + " has no plan in force between " +
                                           in.period.start.to_string() + " and " + in.period.end.to_string());
  const std::vector<uint32_t> indexes = credit_rows_of(in, person);
  RowScratch scratch;
  PersonOutput without;
  run_person(in, index, segments, prior_of(prior, person), person, indexes, nullptr, false, scratch, without);
  CreditRow extra;
  extra.date = date;
  extra.kind = kind;
  extra.type = deal_type;
  extra.product = product;
  extra.amount = amount_minor;  // in the plan currency
  PersonOutput with;
  run_person(in, index, segments, prior_of(prior, person), person, indexes, &extra, false, scratch, with);
  return WhatIf{without.statement.total, with.statement.total,
                with.statement.total - without.statement.total};
}

}  // namespace salescomp

// run_period_variations (period_run_variations.hpp): run_period's person loop
// over several variations of the plans and quotas.
namespace salescomp::detail {

std::vector<int32_t> run_period_variations(
    const RunInput& in, std::span<const RunVariation> variations, const RunState& prior, int threads,
    const std::function<void(std::size_t k, std::size_t v, const Statement& statement)>& visit) {
  check_input(in);
  const RunIndex index(in);
  const CreditGroups groups = group_credits(in, index);
  // One index per variation: the base index with the variation's quotas
  // (in input order, then by person, as RunIndex sorts them).
  std::vector<RunIndex> indexes(variations.size(), index);
  for (std::size_t v = 0; v < variations.size(); ++v) {
    const RunVariation& x = variations[v];
    if (!x.plans || x.plans->size() != in.plans.size())
      throw ValidationError(
          "SC-RUN-VARIANT",
          Issue{int64_t(v), "plans", x.plans ? std::to_string(x.plans->size()) : "null",
                "a variation gives one plan per plan of the run (" + std::to_string(in.plans.size()) + ")"});
    if (!x.quotas) continue;
    auto& quotas = indexes[v].quotas;
    quotas.clear();
    for (const QuotaEntry& q : *x.quotas) quotas.push_back(&q);
    std::stable_sort(quotas.begin(), quotas.end(),
                     [](const QuotaEntry* a, const QuotaEntry* b) { return a->person < b->person; });
  }
  const std::size_t n = groups.people.size();
  std::vector<std::exception_ptr> errors(n);
  struct VariantScratch {
    RowScratch rows;
    std::vector<PlanSegment> segments;
    PersonOutput out;
  };
  for_each_person<VariantScratch>(n, threads, [&](std::size_t k, VariantScratch& scratch) {
    for (std::size_t v = 0; v < variations.size(); ++v) {
      try {
        // The same segments with the variation's plan in each slot.
        scratch.segments = groups.segments[k];
        for (PlanSegment& s : scratch.segments)
          s.plan = &(*variations[v].plans)[std::size_t(s.plan - in.plans.data())];
        scratch.out = PersonOutput{};
        run_person(in, indexes[v], scratch.segments, prior_of(prior, groups.people[k]), groups.people[k],
                   groups.rows_of(k), nullptr, false, scratch.rows, scratch.out);
        visit(k, v, scratch.out.statement);
      } catch (...) {
        errors[k] = std::current_exception();
        return;
      }
    }
  });
  report_errors(groups.people, errors);
  return groups.people;
}

}  // namespace salescomp::detail
