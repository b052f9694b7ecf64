"""Scoring one answer against an outcome label of the frozen request sets (tests/data/requests_*.json).

A label says what a correct answer must do, not which tool string to emit: the intent, the item, the
conditions (include / exclude / range in the column's own unit / relative to the list shown), the count.
Three scores per message: the tool; the arguments (the conditions in force, the item, the count, the
what-if direction, the feedback kind: all of them, or wrong); honoured (every returned item meets every
condition, or the answer says nothing fits when nothing in the catalogue does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from because.errors import InputError
from vectorstore.filters import parse_condition

INTENT_TOOL = {
    "recommend": "recommend",
    "explain": "explain",
    "why_not": "why_not",
    "what_if": "what_if",
    "search": "search_catalogue",
    "similar": "similar_to",
    "profile": "my_profile",
    "feedback": "remember_feedback",
    "out_of_scope": "answer",
    "greeting": "answer",
}


@dataclass(frozen=True)
class Cond:
    kind: str  # "in" | "out" | "max" | "min" | "rel"
    column: str
    value: Any  # a label value (lower case), a number, or "lower" / "higher"

    def same(self, other: "Cond") -> bool:
        if (self.kind, self.column) != (other.kind, other.column):
            return False
        if isinstance(self.value, float) and isinstance(other.value, float):
            return abs(self.value - other.value) <= max(1.0, 0.01 * abs(self.value))
        return self.value == other.value


def expected_conditions(label: dict[str, Any]) -> list[Cond]:
    out = [Cond("in", c, str(v).lower()) for c, vs in (label.get("include") or {}).items() for v in vs]
    out += [Cond("out", c, str(v).lower()) for c, vs in (label.get("exclude") or {}).items() for v in vs]
    for column, bounds in (label.get("range") or {}).items():
        if "max" in bounds:
            out.append(Cond("max", column, float(bounds["max"])))
        if "min" in bounds:
            out.append(Cond("min", column, float(bounds["min"])))
    out += [Cond("rel", c, d) for c, d in (label.get("relative") or {}).items()]
    return out


def actual_conditions(constraints: list[str], schema: dict[str, str], units: dict[str, str]) -> list[Cond]:
    """The tools' condition strings in the labels' terms ('price<200' -> max price 200; 'cheaper' -> lower price)."""
    from tools.constraints import RELATIVE, relative_column

    out: list[Cond] = []
    for text in constraints:
        low = text.strip().lower()
        if low in ("not shown", "clear"):
            continue
        if low in RELATIVE:
            try:
                column = relative_column(low, schema, units)
            except Exception:  # noqa: BLE001 - a word this catalogue cannot apply: no condition
                continue
            out.append(Cond("rel", column, "lower" if RELATIVE[low][1] == "<" else "higher"))
            continue
        try:
            cond = parse_condition(text)
        except InputError:
            continue
        column, op, value = cond.column, cond.op, cond.value
        if schema.get(column) == "numeric":
            lo, _, hi = value.partition("..")
            if op == "=" and hi:
                out += [Cond("min", column, float(lo)), Cond("max", column, float(hi))]
            elif op in ("<", "<="):
                out.append(Cond("max", column, float(value)))
            elif op in (">", ">="):
                out.append(Cond("min", column, float(value)))
            continue
        kind = "out" if op == "!=" else "in"
        out += [Cond(kind, column, v.strip().lower()) for v in value.split(",")]
    return out


def conditions_match(expected: list[Cond], actual: list[Cond]) -> bool:
    """The same conditions, no more and no fewer (an include of one of several values counts once)."""
    unmatched = list(actual)
    for cond in expected:
        hit = next((a for a in unmatched if cond.same(a)), None)
        if hit is None:
            return False
        unmatched.remove(hit)
    return not unmatched


def count_ok(label: dict[str, Any], k: int | None) -> bool:
    count = label.get("count") or {}
    if "exact" in count:
        return k == int(count["exact"])
    if "min" in count:
        return k is not None and k >= int(count["min"])
    return True


def meets(items: pd.DataFrame, schema: dict[str, str], expected: list[Cond], before: pd.DataFrame | None) -> bool:
    """Every row of ``items`` meets every condition (relative ones against the median of ``before``)."""
    by_in: dict[str, list[str]] = {}
    for c in expected:
        if c.kind == "in":
            by_in.setdefault(c.column, []).append(c.value)
    for _, row in items.iterrows():
        for column, wanted in by_in.items():
            cell = row.get(column)
            have = {str(v).lower() for v in (cell if isinstance(cell, (tuple, list)) else [cell]) if v is not None}
            # several values: all must hold on a multi-valued column, one of them on a single-valued one
            if not (set(wanted) <= have if schema.get(column) == "multi" else bool(set(wanted) & have)):
                return False
        for c in expected:
            cell = row.get(c.column)
            if c.kind == "out":
                have = {str(v).lower() for v in (cell if isinstance(cell, (tuple, list)) else [cell]) if v is not None}
                if c.value in have:
                    return False
            elif c.kind in ("max", "min"):
                x = pd.to_numeric(cell, errors="coerce")
                if pd.isna(x) or (c.kind == "max" and x > c.value + 1e-9) or (c.kind == "min" and x < c.value - 1e-9):
                    return False
            elif c.kind == "rel" and before is not None and len(before):
                pivot = float(np.nanmedian(pd.to_numeric(before[c.column], errors="coerce")))
                x = float(pd.to_numeric(cell, errors="coerce"))
                if np.isnan(x) or (c.value == "lower" and x >= pivot) or (c.value == "higher" and x <= pivot):
                    return False
    return True


def feasible(catalogue_items: pd.DataFrame, schema: dict[str, str], expected: list[Cond]) -> bool:
    """Some item of the catalogue meets the absolute conditions (a request nothing meets is honoured by saying so)."""
    absolute = [c for c in expected if c.kind != "rel"]
    if not absolute:
        return True
    return any(meets(catalogue_items.iloc[[i]], schema, absolute, None) for i in range(len(catalogue_items)))
