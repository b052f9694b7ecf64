"""A real app process on a free loopback port, for tests: started, waited for on /api/health, killed or stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Self

import httpx

from support.webapp import SECRET, free_port

ROOT = Path(__file__).resolve().parents[2]


class ChildServer:
    """``[python, *args, --port PORT]`` as a child process with BECAUSE_TOKEN_SECRET set; output to ``log_path``."""

    def __init__(
        self, args: list[str], log_path: Path, extra_env: dict[str, str] | None = None, timeout_s: float = 180.0
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "BECAUSE_TOKEN_SECRET": SECRET, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, *args, "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.deadline = time.monotonic() + timeout_s

    def wait_up(self) -> Self:
        """Poll /api/health until it answers 200; a process that exits or never answers raises with its log."""
        while time.monotonic() < self.deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.proc.args[1]} exited with {self.proc.returncode}: {self.tail()}")
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.proc.args[1]} did not come up: {self.tail()}")

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

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


def feedback_storm(
    url: str, tokens: dict[str, str], items: list[str], kill: Callable[[], None], min_acked: int = 120
) -> list[tuple[str, str, str]]:
    """One writer thread per shopper posts feedback to ``url`` while ``kill`` (a SIGKILL of the server) is called
    once ``min_acked`` writes were acknowledged. Returns the acknowledged ``("user:ID", item, kind)`` writes:
    each one must be in the database afterwards."""
    acked: list[tuple[str, str, str]] = []
    lock, stop = threading.Lock(), threading.Event()

    def writer(user: str, tok: str) -> None:
        with httpx.Client(timeout=30) as http:
            for n, item in enumerate(items):
                kind = ("liked", "disliked", "not_interested")[n % 3]
                try:
                    r = http.post(url + "/api/feedback", json={"token": tok, "item": item, "kind": kind})
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 200:  # acknowledged: it must be stored from now on
                    with lock:
                        acked.append((f"user:{user}", item, kind))
                if stop.is_set():
                    return

    threads = [threading.Thread(target=writer, args=pair) for pair in tokens.items()]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 120
        while len(acked) < min_acked and time.monotonic() < deadline:
            time.sleep(0.01)
        kill()  # while the writers have requests in flight
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    return acked
