"""App replicas for the shared-state tests: real ``because serve`` processes (no language model) on free loopback
ports, each with its own home folder, all given one BECAUSE_DATABASE_URL and one BECAUSE_TOKEN_SECRET."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from support.processes import ChildServer


class Replica(ChildServer):
    """``python -m because.cli --home HOME serve --no-llm --port PORT`` with the shared BECAUSE_DATABASE_URL."""

    def __init__(self, home: Path, database_url: str, timeout_s: float = 180.0) -> None:
        self.home = home
        super().__init__(
            ["-m", "because.cli", "--home", str(home), "serve", "--no-llm"],
            log_path=home / f"serve-{time.monotonic_ns()}.log",
            extra_env={"BECAUSE_DATABASE_URL": database_url},
            timeout_s=timeout_s,
        )

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return httpx.post(self.url + path, json=body, timeout=60)


def start_replicas(homes: list[Path], database_url: str) -> list[Replica]:
    """Start them all at once (they migrate the shared database together), then wait for each."""
    started = [Replica(home, database_url) for home in homes]
    try:
        return [r.wait_up() for r in started]
    except BaseException:
        for r in started:
            r.stop()
        raise
