"""The vector store on a real local Chroma folder with the real all-MiniLM-L6-v2 model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from because.errors import InputError, UnknownIdError, VectorStoreError
from because.settings import Settings
from vectorstore import Filter, IndexCounts, MiniLMEmbedding, VectorStore, open_store
from vectorstore.testing import small_catalogue


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedding:
    model = MiniLMEmbedding()
    model.encode(["warm up"])  # loads the model once for the whole module
    return model


@pytest.fixture(scope="module")
def store(embedder: MiniLMEmbedding, tmp_path_factory: pytest.TempPathFactory) -> VectorStore:
    """A read-only store shared by the search tests."""
    home = tmp_path_factory.mktemp("home")
    st = open_store(Settings(home=home), "tiny-shop", embedder)
    st.index_catalogue(small_catalogue(), progress=False)
    return st


def fresh_store(tmp_path: Path, embedder: MiniLMEmbedding) -> VectorStore:
    return open_store(Settings(home=tmp_path), "tiny-shop", embedder)


def ids(hits: list) -> list[str]:
    return [h.item for h in hits]


def test_search_finds_the_obvious_item(store: VectorStore) -> None:
    assert ids(store.search("toys that come to life, a cowboy doll", k=3))[0] == "1"
    assert ids(store.search("a killer shark at the beach", k=3))[0] == "29"
    assert ids(store.search("a pig that herds sheep", k=3))[0] == "28"
    hits = store.search("a western", k=5)
    assert sum("Western" in small_catalogue().items.loc[i, "genres"] for i in ids(hits)) >= 4
    assert hits[0].title and 0.0 <= hits[0].distance <= 2.0
    assert hits[0].score == pytest.approx(1.0 - hits[0].distance)
    assert [h.distance for h in hits] == sorted(h.distance for h in hits)


def test_category_and_multi_filters(store: VectorStore) -> None:
    items = small_catalogue().items
    hits = store.search("a film", k=30, filters=["genres=Western"])
    assert set(ids(hits)) == {i for i, g in items["genres"].items() if "Western" in g}
    hits = store.search("a film", k=30, filters=["genres!=Horror", "genres!=Comedy"])
    assert hits and all(not {"Horror", "Comedy"} & set(items.loc[i, "genres"]) for i in ids(hits))
    assert len(hits) == sum(not {"Horror", "Comedy"} & set(g) for g in items["genres"])
    hits = store.search("a film", k=30, filters="mpaa=PG")
    assert set(ids(hits)) == set(items.index[items["mpaa"] == "PG"])
    hits = store.search("a film", k=30, filters="genres=Romance,Musical")
    assert set(ids(hits)) == {i for i, g in items["genres"].items() if {"Romance", "Musical"} & set(g)}


def test_numeric_ranges(store: VectorStore) -> None:
    items = small_catalogue().items
    hits = store.search("a film", k=30, filters=Filter.parse(["year=1990..1994"]))
    assert set(ids(hits)) == set(items.index[(items["year"] >= 1990) & (items["year"] <= 1994)])
    hits = store.search("a western", k=30, filters=["genres=Western", "runtime<100"])
    assert ids(hits) == ["7"]  # Blazing Saddles, 93 minutes
    hits = store.search("a film", k=30, filters=["year>=1996"])
    assert set(ids(hits)) == {"10", "25", "30"}


def test_filters_that_match_nothing_give_no_hits(store: VectorStore) -> None:
    assert store.search("a film", k=5, filters=["year>=2050"]) == []


def test_a_repeated_query_is_embedded_once(store: VectorStore) -> None:
    before = store.embedder.calls
    first = store.search("a lonely robot in outer space", k=3)
    again = store.search("A lonely  robot in outer space ", k=3)
    assert store.embedder.calls == before + 1
    assert ids(first) == ids(again)


def test_exclude_still_returns_k(store: VectorStore) -> None:
    first = ids(store.search("a western", k=5))
    again = store.search("a western", k=5, exclude=set(first[:3]))
    assert len(again) == 5 and not set(first[:3]) & set(ids(again))
    assert ids(again)[:2] == first[3:5]


def test_similar_uses_the_stored_embedding(store: VectorStore) -> None:
    hits = store.similar("3", k=4)
    assert "3" not in ids(hits) and len(hits) == 4
    assert sum("Western" in small_catalogue().items.loc[i, "genres"] for i in ids(hits)) >= 3
    assert "4" not in ids(store.similar("3", k=4, exclude={"4"}))
    with pytest.raises(UnknownIdError, match="unknown item 'nope'"):
        store.similar("nope")


def test_personal_search_blends_taste(store: VectorStore) -> None:
    item_ids = list(small_catalogue().items.index)
    index = {item: row for row, item in enumerate(item_ids)}
    taste = np.zeros(len(item_ids), dtype=np.float32)
    taste[index["7"]] = 5.0  # this user loves Blazing Saddles
    plain = store.search("a western", k=3)
    assert "7" not in ids(plain)[:1]
    hits = store.personal_search("a western", taste, index, k=3)
    assert ids(hits)[0] == "7" and hits[0].scorer_score == pytest.approx(5.0)
    assert hits[0].score > hits[1].score
    pure_text = store.personal_search("a western", taste, index, k=3, alpha=1.0)
    assert ids(pure_text) == ids(plain)
    assert ids(store.personal_search("a western", None, index, k=3)) == ids(plain)
    unknown = store.personal_search("a western", taste, {"7": index["7"]}, k=3)
    assert any(h.scorer_score is None for h in unknown)
    assert "7" not in ids(store.personal_search("a western", taste, index, k=3, exclude={"7"}))


def test_input_errors(store: VectorStore) -> None:
    with pytest.raises(InputError, match="query is empty"):
        store.search("   ")
    with pytest.raises(InputError) as err:
        store.search("a film", filters=["colour=red"])
    assert "'colour'" in str(err.value) and "genres" in str(err.value) and "runtime" in str(err.value)
    with pytest.raises(InputError, match="k must be"):
        store.search("a film", k=0)


def test_reindex_touches_only_the_edited_item(tmp_path: Path, embedder: MiniLMEmbedding) -> None:
    cat = small_catalogue()
    st = fresh_store(tmp_path, embedder)
    assert st.index_catalogue(cat, progress=False) == IndexCounts(added=30)
    before = embedder.texts_embedded
    assert st.index_catalogue(cat, progress=False) == IndexCounts(unchanged=30)
    assert embedder.texts_embedded == before

    cat.items.loc["9", "description"] = "A writer guarding an empty mountain hotel in winter goes mad."
    stored = st.collection.get(ids=["3", "9"], include=["embeddings"])
    assert st.index_catalogue(cat, progress=False) == IndexCounts(updated=1, unchanged=29)
    assert embedder.texts_embedded == before + 1
    after = st.collection.get(ids=["3", "9"], include=["embeddings"])
    np.testing.assert_array_equal(after["embeddings"][0], stored["embeddings"][0])
    assert not np.allclose(after["embeddings"][1], stored["embeddings"][1])
    assert st.search("a snowed-in hotel where a writer loses his mind", k=1)[0].item == "9"


def test_changed_labels_and_deleted_items(tmp_path: Path, embedder: MiniLMEmbedding) -> None:
    cat = small_catalogue()
    st = fresh_store(tmp_path, embedder)
    st.index_catalogue(cat, progress=False)
    cat.items.at["7", "genres"] = ("Comedy",)  # no longer a western: its old key must go
    cat.items = cat.items.drop(index=["3", "4"])
    assert st.index_catalogue(cat, progress=False) == IndexCounts(updated=1, deleted=2, unchanged=27)
    assert st.count() == 28
    westerns = ids(st.search("a western", k=30, filters="genres=Western"))
    assert set(westerns) == {"5", "6"}
    assert not {"3", "4"} & set(ids(st.search("gunslingers and buried gold", k=28)))


def test_new_items_are_added(tmp_path: Path, embedder: MiniLMEmbedding) -> None:
    cat = small_catalogue()
    st = fresh_store(tmp_path, embedder)
    cat.items = cat.items.drop(index=["29"])
    st.index_catalogue(cat, progress=False)
    assert st.index_catalogue(small_catalogue(), progress=False) == IndexCounts(added=1, unchanged=29)
    assert st.search("a killer shark", k=1)[0].item == "29"


def test_store_survives_reopen_and_needs_an_index(tmp_path: Path, embedder: MiniLMEmbedding) -> None:
    st = fresh_store(tmp_path, embedder)
    with pytest.raises(VectorStoreError, match="because index"):
        st.search("a western")
    st.index_catalogue(small_catalogue(), progress=False)
    reopened = fresh_store(tmp_path, embedder)
    assert reopened.count() == 30
    assert reopened.schema["genres"] == "multi"
    assert reopened.search("a western", k=1, filters="genres=Western")[0].item in {"3", "4", "5", "6", "7"}


class FakeRecommender:
    """The parts of scorer.Recommender that `because search --user` uses."""

    dataset = "tiny-shop"

    def __init__(self) -> None:
        self.item_index = {item: row for row, item in enumerate(small_catalogue().items.index)}

    def history(self, user: str) -> dict[str, float | None]:
        return {"3": 5.0}

    def scores(self, user: str) -> np.ndarray:
        taste = np.zeros(len(self.item_index), dtype=np.float32)
        taste[self.item_index["7"]] = 5.0
        return taste


def test_cli_search_prints_json(store: VectorStore) -> None:
    import argparse
    import io
    import json

    from vectorstore.cli_commands import add_search_arguments, run_search

    parser = argparse.ArgumentParser()
    add_search_arguments(parser)
    settings = Settings(home=Path(store.location).parent, data="tiny-shop")
    out = io.StringIO()
    args = parser.parse_args(["a western", "--k", "3", "--filter", "genres=Western", "--json"])
    assert run_search(settings, args, out=out) == 0
    rows = json.loads(out.getvalue())
    assert len(rows) == 3 and set(rows[0]) == {"item", "title", "distance", "score"}
    out = io.StringIO()
    args = parser.parse_args(["a western", "--user", "u1", "--k", "3", "--json"])
    assert run_search(settings, args, out=out, recommender=FakeRecommender()) == 0
    rows = json.loads(out.getvalue())
    assert rows[0]["item"] == "7" and rows[0]["scorer_score"] == 5.0
    assert "3" not in [r["item"] for r in rows]  # already rated by the user
