"""Setting up the chat model: the embedded llama.cpp server or any OpenAI-compatible endpoint.

``make_chat_model`` always returns a ``ChatOpenAI`` (a ``QueuedChatOpenAI``); only its ``base_url``
differs, and the embedded server's calls queue fairly. Calls on it go through ``assistant.llm.calls``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.llm.registry import ensure_model_file, get_model
from assistant.llm.server import EmbeddedServer
from because.settings import Settings

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

NO_KEY = "not-needed"  # ChatOpenAI insists on some key, even for a local server

_servers: dict[tuple[str, Path, int], EmbeddedServer] = {}
_servers_lock = threading.Lock()


def embedded_server(settings: Settings, *, warm_up: bool = True) -> EmbeddedServer:
    """Start (once per model, home and thread count) and return the in-process server for ``settings.llm_model``.

    Verifies the model's hash first; raises ``ModelFileError`` if it is missing or wrong.
    """
    key = (settings.llm_model, Path(settings.home), settings.llm_threads)
    with _servers_lock:
        server = _servers.get(key)
        if server is not None and server.running:
            return server
        path = ensure_model_file(settings.llm_model, settings.home)
        server = EmbeddedServer(path, alias=get_model(settings.llm_model).name, n_threads=settings.llm_threads)
        server.start()
        if warm_up:
            server.warm_up()
        _servers[key] = server
        return server


def stop_embedded_servers() -> None:
    """Stop every server ``embedded_server`` started (they also stop at interpreter exit)."""
    with _servers_lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        server.stop()


def make_chat_model(
    settings: Settings,
    server: EmbeddedServer | None = None,
    *,
    temperature: float = 0.2,
    max_tokens: int | None = 512,
) -> "ChatOpenAI":
    """A ``ChatOpenAI`` for ``settings.llm_base_url`` if set, else for the embedded server.

    ``server`` overrides the shared embedded server (it is started if needed). Calls to the
    embedded server wait their turn in its ``LLMQueue`` (at most ``llm_timeout_s``).
    """
    from assistant.llm.queued import QueuedChatOpenAI

    queue = None
    if settings.llm_base_url:
        base_url = settings.llm_base_url
        api_key = settings.llm_api_key or NO_KEY
        model = settings.llm_model
        retries = 1  # a remote endpoint may drop a request now and then
    else:
        if server is None:
            server = embedded_server(settings)
        else:
            server.start()
        base_url, api_key, model = server.base_url, NO_KEY, server.alias
        retries = 0  # retrying a local server that failed only doubles the wait
        queue = server.queue  # one request at a time, sessions in turn (see llm_queue)
    return QueuedChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=api_key,
        timeout=settings.llm_timeout_s,
        max_retries=retries,
        temperature=temperature,
        max_tokens=max_tokens,
        # a turn waits at most llm_queue_wait_s for the local model, then answers with the templates:
        # under load a quick checked answer beats a minute in the queue
        queue_timeout_s=min(settings.llm_queue_wait_s, settings.llm_timeout_s),
        stream_timeout_s=settings.llm_timeout_s,
    ).with_queue(queue)
