"""Helpers for the fault tests: broken language-model endpoints on loopback, the app in-process or as a real process."""

from __future__ import annotations

import http.server
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Any

from support.processes import ROOT, ChildServer
from support.webapp import SECRET, LiveServer

JUNK = b'{"id": "x", "choices": [{"message": \x00\xff<html>not json'


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BrokenLLM:
    """An OpenAI-compatible endpoint that fails in one way: ``down`` (nothing listens), ``slow`` (answers
    after ``delay_s``), ``junk`` (HTTP 200 with a body that is not JSON). ``requests`` counts the calls."""

    def __init__(self, kind: str, delay_s: float = 3.0) -> None:
        self.kind, self.delay_s, self.requests = kind, delay_s, 0
        self.server: http.server.ThreadingHTTPServer | None = None
        if kind == "down":
            self.url = f"http://127.0.0.1:{closed_port()}/v1"
            return
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                endpoint.requests += 1
                if endpoint.kind == "slow":
                    time.sleep(endpoint.delay_s)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(JUNK)))
                    self.end_headers()
                    self.wfile.write(JUNK)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server, self.url = serve_loopback(Handler)

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def live_app(home: Path, rec: Any, start_llm: bool = False, **settings: Any) -> LiveServer:
    """The full app (API + UI) in-process on loopback, with ``settings`` overrides (llm_base_url, chroma_url, ...)."""
    from because.offline import enforce
    from because.settings import Settings
    from webapp.server import create_app
    from webapp.services import build_services

    enforce()
    services = build_services(Settings.from_env(home=home, token_secret=SECRET, **settings), rec, llm=False)
    if start_llm:
        services.start_llm(background=False)
    return LiveServer(create_app(services), services)


def copy_home(src: Path, dst: Path) -> Path:
    """A fresh home folder holding the trained model of ``src`` (so a test's writes stay its own)."""
    shutil.copytree(src / "models", dst / "models")
    return dst


class AppProcess(ChildServer):
    """``python app.py --home HOME --no-llm --port PORT`` as a real child process, up when constructed."""

    def __init__(self, home: Path, extra_env: dict[str, str] | None = None, timeout_s: float = 180.0) -> None:
        super().__init__(
            [str(ROOT / "app.py"), "--home", str(home), "--no-llm"], home / "app.log", extra_env, timeout_s
        )
        self.wait_up()


def serve_loopback(handler: type[http.server.BaseHTTPRequestHandler]) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``handler`` on a free loopback port in a daemon thread; returns the server and its /v1 URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"
