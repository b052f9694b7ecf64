"""Concurrent chat sessions over the HTTP API against one app process on loopback.

    python benchmarks/bench_load.py --home /tmp/bhome --model qwen2.5-1.5b --sessions 20 --seconds 120
    python benchmarks/bench_load.py --home /tmp/bhome --model none --sessions 5 --seconds 30   # templates only

Starts ``app.py`` in a fresh working home (the trained model is copied from ``--home``, the GGUF
folder linked; feedback written during the run stays out of ``--home``), waits for the language
model, then runs ``--sessions`` sessions, each signed in as its own MovieLens user, for ``--seconds``.
Each session loops: chat "what would you recommend?", chat "why the second one?", /api/explain of
its first pick, /api/recommend, /api/feedback "not interested" on its last pick.

Every answer is checked against the session's own user (a failed check counts as a crossing):
``who.user``, the chat session id, history terms naming only that user's rated titles, no item already
rated, "why the second one?" explaining the session's own second pick, /api/recommend equal to the
model's exact top 5 for that user minus the session's own "not interested" items, stored feedback
holding only the session's items. Reported: errors, crossings, p50/p95 latency per request type, the
app's RSS over time, the local model's queue wait p50/p95 (/api/metrics). JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HISTORY_LABEL = re.compile(r"^you (?:rated (.+?) [\d.]+★|chose (.+))$")


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 3)


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def working_home(source: Path) -> Path:
    """A fresh home with the trained model of ``source`` (or a small one trained now) and its GGUF folder linked."""
    from scorer.pipeline import active_model_path, save_active
    from scorer.recommender import Recommender

    home = Path(tempfile.mkdtemp(prefix="because-load-"))
    try:
        rec = Recommender.load(active_model_path(source))
    except Exception:  # noqa: BLE001 - no model there: a small one is enough to load-test the serving path
        from catalogue import load_builtin
        from scorer.pipeline import train_recommender
        from scorer.train import TrainConfig

        rec = train_recommender(
            load_builtin("ml-100k"), TrainConfig(lambdas=(300.0,), epochs=20, shrinks=(1.0,)), progress=False
        )
    save_active(rec, home)
    if (source / "llm").is_dir():
        (home / "llm").symlink_to((source / "llm").resolve(), target_is_directory=True)
    return home


class Session:
    """One signed-in customer's loop of requests; checks every answer against that customer's own data."""

    def __init__(self, bench: "Bench", user: str) -> None:
        from webapp.tokens import make_token

        self.bench, self.user = bench, user
        self.token = make_token(user, bench.secret, 3600)
        rec = bench.rec
        self.history = rec.history(user)
        self.titles = {rec.title(i) for i in self.history}
        self.session_id: str | None = None
        self.shown: list[str] = []
        self.not_interested: set[str] = set()

    def post(self, http: Any, kind: str, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        started = time.perf_counter()
        try:
            r = http.post(self.bench.url + path, json={"token": self.token, **body})
        except Exception as err:  # noqa: BLE001 - timeouts and resets count as errors
            self.bench.error(kind, f"{type(err).__name__}: {err}")
            return None
        self.bench.latency[kind].append(time.perf_counter() - started)
        if r.status_code != 200:
            self.bench.error(kind, f"HTTP {r.status_code}: {r.text[:200]}")
            return None
        data = r.json()
        self.check(kind, data.get("who", {}).get("user") == self.user, f"who.user={data.get('who')}")
        return data

    def check(self, kind: str, ok: bool, what: str) -> None:
        if not ok:
            self.bench.crossing(kind, f"user {self.user}: {what}")

    def check_recommended(self, kind: str, recs: list[dict[str, Any]]) -> None:
        for x in recs:
            self.check(kind, x["item"] not in self.history, f"recommended already-rated item {x['item']}")
            self.check(kind, x["item"] not in self.not_interested, f"recommended 'not interested' item {x['item']}")
            for c in x.get("contributions", []):
                m = HISTORY_LABEL.match(c["label"]) if c["kind"] == "history_item" else None
                if m:
                    self.check(
                        kind, (m.group(1) or m.group(2)) in self.titles, f"history term from someone else: {c['label']}"
                    )

    def step(self, http: Any, n: int) -> None:
        rec = self.bench.rec
        which = n % 5
        if which == 0:
            data = self.post(
                http,
                "chat_recommend",
                "/api/chat",
                {
                    "message": "what would you recommend?",
                    **({"session_id": self.session_id} if self.session_id else {}),
                },
            )
            if data:
                self.check("chat_recommend", self.session_id in (None, data["session_id"]), "another chat session id")
                self.session_id = data["session_id"]
                self.shown = [x["item"] for x in data["recommendations"]]
                self.check_recommended("chat_recommend", data["recommendations"])
                self.bench.count_text(data["recommendations"])
        elif which == 1 and self.session_id and len(self.shown) >= 2:
            data = self.post(
                http, "chat_why", "/api/chat", {"message": "why the second one?", "session_id": self.session_id}
            )
            if data:
                items = [e["item"] for e in data["explanations"]]
                self.check("chat_why", items == [self.shown[1]], f"explained {items}, own second pick {self.shown[1]}")
        elif which == 2 and self.shown:
            data = self.post(http, "explain", "/api/explain", {"item": self.shown[0]})
            if data:
                self.check("explain", data["explanation"]["item"] == self.shown[0], "explained another item")
                self.check_recommended("explain", [data["explanation"]])
                self.bench.count_text([data["explanation"]])
        elif which == 3:
            data = self.post(http, "recommend", "/api/recommend", {"k": 5})
            if data:
                got = [x["item"] for x in data["recommendations"]]
                want = [r.item_id for r in rec.recommend(self.user, k=5, exclude=self.not_interested)]
                self.check("recommend", got == want, f"top 5 {got} is not this user's {want}")
                self.check_recommended("recommend", data["recommendations"])
        elif which == 4 and self.shown:
            item = self.shown[-1]
            data = self.post(http, "feedback", "/api/feedback", {"item": item, "kind": "not_interested"})
            if data:
                self.not_interested.add(item)
                stored = {row["item"] for row in data["stored"]}
                self.check(
                    "feedback",
                    stored == self.not_interested,
                    f"stored {sorted(stored)} vs own {sorted(self.not_interested)}",
                )

    def run(self, deadline: float) -> None:
        import httpx

        with httpx.Client(timeout=self.bench.request_timeout) as http:
            n = 0
            while time.monotonic() < deadline:
                self.step(http, n)
                n += 1


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        from scorer.pipeline import active_model_path
        from scorer.recommender import Recommender

        self.args = args
        self.secret = secrets.token_urlsafe(16)
        self.home = working_home(Path(args.home))
        self.rec = Recommender.load(active_model_path(self.home))
        self.request_timeout = args.request_timeout
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.crossings: Counter[str] = Counter()
        self.samples: list[str] = []
        self.texts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def error(self, kind: str, what: str, counter: str = "error") -> None:
        with self.lock:
            (self.errors if counter == "error" else self.crossings)[kind] += 1
            if len(self.samples) < 20:
                self.samples.append(f"{counter} {kind}: {what}")

    def crossing(self, kind: str, what: str) -> None:
        self.error(kind, what, "crossing")

    def count_text(self, recs: list[dict[str, Any]]) -> None:
        with self.lock:
            self.texts.update("model" if not x.get("fallback", True) else "template" for x in recs)

    def start_app(self) -> None:
        import httpx

        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "BECAUSE_TOKEN_SECRET": self.secret, "BECAUSE_LLM_TIMEOUT": str(self.args.llm_timeout)}
        cmd = [sys.executable, str(ROOT / "app.py"), "--home", str(self.home), "--port", str(port)]
        if self.args.model == "none":
            cmd.append("--no-llm")
        else:
            env["BECAUSE_MODEL"] = self.args.model
        self.log = open(self.home / "app.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"app.py exited: {(self.home / 'app.log').read_text()[-2000:]}")
            try:
                health = httpx.get(self.url + "/api/health", timeout=5).json()
                if self.args.model == "none" or health["language_model"] not in ("starting",):
                    print(f"app up, language model: {health['language_model']}", flush=True)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise SystemExit("the app did not come up within 600 s")

    def run(self) -> dict[str, Any]:
        import httpx

        self.start_app()
        assert self.proc is not None
        users = [u for u in sorted(self.rec.histories, key=lambda u: int(u) if u.isdigit() else 0)][
            : self.args.sessions
        ]
        sessions = [Session(self, u) for u in users]
        rss: list[tuple[float, float | None]] = []
        load_before = loadavg()
        t0 = time.monotonic()
        deadline = t0 + self.args.seconds
        threads = [threading.Thread(target=s.run, args=(deadline,), daemon=True) for s in sessions]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            rss.append((round(time.monotonic() - t0, 1), rss_mb(self.proc.pid)))
            time.sleep(2)
        wall = time.monotonic() - t0
        metrics = httpx.get(self.url + "/api/metrics", timeout=30).json()
        self.proc.terminate()
        self.proc.wait(60)
        self.log.close()
        values = [v for _, v in rss if v is not None]
        return {
            "config": {
                "model": self.args.model,
                "sessions": self.args.sessions,
                "seconds": self.args.seconds,
                "llm_timeout_s": self.args.llm_timeout,
                "users": users,
                "cores": os.cpu_count(),
            },
            "wall_s": round(wall, 1),
            "loadavg_before": load_before,
            "loadavg_after": loadavg(),
            "requests": sum(len(v) for v in self.latency.values()) + sum(self.errors.values()),
            "errors": dict(self.errors),
            "crossings": dict(self.crossings),
            "samples": self.samples,
            "explanation_texts": dict(self.texts),
            "latency_s": {
                k: {
                    "n": len(v),
                    "p50": pct(v, 0.5),
                    "p95": pct(v, 0.95),
                    "max": round(max(v), 3),
                    "mean": round(statistics.fmean(v), 3),
                }
                for k, v in sorted(self.latency.items())
            },
            "rss_mb": {
                "start": values[0] if values else None,
                "max": max(values) if values else None,
                "end": values[-1] if values else None,
                "series": rss,
            },
            "llm_queue": metrics.get("llm_queue"),
            "language_model": metrics.get("language_model"),
        }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--home", default="/tmp/bhome", help="home with a trained model and llm/ (default /tmp/bhome)")
    p.add_argument("--model", default="qwen2.5-1.5b", help="local model name, or 'none' for templates only")
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument(
        "--llm-timeout", type=float, default=60.0, help="BECAUSE_LLM_TIMEOUT for the app (also its longest queue wait)"
    )
    p.add_argument("--request-timeout", type=float, default=300.0)
    p.add_argument("--out", help="results JSON (default benchmarks/results/load_<model>_<sessions>x<seconds>s.json)")
    args = p.parse_args()
    bench = Bench(args)
    try:
        result = bench.run()
    finally:
        if bench.proc is not None and bench.proc.poll() is None:
            bench.proc.kill()
        shutil.rmtree(bench.home, ignore_errors=True)
    out = Path(
        args.out or ROOT / "benchmarks" / "results" / f"load_{args.model}_{args.sessions}x{int(args.seconds)}s.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    report(result, args, out)
    return 1 if result["errors"] or result["crossings"] else 0


def report(result: dict[str, Any], args: argparse.Namespace, out: Path) -> None:
    print(
        f"\nload test: {args.sessions} sessions x {args.seconds:.0f} s, model {args.model}, load average "
        f"{result['loadavg_before']} -> {result['loadavg_after']}"
    )
    print(
        f"requests {result['requests']}, errors {result['errors'] or 0}, crossings {result['crossings'] or 0}, "
        f"explanation texts {result['explanation_texts']}"
    )
    print("| request | n | p50 s | p95 s | max s |\n|---|---|---|---|---|")
    for kind, s in result["latency_s"].items():
        print(f"| {kind} | {s['n']} | {s['p50']} | {s['p95']} | {s['max']} |")
    print(
        f"app RSS MB: start {result['rss_mb']['start']}, max {result['rss_mb']['max']}, end {result['rss_mb']['end']}"
    )
    print(f"LLM queue: {result['llm_queue']}")
    for line in result["samples"][:10]:
        print(" ", line)
    print(f"results: {out}")


if __name__ == "__main__":
    sys.exit(main())
