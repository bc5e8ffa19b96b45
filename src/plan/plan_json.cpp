// Reading and writing plan documents. The reader collects every structural
// problem (unknown key, wrong type, missing field, bad value) with its JSON
// path, then adds validate_plan's semantic problems, and throws them all.
#include "salescomp/plan/plan_json.hpp"

#include <functional>
#include <initializer_list>
#include <string>
#include <utility>

#include "salescomp/detail/json_parser.hpp"
#include "salescomp/plan/plan_validation.hpp"

namespace salescomp {

namespace {

using detail::JsonValue;

template <class E>
struct Names {
  std::initializer_list<std::pair<std::string_view, E>> items;
  std::string list() const {
    std::string s;
    for (const auto& [n, e] : items) s += (s.empty() ? "" : ", ") + std::string(n);
    return s;
  }
};

const Names<PlanPeriod> kPeriods{
    {{"month", PlanPeriod::Month}, {"quarter", PlanPeriod::Quarter}, {"year", PlanPeriod::Year}}};
const Names<RoundingScope> kScopes{
    {{"per_line", RoundingScope::PerLine}, {"per_statement", RoundingScope::PerStatement}}};
const Names<RoundingMode> kModes{{{"HalfEven", RoundingMode::HalfEven},
                                  {"HalfUp", RoundingMode::HalfUp},
                                  {"HalfDown", RoundingMode::HalfDown},
                                  {"Up", RoundingMode::Up},
                                  {"Down", RoundingMode::Down},
                                  {"Ceiling", RoundingMode::Ceiling},
                                  {"Floor", RoundingMode::Floor},
                                  {"Unnecessary", RoundingMode::Unnecessary}}};
const Names<Accumulation> kAccumulations{{{"period", Accumulation::Period},
                                          {"quarter_to_date", Accumulation::QuarterToDate},
                                          {"year_to_date", Accumulation::YearToDate}}};
const Names<MeasureAggregation> kAggregations{
    {{"sum", MeasureAggregation::Sum}, {"count", MeasureAggregation::Count}}};
const Names<DealType> kDealTypes{{{"new_business", DealType::NewBusiness},
                                  {"renewal", DealType::Renewal},
                                  {"upsell", DealType::Upsell},
                                  {"cross_sell", DealType::CrossSell},
                                  {"cancellation", DealType::Cancellation},
                                  {"refund", DealType::Refund}}};
const Names<CreditKind> kCreditKinds{{{"direct", CreditKind::Direct},
                                      {"revenue_split", CreditKind::RevenueSplit},
                                      {"overlay", CreditKind::Overlay},
                                      {"roll_up", CreditKind::RollUp},
                                      {"sdr_sourced", CreditKind::SdrSourced},
                                      {"account_manager", CreditKind::AccountManager},
                                      {"marketing_sourced", CreditKind::MarketingSourced},
                                      {"territory", CreditKind::Territory}}};
const Names<TierBasis> kTierBases{{{"attainment", TierBasis::Attainment}, {"amount", TierBasis::Amount}}};
const Names<TierMode> kTierModes{{{"marginal", TierMode::Marginal},
                                  {"retroactive", TierMode::Retroactive},
                                  {"hybrid", TierMode::Hybrid},
                                  {"interpolated", TierMode::Interpolated}}};
const Names<BandEdge> kEdges{
    {{"lower_inclusive", BandEdge::LowerInclusive}, {"upper_inclusive", BandEdge::UpperInclusive}}};
const Names<AdjustmentDirection> kDirections{
    {{"above", AdjustmentDirection::Above}, {"below", AdjustmentDirection::Below}}};
const Names<AdjustmentScope> kAdjScopes{{{"band", AdjustmentScope::Band}, {"whole", AdjustmentScope::Whole}}};
const Names<GateBasis> kGateBases{{{"attainment", GateBasis::Attainment}, {"amount", GateBasis::Amount}}};
const Names<GateEffect> kGateEffects{
    {{"no_payout", GateEffect::NoPayout}, {"no_accelerator", GateEffect::NoAccelerator}}};
const Names<CurveBeyond> kBeyond{{{"flat", CurveBeyond::Flat}, {"extend", CurveBeyond::Extend}}};
const Names<OverrideBasis> kOverrideBases{{{"first_dollar", OverrideBasis::FirstDollar},
                                           {"above_threshold", OverrideBasis::AboveThreshold},
                                           {"team_attainment", OverrideBasis::TeamAttainment}}};
const Names<DrawKind> kDrawKinds{{{"non_recoverable_guarantee", DrawKind::NonRecoverableGuarantee},
                                  {"recoverable_guarantee", DrawKind::RecoverableGuarantee},
                                  {"recoverable_draw", DrawKind::RecoverableDraw}}};
const Names<ClawbackMethod> kClawbackMethods{{{"full", ClawbackMethod::Full},
                                              {"pro_rata_unserved_term", ClawbackMethod::ProRataUnservedTerm},
                                              {"stepped", ClawbackMethod::Stepped}}};
const Names<WindowEnd> kWindowEnds{
    {{"inclusive", WindowEnd::Inclusive}, {"exclusive", WindowEnd::Exclusive}}};
const Names<PayoutBasis> kPayoutBases{{{"booking", PayoutBasis::Booking},
                                       {"invoice", PayoutBasis::Invoice},
                                       {"collection", PayoutBasis::Collection}}};

template <class E>
std::string_view name_of(const Names<E>& names, E e) {
  for (const auto& [n, v] : names.items)
    if (v == e) return n;
  return "?";
}

class Reader {
 public:
  std::vector<Issue> issues;
  std::vector<std::string> unreadable;      // components whose type could not be read
  Currency currency = Currency::of("USD");  // until the plan's own is read; a bad one is reported

  void add(const std::string& path, std::string value, std::string rule) {
    issues.push_back(Issue{std::nullopt, path, std::move(value), std::move(rule)});
  }
  static std::string shown(const JsonValue& v) {
    if (v.is_string() || v.is_number()) return v.text;
    if (v.is_bool()) return v.boolean ? "true" : "false";
    return detail::kind_name(v.kind);
  }

  // Checks `v` is an object whose keys are all in `allowed`.
  bool object(const JsonValue& v, const std::string& path, std::initializer_list<std::string_view> allowed) {
    if (!v.is_object()) {
      add(path, shown(v), std::string("expected an object, got ") + detail::kind_name(v.kind));
      return false;
    }
    for (const auto& [key, value] : v.members) {
      bool known = false;
      for (std::string_view a : allowed) known = known || a == key;
      if (!known) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        add(path + "." + key, shown(value), "unknown key; allowed here: " + list);
      }
    }
    return true;
  }

  const JsonValue* field(const JsonValue& obj, std::string_view key, const std::string& path, bool required) {
    const JsonValue* v = obj.find(key);
    if (!v && required) add(path + "." + std::string(key), "", "required field is missing");
    return v;
  }

  std::optional<std::string> string(const JsonValue* v, const std::string& path) {
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      add(path, shown(*v), std::string("expected a string, got ") + detail::kind_name(v->kind));
      return std::nullopt;
    }
    return v->text;
  }
  std::optional<std::string> decimal_text(const JsonValue* v, const std::string& path) {
    if (!v) return std::nullopt;
    if (!v->is_string() && !v->is_number()) {
      add(path, shown(*v),
          std::string("expected a decimal (string or number), got ") + detail::kind_name(v->kind));
      return std::nullopt;
    }
    return v->text;
  }
  // Runs `parse` and turns a salescomp::Error into an issue at `path`.
  template <class T, class F>
  std::optional<T> guarded(const std::string& path, const std::string& value, F&& parse) {
    try {
      return parse();
    } catch (const ValidationError& e) {
      add(path, value, e.issues().empty() ? e.what() : e.issues().front().rule);
    } catch (const Error& e) {
      add(path, value, e.what());
    }
    return std::nullopt;
  }
  std::optional<Rate> rate(const JsonValue* v, const std::string& path) {
    auto t = decimal_text(v, path);
    if (!t) return std::nullopt;
    return guarded<Rate>(path, *t, [&] { return Rate::parse(*t); });
  }
  std::optional<Money> money(const JsonValue* v, const std::string& path) {
    auto t = decimal_text(v, path);
    if (!t) return std::nullopt;
    return guarded<Money>(path, *t, [&] { return Money::parse(*t, currency); });
  }
  std::optional<int64_t> integer(const JsonValue* v, const std::string& path) {
    if (!v) return std::nullopt;
    if (!v->is_number()) {
      add(path, shown(*v), std::string("expected an integer, got ") + detail::kind_name(v->kind));
      return std::nullopt;
    }
    const std::string& t = v->text;
    bool digits = !t.empty() && t.size() <= 10;
    for (std::size_t i = t[0] == '-' ? 1 : 0; i < t.size(); ++i)
      digits = digits && t[i] >= '0' && t[i] <= '9';
    if (!digits) {
      add(path, t, "expected an integer of at most 9 digits");
      return std::nullopt;
    }
    return std::stoll(t);
  }
  std::optional<bool> boolean(const JsonValue* v, const std::string& path) {
    if (!v) return std::nullopt;
    if (!v->is_bool()) {
      add(path, shown(*v), std::string("expected true or false, got ") + detail::kind_name(v->kind));
      return std::nullopt;
    }
    return v->boolean;
  }
  std::optional<Date> date(const JsonValue* v, const std::string& path) {
    auto t = string(v, path);
    if (!t) return std::nullopt;
    return guarded<Date>(path, *t, [&] { return Date::parse(*t); });
  }
  template <class E>
  std::optional<E> choice(const JsonValue* v, const std::string& path, const Names<E>& names) {
    auto t = string(v, path);
    if (!t) return std::nullopt;
    for (const auto& [n, e] : names.items)
      if (n == *t) return e;
    add(path, *t, "expected one of " + names.list());
    return std::nullopt;
  }
  // Calls each(item, item_path) for every element of an array field.
  void array(const JsonValue* v, const std::string& path,
             const std::function<void(const JsonValue&, const std::string&)>& each) {
    if (!v) return;
    if (!v->is_array()) {
      add(path, shown(*v), std::string("expected an array, got ") + detail::kind_name(v->kind));
      return;
    }
    for (std::size_t i = 0; i < v->items.size(); ++i) each(v->items[i], path + "[" + std::to_string(i) + "]");
  }
  template <class E>
  std::vector<E> choices(const JsonValue* v, const std::string& path, const Names<E>& names) {
    std::vector<E> out;
    array(v, path, [&](const JsonValue& item, const std::string& p) {
      if (auto e = choice(&item, p, names)) out.push_back(*e);
    });
    return out;
  }
  std::vector<int32_t> codes(const JsonValue* v, const std::string& path) {
    std::vector<int32_t> out;
    array(v, path, [&](const JsonValue& item, const std::string& p) {
      if (auto i = integer(&item, p)) {
        if (*i < 0 || *i > INT32_MAX)
          add(p, item.text, "product codes are non-negative 32-bit integers");
        else
          out.push_back(int32_t(*i));
      }
    });
    return out;
  }
  int32_t days(const JsonValue* v, const std::string& path, int32_t fallback) {
    auto i = integer(v, path);
    if (!i) return fallback;
    if (*i < INT32_MIN || *i > INT32_MAX) {
      add(path, v->text, "out of range");
      return fallback;
    }
    return int32_t(*i);
  }

  // ---- sections ---------------------------------------------------------

  Measure measure(const JsonValue& v, const std::string& p) {
    Measure m;
    if (!object(v, p, {"id", "aggregation", "deal_types", "products", "credit_kinds", "multipliers"}))
      return m;
    m.id = string(field(v, "id", p, true), p + ".id").value_or("");
    m.aggregation = choice(field(v, "aggregation", p, false), p + ".aggregation", kAggregations)
                        .value_or(MeasureAggregation::Sum);
    m.deal_types = choices(field(v, "deal_types", p, false), p + ".deal_types", kDealTypes);
    m.products = codes(field(v, "products", p, false), p + ".products");
    m.credit_kinds = choices(field(v, "credit_kinds", p, false), p + ".credit_kinds", kCreditKinds);
    array(field(v, "multipliers", p, false), p + ".multipliers",
          [&](const JsonValue& mv, const std::string& mp) {
            MeasureMultiplier mm;
            if (!object(mv, mp, {"deal_types", "products", "min_term_months", "factor"})) return;
            mm.deal_types = choices(field(mv, "deal_types", mp, false), mp + ".deal_types", kDealTypes);
            mm.products = codes(field(mv, "products", mp, false), mp + ".products");
            mm.min_term_months = days(field(mv, "min_term_months", mp, false), mp + ".min_term_months", 0);
            mm.factor = rate(field(mv, "factor", mp, true), mp + ".factor").value_or(Rate::from_int(1));
            m.multipliers.push_back(mm);
          });
    return m;
  }

  // A bound in the table's unit: attainment (Rate raw) or money (minor units).
  std::optional<int64_t> bound(const JsonValue* v, const std::string& p, TierBasis basis) {
    if (basis == TierBasis::Attainment) {
      auto r = rate(v, p);
      return r ? std::optional<int64_t>(r->raw()) : std::nullopt;
    }
    auto m = money(v, p);
    return m ? std::optional<int64_t>(m->minor_units()) : std::nullopt;
  }

  TierTable table(const JsonValue& v, const std::string& p) {
    TierTable t;
    t.basis = choice(field(v, "basis", p, false), p + ".basis", kTierBases).value_or(TierBasis::Attainment);
    t.mode = choice(field(v, "mode", p, false), p + ".mode", kTierModes).value_or(TierMode::Marginal);
    t.edge = choice(field(v, "edge", p, false), p + ".edge", kEdges).value_or(BandEdge::LowerInclusive);
    t.hybrid_threshold = bound(field(v, "hybrid_threshold", p, false), p + ".hybrid_threshold", t.basis);
    array(field(v, "tiers", p, true), p + ".tiers", [&](const JsonValue& tv, const std::string& tp) {
      Tier tier;
      if (!object(tv, tp, {"from", "to", "rate", "rate_to"})) return;
      tier.from = bound(field(tv, "from", tp, true), tp + ".from", t.basis).value_or(0);
      tier.to = bound(field(tv, "to", tp, false), tp + ".to", t.basis);
      tier.rate = rate(field(tv, "rate", tp, true), tp + ".rate").value_or(Rate());
      tier.rate_to = rate(field(tv, "rate_to", tp, false), tp + ".rate_to");
      t.tiers.push_back(tier);
    });
    return t;
  }

  std::optional<Gate> gate(const JsonValue* v, const std::string& p) {
    if (!v || !object(*v, p, {"measure", "basis", "level", "accumulation", "effect"})) return std::nullopt;
    Gate g;
    g.measure = string(field(*v, "measure", p, false), p + ".measure").value_or("");
    g.basis = choice(field(*v, "basis", p, false), p + ".basis", kGateBases).value_or(GateBasis::Attainment);
    const JsonValue* level = field(*v, "level", p, true);
    g.level = bound(level, p + ".level",
                    g.basis == GateBasis::Attainment ? TierBasis::Attainment : TierBasis::Amount)
                  .value_or(0);
    g.accumulation = choice(field(*v, "accumulation", p, false), p + ".accumulation", kAccumulations)
                         .value_or(Accumulation::Period);
    g.effect =
        choice(field(*v, "effect", p, false), p + ".effect", kGateEffects).value_or(GateEffect::NoPayout);
    return g;
  }

  Caps caps(const JsonValue* v, const std::string& p) {
    Caps c;
    if (!v || !object(*v, p, {"per_deal", "per_period", "per_year", "attainment", "soft"})) return c;
    c.per_deal = money(field(*v, "per_deal", p, false), p + ".per_deal");
    c.per_period = money(field(*v, "per_period", p, false), p + ".per_period");
    c.per_year = money(field(*v, "per_year", p, false), p + ".per_year");
    c.attainment = rate(field(*v, "attainment", p, false), p + ".attainment");
    if (const JsonValue* s = field(*v, "soft", p, false);
        s && object(*s, p + ".soft", {"level", "multiplier"})) {
      SoftCap soft;
      soft.level = rate(field(*s, "level", p + ".soft", true), p + ".soft.level").value_or(Rate());
      soft.multiplier =
          rate(field(*s, "multiplier", p + ".soft", true), p + ".soft.multiplier").value_or(Rate());
      c.soft = soft;
    }
    return c;
  }

  PayCurve curve(const JsonValue& v, const std::string& p) {
    PayCurve c;
    if (!object(v, p, {"points", "beyond"})) return c;
    c.beyond = choice(field(v, "beyond", p, false), p + ".beyond", kBeyond).value_or(CurveBeyond::Flat);
    array(field(v, "points", p, true), p + ".points", [&](const JsonValue& pv, const std::string& pp) {
      if (!object(pv, pp, {"attainment", "factor"})) return;
      CurvePoint pt;
      pt.attainment = rate(field(pv, "attainment", pp, true), pp + ".attainment").value_or(Rate());
      pt.factor = rate(field(pv, "factor", pp, true), pp + ".factor").value_or(Rate());
      c.points.push_back(pt);
    });
    return c;
  }

  std::optional<Component> component(const JsonValue& v, const std::string& p) {
    if (!v.is_object()) {
      add(p, shown(v), "expected an object");
      return std::nullopt;
    }
    const auto type = string(field(v, "type", p, true), p + ".type");
    if (!type) return std::nullopt;
    Component c;
    c.id = string(field(v, "id", p, true), p + ".id").value_or("");
    auto get = [&](std::string_view key, bool required = false) { return field(v, key, p, required); };
    auto path = [&](std::string_view key) { return p + "." + std::string(key); };
    if (*type == "flat_rate" || *type == "tiered") {
      const bool tiered = *type == "tiered";
      if (tiered)
        object(v, p,
               {"id", "type", "measure", "basis", "mode", "edge", "hybrid_threshold", "tiers", "accumulation",
                "adjustments", "gate", "caps", "kicker"});
      else
        object(v, p,
               {"id", "type", "measure", "rate", "accumulation", "adjustments", "gate", "caps", "kicker"});
      RateComponent r;
      r.measure = string(get("measure", true), path("measure")).value_or("");
      if (tiered)
        r.table = table(v, p);
      else
        r.rate = rate(get("rate", true), path("rate")).value_or(Rate());
      r.accumulation =
          choice(get("accumulation"), path("accumulation"), kAccumulations).value_or(Accumulation::Period);
      array(get("adjustments"), path("adjustments"), [&](const JsonValue& av, const std::string& ap) {
        if (!object(av, ap, {"direction", "level", "multiplier", "scope"})) return;
        RateAdjustment a;
        a.direction = choice(field(av, "direction", ap, true), ap + ".direction", kDirections)
                          .value_or(AdjustmentDirection::Above);
        a.level = rate(field(av, "level", ap, true), ap + ".level").value_or(Rate());
        a.multiplier =
            rate(field(av, "multiplier", ap, true), ap + ".multiplier").value_or(Rate::from_int(1));
        a.scope =
            choice(field(av, "scope", ap, false), ap + ".scope", kAdjScopes).value_or(AdjustmentScope::Band);
        r.adjustments.push_back(a);
      });
      r.gate = gate(get("gate"), path("gate"));
      r.caps = caps(get("caps"), path("caps"));
      if (const JsonValue* k = get("kicker"); k && object(*k, path("kicker"), {"level", "multiplier"})) {
        Kicker kick;
        kick.level =
            rate(field(*k, "level", path("kicker"), true), path("kicker") + ".level").value_or(Rate());
        kick.multiplier = rate(field(*k, "multiplier", path("kicker"), true), path("kicker") + ".multiplier")
                              .value_or(Rate::from_int(1));
        r.kicker = kick;
      }
      c.spec = std::move(r);
    } else if (*type == "target_incentive") {
      object(v, p, {"id", "type", "measure", "target", "curve", "accumulation", "gate", "caps"});
      TargetIncentiveComponent t;
      t.measure = string(get("measure", true), path("measure")).value_or("");
      t.target = money(get("target", true), path("target")).value_or(Money::zero(currency));
      if (const JsonValue* cv = get("curve", true)) t.curve = curve(*cv, path("curve"));
      t.accumulation =
          choice(get("accumulation"), path("accumulation"), kAccumulations).value_or(Accumulation::Period);
      t.gate = gate(get("gate"), path("gate"));
      t.caps = caps(get("caps"), path("caps"));
      c.spec = std::move(t);
    } else if (*type == "per_unit") {
      object(v, p, {"id", "type", "measure", "amount_per_unit", "caps"});
      PerUnitComponent u;
      u.measure = string(get("measure", true), path("measure")).value_or("");
      u.amount_per_unit =
          money(get("amount_per_unit", true), path("amount_per_unit")).value_or(Money::zero(currency));
      u.caps = caps(get("caps"), path("caps"));
      c.spec = std::move(u);
    } else if (*type == "milestone_bonus") {
      object(v, p, {"id", "type", "measure", "accumulation", "milestones"});
      MilestoneComponent m;
      m.measure = string(get("measure", true), path("measure")).value_or("");
      m.accumulation = choice(get("accumulation"), path("accumulation"), kAccumulations)
                           .value_or(Accumulation::YearToDate);
      array(get("milestones", true), path("milestones"), [&](const JsonValue& mv, const std::string& mp) {
        if (!object(mv, mp, {"id", "attainment", "amount"})) return;
        Milestone s;
        s.id = string(field(mv, "id", mp, true), mp + ".id").value_or("");
        s.attainment = rate(field(mv, "attainment", mp, true), mp + ".attainment").value_or(Rate());
        s.amount = money(field(mv, "amount", mp, true), mp + ".amount").value_or(Money::zero(currency));
        m.milestones.push_back(s);
      });
      c.spec = std::move(m);
    } else if (*type == "spif") {
      object(v, p,
             {"id", "type", "deal_types", "products", "from", "to", "min_credit", "amount_per_deal", "rate"});
      SpifComponent s;
      s.deal_types = choices(get("deal_types"), path("deal_types"), kDealTypes);
      s.products = codes(get("products"), path("products"));
      s.from = date(get("from", true), path("from")).value_or(Date());
      s.to = date(get("to", true), path("to")).value_or(s.from);
      s.min_credit = money(get("min_credit"), path("min_credit"));
      s.amount_per_deal = money(get("amount_per_deal"), path("amount_per_deal"));
      s.rate = rate(get("rate"), path("rate"));
      c.spec = std::move(s);
    } else if (*type == "mbo") {
      object(v, p, {"id", "type", "target", "objectives", "max_achievement"});
      MboComponent m;
      m.target = money(get("target", true), path("target")).value_or(Money::zero(currency));
      array(get("objectives", true), path("objectives"), [&](const JsonValue& ov, const std::string& op) {
        if (!object(ov, op, {"id", "weight"})) return;
        Objective o;
        o.id = string(field(ov, "id", op, true), op + ".id").value_or("");
        o.weight = rate(field(ov, "weight", op, true), op + ".weight").value_or(Rate());
        m.objectives.push_back(o);
      });
      m.max_achievement = rate(get("max_achievement"), path("max_achievement")).value_or(Rate::from_int(1));
      c.spec = std::move(m);
    } else if (*type == "manager_override") {
      object(v, p, {"id", "type", "measure", "basis", "rate", "threshold", "target", "curve"});
      OverrideComponent o;
      o.measure = string(get("measure", true), path("measure")).value_or("");
      o.basis = choice(get("basis"), path("basis"), kOverrideBases).value_or(OverrideBasis::FirstDollar);
      o.rate = rate(get("rate"), path("rate"));
      o.threshold = money(get("threshold"), path("threshold"));
      o.target = money(get("target"), path("target"));
      if (const JsonValue* cv = get("curve")) o.curve = curve(*cv, path("curve"));
      c.spec = std::move(o);
    } else if (*type == "draw") {
      object(v, p, {"id", "type", "kind", "amount", "term_periods", "forgive_at_term_end"});
      DrawComponent d;
      d.kind = choice(get("kind", true), path("kind"), kDrawKinds).value_or(DrawKind::RecoverableDraw);
      d.amount = money(get("amount", true), path("amount")).value_or(Money::zero(currency));
      d.term_periods = days(get("term_periods", true), path("term_periods"), 1);
      d.forgive_at_term_end =
          boolean(get("forgive_at_term_end"), path("forgive_at_term_end")).value_or(false);
      c.spec = std::move(d);
    } else if (*type == "clawback") {
      object(v, p, {"id", "type", "window_days", "window_end", "method", "steps", "reverse_attainment"});
      ClawbackComponent k;
      k.window_days = days(get("window_days", true), path("window_days"), 0);
      k.window_end =
          choice(get("window_end"), path("window_end"), kWindowEnds).value_or(WindowEnd::Inclusive);
      k.method = choice(get("method"), path("method"), kClawbackMethods).value_or(ClawbackMethod::Full);
      array(get("steps"), path("steps"), [&](const JsonValue& sv, const std::string& sp) {
        if (!object(sv, sp, {"within_days", "share"})) return;
        ClawbackStep s;
        s.within_days = days(field(sv, "within_days", sp, true), sp + ".within_days", 0);
        s.share = rate(field(sv, "share", sp, true), sp + ".share").value_or(Rate());
        k.steps.push_back(s);
      });
      k.reverse_attainment = boolean(get("reverse_attainment"), path("reverse_attainment")).value_or(false);
      c.spec = std::move(k);
    } else {
      add(path("type"), *type,
          "unknown component type; expected one of flat_rate, tiered, target_incentive, per_unit, "
          "milestone_bonus, "
          "spif, mbo, manager_override, draw, clawback");
      return std::nullopt;
    }
    return c;
  }

  Plan plan(const JsonValue& doc) {
    Plan plan;
    const std::string p = "$";
    if (!object(doc, p, {"id", "currency", "period", "rounding", "payout_timing", "measures", "components"}))
      return plan;
    plan.id = string(field(doc, "id", p, true), "$.id").value_or("");
    if (auto code = string(field(doc, "currency", p, true), "$.currency")) {
      if (auto c = guarded<Currency>("$.currency", *code, [&] { return Currency::of(*code); })) {
        plan.currency = *c;
        currency = *c;
      }
    }
    plan.period = choice(field(doc, "period", p, true), "$.period", kPeriods).value_or(PlanPeriod::Quarter);
    if (const JsonValue* r = field(doc, "rounding", p, false);
        r && object(*r, "$.rounding", {"mode", "scope"})) {
      plan.rounding.mode = choice(field(*r, "mode", "$.rounding", false), "$.rounding.mode", kModes)
                               .value_or(RoundingMode::HalfEven);
      plan.rounding.scope = choice(field(*r, "scope", "$.rounding", false), "$.rounding.scope", kScopes)
                                .value_or(RoundingScope::PerLine);
    }
    if (const JsonValue* t = field(doc, "payout_timing", p, false);
        t && object(*t, "$.payout_timing", {"basis", "holdback"})) {
      plan.payout_timing.basis =
          choice(field(*t, "basis", "$.payout_timing", false), "$.payout_timing.basis", kPayoutBases)
              .value_or(PayoutBasis::Booking);
      const std::string hp = "$.payout_timing.holdback";
      if (const JsonValue* h = field(*t, "holdback", "$.payout_timing", false);
          h && object(*h, hp, {"share", "release_after_days"})) {
        Holdback hb;
        hb.share = rate(field(*h, "share", hp, true), hp + ".share").value_or(Rate());
        hb.release_after_days =
            days(field(*h, "release_after_days", hp, true), hp + ".release_after_days", 0);
        plan.payout_timing.holdback = hb;
      }
    }
    array(field(doc, "measures", p, true), "$.measures",
          [&](const JsonValue& v, const std::string& mp) { plan.measures.push_back(measure(v, mp)); });
    array(field(doc, "components", p, true), "$.components", [&](const JsonValue& v, const std::string& cp) {
      if (auto c = component(v, cp)) {
        plan.components.push_back(std::move(*c));
      } else {
        // Keeps indexes aligned with the document; its problems are reported.
        plan.components.push_back(Component{"", RateComponent{}});
        unreadable.push_back(cp);
      }
    });
    return plan;
  }
};

// ---- writer -------------------------------------------------------------

class Writer {
 public:
  std::string out;

  void raw(std::string_view s) { out += s; }
  void str(std::string_view s) {
    out += '"';
    for (char c : s) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
            out += buf;
          } else {
            out += c;
          }
      }
    }
    out += '"';
  }
  // Starts `"key": ` with the separating comma when needed.
  void key(std::string_view k) {
    if (!out.empty() && out.back() != '{' && out.back() != '[') out += ", ";
    str(k);
    out += ": ";
  }
  void item() {
    if (!out.empty() && out.back() != '[') out += ", ";
  }
  void kv(std::string_view k, std::string_view v) { key(k), str(v); }
  void kv_int(std::string_view k, int64_t v) { key(k), raw(std::to_string(v)); }
  void kv_bool(std::string_view k, bool v) { key(k), raw(v ? "true" : "false"); }
  void kv_rate(std::string_view k, Rate r) { kv(k, r.to_short_string()); }
  void kv_money(std::string_view k, const Money& m) { kv(k, m.to_string()); }
  template <class E>
  void kv_names(std::string_view k, const std::vector<E>& values, const Names<E>& names) {
    key(k), raw("[");
    for (E e : values) item(), str(name_of(names, e));
    raw("]");
  }
  void kv_codes(std::string_view k, const std::vector<int32_t>& values) {
    key(k), raw("[");
    for (int32_t v : values) item(), raw(std::to_string(v));
    raw("]");
  }
};

void write_bound(Writer& w, std::string_view k, int64_t v, TierBasis basis, Currency c) {
  if (basis == TierBasis::Attainment)
    w.kv_rate(k, Rate::from_raw(v));
  else
    w.kv_money(k, Money::from_minor(v, c));
}

void write_caps(Writer& w, const Caps& c) {
  w.key("caps"), w.raw("{");
  if (c.per_deal) w.kv_money("per_deal", *c.per_deal);
  if (c.per_period) w.kv_money("per_period", *c.per_period);
  if (c.per_year) w.kv_money("per_year", *c.per_year);
  if (c.attainment) w.kv_rate("attainment", *c.attainment);
  if (c.soft) {
    w.key("soft"), w.raw("{");
    w.kv_rate("level", c.soft->level), w.kv_rate("multiplier", c.soft->multiplier);
    w.raw("}");
  }
  w.raw("}");
}

void write_gate(Writer& w, const Gate& g, Currency c) {
  w.key("gate"), w.raw("{");
  if (!g.measure.empty()) w.kv("measure", g.measure);
  w.kv("basis", name_of(kGateBases, g.basis));
  write_bound(w, "level", g.level,
              g.basis == GateBasis::Attainment ? TierBasis::Attainment : TierBasis::Amount, c);
  w.kv("accumulation", name_of(kAccumulations, g.accumulation));
  w.kv("effect", name_of(kGateEffects, g.effect));
  w.raw("}");
}

void write_curve(Writer& w, const PayCurve& c) {
  w.key("curve"), w.raw("{");
  w.key("points"), w.raw("[");
  for (const CurvePoint& p : c.points) {
    w.item(), w.raw("{");
    w.kv_rate("attainment", p.attainment), w.kv_rate("factor", p.factor);
    w.raw("}");
  }
  w.raw("]");
  w.kv("beyond", name_of(kBeyond, c.beyond));
  w.raw("}");
}

void write_component(Writer& w, const Component& comp, Currency cur) {
  w.item(), w.raw("{");
  w.kv("id", comp.id);
  w.kv("type", component_type(comp));
  if (const auto* r = std::get_if<RateComponent>(&comp.spec)) {
    w.kv("measure", r->measure);
    if (r->rate) w.kv_rate("rate", *r->rate);
    if (r->table) {
      const TierTable& t = *r->table;
      w.kv("basis", name_of(kTierBases, t.basis));
      w.kv("mode", name_of(kTierModes, t.mode));
      w.kv("edge", name_of(kEdges, t.edge));
      if (t.hybrid_threshold) write_bound(w, "hybrid_threshold", *t.hybrid_threshold, t.basis, cur);
      w.key("tiers"), w.raw("[");
      for (const Tier& tier : t.tiers) {
        w.item(), w.raw("{");
        write_bound(w, "from", tier.from, t.basis, cur);
        if (tier.to) write_bound(w, "to", *tier.to, t.basis, cur);
        w.kv_rate("rate", tier.rate);
        if (tier.rate_to) w.kv_rate("rate_to", *tier.rate_to);
        w.raw("}");
      }
      w.raw("]");
    }
    w.kv("accumulation", name_of(kAccumulations, r->accumulation));
    w.key("adjustments"), w.raw("[");
    for (const RateAdjustment& a : r->adjustments) {
      w.item(), w.raw("{");
      w.kv("direction", name_of(kDirections, a.direction));
      w.kv_rate("level", a.level), w.kv_rate("multiplier", a.multiplier);
      w.kv("scope", name_of(kAdjScopes, a.scope));
      w.raw("}");
    }
    w.raw("]");
    if (r->gate) write_gate(w, *r->gate, cur);
    write_caps(w, r->caps);
    if (r->kicker) {
      w.key("kicker"), w.raw("{");
      w.kv_rate("level", r->kicker->level), w.kv_rate("multiplier", r->kicker->multiplier);
      w.raw("}");
    }
  } else if (const auto* t = std::get_if<TargetIncentiveComponent>(&comp.spec)) {
    w.kv("measure", t->measure);
    w.kv_money("target", t->target);
    write_curve(w, t->curve);
    w.kv("accumulation", name_of(kAccumulations, t->accumulation));
    if (t->gate) write_gate(w, *t->gate, cur);
    write_caps(w, t->caps);
  } else if (const auto* u = std::get_if<PerUnitComponent>(&comp.spec)) {
    w.kv("measure", u->measure);
    w.kv_money("amount_per_unit", u->amount_per_unit);
    write_caps(w, u->caps);
  } else if (const auto* m = std::get_if<MilestoneComponent>(&comp.spec)) {
    w.kv("measure", m->measure);
    w.kv("accumulation", name_of(kAccumulations, m->accumulation));
    w.key("milestones"), w.raw("[");
    for (const Milestone& s : m->milestones) {
      w.item(), w.raw("{");
      w.kv("id", s.id), w.kv_rate("attainment", s.attainment), w.kv_money("amount", s.amount);
      w.raw("}");
    }
    w.raw("]");
  } else if (const auto* s = std::get_if<SpifComponent>(&comp.spec)) {
    w.kv_names("deal_types", s->deal_types, kDealTypes);
    w.kv_codes("products", s->products);
    w.kv("from", s->from.to_string()), w.kv("to", s->to.to_string());
    if (s->min_credit) w.kv_money("min_credit", *s->min_credit);
    if (s->amount_per_deal) w.kv_money("amount_per_deal", *s->amount_per_deal);
    if (s->rate) w.kv_rate("rate", *s->rate);
  } else if (const auto* b = std::get_if<MboComponent>(&comp.spec)) {
    w.kv_money("target", b->target);
    w.key("objectives"), w.raw("[");
    for (const Objective& o : b->objectives) {
      w.item(), w.raw("{");
      w.kv("id", o.id), w.kv_rate("weight", o.weight);
      w.raw("}");
    }
    w.raw("]");
    w.kv_rate("max_achievement", b->max_achievement);
  } else if (const auto* o = std::get_if<OverrideComponent>(&comp.spec)) {
    w.kv("measure", o->measure);
    w.kv("basis", name_of(kOverrideBases, o->basis));
    if (o->rate) w.kv_rate("rate", *o->rate);
    if (o->threshold) w.kv_money("threshold", *o->threshold);
    if (o->target) w.kv_money("target", *o->target);
    if (o->curve) write_curve(w, *o->curve);
  } else if (const auto* d = std::get_if<DrawComponent>(&comp.spec)) {
    w.kv("kind", name_of(kDrawKinds, d->kind));
    w.kv_money("amount", d->amount);
    w.kv_int("term_periods", d->term_periods);
    w.kv_bool("forgive_at_term_end", d->forgive_at_term_end);
  } else if (const auto* k = std::get_if<ClawbackComponent>(&comp.spec)) {
    w.kv_int("window_days", k->window_days);
    w.kv("window_end", name_of(kWindowEnds, k->window_end));
    w.kv("method", name_of(kClawbackMethods, k->method));
    if (!k->steps.empty()) {
      w.key("steps"), w.raw("[");
      for (const ClawbackStep& s : k->steps) {
        w.item(), w.raw("{");
        w.kv_int("within_days", s.within_days), w.kv_rate("share", s.share);
        w.raw("}");
      }
      w.raw("]");
    }
    w.kv_bool("reverse_attainment", k->reverse_attainment);
  }
  w.raw("}");
}

}  // namespace

Plan plan_from_json(const detail::JsonValue& document) {
  Reader reader;
  Plan plan = reader.plan(document);
  // Semantic checks only make sense on what was read; structural problems
  // come first, then the semantic ones not already reported at the same path.
  // `parent` covers `child` when child is parent or lies inside it.
  auto covers = [](const std::string& parent, const std::string& child) {
    return child.rfind(parent, 0) == 0 &&
           (child.size() == parent.size() || child[parent.size()] == '.' || child[parent.size()] == '[');
  };
  std::vector<Issue> issues = std::move(reader.issues);
  const std::size_t structural = issues.size();
  for (Issue& i : plan_issues(plan)) {
    bool duplicate = false;
    for (std::size_t k = 0; k < structural; ++k) duplicate = duplicate || covers(issues[k].field, i.field);
    for (const std::string& u : reader.unreadable) duplicate = duplicate || covers(u, i.field);
    if (!duplicate) issues.push_back(std::move(i));
  }
  if (!issues.empty()) throw ValidationError("SC-PLAN-INVALID", std::move(issues));
  return plan;
}

Plan plan_from_json(std::string_view json_text) { return plan_from_json(detail::parse_json(json_text)); }

std::string plan_to_json(const Plan& plan) {
  Writer w;
  w.raw("{");
  w.kv("id", plan.id);
  w.kv("currency", plan.currency.code());
  w.kv("period", name_of(kPeriods, plan.period));
  w.key("rounding"), w.raw("{");
  w.kv("mode", name_of(kModes, plan.rounding.mode)), w.kv("scope", name_of(kScopes, plan.rounding.scope));
  w.raw("}");
  w.key("payout_timing"), w.raw("{");
  w.kv("basis", name_of(kPayoutBases, plan.payout_timing.basis));
  if (const auto& h = plan.payout_timing.holdback) {
    w.key("holdback"), w.raw("{");
    w.kv_rate("share", h->share), w.kv_int("release_after_days", h->release_after_days);
    w.raw("}");
  }
  w.raw("}");
  w.key("measures"), w.raw("[");
  for (const Measure& m : plan.measures) {
    w.item(), w.raw("{");
    w.kv("id", m.id);
    w.kv("aggregation", name_of(kAggregations, m.aggregation));
    w.kv_names("deal_types", m.deal_types, kDealTypes);
    w.kv_codes("products", m.products);
    w.kv_names("credit_kinds", m.credit_kinds, kCreditKinds);
    w.key("multipliers"), w.raw("[");
    for (const MeasureMultiplier& mm : m.multipliers) {
      w.item(), w.raw("{");
      w.kv_names("deal_types", mm.deal_types, kDealTypes);
      w.kv_codes("products", mm.products);
      w.kv_int("min_term_months", mm.min_term_months);
      w.kv_rate("factor", mm.factor);
      w.raw("}");
    }
    w.raw("]}");
  }
  w.raw("]");
  w.key("components"), w.raw("[");
  for (const Component& c : plan.components) write_component(w, c, plan.currency);
  w.raw("]}");
  return w.out;
}

}  // namespace salescomp
