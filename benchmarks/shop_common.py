"""Helpers shared by the shop generators (``shops.py``): time stamps, softmax, writing a shop's files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

YEAR_START = pd.Timestamp("2025-01-01T00:00:00Z")
YEAR_SECONDS = 365 * 24 * 3600


def softmax(x: np.ndarray) -> np.ndarray:
    z = np.exp(x - x.max())
    return z / z.sum()


def iso(seconds: np.ndarray) -> list[str]:
    """Seconds after 2025-01-01 UTC -> ISO 8601 strings with a Z."""
    stamps = YEAR_START + pd.to_timedelta(np.asarray(seconds, dtype="int64"), unit="s")
    return [s.strftime("%Y-%m-%dT%H:%M:%SZ") for s in stamps]


def write_shop(outdir: Path, name: str, items: pd.DataFrame, inter: pd.DataFrame, schema: dict) -> None:
    folder = outdir / name
    folder.mkdir(parents=True, exist_ok=True)
    items.to_csv(folder / "items.csv", index=False)
    inter.to_csv(folder / "interactions.csv", index=False)
    (folder / "schema.json").write_text(json.dumps({"columns": schema}, indent=2) + "\n", "utf-8")
    flat = {col: spec["type"] for col, spec in schema.items()}
    (folder / "schema_flat.json").write_text(json.dumps({"columns": flat}, indent=2) + "\n", "utf-8")
