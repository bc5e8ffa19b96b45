#include <gtest/gtest.h>

#include <salescomp/org/organisation.hpp>

using namespace salescomp;

namespace {
Date D(const char* s) { return Date::parse(s); }
const Currency USD = Currency::of("USD");

Roster five() {
  Roster r;
  r.add("cro", Role::Cro, D("2020-01-01"), std::nullopt, USD);
  r.add("m1", Role::SalesManager, D("2020-01-01"), std::nullopt, USD);
  r.add("m2", Role::SalesManager, D("2020-01-01"), std::nullopt, USD);
  r.add("ae", Role::AccountExecutive, D("2025-06-01"), D("2026-12-31"), Currency::of("EUR"));
  r.add("sdr", Role::Sdr, D("2020-01-01"), std::nullopt, USD);
  return r;
}

struct Rows : AssignmentColumns {
  Rows& add(const char* p, AssignmentField f, const char* v, const char* from,
            std::optional<const char*> to = std::nullopt) {
    person_id.push_back(p);
    field.push_back(f);
    value.push_back(v);
    this->from.push_back(D(from));
    this->to.push_back(to ? std::optional<Date>(D(*to)) : std::nullopt);
    return *this;
  }
};

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return std::string(e.id()) + " " + e.what();
  }
  return "no error";
}
}  // namespace

TEST(Roster, RolesDatesLeavesAndLookups) {
  Roster r = five();
  EXPECT_EQ(r.size(), 5u);
  EXPECT_EQ(r.index_of("ae"), 3);
  EXPECT_FALSE(r.find("nobody"));
  EXPECT_THROW(r.index_of("nobody"), LookupError);
  EXPECT_EQ(r.pay_currency(3), Currency::of("EUR"));
  EXPECT_FALSE(r.is_employed(3, D("2025-05-31")));
  EXPECT_TRUE(r.is_employed(3, D("2026-12-31")));
  EXPECT_FALSE(r.is_employed(3, D("2027-01-01")));
  r.add_leave(3, D("2026-03-01"), D("2026-03-15"));
  EXPECT_FALSE(r.is_active(3, D("2026-03-15")));
  EXPECT_TRUE(r.is_active(3, D("2026-03-16")));
  EXPECT_THROW(r.add_leave(3, D("2026-03-10"), D("2026-03-20")), ValidationError);
  EXPECT_EQ(role_from_string("csm"), Role::AccountManager);
  EXPECT_EQ(role_from_string("ae"), Role::AccountExecutive);
  EXPECT_THROW(role_from_string("ninja"), ValidationError);
}

TEST(Roster, FromColumnsReportsEveryBadRow) {
  try {
    Roster::from_columns({"a", "a", "b", ""}, {Role::Sdr, Role::Sdr, Role::Sdr, Role::Sdr},
                         {D("2026-01-01"), D("2026-01-01"), D("2026-05-01"), D("2026-01-01")},
                         {std::nullopt, std::nullopt, D("2026-04-30"), std::nullopt}, {USD, USD, USD, USD});
    FAIL();
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 3u);
    EXPECT_EQ(e.issues()[0].row, 1);  // duplicate "a"
    EXPECT_EQ(e.issues()[1].row, 2);  // ends before starting
    EXPECT_EQ(e.issues()[1].field, "end_date");
    EXPECT_EQ(e.issues()[2].row, 3);  // empty id
  }
}

TEST(Organisation, AsOfLookupsWithGapsAndMidPeriodChanges) {
  Rows a;
  a.add("m1", AssignmentField::Manager, "cro", "2020-01-01")
      .add("m2", AssignmentField::Manager, "cro", "2020-01-01")
      .add("ae", AssignmentField::Manager, "m1", "2025-06-01", "2026-03-14")
      .add("ae", AssignmentField::Manager, "m2", "2026-03-15")
      .add("ae", AssignmentField::Team, "east", "2025-06-01", "2026-03-14")
      .add("ae", AssignmentField::Team, "west", "2026-04-01")  // gap Mar 15..31: no team
      .add("ae", AssignmentField::Role, "am", "2026-07-01")
      .add("ae", AssignmentField::Plan, "AE-2026", "2026-01-01");
  const Organisation org(five(), a);
  EXPECT_EQ(org.manager_as_of(3, D("2026-03-14")), 1);
  EXPECT_EQ(org.manager_as_of(3, D("2026-03-15")), 2);
  EXPECT_EQ(org.manager_as_of(3, D("2025-05-31")), -1);
  EXPECT_EQ(org.as_of(3, AssignmentField::Team, D("2026-03-20")), -1);
  EXPECT_EQ(org.dictionary(
                AssignmentField::Team)[std::size_t(org.as_of(3, AssignmentField::Team, D("2026-04-01")))],
            "west");
  EXPECT_EQ(org.role_as_of(3, D("2026-06-30")), Role::AccountExecutive);  // base role
  EXPECT_EQ(org.role_as_of(3, D("2026-07-01")), Role::AccountManager);
  EXPECT_EQ(org.code_of(AssignmentField::Plan, "AE-2026"),
            org.as_of(3, AssignmentField::Plan, D("2026-02-01")));
  EXPECT_EQ(org.reporting_chain(3, D("2026-03-14"), 5), (std::vector<int32_t>{1, 0}));
  EXPECT_EQ(org.reporting_chain(3, D("2026-03-15"), 5), (std::vector<int32_t>{2, 0}));
  EXPECT_EQ(org.reporting_chain(3, D("2026-03-15"), 1), (std::vector<int32_t>{2}));
  EXPECT_TRUE(org.reports_to(3, 0, D("2026-03-15")));
  EXPECT_FALSE(org.reports_to(3, 1, D("2026-03-15")));
  EXPECT_EQ(org.managers_as_of(D("2026-03-15")), (std::vector<int32_t>{-1, 0, 0, 2, -1}));
}

TEST(Organisation, OverlapsNameThePersonAndEveryRow) {
  Rows a;
  a.add("ae", AssignmentField::Manager, "m1", "2026-01-01", "2026-03-31")
      .add("ae", AssignmentField::Manager, "m2", "2026-03-31")  // overlaps on Mar 31
      .add("sdr", AssignmentField::Team, "x", "2026-01-01")
      .add("sdr", AssignmentField::Team, "y", "2026-06-01");  // open-ended first row overlaps
  try {
    Organisation org(five(), a);
    FAIL();
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.id(), "SC-ORG-OVERLAP");
    ASSERT_EQ(e.issues().size(), 2u);
    EXPECT_EQ(e.issues()[0].row, 1);
    EXPECT_NE(e.issues()[0].rule.find("'ae'"), std::string::npos);
    EXPECT_EQ(e.issues()[1].row, 3);
    EXPECT_NE(e.issues()[1].rule.find("'sdr'"), std::string::npos);
  }
}

TEST(Organisation, UnknownPeopleAndManagersAreNamed) {
  Rows a;
  a.add("ae", AssignmentField::Manager, "ghost", "2026-01-01")
      .add("nobody", AssignmentField::Team, "x", "2026-01-01")
      .add("sdr", AssignmentField::Manager, "sdr", "2026-01-01")
      .add("m1", AssignmentField::Role, "wizard", "2026-01-01");
  try {
    Organisation org(five(), a);
    FAIL();
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.issues().size(), 4u);
    EXPECT_EQ(e.issues()[0].value, "ghost");
    EXPECT_NE(e.issues()[0].rule.find("'ae'"), std::string::npos);
    EXPECT_EQ(e.issues()[1].value, "nobody");
    EXPECT_NE(e.issues()[2].rule.find("themself"), std::string::npos);
    EXPECT_EQ(e.issues()[3].field, "role");
  }
}

TEST(Organisation, CyclesOnAnyDateNameEveryoneInThem) {
  // m1 -> m2 always; m2 -> ae -> m1 only from 2026-03-01: a 3-cycle from then on.
  Rows a;
  a.add("m1", AssignmentField::Manager, "m2", "2020-01-01")
      .add("m2", AssignmentField::Manager, "cro", "2020-01-01", "2026-02-28")
      .add("m2", AssignmentField::Manager, "ae", "2026-03-01")
      .add("ae", AssignmentField::Manager, "m1", "2025-06-01");
  const std::string msg = message_of([&] { Organisation org(five(), a); });
  EXPECT_NE(msg.find("SC-ORG-CYCLE"), std::string::npos) << msg;
  EXPECT_NE(msg.find("2026-03-01"), std::string::npos) << msg;
  for (const char* who : {"'m1'", "'m2'", "'ae'"}) EXPECT_NE(msg.find(who), std::string::npos) << msg;
  // The same edges without the overlap in time are fine.
  Rows ok;
  ok.add("m1", AssignmentField::Manager, "m2", "2020-01-01", "2026-02-28")
      .add("m2", AssignmentField::Manager, "m1", "2026-03-01");
  EXPECT_NO_THROW(Organisation(five(), ok));
}

TEST(EffectiveDatedMap, BinarySearchMatchesALinearScan) {
  std::vector<EffectiveDatedMap::Entry> e;
  for (int k = 0; k < 3; ++k)
    for (int j = 0; j < 10; ++j)
      e.push_back({k, D("2026-01-01").plus_days(j * 20), D("2026-01-01").plus_days(j * 20 + 9 + k), j,
                   int64_t(e.size())});
  const auto copy = e;
  const EffectiveDatedMap m(3, e, "test", [](int32_t k) { return std::to_string(k); });
  for (int k = 0; k < 3; ++k)
    for (int day = -5; day < 220; ++day) {
      const Date d = D("2026-01-01").plus_days(day);
      int32_t expect = -1;
      for (const auto& x : copy)
        if (x.key == k && x.first <= d && d <= x.last) expect = x.value;
      EXPECT_EQ(m.value_or_none(k, d), expect);
    }
}
