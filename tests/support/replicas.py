"""App replicas for the shared-state tests: real ``because serve`` processes (no language model) on free loopback
ports, each with its own home folder, all given one BECAUSE_DATABASE_URL and one BECAUSE_TOKEN_SECRET."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from support.faults import ROOT
from support.webapp import SECRET, free_port


class Replica:
    """``python -m because.cli --home HOME serve --no-llm --port PORT`` as a child process."""

    def __init__(self, home: Path, database_url: str, timeout_s: float = 180.0) -> None:
        self.home, self.port = home, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "BECAUSE_DATABASE_URL": database_url,
            "BECAUSE_TOKEN_SECRET": SECRET,
            "PYTHONUNBUFFERED": "1",
        }
        self.log_path = home / f"serve-{self.port}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "because.cli", "--home", str(home), "serve", "--no-llm"]
        self.proc = subprocess.Popen(
            [*command, "--port", str(self.port)], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.deadline = time.monotonic() + timeout_s

    def wait_up(self) -> "Replica":
        while time.monotonic() < self.deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"because serve exited with {self.proc.returncode}: {self.tail()}")
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"because serve did not come up: {self.tail()}")

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return httpx.post(self.url + path, json=body, timeout=60)

    def kill(self) -> None:
        """SIGKILL: no clean-up handlers, no flushing, like a power cut of the process."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        self.log.close()


def start_replicas(homes: list[Path], database_url: str) -> list[Replica]:
    """Start them all at once (they migrate the shared database together), then wait for each."""
    started = [Replica(home, database_url) for home in homes]
    try:
        return [r.wait_up() for r in started]
    except BaseException:
        for r in started:
            r.stop()
        raise
