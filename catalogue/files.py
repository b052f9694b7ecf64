"""Load a shop's own items and interactions files (CSV or Parquet) into a Catalogue."""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from because.errors import DataError

from . import _cells
from ._read import RawTable, read_table
from .model import RESERVED, Catalogue
from .schema import check_schema, infer_kind, read_schema_file

ITEM_COLUMNS = ("item_id", "title")
INTERACTION_COLUMNS = ("user_id", "item_id")


def load_files(
    items_path: str | Path,
    interactions_path: str | Path,
    schema_path: str | Path | None = None,
    name: str | None = None,
) -> Catalogue:
    """Read, check and type the files; returns a Catalogue or raises DataError (writes nothing)."""
    schema_over, details = read_schema_file(schema_path) if schema_path is not None else ({}, {})
    items_table = read_table(items_path, "items")
    _require(items_table, ITEM_COLUMNS, "items")
    check_schema(schema_over, items_table, str(schema_path) if schema_path is not None else None)
    items, schema = build_items(items_table, schema_over)
    inter_table = read_table(interactions_path, "interactions")
    _require(inter_table, INTERACTION_COLUMNS, "interactions")
    interactions = build_interactions(inter_table, items.index, str(items_path))
    return Catalogue(name or _default_name(Path(items_path)), items, interactions, schema, details=details)


def build_items(t: RawTable, schema_over: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Items frame indexed by item_id plus the schema of its feature columns."""
    item_ids = _cells.ids(t, "item_id", "item_id")
    dup = item_ids.duplicated().to_numpy()
    if dup.any():
        first_dup = item_ids.iloc[int(np.flatnonzero(dup)[0])]
        first_at = t.line(int(np.flatnonzero((item_ids == first_dup).to_numpy())[0]))
        raise _cells.fail(
            t,
            dup,
            "item_id",
            f"item_id {first_dup!r} appears again (first on {'line' if t.is_csv else 'row'} {first_at}).",
            "give every item its own item_id; merge or delete the repeated rows.",
        )
    titles = _cells.strings(t, "title")
    no_title = titles.isna().to_numpy()
    if no_title.any():
        raise _cells.fail(t, no_title, "title", "the title is empty.", "give every item a title.")
    columns: dict[str, pd.Series] = {
        "title": pd.Series(titles.tolist(), dtype="str"),
        "description": _cells.text(t, "description")
        if "description" in t.frame
        else pd.Series([""] * len(t.frame), dtype="str"),
    }
    schema: dict[str, str] = {}
    for col in t.frame.columns:
        if col in RESERVED:
            continue
        kind = schema_over.get(col) or infer_kind(t, col)
        schema[col] = kind
        columns[col] = _typed(t, col, kind)
    frame = pd.DataFrame({k: v.reset_index(drop=True) for k, v in columns.items()})
    frame.index = pd.Index(item_ids.tolist(), dtype="str", name="item_id")
    return frame, schema


def build_interactions(t: RawTable, known_items: pd.Index, items_file: str) -> pd.DataFrame:
    """Interactions frame in the contract's columns and dtypes; unknown item ids raise."""
    if t.frame.empty:
        raise _empty(t, "interactions")
    user_ids = _cells.ids(t, "user_id", "user_id")
    item_ids = _cells.ids(t, "item_id", "item_id")
    unknown = ~item_ids.isin(known_items).to_numpy()
    if unknown.any():
        shown = item_ids.iloc[int(np.flatnonzero(unknown)[0])]
        raise _cells.fail(
            t,
            unknown,
            "item_id",
            f"item_id {shown!r} is not in the items file {items_file}.",
            "add the item to the items file, or delete interactions with items the shop no longer lists.",
        )
    n = len(t.frame)
    rating = (
        _cells.numbers(t, "rating", "write ratings as plain numbers (4 or 4.5, with a dot), or leave empty.")
        if "rating" in t.frame
        else np.full(n, np.nan)
    )
    event = _cells.strings(t, "event") if "event" in t.frame else pd.Series([None] * n, dtype=object)
    stamp = (
        _cells.timestamps(t, "timestamp")
        if "timestamp" in t.frame
        else pd.Series(pd.DatetimeIndex(np.full(n, np.iinfo(np.int64).min).view("M8[ns]")).tz_localize("UTC"))
    )
    return pd.DataFrame(
        {
            "user_id": user_ids.reset_index(drop=True),
            "item_id": item_ids.reset_index(drop=True),
            "rating": pd.Series(rating, dtype="float64"),
            "event": pd.Series(event.tolist(), dtype=object),
            "timestamp": stamp.reset_index(drop=True),
        }
    )


def _typed(t: RawTable, col: str, kind: str) -> pd.Series:
    if kind == "numeric":
        values = _cells.numbers(
            t,
            col,
            f"make every '{col}' value a number, leave it empty, or declare the column \"category\" in a schema file.",
        )
        return pd.Series(values, dtype="float64")
    if kind == "multi":
        return _cells.multi(t, col)
    if kind == "text":
        return _cells.text(t, col)
    return pd.Series(_cells.strings(t, col).tolist(), dtype=object)


def _require(t: RawTable, needed: tuple[str, ...], what: str) -> None:
    have = [str(c) for c in t.frame.columns]
    for col in needed:
        if col not in have:
            close = difflib.get_close_matches(col, have, n=1, cutoff=0.5) or [
                h for h in have if h.lower().replace("_", "").replace(" ", "") == col.replace("_", "")
            ]
            hint = f" (rename '{close[0]}' to '{col}'?)" if close else ""
            raise DataError(
                f"the {what} file has no '{col}' column; its columns are: {', '.join(have)}.",
                f"add a '{col}' column to the header line{hint}. The {what} file needs {', '.join(needed)}.",
                file=t.path,
                row=t.header_line,
                column=col,
            )
    if t.frame.empty:
        raise _empty(t, what)


def _empty(t: RawTable, what: str) -> DataError:
    return DataError(
        f"the {what} file has a header but no rows.",
        f"add at least one {what[:-1] if what.endswith('s') else what} row below the header.",
        file=t.path,
        row=t.header_line + 1,
        column=str(t.frame.columns[0]),
    )


def _default_name(items_path: Path) -> str:
    stem = items_path.name.split(".")[0]
    return items_path.resolve().parent.name if stem.lower() in {"items", "catalogue", "catalog"} else stem
