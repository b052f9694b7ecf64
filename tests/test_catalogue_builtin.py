"""The built-in MovieLens sets load from installed packages, keep the contract and round-trip through CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from catalogue import load_builtin, load_files
from support.catalogue import assert_contract

# ---- built-ins ------------------------------------------------------------------------------


def test_ml_100k() -> None:
    cat = load_builtin("ml-100k")
    assert load_builtin("ml-100k") is cat  # cached in-process
    assert_contract(cat)
    s = cat.summary()
    assert (s["interactions"], s["users"], s["items"]) == (100_000, 943, 1_682)
    assert set(cat.interactions["rating"].unique()) == {1.0, 2.0, 3.0, 4.0, 5.0}
    assert cat.interactions["timestamp"].notna().all()
    assert cat.schema == {
        "genres": "multi",
        "year": "numeric",
        "runtime": "numeric",
        "mpaa": "category",
        "budget": "numeric",
        "imdb_rating": "numeric",
    }
    items = cat.items
    assert cat.item_title("1") == "Toy Story (1995)"
    assert items.loc["1", "genres"] == ("Animation", "Children's", "Comedy")
    assert not any("unknown" in g for g in items["genres"])
    assert items.loc["64", "title"] == "Shawshank Redemption, The (1994)"
    assert (items.loc["64", "runtime"], items.loc["64", "mpaa"], items.loc["64", "year"]) == (142.0, "R", 1994.0)
    assert items["runtime"].notna().mean() >= 0.7  # measured 0.85
    assert set(items["mpaa"].dropna()) <= {"G", "PG", "PG-13", "R", "NC-17"}
    assert list(cat.users.columns) == ["age", "gender", "occupation"] and len(cat.users) == 943


def test_ml_latest_small() -> None:
    cat = load_builtin("ml-latest-small")
    assert_contract(cat)
    s = cat.summary()
    assert (s["interactions"], s["users"], s["items"]) == (100_004, 671, 9_066)
    assert cat.item_title("1") == "Toy Story (1995)"
    assert cat.items.loc["1", "runtime"] == 81.0
    assert not any("(no genres listed)" in g for g in cat.items["genres"])
    assert cat.users is None


def test_ml_100k_round_trips_through_csv(tmp_path: Path) -> None:
    """A shop exporting ml-100k as CSV (genres joined by '|') gets the same catalogue back."""
    cat = load_builtin("ml-100k")
    items = cat.items.copy()
    items["genres"] = items["genres"].map("|".join)
    items.to_csv(tmp_path / "items.csv")
    inter = cat.interactions.assign(timestamp=cat.interactions["timestamp"].map(lambda t: t.isoformat()))
    inter.to_csv(tmp_path / "interactions.csv", index=False)
    again = load_files(tmp_path / "items.csv", tmp_path / "interactions.csv")
    assert again.schema == cat.schema
    pd.testing.assert_frame_equal(again.items, cat.items)
    pd.testing.assert_frame_equal(again.interactions, cat.interactions)
