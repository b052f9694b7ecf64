"""Readable binary item features built from a catalogue's columns.

Every feature has a label a shopper can read ("Sci-Fi", "1990s", "runtime under 95 min"), because
attributions name features to people. Numbers become buckets; a missing value activates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from catalogue.units import CURRENCY_SIGNS, infer_unit, plain_name

UNITS = {"runtime": "min", "duration": "min", "length": "min"}
CATEGORY_LABELS = {"mpaa": "rated {value}"}
NICE_NAMES = {"imdb_rating": "IMDb rating", "mpaa": "MPAA rating", "year": "year"}
MAX_CATEGORY_VALUES = 40


@dataclass(frozen=True)
class FeatureSpace:
    """Names, labels and the source column of each feature; ``matrix`` is (n_items, n_features) 0/1."""

    names: list[str]  # stable keys, e.g. "genres=Sci-Fi", "year=1990s"
    labels: list[str]  # what a person reads
    columns: list[str]  # the catalogue column each feature came from
    matrix: np.ndarray  # (n_items, n_features) float32

    def to_dict(self) -> dict[str, list[str]]:
        return {"names": self.names, "labels": self.labels, "columns": self.columns}

    def __len__(self) -> int:
        return len(self.names)


def _nice(column: str) -> str:
    return NICE_NAMES.get(column, column.replace("_", " "))


def _fmt(x: float) -> str:
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.0f}" if abs(x - round(x)) < 1e-9 or abs(x) >= 20 else f"{x:.1f}"


def _numeric_buckets(column: str, values: pd.Series, n_bins: int) -> tuple[list[str], list[str], np.ndarray]:
    """Decades for years, quantile ranges otherwise. Returns names, labels, (n_items, n_buckets)."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    known = v[~np.isnan(v)]
    if known.size == 0:
        return [], [], np.zeros((len(v), 0), np.float32)
    if column == "year":
        decades = np.where(np.isnan(v), np.nan, np.floor(v / 10) * 10)
        uniq = sorted({int(d) for d in decades[~np.isnan(decades)]})
        # years before the 1950s are few: fold them into one bucket so each feature has support
        early = [d for d in uniq if d < 1950]
        names, labels, cols = [], [], []
        if early:
            names.append(f"{column}=before 1950")
            labels.append("released before 1950")
            cols.append((decades < 1950).astype(np.float32))
        for d in (d for d in uniq if d >= 1950):
            names.append(f"{column}={d}s")
            labels.append(f"the {d}s")
            cols.append((decades == d).astype(np.float32))
        return names, labels, np.stack(cols, axis=1)
    edges = np.unique(np.quantile(known, np.linspace(0, 1, n_bins + 1)[1:-1]))
    shop_unit = None if column in UNITS or column in NICE_NAMES else infer_unit(column)
    if shop_unit == "pages":  # "under 120 pages", "120-300 pages"
        name, sign, after = "", "", " pages"
    elif shop_unit is not None:  # "price $90-142", "weight under 405 g"
        name, sign, after = plain_name(column), CURRENCY_SIGNS.get(shop_unit, ""), _AFTER.get(shop_unit, "")
    else:  # "runtime 94-104 min", "IMDb rating under 5.6"
        name, sign, after = _nice(column), "", f" {UNITS[column]}" if column in UNITS else ""
    bucket = np.where(np.isnan(v), -1, np.searchsorted(edges, v, side="right"))
    names, labels, cols = [], [], []
    for b in range(len(edges) + 1):
        if b == 0:
            label = f"{name} under {sign}{_fmt(edges[0])}{after}" if len(edges) else f"any {name or 'length'}"
        elif b == len(edges):
            label = f"{name} {sign}{_fmt(edges[-1])}{after} or more"
        else:
            label = f"{name} {sign}{_fmt(edges[b - 1])}-{_fmt(edges[b])}{after}"
        names.append(f"{column}#{b}")
        labels.append(label.strip())
        cols.append((bucket == b).astype(np.float32))
    return names, labels, np.stack(cols, axis=1)


_AFTER = {"g": " g", "kg": " kg", "min": " min", "h": " h"}


def _category_label(column: str, kind: str) -> str:
    """How a label value reads as a feature: 'Sci-Fi' (multi), 'tent' (a column named category/type), 'brand Kobold'."""
    if column in CATEGORY_LABELS:
        return CATEGORY_LABELS[column]
    if kind == "multi" or column.lower() in ("category", "type", "kind", "product_type", "department"):
        return "{value}"
    return f"{_nice(column)} {{value}}"


def build_features(items: pd.DataFrame, schema: dict[str, str], *, min_count: int = 5, n_bins: int = 4) -> FeatureSpace:
    """Turn the schema's feature columns into readable 0/1 features over ``items`` (in index order)."""
    names: list[str] = []
    labels: list[str] = []
    columns: list[str] = []
    blocks: list[np.ndarray] = []
    n = len(items)
    for column, kind in schema.items():
        if column not in items.columns or kind == "text":
            continue
        values = items[column]
        if kind == "numeric":
            n_, l_, m_ = _numeric_buckets(column, values, n_bins)
        elif kind in ("multi", "category"):
            lists = [
                tuple(v)
                if isinstance(v, (tuple, list))
                else (() if v is None or (isinstance(v, float) and np.isnan(v)) or v == "" else (str(v),))
                for v in values
            ]
            counts = pd.Series([x for t in lists for x in t], dtype=object).value_counts()
            kept = [val for val, c in counts.items() if c >= min_count][:MAX_CATEGORY_VALUES]
            kept.sort()
            index = {val: j for j, val in enumerate(kept)}
            m_ = np.zeros((n, len(kept)), np.float32)
            for row, t in enumerate(lists):
                for x in t:
                    if x in index:
                        m_[row, index[x]] = 1.0
            n_ = [f"{column}={val}" for val in kept]
            template = _category_label(column, kind)
            l_ = [template.format(value=val) for val in kept]
        else:
            continue
        names += n_
        labels += l_
        columns += [column] * len(n_)
        blocks.append(m_)
    matrix = np.concatenate(blocks, axis=1) if blocks else np.zeros((n, 0), np.float32)
    return FeatureSpace(names=names, labels=labels, columns=columns, matrix=matrix.astype(np.float32))
