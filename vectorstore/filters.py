"""Structured search filters, their CLI syntax, and their translation to a Chroma ``where``.

Syntax (one condition per string, all conditions must hold)::

    genres=Western          genres contains Western   (genres=Animation,Children's: any of them)
    genres!=Horror          genres does not contain Horror (several values: none of them)
    mpaa=PG                 category equals PG        (mpaa=G,PG: one of them; mpaa!=R)
    year>=1990  runtime<100 numeric comparison (>=, <=, >, <, =)
    year=1990..1999         numeric range, both ends included
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from because.errors import InputError

OPS = ("=", "!=", ">=", "<=", ">", "<")
_CONDITION = re.compile(r"^\s*([^=!<>]+?)\s*(>=|<=|!=|=|>|<)\s*(.*?)\s*$")
_CHROMA_OPS = {"=": "$eq", "!=": "$ne", ">=": "$gte", "<=": "$lte", ">": "$gt", "<": "$lt"}
SYNTAX_HELP = "Write filters like genres=Western, genres!=Horror, mpaa=PG, year>=1990, runtime<100, year=1990..1999."


@dataclass(frozen=True)
class Condition:
    """One condition: ``column op value``; ``value`` is the raw text after the operator."""

    column: str
    op: str
    value: str

    def __str__(self) -> str:
        return f"{self.column}{self.op}{self.value}"


@dataclass(frozen=True)
class Filter:
    """All conditions must hold. Build with `Filter.parse(["genres=Western", "year>=1990"])`."""

    conditions: tuple[Condition, ...] = field(default_factory=tuple)

    @classmethod
    def parse(cls, texts: str | Iterable[str] | None) -> "Filter":
        """Parse CLI-style condition strings; raises InputError on bad syntax."""
        if texts is None:
            return cls()
        if isinstance(texts, str):
            texts = [texts]
        return cls(tuple(parse_condition(t) for t in texts if t and t.strip()))

    def __bool__(self) -> bool:
        return bool(self.conditions)

    def __str__(self) -> str:
        return " AND ".join(str(c) for c in self.conditions)


FilterLike = Filter | str | Iterable[str] | None


def as_filter(filters: FilterLike) -> Filter:
    """Accept a Filter, one condition string, or a list of them."""
    return filters if isinstance(filters, Filter) else Filter.parse(filters)


def parse_condition(text: str) -> Condition:
    """'year>=1990' -> Condition('year', '>=', '1990')."""
    match = _CONDITION.match(text)
    if not match or not match.group(3):
        raise InputError(f"cannot read the filter '{text}'.", SYNTAX_HELP)
    column, op, value = match.groups()
    return Condition(column.strip(), op, value)


def _number(cond: Condition, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(
            f"filter '{cond}': '{cond.column}' is numeric but '{text}' is not a number.", SYNTAX_HELP
        ) from None


def _labels(cond: Condition, known: list[str] | None) -> list[str]:
    """Split 'a,b' and map each label to its spelling in the catalogue (case-insensitive)."""
    wanted = [v.strip() for v in cond.value.split(",") if v.strip()]
    if not known:
        return wanted
    by_lower = {k.lower(): k for k in known}
    out = []
    for v in wanted:
        if v.lower() not in by_lower:
            shown = ", ".join(known[:40]) + (", ..." if len(known) > 40 else "")
            raise InputError(f"filter '{cond}': no item has {cond.column} '{v}'.", f"Known values: {shown}.")
        out.append(by_lower[v.lower()])
    return out


def _compile(cond: Condition, kind: str, known: list[str] | None) -> list[dict[str, Any]]:
    col = cond.column
    if kind == "numeric":
        if cond.op == "=" and ".." in cond.value:
            low, high = cond.value.split("..", 1)
            return [{col: {"$gte": _number(cond, low)}}, {col: {"$lte": _number(cond, high)}}]
        return [{col: {_CHROMA_OPS[cond.op]: _number(cond, cond.value)}}]
    if cond.op not in ("=", "!="):
        raise InputError(
            f"filter '{cond}': '{col}' holds labels, not numbers.", f"Use = or != with it, e.g. {col}=value."
        )
    labels = _labels(cond, known)
    if kind == "multi":
        if cond.op == "=":
            keys = [{f"{col}:{v}": True} for v in labels]
            return keys if len(keys) == 1 else [{"$or": keys}]
        return [{f"{col}:{v}": {"$ne": True}} for v in labels]
    if len(labels) == 1:
        return [{col: {_CHROMA_OPS[cond.op]: labels[0]}}]
    return [{col: {"$in" if cond.op == "=" else "$nin": labels}}]


def to_where(
    filters: FilterLike, schema: dict[str, str], vocabulary: dict[str, list[str]] | None = None
) -> dict[str, Any] | None:
    """Translate to a Chroma ``where`` dict (None when there is nothing to filter on).

    Raises InputError for an unknown or unfilterable column, a bad number, or an unknown label.
    """
    filt = as_filter(filters)
    filterable = {c: k for c, k in schema.items() if k in ("numeric", "multi", "category")}
    clauses: list[dict[str, Any]] = []
    for cond in filt.conditions:
        if cond.column not in filterable:
            why = (
                "is free text and cannot be filtered" if cond.column in schema else "is not a column of this catalogue"
            )
            raise InputError(
                f"cannot filter on '{cond.column}': it {why}.",
                f"Filter on one of: {', '.join(sorted(filterable)) or '(none)'}. {SYNTAX_HELP}",
            )
        clauses.extend(_compile(cond, filterable[cond.column], (vocabulary or {}).get(cond.column)))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
