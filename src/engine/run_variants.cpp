// run_variants: the period run under several plan variants in one call. The
// per-person work is the period run's own (period_run_variations.hpp); this
// file builds the variants' plan sets and quotas, collects the statement
// totals and computes what the pay-versus-attainment curve needs.
#include "salescomp/engine/run_variants.hpp"

#include <algorithm>
#include <map>

#include "period_run_variations.hpp"
#include "salescomp/core/error.hpp"
#include "salescomp/core/money_products.hpp"

namespace salescomp {

namespace {

// The base plans with the variant's replacements (same ids, base order).
std::vector<Plan> variant_plan_set(const std::vector<Plan>& base, const PlanVariant& v) {
  std::vector<Plan> out = base;
  std::vector<Issue> issues;
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < v.plans.size(); ++i) {
    const Plan& p = v.plans[i];
    const std::string field = "variants[" + v.name + "].plans[" + std::to_string(i) + "].id";
    if (std::find(seen.begin(), seen.end(), p.id) != seen.end()) {
      issues.push_back(Issue{std::nullopt, field, p.id, "a variant replaces each plan at most once"});
      continue;
    }
    seen.push_back(p.id);
    auto it = std::find_if(out.begin(), out.end(), [&](const Plan& b) { return b.id == p.id; });
    if (it == out.end())
      issues.push_back(Issue{std::nullopt, field, p.id, "no plan of the base run has this id"});
    else
      *it = p;
  }
  if (!issues.empty()) throw ValidationError("SC-RUN-VARIANT", std::move(issues));
  return out;
}

// Every quota x factor, rounded half-even to its currency's minor unit once.
std::vector<QuotaEntry> scaled_quotas(const std::vector<QuotaEntry>& base, Rate factor,
                                      const std::string& name) {
  std::vector<QuotaEntry> out = base;
  for (std::size_t i = 0; i < out.size(); ++i) {
    try {
      out[i].amount = multiply(out[i].amount, factor, RoundingMode::HalfEven);
    } catch (const OverflowError& e) {
      throw ValidationError("SC-RUN-VARIANT", Issue{int64_t(i), "variants[" + name + "].quota_factor",
                                                    factor.to_string(), e.what()});
    }
  }
  return out;
}

// Per person of `people`: the first quota row and the credits of the period
// in its currency.
void curve_inputs(const RunInput& in, VariantsResult& r) {
  const std::size_t n = r.people.size();
  r.quota.assign(n, 0);
  r.quota_currency.assign(n, Currency{});
  r.credited.assign(n, 0);
  if (n == 0) return;
  std::vector<int32_t> slot(std::size_t(r.people.back()) + 1, -1);
  for (std::size_t k = 0; k < n; ++k) slot[std::size_t(r.people[k])] = int32_t(k);
  auto slot_of = [&](int32_t person) {
    return person < 0 || std::size_t(person) >= slot.size() ? -1 : slot[std::size_t(person)];
  };
  std::vector<uint8_t> has_quota(n, 0);
  for (const QuotaEntry& q : in.quotas)
    if (const int32_t k = slot_of(q.person); k >= 0 && !has_quota[std::size_t(k)]) {
      has_quota[std::size_t(k)] = 1;
      r.quota[std::size_t(k)] = q.amount.minor_units();
      r.quota_currency[std::size_t(k)] = q.amount.currency();
    }
  const CreditTable& t = *in.credits;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const int32_t k = slot_of(t.person[i]);
    if (k < 0 || !has_quota[std::size_t(k)] || t.date[i] < in.period.start || t.date[i] > in.period.end ||
        !(t.currency[i] == r.quota_currency[std::size_t(k)]))
      continue;
    int64_t& sum = r.credited[std::size_t(k)];
    if (__builtin_add_overflow(sum, t.amount[i], &sum))
      throw OverflowError("SC-OVERFLOW", "credits of person " + std::to_string(t.person[i]) +
                                             " in the period do not fit in 64 bits of minor units");
  }
}

}  // namespace

VariantsResult run_variants(const RunInput& base, const std::vector<PlanVariant>& variants,
                            const RunState& prior, int threads) {
  for (std::size_t v = 0; v < variants.size(); ++v)
    for (std::size_t w = 0; w < v; ++w)
      if (variants[w].name == variants[v].name)
        throw ValidationError("SC-RUN-VARIANT", Issue{int64_t(v), "variants.name", variants[v].name,
                                                      "variant names must be unique"});
  // Plan sets per variant; scaled quotas once per distinct factor.
  std::vector<std::vector<Plan>> plan_sets;
  plan_sets.reserve(variants.size());
  std::map<int64_t, std::vector<QuotaEntry>> quotas_by_factor;
  std::vector<detail::RunVariation> variations(variants.size());
  for (std::size_t v = 0; v < variants.size(); ++v) {
    plan_sets.push_back(variant_plan_set(base.plans, variants[v]));
    variations[v].plans = &plan_sets.back();
    if (const auto& f = variants[v].quota_factor; f && f->raw() != Rate::kOne) {
      if (f->raw() <= 0)
        throw ValidationError("SC-RUN-VARIANT",
                              Issue{int64_t(v), "variants[" + variants[v].name + "].quota_factor",
                                    f->to_string(), "a quota factor must be positive"});
      auto it = quotas_by_factor.find(f->raw());
      if (it == quotas_by_factor.end())
        it = quotas_by_factor.emplace(f->raw(), scaled_quotas(base.quotas, *f, variants[v].name)).first;
      variations[v].quotas = &it->second;
    }
  }
  VariantsResult r;
  r.variants.resize(variants.size());
  // Statement totals by (person slot k, variant v) at k * V + v; the slots
  // are at most the distinct people assigned a plan.
  const std::size_t nv = variants.size();
  std::vector<int32_t> assigned;
  for (const PlanAssignment& a : base.assignments) assigned.push_back(a.person);
  std::sort(assigned.begin(), assigned.end());
  assigned.erase(std::unique(assigned.begin(), assigned.end()), assigned.end());
  std::vector<int64_t> total(assigned.size() * nv, 0);
  std::vector<Currency> currency(assigned.size() * nv, Currency{});
  r.people = detail::run_period_variations(base, variations, prior, threads,
                                           [&](std::size_t k, std::size_t v, const Statement& s) {
                                             total[k * nv + v] = s.total.minor_units();
                                             currency[k * nv + v] = s.total.currency();
                                           });
  const std::size_t n = r.people.size();
  for (std::size_t v = 0; v < nv; ++v) {
    VariantPayouts& p = r.variants[v];
    p.name = variants[v].name;
    p.total.resize(n);
    p.currency.resize(n);
    std::map<Currency, Money> sums;
    for (std::size_t k = 0; k < n; ++k) {
      p.total[k] = total[k * nv + v];
      p.currency[k] = currency[k * nv + v];
      auto [it, added] = sums.try_emplace(p.currency[k], Money::zero(p.currency[k]));
      it->second += Money::from_minor(p.total[k], p.currency[k]);
    }
    for (const auto& [c, m] : sums) p.totals.push_back(m);
  }
  curve_inputs(base, r);
  return r;
}

}  // namespace salescomp
