"""The item index in Chroma: incremental indexing, search, similar items, personal re-rank."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from because.errors import BecauseError, InputError, UnknownIdError, VectorStoreError

from .client import collection_name, connect
from .documents import HASH_KEY, TITLE_KEY, ItemDoc, build_docs, noun_for, value_vocabulary
from .embedding import MODEL_ID, MiniLMEmbedding
from .filters import FilterLike, to_where
from .rerank import DEFAULT_ALPHA, blend, candidate_count

if TYPE_CHECKING:
    from because.settings import Settings

SCHEMA_KEY = "because:schema"
VOCAB_KEY = "because:vocabulary"
PAGE = 5000


@dataclass(frozen=True)
class SearchHit:
    """One result. `distance` is Chroma's cosine distance (1 - cosine similarity); `score` is
    1 - distance for plain search and the blended score for personal search."""

    item: str
    title: str
    distance: float
    score: float
    scorer_score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class IndexCounts:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _chunks(seq: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


class VectorStore:
    """Items of one catalogue in one Chroma collection (cosine space, MiniLM embeddings)."""

    def __init__(
        self, client: Any, name: str, embedder: MiniLMEmbedding | None = None, location: str = "", fix: str = ""
    ) -> None:
        self.client = client
        self.name = name
        self.embedder = embedder or MiniLMEmbedding()
        self.location = location
        self.fix = fix
        self._collection: Any = None

    # -- plumbing -------------------------------------------------------------------------
    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        """Turn Chroma/transport failures into VectorStoreError; let our own errors through."""
        try:
            yield
        except BecauseError:
            raise
        except Exception as err:  # noqa: BLE001 - chromadb raises many unrelated types
            raise VectorStoreError(
                f"Chroma at {self.location} failed while {doing}: {type(err).__name__}: {err}", self.fix
            ) from err

    @property
    def collection(self) -> Any:
        """The Chroma collection, created on first use with our embedding function and cosine space."""
        if self._collection is None:
            from chromadb.utils.embedding_functions import register_embedding_function

            register_embedding_function(MiniLMEmbedding)
            with self._guard("opening its collection"):
                self._collection = self.client.get_or_create_collection(
                    collection_name(self.name),
                    embedding_function=self.embedder,
                    configuration={"hnsw": {"space": "cosine"}},
                )
        return self._collection

    def count(self) -> int:
        with self._guard("counting items"):
            return int(self.collection.count())

    def _stored_metadata(self) -> dict[str, dict[str, Any]]:
        """item_id -> stored metadata, read page by page."""
        out: dict[str, dict[str, Any]] = {}
        with self._guard("reading stored items"):
            offset = 0
            while True:
                page = self.collection.get(include=["metadatas"], limit=PAGE, offset=offset)
                out.update(zip(page["ids"], (m or {} for m in page["metadatas"])))
                if len(page["ids"]) < PAGE:
                    return out
                offset += PAGE

    @property
    def schema(self) -> dict[str, str]:
        return json.loads((self.collection.metadata or {}).get(SCHEMA_KEY, "{}"))

    @property
    def vocabulary(self) -> dict[str, list[str]]:
        return json.loads((self.collection.metadata or {}).get(VOCAB_KEY, "{}"))

    # -- indexing -------------------------------------------------------------------------
    def index_catalogue(self, catalogue: Any, **kwargs: Any) -> IndexCounts:
        """Index a `catalogue.Catalogue` (uses its .items, .schema and .name)."""
        kwargs.setdefault("noun", noun_for(catalogue.name))
        return self.index(catalogue.items, catalogue.schema, **kwargs)

    def index(
        self,
        items: pd.DataFrame,
        schema: dict[str, str],
        *,
        noun: str = "item",
        batch_size: int = 128,
        progress: bool = True,
    ) -> IndexCounts:
        """Bring the collection in line with `items`: embed new/changed items, delete removed ones.

        Unchanged items (same content hash) are not re-embedded. Idempotent.
        """
        docs = build_docs(items, schema, MODEL_ID, noun)
        stored = self._stored_metadata()
        new = [d for d in docs if d.item_id not in stored]
        changed = [
            self._clear_stale(d, stored[d.item_id])
            for d in docs
            if d.item_id in stored and stored[d.item_id].get(HASH_KEY) != d.metadata[HASH_KEY]
        ]
        removed = sorted(set(stored) - {d.item_id for d in docs})
        todo = new + changed
        with tqdm(total=len(todo), desc=f"Embedding {self.name}", unit="item", disable=not progress or not todo) as bar:
            for batch in _chunks(todo, batch_size):
                vectors = self.embedder.encode([d.text for d in batch])
                with self._guard("storing items"):
                    self.collection.upsert(
                        ids=[d.item_id for d in batch],
                        embeddings=vectors,
                        documents=[d.text for d in batch],
                        metadatas=[d.metadata for d in batch],
                    )
                bar.update(len(batch))
        with self._guard("deleting removed items"):
            for batch in _chunks(removed, PAGE):
                self.collection.delete(ids=batch)
            meta = {
                SCHEMA_KEY: json.dumps(schema, sort_keys=True),
                VOCAB_KEY: json.dumps(value_vocabulary(items, schema), sort_keys=True),
            }
            if {k: (self.collection.metadata or {}).get(k) for k in meta} != meta:
                self.collection.modify(metadata=meta)
        return IndexCounts(len(new), len(changed), len(removed), len(docs) - len(todo))

    @staticmethod
    def _clear_stale(doc: ItemDoc, old: dict[str, Any]) -> ItemDoc:
        # Chroma merges metadata on upsert: keys that disappeared must be set to None to be removed.
        stale = {k: None for k in old if k not in doc.metadata}
        return ItemDoc(doc.item_id, doc.text, {**doc.metadata, **stale}) if stale else doc

    # -- search ---------------------------------------------------------------------------
    def _where(self, filters: FilterLike) -> dict[str, Any] | None:
        if not filters:
            return None
        schema = self.schema
        if not schema:
            self._require_index()
        return to_where(filters, schema, self.vocabulary)

    def _require_index(self) -> int:
        n = self.count()
        if n == 0:
            raise VectorStoreError(
                f"no items of '{self.name}' are indexed in Chroma at {self.location}.", "run `because index` first."
            )
        return n

    def _nearest(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None, exclude: Collection[str]
    ) -> list[SearchHit]:
        """Up to `n` hits not in `exclude`, nearest first (over-fetches by len(exclude)).

        Chroma returns fewer than n_results when it has fewer items, so the item count (a second round
        trip, ~3 ms) is only read when nothing came back, to tell an empty index from filters that
        matched nothing.
        """
        with self._guard("searching"):
            res = self.collection.query(
                query_embeddings=[vector], n_results=n + len(exclude), where=where, include=["metadatas", "distances"]
            )
        if not res["ids"][0]:
            self._require_index()
        hits = [
            SearchHit(item_id, str((meta or {}).get(TITLE_KEY, "")), float(dist), 1.0 - float(dist))
            for item_id, meta, dist in zip(res["ids"][0], res["metadatas"][0], res["distances"][0])
            if item_id not in exclude
        ]
        return hits[:n]

    def search(
        self, query: str, k: int = 10, filters: FilterLike = None, exclude: Iterable[str] | None = None
    ) -> list[SearchHit]:
        """The k items whose documents best match `query`, after filters, minus `exclude`."""
        query = _check_query(query, k)
        where = self._where(filters)
        return self._nearest(self.embedder.query_vector(query), k, where, set(exclude or ()))

    def similar(
        self, item_id: str, k: int = 10, filters: FilterLike = None, exclude: Iterable[str] | None = None
    ) -> list[SearchHit]:
        """The k items nearest to `item_id`'s stored embedding (the item itself left out)."""
        _check_k(k)
        where = self._where(filters)
        with self._guard("reading an item"):
            got = self.collection.get(ids=[str(item_id)], include=["embeddings"])
        if not got["ids"]:
            raise UnknownIdError("item", str(item_id), "search for the item first to get its id.")
        skip = set(exclude or ()) | {str(item_id)}
        return self._nearest(np.asarray(got["embeddings"][0], dtype=np.float32), k, where, skip)

    def personal_search(
        self,
        query: str,
        user_scores: np.ndarray | None,
        item_index: dict[str, int],
        k: int = 10,
        filters: FilterLike = None,
        exclude: Iterable[str] | None = None,
        alpha: float = DEFAULT_ALPHA,
    ) -> list[SearchHit]:
        """Search, then re-rank the top max(50, 5k) hits by the blend in README_BLEND.md.

        user_scores: (n_items,) scorer scores for one user, positioned by `item_index`
        (item_id -> row). None means no user: plain `search`.
        """
        if user_scores is None:
            return self.search(query, k, filters, exclude)
        query = _check_query(query, k)
        where = self._where(filters)
        hits = self._nearest(self.embedder.query_vector(query), candidate_count(k), where, set(exclude or ()))
        if not hits:
            return []
        scores = np.asarray(user_scores, dtype=np.float64)
        scorer = np.array([scores[item_index[h.item]] if h.item in item_index else np.nan for h in hits])
        final = blend(np.array([h.score for h in hits]), scorer, alpha)
        order = np.argsort(-final, kind="stable")[:k]
        return [
            SearchHit(
                hits[i].item,
                hits[i].title,
                hits[i].distance,
                float(final[i]),
                None if np.isnan(scorer[i]) else float(scorer[i]),
            )
            for i in order
        ]


def _check_k(k: int) -> None:
    if not isinstance(k, int) or k < 1:
        raise InputError(f"k must be a positive whole number, got {k!r}.", "ask for e.g. k=10 results.")


def _check_query(query: str, k: int) -> str:
    _check_k(k)
    if not isinstance(query, str) or not query.strip():
        raise InputError("the search query is empty.", "describe what you are looking for, e.g. 'a funny western'.")
    return query.strip()


def open_store(
    settings: "Settings", catalogue_name: str | None = None, embedder: MiniLMEmbedding | None = None
) -> VectorStore:
    """The store for `catalogue_name` (default: settings.data) on the configured Chroma."""
    client, location, fix = connect(settings)
    return VectorStore(client, catalogue_name or settings.data, embedder, location, fix)
