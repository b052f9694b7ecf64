"""Constraints on recommendations ("no horror", "runtime<100", "shorter") as a mask over items.

Conditions use the search filter syntax (``genres!=Horror``, ``runtime<100``, ``year>=1995``,
``mpaa=PG``, ``year=1990..1999``, ``price<200``). A few words are relative to what was shown last:
``shorter``, ``longer``, ``more recent``/``newer``, ``older``, ``cheaper``, ``pricier``, ``lighter``,
``heavier``, ``fewer pages``, ``more pages``; they become a numeric condition on whichever column measures
that dimension in this catalogue (``catalogue.units``: "shorter" is minutes for films, pages for books).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from because.errors import InputError
from catalogue.units import dimension, units_for
from vectorstore.filters import SYNTAX_HELP, Condition, parse_condition

# word -> the dimensions it may mean, in order, and the direction
RELATIVE: dict[str, tuple[tuple[str, ...], str]] = {
    "shorter": (("duration", "pages"), "<"),
    "longer": (("duration", "pages"), ">"),
    "more recent": (("year",), ">"),
    "newer": (("year",), ">"),
    "recent": (("year",), ">"),
    "older": (("year",), "<"),
    "cheaper": (("money",), "<"),
    "pricier": (("money",), ">"),
    "more expensive": (("money",), ">"),
    "lighter": (("mass",), "<"),
    "heavier": (("mass",), ">"),
    "fewer pages": (("pages",), "<"),
    "more pages": (("pages",), ">"),
}
ALIASES = {
    "genre": "genres",
    "category": "genres",
    "length": "runtime",
    "duration": "runtime",
    "minutes": "runtime",
    "released": "year",
    "release_year": "year",
    "date": "year",
    "rating": "imdb_rating",
}
CLEAR_WORDS = {"clear", "reset", "none", "any", "no constraints"}
NOT_SHOWN = "not shown"  # this request only: leave out everything shown so far
NOT_SHOWN_WORDS = {NOT_SHOWN, "new ones", "unseen", "fresh", "different", "others", "more"}
_NEGATED = re.compile(r"^(?:no|not|without|exclude|excluding|skip|avoid)\s+(.+)$", re.I)
_ONLY = re.compile(r"^(?:only|just)\s+(.+)$", re.I)


def vocabulary(items: pd.DataFrame, schema: dict[str, str], column: str) -> list[str]:
    values = items[column].dropna()
    if schema.get(column) == "multi":
        return sorted({str(v) for cell in values for v in (cell if isinstance(cell, (tuple, list)) else (cell,))})
    return sorted({str(v) for v in values})


def _column(name: str, schema: dict[str, str]) -> str:
    name = name.strip().lower()
    for col in schema:
        if col.lower() == name:
            return col
    alias = ALIASES.get(name)
    if alias in schema:
        return alias
    filterable = [c for c, k in schema.items() if k in ("numeric", "multi", "category")]
    raise InputError(
        f"cannot constrain on '{name}': it is not a feature of this catalogue.",
        f"use one of: {', '.join(filterable) or '(none: this catalogue has no features)'}. {SYNTAX_HELP}",
    )


def _label_column(word: str, items: pd.DataFrame, schema: dict[str, str]) -> tuple[str, str] | None:
    """('genres', 'Horror') for 'horror' or 'Horror movies', if some label column has that value."""
    word = re.sub(r"\s+(?:movies|films|ones|items|please)$", "", word.strip().lower())
    forms = {word, word[:-1] if word.endswith("s") else word, word[:-3] + "y" if word.endswith("ies") else word}
    for col, kind in schema.items():
        if kind not in ("multi", "category"):
            continue
        for value in vocabulary(items, schema, col):
            if value.lower() in forms:
                return col, value
    return None


def relative_column(word: str, schema: dict[str, str], units: dict[str, str]) -> str:
    """The column a relative word is about in this catalogue ('cheaper' -> 'price'), or InputError."""
    dims, _ = RELATIVE[word]
    for dim in dims:
        column = next((c for c, u in units.items() if dimension(u) == dim and schema.get(c) == "numeric"), None)
        if column:
            return column
    numeric = [c for c, k in schema.items() if k == "numeric"]
    raise InputError(
        f"'{word}' needs a feature measuring {' or '.join(dims)}, which this catalogue lacks.",
        f"constrain on another feature{': ' + ', '.join(numeric) if numeric else ''}.",
    )


def relative_condition(
    word: str, items: pd.DataFrame, schema: dict[str, str], shown: Sequence[str], units: dict[str, str] | None = None
) -> str:
    """'shorter' -> 'runtime<104', 'cheaper' -> 'price<149' (the median of what was shown, else of the catalogue)."""
    column = relative_column(word, schema, units_for(schema) if units is None else units)
    op = RELATIVE[word][1]
    values = pd.to_numeric(items[column], errors="coerce")
    seen = values.reindex([s for s in shown if s in values.index]).dropna()
    pivot = float(np.median(seen if len(seen) else values.dropna()))
    return f"{column}{op}{pivot:g}"


def normalize(
    texts: Iterable[str],
    items: pd.DataFrame,
    schema: dict[str, str],
    shown: Sequence[str] = (),
    units: dict[str, str] | None = None,
) -> list[str]:
    """Canonical condition strings for what the user or the model wrote; raises InputError if unreadable."""
    out = []
    for raw in texts:
        text = str(raw).strip()
        if not text:
            continue
        low = text.lower()
        if low in RELATIVE:
            out.append(relative_condition(low, items, schema, shown, units))
            continue
        if low in NOT_SHOWN_WORDS:
            out.append(NOT_SHOWN)
            continue
        if low in CLEAR_WORDS:
            out.append("clear")
            continue
        for pattern, op in ((_NEGATED, "!="), (_ONLY, "=")):
            m = pattern.match(text)
            hit = _label_column(m.group(1), items, schema) if m else None
            if hit:
                out.append(f"{hit[0]}{op}{hit[1]}")
                break
        else:
            hit = _label_column(text, items, schema)
            if hit:
                out.append(f"{hit[0]}={hit[1]}")
                continue
            cond = parse_condition(text)
            column = _column(cond.column, schema)
            value = cond.value
            check(Condition(column, cond.op, value), items, schema)
            if schema[column] in ("multi", "category"):
                spelled = {v.lower(): v for v in vocabulary(items, schema, column)}
                value = ",".join(spelled[v.strip().lower()] for v in value.split(","))
            out.append(f"{column}{cond.op}{value}")
    return out


def merge(in_force: Sequence[str], new: Sequence[str]) -> list[str]:
    """New conditions replace older ones on the same column and direction; 'clear' drops all before it."""
    result = list(in_force)
    for text in new:
        if text == "clear":
            result = []
            continue
        cond = parse_condition(text)
        direction = {"<": "<", "<=": "<", ">": ">", ">=": ">"}.get(cond.op, cond.op)

        def same(old: str) -> bool:
            o = parse_condition(old)
            if o.column != cond.column:
                return False
            if cond.op in ("=", "!=") and o.op in ("=", "!="):
                return o.value.lower() == cond.value.lower() or (cond.op == "=" and o.op == "=")
            return {"<": "<", "<=": "<", ">": ">", ">=": ">"}.get(o.op, o.op) == direction

        result = [old for old in result if not same(old)] + [text]
    return result


def _numeric(cond: Condition) -> tuple[float, float | None]:
    try:
        if cond.op == "=" and ".." in cond.value:
            low, high = cond.value.split("..", 1)
            return float(low), float(high)
        return float(cond.value), None
    except ValueError:
        raise InputError(f"constraint '{cond}': '{cond.value}' is not a number.", SYNTAX_HELP) from None


def check(cond: Condition, items: pd.DataFrame, schema: dict[str, str]) -> None:
    kind = schema[cond.column]
    if kind == "numeric":
        _numeric(cond)
        return
    if cond.op not in ("=", "!="):
        raise InputError(
            f"constraint '{cond}': '{cond.column}' holds labels, not numbers.",
            f"use = or != with it, e.g. {cond.column}!=value.",
        )
    known = {v.lower() for v in vocabulary(items, schema, cond.column)}
    for value in cond.value.split(","):
        if value.strip().lower() not in known:
            shown = ", ".join(vocabulary(items, schema, cond.column)[:30])
            raise InputError(f"no item has {cond.column} '{value.strip()}'.", f"known values: {shown}.")


def allowed_mask(items: pd.DataFrame, schema: dict[str, str], conditions: Sequence[str]) -> np.ndarray | None:
    """(n_items,) bool: items meeting every condition; None when there are none. Unknown values fail."""
    if not conditions:
        return None
    mask = np.ones(len(items), bool)
    for text in conditions:
        cond = parse_condition(text)
        kind = schema.get(cond.column)
        if kind is None:
            _column(cond.column, schema)
        col = items[cond.column]
        if kind == "numeric":
            x = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
            a, b = _numeric(cond)
            with np.errstate(invalid="ignore"):
                ok = {
                    "<": x < a,
                    "<=": x <= a,
                    ">": x > a,
                    ">=": x >= a,
                    "!=": x != a,
                    "=": (x >= a) & (x <= b) if b is not None else x == a,
                }[cond.op]
            mask &= ok & ~np.isnan(x)
            continue
        wanted = {v.strip().lower() for v in cond.value.split(",")}
        if kind == "multi":
            has = np.array(
                [
                    bool(wanted & {str(v).lower() for v in (cell if isinstance(cell, (tuple, list)) else ())})
                    for cell in col
                ]
            )
        else:
            has = np.array([isinstance(v, str) and v.lower() in wanted for v in col])
        mask &= has if cond.op == "=" else ~has
    return mask
