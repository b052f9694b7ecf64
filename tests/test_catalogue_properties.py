"""Property: any small table either loads consistently or raises DataError, never anything else."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from because.errors import DataError
from catalogue import load_files

JUNK = st.sampled_from(
    [
        "",
        " ",
        "NA",
        "nan",
        "inf",
        "-inf",
        "1e400",
        "4,5",
        "abc",
        "é",
        "||",
        '"',
        "1.5",
        "3",
        "-2",
        "0x10",
        "2024-13-01",
        "2024-04-05",
        "2024-04-05T12:34:56+02:00",
        "1712345678",
        "1712345678000",
        "99999999999999999999",
    ]
)
CELL = st.one_of(JUNK, st.text(max_size=8))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[str]], list[list[str]]]:
    """Mostly well-formed tables (so some load) with junk in the rating, timestamp and feature cells."""
    ids = draw(st.lists(st.sampled_from(["1", "2", " 3 ", "x"]), min_size=1, max_size=4, unique=True))
    if draw(st.integers(0, 9)) == 0:
        ids.append(draw(st.sampled_from(["", "1", "x "])))  # empty or repeated id
    items = [["item_id", "title", "feature"]]
    items += [[i, draw(st.sampled_from(["A", "Toy Story, The", " B "])), draw(CELL)] for i in ids]
    known = [i for i in ids if i.strip()] or ["1"]
    item_ref = (
        st.one_of(st.sampled_from(known), st.sampled_from(["zz", ""]))
        if draw(st.booleans())
        else st.sampled_from(known)
    )
    inter = [["user_id", "item_id", "rating", "timestamp"]]
    for _ in range(draw(st.integers(1, 5))):
        inter.append([draw(st.sampled_from(["u", " v ", "w"])), draw(item_ref), draw(CELL), draw(CELL)])
    return items, inter


def to_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_random_tables_load_or_raise_data_error(data: tuple[list[list[str]], list[list[str]]]) -> None:
    items, inter = data
    with tempfile.TemporaryDirectory() as folder:
        items_path, inter_path = Path(folder, "items.csv"), Path(folder, "inter.csv")
        items_path.write_text(to_csv(items), encoding="utf-8")
        inter_path.write_text(to_csv(inter), encoding="utf-8")
        try:
            cat = load_files(items_path, inter_path)
        except DataError as err:
            assert err.file in (str(items_path), str(inter_path))
            return
    # loaded: the result agrees with the input
    assert len(cat.items) == len(items) - 1 and len(cat.interactions) == len(inter) - 1
    assert cat.interactions["item_id"].isin(cat.items.index).all()
    assert str(cat.interactions["timestamp"].dtype) == "datetime64[ns, UTC]"
    ratings = cat.interactions["rating"].to_numpy()
    assert not np.isinf(ratings).any()
    for (_, _, raw, _), value in zip(inter[1:], ratings, strict=True):
        if not np.isnan(value):
            assert float(raw) == value
    for (_, _, _, raw), stamp in zip(inter[1:], cat.interactions["timestamp"], strict=True):
        assert pd.isna(stamp) == (raw.strip().lower() in {"", "na", "nan", "null", "none", "n/a"})
