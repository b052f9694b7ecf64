"""Helpers for the web app tests: one real uvicorn server per test process (no tests here)."""

from __future__ import annotations

import socket
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx

SECRET = "test-secret-for-because"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, app: Any, services: Any) -> None:
        import uvicorn

        self.services = services
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the test server did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def make_services(home: Path, rec: Any, **kwargs: Any) -> Any:
    from because.offline import enforce
    from because.settings import Settings
    from webapp.services import build_services

    enforce()
    return build_services(Settings.from_env(home=home, token_secret=SECRET), rec, llm=False, **kwargs)


@lru_cache(maxsize=1)
def live_server(home: str) -> LiveServer:
    """The full app (API + Gradio UI) over the tiny ml-100k model, templates only (no language model)."""
    from scorer.pipeline import save_active
    from support.agent import tiny_recommender
    from webapp.server import create_app

    rec = tiny_recommender()
    save_active(rec, Path(home))
    services = make_services(Path(home), rec)
    return LiveServer(create_app(services), services)
