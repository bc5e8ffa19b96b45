"""salescomp.attribution: hand-computed examples, inputs from every frame
library, bad input, and properties (hypothesis) with a Fraction oracle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
import salescomp as sc
import salescomp.attribution as sa
from hypothesis import given, settings
from hypothesis import strategies as st

D = Decimal


def paths_of(rows, currency="USD", **kw):
    """rows: (path text, conversions, value str, nulls)."""
    return sa.Paths.from_path_strings(
        {
            "path": [r[0] for r in rows],
            "total_conversions": [r[1] for r in rows],
            "total_conversion_value": [r[2] for r in rows],
            "total_null": [r[3] for r in rows],
        },
        currency=currency,
        **kw,
    )


def credits(result, column="value"):
    df = result.channels
    if isinstance(df, pa.Table):
        return dict(zip(df["channel"].to_pylist(), df[column].to_pylist(), strict=True))
    return {c: v for c, v in zip(df["channel"], df[column], strict=True)}


# --------------------------------------------------------------------------- hand-computed


def test_first_last_last_non_direct():
    p = paths_of([("search > email > direct", 1, "100.00", 0)])
    assert credits(sa.rule_based(p, "first_touch")) == {
        "direct": D("0"),
        "email": D("0"),
        "search": D("100.00"),
    }
    assert credits(sa.rule_based(p, "last_touch"))["direct"] == D("100.00")
    # "direct" is skipped by default: email gets it.
    assert credits(sa.rule_based(p, "last_non_direct"))["email"] == D("100.00")
    assert credits(sa.rule_based(p, "last_non_direct", direct_channels=["direct", "email"]))[
        "search"
    ] == D("100.00")


def test_linear_per_touch_and_per_channel():
    p = paths_of([("search > email > search", 1, "100.00", 0)])
    # 2/3 and 1/3 of 100.00: 66.666.. and 33.333.. -> 66.67 and 33.33 (leftover cent to .67)
    assert credits(sa.rule_based(p, "linear")) == {"email": D("33.33"), "search": D("66.67")}
    assert credits(sa.rule_based(p, "linear", output="arrow"), "conversions") == {
        "email": D("0.333333333"),
        "search": D("0.666666667"),
    }
    assert credits(sa.rule_based(p, "linear_per_channel")) == {
        "email": D("50.00"),
        "search": D("50.00"),
    }


def test_position_based_conventions():
    two = paths_of([("a > b", 1, "100.00", 0)])
    # 40/20/30 on two touches: split the middle -> 0.5 : 0.4 (55.56 / 44.44);
    # renormalise -> 0.4 : 0.3 = 4/7, 3/7 (57.14 / 42.86). Shares summing to 0.9 are refused
    # unless normalise_shares asks for them to be scaled (issue 12).
    with pytest.raises(sc.ValidationError, match="must sum to 1"):
        sa.rule_based(two, "position_based", last="0.3")
    assert credits(sa.rule_based(two, "position_based", last="0.3", normalise_shares=True)) == {
        "a": D("55.56"),
        "b": D("44.44"),
    }
    assert credits(sa.rule_based(two, "position_based", last="0.3", two_touch="renormalise",
                                 normalise_shares=True)) == {
        "a": D("57.14"),
        "b": D("42.86"),
    }
    one = paths_of([("a", 1, "7.00", 0)])
    assert credits(sa.rule_based(one, "position_based")) == {"a": D("7.00")}
    with pytest.raises(sc.ValidationError, match="one-touch"):
        sa.rule_based(one, "position_based", one_touch="reject")
    with pytest.raises(sc.InputTypeError):
        sa.rule_based(two, "position_based", first=0.4)  # float shares are refused


def test_time_decay_from_journeys_with_datetimes():
    t0 = dt.datetime(2026, 1, 1)
    touches = pd.DataFrame(
        {
            "journey_id": [7, 7, 7, 8],
            "timestamp": [t0 + dt.timedelta(days=14), t0, t0 + dt.timedelta(days=7), t0],
            "channel": ["direct", "search", "email", "search"],
        }
    )
    outcomes = pd.DataFrame({"journey_id": [7], "converted": [True], "value": [D("70.00")]})
    p = sa.Paths.from_journeys(touches, outcomes, currency="EUR")
    # weights 0.25, 0.5, 1 (days 0, 7, 14; half-life 7 days) -> 10, 20, 40
    r = sa.rule_based(p, "time_decay", half_life=dt.timedelta(days=7))
    assert credits(r) == {"direct": D("40.00"), "email": D("20.00"), "search": D("10.00")}
    assert r.currency == "EUR" and r.total_value == D("70.00")
    assert sa.time_decay_weight(dt.timedelta(days=7) / 2, dt.timedelta(days=7)) == sc.Rate(
        "0.707106781187"
    )


def test_w_shaped_from_milestone_columns():
    touches = {
        "journey_id": np.array([1, 1, 1, 1, 1]),
        "timestamp": np.arange(5),
        "channel": np.array(["search", "email", "social", "direct", "social"], dtype=object),
        "lead": np.array([False, True, False, False, False]),
        "opp": np.array([False, False, False, True, False]),
    }
    outcomes = {"journey_id": [1], "converted": [1], "value": ["100.00"]}
    p = sa.Paths.from_journeys(
        touches,
        outcomes,
        currency="USD",
        milestones={"lead_created": "lead", "opportunity_created": "opp"},
    )
    # 30 / 30 / 30 and 10 over the two social touches
    assert credits(sa.rule_based(p, "w_shaped")) == {
        "direct": D("30.00"),
        "email": D("30.00"),
        "search": D("30.00"),
        "social": D("10.00"),
    }
    with pytest.raises(sc.ValidationError, match="milestone"):
        sa.rule_based(paths_of([("a > b", 1, "1.00", 0)]), "w_shaped")


def test_markov_order_one_by_hand():
    # See tests/cpp/attribution/test_markov.cpp: P(conv) 1/2, RE_a 2/3, RE_b 1.
    p = paths_of([("a > b", 1, "50.00", 1), ("b", 1, "30.00", 0), ("a", 0, "0", 1)])
    m = sa.markov(p)
    assert m.conversion_probability == pytest.approx(0.5, abs=1e-14)
    re = dict(zip(m.removal_effects["channel"], m.removal_effects["removal_effect"], strict=True))
    assert re["a"] == pytest.approx(2 / 3, abs=1e-14) and re["b"] == pytest.approx(1.0)
    assert credits(m) == {"a": D("32.00"), "b": D("48.00")}
    t = m.transitions
    row = t[(t["from"] == "(start)") & (t["to"] == "a")].iloc[0]
    assert row["count"] == 3 and row["probability"] == 0.75
    m2 = sa.markov(p, order=2, output="polars")
    assert set(m2.transitions["from"].to_list()) >= {"a", "a > b", "b"}


def test_markov_removal_effect_is_visit_probability_by_simulation():
    rng = np.random.default_rng(3)
    names = ["a", "b", "c", "d", "e"]
    texts = [" > ".join(rng.choice(names, size=rng.integers(1, 5))) for _ in range(300)]
    y = rng.integers(0, 4, size=300)
    n = rng.integers(1, 4, size=300)
    p = sa.Paths.from_path_strings(
        {"path": texts, "total_conversions": y, "total_null": n}, value=None, currency="USD"
    )
    for order in (1, 2):
        exact = sa.markov(p, order)
        sim = sa.markov_simulation(p, order, walks=100_000, seed=5)
        for c, re, est, err in zip(
            exact.removal_effects["channel"],
            exact.removal_effects["removal_effect"],
            sim["removal_effect"],
            sim["standard_error"],
            strict=True,
        ):
            assert abs(est - re) <= 4.5 * err + 1e-9, (order, c)
        assert sim.attrs["walks"] == 100_000
    # order 1: P(conv) = sum y / sum (y + n)
    assert sa.markov(p).conversion_probability == pytest.approx(
        y.sum() / (y.sum() + n.sum()), abs=1e-12
    )


def test_shapley_models():
    p = paths_of([("a", 1, "20.00", 1), ("b", 0, "0", 2), ("a > b", 5, "100.00", 1)])
    # Hand-computed in test_shapley.cpp: phi_a 0.55, phi_b 0.05 -> 110.00 / 10.00.
    s = sa.shapley(p)
    assert s.exact and s.players == 2
    assert dict(zip(s.values["channel"], s.values["phi"], strict=True)) == pytest.approx(
        {"a": 0.55, "b": 0.05}
    )
    assert credits(s) == {"a": D("110.00"), "b": D("10.00")}
    assert credits(sa.simplified_shapley(p)) == credits(sa.rule_based(p, "linear_per_channel"))
    o = sa.ordered_shapley(paths_of([("a > b > a", 1, "90.00", 0), ("b > a", 1, "10.00", 0)]))
    assert list(
        zip(o.channels["channel"], o.channels["position"], o.channels["value"], strict=True)
    ) == [
        ("a", 0, D("45.00")),
        ("a", 1, D("5.00")),
        ("b", 0, D("5.00")),
        ("b", 1, D("45.00")),
    ]
    # Positions count distinct channels: in a > a > b, b is the 2nd channel (position 1), not the
    # 3rd touch; R({a, b}) = 3.00 split 1.50 / 1.50 (docs/attribution.md, Ordered).
    o = sa.ordered_shapley(paths_of([("a > a > b", 1, "3.00", 0)]))
    assert list(
        zip(o.channels["channel"], o.channels["position"], o.channels["value"], strict=True)
    ) == [("a", 0, D("1.50")), ("b", 1, D("1.50"))]
    sampled = sa.shapley(p, method="sampling", permutations=500, seed=2)
    assert not sampled.exact and sampled.permutations == 500


def test_bootstrap_is_seeded():
    p = paths_of(
        [
            ("a > b", 3, "30.00", 5),
            ("b", 2, "20.00", 4),
            ("a", 1, "5.00", 7),
            ("c > a", 2, "8.00", 1),
        ]
    )
    for model in ("markov", "simplified_shapley", "shapley_game"):
        b1 = sa.bootstrap(p, model, replicates=50, seed=9)
        b2 = sa.bootstrap(p, model, replicates=50, seed=9)
        pd.testing.assert_frame_equal(b1, b2)
        assert (b1["lower"] <= b1["upper"]).all()


def test_per_journey_credits_reconcile():
    touches = pa.table(
        {
            "journey_id": [1, 1, 2, 2, 3],
            "timestamp": [0, 1, 0, 1, 0],
            "channel": ["a", "b", "a", "b", "c"],
        }
    )
    outcomes = pa.table(
        {
            "journey_id": [1, 2, 3],
            "converted": [True, True, False],
            "value": pa.array([D("1.00"), D("2.00"), None], type=pa.decimal128(10, 2)),
        }
    )
    p = sa.Paths.from_journeys(touches, outcomes, currency="USD")
    r = sa.rule_based(p, "linear", per_journey=True)
    j = r.journeys
    assert j.groupby("row_id")["value"].sum().to_dict() == {1: D("1.00"), 2: D("2.00")}
    assert j.groupby("channel")["value"].sum().to_dict() == {"a": D("1.50"), "b": D("1.50")}


# --------------------------------------------------------------------------- inputs


def test_every_frame_library_gives_the_same_result():
    data = {
        "path": ["a > b", "b > c > a", "c"],
        "total_conversions": [2, 1, 0],
        "total_conversion_value": [D("10.01"), D("3.33"), D("0")],
        "total_null": [1, 0, 4],
    }
    frames = [data, pd.DataFrame(data), pa.table(data), pl.DataFrame(data)]
    results = [
        sa.rule_based(
            sa.Paths.from_path_strings(f, currency="USD"), "linear", output="arrow"
        ).channels
        for f in frames
    ]
    for r in results[1:]:
        assert r.equals(results[0])
    assert results[0].schema.field("value").type == pa.decimal128(38, 2)


def test_string_and_minor_unit_values():
    base = {"path": ["a > b"], "total_conversions": [1], "total_null": [0]}
    as_text = sa.Paths.from_path_strings(
        {**base, "total_conversion_value": ["1.01"]}, currency="USD"
    )
    as_minor = sa.Paths.from_path_strings(
        {**base, "total_conversion_value": np.array([101])}, currency="USD", value_minor_units=True
    )
    assert (
        credits(sa.rule_based(as_text, "linear"))
        == credits(sa.rule_based(as_minor, "linear"))
        == {"a": D("0.51"), "b": D("0.50")}
    )
    jpy = sa.Paths.from_path_strings({**base, "total_conversion_value": ["1001"]}, currency="JPY")
    assert credits(sa.rule_based(jpy, "linear")) == {"a": D("501"), "b": D("500")}


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"path": ["a > b", ""]}, sc.ValidationError, "empty path"),
        ({"path": ["a > b", "a >> b"]}, sc.ValidationError, "empty channel name"),
        ({"path": ["a > b", "a | b"]}, sc.ValidationError, "separator"),
        ({"path": ["a > b", None]}, sc.ValidationError, "missing"),
        ({"total_conversions": [1, -1]}, sc.ValidationError, "must not be negative"),
        ({"total_null": [0, -3]}, sc.ValidationError, "must not be negative"),
        (
            {
                "total_conversions": [1, 0],
                "total_null": [0, 2],
                "total_conversion_value": ["1.00", "2.00"],
            },
            sc.ValidationError,
            "value without conversions",
        ),
        ({"total_conversions": [1.0, 2.0]}, sc.InputTypeError, "float"),
        ({"total_conversion_value": [1.5, 2.5]}, sc.InputTypeError, "float"),
        ({"total_conversion_value": [D("NaN"), D("1")]}, sc.ValidationError, "NaN"),
        ({"total_conversion_value": [1, 2]}, sc.InputTypeError, "minor"),
        ({"total_conversion_value": ["1.001", "2"]}, sc.ParseError, "more than 2 decimal places"),
        ({"total_conversion_value": [D("1.001"), D("2")]}, sc.ValidationError, "more decimals"),
        (
            {"total_conversion_value": [None, "2.00"]},
            sc.ValidationError,
            "missing value for converted rows",
        ),
        (
            {
                "total_conversions": [0, 0],
                "total_null": [0, 1],
                "total_conversion_value": ["0", "0"],
            },
            sc.ValidationError,
            "no journeys",
        ),
    ],
)
def test_bad_path_input(change, error, match):
    data = {
        "path": ["a > b", "b"],
        "total_conversions": [1, 2],
        "total_conversion_value": ["1.00", "2.00"],
        "total_null": [0, 1],
    }
    data.update(change)
    with pytest.raises(error, match=match):
        sa.Paths.from_path_strings(data, currency="USD")


def test_bad_options_and_journeys():
    p = paths_of([("a > b", 1, "1.00", 0)])
    with pytest.raises(sc.ValidationError, match="unknown rule model"):
        sa.rule_based(p, "u_shaped")
    with pytest.raises(sc.ValidationError, match="order"):
        sa.markov(p, order=5)
    with pytest.raises(sc.ValidationError, match="unknown channels"):
        sa.rule_based(p, "last_non_direct", direct_channels=["nope"])
    with pytest.raises(sc.ValidationError, match="separator"):
        paths_of([("a > b", 1, "1.00", 0)], separator=" ")
    with pytest.raises(sc.ValidationError, match="no touches"):
        sa.Paths.from_journeys(
            {"journey_id": [1], "timestamp": [0], "channel": ["a"]},
            {"journey_id": [2], "converted": [1], "value": ["1.00"]},
            currency="USD",
        )
    with pytest.raises(sc.ValidationError, match="value without conversion"):
        sa.Paths.from_journeys(
            {"journey_id": [1], "timestamp": [0], "channel": ["a"]},
            {"journey_id": [1], "converted": [0], "value": ["1.00"]},
            currency="USD",
        )
    with pytest.raises(sc.InputTypeError, match="float"):
        sa.Paths.from_journeys(
            {"journey_id": [1], "timestamp": [0.5], "channel": ["a"]}, None, currency="USD"
        )


# --------------------------------------------------------------------------- properties

channel_names = st.sampled_from(["search", "email", "direct", "social", "display"])
path_rows = st.lists(
    st.tuples(
        st.lists(channel_names, min_size=1, max_size=6),
        st.integers(0, 4),
        st.integers(0, 3),
        st.integers(0, 10**6),
    ),
    min_size=1,
    max_size=25,
).map(lambda rows: [(p, y, v if y else 0, n if (y or n) else 1) for p, y, n, v in rows])


def to_paths(rows, rename=None):
    rename = rename or {}
    return sa.Paths.from_path_strings(
        {
            "path": [" > ".join(rename.get(c, c) for c in p) for p, *_ in rows],
            "total_conversions": np.array([y for _, y, _, _ in rows], dtype=np.int64),
            "total_conversion_value": np.array([v for _, _, v, _ in rows], dtype=np.int64),
            "total_null": np.array([n for _, _, _, n in rows], dtype=np.int64),
        },
        currency="USD",
        value_minor_units=True,
    )


MODELS = {
    "first_touch": lambda p: sa.rule_based(p, "first_touch"),
    "linear": lambda p: sa.rule_based(p, "linear"),
    "position_based": lambda p: sa.rule_based(p, "position_based"),
    "custom_positions": lambda p: sa.rule_based(
        p, "custom_positions", weights_from_start=["3"], weights_from_end=["2"], other_weight="1"
    ),
    "simplified_shapley": lambda p: sa.simplified_shapley(p),
    "markov_per_path": lambda p: sa.markov(p, 2, basis="per_path"),
}


@settings(max_examples=60, deadline=None)
@given(path_rows)
def test_efficiency_and_aggregation(rows):
    p = to_paths(rows)
    total = sum(v for _, _, v, _ in rows)
    # The same journeys one per row (value split over the row's conversions).
    expanded = []
    for path, y, v, n in rows:
        for k in range(y):
            expanded.append((path, 1, v // y + (v % y if k == 0 else 0), 0))
        expanded.extend([(path, 0, 0, 1)] * n)
    q = to_paths(expanded)
    for name, model in MODELS.items():
        a, b = model(p), model(q)
        assert sum(a.channels["value"]) == Decimal(total).scaleb(-2), name
        assert sum(a.channels["conversions"]) == sum(y for _, y, _, _ in rows), name
        assert credits(a) == credits(b), name


@settings(max_examples=40, deadline=None)
@given(path_rows, st.permutations(["search", "email", "direct", "social", "display"]))
def test_relabelling_permutes(rows, perm):
    rename = dict(zip(["search", "email", "direct", "social", "display"], perm, strict=True))
    a, b = to_paths(rows), to_paths(rows, rename)
    for name, model in MODELS.items():
        ca, cb = credits(model(a)), credits(model(b))
        assert {rename[c]: v for c, v in ca.items()} == cb, name


def largest_remainder(
    total: int, shares: dict[str, Fraction], rank: dict[str, int]
) -> dict[str, int]:
    """Oracle: floors of exact Fraction shares, leftover units to the largest
    remainders, ties to the channel touched first."""
    s = sum(shares.values())
    exact = {c: total * w / s for c, w in shares.items()}
    out = {c: int(x.numerator // x.denominator) for c, x in exact.items()}
    left = total - sum(out.values())
    for c in sorted(exact, key=lambda c: (-(exact[c] - out[c]), rank[c]))[:left]:
        out[c] += 1
    return out


@settings(max_examples=80, deadline=None)
@given(st.lists(channel_names, min_size=1, max_size=8), st.integers(1, 10**9))
def test_single_row_matches_fraction_oracle(path, cents):
    p = to_paths([(path, 1, cents, 0)])
    rank = {}
    for c in path:
        rank.setdefault(c, len(rank))
    L = len(path)
    linear = {c: Fraction(path.count(c), L) for c in rank}
    if L == 1:
        position = {path[0]: Fraction(1)}
    elif L == 2:
        position = {}
        for c, w in ((path[0], Fraction(1, 2)), (path[1], Fraction(1, 2))):
            position[c] = position.get(c, 0) + w
    else:
        position = {}
        for i, c in enumerate(path):
            w = Fraction(2, 5) if i in (0, L - 1) else Fraction(1, 5) / (L - 2)
            position[c] = position.get(c, 0) + w
    for model, shares in (("linear", linear), ("position_based", position)):
        got = {c: int(v * 100) for c, v in credits(sa.rule_based(p, model)).items() if c in rank}
        assert got == largest_remainder(cents, shares, rank), model


@settings(max_examples=40, deadline=None)
@given(path_rows)
def test_reversal_swaps_first_and_last(rows):
    rev = [(list(reversed(p)), y, v, n) for p, y, v, n in rows]
    assert credits(sa.rule_based(to_paths(rows), "first_touch")) == credits(
        sa.rule_based(to_paths(rev), "last_touch")
    )
