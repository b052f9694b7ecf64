"""Vector store parts that need neither Chroma nor the embedding model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from because.errors import InputError
from vectorstore.client import collection_name, parse_chroma_url
from vectorstore.documents import (
    HASH_KEY,
    TITLE_KEY,
    build_docs,
    describe_item,
    item_metadata,
    item_text,
    value_vocabulary,
)
from vectorstore.filters import Filter, to_where
from vectorstore.rerank import blend, candidate_count, zscore
from vectorstore.testing import SCHEMA, small_items

FULL_SCHEMA = {"genres": "multi", "year": "numeric", "mpaa": "category", "runtime": "numeric", "imdb_rating": "numeric"}
VOCAB = {"genres": ["Comedy", "Horror", "Western"], "mpaa": ["G", "PG", "R"]}


def test_describe_item_reads_like_a_sentence() -> None:
    row = pd.Series(
        {
            "title": "Toy Story (1995)",
            "description": "",
            "genres": ("Animation", "Children's", "Comedy"),
            "year": 1995.0,
            "mpaa": "G",
            "runtime": 81.0,
            "imdb_rating": 8.2,
        },
        name="1",
    )
    assert describe_item(row, FULL_SCHEMA, "film") == (
        "An animated children's comedy film: Toy Story (1995). Genres: animated, children's, comedy. "
        "From 1995, rated G, 81 minutes, IMDb 8.2."
    )


def test_describe_item_is_generic_and_skips_missing_values() -> None:
    schema = {"colour": "category", "tags": "multi", "weight_kg": "numeric", "notes": "text"}
    row = pd.Series(
        {
            "title": "Mug",
            "colour": "blue",
            "tags": ("kitchen", "gift"),
            "weight_kg": np.nan,
            "notes": "Dishwasher safe",
        },
        name="m1",
    )
    assert describe_item(row, schema) == "Mug. Colour blue, tags: kitchen, gift. Dishwasher safe."
    row = pd.Series({"title": "Alien", "genres": ("Sci-Fi", "Horror"), "year": 1979.0}, name="8")
    assert describe_item(row, {"genres": "multi", "year": "numeric"}, "film") == (
        "A science fiction horror film: Alien (1979). Genres: science fiction, horror. From 1979."
    )
    row = pd.Series({"title": "Kettle", "category": "Kitchen"}, name="k")
    assert describe_item(row, {"category": "category"}) == "A kitchen item: Kettle. Category: kitchen."


def test_description_wins_and_keeps_the_title() -> None:
    row = small_items().loc["4"]
    assert item_text(row, SCHEMA, "film").startswith("The Good, the Bad and the Ugly (1966). Three gunslingers")


def test_metadata_is_flat_and_filterable() -> None:
    meta = item_metadata(small_items().loc["5"], SCHEMA)
    assert meta == {
        TITLE_KEY: "Tombstone (1993)",
        "genres:Western": True,
        "genres:Action": True,
        "year": 1993,
        "runtime": 130,
        "mpaa": "R",
        "imdb_rating": 7.8,
    }
    empty = item_metadata(small_items().loc["30"], SCHEMA)
    assert empty == {TITLE_KEY: "Mystery Item (1998)", "year": 1998}


def test_content_hash_changes_only_with_content() -> None:
    items = small_items()
    before = {d.item_id: d.metadata[HASH_KEY] for d in build_docs(items, SCHEMA, "m")}
    items.loc["3", "runtime"] = 140.0
    after = {d.item_id: d.metadata[HASH_KEY] for d in build_docs(items, SCHEMA, "m")}
    assert [i for i in before if before[i] != after[i]] == ["3"]
    assert value_vocabulary(items, SCHEMA)["mpaa"] == ["G", "PG", "PG-13", "R"]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("genres=Western", {"genres:Western": True}),
        ("genres=western", {"genres:Western": True}),
        ("genres!=Horror", {"genres:Horror": {"$ne": True}}),
        ("genres=Comedy,Horror", {"$or": [{"genres:Comedy": True}, {"genres:Horror": True}]}),
        ("mpaa=PG", {"mpaa": {"$eq": "PG"}}),
        ("mpaa!=G,R", {"mpaa": {"$nin": ["G", "R"]}}),
        ("year>=1990", {"year": {"$gte": 1990.0}}),
        ("runtime < 100", {"runtime": {"$lt": 100.0}}),
        ("year=1990..1999", {"$and": [{"year": {"$gte": 1990.0}}, {"year": {"$lte": 1999.0}}]}),
    ],
)
def test_filter_syntax_to_where(text: str, where: dict) -> None:
    assert to_where(text, FULL_SCHEMA, VOCAB) == where


def test_several_conditions_are_anded() -> None:
    where = to_where(Filter.parse(["genres=Western", "runtime<100"]), FULL_SCHEMA, VOCAB)
    assert where == {"$and": [{"genres:Western": True}, {"runtime": {"$lt": 100.0}}]}
    assert to_where([], FULL_SCHEMA) is None


def test_unknown_column_names_it_and_lists_valid_ones() -> None:
    with pytest.raises(InputError) as err:
        to_where("colour=red", FULL_SCHEMA)
    assert "'colour'" in str(err.value)
    for column in FULL_SCHEMA:
        assert column in str(err.value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("year>=nineties", "not a number"),
        ("genres>=3", "holds labels"),
        ("genres=Westren", "Known values: Comedy, Horror, Western"),
        ("year", "cannot read"),
        ("year>=", "cannot read"),
    ],
)
def test_bad_filters_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(InputError, match=says):
        to_where(text, FULL_SCHEMA, VOCAB)


def test_zscore_and_blend() -> None:
    np.testing.assert_allclose(zscore(np.array([1.0, 2.0, 3.0])), [-1.2247449, 0.0, 1.2247449], rtol=1e-6)
    np.testing.assert_array_equal(zscore(np.array([2.0, 2.0])), [0.0, 0.0])
    np.testing.assert_allclose(zscore(np.array([1.0, np.nan, 3.0])), [-1.0, 0.0, 1.0])
    sim, taste = np.array([0.9, 0.5, 0.1]), np.array([0.0, 0.0, 3.0])
    assert np.argmax(blend(sim, taste, alpha=1.0)) == 0
    assert np.argmax(blend(sim, taste, alpha=0.0)) == 2
    np.testing.assert_allclose(blend(sim, taste, 0.6), 0.6 * zscore(sim) + 0.4 * zscore(taste))
    with pytest.raises(InputError):
        blend(sim, taste, alpha=1.5)
    assert candidate_count(3) == 50 and candidate_count(20) == 100


def test_chroma_url_and_collection_name() -> None:
    assert parse_chroma_url("http://127.0.0.1:8123") == ("127.0.0.1", 8123, False)
    assert parse_chroma_url("https://chroma.example") == ("chroma.example", 443, True)
    with pytest.raises(InputError, match="BECAUSE_CHROMA_URL"):
        parse_chroma_url("localhost:8000")
    assert collection_name("ml-100k") == "because-items-ml-100k"
    assert collection_name("my shop/2024!") == "because-items-my-shop-2024"
