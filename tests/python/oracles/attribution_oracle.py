"""Independent oracle for rule-based attribution, written from docs/attribution.md alone.

Pure Python with ``fractions.Fraction``; it imports nothing from salescomp.
A *case* is a dict: ``model``, ``options`` (the keyword arguments of
``rule_based``), ``currency`` and ``rows``; each row is
``{"touches": [(channel, t, flags), ...], "y": int, "n": int, "v": int}``
(``v`` in minor units). ``credits(case)`` gives ``{channel: (conversion units
of 10^-9, value minor units)}`` with channels of zero credit left out.

Rules used (docs section 2 and 3):
* per converting row an exact weight per channel (touches of a channel add);
* rows whose share vectors and tie order are equal are merged (y and v add);
* each merged row's ``y * 10^9`` and ``v`` are split once by largest
  remainder: floors first, leftover units to the largest remainders, ties to
  the channel touched first in the path.
* ``journey_credits``: per-journey credits (docs section 2), split again row by
  row by what remains, the last row taking the rest.
* ``shapley_credits``: exact Shapley games (section 5) by the subset formula,
  ties to the smaller name; cases with a negative phi or v(N) = 0 are left out
  (the signed split is not specified precisely enough to re-implement).

* ``markov_*``: Markov removal effects (section 4): order-k states, the
  absorbing chain solved exactly by Gaussian elimination on Fractions, RE
  snapped half-even to 12 decimals, ``basis="global"`` (ties to the smaller
  name) and ``basis="per_path"`` (section 2 merging, ties to the first touch).

Not covered: Markov simulation and per-journey Markov credits, sampled Shapley, ordered Shapley (its "position at which
each channel was first touched" reads two ways), ``one_touch="reject"``.
"""

from __future__ import annotations

import decimal
from fractions import Fraction

CONVERSION_SCALE = 10**9
RATE_SCALE = 10**12
MILESTONE_BITS = (1, 2, 4)  # lead_created, opportunity_created, closed_won
DEFAULT_SHARES = {
    "w_shaped": ("0.3", "0.3", "0.3", "0", "0.1"),
    "full_path": ("0.225", "0.225", "0.225", "0.225", "0.1"),
}


def snap_rate(x: Fraction) -> Fraction:
    """Round half-even to 12 decimals (the docs' single snap of a decay weight)."""
    return Fraction(round(x * RATE_SCALE), RATE_SCALE)  # round() on Fraction is half-even


# ----------------------------------------------------------------------------- weights


def _position_weights(n: int, opts: dict) -> list[Fraction]:
    first = Fraction(opts.get("first") or "0.4")
    middle = Fraction(opts.get("middle") or "0.2")
    last = Fraction(opts.get("last") or "0.4")
    if n == 2:
        if opts.get("two_touch", "split_middle") == "renormalise":
            return [first, last]
        return [first + middle / 2, last + middle / 2]
    return [first * (n - 2)] + [middle] * (n - 2) + [last * (n - 2)]


def _milestone_weights(touches: list, opts: dict, model: str) -> list[Fraction]:
    key = "w_shaped_shares" if model == "w_shaped" else "full_path_shares"
    shares = [Fraction(s) for s in (opts.get(key) or DEFAULT_SHARES[model])]
    weights = [Fraction(0)] * len(touches)
    holds = [False] * len(touches)
    if shares[0] != 0:
        weights[0] += shares[0]
        holds[0] = True
    for share, bit in zip(shares[1:4], MILESTONE_BITS):
        at = next((i for i, t in enumerate(touches) if t[2] & bit), None)
        if share != 0 and at is not None:  # a 0 share is not a milestone; a missing one drops out
            weights[at] += share
            holds[at] = True
    rest = [i for i in range(len(touches)) if not holds[i]]
    for i in rest:  # rest spread evenly; no rest touches: the rest share drops out
        weights[i] += shares[4] / len(rest)
    return weights


def _custom_weights(n: int, opts: dict) -> list[Fraction]:
    start = [Fraction(w) for w in opts.get("weights_from_start") or []]
    end = [Fraction(w) for w in opts.get("weights_from_end") or []]
    other = Fraction(opts.get("other_weight") or "0")
    out = []
    for i in range(n):
        if i < len(start):
            out.append(start[i])
        elif n - 1 - i < len(end):
            out.append(end[n - 1 - i])
        else:
            out.append(other)
    return out


def _pow2_neg(dt: int, half_life: int) -> Fraction:
    """2^(-dt/H) snapped to 12 decimals; computed with 60 digits (docs: 50)."""
    if dt % half_life == 0:
        return snap_rate(Fraction(1, 2 ** (dt // half_life)))
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        x = (decimal.Decimal(-dt) / decimal.Decimal(half_life)) * decimal.Decimal(2).ln()
        return snap_rate(Fraction(x.exp()))


def _touch_weights(touches: list, model: str, opts: dict, t_conv=None) -> list[Fraction]:
    n = len(touches)
    one = [Fraction(0)] * n
    if model == "first_touch":
        one[0] = Fraction(1)
    elif model == "last_touch":
        one[-1] = Fraction(1)
    elif model == "last_non_direct":
        direct = set(opts.get("direct_channels", ("direct",)))
        idx = [i for i, t in enumerate(touches) if t[0] not in direct]
        one[idx[-1] if idx else n - 1] = Fraction(1)
    elif model == "linear":
        one = [Fraction(1)] * n
    elif n == 1 and model in ("position_based", "w_shaped", "full_path", "custom_positions"):
        one = [Fraction(1)]  # one_touch="full_credit"
    elif model == "position_based":
        one = _position_weights(n, opts)
    elif model in ("w_shaped", "full_path"):
        one = _milestone_weights(touches, opts, model)
    elif model == "custom_positions":
        one = _custom_weights(n, opts)
    elif model == "time_decay":
        latest = max(t[1] for t in touches)
        one = [_pow2_neg(latest - t[1], opts["half_life"]) for t in touches]
    elif model == "step_decay":
        latest = t_conv if t_conv is not None else max(t[1] for t in touches)
        factor = Fraction(opts.get("step_factor") or "0.5")
        one = [snap_rate(factor ** ((latest - t[1]) // opts["step_length"])) for t in touches]
    else:
        raise ValueError(f"oracle: model {model!r} not covered")
    return one


def channel_weights(
    touches: list, model: str, opts: dict, t_conv=None
) -> list[tuple[str, Fraction]]:
    """(channel, weight) in first-touch order; touches of one channel add."""
    if model in ("linear_per_channel", "simplified_shapley"):  # R(T)/|T| per journey
        order = list(dict.fromkeys(t[0] for t in touches))
        return [(c, Fraction(1)) for c in order]
    summed: dict[str, Fraction] = {}
    for t, w in zip(touches, _touch_weights(touches, model, opts, t_conv)):
        summed[t[0]] = summed.get(t[0], Fraction(0)) + w
    return list(summed.items())


# ----------------------------------------------------------------------------- money


def largest_remainder(total: int, shares: list[Fraction]) -> list[int]:
    """Floors of the exact shares; leftover units to the largest remainders,
    ties to the earlier entry (the channel touched first)."""
    exact = [total * s for s in shares]
    floors = [e.numerator // e.denominator for e in exact]
    left = total - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def _merged_rows(case: dict) -> dict:
    merged: dict[tuple, list[int]] = {}
    for row in case["rows"]:
        if row["y"] == 0:
            continue  # non-converting rows carry no credit
        weights = channel_weights(row["touches"], case["model"], case["options"], row.get("t_conv"))
        cw = [(c, w) for c, w in weights if w]
        total = sum(w for _, w in cw)
        key = tuple((c, w / total) for c, w in cw)
        acc = merged.setdefault(key, [0, 0])
        acc[0] += row["y"]
        acc[1] += row["v"]
    return merged


def credits(case: dict, split=largest_remainder) -> dict[str, tuple[int, int]]:
    out: dict[str, list[int]] = {}
    for key, (y, v) in _merged_rows(case).items():
        shares = [s for _, s in key]
        conv = split(y * CONVERSION_SCALE, shares)
        val = split(v, shares)
        for (c, _), cu, vu in zip(key, conv, val):
            acc = out.setdefault(c, [0, 0])
            acc[0] += cu
            acc[1] += vu
    return {c: (a, b) for c, (a, b) in out.items() if a or b}


# ----------------------------------------------------------------------------- per journey


def _split_by_remaining(total: int, remaining: list[int]) -> list[int]:
    whole = sum(remaining)
    if whole == 0:
        return [0] * len(remaining)
    return largest_remainder(total, [Fraction(r, whole) for r in remaining])


def journey_credits(case: dict) -> dict[tuple[int, str], tuple[int, int]]:
    """``per_journey=True``: each merged row's channel credits split again, row by
    row in row order, each taking its own conversions and value split by what
    remains of the merged row's channel credits; the last row takes the rest."""
    members: dict[tuple, list[int]] = {}
    for i, row in enumerate(case["rows"]):
        if row["y"]:
            weights = channel_weights(
                row["touches"], case["model"], case["options"], row.get("t_conv")
            )
            cw = [(c, w) for c, w in weights if w]
            total = sum(w for _, w in cw)
            members.setdefault(tuple((c, w / total) for c, w in cw), []).append(i)
    out: dict[tuple[int, str], tuple[int, int]] = {}
    for key, rows in members.items():
        shares = [s for _, s in key]
        y = sum(case["rows"][i]["y"] for i in rows)
        v = sum(case["rows"][i]["v"] for i in rows)
        left_c = largest_remainder(y * CONVERSION_SCALE, shares)
        left_v = largest_remainder(v, shares)
        for k, i in enumerate(rows):
            row = case["rows"][i]
            if k == len(rows) - 1:
                conv, val = left_c, left_v
            else:
                conv = _split_by_remaining(row["y"] * CONVERSION_SCALE, left_c)
                val = _split_by_remaining(row["v"], left_v)
            left_c = [a - b for a, b in zip(left_c, conv)]
            left_v = [a - b for a, b in zip(left_v, val)]
            for (c, _), a, b in zip(key, conv, val):
                if a or b:
                    out[(i, c)] = (a, b)
    return out


# ----------------------------------------------------------------------------- Shapley game (exact)


def _game_value(rows: list, coalition: frozenset, game: str) -> Fraction:
    inside = [r for r in rows if {t[0] for t in r["touches"]} <= coalition]
    y = sum(r["y"] for r in inside)
    if game == "conversions":
        return Fraction(y)
    trials = sum(r["y"] + r["n"] for r in inside)
    return Fraction(y, trials) if trials else Fraction(0)


def shapley_phi(rows: list, game: str) -> dict[str, Fraction]:
    """Exact Shapley value by the subset formula sum |S|!(n-|S|-1)!/n! (v(S+j) - v(S))."""
    from itertools import combinations
    from math import factorial

    players = sorted({t[0] for r in rows for t in r["touches"]})
    n = len(players)
    phi = {}
    for j in players:
        others = [p for p in players if p != j]
        total = Fraction(0)
        for size in range(n):
            weight = Fraction(factorial(size) * factorial(n - size - 1), factorial(n))
            for s in combinations(others, size):
                s = frozenset(s)
                total += weight * (_game_value(rows, s | {j}, game) - _game_value(rows, s, game))
        phi[j] = total
    return phi


def shapley_credits(case: dict, game: str) -> dict[str, tuple[int, int]] | None:
    """Total conversions and value split once by exact phi, ties to the smaller
    (sorted) name. None when phi has a negative entry or sums to 0: the signed
    split is not pinned down by the docs, so those cases are not compared."""
    phi = shapley_phi(case["rows"], game)
    whole = sum(phi.values())
    if whole <= 0 or any(p < 0 for p in phi.values()):
        return None
    names = sorted(phi)
    shares = [phi[c] / whole for c in names]
    y = sum(r["y"] for r in case["rows"]) * CONVERSION_SCALE
    v = sum(r["v"] for r in case["rows"])
    conv, val = largest_remainder(y, shares), largest_remainder(v, shares)
    return {c: (a, b) for c, a, b in zip(names, conv, val) if a or b}


# ----------------------------------------------------------------------------- Markov (section 4)

START, CONV, NULL = ("(start)",), ("(conversion)",), ("(null)",)


def _dedupe(channels: list[str]) -> list[str]:
    """Consecutive repeats merged: ``a a b`` is ``a b``."""
    return [c for i, c in enumerate(channels) if i == 0 or channels[i - 1] != c]


def markov_states(channels: list[str], order: int) -> list[tuple]:
    """The path's states: windows of the last ``order`` channels, the first ones shorter."""
    chans = _dedupe(channels)
    return [tuple(chans[max(0, i + 1 - order) : i + 1]) for i in range(len(chans))]


def markov_counts(rows: list, order: int) -> dict[tuple, dict[tuple, int]]:
    """Transition counts: weight y + n per step, the last state to conversion (y) and null (n)."""
    counts: dict[tuple, dict[tuple, int]] = {}

    def add(a, b, w):
        if w:
            counts.setdefault(a, {})
            counts[a][b] = counts[a].get(b, 0) + w

    for r in rows:
        seq = [START] + markov_states([t[0] for t in r["touches"]], order)
        for a, b in zip(seq, seq[1:]):
            add(a, b, r["y"] + r["n"])
        add(seq[-1], CONV, r["y"])
        add(seq[-1], NULL, r["n"])
    return counts


def absorption(counts: dict, removed: str | None = None) -> Fraction:
    """P(conversion from start), exact: solve x = Q x + b by Gaussian elimination.
    With ``removed``, every transition into a state containing it goes to null."""
    live = [s for s in counts if removed is None or removed not in s]
    index = {s: i for i, s in enumerate(live)}
    n = len(live)
    rows = []
    for s in live:
        out = counts[s]
        total = sum(out.values())
        row = [Fraction(0)] * (n + 1)
        row[index[s]] += 1
        for t, w in out.items():
            if t == CONV:
                row[n] += Fraction(w, total)
            elif t in index:
                row[index[t]] -= Fraction(w, total)
        rows.append(row)
    for col in range(n):  # I - Q is non-singular: every live state reaches an absorbing one
        pivot = next(r for r in range(col, n) if rows[r][col] != 0)
        rows[col], rows[pivot] = rows[pivot], rows[col]
        p = rows[col][col]
        rows[col] = [x / p for x in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[col])]
    return rows[index[START]][n] if START in index else Fraction(0)


def markov_removal_effects(rows: list, order: int) -> dict[str, Fraction] | None:
    """Exact RE_c = 1 - P_-c / P(conv), clamped to [0, 1]; None when P(conv) = 0."""
    counts = markov_counts(rows, order)
    whole = absorption(counts)
    if whole == 0:
        return None
    channels = sorted({t[0] for r in rows for t in r["touches"]})
    return {
        c: min(Fraction(1), max(Fraction(0), 1 - absorption(counts, c) / whole)) for c in channels
    }


def markov_weights(rows: list, order: int) -> dict[str, Fraction] | None:
    """RE_c snapped once to 12 decimals (``removal_weight``)."""
    re = markov_removal_effects(rows, order)
    return None if re is None else {c: snap_rate(x) for c, x in re.items()}


def markov_credits(case: dict, order: int, basis: str, weights=None) -> dict | None:
    """Channel credits of ``markov(paths, order, basis=...)``; None when P(conv) = 0
    or, for ``global``, every RE is 0 (the docs leave that split open)."""
    w = weights if weights is not None else markov_weights(case["rows"], order)
    if w is None:
        return None
    if basis == "global":
        whole = sum(w.values())
        if whole == 0:
            return None
        names = sorted(w)
        shares = [w[c] / whole for c in names]
        y = sum(r["y"] for r in case["rows"]) * CONVERSION_SCALE
        v = sum(r["v"] for r in case["rows"])
        conv, val = largest_remainder(y, shares), largest_remainder(v, shares)
        return {c: (a, b) for c, a, b in zip(names, conv, val) if a or b}
    return _per_path_credits(case, w)


def _per_path_credits(case: dict, w: dict[str, Fraction]) -> dict:
    """Each row over its own distinct channels by RE_c (even when all are 0),
    rows merged as in section 2, ties to the channel touched first."""
    out: dict[str, list[int]] = {}
    merged: dict[tuple, list[int]] = {}
    for row in case["rows"]:
        if row["y"] == 0:
            continue
        order = list(dict.fromkeys(t[0] for t in row["touches"]))
        cw = [(c, w[c]) for c in order if w[c]] or [(c, Fraction(1)) for c in order]
        total = sum(x for _, x in cw)
        acc = merged.setdefault(tuple((c, x / total) for c, x in cw), [0, 0])
        acc[0] += row["y"]
        acc[1] += row["v"]
    for key, (y, v) in merged.items():
        shares = [s for _, s in key]
        for (c, _), a, b in zip(
            key, largest_remainder(y * CONVERSION_SCALE, shares), largest_remainder(v, shares)
        ):
            acc = out.setdefault(c, [0, 0])
            acc[0] += a
            acc[1] += b
    return {c: (a, b) for c, (a, b) in out.items() if a or b}
