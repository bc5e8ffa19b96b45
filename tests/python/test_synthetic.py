"""The seeded synthetic generator (C++ make_synthetic + synthetic_journeys) from Python:
determinism per seed, the same shape at every size, exact money, and `salescomp bench`."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pytest
import salescomp as sc
from salescomp import cli, synthetic


def test_same_seed_same_tables_different_seed_different():
    a = synthetic.generate(people=60, deals_per_person=3, journeys=40, seed=11)
    b = synthetic.generate(people=60, deals_per_person=3, journeys=40, seed=11)
    c = synthetic.generate(people=60, deals_per_person=3, journeys=40, seed=12)
    for name, table in a.tables().items():
        assert table.equals(b.tables()[name]), name
    assert a.credit_rules == b.credit_rules
    for name in ("deals", "splits", "quotas", "touchpoints", "outcomes"):
        assert not a.tables()[name].equals(c.tables()[name]), name
    # Same people and ids under another seed: the shape does not depend on the seed.
    assert a.people.column("person_id").equals(c.people.column("person_id"))
    assert a.people.column("role").equals(c.people.column("role"))


def test_journeys_do_not_change_the_other_tables():
    a = synthetic.generate(people=30, deals_per_person=2, seed=5)
    b = synthetic.generate(people=30, deals_per_person=2, journeys=25, seed=5)
    for name in ("people", "assignments", "deals", "splits", "quotas", "fx_rates"):
        assert a.tables()[name].equals(b.tables()[name]), name
    assert a.touchpoints.num_rows == 0 and a.outcomes.num_rows == 0
    assert b.outcomes.num_rows == 25


def test_roles_of_a_fanout_8_tree_of_100():
    s = synthetic.generate(people=100, deals_per_person=1, seed=1)
    # Person i reports to (i - 1) // 8. Managers: i with 8i + 1 < 100, i.e. 0..12 (13 people):
    # the CRO (0), VPs at depth 1 (1..8), directors at depth 2 with reports (9..12).
    # Leaves 13..99 (87 people): every i % 5 == 0 is an SDR (15, 20, ..., 95: 17), the rest
    # AEs (87 - 17 = 70).
    roles = Counter(s.people.column("role").to_pylist())
    assert roles == {"cro": 1, "vp_sales": 8, "sales_director": 4, "sdr": 17, "account_executive": 70}
    assert s.people.column("person_id").to_pylist()[:3] == ["P0", "P1", "P2"]
    asg = s.assignments.to_pylist()
    first_manager = {r["person_id"]: r["value"] for r in asg if r["field"] == "manager"
                     and r["from"].year == 2024}
    assert first_manager["P9"] == "P1"  # (9 - 1) // 8 = 1
    assert first_manager["P99"] == "P12"  # (99 - 1) // 8 = 12
    assert "P0" not in first_manager


@pytest.mark.parametrize("people, per_person", [(2, 0), (9, 1), (50, 4), (400, 2)])
def test_shape_at_several_sizes(people, per_person):
    s = synthetic.generate(people=people, deals_per_person=per_person, journeys=people, seed=3)
    assert s.people.num_rows == people
    assert s.deals.num_rows == people * per_person
    assert s.quotas.num_rows == 12 * people  # one monthly quota per person and month
    assert s.outcomes.num_rows == people
    assert s.fx_rates.num_rows == 13  # 12 monthly EUR/USD quotes + one from FY-3
    # Manager and team of everyone but the CRO; people who move on July 1 have two of each.
    per_person_rows = Counter(s.assignments.column("person_id").to_pylist())
    assert set(per_person_rows.values()) <= {2, 4}
    assert len(per_person_rows) == people - 1
    schema = {f.name: f.type for f in s.deals.schema}
    assert schema["amount"] == pa.decimal128(38, 2)
    assert schema["close_date"] == pa.date32()
    assert s.quotas.schema.field("amount").type == pa.decimal128(38, 2)
    assert s.splits.schema.field("share").type == pa.decimal128(38, 12)
    assert s.fx_rates.schema.field("rate").type == pa.decimal128(38, 12)
    assert s.outcomes.schema.field("value").type == pa.decimal128(38, 2)
    ids = s.deals.column("id").to_pylist()
    assert ids == list(range(1, len(ids) + 1))


def test_money_columns_are_exact():
    s = synthetic.generate(people=120, deals_per_person=5, journeys=300, seed=9)
    amounts = s.deals.column("amount").to_pylist()
    assert all(isinstance(a, Decimal) and a == a.quantize(Decimal("0.01")) for a in amounts)
    # 100000 + below(10000000) minor units: 1,000.00 .. 100,999.99.
    assert min(amounts) >= Decimal("1000.00") and max(amounts) <= Decimal("100999.99")
    assert Counter(s.deals.column("currency").to_pylist()).keys() <= {"USD", "EUR"}
    # Revenue split shares of a deal sum to exactly 1 (thirds: 0.333333333334 + 2 x 0.333333333333).
    shares = defaultdict(Decimal)
    for r in s.splits.to_pylist():
        if r["kind"] == "revenue":
            shares[r["deal_id"]] += r["share"]
    assert shares and all(v == 1 for v in shares.values())
    assert Decimal("0.333333333334") in set(s.splits.column("share").to_pylist()) or \
        Decimal("0.5") in set(s.splits.column("share").to_pylist())
    # Each person's 12 monthly quotas are an exact spread of the annual quota: at most 0.01 apart,
    # summing to 500,000.00 .. 1,499,999.99.
    by_person = defaultdict(list)
    for r in s.quotas.to_pylist():
        by_person[r["subject"]].append(r["amount"])
    for months in by_person.values():
        assert len(months) == 12 and max(months) - min(months) <= Decimal("0.01")
        assert Decimal("500000.00") <= sum(months) <= Decimal("1499999.99")
    # FX: EUR/USD 1.08 + month/1000 (January 1.081).
    jan = [r for r in s.fx_rates.to_pylist() if r["date"].isoformat() == "2026-01-01"]
    assert jan == [{"from_currency": "EUR", "to_currency": "USD", "date": jan[0]["date"],
                    "rate": Decimal("1.081000000000")}]
    # Journey values: converted journeys only, 10.00 .. 10,000.99 USD.
    out = s.outcomes.to_pylist()
    assert all((r["value"] == 0) == (not r["converted"]) for r in out)
    values = [r["value"] for r in out if r["converted"]]
    assert values and all(Decimal("10.00") <= v <= Decimal("10000.99") for v in values)


def test_pandas_output_has_decimal_money():
    s = synthetic.generate(people=10, deals_per_person=2, seed=4, output="pandas")
    assert isinstance(s.deals["amount"].iloc[0], Decimal)
    assert list(s.people.columns) == ["person_id", "role", "start_date", "pay_currency"]


def test_tables_load_into_the_library():
    s = synthetic.generate(people=80, deals_per_person=3, journeys=50, seed=2)
    org = sc.Organisation(s.people, s.assignments)
    deals = sc.Deals(org, s.deals)
    assert len(org) == 80 and len(deals) == 240
    company = s.company()
    credits = sc.credit(deals, s.credit_rules, splits=s.splits, fx=company.fx(), calendar=sc.FiscalCalendar(1),
                        period_kind="quarter")
    table = credits.to_arrow()
    # Direct + revenue-split credits of the deals in their own currency sum to the deal amounts:
    # every deal is credited exactly once in full (direct) or split into shares summing to 1.
    own = table.filter(pc.is_in(table.column("kind").cast(pa.string()),
                                pa.array(["direct", "revenue_split"])))
    assert sum(own.column("source_amount").to_pylist()) == sum(s.deals.column("amount").to_pylist())
    # Quarterly quotas of the company are the exact sums of three months.
    q = company.quotas.to_pylist()
    monthly = defaultdict(Decimal)
    for r in s.quotas.to_pylist():
        monthly[(r["subject"], (r["number"] - 1) // 3 + 1)] += r["amount"]
    assert len(q) == 4 * 80 and all(monthly[(r["subject"], r["number"])] == r["amount"] for r in q)
    # Plans by role. Of 80 people the managers are i with 8i + 1 < 80, i.e. 0..9 (10, "mgr");
    # leaves 10..79 (70): SDRs at i % 5 == 0 (10, 15, ..., 75: 14, "sdr"), AEs 70 - 14 = 56 ("ae").
    plan_rows = company.assignments.filter(pc.equal(company.assignments.column("field"), "plan"))
    assert Counter(plan_rows.column("value").to_pylist()) == {"ae": 56, "sdr": 14, "mgr": 10}
    attribution = sc.attribution.Paths.from_journeys(s.touchpoints, s.outcomes, currency="USD")
    assert attribution.rows == 50


def test_bad_arguments_are_refused():
    with pytest.raises(sc.ValidationError):
        synthetic.generate(people=1)
    with pytest.raises(sc.ValidationError):
        synthetic.generate(people=10, deals_per_person=1.5)
    with pytest.raises(sc.ValidationError):
        synthetic.generate(people=10, split_percent=101)
    with pytest.raises(sc.ValidationError):
        synthetic.generate(people=10, output="csv")


def _bench(capsys, *args: str) -> list[str]:
    assert cli.main(["bench", *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_cli_bench_end_to_end(capsys):
    out = _bench(capsys, "--people", "40", "--deals-per-person", "3", "--journeys", "30", "--threads", "1",
                 "--seed", "8")
    assert out[0].startswith("synthetic roster: 40 people, 120 deals, 30 journeys")
    assert any("crediting" in line and "deals/s" in line for line in out)
    # One close timed stage by stage, in the close's order, then the whole and the peak memory.
    stages = [line.split()[0] for line in out[1:] if re.match(r"  \w", line)]
    assert stages[:6] == ["organisation", "plans", "deals", "crediting", "quotas", "attainment"]
    assert [n for n in ("commission", "statements", "accounting", "attribution", "full") if n in stages] == [
        "commission", "statements", "accounting", "attribution", "full"]
    assert any(re.fullmatch(r"  peak memory \(RSS\) \d+\.\d\d GiB", line) for line in out)
    total = [line for line in out if "payout lines" in line]
    assert len(total) == 1
    m = re.search(r"payout lines ([\d,]+), statements ([\d,]+), total ([\d,.]+) USD", total[0])
    assert m and int(m.group(1).replace(",", "")) > 0
    # The same seed on two threads pays the same total.
    again = _bench(capsys, "--people", "40", "--deals-per-person", "3", "--journeys", "30", "--threads", "2",
                   "--seed", "8")
    assert [line for line in again if "payout lines" in line] == total


def test_cli_bench_refuses_a_roster_of_one(capsys):
    assert cli.main(["bench", "--people", "1"]) == 2
    assert "--people must be at least 2" in capsys.readouterr().err
