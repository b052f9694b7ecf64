"""Turn raw cells into typed columns; every bad cell raises DataError naming its row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from because.errors import DataError

from ._read import RawTable

NA_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none"})
_NAT = np.iinfo(np.int64).min
_MAX_SECONDS = 9.0e9  # ~year 2255: beyond it nanosecond timestamps overflow


def fail(t: RawTable, bad: np.ndarray, column: str, problem: str, fix: str) -> DataError:
    """A DataError for the first True position in `bad`, counting the others."""
    where = np.flatnonzero(bad)
    first = int(where[0])
    more = len(where) - 1
    if more:
        same = f"{more} more row has" if more == 1 else f"{more} more rows have"
        problem = f"{problem.rstrip('.')} ({same} the same problem in this column)."
    return DataError(problem, fix, file=t.path, row=t.line(first), column=column)


def strings(t: RawTable, column: str) -> pd.Series:
    """The column as stripped str cells, None where missing (object dtype)."""
    col = t.frame[column]
    if t.is_csv:  # every cell is already a str
        return pd.Series([c.strip() or None for c in col.tolist()], dtype=object, index=col.index)
    out = []
    for cell in col.tolist():
        if cell is None or (isinstance(cell, float) and np.isnan(cell)) or cell is pd.NA:
            out.append(None)
            continue
        if isinstance(cell, bytes):
            cell = cell.decode("utf-8", "replace")
        elif isinstance(cell, (float, np.floating)) and float(cell).is_integer():
            cell = str(int(cell))  # 12.0 read from Parquet is id "12"
        text = str(cell).strip()
        out.append(text or None)
    return pd.Series(out, dtype=object, index=col.index)


def ids(t: RawTable, column: str, what: str) -> pd.Series:
    """Non-empty string ids (whitespace stripped)."""
    cells = strings(t, column)
    missing = cells.isna().to_numpy()
    if missing.any():
        raise fail(t, missing, column, f"the {what} is empty.", f"give every row a {what}, or delete the row.")
    return pd.Series(cells.tolist(), dtype="str", index=cells.index)


def numbers(t: RawTable, column: str, fix: str) -> np.ndarray:
    """float64 values; missing cells (empty, NA, nan) become NaN, anything else must be finite."""
    col = t.frame[column]
    if pd.api.types.is_bool_dtype(col.dtype):
        return col.astype("float64").to_numpy()
    if pd.api.types.is_numeric_dtype(col.dtype):
        values = col.astype("float64").to_numpy()
        bad = np.isinf(values)
        if bad.any():
            raise fail(t, bad, column, "the value is infinite.", fix)
        return values
    cells = strings(t, column)
    values = np.array(pd.to_numeric(cells, errors="coerce"), dtype="float64")  # writable copy
    missing = np.array([c is None or c.lower() in NA_TOKENS for c in cells.tolist()], dtype=bool)
    bad = (np.isnan(values) & ~missing) | np.isinf(values)
    if bad.any():
        shown = cells.iloc[int(np.flatnonzero(bad)[0])]
        raise fail(t, bad, column, f"{shown!r} is not a number.", fix)
    values[missing] = np.nan
    return values


def timestamps(t: RawTable, column: str) -> pd.Series:
    """UTC timestamps (datetime64[ns, UTC]) from unix seconds or ISO 8601 text; NaT where missing."""
    col = t.frame[column]
    fix = (
        "write each timestamp as unix seconds (1712345678) or ISO 8601 (2024-04-05T12:34:56Z), or leave the cell empty."
    )
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        stamps = pd.DatetimeIndex(col)
        stamps = stamps.tz_localize("UTC") if stamps.tz is None else stamps.tz_convert("UTC")
        return pd.Series(stamps.as_unit("ns"), index=col.index)
    cells = strings(t, column)
    n = len(cells)
    ns = np.full(n, _NAT, dtype=np.int64)
    seconds = pd.to_numeric(cells, errors="coerce").astype("float64").to_numpy()
    is_num = ~np.isnan(seconds)
    too_big = is_num & ~(np.abs(seconds) < _MAX_SECONDS)
    if too_big.any():
        raise fail(
            t,
            too_big,
            column,
            "the unix time is out of range (before 1685 or after 2255).",
            fix + " Milliseconds must be divided by 1000.",
        )
    ns[is_num] = np.round(seconds[is_num] * 1e9).astype(np.int64)
    present = cells.notna().to_numpy()
    textual = present & ~is_num
    textual &= ~np.array([c is not None and c.lower() in NA_TOKENS for c in cells.tolist()], dtype=bool)
    if textual.any():
        texts = cells[textual]
        parsed = pd.to_datetime(texts, errors="coerce", utc=True, format="ISO8601")
        bad_local = parsed.isna().to_numpy()
        if bad_local.any():
            bad = np.zeros(n, dtype=bool)
            bad[np.flatnonzero(textual)[bad_local]] = True
            shown = texts.iloc[int(np.flatnonzero(bad_local)[0])]
            raise fail(t, bad, column, f"{shown!r} is not a timestamp.", fix)
        ns[textual] = pd.DatetimeIndex(parsed).as_unit("ns").asi8
    stamps = pd.DatetimeIndex(ns.view("M8[ns]")).tz_localize("UTC")
    return pd.Series(stamps, index=cells.index)


def multi(t: RawTable, column: str) -> pd.Series:
    """Tuples of '|'-separated values (empty tuple where missing). Parquet lists work too."""
    out = []
    for cell in t.frame[column].tolist():
        if isinstance(cell, (list, tuple, np.ndarray)):
            parts = [str(p).strip() for p in cell if p is not None]
        elif cell is None or (isinstance(cell, float) and np.isnan(cell)):
            parts = []
        else:
            parts = [p.strip() for p in str(cell).split("|")]
        out.append(tuple(dict.fromkeys(p for p in parts if p)))
    return pd.Series(out, dtype=object, index=t.frame.index)


def text(t: RawTable, column: str) -> pd.Series:
    """str cells with "" where missing."""
    return pd.Series([c or "" for c in strings(t, column).tolist()], dtype="str", index=t.frame.index)
