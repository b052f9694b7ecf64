"""Amounts in a message, mapped onto the catalogue's measured columns by their unit.

"under 200 dollars", "$150 or less", "less than 2 kg", "两公斤以内", "一百块以下", "between 300 and 500 pages",
"cheaper", "轻一点": ``measure_conditions`` turns them into conditions on whichever numeric column measures
money, mass or pages in this catalogue (``catalogue.units``), converted into that column's unit. A catalogue
without such a column gets no condition from these words (films have no price). Lengths of films (minutes,
hours) and years are read in ``conditions``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.routing.numbers import NUMBER, number
from catalogue.units import dimension

# per dimension: (unit words, factor into the base unit); base units: USD (money), g (mass), pages
UNIT_WORDS: dict[str, list[tuple[str, float]]] = {
    "money": [(r"dollars?|usd|bucks|us\$|块钱|块|元|美元|美金|刀", 1.0)],
    "mass": [
        (r"kg|kgs|kilos?|kilograms?|公斤|千克", 1000.0),
        (r"g|grams?|grammes?|克", 1.0),
        (r"lbs?|pounds?|磅", 453.6),
        (r"oz|ounces?|盎司", 28.35),
    ],
    "pages": [(r"pages?|pp|页", 1.0)],
}
BASE_FACTOR = {"USD": 1.0, "EUR": 1.0, "GBP": 1.0, "CNY": 1.0, "JPY": 1.0, "g": 1.0, "kg": 1000.0, "pages": 1.0}
# relative words: dimension -> (words for "less", words for "more"); canonical words the tools read
RELATIVE: dict[str, tuple[str, str, str, str]] = {
    "money": (
        "cheaper",
        r"\bcheaper\b|\bless\s+expensive\b|\bmore\s+affordable\b|\blower\s+price|便宜一?点|更便宜|便宜些|实惠一?点|价格低一?点",
        "pricier",
        r"\bpricier\b|\bmore\s+expensive\b|\bhigher[-\s]end\b|贵一?点的|更贵|高端一?点",
    ),
    "mass": (
        "lighter",
        r"\blighter\b|\bless\s+heavy\b|轻一?点|更轻|轻些|轻便一?点",
        "heavier",
        r"\bheavier\b|重一?点|更重",
    ),
    "pages": (
        "fewer pages",
        r"\bthinner\b|\bfewer\s+pages\b|\bshorter\s+(?:book|read|one)s?\b|\bquicker\s+read|薄一?点|更薄|短一?点的书",
        "more pages",
        r"\bthicker\b|\bmore\s+pages\b|\blonger\s+(?:book|read|one)s?\b|厚一?点|更厚",
    ),
}
_LESS = r"under|below|less\s+than|lower\s+than|cheaper\s+than|lighter\s+than|fewer\s+than|shorter\s+than|beneath|<"
_AT_MOST = r"no\s+more\s+than|not\s+more\s+than|not\s+over|at\s+most|max(?:imum)?|up\s+to|within|tops|<="
_MORE = r"over|above|more\s+than|heavier\s+than|longer\s+than|>"
_AT_LEAST = r"at\s+least|min(?:imum)?|upwards\s+of|>="
_ZH_LESS_AFTER = r"以内|以下|之内|内|以下的|以内的|之下|封顶"
_ZH_MORE_AFTER = r"以上|之上|起|以上的"
_ZH_LESS_BEFORE = r"不超过|不到|低于|少于|小于|不高于|最多|顶多|控制在"
_ZH_MORE_BEFORE = r"超过|高于|多于|大于|至少|最少|不低于"


@dataclass(frozen=True)
class Measure:
    column: str
    unit: str  # the column's own unit ("USD", "g", "kg", "pages")
    dimension: str  # "money" | "mass" | "pages"


def measures_of(units: dict[str, str]) -> dict[str, Measure]:
    """dimension -> the first column measuring it, among money, mass and pages."""
    out: dict[str, Measure] = {}
    for column, unit in units.items():
        dim = dimension(unit)
        if dim in UNIT_WORDS and dim not in out:
            out[dim] = Measure(column, unit, dim)
    return out


def _amount(raw: str, unit_word: str | None, dollar: bool, measure: Measure) -> float | None:
    value = number(raw)
    if value is None:
        return None
    factor = 1.0
    if unit_word:
        factor = next(f for pattern, f in UNIT_WORDS[measure.dimension] if re.fullmatch(pattern, unit_word, re.I))
    elif not dollar:
        return None
    return value * factor / BASE_FACTOR.get(measure.unit, 1.0)


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 else f"{x:.0f}"


def measure_conditions(text: str, units: dict[str, str]) -> list[str]:
    """Conditions like ``price<200``, ``weight_g<=2000``, ``pages=300..500``, ``cheaper`` that ``text`` states."""
    found: list[str] = []
    for dim, measure in measures_of(units).items():
        words = "|".join(p for p, _ in UNIT_WORDS[dim])
        unit = rf"(?P<unit>{words})(?![a-z])"
        dollar = r"(?P<dollar>\$|usd\s*)?" if dim == "money" else r"(?P<dollar>(?!))?"
        amount = rf"{dollar}\s*(?P<n>{NUMBER})\s*(?:{unit})?"
        col = measure.column
        between = [
            re.compile(
                rf"(?:between|from)\s+{dollar}\s*(?P<a>{NUMBER})\s*(?:and|to|-|–)\s*(?P<b>\$?\s*{NUMBER})\s*(?:{unit})?",
                re.I,
            ),
            re.compile(
                rf"{dollar}\s*(?P<a>\d+(?:\.\d+)?)\s*(?:-|–|~)\s*(?P<b>\$?\s*\d+(?:\.\d+)?)\s*(?:{unit})?", re.I
            ),
            re.compile(rf"(?P<a>{NUMBER})\s*(?:到|至|-|~)\s*(?P<b>{NUMBER})\s*(?:{unit})(?:之间)?", re.I),
        ]
        taken: list[tuple[int, int]] = []
        for pattern in between:
            for m in pattern.finditer(text):
                dollars = dim == "money" and (bool(m.groupdict().get("dollar")) or "$" in m.group("b"))
                a = _amount(m.group("a"), m.group("unit"), dollars, measure)
                b = _amount(m.group("b").lstrip("$ "), m.group("unit"), dollars, measure)
                if a is not None and b is not None and not any(x <= m.start() < y for x, y in taken):
                    found.append(f"{col}={_fmt(min(a, b))}..{_fmt(max(a, b))}")
                    taken.append(m.span())
        patterns = [
            (re.compile(rf"(?<![a-z])(?:{_AT_MOST})\s*{amount}", re.I), "<="),
            (re.compile(rf"(?<![a-z])(?:{_AT_LEAST})\s*{amount}", re.I), ">="),
            (re.compile(rf"(?<![a-z])(?:{_LESS})\s*{amount}", re.I), "<"),
            (re.compile(rf"(?<![a-z])(?:{_MORE})\s*{amount}", re.I), ">"),
            (re.compile(rf"{amount}\s*(?:or\s+less|or\s+under|max|tops|and\s+under)\b", re.I), "<="),
            (re.compile(rf"{amount}\s*(?:or\s+more|and\s+up|plus|\+)", re.I), ">="),
            (re.compile(rf"(?:{_ZH_LESS_BEFORE})\s*{amount}", re.I), "<="),
            (re.compile(rf"(?:{_ZH_MORE_BEFORE})\s*{amount}", re.I), ">"),
            (re.compile(rf"{amount}\s*(?:{_ZH_LESS_AFTER})", re.I), "<="),
            (re.compile(rf"{amount}\s*(?:{_ZH_MORE_AFTER})", re.I), ">="),
        ]
        for pattern, op in patterns:
            for m in pattern.finditer(text):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                value = _amount(m.group("n"), m.group("unit"), bool(m.group("dollar")), measure)
                if value is not None:
                    found.append(f"{col}{op}{_fmt(value)}")
                    taken.append(m.span())
        less_word, less, more_word, more = RELATIVE[dim]
        if not taken and re.search(less, text, re.I):
            found.append(less_word)
        elif not taken and re.search(more, text, re.I):
            found.append(more_word)
    return found
