"""The run's tables cross into C++ as Arrow (engine/run_tables.cpp, issue 11): plan
assignments, effective quotas and deals are read column by column, never as one Python tuple
per row. The columnar path gives the same bytes as the row path (``_run_args(columnar=False)``,
which salescomp.planning still reads); out-of-range integers and unknown columns are refused
and named; the user's text ids reach statements and explanations."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pyarrow as pa
import pytest
import salescomp as sc
from arrow_producers import CapsuleOnly
from salescomp import _core, engine
from salescomp.engine import run_period
from salescomp.plan import Plan

Q1 = {
    "start": dt.date(2026, 1, 1),
    "end": dt.date(2026, 3, 31),
    "quarter_start": dt.date(2026, 1, 1),
    "year_start": dt.date(2026, 1, 1),
}
Q2 = {**Q1, "start": dt.date(2026, 4, 1), "end": dt.date(2026, 6, 30), "quarter_start": dt.date(2026, 4, 1)}

PLAN_A = {
    "id": "a",
    "currency": "USD",
    "period": "quarter",
    "measures": [
        {"id": "bookings"},
        {
            "id": "new",
            "deal_types": ["new_business"],
            "products": [1, 2],
            "multipliers": [{"min_term_months": 24, "factor": "1.5"}],
        },
    ],
    "components": [
        {
            "id": "commission",
            "type": "tiered",
            "measure": "bookings",
            "basis": "attainment",
            "mode": "marginal",
            "tiers": [{"from": "0", "to": "1", "rate": "0.08"}, {"from": "1", "rate": "0.125"}],
        },
        {"id": "new_logo", "type": "flat_rate", "measure": "new", "rate": "0.0333"},
        {"id": "kicker", "type": "spif", "from": "2026-01-01", "to": "2026-06-30", "amount_per_deal": "5.00",
         "deal_types": ["new_business"]},
        {"id": "clawback", "type": "clawback", "window_days": 120, "method": "full"},
    ],
}
PLAN_B = {
    "id": "b",
    "currency": "USD",
    "period": "quarter",
    "measures": [{"id": "bookings"}],
    "components": [
        {
            "id": "commission",
            "type": "tiered",
            "measure": "bookings",
            "basis": "attainment",
            "mode": "retroactive",
            "tiers": [{"from": "0", "to": "0.5", "rate": "0.05"}, {"from": "0.5", "rate": "0.1"}],
        }
    ],
}
PLANS = [Plan.from_dict(PLAN_A), Plan.from_dict(PLAN_B)]


def _person_id(i: int) -> str:
    # 18-character CRM ids, unicode names and numeric-looking text
    return [f"005Hs{i:013d}", f"zoë-ünal-{i}", str(7 * i + 3)][i % 3]


def _company(seed: int, people: int = 60, deals: int = 900):
    """An organisation, its assignments table (some people change plan on Feb 15 or Apr 20),
    effective quotas (quarters and the year: the run reads the quarter's), credits and deals."""
    rng = random.Random(seed)
    ids = [_person_id(i) for i in range(people)]
    roster = {
        "person_id": ids,
        "role": ["ae"] * people,
        "start_date": ["2020-01-01"] * people,
        "pay_currency": ["USD"] * people,
    }
    a = {"person_id": [], "field": [], "value": [], "from": [], "to": []}
    for p in ids:
        first = rng.choice(["a", "b"])
        change = rng.choice([None, None, dt.date(2026, 2, 15), dt.date(2026, 4, 20)])
        a["person_id"].append(p)
        a["field"].append("plan")
        a["value"].append(first)
        a["from"].append(dt.date(2026, 1, 1))
        a["to"].append(None if change is None else change - dt.timedelta(days=1))
        if change is not None:
            a["person_id"].append(p)
            a["field"].append("plan")
            a["value"].append("b" if first == "a" else "a")
            a["from"].append(change)
            a["to"].append(None)
    assignments = pa.table(a, schema=pa.schema([("person_id", pa.string()), ("field", pa.string()),
                                                 ("value", pa.string()), ("from", pa.date32()),
                                                 ("to", pa.date32())]))
    org = sc.Organisation(roster, assignments)
    quota_rows = {"subject": [], "period_kind": [], "fiscal_year": [], "number": [], "amount": [], "currency": []}
    for p in ids:
        for kind, number, amount in (("quarter", 1, rng.randint(1, 400) * 100),
                                     ("quarter", 2, rng.randint(1, 400) * 100), ("year", 1, 99999900)):
            quota_rows["subject"].append(p)
            quota_rows["period_kind"].append(kind)
            quota_rows["fiscal_year"].append(2026)
            quota_rows["number"].append(number)
            quota_rows["amount"].append(f"{amount}.00")
            quota_rows["currency"].append("USD")
    quotas = sc.effective_quotas(org, quota_rows, calendar=sc.FiscalCalendar(1))
    day0 = dt.date(2026, 1, 1)
    d = {"deal_id": [], "close_date": [], "cancellation_date": [], "term_months": [], "product": []}
    c = {"person": [], "deal": [], "date": [], "amount": [], "currency": [], "deal_type": []}
    for k in range(deals):
        close = day0 + dt.timedelta(days=rng.randint(0, 175))
        d["deal_id"].append(f"0065g{k:013d}" if k % 2 else f"Δ-{k}")
        d["close_date"].append(close)
        d["cancellation_date"].append(close + dt.timedelta(days=rng.randint(1, 150)) if rng.random() < 0.15 else None)
        d["term_months"].append(rng.choice([0, 12, 24, 36]))
        d["product"].append(rng.choice([-1, 1, 2, 3]))
        c["person"].append(rng.choice(ids))
        c["deal"].append(k)
        c["date"].append(close)
        c["amount"].append(f"{rng.randint(-5000, 900000) // 100}.{rng.randint(0, 99):02d}")
        c["currency"].append("USD")
        c["deal_type"].append(rng.choice(["new_business", "new_business", "renewal"]))
    return org, assignments, quotas, pa.table(c), pa.table(d)


_OPTIONS = dict(threads=2, explanations=False, what_if=None, fx=None, fx_date="credit_date", pay_currencies=[],
                collections=None, plan_change="credits_by_date")


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue().to_pybytes()


def _both_paths(inputs, period, state_rows, plan_change, person_ids):
    out = []
    org, assignments, quotas, credits, deals = inputs
    for columnar in (False, True):
        state = None if state_rows is None else _core._RunState._from_travel_rows(state_rows)
        args = engine._run_args(PLANS, assignments, credits, deals, quotas, (), period, state, person_ids,
                                columnar=columnar)
        assert isinstance(args["assignments"], list) is not columnar
        core = _core._run_period(**args, **{**_OPTIONS, "plan_change": plan_change})
        out.append(core)
    return out


@pytest.mark.parametrize("plan_change", ["credits_by_date", "prorated_targets"])
@pytest.mark.parametrize("seed", [1, 2])
def test_the_columnar_path_gives_the_bytes_of_the_row_path(seed, plan_change):
    inputs = _company(seed)
    ids = inputs[0].person_ids
    state = None
    for period in (Q1, Q2):
        rows, columnar = _both_paths(inputs, period, state, plan_change, ids)
        a = sc.engine.RunResult(rows, ids)
        b = sc.engine.RunResult(columnar, ids)
        assert len(a) > 50
        assert _ipc(a.to_arrow()) == _ipc(b.to_arrow())
        assert {k: str(v) for k, v in rows.statement_columns().items()} == {
            k: str(v) for k, v in columnar.statement_columns().items()
        }
        assert rows.next_state._travel_rows() == columnar.next_state._travel_rows()
        # the clawbacks and the plan changes were exercised
        components = set(b.to_arrow().column("component").to_pylist())
        assert {"commission", "new_logo", "kicker"} <= components
        if period is Q2:
            assert "clawback" in components
        state = columnar.next_state._travel_rows()


def test_run_period_reads_the_tables_as_arrow_from_any_producer():
    org, assignments, quotas, credits, deals = _company(3, people=12, deals=120)
    ids = org.person_ids
    want = run_period(plans=PLANS, assignments=assignments, credits=credits, period=Q1, quotas=quotas,
                      deals=deals, person_ids=ids)
    got = run_period(plans=PLANS, assignments=CapsuleOnly(assignments), credits=credits, period=Q1,
                     quotas=CapsuleOnly(quotas.to_arrow()), deals=CapsuleOnly(deals), person_ids=ids)
    assert _ipc(want.to_arrow()) == _ipc(got.to_arrow())
    # The older column names of the row path are read as the declared ones.
    older = assignments.filter(pa.compute.equal(assignments["field"], "plan")).select(["person_id", "value", "from", "to"])
    older = older.rename_columns(["person", "plan", "from", "to"])
    again = run_period(plans=PLANS, assignments=older, credits=credits, period=Q1, quotas=quotas,
                       deals=deals.rename_columns(["id", *deals.column_names[1:]]), person_ids=ids)
    assert _ipc(want.to_arrow()) == _ipc(again.to_arrow())


def test_deals_read_once_serve_every_run_and_outlive_their_object():
    # Two quarters (clawbacks in Q2, explanations recomputed later) from one RunDeals give the
    # bytes of passing the table to each run; the runs keep the shared deals alive.
    import gc

    org, assignments, quotas, credits, deals = _company(5, people=20, deals=300)
    ids = org.person_ids
    shared = engine.RunDeals(deals)
    assert len(shared) == 300 and "300 deals" in repr(shared)
    state_table = state_shared = None
    for period in (Q1, Q2):
        kw = dict(plans=PLANS, assignments=assignments, credits=credits, period=period, quotas=quotas,
                  person_ids=ids, explanations=False)
        by_table = run_period(deals=deals, state=state_table, **kw)
        by_shared = run_period(deals=shared, state=state_shared, **kw)
        assert _ipc(by_table.to_arrow()) == _ipc(by_shared.to_arrow())
        state_table, state_shared = by_table.next_state, by_shared.next_state
    assert "clawback" in set(by_shared.to_arrow().column("component").to_pylist())
    clawback = next(i for i, line in enumerate(by_shared.lines) if line["component"] == "clawback")
    del shared
    gc.collect()
    assert by_shared.explain(clawback).to_text() == by_table.explain(clawback).to_text()
    assert "days from close 2026-" in by_shared.explain(clawback).to_text()  # read from the shared deals


def test_run_deals_refuse_what_a_run_refuses():
    _org, _assignments, _quotas, _credits, deals = _company(6, people=4, deals=10)
    with pytest.raises(sc.ValidationError, match="term_months"):
        engine.RunDeals(deals.set_column(3, "term_months", pa.array([2**32 + 36] * 10, pa.int64())))
    with pytest.raises(sc.ValidationError, match="close_dte"):
        engine.RunDeals(deals.rename_columns(["deal_id", "close_dte", *deals.column_names[2:]]))


def test_run_result_is_an_arrow_result():
    org, assignments, quotas, credits, deals = _company(4, people=6, deals=40)
    r = run_period(plans=PLANS, assignments=assignments, credits=credits, period=Q1, quotas=quotas, deals=deals,
                   person_ids=org.person_ids)
    assert isinstance(r, sc.tables.ArrowResult)
    assert pa.table(r).equals(r.to_arrow())
    assert r.to_polars().height == len(r) == r.to_pandas().shape[0]
    total = sum(r.to_arrow().column("amount").to_pylist(), Decimal(0))
    assert total == sum((s.total for s in r.statements), Decimal(0))


# ---- refused input ---------------------------------------------------------------------------


def _one_person():
    plan = Plan.from_dict(PLAN_A)
    credits = {"person": ["ana"], "deal": [0], "date": [dt.date(2026, 1, 5)], "amount": ["1000.00"],
               "currency": ["USD"]}
    assignments = pa.table({"person_id": ["ana"], "plan_id": ["a"], "from": [dt.date(2026, 1, 1)]})
    quotas = pa.table({"subject": ["ana"], "measure": ["bookings"], "period_kind": ["quarter"],
                       "period_start": [dt.date(2026, 1, 1)], "quota": [Decimal("10000.00")],
                       "currency": ["USD"]})
    deals = {"deal_id": ["0065g00000AbCdEfGh"], "close_date": [dt.date(2026, 1, 5)], "term_months": [36],
             "product": [1]}
    return dict(plans=[plan], assignments=assignments, credits=credits, period=Q1, quotas=quotas, deals=deals,
                person_ids=["ana"])


def test_one_person_by_hand():
    r = run_period(**_one_person())
    by = {(line["component"]): line["amount"] for line in r.lines}
    # commission 8% x 1,000.00 = 80.00 (10% of the quota); new_logo: 1,000.00 x 1.5 (36 months)
    # = 1,500.00 x 0.0333 = 49.95; kicker 5.00 per new-business deal
    assert by == {"commission": Decimal("80.00"), "new_logo": Decimal("49.95"), "kicker": Decimal("5.00")}
    assert r.statements[0].person_id == "ana"


@pytest.mark.parametrize(
    ("table", "column", "value", "match"),
    [
        ("deals", "term_months", 2**32 + 36, r"term_months.*4294967332.*outside the accepted range 0..1200"),
        ("deals", "product", 2**31, r"product.*2147483648.*outside the accepted range -1..2147483647"),
        ("assignments", "person_id", 1, r"person_id.*'1'.*outside the accepted range 0..0"),
        ("quotas", "subject", -1, r"subject.*'-1'.*outside the accepted range 0..0"),
    ],
)
def test_out_of_range_integers_are_refused(table, column, value, match):
    args = _one_person()
    t = args[table]
    t = pa.table(t) if isinstance(t, dict) else t
    t = t.set_column(t.column_names.index(column), column, pa.array([value], pa.int64()))
    args[table] = t
    with pytest.raises(sc.ValidationError, match=match) as e:
        run_period(**args)
    assert e.value.issues[0]["row"] == 1


@pytest.mark.parametrize(
    ("table", "column", "nearest"),
    [("deals", "cancelation_date", "cancellation_date"), ("assignments", "form", "from"),
     ("quotas", "quotas", "quota")],
)
def test_unknown_columns_are_refused_and_named(table, column, nearest):
    args = _one_person()
    t = args[table]
    t = pa.table(t) if isinstance(t, dict) else t
    args[table] = t.append_column(column, pa.array([dt.date(2026, 2, 1)]))
    with pytest.raises(sc.ValidationError, match=f"'?{column}'?.*{nearest}") as e:
        run_period(**args)
    assert any(i["value"] == column for i in e.value.issues)


def test_an_unknown_person_or_plan_is_named():
    args = _one_person()
    args["assignments"] = pa.table({"person_id": ["bob"], "plan_id": ["zz"], "from": [dt.date(2026, 1, 1)]})
    with pytest.raises(sc.ValidationError) as e:
        run_period(**args)
    assert [(i["row"], i["field"], i["value"]) for i in e.value.issues] == [
        (1, "person_id", "bob"),
        (1, "plan_id", "zz"),
    ]


def test_text_ids_reach_statements_and_explanations():
    args = _one_person()
    ids = ["0055g00000AbCdEfGh", "ana-maría", "10"]
    args["person_ids"] = ids
    args["credits"] = {**args["credits"], "person": ["ana-maría"]}
    args["assignments"] = pa.table({"person_id": ["ana-maría"], "plan_id": ["a"], "from": [dt.date(2026, 1, 1)]})
    args["quotas"] = args["quotas"].set_column(0, "subject", pa.array(["ana-maría"]))
    args["deals"] = {**args["deals"], "cancellation_date": [dt.date(2026, 2, 1)]}
    r = run_period(**args)
    assert [s.person_id for s in r.statements] == ["ana-maría"]
    assert r.to_arrow().column("person_id").to_pylist() == ["ana-maría"] * len(r)
    # cancelled inside the quarter: 80.00 + 49.95 + 5.00 paid, then clawed back in full
    lines = {line["component"]: line for line in r.lines}
    assert lines["clawback"]["amount"] == Decimal("-134.95")
    assert "0065g00000AbCdEfGh" in r.explain(lines["kicker"]).to_text()
