"""Independent verifier of sealed records (docs/audit.md, "The verifier").

Standalone on purpose: this file imports only the Python standard library and pyarrow (to
read Parquet), never salescomp or its compiled engine, and can be copied and run on its own::

    python verify_audit.py LEDGER_OR_RECORD [--json]

For every record it checks the manifest's SHA-256 of each file, then for every line:

- the line's expression evaluates exactly (``fractions.Fraction``) and its rounding (unit and
  mode) gives the line's amount to the cent;
- every operand matches its source: a credit is the credits table's row of that id and
  person, a quota the quota row, a plan value the plan document (of the line's plan and
  version) at the JSON pointer, a default is absent from the document and equals the
  documented default, an MBO achievement its row, carried state the previous record's
  state, another line the record's lines, a manual adjustment its row, a restatement the
  re-derived lines and what was posted before;
- every statement total is the exact sum of its lines.

Lines whose arithmetic the record does not carry (an ``engine`` leaf) are reported as
unverifiable. Exit status 0 when everything was verified, 1 otherwise.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

__all__ = [
    "FORMAT",
    "MODES",
    "Inexact",
    "Record",
    "Verifier",
    "evaluate",
    "exact",
    "leaves",
    "main",
    "measures",
    "record_folders",
    "round_to",
    "verify",
]

FORMAT = "salescomp.sealed-period/1"

#: The tables of a record (docs/audit.md, "Tables").
TABLES = (
    "lines",
    "statements",
    "state",
    "credits",
    "quotas",
    "mbo",
    "plans",
    "plan_assignments",
    "inputs",
    "adjustments",
    "restated_lines",
    "restated_credits",
    "restated_quotas",
    "restated_mbo",
    "restated_state",
)

#: Values a plan document takes when a field is absent (docs/plan-reference.md).
PLAN_DEFAULTS = {"/rounding/mode": "HalfEven", "max_achievement": "1"}

MODES = ("HalfEven", "HalfUp", "HalfDown", "Up", "Down", "Ceiling", "Floor", "Unnecessary")


def _strict_json(text: str) -> Any:
    """json.loads that refuses a duplicate key (Python keeps the last one silently); this
    module stands alone, so it cannot use salescomp's strict reader."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"duplicate JSON key(s) {twice}")
        return dict(items)

    return json.loads(text, object_pairs_hook=pairs)


class Inexact(ArithmeticError):
    """Rounding mode Unnecessary met a value that needs rounding."""


# -- arithmetic ---------------------------------------------------------------------------------


def exact(text: str) -> Fraction:
    """An exact decimal text (``-?digits[.digits]``) as a Fraction; anything else is refused."""
    if not isinstance(text, str):
        raise ValueError(f"not decimal text: {text!r}")
    body = text[1:] if text.startswith("-") else text
    whole, _, frac = body.partition(".")
    if (
        not whole.isdigit()
        or (frac and not frac.isdigit())
        or not whole.isascii()
        or not frac.isascii()
    ):
        raise ValueError(f"not an exact decimal: {text!r}")
    n = int(whole + frac)
    return Fraction(-n if text.startswith("-") else n, 10 ** len(frac))


def round_to(x: Fraction, unit: Fraction, mode: str) -> Fraction:
    """``x`` rounded to a multiple of ``unit`` with ``mode`` (the engine's eight modes)."""
    q = x / unit
    lo = q.numerator // q.denominator  # floor
    if lo == q:
        return x
    if mode == "Unnecessary":
        raise Inexact(f"{x} is not a multiple of {unit}")
    frac = q - lo
    away = lo + 1 if q > 0 else lo  # away from zero
    toward = lo if q > 0 else lo + 1
    if mode == "Floor":
        n = lo
    elif mode == "Ceiling":
        n = lo + 1
    elif mode == "Up":
        n = away
    elif mode == "Down":
        n = toward
    elif frac != Fraction(1, 2):
        n = lo if frac < Fraction(1, 2) else lo + 1
    elif mode == "HalfUp":
        n = away
    elif mode == "HalfDown":
        n = toward
    elif mode == "HalfEven":
        n = lo if lo % 2 == 0 else lo + 1
    else:
        raise ValueError(f"unknown rounding mode {mode!r}")
    return n * unit


def _allocate(
    total: Fraction, weights: list[Fraction], keys: list[Any], unit: Fraction
) -> list[Fraction]:
    """Largest remainder in units: floors, then one unit each to the largest remainders (ties: key, position)."""
    t = total / unit
    if t.denominator != 1:
        raise ValueError(f"allocate: total {total} is not a multiple of {unit}")
    magnitude, sign = abs(t.numerator), (-1 if t < 0 else 1)
    w_total = sum(weights)
    parts, remainders = [], []
    for w in weights:
        p = magnitude * w / w_total
        f = p.numerator // p.denominator
        parts.append(f)
        remainders.append(p - f)
    left = magnitude - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], keys[i], i))
    for i in order[:left]:
        parts[i] += 1
    return [sign * p * unit for p in parts]


def evaluate(node: dict[str, Any], _memo: dict[int, Fraction] | None = None) -> Fraction:
    """The exact value of an expression node (a node met twice, e.g. the measure of every band
    of a tier table, is computed once)."""
    memo = {} if _memo is None else _memo
    key = id(node)
    if key not in memo:
        memo[key] = _evaluate(node, memo)
    return memo[key]


def _evaluate(node: dict[str, Any], memo: dict[int, Fraction]) -> Fraction:
    kind = node["op"]
    if kind == "value":
        return exact(node["value"])
    if kind == "sum":
        return sum((evaluate(a, memo) for a in node["args"]), Fraction(0))
    if kind == "product":
        out = Fraction(1)
        for a in node["args"]:
            out *= evaluate(a, memo)
        return out
    if kind == "neg":
        return -evaluate(node["arg"], memo)
    if kind == "min":
        return min(evaluate(a, memo) for a in node["args"])
    if kind == "max":
        return max(evaluate(a, memo) for a in node["args"])
    if kind == "count":
        return Fraction(len(node["args"]))
    if kind == "band":
        x, lo = evaluate(node["x"], memo), evaluate(node["from"], memo)
        hi = None if node["to"] is None else evaluate(node["to"], memo)
        top = x if hi is None else min(x, hi)
        return max(Fraction(0), top - lo)
    if kind == "round":
        return round_to(evaluate(node["arg"], memo), exact(node["unit"]), node["mode"])
    if kind == "allocate":
        weights = [evaluate(w, memo) for w in node["weights"]]
        return _allocate(evaluate(node["total"], memo), weights, node["keys"], exact(node["unit"]))[
            node["index"]
        ]
    raise ValueError(f"unknown operator {kind!r}")


def _passes(filters: dict[str, Any], credit: dict[str, Any]) -> bool:
    """A credit passes a measure's (or multiplier's) filters; an empty or absent list means any."""
    return (
        (not filters.get("credit_kinds") or credit["kind"] in filters["credit_kinds"])
        and (not filters.get("deal_types") or credit["deal_type"] in filters["deal_types"])
        and (not filters.get("products") or credit["product"] in filters["products"])
    )


def _children(n: dict[str, Any]) -> list[dict[str, Any]]:
    out = list(n.get("args", [])) + list(n.get("weights", []))
    out.extend(n[k] for k in ("arg", "x", "from", "to", "total") if n.get(k) is not None)
    return out


def measures(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Every node that sums (or counts) a measure's credits."""
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if "measure" in n:
            out.append(n)
        stack.extend(_children(n))
    return out


def leaves(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Every value node of an expression, with the rounding nodes' mode sources as pseudo-leaves."""
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n["op"] == "value":
            out.append(n)
            continue
        if n["op"] == "round":
            out.append({"op": "mode", "value": n["mode"], "source": n.get("mode_source", {})})
        stack.extend(_children(n))
    return out


# -- records ------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Record:
    """A sealed record read with pyarrow alone."""

    def __init__(self, folder: Path) -> None:
        import pyarrow.parquet as pq

        self.folder = folder
        self.manifest = _strict_json((folder / "manifest.json").read_text(encoding="utf-8"))
        self.problems: list[str] = []
        if self.manifest.get("format") != FORMAT:
            self.problems.append(
                f"{folder.name}: format {self.manifest.get('format')!r}, expected {FORMAT!r}"
            )
        self.tables: dict[str, list[dict[str, Any]]] = {}
        for name in TABLES:
            self.tables[name] = []
            entry = self.manifest["files"].get(f"{name}.parquet")
            path = folder / f"{name}.parquet"
            if entry is None or not path.is_file():
                self.problems.append(f"{folder.name}/{name}.parquet: missing")
                continue
            digest = _sha256(path)
            if digest != entry["sha256"]:
                self.problems.append(
                    f"{folder.name}/{path.name}: SHA-256 {digest} differs from the manifest"
                )
            self.tables[name] = pq.read_table(path).to_pylist()
        self.label = self.manifest["period"]["label"]


def _pointer(doc: Any, path: str) -> Any:
    v = doc
    for part in path.strip("/").split("/"):
        if isinstance(v, list):
            v = v[int(part)]
        elif isinstance(v, dict) and part in v:
            v = v[part]
        else:
            raise KeyError(path)
    return v


class Verifier:
    """Checks the records of one ledger in period order (see the module docstring)."""

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}
        self.lines = 0
        self.mismatches: list[str] = []
        self.unverifiable: list[str] = []

    def verify(self, record: Record) -> None:
        self.mismatches.extend(record.problems)
        self.records[record.label] = record
        t = record.tables
        self._record = record
        self._plans = {(r["plan_id"], r["version"]): _strict_json(r["document"]) for r in t["plans"]}
        self._adjustments = {r["adjustment_id"]: r for r in t["adjustments"]}
        self._restated = self._sums(
            t["restated_lines"],
            lambda r: (r["period"], r["person_id"], r["component"], r["deal_id"]),
        )
        self._use_period(record.label)
        for line in t["lines"]:
            self.lines += 1
            self._line(line)
        self._statements(t)
        for period in sorted({r["period"] for r in t["restated_lines"]}):
            self._use_period(period)
            for line in t["restated_lines"]:
                if line["period"] == period:
                    self.lines += 1
                    self._line(line)

    def _use_period(self, period: str) -> None:
        """Check the next lines against the record's own sources, or those it keeps for a
        quarter it restated (inputs and the state the re-run started it from)."""
        t, record = self._record.tables, self._record
        prev = record.manifest.get("previous")
        if period != record.label:
            year, quarter = period[:-1], int(period[-1])
            lines = [r for r in t["restated_lines"] if r["period"] == period]
            state = [r for r in t["restated_state"] if r["period"] == period]
            prev_state = f"{year}{quarter - 1} (restated)" if quarter > 1 else None
            self._use(t, lines, state, prev_state, period=period)
        elif record.manifest.get("restated"):  # the quarter started from the year re-run
            state = [r for r in t["restated_state"] if r["period"] == record.label]
            self._use(t, t["lines"], state, f"{prev} (restated)")
        else:
            state = self.records[prev].tables["state"] if prev in self.records else []
            self._use(t, t["lines"], state, prev)

    def _use(
        self,
        t: dict[str, list[dict]],
        lines: list[dict],
        state: list[dict],
        state_label: Any,
        period: str | None = None,
    ) -> None:
        """The sources the next lines are checked against (the record's, or a restated quarter's)."""

        def rows(name: str) -> list[dict]:
            return (
                t[name]
                if period is None
                else [r for r in t[f"restated_{name}"] if r["period"] == period]
            )

        self._credits = {r["credit_id"]: r for r in rows("credits")}
        self._credits_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in self._credits.values():
            self._credits_of[r["person_id"]].append(r)
        self._quotas = {r["quota_id"]: r for r in rows("quotas")}
        self._mbo = {(r["person_id"], r["component"], r["objective"]): r for r in rows("mbo")}
        self._line_sums = self._sums(
            lines, lambda r: (r["person_id"], r["component"], r["deal_id"]), kinds=("engine",)
        )
        self._state = {(r["person_id"], r["field"], r["key"]): r for r in state}
        self._prev_label = state_label

    @staticmethod
    def _sums(
        rows: list[dict], key: Any, kinds: tuple[str, ...] | None = None
    ) -> dict[Any, Fraction]:
        out: dict[Any, Fraction] = defaultdict(Fraction)
        for r in rows:
            if kinds is None or r["line_kind"] in kinds:
                out[key(r)] += Fraction(r["amount"])
        return out

    def _line(self, line: dict[str, Any]) -> None:
        where = f"{line['line_id']} ({line['person_id']}, {line['component']})"
        try:
            node = _strict_json(line["expression"])
            if node["op"] == "value" and node["source"].get("kind") == "engine":
                self.unverifiable.append(f"{where}: no expression ({node['source'].get('why')})")
                return
            value = evaluate(node)
        except (ValueError, KeyError, TypeError, ArithmeticError) as e:
            self.mismatches.append(f"{where}: expression cannot be evaluated: {e}")
            return
        if value != Fraction(line["amount"]):
            self.mismatches.append(
                f"{where}: expression gives {_text(value)}, line pays {line['amount']}"
            )
        if line["line_kind"] == "engine" and node["op"] not in ("round", "neg"):
            self.mismatches.append(f"{where}: the expression does not end in one rounding")
        for leaf in leaves(node):
            problem = self._operand(line, leaf)
            if problem:
                self.mismatches.append(f"{where}: {problem}")
        for measure in measures(node):
            problem = self._membership(line, measure)
            if problem:
                self.mismatches.append(f"{where}: {problem}")

    def check_line(self, line: dict[str, Any]) -> list[str]:
        """The problems of one line (or re-derived restated line) of the record verified last,
        e.g. of a mutated copy; nothing is added to the report."""
        m0, u0 = len(self.mismatches), len(self.unverifiable)
        self._use_period(line["period"])
        self._line(line)
        found = self.mismatches[m0:] + self.unverifiable[u0:]
        del self.mismatches[m0:], self.unverifiable[u0:]
        return found

    def _membership(self, line: dict[str, Any], node: dict[str, Any]) -> str | None:
        """The credits a measure lists are exactly those the plan's measure selects from the
        credits table (person, dates, filters, cancellations), each with its multiplier."""
        m = node["measure"]
        doc = self._plans.get((m.get("plan"), m.get("version")))
        if (
            doc is None
            or m.get("plan") not in line["plan_id"].split(" -> ")
            or m.get("person") != line["person_id"]
        ):
            return f"measure of plan {m.get('plan')} / person {m.get('person')} is not the line's"
        measure = _pointer(doc, m["path"])
        claw = next((c for c in doc["components"] if c.get("type") == "clawback"), {})
        expected: dict[str, str | None] = {}
        for r in self._credits_of.get(m["person"], []):
            if not m["from"] <= r["date"].isoformat() <= m["to"]:
                continue
            if (
                claw.get("reverse_attainment")
                and r["cancellation_date"] is not None
                and r["cancellation_date"].isoformat() <= m["to"]
            ):
                continue
            if not _passes(measure, r):
                continue
            k = next(
                (
                    j
                    for j, mm in enumerate(measure.get("multipliers", []))
                    if _passes(
                        {"deal_types": mm.get("deal_types"), "products": mm.get("products")}, r
                    )
                    and (r["term_months"] or 0) >= mm.get("min_term_months", 0)
                ),
                None,
            )
            expected[r["credit_id"]] = None if k is None else f"{m['path']}/multipliers/{k}/factor"
        listed: dict[str, str | None] = {}
        for arg in node["args"]:
            if arg["op"] == "value":
                listed[arg["source"].get("credit")] = None
            elif (
                arg["op"] == "round"
                and arg["arg"]["op"] == "product"
                and len(arg["arg"]["args"]) == 2
            ):
                credit, factor = arg["arg"]["args"]
                listed[credit["source"].get("credit")] = factor["source"].get("path")
            else:
                return f"measure {m['path']}: an operand that is not a credit"
        if len(listed) != len(node["args"]) or listed != expected:
            missing = sorted(set(expected) - set(listed))[:3]
            extra = sorted(set(listed) - set(expected))[:3]
            weights = sorted(k for k in set(listed) & set(expected) if listed[k] != expected[k])[:3]
            return (
                f"measure {m['path']} lists other credits than the plan selects (missing {missing}, extra "
                f"{extra}, wrong multiplier {weights}, listed twice: {len(listed) != len(node['args'])})"
            )
        return None

    def _operand(self, line: dict[str, Any], leaf: dict[str, Any]) -> str | None:
        s, text = leaf.get("source", {}), leaf["value"]
        kind = s.get("kind")
        try:
            if leaf["op"] == "mode":
                if text not in MODES:
                    return f"unknown rounding mode {text!r}"
                if kind == "literal":  # Unnecessary checks an amount, it chooses nothing
                    return None if text == "Unnecessary" else f"rounding mode {text} has no source"
                return self._plan_value(line, s, text, compare=str)
            value = exact(text)
            if kind == "credit":
                r = self._credits.get(s.get("credit"))
                if r is None:
                    return f"credit {s.get('credit')!r} is not in the credits table"
                if r["person_id"] != line["person_id"] or s.get("person") != line["person_id"]:
                    return f"credit {s['credit']!r} belongs to {r['person_id']}, not {line['person_id']}"
                return (
                    None
                    if Fraction(r["amount"]) == value
                    else f"credit {s['credit']!r} is {r['amount']}, not {text}"
                )
            if kind == "quota":
                r = self._quotas.get(s.get("quota"))
                if r is None or r["person_id"] != line["person_id"]:
                    return f"quota {s.get('quota')!r} is not a quota row of {line['person_id']}"
                return (
                    None
                    if exact(r["amount"]) == value
                    else f"quota {s['quota']!r} is {r['amount']}, not {text}"
                )
            if kind in ("plan", "plan_default", "plan_rule"):
                return self._plan_value(line, s, value, compare=lambda v: exact(str(v)))
            if kind == "mbo":
                r = self._mbo.get((line["person_id"], s.get("component"), s.get("objective")))
                if r is None:
                    return f"no MBO achievement {s.get('component')}/{s.get('objective')}"
                return (
                    None
                    if exact(r["achievement"]) == value
                    else f"MBO achievement is {r['achievement']}"
                )
            if kind == "state":
                return self._state_value(line, s, value)
            if kind == "line":
                got = self._line_sums.get(
                    (s.get("person"), s.get("component"), s.get("deal")), Fraction(0)
                )
                ok = s.get("person") == line["person_id"] and got == value
                return (
                    None if ok else f"line operand {s.get('component')} is {_text(got)}, not {text}"
                )
            if kind == "adjustment":
                r = self._adjustments.get(s.get("adjustment_id"))
                if r is None or r["person_id"] != line["person_id"]:
                    return f"adjustment {s.get('adjustment_id')!r} is not an adjustment of {line['person_id']}"
                return (
                    None
                    if exact(r["amount"]) == value
                    else f"adjustment amount is {r['amount']}, not {text}"
                )
            if kind == "restated":
                got = self._restated.get(
                    (s["period"], s["person"], s["component"], s["deal"]), Fraction(0)
                )
                return (
                    None
                    if got == value
                    else f"restated {s['period']} amount is {_text(got)}, not {text}"
                )
            if kind == "posted":
                got = self._posted(s)
                return (
                    None
                    if got == value
                    else f"posted for {s['period']} is {_text(got)}, not {text}"
                )
            if kind == "literal":  # the 0 of max(0, ...): the only constant an expression has
                return None if value == 0 else f"literal {text} is not 0"
            return f"operand with an unknown source {kind!r}"
        except (ValueError, KeyError, TypeError, IndexError) as e:
            return f"operand {leaf} cannot be checked: {e}"

    def _plan_value(
        self, line: dict[str, Any], s: dict[str, Any], value: Any, compare: Any
    ) -> str | None:
        if s.get("plan") not in line["plan_id"].split(" -> ") or s.get("version") not in line[
            "plan_version"
        ].split(" -> "):
            return f"plan {s.get('plan')} {s.get('version', '')[:12]} is not the line's plan"
        doc = self._plans.get((s["plan"], s["version"]))
        if doc is None:
            return f"plan {s['plan']} version {s['version'][:12]} is not in the record"
        path = s.get("path", "")
        if s.get("kind") == "plan_default":
            try:
                _pointer(doc, path)
                return f"{path} is set in plan {s['plan']}: not a default"
            except KeyError:
                default = PLAN_DEFAULTS.get(path) or PLAN_DEFAULTS.get(path.rsplit("/", 1)[-1])
                return (
                    None
                    if default is not None and compare(default) == value
                    else f"{path} default is {default}"
                )
        if s.get("kind") == "plan_rule":
            try:
                method = _pointer(doc, path)
            except KeyError:
                method = "full"
            return (
                None
                if method == "full" and value == 1
                else f"{path} is {method!r}: not a full clawback of 1"
            )
        try:
            got = _pointer(doc, path)
        except KeyError:
            return f"{path} is not in plan {s['plan']}"
        return None if compare(got) == value else f"plan {s['plan']} {path} is {got}, not {value}"

    def _state_value(self, line: dict[str, Any], s: dict[str, Any], value: Fraction) -> str | None:
        if s.get("period") != self._prev_label or s.get("person") != line["person_id"]:
            return f"state of {s.get('period')} / {s.get('person')} is not the previous record's state of the person"
        r = self._state.get((s["person"], s["field"], s.get("key", "")))
        got = Fraction(0) if r is None else Fraction(r["minor"], 10 ** _exponent(r["text"]))
        return None if got == value else f"state {s['field']} is {_text(got)}, not {_text(value)}"

    def _posted(self, s: dict[str, Any]) -> Fraction:
        total = Fraction(0)
        key = (s["person"], s["component"], s["deal"])
        for label, rec in self.records.items():
            if rec is self._record:
                continue
            for r in rec.tables["lines"]:
                of = r["restates"] or label
                if (
                    of == s["period"]
                    and r["line_kind"] in ("engine", "restatement")
                    and (r["person_id"], r["component"], r["deal_id"]) == key
                ):
                    total += Fraction(r["amount"])
        return total

    def _statements(self, t: dict[str, list[dict]]) -> None:
        sums: dict[str, Fraction] = defaultdict(Fraction)
        for r in t["lines"]:
            sums[r["person_id"]] += Fraction(r["amount"])
        for s in t["statements"]:
            if Fraction(s["total"]) != sums.get(s["person_id"], Fraction(0)):
                self.mismatches.append(
                    f"statement {s['person_id']}: total {s['total']} is not the sum of its lines "
                    f"{_text(sums.get(s['person_id'], Fraction(0)))}"
                )
        missing = set(sums) - {s["person_id"] for s in t["statements"]}
        self.mismatches.extend(f"lines of {p} have no statement" for p in sorted(missing))

    def report(self) -> dict[str, Any]:
        return {
            "records": list(self.records),
            "lines": self.lines,
            "mismatches": self.mismatches,
            "unverifiable": self.unverifiable,
        }


def _exponent(code: str) -> int:
    # Only the currencies whose minor unit is not 1/100 need naming (ISO 4217).
    zero = {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "PYG",
        "RWF",
        "UGX",
        "UYI",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
    three = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}
    return 0 if code in zero else 3 if code in three else 2


def _text(x: Fraction) -> str:
    if x.denominator == 1:
        return str(x.numerator)
    return str(Decimal(x.numerator) / Decimal(x.denominator))


def record_folders(path: Path) -> list[Path]:
    """A ledger folder's records in period order, or a single record with its predecessors."""
    if (path / "manifest.json").is_file():
        chain = [path]
        while True:
            prev = _strict_json((chain[0] / "manifest.json").read_text(encoding="utf-8")).get(
                "previous"
            )
            if not prev or not (path.parent / prev / "manifest.json").is_file():
                return chain
            chain.insert(0, path.parent / prev)
    return sorted(p for p in path.iterdir() if (p / "manifest.json").is_file())


def verify(path: str | Path) -> dict[str, Any]:
    """Verify a record (with the records before it in its ledger) or a whole ledger folder."""
    v = Verifier()
    for folder in record_folders(Path(path)):
        v.verify(Record(folder))
    return v.report()


def main(argv: list[str] | None = None) -> int:
    """``verify_audit.py LEDGER_OR_RECORD [--json]``: print the report; 0 when all is verified."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    args = [a for a in args if a != "--json"]
    if len(args) != 1:
        print("usage: verify_audit.py LEDGER_OR_RECORD [--json]", file=sys.stderr)
        return 2
    report = verify(args[0])
    if as_json:
        print(json.dumps(report, indent=1))
    else:
        print(
            f"records {', '.join(report['records'])}: {report['lines']} lines, "
            f"{len(report['mismatches'])} mismatches, {len(report['unverifiable'])} unverifiable"
        )
        for m in report["mismatches"] + report["unverifiable"]:
            print("  " + m)
    return 0 if not report["mismatches"] and not report["unverifiable"] else 1


if __name__ == "__main__":
    sys.exit(main())
