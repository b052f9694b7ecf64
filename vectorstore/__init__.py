"""Item documents in Chroma with the local all-MiniLM-L6-v2 embedding: search, similar, personal re-rank.

    store = open_store(settings)                      # PersistentClient, or HttpClient if chroma_url
    store.index_catalogue(load_builtin("ml-100k"))    # -> IndexCounts(added, updated, deleted, unchanged)
    store.search("a funny western", k=10, filters=["year>=1990"], exclude={"1"})
"""

from .client import collection_name, connect, parse_chroma_url
from .documents import ItemDoc, build_docs, describe_item, item_metadata, item_text
from .embedding import MiniLMEmbedding
from .filters import Condition, Filter, parse_condition, to_where
from .rerank import DEFAULT_ALPHA, blend, zscore
from .store import IndexCounts, SearchHit, VectorStore, open_store

__all__ = [
    "DEFAULT_ALPHA", "Condition", "Filter", "IndexCounts", "ItemDoc", "MiniLMEmbedding", "SearchHit",
    "VectorStore", "blend", "build_docs", "collection_name", "connect", "describe_item", "item_metadata",
    "item_text", "open_store", "parse_chroma_url", "parse_condition", "to_where", "zscore",
]
