"""Faults: the language model down, slow or answering junk; Chroma down; a full disk while saving a model;
the app killed with SIGKILL while it writes feedback. Real HTTP servers on loopback, real processes."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from support.faults import AppProcess, BrokenLLM, closed_port, copy_home, live_app
from support.processes import ROOT, feedback_storm
from support.webapp import SECRET
from webapp.tokens import make_token

NOTICE = "language model is unavailable"


@pytest.fixture(params=["down", "slow", "junk"])
def broken_llm(request):  # type: ignore[no-untyped-def]
    endpoint = BrokenLLM(request.param)
    yield endpoint
    endpoint.close()


# ---- the language model down, slow, or answering junk ------------------------------------------
def test_api_answers_with_templates_and_a_notice_when_the_model_fails(broken_llm, tmp_path, ml100k_recommender) -> None:  # type: ignore[no-untyped-def]
    app = live_app(tmp_path, ml100k_recommender, start_llm=True, llm_base_url=broken_llm.url, llm_timeout_s=1.0)
    try:
        assert app.services.llm is not None  # configured: every failure below happens on a real call
        tok = make_token("1", SECRET, 600)
        started = time.monotonic()
        r = httpx.post(app.url + "/api/chat", json={"token": tok, "message": "what would you recommend?"}, timeout=60)
        assert r.status_code == 200, r.text
        body = r.json()
        assert [x["item"] for x in body["recommendations"]] == [
            x.item_id for x in ml100k_recommender.recommend("1", k=5)
        ]
        assert all(x["text"] and x["fallback"] for x in body["recommendations"])
        assert body["notice"] and NOTICE in body["notice"]
        assert time.monotonic() - started < 20  # a slow model costs its timeout, not the whole turn per item
        r = httpx.post(
            app.url + "/api/explain", json={"token": tok, "item": body["recommendations"][0]["item"]}, timeout=60
        )
        assert r.status_code == 200, r.text
        assert r.json()["explanation"]["fallback"] and r.json()["explanation"]["text"] and NOTICE in r.json()["notice"]
        assert "Traceback" not in r.text
        if broken_llm.kind != "down":
            assert broken_llm.requests >= 2  # the model really was asked, and failed
    finally:
        app.stop()


def _ask_json(home: Path, capfd, monkeypatch, url: str) -> tuple[int, dict, str]:  # type: ignore[no-untyped-def]
    from because.cli import main

    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("BECAUSE_LLM_TIMEOUT", "1")
    code = main(["--home", str(home), "ask", "what would you recommend?", "--user", "1", "--json"])
    out = capfd.readouterr()
    return code, json.loads(out.out), out.err


def test_because_ask_answers_with_templates_and_a_notice(
    broken_llm, trained_home, capfd, monkeypatch, ml100k_recommender
) -> None:  # type: ignore[no-untyped-def]
    code, answer, err = _ask_json(trained_home, capfd, monkeypatch, broken_llm.url)
    assert code == 0 and "Traceback" not in err
    assert [r["item"] for r in answer["recommendations"]] == [r.item_id for r in ml100k_recommender.recommend("1", k=5)]
    assert len(answer["explanations"]) == 5 and all(e["fallback"] and e["text"] for e in answer["explanations"])
    assert NOTICE in answer["notice"]


def test_because_ask_as_a_real_process_prints_no_trace(trained_home) -> None:  # type: ignore[no-untyped-def]
    endpoint = BrokenLLM("junk")
    try:
        env = {**os.environ, "OPENAI_BASE_URL": endpoint.url, "BECAUSE_LLM_TIMEOUT": "2"}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "because.cli",
                "--home",
                str(trained_home),
                "ask",
                "recommend me something",
                "--user",
                "1",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        endpoint.close()
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    lines = done.stdout.splitlines()
    assert NOTICE in lines[0] and sum(line[:2] in {f"{n}." for n in range(1, 6)} for line in lines) == 5
    assert endpoint.requests >= 1


# ---- Chroma down ---------------------------------------------------------------------------------
def test_chroma_down_search_says_so_and_recommendations_still_work(tmp_path, ml100k_recommender) -> None:  # type: ignore[no-untyped-def]
    app = live_app(tmp_path, ml100k_recommender, chroma_url=f"http://127.0.0.1:{closed_port()}")
    try:
        tok = make_token("1", SECRET, 600)
        r = httpx.post(app.url + "/api/chat", json={"token": tok, "message": "find me a funny western"}, timeout=120)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["tool_calls"][0]["name"] == "search_catalogue"
        assert "Catalogue search is unavailable" in body["notice"] and "Chroma server" in body["notice"]
        assert body["results"]  # word matching still finds something
        r = httpx.post(app.url + "/api/chat", json={"token": tok, "message": "what would you recommend?"}, timeout=60)
        assert r.status_code == 200 and len(r.json()["recommendations"]) == 5 and not r.json()["notice"]
        assert httpx.post(app.url + "/api/recommend", json={"token": tok, "k": 3}, timeout=60).status_code == 200
    finally:
        app.stop()


def test_chroma_down_cli_search_gives_the_fix(trained_home, capfd, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from because.cli import main

    port = closed_port()
    monkeypatch.setenv("BECAUSE_CHROMA_URL", f"http://127.0.0.1:{port}")
    assert main(["--home", str(trained_home), "search", "a funny western", "--user", "1"]) == 1
    err = capfd.readouterr().err
    assert (
        f"cannot reach the Chroma server at http://127.0.0.1:{port}" in err
        and "chroma run" in err
        and "Traceback" not in err
    )
    assert main(["--home", str(trained_home), "recommend", "--user", "1", "-k", "3", "--json"]) == 0
    assert len(json.loads(capfd.readouterr().out)["items"]) == 3


# ---- a full disk while saving a model ------------------------------------------------------------
def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_previous_model_intact(home: Path, before: str, rec) -> None:  # type: ignore[no-untyped-def]
    from scorer.pipeline import active_model_path
    from scorer.recommender import Recommender

    models = home / "models"
    assert (models / "ACTIVE").read_text() == "ml-100k"
    assert _sha(models / "ml-100k" / "model.pt") == before
    leftovers = [p.name for p in models.rglob("*") if p.is_file() and p.name not in ("ACTIVE", "model.pt")]
    assert leftovers == []  # no temporary or half-written file
    again = Recommender.load(active_model_path(home))
    assert [r.item_id for r in again.recommend("1", k=5)] == [r.item_id for r in rec.recommend("1", k=5)]


def _other_dataset(rec):  # type: ignore[no-untyped-def]
    import copy

    other = copy.copy(rec)
    other.dataset = "other-shop"
    return other


def test_disk_full_on_a_real_small_filesystem_keeps_the_previous_model(tmp_path, ml100k_recommender) -> None:  # type: ignore[no-untyped-def]
    from because.errors import ModelFileError
    from scorer.pipeline import save_active

    size = (
        (save_active(ml100k_recommender, tmp_path / "probe").stat().st_size * 5 // 4) // 4096 * 4096
    )  # one model, not two
    mnt = tmp_path / "small-disk"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(
            f"cannot mount a {size}-byte tmpfs in this container ({done.stderr.strip()}); "
            f"the injected-ENOSPC test covers it"
        )
    try:
        home = mnt / "home"
        save_active(ml100k_recommender, home)
        before = _sha(home / "models" / "ml-100k" / "model.pt")
        for rec in (ml100k_recommender, _other_dataset(ml100k_recommender)):  # overwrite the active one; add another
            with pytest.raises(ModelFileError, match="could not save the model") as caught:
                save_active(rec, home)
            assert "unchanged" in caught.value.problem and "disk space" in caught.value.fix
            _assert_previous_model_intact(home, before, ml100k_recommender)
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_injected_enospc_keeps_the_previous_model(tmp_path, ml100k_recommender, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import torch

    from because.errors import ModelFileError
    from scorer.pipeline import save_active

    home = tmp_path / "home"
    save_active(ml100k_recommender, home)
    before = _sha(home / "models" / "ml-100k" / "model.pt")
    real_save = torch.save

    def full_disk(obj, fh, *args, **kwargs):  # type: ignore[no-untyped-def]
        fh.write(b"PK\x03\x04 half a model")  # some bytes reach the disk first
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(torch, "save", full_disk)
    for rec in (ml100k_recommender, _other_dataset(ml100k_recommender)):
        with pytest.raises(ModelFileError, match="No space left on device"):
            save_active(rec, home)
        _assert_previous_model_intact(home, before, ml100k_recommender)
    monkeypatch.setattr(torch, "save", real_save)

    real_write_text = Path.write_text

    def marker_fails(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name == "ACTIVE.tmp":
            real_write_text(self, "")  # created, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", marker_fails)
    with pytest.raises(ModelFileError, match="could not mark it active"):
        save_active(_other_dataset(ml100k_recommender), home)
    assert (home / "models" / "ACTIVE").read_text() == "ml-100k" and not (home / "models" / "ACTIVE.tmp").exists()


# ---- SIGKILL while feedback is written -------------------------------------------------------------
def _check_db(path: Path, acked: list[tuple[str, str, str]]) -> None:
    with sqlite3.connect(path) as con:  # recovers the WAL a killed writer left behind
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = {(u, i): k for u, i, k in con.execute("SELECT user, item, kind FROM feedback")}
    missing = [a for a in acked if rows.get((a[0], a[1])) != a[2]]
    assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {missing[:3]}"


WRITER = textwrap.dedent("""
    import sys, threading
    from webapp.feedback_store import FeedbackDB
    db, out = FeedbackDB(sys.argv[1]), threading.Lock()
    def write(t):
        for n in range(1_000_000):
            user, item, kind = f"user:{t}", str(n), ("liked", "disliked", "not_interested")[n % 3]
            db.add(user, item, kind)
            with out:
                sys.stdout.write(f"ack {user} {item} {kind}\\n"); sys.stdout.flush()
    for t in range(3):
        threading.Thread(target=write, args=(t,)).start()
""")


def test_sigkill_mid_stream_loses_no_acknowledged_feedback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "feedback.sqlite3"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    acked: list[tuple[str, str, str]] = []
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            acked.append(tuple(line.split()[1:]))  # type: ignore[arg-type]
            if len(acked) == 300:
                proc.kill()  # SIGKILL, mid-stream: other threads are inside a write right now
                break
        rest = proc.stdout.read().split("\n")[:-1]  # the last piece is a line cut short (or empty)
        acked += [tuple(line.split()[1:]) for line in rest]  # type: ignore[misc]
    finally:
        proc.kill()
        proc.wait(30)
    assert proc.returncode == -9 and len(acked) >= 300
    _check_db(path, acked)


def test_sigkill_of_the_real_app_loses_no_acknowledged_feedback(tmp_path, ml100k_home, ml100k_recommender) -> None:  # type: ignore[no-untyped-def]
    home = copy_home(ml100k_home, tmp_path / "home")
    app = AppProcess(home)
    tokens = {str(u): make_token(str(u), SECRET, 600) for u in (1, 2, 3, 4)}
    try:
        acked = feedback_storm(app.url, tokens, ml100k_recommender.item_ids[:400], app.kill)
    finally:
        app.stop()
    assert app.proc.returncode == -9 and len(acked) >= 120
    _check_db(home / "feedback.sqlite3", acked)
