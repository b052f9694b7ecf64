"""A store opened on first use: most chat turns never search, and opening Chroma and the embedder takes seconds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from because.settings import Settings


class LazyStore:
    """Stands for ``open_store(settings, name)``; opens it when an attribute is first asked for."""

    def __init__(self, settings: "Settings", name: str) -> None:
        self._settings, self._name = settings, name
        self._store: Any = None

    def __getattr__(self, attr: str) -> Any:
        if self._store is None:
            from vectorstore.store import open_store

            self._store = open_store(self._settings, self._name)
        return getattr(self._store, attr)
