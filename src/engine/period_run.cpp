// The period run: per person, independently (so it parallelises and merges
// deterministically), measures -> components -> lines -> statement -> state.
#include "salescomp/engine/period_run.hpp"

#include <algorithm>
#include <span>
#include <thread>
#include <tuple>

#include "exact_value.hpp"
#include "salescomp/core/allocation.hpp"
#include "salescomp/core/money_products.hpp"
#include "salescomp/engine/bonus_calculators.hpp"
#include "salescomp/engine/clawback_calculator.hpp"
#include "salescomp/engine/measure_calculators.hpp"

namespace salescomp {

namespace {

// One credit of one person, with what measure filters need from its deal.
struct CreditRow {
  Date date;
  int64_t deal = -1;  // deal row, -1 for a hypothetical credit
  int32_t rule = 0;
  CreditKind kind = CreditKind::Direct;
  DealType type = DealType::NewBusiness;
  int32_t product = -1;
  int32_t term_months = 0;
  int64_t amount = 0;
  Currency currency;
};

bool row_before(const CreditRow& a, const CreditRow& b) {
  return std::tie(a.date, a.deal, a.rule, a.kind, a.amount) <
         std::tie(b.date, b.deal, b.rule, b.kind, b.amount);
}

// Assignments, quotas and MBO entries grouped by person, so each person's
// lookups touch only their own rows.
struct RunIndex {
  std::vector<const PlanAssignment*> assignments;
  std::vector<const QuotaEntry*> quotas;
  std::vector<const MboEntry*> mbo;

  explicit RunIndex(const RunInput& in) {
    for (const auto& a : in.assignments) assignments.push_back(&a);
    for (const auto& q : in.quotas) quotas.push_back(&q);
    for (const auto& m : in.mbo) mbo.push_back(&m);
    auto by_person = [](const auto* a, const auto* b) { return a->person < b->person; };
    std::stable_sort(assignments.begin(), assignments.end(), by_person);
    std::stable_sort(quotas.begin(), quotas.end(), by_person);
    std::stable_sort(mbo.begin(), mbo.end(), by_person);
  }
  template <class T>
  static std::span<const T* const> of(const std::vector<const T*>& v, int32_t person) {
    auto lo =
        std::lower_bound(v.begin(), v.end(), person, [](const T* e, int32_t p) { return e->person < p; });
    auto hi = std::upper_bound(lo, v.end(), person, [](int32_t p, const T* e) { return p < e->person; });
    return {v.data() + (lo - v.begin()), std::size_t(hi - lo)};
  }
};

struct PersonOutput {
  std::vector<PayoutLine> lines;  // explanation = index into `explanations`
  std::vector<Explanation> explanations;
  Statement statement;
  PersonState state;
};

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

class PersonRun {
 public:
  PersonRun(const RunInput& in, const RunIndex& index, const Plan& plan, int32_t person,
            std::vector<CreditRow> rows, const PersonState* prior)
      : in_(in),
        quotas_(RunIndex::of(index.quotas, person)),
        mbo_(RunIndex::of(index.mbo, person)),
        plan_(plan),
        person_(person),
        rows_(std::move(rows)),
        zero_(Money::zero(plan.currency)) {
    std::sort(rows_.begin(), rows_.end(), row_before);
    for (const CreditRow& r : rows_)
      if (!(r.currency == plan.currency))
        throw ValidationError(
            "SC-RUN-CURRENCY",
            Issue{int64_t(person), "credit currency", std::string(r.currency.code()),
                  "credits must be in the plan currency " + std::string(plan.currency.code())});
    const RunPeriod& p = in.period;
    state_ = prior ? *prior : PersonState{};
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
    for (const Component& c : plan.components)
      if (const auto* k = std::get_if<ClawbackComponent>(&c.spec)) reverse_cancelled_ = k->reverse_attainment;
  }

  PersonOutput run() {
    const RunPeriod& p = in_.period;
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
        const Money x = measure(m->measure, from, p.end).first;
        const std::optional<Money> q = quota(m->measure, from);
        if (!q) missing_quota(m->measure);
        std::vector<std::string>& paid = state_.milestones_paid[id];
        MilestoneResult mr = calculate_milestones(*m, id, x, *q, paid);
        for (auto& line : mr.lines) add_line(id, -1, std::move(line));
        paid.insert(paid.end(), mr.newly_paid.begin(), mr.newly_paid.end());
      } else if (const auto* s = std::get_if<SpifComponent>(&c.spec)) {
        std::vector<SpifCredit> credits;
        for (const CreditRow& r : rows_)
          if (r.date >= p.start && r.date <= p.end && counts(r))
            credits.push_back(
                SpifCredit{r.deal, r.date, r.type, r.product, Money::from_minor(r.amount, plan_.currency)});
        for (auto& [deal, line] : calculate_spif(*s, id, credits, plan_.rounding.mode))
          add_line(id, deal, std::move(line));
      } else if (const auto* b = std::get_if<MboComponent>(&c.spec)) {
        std::vector<std::pair<std::string, Rate>> achieved;
        for (const MboEntry* e : mbo_)
          if (e->component == id) achieved.emplace_back(e->objective, e->achievement);
        if (!achieved.empty()) add_line(id, -1, calculate_mbo(*b, id, achieved, plan_.rounding.mode));
      }
    }
    commit_pending();
    for (const Component& c : plan_.components)
      if (const auto* k = std::get_if<ClawbackComponent>(&c.spec)) clawbacks(c.id, *k);
    for (const Component& c : plan_.components)
      if (const auto* d = std::get_if<DrawComponent>(&c.spec)) draw(c.id, *d);
    return finish();
  }

 private:
  [[noreturn]] void missing_quota(const std::string& measure_id) const {
    throw ValidationError("SC-RUN-QUOTA", Issue{int64_t(person_), "quota", measure_id,
                                                "no quota for this person and measure in the span"});
  }

  Date span_start(Accumulation a) const {
    switch (a) {
      case Accumulation::Period:
        return in_.period.start;
      case Accumulation::QuarterToDate:
        return in_.period.quarter_start;
      case Accumulation::YearToDate:
        return in_.period.year_start;
    }
    return in_.period.start;
  }

  bool cancelled(const CreditRow& r) const {
    if (!reverse_cancelled_ || r.deal < 0 || !in_.deals) return false;
    const auto& when = in_.deals->cancellation_date[std::size_t(r.deal)];
    return when && *when <= in_.period.end;
  }
  bool counts(const CreditRow& r) const { return !cancelled(r); }

  bool matches(const Measure& m, const CreditRow& r) const {
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

  // (sum, count) of the measure over [from, to].
  std::pair<Money, int64_t> measure(const std::string& id, Date from, Date to) const {
    const Measure& m = *plan_.find_measure(id);
    detail::int128 sum = 0;
    int64_t count = 0;
    for (const CreditRow& r : rows_)
      if (r.date >= from && r.date <= to && counts(r) && matches(m, r)) {
        sum += weighted(m, r);
        ++count;
      }
    if (!detail::fits_int64(sum))
      throw OverflowError("SC-OVERFLOW",
                          "measure " + id + " of person " + std::to_string(person_) + " overflows");
    return {Money::from_minor(int64_t(sum), plan_.currency), count};
  }

  std::optional<Money> quota(const std::string& measure_id, Date from) const {
    std::optional<Money> total;
    for (const QuotaEntry* q : quotas_)
      if (q->measure == measure_id && q->period_start >= from && q->period_start <= in_.period.end)
        total = total ? *total + q->amount : q->amount;
    return total;
  }

  // Credit per deal in the measure over [from, period end], by deal.
  std::vector<std::pair<int64_t, int64_t>> per_deal(const std::string& id, Date from) const {
    const Measure& m = *plan_.find_measure(id);
    std::map<int64_t, int64_t> by_deal;
    for (const CreditRow& r : rows_)
      if (r.date >= from && r.date <= in_.period.end && counts(r) && matches(m, r))
        by_deal[r.deal] += weighted(m, r);
    return {by_deal.begin(), by_deal.end()};
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
    const Date from = span_start(a);
    std::tie(ci.measure, ci.count) = measure(measure_id, from, in_.period.end);
    ci.quota = quota(measure_id, from);
    ci.paid_in_year = paid_in(state_.paid_in_year, id);
    ci.paid_before = a == Accumulation::YearToDate      ? ci.paid_in_year
                     : a == Accumulation::QuarterToDate ? paid_in(state_.paid_in_quarter, id)
                                                        : zero_;
    if (gate) {
      const std::string& gm = gate->measure.empty() ? measure_id : gate->measure;
      const Date gate_from = span_start(gate->accumulation);
      ci.gate_measure = measure(gm, gate_from, in_.period.end).first;
      ci.gate_quota = quota(gm, gate_from);
    }
    ci.rounding = plan_.rounding.mode;
    return ci;
  }

  // Lines wait here until the statement's rounding is settled (per_statement
  // rounds their exact sum once and reallocates the cents).
  struct Pending {
    std::string component;
    int64_t deal = -1;
    ComponentResult result;
    std::string attribute_measure;  // measure-based lines are attributed to deals
  };

  void add_line(const std::string& component, int64_t deal, ComponentResult r) {
    pending_.push_back(Pending{component, deal, std::move(r), {}});
  }
  void add_measured(const std::string& component, const std::string& measure_id, ComponentResult r) {
    pending_.push_back(Pending{component, -1, std::move(r), measure_id});
  }

  void commit_pending() {
    if (plan_.rounding.scope == RoundingScope::PerStatement) round_statement_once();
    for (Pending& p : pending_) {
      const Money amount = p.result.amount;
      record(p.component, p.deal, std::move(p.result));
      if (!p.attribute_measure.empty()) attribute(p.attribute_measure, amount);
    }
    pending_.clear();
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
      r.explanation.rounding = "per statement: lines' exact sum " + money_text(total, c) + " rounded " +
                               std::string(to_string(mode)) + " to " +
                               Money::from_minor(rounded_total, c).to_string() + "; this line's " +
                               r.explanation.exact_value + " allocated " + r.amount.to_string() +
                               " (largest remainder)";
    }
  }

  void record(const std::string& component, int64_t deal, ComponentResult r) {
    out_.lines.push_back(
        PayoutLine{person_, in_.period.start, component, deal, r.amount, out_.explanations.size(), false});
    out_.explanations.push_back(std::move(r.explanation));
    state_.paid_in_year[component] = paid_in(state_.paid_in_year, component) + r.amount;
    state_.paid_in_quarter[component] = paid_in(state_.paid_in_quarter, component) + r.amount;
    if (deal >= 0) state_.paid_on_deal[deal] = paid_in_deal(deal) + r.amount;
  }
  Money paid_in_deal(int64_t deal) const {
    const auto it = state_.paid_on_deal.find(deal);
    return it == state_.paid_on_deal.end() ? zero_ : it->second;
  }

  // A measure-based line's amount, attributed to the period's deals pro rata to credit.
  void attribute(const std::string& measure_id, const Money& amount) {
    if (amount.is_zero()) return;
    const auto deals = per_deal(measure_id, in_.period.start);
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
    for (std::size_t i = 0; i < parts.size(); ++i)
      state_.paid_on_deal[keys[i]] = paid_in_deal(keys[i]) + Money::from_minor(parts[i], plan_.currency);
  }

  void clawbacks(const std::string& id, const ClawbackComponent& k) {
    if (!in_.deals) return;
    const auto paid = state_.paid_on_deal;  // deals paid up to now, in deal order
    for (const auto& [deal, amount] : paid) {
      const auto& when = in_.deals->cancellation_date[std::size_t(deal)];
      if (!when || *when < in_.period.start || *when > in_.period.end || amount.minor_units() <= 0) continue;
      auto r = calculate_clawback(k, id, in_.deals->close_date[std::size_t(deal)], *when,
                                  in_.deals->term_months[std::size_t(deal)], amount, plan_.rounding.mode);
      if (r) record(id, deal, std::move(*r));
    }
  }

  void draw(const std::string& id, const DrawComponent& d) {
    Money earnings = zero_;
    for (const PayoutLine& l : out_.lines) earnings += l.amount;
    DrawResult r = calculate_draw(d, id, earnings, state_.draw);
    state_.draw = r.next;
    const std::size_t ex = out_.explanations.size();
    out_.explanations.push_back(r.explanation);
    if (!r.paid.is_zero())
      out_.lines.push_back(PayoutLine{person_, in_.period.start, id, -1, r.paid, ex, false});
    if (!r.recovered.is_zero())
      out_.lines.push_back(
          PayoutLine{person_, in_.period.start, id + ".recovery", -1, r.recovered, ex, false});
  }

  PersonOutput finish() {
    Statement& s = out_.statement;
    s.person = person_;
    s.plan = plan_.id;
    s.total = zero_;
    for (std::size_t i = 0; i < out_.lines.size(); ++i) {
      const PayoutLine& l = out_.lines[i];
      s.lines.push_back(i);
      s.total += l.amount;
      auto it = std::find_if(s.subtotals.begin(), s.subtotals.end(),
                             [&](const auto& st) { return st.first == l.component; });
      if (it == s.subtotals.end())
        s.subtotals.emplace_back(l.component, l.amount);
      else
        it->second += l.amount;
    }
    s.recoverable_balance = state_.draw.recoverable_balance;
    s.guarantee_balance = state_.draw.guarantee_balance;
    out_.state = std::move(state_);
    return std::move(out_);
  }

  const RunInput& in_;
  std::span<const QuotaEntry* const> quotas_;
  std::span<const MboEntry* const> mbo_;
  const Plan& plan_;
  int32_t person_;
  std::vector<CreditRow> rows_;
  Money zero_;
  bool reverse_cancelled_ = false;
  PersonState state_;
  std::vector<Pending> pending_;
  PersonOutput out_;
};

// The plan in force for `person` on `day`, or nullptr.
const Plan* plan_for(const RunInput& in, const RunIndex& index, int32_t person, Date day) {
  const PlanAssignment* best = nullptr;
  for (const PlanAssignment* a : RunIndex::of(index.assignments, person))
    if (a->from <= day && (!a->to || *a->to >= day) && (!best || a->from > best->from)) best = a;
  if (!best) return nullptr;
  if (best->plan >= in.plans.size())
    throw ValidationError("SC-RUN-ASSIGNMENT", Issue{int64_t(person), "plan", std::to_string(best->plan),
                                                     "assignment points past the plans given"});
  return &in.plans[best->plan];
}

CreditRow row_of(const RunInput& in, std::size_t i) {
  const CreditTable& t = *in.credits;
  CreditRow r;
  r.date = t.date[i];
  r.deal = t.deal[i];
  r.rule = t.rule[i];
  r.kind = t.kind[i];
  r.type = t.deal_type[i];
  r.amount = t.amount[i];
  r.currency = t.currency[i];
  if (in.deals && r.deal >= 0 && std::size_t(r.deal) < in.deals->size()) {
    r.product = in.deals->product[std::size_t(r.deal)];
    r.term_months = in.deals->term_months[std::size_t(r.deal)];
  }
  return r;
}

void check_input(const RunInput& in) {
  if (!in.credits)
    throw ValidationError("SC-RUN-INPUT", Issue{std::nullopt, "credits", "null", "the run needs credits"});
}

// People with a plan in force on the period's last day, each with their credits.
std::vector<std::pair<int32_t, std::vector<CreditRow>>> people_of(const RunInput& in, const RunIndex& index) {
  std::vector<int32_t> people;
  for (const PlanAssignment& a : in.assignments) people.push_back(a.person);
  std::sort(people.begin(), people.end());
  people.erase(std::unique(people.begin(), people.end()), people.end());
  std::vector<std::pair<int32_t, std::vector<CreditRow>>> out;
  for (int32_t p : people)
    if (plan_for(in, index, p, in.period.end)) out.emplace_back(p, std::vector<CreditRow>{});
  const CreditTable& t = *in.credits;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t.date[i] < in.period.year_start || t.date[i] > in.period.end) continue;
    auto it = std::lower_bound(out.begin(), out.end(), t.person[i],
                               [](const auto& e, int32_t p) { return e.first < p; });
    if (it != out.end() && it->first == t.person[i]) it->second.push_back(row_of(in, i));
  }
  return out;
}

PersonOutput run_person(const RunInput& in, const RunIndex& index, const RunState& prior, int32_t person,
                        std::vector<CreditRow> rows) {
  const Plan* plan = plan_for(in, index, person, in.period.end);
  const auto it = prior.find(person);
  return PersonRun(in, index, *plan, person, std::move(rows), it == prior.end() ? nullptr : &it->second)
      .run();
}

}  // namespace

RunResult run_period(const RunInput& in, const RunState& prior, int threads) {
  check_input(in);
  const RunIndex index(in);
  auto people = people_of(in, index);
  std::vector<PersonOutput> outputs(people.size());
  std::vector<std::exception_ptr> errors(people.size());
  const std::size_t workers =
      std::max<std::size_t>(1, std::min<std::size_t>(std::size_t(std::max(threads, 1)), people.size()));
  auto work = [&](std::size_t w) {
    // Contiguous chunks: worker w computes people [w*n/W, (w+1)*n/W).
    const std::size_t from = w * people.size() / workers, to = (w + 1) * people.size() / workers;
    for (std::size_t i = from; i < to; ++i) {
      try {
        outputs[i] = run_person(in, index, prior, people[i].first, std::move(people[i].second));
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  if (workers == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (std::size_t w = 0; w < workers; ++w) pool.emplace_back(work, w);
    for (std::thread& t : pool) t.join();
  }
  // Every bad person is reported, in person order, whatever the thread count.
  std::vector<Issue> issues;
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (!errors[i]) continue;
    try {
      std::rethrow_exception(errors[i]);
    } catch (const ValidationError& e) {
      // Issues from the calculators name the component; the row names the person.
      for (Issue issue : e.issues()) {
        if (!issue.row) issue.row = people[i].first;
        issues.push_back(std::move(issue));
      }
    } catch (const Error& e) {
      issues.push_back(Issue{int64_t(people[i].first), "person", std::to_string(people[i].first), e.what()});
    }
  }
  if (!issues.empty()) throw ValidationError("SC-RUN-INVALID", std::move(issues));

  RunResult result = RunResult{};
  result.next_state = prior;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    PersonOutput& o = outputs[i];
    const std::size_t line_base = result.lines.size(), ex_base = result.explanations.size();
    for (PayoutLine& l : o.lines) {
      l.explanation += ex_base;
      result.lines.push_back(std::move(l));
    }
    for (Explanation& e : o.explanations) result.explanations.push_back(std::move(e));
    for (std::size_t& li : o.statement.lines) li += line_base;
    result.statements.push_back(std::move(o.statement));
    result.next_state[people[i].first] = std::move(o.state);
  }
  return result;
}

std::vector<PayoutLine> restatement_adjustments(const RunResult& closed, const RunResult& recomputed,
                                                Date open_period_start) {
  using Key = std::tuple<int32_t, std::string, int64_t>;
  struct Pair {
    std::optional<Money> closed, recomputed;
    std::size_t explanation = 0;
  };
  std::map<Key, Pair> by_key;
  for (const PayoutLine& l : closed.lines) {
    auto& p = by_key[Key{l.person, l.component, l.deal}];
    p.closed = p.closed ? *p.closed + l.amount : l.amount;
  }
  for (const PayoutLine& l : recomputed.lines) {
    auto& p = by_key[Key{l.person, l.component, l.deal}];
    p.recomputed = p.recomputed ? *p.recomputed + l.amount : l.amount;
    p.explanation = l.explanation;
  }
  std::vector<PayoutLine> out;
  for (const auto& [key, p] : by_key) {
    const Currency c = (p.recomputed ? *p.recomputed : *p.closed).currency();
    const Money delta = p.recomputed.value_or(Money::zero(c)) - p.closed.value_or(Money::zero(c));
    if (delta.is_zero()) continue;
    out.push_back(PayoutLine{std::get<0>(key), open_period_start, std::get<1>(key), std::get<2>(key), delta,
                             p.explanation, true});
  }
  return out;
}

WhatIf what_if(const RunInput& in, const RunState& prior, int32_t person, Date date, int64_t amount_minor,
               DealType deal_type, CreditKind kind, int32_t product) {
  check_input(in);
  const RunIndex index(in);
  const Plan* plan = plan_for(in, index, person, in.period.end);
  if (!plan)
    throw LookupError("SC-RUN-PERSON", "person " + std::to_string(person) + " has no plan in force on " +
                                           in.period.end.to_string());
  std::vector<CreditRow> rows;
  const CreditTable& t = *in.credits;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t.person[i] == person && t.date[i] >= in.period.year_start && t.date[i] <= in.period.end)
      rows.push_back(row_of(in, i));
  const Money without = run_person(in, index, prior, person, rows).statement.total;
  CreditRow extra;
  extra.date = date;
  extra.kind = kind;
  extra.type = deal_type;
  extra.product = product;
  extra.amount = amount_minor;
  extra.currency = plan->currency;
  rows.push_back(extra);
  const Money with = run_person(in, index, prior, person, std::move(rows)).statement.total;
  return WhatIf{without, with, with - without};
}

}  // namespace salescomp
