"""Opening Chroma: a local folder by default, a server when BECAUSE_CHROMA_URL is set."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from because.errors import InputError, VectorStoreError

if TYPE_CHECKING:
    from because.settings import Settings


def parse_chroma_url(url: str) -> tuple[str, int, bool]:
    """'http://127.0.0.1:8000' -> ('127.0.0.1', 8000, False). Raises InputError if malformed."""
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InputError(
            f"BECAUSE_CHROMA_URL='{url}' is not a server address.",
            "write it like http://127.0.0.1:8000, or unset it to use the local Chroma folder.",
        )
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
    except ValueError:
        raise InputError(
            f"BECAUSE_CHROMA_URL='{url}' has a bad port.", "write it like http://127.0.0.1:8000."
        ) from None
    return parsed.hostname, port, parsed.scheme == "https"


def server_fix(url: str, chroma_dir: object) -> str:
    """How to get a Chroma server at `url` running, or stop needing one."""
    host, port, _ = parse_chroma_url(url)
    return (
        f"start it with `chroma run --path {chroma_dir} --host {host} --port {port}`, "
        f"or unset BECAUSE_CHROMA_URL to use the local folder {chroma_dir} without a server."
    )


def connect(settings: "Settings") -> tuple[Any, str, str]:
    """Return (client, location, fix_hint). Raises VectorStoreError if Chroma cannot be opened."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from because import offline

    offline.enforce()
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = settings.chroma_url
        host, port, ssl = parse_chroma_url(url)
        fix = server_fix(url, settings.chroma_dir)
        try:
            client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
            client.heartbeat()
        except Exception as err:  # noqa: BLE001 - connection refused, timeout, TLS, wrong service...
            raise VectorStoreError(f"cannot reach the Chroma server at {url} ({_short(err)}).", fix) from err
        return client, url, fix
    path = settings.chroma_dir
    fix = f"check that {path} is a writable folder that only one program uses, or delete it and run `because index`."
    try:
        path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as err:  # noqa: BLE001
        raise VectorStoreError(f"cannot open the Chroma folder {path} ({_short(err)}).", fix) from err
    return client, str(path), fix


def _short(err: Exception) -> str:
    text = re.sub(r"\s+", " ", str(err)).strip()
    return f"{type(err).__name__}: {text[:200]}" if text else type(err).__name__


def collection_name(catalogue_name: str) -> str:
    """A valid Chroma collection name for a catalogue: 'ml-100k' -> 'because-items-ml-100k'."""
    safe = re.sub(r"[^a-zA-Z0-9._-]+", "-", catalogue_name).strip("-._") or "default"
    return f"because-items-{safe}"[:512]
