"""What a numeric column measures: its unit, read from the schema file or inferred from the column's name.

The unit decides how a shopper's words map onto the column: "under 200 dollars" onto a USD column,
"less than 2 kg" onto grams, "under two hours" onto minutes, and which relative words apply
("cheaper", "lighter", "shorter", "newer"). Units are plain strings; ``DIMENSIONS`` groups them.
"""

from __future__ import annotations

import re

DIMENSIONS: dict[str, str] = {
    "USD": "money",
    "EUR": "money",
    "GBP": "money",
    "CNY": "money",
    "JPY": "money",
    "g": "mass",
    "kg": "mass",
    "min": "duration",
    "h": "duration",
    "pages": "pages",
    "year": "year",
}
_BY_NAME: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?:^|_)(?:price|cost|msrp)(?:_usd)?$|_usd$|^usd$"), "USD"),
    (re.compile(r"_eur$|^eur$"), "EUR"),
    (re.compile(r"_(?:gbp)$"), "GBP"),
    (re.compile(r"_(?:cny|rmb)$"), "CNY"),
    (re.compile(r"(?:^|_)(?:weight_g|grams?|weight_grams)$"), "g"),
    (re.compile(r"(?:^|_)(?:weight_kg|kg|kilograms?)$"), "kg"),
    (re.compile(r"(?:^|_)(?:runtime|duration|length_min|minutes|runtime_min)$"), "min"),
    (re.compile(r"(?:^|_)(?:pages|page_count|num_pages)$"), "pages"),
    (re.compile(r"(?:^|_)(?:year|release_year|published|pub_year)$"), "year"),
]


def infer_unit(column: str) -> str | None:
    """'price' -> 'USD', 'weight_g' -> 'g', 'runtime' -> 'min', 'pages' -> 'pages', 'year' -> 'year'; else None."""
    name = column.strip().lower()
    return next((unit for pattern, unit in _BY_NAME if pattern.search(name)), None)


def dimension(unit: str | None) -> str | None:
    """'money', 'mass', 'duration', 'pages' or 'year' for a known unit."""
    return DIMENSIONS.get(unit) if unit else None


def units_for(schema: dict[str, str], declared: dict[str, str] | None = None) -> dict[str, str]:
    """Numeric column -> unit: the schema file's word first, else the column name's."""
    out: dict[str, str] = {}
    for column, kind in schema.items():
        if kind != "numeric":
            continue
        unit = (declared or {}).get(column) or infer_unit(column)
        if unit:
            out[column] = unit
    return out


CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "JPY": "¥"}
_UNIT_SUFFIX = re.compile(r"_(?:g|kg|grams|usd|eur|gbp|cny|jpy|min|mins|pages)$", re.I)


def plain_name(column: str) -> str:
    """A column's name as a person says it: 'weight_g' -> 'weight', 'price_usd' -> 'price'."""
    return _UNIT_SUFFIX.sub("", column).replace("_", " ")
