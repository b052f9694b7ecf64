"""The ONNX (fast) query embedding: same vectors as torch, rebuilt when stale or damaged, query cache."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from because.errors import ModelFileError
from vectorstore import onnx_minilm
from vectorstore.embedding import MiniLMEmbedding, default_model_path
from vectorstore.onnx_minilm import MIN_COSINE, OnnxMiniLM

ODD_TEXTS = [
    "word " * 400 + "end",  # past the 256-token limit: truncated the same way
    "Émile's café: naïve résumé, 中文 and an emoji 😀\ttab  double  space",
    "?",
    "A" * 3000,
]


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedding:
    """The default embedder (ONNX backend, default cache folder), with the query cache off."""
    emb = MiniLMEmbedding(backend="onnx", query_cache_size=0)
    assert emb.active_backend == "onnx"
    return emb


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder with a freshly built ONNX file (built once for the module), checked for warnings."""
    cache = tmp_path_factory.mktemp("onnx-cache")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runner = OnnxMiniLM(default_model_path(), cache)
        runner.encode(["warm up"])
    assert runner.rebuilt == "missing"
    assert not [w for w in caught if issubclass(w.category, DeprecationWarning)], [str(w.message) for w in caught]
    manifest = json.loads(runner.manifest_path.read_text())
    weights = Path(default_model_path()) / "model.safetensors"
    assert manifest["source"]["sha256"] == hashlib.sha256(weights.read_bytes()).hexdigest()
    assert manifest["onnx_sha256"] == hashlib.sha256(runner.path.read_bytes()).hexdigest()
    return cache


def copy_of(built: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """(cache dir, model.onnx, manifest.json) of a private copy of the built cache."""
    cache = tmp_path / "cache"
    shutil.copytree(built, cache)
    (folder,) = (cache / "onnx").iterdir()
    return cache, folder / "model.onnx", folder / "manifest.json"


def catalogue_texts(n: int) -> list[str]:
    from catalogue import load_builtin
    from vectorstore.documents import build_docs, noun_for

    cat = load_builtin("ml-100k")
    docs = [d.text for d in build_docs(cat.items, cat.schema, "all-MiniLM-L6-v2", noun_for(cat.name))]
    picks = np.random.default_rng(0).choice(len(docs), size=n, replace=False)
    return [docs[i] for i in sorted(picks)]


def queries() -> list[str]:
    data = json.loads((Path(__file__).parent / "data" / "search_queries.json").read_text())
    return [q["query"] for q in data["queries"]]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    assert a.shape == b.shape and a.dtype == np.float32 and b.dtype == np.float32
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.fixture(scope="module")
def catalogue_torch(embedder: MiniLMEmbedding) -> tuple[list[str], np.ndarray]:
    """250 ML-100k item texts and their torch vectors (the reference)."""
    texts = catalogue_texts(250)
    return texts, embedder.encode_torch(texts)


def test_onnx_matches_torch_on_catalogue_texts_and_queries(
    embedder: MiniLMEmbedding, catalogue_torch: tuple[list[str], np.ndarray]
) -> None:
    texts, docs_torch = catalogue_torch
    docs_onnx = embedder.encode(texts)  # batched and padded, on the batch session
    assert cosines(docs_torch, docs_onnx).min() >= MIN_COSINE
    np.testing.assert_allclose(np.linalg.norm(docs_onnx, axis=1), 1.0, atol=1e-5)
    asked = queries() + ["a funny western", "films like Alien but older", "romantic comedy from the 90s"] + ODD_TEXTS
    one_by_one = np.stack([embedder.encode([q])[0] for q in asked])  # the query path: one text, no padding
    assert cosines(embedder.encode_torch(asked), one_by_one).min() >= MIN_COSINE
    assert cosines(embedder.encode(asked), one_by_one).min() >= MIN_COSINE  # padding changes nothing


def test_search_ranks_the_same_with_either_backend(
    embedder: MiniLMEmbedding, catalogue_torch: tuple[list[str], np.ndarray]
) -> None:
    _, docs = catalogue_torch  # an index built by the torch path stays valid for ONNX queries
    for query in queries():
        by_torch = np.argsort(-docs @ embedder.encode_torch([query])[0])[:10]
        by_onnx = np.argsort(-docs @ embedder.query_vector(query))[:10]
        assert len(set(by_torch) & set(by_onnx)) >= 9, query


def test_reopening_a_good_file_does_not_rebuild(built: Path) -> None:
    runner = OnnxMiniLM(default_model_path(), built)
    assert runner.rebuilt is None


@pytest.mark.parametrize(
    "damage", ["flip a byte", "truncate", "delete", "empty manifest", "other source weights", "older builder"]
)
def test_damaged_or_stale_file_is_rebuilt(built: Path, tmp_path: Path, damage: str) -> None:
    cache, model, manifest_path = copy_of(built, tmp_path)
    manifest = json.loads(manifest_path.read_text())
    data = bytearray(model.read_bytes())
    if damage == "flip a byte":
        data[len(data) // 2] ^= 0x40  # inside a weight tensor: the graph still loads, the vectors would differ
        model.write_bytes(bytes(data))
    elif damage == "truncate":
        model.write_bytes(bytes(data[: len(data) // 3]))
    elif damage == "delete":
        model.unlink()
    elif damage == "empty manifest":
        manifest_path.write_text("")
    elif damage == "other source weights":  # as if built from weights since replaced (new mtime, new hash)
        manifest["source"]["sha256"] = "0" * 64
        manifest["source"]["mtime_ns"] -= 10**9
        manifest_path.write_text(json.dumps(manifest))
    else:
        manifest["builder_version"] = 0
        manifest_path.write_text(json.dumps(manifest))
    runner = OnnxMiniLM(default_model_path(), cache)
    assert runner.rebuilt
    fresh = json.loads(manifest_path.read_text())
    assert fresh["onnx_sha256"] == hashlib.sha256(model.read_bytes()).hexdigest()
    vector = runner.encode(["a funny western"])
    reference = MiniLMEmbedding(backend="torch").encode(["a funny western"])
    assert cosines(vector, reference)[0] >= MIN_COSINE


def test_same_weights_with_a_new_mtime_are_rehashed_not_rebuilt(built: Path, tmp_path: Path) -> None:
    cache, _, manifest_path = copy_of(built, tmp_path)
    manifest = json.loads(manifest_path.read_text())
    manifest["source"]["mtime_ns"] -= 10**9  # e.g. the package was reinstalled with the same weights
    manifest_path.write_text(json.dumps(manifest))
    assert OnnxMiniLM(default_model_path(), cache).rebuilt is None
    refreshed = json.loads(manifest_path.read_text())["source"]
    assert refreshed["mtime_ns"] == (Path(default_model_path()) / "model.safetensors").stat().st_mtime_ns


def test_consistent_hash_but_wrong_vectors_is_rebuilt(built: Path, tmp_path: Path) -> None:
    """A file whose hash matches its manifest but whose vectors do not match torch is not used."""
    cache, model, manifest_path = copy_of(built, tmp_path)
    import onnx

    proto = onnx.load(str(model))
    for init in proto.graph.initializer:
        if init.name == "encoder.layer.0.intermediate.dense.bias":
            init.CopyFrom(onnx.numpy_helper.from_array(onnx.numpy_helper.to_array(init) + 0.5, init.name))
    model.write_bytes(proto.SerializeToString())
    manifest = json.loads(manifest_path.read_text())
    manifest["onnx_sha256"] = hashlib.sha256(model.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    runner = OnnxMiniLM(default_model_path(), cache)
    assert runner.rebuilt and "cosine" in runner.rebuilt


def test_a_build_that_disagrees_with_torch_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = onnx_minilm.build_model

    def wrong(weights: dict[str, np.ndarray], config: dict) -> object:
        weights = dict(weights)
        key = "encoder.layer.5.output.dense.bias"  # a non-constant shift: LayerNorm would cancel a constant
        weights[key] = weights[key] + np.linspace(-1, 1, 384, dtype=np.float32)
        return real(weights, config)

    monkeypatch.setattr(onnx_minilm, "build_model", wrong)
    with pytest.raises(ModelFileError, match="does not match the torch model"):
        OnnxMiniLM(default_model_path(), tmp_path / "a")
    with pytest.raises(ModelFileError, match="does not match the torch model"):
        MiniLMEmbedding(backend="onnx", cache_dir=tmp_path / "b").encode(["a western"])
    fallback = MiniLMEmbedding(backend="auto", cache_dir=tmp_path / "c")
    with caplog.at_level(logging.WARNING, logger="vectorstore.embedding"):
        vector = fallback.encode(["a western"])
    assert fallback.active_backend == "torch" and "using torch" in caplog.text
    assert cosines(vector, fallback.encode_torch(["a western"]))[0] == pytest.approx(1.0)


def test_query_cache_is_keyed_on_normalised_text() -> None:
    emb = MiniLMEmbedding(query_cache_size=2)
    first = emb.query_vector("A  funny Western ")
    assert emb.calls == 1 and emb.query_cache.misses == 1
    again = emb.query_vector("a funny western")  # same tokens for this uncased model
    assert emb.calls == 1 and emb.query_cache.hits == 1
    np.testing.assert_array_equal(first, again)
    again[:] = 0.0  # callers get copies: the cached vector cannot be changed from outside
    np.testing.assert_array_equal(emb.query_vector("a funny western"), first)
    emb.query_vector("a scary film")
    emb.query_vector("a sad film")  # evicts "a funny western" (least recently used)
    assert len(emb.query_cache) == 2
    emb.query_vector("a funny western")
    assert emb.calls == 4
    off = MiniLMEmbedding(query_cache_size=0)
    off.query_vector("a funny western")
    off.query_vector("a funny western")
    assert off.calls == 2 and len(off.query_cache) == 0
    with pytest.raises(ValueError, match="backend"):
        MiniLMEmbedding(backend="tensorflow")  # type: ignore[arg-type]
