"""Item documents in Chroma with the local all-MiniLM-L6-v2 embedding: search, similar, personal re-rank.

store = open_store(settings)                      # PersistentClient, or HttpClient if chroma_url
store.index_catalogue(load_builtin("ml-100k"))    # -> IndexCounts(added, updated, deleted, unchanged)
store.search("a funny western", k=10, filters=["year>=1990"], exclude={"1"})
"""

from importlib import import_module
from typing import Any

# Names are imported on first use: importing chromadb and sentence-transformers takes seconds, and the
# CLI imports this package just to build its argument parser.
_WHERE = {
    "collection_name": "client",
    "connect": "client",
    "parse_chroma_url": "client",
    "ItemDoc": "documents",
    "build_docs": "documents",
    "describe_item": "documents",
    "item_metadata": "documents",
    "item_text": "documents",
    "MiniLMEmbedding": "embedding",
    "Condition": "filters",
    "Filter": "filters",
    "parse_condition": "filters",
    "to_where": "filters",
    "DEFAULT_ALPHA": "rerank",
    "blend": "rerank",
    "zscore": "rerank",
    "IndexCounts": "store",
    "SearchHit": "store",
    "VectorStore": "store",
    "open_store": "store",
    "LazyStore": "lazy",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'vectorstore' has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)


__all__ = [
    "DEFAULT_ALPHA",
    "Condition",
    "Filter",
    "IndexCounts",
    "ItemDoc",
    "LazyStore",
    "MiniLMEmbedding",
    "SearchHit",
    "VectorStore",
    "blend",
    "build_docs",
    "collection_name",
    "connect",
    "describe_item",
    "item_metadata",
    "item_text",
    "open_store",
    "parse_chroma_url",
    "parse_condition",
    "to_where",
    "zscore",
]
