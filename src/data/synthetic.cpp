#include "salescomp/data/synthetic.hpp"

#include <algorithm>

namespace salescomp {

namespace {
// splitmix64: tiny, fast, and identical everywhere.
struct SyntheticRng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) (the modulo bias is irrelevant for test data).
  uint64_t below(uint64_t n) { return next() % n; }
  bool percent(int p) { return int(below(100)) < p; }
};
}  // namespace

SyntheticData make_synthetic(const SyntheticSpec& spec) {
  SyntheticRng rng{spec.seed};
  const int32_t n = std::max<int32_t>(spec.people, 2);
  const int f = std::max(spec.fanout, 2);
  const Currency usd = Currency::of("USD"), eur = Currency::of("EUR");
  const Date year_first = Date::from_ymd(spec.fiscal_year, 1, 1);
  const Date july = Date::from_ymd(spec.fiscal_year, 7, 1);

  // Level-order tree: the manager of i is (i - 1) / f, always a smaller index,
  // so no move below can make a cycle.
  std::vector<int> depth(std::size_t(n), 0);
  std::vector<char> has_reports(std::size_t(n), 0);
  for (int32_t i = 1; i < n; ++i) {
    depth[std::size_t(i)] = depth[std::size_t((i - 1) / f)] + 1;
    has_reports[std::size_t((i - 1) / f)] = 1;
  }
  Roster roster;
  for (int32_t i = 0; i < n; ++i) {
    Role role = Role::AccountExecutive;
    if (i == 0)
      role = Role::Cro;
    else if (has_reports[std::size_t(i)])
      role = depth[std::size_t(i)] == 1   ? Role::VpSales
             : depth[std::size_t(i)] == 2 ? Role::SalesDirector
                                          : Role::SalesManager;
    else if (i % 5 == 0)
      role = Role::Sdr;
    // A tenth of the people start during the year (ramping hires).
    const Date start = rng.percent(10) ? year_first.plus_days(int32_t(rng.below(300)))
                                       : Date::from_ymd(spec.fiscal_year - 2, 1, 1);
    roster.add("P" + std::to_string(i), role, start, std::nullopt, usd);
  }
  AssignmentColumns a;
  auto assign = [&](int32_t person, AssignmentField field, std::string value, Date from,
                    std::optional<Date> to) {
    a.person_id.push_back("P" + std::to_string(person));
    a.field.push_back(field);
    a.value.push_back(std::move(value));
    a.from.push_back(from);
    a.to.push_back(to);
  };
  const Date origin = Date::from_ymd(spec.fiscal_year - 2, 1, 1);
  for (int32_t i = 1; i < n; ++i) {
    const int32_t m = (i - 1) / f;
    const int32_t alt = m > 0 ? m - 1 : m;  // a smaller index: still acyclic
    const bool moves = alt != m && depth[std::size_t(alt)] == depth[std::size_t(m)] &&
                       rng.percent(spec.manager_move_percent);
    if (moves) {
      assign(i, AssignmentField::Manager, "P" + std::to_string(m), origin, july.plus_days(-1));
      assign(i, AssignmentField::Manager, "P" + std::to_string(alt), july, std::nullopt);
      assign(i, AssignmentField::Team, "T" + std::to_string(m), origin, july.plus_days(-1));
      assign(i, AssignmentField::Team, "T" + std::to_string(alt), july, std::nullopt);
    } else {
      assign(i, AssignmentField::Manager, "P" + std::to_string(m), origin, std::nullopt);
      assign(i, AssignmentField::Team, "T" + std::to_string(m), origin, std::nullopt);
    }
  }
  SyntheticData out{Organisation(std::move(roster), a), {}, {}, {}, {}, {}, FiscalCalendar()};

  std::vector<int32_t> reps, sdrs;
  for (int32_t i = 0; i < n; ++i) {
    const Role r = out.org.roster().role(i);
    if (r == Role::AccountExecutive) reps.push_back(i);
    if (r == Role::Sdr) sdrs.push_back(i);
  }
  if (reps.empty()) reps.push_back(n - 1);
  if (sdrs.empty()) sdrs.push_back(0);

  DealTable& d = out.deals;
  const auto count = std::size_t(spec.deals);
  d.id.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const int32_t owner = reps[rng.below(reps.size())];
    const uint64_t t = rng.below(10);
    const DealType type = t < 6 ? DealType::NewBusiness : t < 8 ? DealType::Renewal : DealType::Upsell;
    d.id.push_back(int64_t(i) + 1);
    d.owner.push_back(owner);
    d.close_date.push_back(year_first.plus_days(int32_t(rng.below(365))));
    d.invoice_date.emplace_back();
    d.collection_date.emplace_back();
    d.cancellation_date.emplace_back();
    d.amount.push_back(int64_t(100000 + rng.below(10000000)));  // 1,000.00 .. 101,000.00
    d.currency.push_back(rng.percent(spec.foreign_percent) ? eur : usd);
    d.type.push_back(type);
    d.product.push_back(int32_t(rng.below(20)));
    d.customer.push_back(int32_t(rng.below(100000)));
    const bool sdr = type == DealType::NewBusiness && rng.percent(spec.sdr_percent);
    d.source.push_back(sdr ? DealSource::Sdr : DealSource::Sales);
    d.source_person.push_back(sdr ? sdrs[rng.below(sdrs.size())] : -1);
    d.term_months.push_back(12);
    if (rng.percent(spec.split_percent)) {
      int32_t other = reps[rng.below(reps.size())];
      if (other == owner)
        other =
            reps[(std::size_t(std::find(reps.begin(), reps.end(), owner) - reps.begin()) + 1) % reps.size()];
      if (other != owner && rng.percent(50)) {
        int32_t third = reps[rng.below(reps.size())];
        if (third != owner && third != other) {
          // Thirds as exact Rates: 0.333333333334 + 2 x 0.333333333333 = 1.
          out.splits.add(int64_t(i), owner, Rate::from_raw(333333333334), SplitKind::Revenue);
          out.splits.add(int64_t(i), other, Rate::from_raw(333333333333), SplitKind::Revenue);
          out.splits.add(int64_t(i), third, Rate::from_raw(333333333333), SplitKind::Revenue);
        } else {
          out.splits.add(int64_t(i), owner, Rate::parse("0.6"), SplitKind::Revenue);
          out.splits.add(int64_t(i), other, Rate::parse("0.4"), SplitKind::Revenue);
        }
      } else if (other != owner) {
        out.splits.add(int64_t(i), owner, Rate::parse("0.5"), SplitKind::Revenue);
        out.splits.add(int64_t(i), other, Rate::parse("0.5"), SplitKind::Revenue);
      }
    }
    if (rng.percent(spec.overlay_percent))
      out.splits.add(int64_t(i), int32_t(rng.below(uint64_t(n))), Rate::parse("0.1"), SplitKind::Overlay);
  }
  for (int m = 1; m <= 12; ++m)
    out.fx.add(eur, usd, Date::from_ymd(spec.fiscal_year, unsigned(m), 1),
               Rate::from_raw(1'080'000'000'000 + int64_t(m) * 1'000'000'000));
  out.fx.add(eur, usd, Date::from_ymd(spec.fiscal_year - 3, 1, 1), Rate::parse("1.1"));

  CreditRuleSet& r = out.rules;
  r.add(CreditRuleSet::defaults_for(CreditKind::Direct));
  r.add(CreditRuleSet::defaults_for(CreditKind::RevenueSplit));
  r.add(CreditRuleSet::defaults_for(CreditKind::Overlay));
  r.add(CreditRuleSet::defaults_for(CreditKind::SdrSourced));
  CreditRule roll = CreditRuleSet::defaults_for(CreditKind::RollUp);
  roll.depth = spec.roll_up_depth;
  r.add(roll);

  for (int32_t i = 0; i < n; ++i) {
    const int64_t annual = int64_t(50'000'000 + rng.below(100'000'000));  // 500k..1.5M USD
    spread_annual_quota(out.quotas, SubjectKind::Person, i, 0, annual, usd, out.calendar, spec.fiscal_year,
                        PeriodKind::Month);
  }
  return out;
}

}  // namespace salescomp
