"""Feature kinds: inferred from the item cells, or set by a small JSON schema file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from because.errors import DataError

from ._cells import NA_TOKENS, strings
from ._read import RawTable
from .model import KINDS, RESERVED

TEXT_WORDS = 6
"""A column whose values average at least this many words is free text, not a category."""
TEXT_CHARS = 200
"""A column with any value longer than this is free text."""

_EXAMPLE = (
    '{"columns": {"year": "numeric", "genres": "multi", "brand": "category", '
    '"price": {"type": "numeric", "unit": "USD", "label": "price", "label_zh": "价格"}}}'
)
_DETAILS = ("type", "unit", "label", "label_zh", "aliases")


def read_schema(path: str | Path) -> dict[str, str]:
    """Read a schema file's column kinds: {"columns": {column: kind}} with kind in numeric, multi, category, text,
    or {column: {"type": kind, "unit": ..., "label": ..., "label_zh": ...}}."""
    return read_schema_file(path)[0]


def read_schema_file(path: str | Path) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """(column -> kind, column -> its details: unit, label, label_zh, aliases where the file gives them).

    ``aliases`` names a label column's values in other words or languages, e.g. {"tent": ["帐篷", "tents"]}."""
    shown = str(path)
    p = Path(path)
    if not p.is_file():
        raise DataError("the schema file does not exist.", f"give a JSON file like {_EXAMPLE}.", file=shown)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(
            f"the schema file is not UTF-8 (byte {err.start}).", "re-save it as UTF-8.", file=shown
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(
            f"the schema file is not valid JSON: {err.msg} (character {err.colno}).",
            f"write it as JSON like {_EXAMPLE}.",
            file=shown,
            row=err.lineno,
        ) from None
    columns = data.get("columns", data) if isinstance(data, dict) else None
    if not isinstance(columns, dict):
        raise DataError(
            'the schema file must hold an object {"columns": {...}}.', f"write it like {_EXAMPLE}.", file=shown
        )
    schema: dict[str, str] = {}
    details: dict[str, dict[str, Any]] = {}
    for name, spec in columns.items():
        row = _line_of(text, name)
        kind = spec.get("type") if isinstance(spec, dict) else spec
        if isinstance(spec, dict):
            extra = sorted(set(spec) - set(_DETAILS))
            aliases = spec.get("aliases", {})
            aliases_ok = isinstance(aliases, dict) and all(
                isinstance(k, str)
                and isinstance(v, (str, list))
                and all(isinstance(x, str) for x in ([v] if isinstance(v, str) else v))
                for k, v in aliases.items()
            )
            if extra or not aliases_ok or not all(isinstance(v, str) for k, v in spec.items() if k != "aliases"):
                raise DataError(
                    f"column '{name}': its entry takes {', '.join(_DETAILS)} (text; aliases an object of value -> "
                    "list of names)" + (f" (found {', '.join(extra)})." if extra else "."),
                    f"write it like {_EXAMPLE}.",
                    file=shown,
                    row=row,
                    column=name,
                )
            details[name] = {k: v for k, v in spec.items() if k != "type"}
            if "aliases" in details[name]:
                details[name]["aliases"] = {k: [v] if isinstance(v, str) else list(v) for k, v in aliases.items()}
        if name in RESERVED:
            raise DataError(
                f"'{name}' is a fixed column, not a feature, so it cannot have a kind.",
                f"remove '{name}' from the schema file.",
                file=shown,
                row=row,
                column=name,
            )
        if not isinstance(kind, str) or kind.strip().lower() not in KINDS:
            raise DataError(
                f"unknown column kind {kind!r}.",
                f"use one of {', '.join(KINDS)} for '{name}'.",
                file=shown,
                row=row,
                column=name,
            )
        schema[name] = kind.strip().lower()
    return schema, details


def check_schema(schema: dict[str, str], items: RawTable, schema_path: str | None) -> None:
    """Every schema column must be a column of the items file."""
    for name in schema:
        if name not in items.frame.columns:
            raise DataError(
                f"the schema names column '{name}' but the items file {items.path} has no such column "
                f"(it has: {', '.join(map(str, items.frame.columns))}).",
                f"remove '{name}' from the schema file or add the column to the items file.",
                file=schema_path,
                row=_line_of(Path(schema_path).read_text("utf-8-sig"), name) if schema_path else None,
                column=name,
            )


def infer_kind(t: RawTable, column: str) -> str:
    """numeric if every value is a number, multi if values hold '|', text if long, else category."""
    col = t.frame[column]
    if pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
        return "numeric"
    if col.map(lambda c: isinstance(c, (list, tuple, np.ndarray))).any():
        return "multi"
    cells = [c for c in strings(t, column).tolist() if c is not None and c.lower() not in NA_TOKENS]
    if not cells:
        return "category"
    if pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce").notna().all():
        return "numeric"
    parts = [p for c in cells for p in c.split("|")]
    words = float(np.mean([len(p.split()) for p in parts]))
    if words >= TEXT_WORDS or max(len(c) for c in cells) > TEXT_CHARS:
        return "text"
    if any("|" in c for c in cells):
        return "multi"
    return "category"


def _line_of(text: str, key: str) -> int | None:
    """1-based line of the first `"key":` in a JSON text."""
    match = re.search(re.escape(json.dumps(key)) + r"\s*:", text)
    return text.count("\n", 0, match.start()) + 1 if match else None
