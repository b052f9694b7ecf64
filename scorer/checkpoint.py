"""Saving and loading a trained model: weights, config, format version, and the data it needs to serve.

The file is written to a temporary name and renamed, so a crash or a full disk never leaves a
half-written model in place of a good one. Loading uses ``weights_only=True``: no pickle code runs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import torch

from because.errors import ModelFileError

FORMAT_VERSION = 2  # 2: popularity as pop + beta (was a per-item bias b)
KIND = "because.additive-scorer"


def save_checkpoint(path: Path, payload: dict[str, Any]) -> None:
    """Atomically write ``payload`` (tensors, lists, dicts, str, numbers) to ``path``.

    A failed write (disk full, read-only folder) removes its temporary file, leaves any previous
    model at ``path`` untouched and raises ``ModelFileError`` saying so.
    """
    data = {"kind": KIND, "format_version": FORMAT_VERSION, **payload}
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            torch.save(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except (OSError, RuntimeError) as err:  # torch reports a full disk as RuntimeError
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise ModelFileError(
            f"could not save the model to {path} ({type(err).__name__}: {' '.join(str(err).split())[:200]}; "
            f"{_free_bytes(path.parent)} bytes free there); the previous model there, if any, is unchanged.",
            "free some disk space (or use another --home) and train again.",
        ) from err
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def _free_bytes(folder: Path) -> str:
    try:
        return str(shutil.disk_usage(folder).free)
    except OSError:
        return "?"


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Read a checkpoint; raise ModelFileError with the fix when it is missing, corrupt or of another version."""
    if not path.exists():
        raise ModelFileError(
            f"no trained model at {path}.", "run `because train` first (or pass the --home you trained with)."
        )
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for a corrupt file
        raise ModelFileError(
            f"the model file {path} is corrupt or not a Because model ({type(err).__name__}: {err}).",
            "delete it and run `because train` again.",
        ) from err
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise ModelFileError(f"{path} is not a Because model file.", "run `because train` to create one.")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"{path} has model format version {version}, this program reads version {FORMAT_VERSION}.",
            "retrain with `because train` (the file was written by another version of Because).",
        )
    return data


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
