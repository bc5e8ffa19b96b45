"""Journey ids are the user's text (CRM ids, unicode, numeric-looking text), end to end:
the same credits as integer ids, the user's ids in per-journey output and in errors, and
the same bytes for any order of the touch rows."""

import random

import numpy as np
import pyarrow as pa
import pytest
import salescomp.attribution as sa
from arrow_producers import producers as arrow_producers

# Ids in byte order: "0015g00000AbCdEAAZ" < "10" < "9" < "zoë/ü" (digits sort before letters;
# "10" < "9" as text, never as numbers).
TEXT_IDS = ["0015g00000AbCdEAAZ", "10", "9", "zoë/ü"]
CHANNELS = ["ads", "email", "seo", "webinar"]


def _journeys(ids, seed=3, n_touches=40):
    rng = random.Random(seed)
    journey = [ids[rng.randrange(len(ids))] for _ in range(n_touches)]
    touches = pa.table(
        {
            "journey_id": journey,
            "timestamp": list(range(n_touches)),
            "channel": [CHANNELS[rng.randrange(len(CHANNELS))] for _ in range(n_touches)],
        }
    )
    outcomes = pa.table(
        {
            "journey_id": ids[:3],
            "converted": [True, True, False],
            "value": ["100.00", "33.33", "0.00"],
        }
    )
    return touches, outcomes


def _credits(touches, outcomes, model="linear"):
    paths = sa.Paths.from_journeys(touches, outcomes, currency="USD")
    if model == "markov":
        return sa.markov(paths, 1, basis="per_path", per_journey=True, output="arrow")
    return sa.rule_based(paths, model, per_journey=True, output="arrow")


@pytest.mark.parametrize("model", ["first_touch", "linear", "time_decay", "markov"])
def test_text_ids_credit_exactly_like_integer_ids_of_the_same_order(model):
    # Integer ids equal to each text id's byte-order rank describe the same journeys in the
    # same order, so every credit (and every tie cent) must be identical.
    touches, outcomes = _journeys(TEXT_IDS)
    rank = {v: k for k, v in enumerate(sorted(TEXT_IDS, key=lambda x: x.encode()))}
    as_int = lambda t: t.set_column(  # noqa: E731
        0, "journey_id", pa.array([rank[v] for v in t.column(0).to_pylist()], pa.int64())
    )
    text = _credits(touches, outcomes, model)
    ints = _credits(as_int(touches), as_int(outcomes), model)
    assert text.channels.equals(ints.channels)
    assert text.journeys.drop_columns(["journey_id"]).equals(ints.journeys)


def test_per_journey_rows_name_the_users_ids():
    touches, outcomes = _journeys(TEXT_IDS)
    j = _credits(touches, outcomes).journeys
    assert set(j.column("journey_id").to_pylist()) == {"0015g00000AbCdEAAZ", "10"}
    # journey "9" did not convert and "zoë/ü" has no outcome row: no credit rows for them.
    rows = j.column("journey_id").to_pylist()
    assert rows == sorted(rows, key=str.encode)


def test_shuffled_touch_rows_and_dictionary_ids_give_the_same_bytes():
    touches, outcomes = _journeys(TEXT_IDS)
    base = _credits(touches, outcomes, "markov")
    perm = np.random.default_rng(5).permutation(touches.num_rows)
    shuffled = touches.take(pa.array(perm))
    encoded = shuffled.set_column(0, "journey_id", shuffled.column(0).dictionary_encode())
    for t in (shuffled, encoded):
        again = _credits(t, outcomes, "markov")
        assert again.channels.equals(base.channels)
        assert again.journeys.equals(base.journeys)


def test_integer_outcome_ids_meet_numeric_looking_text_touch_ids():
    # A CSV reader may type one file's ids as integers and the other's as text.
    touches = pa.table(
        {"journey_id": ["10", "10", "9"], "timestamp": [1, 2, 3], "channel": ["ads", "seo", "ads"]}
    )
    outcomes = pa.table(
        {"journey_id": pa.array([10], pa.int64()), "converted": [True], "value": ["1.00"]}
    )
    r = _credits(touches, outcomes)
    # journey "10": linear over ads and seo, 1.00 / 2 = 0.50 each.
    assert r.journeys.column("journey_id").to_pylist() == ["10", "10"]
    assert [str(v) for v in r.journeys.column("value").to_pylist()] == ["0.50", "0.50"]


def test_an_outcome_for_an_unknown_journey_names_the_users_id():
    touches, _ = _journeys(TEXT_IDS)
    outcomes = pa.table(
        {"journey_id": ["10", "a0X5g000001"], "converted": [True, True], "value": ["1.00", "2.00"]}
    )
    with pytest.raises(sa.ValidationError) as e:
        sa.Paths.from_journeys(touches, outcomes, currency="USD")
    assert "'a0X5g000001'" in str(e.value) and "outcome for a journey with no touches" in str(
        e.value
    )
    assert e.value.issues[0]["value"] == "a0X5g000001"


def test_null_and_float_journey_ids_are_refused():
    touches, outcomes = _journeys(TEXT_IDS)
    with_null = touches.set_column(
        0, "journey_id", pa.array([None] + touches.column(0).to_pylist()[1:])
    )
    with pytest.raises(sa.ValidationError, match="journey: missing values"):
        sa.Paths.from_journeys(with_null, outcomes, currency="USD")
    floats = touches.set_column(0, "journey_id", pa.array([1.0] * touches.num_rows))
    with pytest.raises(TypeError, match="journey"):
        sa.Paths.from_journeys(floats, None, currency="USD")


def test_every_producer_gives_the_same_bytes():
    touches, outcomes = _journeys(TEXT_IDS)
    base = _credits(touches, outcomes, "markov")

    producers = [*arrow_producers().values(), lambda t: t.to_pydict()]
    for make in producers:
        again = _credits(make(touches), make(outcomes), "markov")
        assert again.channels.equals(base.channels), make
        assert again.journeys.equals(base.journeys), make
