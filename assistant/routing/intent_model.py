"""A learned intent model: which tool a shopper's message asks for, with a probability per tool.

Regular expressions decide plain phrasings well and fail on wording nobody wrote down; the small
language model decides free wording but guesses when unsure. This model sits between them. It is a
logistic regression over character n-grams (which carry Chinese as well as English), word n-grams
and the local all-MiniLM-L6-v2 sentence embedding (paraphrases), trained on the labelled messages in
``assistant/routing/intent_data/`` (about 540, English and Chinese, written by five different authors).

Titles vary without end and say nothing about intent, so they are replaced before anything is
learned: a title on the list just shown becomes ``⟨shown⟩``, any other catalogue title ``⟨title⟩``
(in the training files the placeholders ``{shown1}``.. and ``{seen}``/``{unseen}`` do the same).

Training takes about 3 s (most of it embedding the examples) and happens once per process, on first
use; the router warms it up with the language model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

DATA_DIR = Path(__file__).with_name("intent_data")
SHOWN, OTHER = " ⟨shown⟩ ", " ⟨title⟩ "
_SHOWN_SLOT = re.compile(r"\{shown\d\}")
_OTHER_SLOT = re.compile(r"\{(?:seen2?|unseen)\}")
EMBEDDING_WEIGHT = 1.5  # the sentence vector's scale beside the tf-idf blocks (chosen by leave-one-set-out accuracy)
C = 10.0


@dataclass(frozen=True)
class Example:
    text: str  # with placeholders, as written in the data files
    tool: str  # the main expected tool
    accepted: tuple[str, ...]  # every acceptable tool (main first)
    lang: str
    part: str  # which labelled set it came from, e.g. "blind2"


def load_examples(paths: Iterable[Path] | None = None) -> list[Example]:
    """The labelled messages of every JSON file in ``intent_data`` (or of ``paths``)."""
    out: list[Example] = []
    for path in sorted(paths if paths is not None else DATA_DIR.glob("*.json")):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        parts = {k: v for k, v in data.items() if isinstance(v, list)}
        for name, entries in parts.items():
            part = path.stem.removeprefix("tool_choice_") if name == "messages" else name
            for e in entries:
                accepted = (e["tool"],) if isinstance(e["tool"], str) else tuple(e["tool"])
                out.append(Example(e["message"], accepted[0], accepted, e.get("lang", "en"), part))
    return out


def normalise_template(text: str) -> str:
    """A training message with its title placeholders turned into the title tokens."""
    return _OTHER_SLOT.sub(OTHER, _SHOWN_SLOT.sub(SHOWN, text)).lower()


def normalise(text: str, mentions: Sequence[Any]) -> str:
    """A live message with the titles found in it (``title_intent.Mention``) turned into title tokens."""
    out = text
    for m in sorted(mentions, key=lambda m: -m.start):
        out = out[: m.start] + (SHOWN if m.shown else OTHER) + out[m.end :]
    return out.lower()


class IntentModel:
    """Probabilities over the router's tools for a (normalised) message."""

    def __init__(self, examples: Sequence[Example], *, embed: Any | None = "local") -> None:
        """``embed``: "local" for the MiniLM sentence embedding, None for n-grams only, or any callable
        that maps a list of texts to vectors (a model trained with one needs one of the same size to predict)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_union

        if len({e.tool for e in examples}) < 2:
            raise ValueError("the intent model needs labelled examples of at least two tools.")
        self._embed = _default_embedding() if embed == "local" else embed
        self._features = make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b|⟨\w+⟩"),
        )
        texts = [normalise_template(e.text) for e in examples]
        x = self._with_embedding(self._features.fit_transform(texts), texts)
        self._model = LogisticRegression(C=C, max_iter=3000).fit(x, [e.tool for e in examples])
        self.examples = list(examples)
        self._unit = _unit_rows(x)
        self.tools: tuple[str, ...] = tuple(str(c) for c in self._model.classes_)

    def _with_embedding(self, ngrams: Any, texts: list[str]) -> Any:
        """The n-gram block with the scaled sentence vectors beside it (as they are without an embedding)."""
        if self._embed is None:
            return ngrams
        from scipy.sparse import hstack

        return hstack([ngrams, EMBEDDING_WEIGHT * np.asarray(self._embed(texts))]).tocsr()

    def _vectors(self, normalised: Sequence[str]) -> Any:
        texts = list(normalised)
        return self._with_embedding(self._features.transform(texts), texts)

    def probabilities(self, normalised: Sequence[str]) -> np.ndarray:
        """One row per message, one column per tool in ``self.tools``."""
        return self._model.predict_proba(self._vectors(normalised))

    def nearest(self, normalised: str, tools: Sequence[str], per_tool: int = 2) -> list[Example]:
        """The labelled examples most like the message (cosine over the model's features), ``per_tool``
        for each of ``tools``, most similar first: worked examples for the language model."""
        sims = np.asarray((self._unit @ _unit_rows(self._vectors([normalised])).T).todense()).ravel()
        out: list[tuple[float, Example]] = []
        for tool in tools:
            idx = [i for i, e in enumerate(self.examples) if e.tool == tool]
            best = sorted(idx, key=lambda i: -sims[i])[:per_tool]
            out += [(float(sims[i]), self.examples[i]) for i in best]
        return [e for _, e in sorted(out, key=lambda se: -se[0])]

    def ranked(self, normalised: str) -> list[tuple[str, float]]:
        """Tools by probability for one message, most likely first."""
        p = self.probabilities([normalised])[0]
        return sorted(zip(self.tools, (float(v) for v in p)), key=lambda tp: -tp[1])

    @property
    def embedded(self) -> bool:
        """Whether the sentence embedding is part of the features."""
        return self._embed is not None

    def __getstate__(self) -> dict[str, Any]:
        # the embedding (a loaded network) is not kept: ``cached_model`` attaches the process's own
        return {**self.__dict__, "_embed": None, "_was_embedded": self._embed is not None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def _unit_rows(x: Any) -> Any:
    from sklearn.preprocessing import normalize

    return normalize(x, norm="l2", axis=1)


def _default_embedding() -> Any | None:
    """The local MiniLM embedding, or None (tf-idf only) when it cannot load."""
    try:
        from vectorstore.embedding import MiniLMEmbedding

        emb = MiniLMEmbedding()
        emb(["warm up"])
        return emb
    except Exception:  # noqa: BLE001 - the model still works, a little less well, on n-grams alone
        import logging

        logging.getLogger(__name__).warning("sentence embedding unavailable: the intent model uses n-grams only")
        return None


_lock = threading.Lock()
CACHE_VERSION = 1  # bump when the features change: older cached models are then retrained


def fingerprint(paths: Sequence[Path]) -> str:
    """What a cached model depends on: the labelled files, the settings above, scikit-learn's version."""
    import sklearn

    h = hashlib.sha256(f"{CACHE_VERSION} {C} {EMBEDDING_WEIGHT} {sklearn.__version__}".encode())
    for path in sorted(paths):
        h.update(Path(path).name.encode() + b"\0" + Path(path).read_bytes())
    return h.hexdigest()[:20]


def cached_model(cache_dir: Path | None = None, paths: Sequence[Path] | None = None) -> IntentModel:
    """The model trained on ``intent_data``, from ``<cache>/intent-<fingerprint>.pkl`` when that exists (training
    takes seconds a process: most of a cold ``because ask``), else trained and written there atomically.
    A damaged or foreign cache file is retrained over."""
    from vectorstore.onnx_minilm import default_cache_dir

    files = sorted(paths if paths is not None else DATA_DIR.glob("*.json"))
    path = (cache_dir or default_cache_dir()) / f"intent-{fingerprint(files)}.pkl"
    embed = _default_embedding()
    try:
        with path.open("rb") as f:
            model = pickle.load(f)  # our own cache file, named by the hash of what it was trained on
        if isinstance(model, IntentModel) and model.__dict__.get("_was_embedded") == (embed is not None):
            model._embed = embed
            return model
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    model = IntentModel(load_examples(files), embed=embed)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(model))
        os.replace(tmp, path)
    except OSError as err:  # a read-only cache only costs the next start its training time
        logging.getLogger(__name__).info("intent model not cached (%s)", err)
    return model


@lru_cache(maxsize=1)
def _shared() -> IntentModel:
    return cached_model()


def shared_model() -> IntentModel:
    """The process-wide model trained on every file in ``intent_data`` (cached on disk, loaded on first call)."""
    with _lock:
        return _shared()
