"""Two real ``because serve`` replicas (two ports, two home folders, no language model) sharing one real PostgreSQL
server: a conversation started on one continues on the other, feedback given on one is used by the other at once,
'Forget me' on one removes the data everywhere, and a replica SIGKILLed mid-write loses no acknowledged write."""

from __future__ import annotations

import pytest

from support.faults import copy_home
from support.processes import feedback_storm
from support.replicas import Replica, start_replicas
from support.webapp import SECRET
from webapp.tokens import make_token


def token(user: str) -> str:
    return make_token(user, SECRET, 600)


@pytest.fixture(scope="module")
def cluster(postgres, ml100k_home, tmp_path_factory):
    """{"a": Replica, "b": Replica, "url": the shared database's URL}; the last test replaces a killed "a"."""
    url = postgres.fresh_database("replicas")
    homes = [copy_home(ml100k_home, tmp_path_factory.mktemp(f"replica-{n}") / "home") for n in "ab"]
    a, b = start_replicas(homes, url)
    running = {"a": a, "b": b, "url": url}
    yield running
    for name in ("a", "b"):
        running[name].stop()


def rows(postgres, sql: str) -> list[list[str]]:
    return [line.split("|") for line in postgres.psql("replicas", sql).splitlines() if line]


def test_a_conversation_started_on_one_replica_continues_on_the_other(cluster):
    a, b, tok = cluster["a"], cluster["b"], token("1")
    first = a.post("/api/chat", {"token": tok, "message": "What would you recommend for me?"})
    assert first.status_code == 200, first.text
    shown = [x["item"] for x in first.json()["recommendations"]]
    sid = first.json()["session_id"]
    assert len(shown) >= 2
    why = b.post("/api/chat", {"token": tok, "session_id": sid, "message": "why the first one?"})
    assert why.status_code == 200, why.text
    body = why.json()
    assert body["session_id"] == sid and [e["item"] for e in body["explanations"]] == [shown[0]], body
    back = a.post("/api/chat", {"token": tok, "session_id": sid, "message": "why the second one?"})  # A again
    assert back.status_code == 200, back.text
    assert [e["item"] for e in back.json()["explanations"]] == [shown[1]]
    sessions = b.post("/api/me", {"token": tok}).json()["sessions"]
    assert sessions == [{"session_id": sid, "updated_at": sessions[0]["updated_at"], "turns": 6}]
    # someone else's token cannot continue it on either replica; an anonymous conversation moves too
    assert b.post("/api/chat", {"token": token("2"), "session_id": sid, "message": "hi"}).status_code == 404
    anon = a.post("/api/chat", {"message": "recommend me something"}).json()
    again = b.post("/api/chat", {"session_id": anon["session_id"], "message": "why the first one?"})
    assert again.status_code == 200 and again.json()["explanations"][0]["item"] == anon["recommendations"][0]["item"]


def test_feedback_given_on_one_replica_is_used_by_the_other_at_once(cluster):
    a, b, tok = cluster["a"], cluster["b"], token("2")
    before = [x["item"] for x in b.post("/api/recommend", {"token": tok, "k": 5}).json()["recommendations"]]
    assert a.post("/api/feedback", {"token": tok, "item": before[0], "kind": "disliked"}).status_code == 200
    after = [x["item"] for x in b.post("/api/recommend", {"token": tok, "k": 5}).json()["recommendations"]]
    assert before[0] not in after and after[:4] == before[1:5]
    chat = b.post("/api/chat", {"token": tok, "message": "What would you recommend for me?"}).json()
    assert before[0] not in [x["item"] for x in chat["recommendations"]]


def test_forget_me_on_one_replica_removes_the_data_everywhere(cluster, postgres):
    a, b, tok = cluster["a"], cluster["b"], token("3")
    sid = a.post("/api/chat", {"token": tok, "message": "What would you recommend for me?"}).json()["session_id"]
    items = [x["item"] for x in b.post("/api/recommend", {"token": tok, "k": 2}).json()["recommendations"]]
    assert b.post("/api/feedback", {"token": tok, "item": items[0], "kind": "liked"}).status_code == 200
    me = b.post("/api/me", {"token": tok}).json()
    assert len(me["stored"]) == 1 and [s["session_id"] for s in me["sessions"]] == [sid]
    assert a.post("/api/forget", {"token": tok}).json()["deleted"] == 2  # one feedback row, one conversation
    for replica in (a, b):
        assert replica.post("/api/me", {"token": tok}).json() | {"who": None} == {
            "who": None,
            "stored": [],
            "sessions": [],
        }
    assert rows(postgres, "SELECT count(*) FROM feedback WHERE \"user\" = 'user:3'") == [["0"]]
    assert rows(postgres, "SELECT count(*) FROM sessions WHERE user_key = 'user:3'") == [["0"]]
    gone = b.post("/api/chat", {"token": tok, "session_id": sid, "message": "why the first one?"})
    assert gone.status_code == 404  # B had it built in memory: the store said it is gone


def test_a_replica_sigkilled_mid_write_loses_no_acknowledged_write(cluster, postgres, ml100k_recommender):
    a, b = cluster["a"], cluster["b"]
    tokens = {u: token(u) for u in ("101", "102", "103", "104")}
    acked = feedback_storm(a.url, tokens, ml100k_recommender.item_ids[:400], a.kill)
    assert a.proc.returncode == -9 and len(acked) >= 120
    a.stop()
    stored = {(u, i): k for u, i, k in rows(postgres, 'SELECT "user", item, kind FROM feedback')}
    missing = [x for x in acked if stored.get((x[0], x[1])) != x[2]]
    assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {missing[:3]}"
    restarted = cluster["a"] = Replica(a.home, cluster["url"]).wait_up()
    for replica in (restarted, b):
        seen = {(r["item"], r["kind"]) for r in replica.post("/api/me", {"token": token("101")}).json()["stored"]}
        assert {(i, k) for u, i, k in acked if u == "user:101"} <= seen
