"""One text document and one metadata dict per catalogue item.

The document is what gets embedded: the item's own description when it has one, else a sentence
built from its title and features. Metadata holds the filterable features in a shape Chroma can
store (numbers, strings, booleans; one boolean key per value of a multi-valued column).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

# Reserved metadata keys; feature keys never contain "because:".
TITLE_KEY = "because:title"
HASH_KEY = "because:hash"

# Natural words for common genre labels (MovieLens and IMDb spellings).
GENRE_WORDS = {
    "animation": "animated",
    "children's": "children's",
    "children": "children's",
    "sci-fi": "science fiction",
    "film-noir": "film noir",
    "unknown": "",
    "(no genres listed)": "",
}
# Columns whose labels say what kind of item it is; their words lead the generated text.
KIND_COLUMNS = ("genres", "genre", "categories", "category")

# Phrases for well-known feature columns; anything else is rendered as "column: value".
NUMERIC_PHRASES = {
    "year": "from {v:.0f}",
    "runtime": "{v:.0f} minutes",
    "imdb_rating": "IMDb {v:.1f}",
    "rating": "rated {v:.1f}",
    "budget": "budget ${v:,.0f}",
    "price": "price {v:,.2f}",
}
CATEGORY_PHRASES = {"mpaa": "rated {v}", "brand": "by {v}", "language": "in {v}"}


# Chroma metadata values; None only appears to drop a stale key on upsert.
Metadata = dict[str, str | int | float | bool | None]


@dataclass(frozen=True)
class ItemDoc:
    """What goes into Chroma for one item."""

    item_id: str
    text: str
    metadata: Metadata


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT, empty strings and empty tuples."""
    if value is None:
        return True
    if isinstance(value, (tuple, list, set, frozenset)):
        return len(value) == 0
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def multi_values(value: Any) -> tuple[str, ...]:
    """A multi-valued cell as a tuple of non-empty strings."""
    if is_missing(value):
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if not is_missing(v))


def genre_word(label: str) -> str:
    """'Sci-Fi' -> 'science fiction', 'Animation' -> 'animated', 'Western' -> 'western'."""
    key = label.strip().lower()
    return GENRE_WORDS.get(key, key.replace("-", " ").replace("_", " "))


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"


def _label(column: str) -> str:
    return column.replace("_", " ")


def _article(phrase: str) -> str:
    return "An" if phrase[:1].lower() in "aeiou" else "A"


def describe_item(row: pd.Series, schema: dict[str, str], noun: str = "item") -> str:
    """A readable text for an item with no description, generic over the schema. e.g.

    "An animated children's comedy film: Toy Story (1995). Genres: animated, children's, comedy.
    From 1995, rated G, 81 minutes, IMDb 8.2."

    The kind words come first and are repeated as a list: with MiniLM that lifted genre-query
    precision@10 on ml-100k from 0.61 (title first) to 0.86 (benchmarks/bench_search.py).
    """
    title = str(row.get("title", "") or "").strip() or str(row.name)
    year: Any = row.get("year") if schema.get("year") == "numeric" else None
    if not is_missing(year) and f"({_number(float(year))})" not in title:
        title = f"{title} ({_number(float(year))})"

    kind_col = next((c for c in KIND_COLUMNS if schema.get(c) in ("multi", "category")), None)
    words = [w for w in (genre_word(g) for g in multi_values(row.get(kind_col))) if w] if kind_col else []
    facts: list[str] = []
    extras: list[str] = []
    for column, kind in schema.items():
        value = row.get(column)
        if column == kind_col or is_missing(value):
            continue
        if kind == "numeric":
            v = float(value)
            if math.isfinite(v):
                phrase = NUMERIC_PHRASES.get(column)
                facts.append(phrase.format(v=v) if phrase else f"{_label(column)} {_number(v)}")
        elif kind == "category":
            phrase = CATEGORY_PHRASES.get(column)
            facts.append(phrase.format(v=value) if phrase else f"{_label(column)} {value}")
        elif kind == "multi":
            facts.append(f"{_label(column)}: {', '.join(multi_values(value))}")
        elif kind == "text":
            extras.append(str(value).strip().rstrip(".") + ".")
    # "from 1995" leads the facts: it reads best first.
    facts.sort(key=lambda fact: not fact.startswith("from "))
    sentences = [f"{title}."]
    if words and kind_col:
        head = " ".join(dict.fromkeys(words + [noun]))
        sentences = [f"{_article(head)} {head}: {title}.", f"{_label(kind_col).capitalize()}: {', '.join(words)}."]
    if facts:
        text = ", ".join(facts)
        sentences.append(text[0].upper() + text[1:] + ".")
    return " ".join(sentences + extras)


def item_text(row: pd.Series, schema: dict[str, str], noun: str = "item") -> str:
    """The document to embed: the description (after the title) if present, else `describe_item`."""
    description = row.get("description")
    if is_missing(description):
        return describe_item(row, schema, noun)
    title = str(row.get("title", "") or "").strip()
    description = str(description).strip()
    if title and not description.lower().startswith(title.lower()):
        return f"{title}. {description}"
    return description


def item_metadata(row: pd.Series, schema: dict[str, str]) -> Metadata:
    """Filterable metadata: numbers, category strings, and "column:value" -> True for multi values."""
    meta: Metadata = {TITLE_KEY: str(row.get("title", "") or "")}
    for column, kind in schema.items():
        value = row.get(column)
        if is_missing(value):
            continue
        if kind == "numeric":
            v = float(value)
            if math.isfinite(v):
                meta[column] = int(v) if v.is_integer() and abs(v) < 2**53 else v
        elif kind == "category":
            meta[column] = str(value)
        elif kind == "multi":
            for label in multi_values(value):
                meta[f"{column}:{label}"] = True
    return meta


def content_hash(text: str, metadata: dict[str, Any], model_id: str) -> str:
    """Stable hash of everything that goes into Chroma for one item."""
    payload = json.dumps([model_id, text, {k: v for k, v in metadata.items() if k != HASH_KEY}], sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def noun_for(catalogue_name: str) -> str:
    """'film' for the MovieLens sets, 'item' for any other shop."""
    return "film" if catalogue_name.lower().startswith(("ml-", "movielens")) else "item"


def build_docs(items: pd.DataFrame, schema: dict[str, str], model_id: str, noun: str = "item") -> list[ItemDoc]:
    """One ItemDoc per row of `items` (index = item_id), with the content hash in the metadata."""
    docs = []
    for item_id, row in items.iterrows():
        text = item_text(row, schema, noun)
        meta = item_metadata(row, schema)
        meta[HASH_KEY] = content_hash(text, meta, model_id)
        docs.append(ItemDoc(str(item_id), text, meta))
    return docs


def value_vocabulary(items: pd.DataFrame, schema: dict[str, str]) -> dict[str, list[str]]:
    """Known values of each multi/category column (used to validate filters)."""
    vocab: dict[str, list[str]] = {}
    for column, kind in schema.items():
        if column not in items.columns:
            continue
        if kind == "multi":
            vocab[column] = sorted({v for cell in items[column] for v in multi_values(cell)})
        elif kind == "category":
            vocab[column] = sorted({str(v) for v in items[column] if not is_missing(v)})
    return vocab
