"""Seeded random cases for the attribution oracle (no salescomp import).

Covers every rule model the oracle implements, unicode channel names, repeated
channels in a path, one-touch paths, merged identical rows, values that tie in
the largest remainder, and currencies with 0, 2 and 3 minor digits.
"""

from __future__ import annotations

import random

CURRENCIES = {"JPY": 0, "USD": 2, "KWD": 3}
CHANNELS = (
    "search",
    "email",
    "direct",
    "Ωmega",
    "搜索",
    "café",
    "social media",
    "📧 mail",
    "a",
    "b",
)
PATH_MODELS = (
    "first_touch",
    "last_touch",
    "last_non_direct",
    "linear",
    "linear_per_channel",
    "position_based",
    "custom_positions",
    "simplified_shapley",
)
JOURNEY_MODELS = ("time_decay", "step_decay", "w_shaped", "full_path")
TENTHS = [f"0.{i}" if i < 10 else "1" for i in range(11)]
WEIGHTS = ("0.1", "0.25", "1", "2", "0.333333333333", "0.05")


def _shares(rng: random.Random, k: int) -> list[str]:
    """k decimal shares (tenths) summing to exactly 1."""
    cuts = sorted(rng.randint(0, 10) for _ in range(k - 1))
    parts = [b - a for a, b in zip([0] + cuts, cuts + [10])]
    return [TENTHS[p] for p in parts]


def _options(rng: random.Random, model: str) -> dict:
    if model == "position_based":
        while True:
            first, middle, last = _shares(rng, 3)
            if first != "0.0" and last != "0.0":
                break
        opts = {"first": first, "middle": middle, "last": last}
        opts["two_touch"] = rng.choice(["split_middle", "renormalise"])
        roll = rng.random()
        if roll < 0.25:
            opts = {"two_touch": opts["two_touch"]}  # the defaults 0.4/0.2/0.4
        elif roll < 0.5:  # any positive shares, scaled to 1 on purpose
            for k in ("first", "middle", "last"):
                opts[k] = rng.choice(WEIGHTS)
            opts["normalise_shares"] = True
        return opts
    if model == "custom_positions":
        return {
            "weights_from_start": [rng.choice(WEIGHTS) for _ in range(rng.randint(1, 3))],
            "weights_from_end": [rng.choice(WEIGHTS) for _ in range(rng.randint(0, 3))],
            "other_weight": rng.choice(WEIGHTS + ("0",)),
        }
    if model == "time_decay":
        return {"half_life": rng.choice([10, 7 * 86400])}
    if model == "step_decay":
        return {
            "step_length": rng.choice([10, 86400]),
            "step_factor": rng.choice(["0.5", "0.75", "0.1", "1"]),
        }
    if model in ("w_shaped", "full_path"):
        if rng.random() < 0.4:
            return {}
        key = "w_shaped_shares" if model == "w_shaped" else "full_path_shares"
        while True:  # a first-touch and a rest share, so no path has weights all 0
            shares = _shares(rng, 5)
            if shares[0] != "0.0" and shares[4] != "0.0":
                return {key: shares}
    return {}


def _value(rng: random.Random, y: int, length: int) -> int:
    if y == 0:
        return 0
    if rng.random() < 0.4:  # multiples of small denominators: remainder ties
        return rng.choice([1, 2, 3, 6, 12]) * rng.randint(1, 50) + rng.choice([0, 1, length])
    return rng.randint(0, 100_000)


def _times(rng: random.Random, length: int, unit: int) -> list[int]:
    t, out = 0, []
    for _ in range(length):
        t += rng.choice([0, unit // 2, unit, 2 * unit, rng.randint(0, 3 * unit)])
        out.append(t)
    return out


def random_case(rng: random.Random) -> dict:
    model = rng.choice(PATH_MODELS + JOURNEY_MODELS)
    opts = _options(rng, model)
    pool = rng.sample(CHANNELS, rng.randint(1, 4))
    journeys = model in JOURNEY_MODELS
    unit = opts.get("half_life") or opts.get("step_length") or 10
    rows = []
    for _ in range(rng.randint(1, 6)):
        length = rng.choice([1, 1, 2, 2, 3, 4, 5, 7])
        chans = [rng.choice(pool) for _ in range(length)]
        times = _times(rng, length, unit)
        flags = [sum(b for b in (1, 2, 4) if rng.random() < 0.25) for _ in range(length)]
        if journeys:
            y = int(rng.random() < 0.75)
            n = 1 - y
        else:
            y, n = rng.randint(0, 3), rng.randint(0, 2)
            if y + n == 0:
                y = 1
        touches = [(c, t, f if journeys else 0) for c, t, f in zip(chans, times, flags)]
        row = {"touches": touches, "y": y, "n": n, "v": _value(rng, y, length)}
        if model == "step_decay" and rng.random() < 0.5:  # conversion after the last touch
            row["t_conv"] = times[-1] + rng.choice([0, 1, unit - 1, unit, 3 * unit])
        rows.append(row)
        if rng.random() < 0.2:  # an identical row (journey): merging must not move a unit
            rows.append({**rows[-1]})
    if model == "last_non_direct" and rng.random() < 0.5:  # explicit names seen in the data
        seen = sorted({t[0] for r in rows for t in r["touches"]})
        opts["direct_channels"] = rng.sample(seen, rng.randint(1, len(seen)))
    currency = rng.choice(list(CURRENCIES))
    return {
        "model": model,
        "options": opts,
        "currency": currency,
        "rows": rows,
        "journeys": journeys,
    }


def cases(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield random_case(rng)
