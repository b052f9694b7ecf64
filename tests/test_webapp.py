"""Web app: tokens, the JSON API against a real uvicorn server (every error status), the feedback store."""

from __future__ import annotations

import base64
import json
import sqlite3
import time

import httpx
import pytest

from support.webapp import SECRET, LiveServer, live_server, make_services
from webapp.feedback_store import FeedbackDB, feedback_interactions, with_feedback
from webapp.tokens import check_token, make_token, verify_token


# ---- tokens ------------------------------------------------------------------------------------
def test_valid_token_names_the_user():
    assert verify_token(make_token("42", SECRET, 60), SECRET) == "42"


def test_forged_tokens_are_refused():
    token = make_token("42", SECRET, 60)
    payload, sig = token.split(".")
    other = (
        base64.urlsafe_b64encode(json.dumps({"sub": "7", "exp": int(time.time()) + 60}).encode()).rstrip(b"=").decode()
    )
    assert verify_token(f"{other}.{sig}", SECRET) is None  # someone else's id under my signature
    assert verify_token(make_token("42", "wrong-secret", 60), SECRET) is None
    assert verify_token(payload + "." + sig[:-2] + "AA", SECRET) is None
    for garbage in ("abc", "a.b.c", ".", "x" * 5000, "é.é"):
        assert check_token(garbage, SECRET) == (None, "invalid")


def test_expired_and_missing_tokens():
    assert check_token(make_token("42", SECRET, -1), SECRET) == (None, "expired")
    assert check_token(make_token("42", SECRET, 60), SECRET, now=time.time() + 120) == (None, "expired")
    assert check_token(None, SECRET) == (None, "missing")
    assert check_token("", SECRET) == (None, "missing")
    assert check_token(make_token("42", SECRET, 60), None) == (
        None,
        "invalid",
    )  # no secret configured: nobody is signed in


# ---- the API, against a real server ------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory) -> LiveServer:
    return live_server(str(tmp_path_factory.mktemp("web-home")))


def post(server: LiveServer, path: str, body: object, **kwargs: object) -> httpx.Response:
    return httpx.post(server.url + path, json=body, timeout=60, **kwargs)


def token(user: str = "1", ttl: float = 600) -> str:
    return make_token(user, SECRET, ttl)


def assert_error(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["status"] == status and err["problem"]
    return err


def test_health_and_docs(server):
    assert httpx.get(server.url + "/api/health").json() == {
        "model": "ready",
        "dataset": "ml-100k",
        "language_model": "off",
    }
    spec = httpx.get(server.url + "/openapi.json").json()
    assert {"/api/recommend", "/api/explain", "/api/chat", "/api/feedback", "/api/forget"} <= set(spec["paths"])
    assert httpx.get(server.url + "/docs").status_code == 200


def test_recommend_for_a_signed_in_customer_is_exact(server):
    rec = server.services.rec
    r = post(server, "/api/recommend", {"token": token("1"), "k": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["who"] == {"signed_in": True, "token_status": "valid", "user": "1"}
    assert [x["item"] for x in body["recommendations"]] == [x.item_id for x in rec.recommend("1", k=3)]
    for x in body["recommendations"]:
        assert abs(sum(c["value"] for c in x["contributions"]) - x["score"]) < 1e-5
        assert x["text"]


@pytest.mark.parametrize("bad", ["forged", "expired", "missing"])
def test_bad_token_gets_an_anonymous_new_user(server, bad):
    rec = server.services.rec
    tok = {"forged": token("1")[:-3] + "abc", "expired": token("1", -5), "missing": None}[bad]
    body = post(server, "/api/recommend", {"token": tok, "k": 5}).json()
    assert body["who"]["signed_in"] is False and body["who"]["user"] is None
    assert body["who"]["token_status"] == {"forged": "invalid", "expired": "expired", "missing": "missing"}[bad]
    assert [x["item"] for x in body["recommendations"]] == [x.item_id for x in rec.recommend({}, k=5)]
    assert not any(c["kind"] == "history_item" for x in body["recommendations"] for c in x["contributions"])


def test_bearer_header_and_cold_start_ratings(server):
    r = post(server, "/api/recommend", {"k": 2}, headers={"Authorization": f"Bearer {token('2')}"})
    assert r.json()["who"]["user"] == "2"
    body = post(server, "/api/recommend", {"k": 3, "ratings": {"50": 5, "181": 4}}).json()
    assert {"50", "181"}.isdisjoint(x["item"] for x in body["recommendations"])
    assert any(c["kind"] == "history_item" for x in body["recommendations"] for c in x["contributions"])
    assert server.services.db.rows(body["who"]["user"] or "") == []  # an anonymous call keeps nothing


def test_explain_and_unknown_item(server):
    r = post(server, "/api/explain", {"token": token("1"), "item": "50"})
    assert r.status_code == 200, r.text
    e = r.json()
    assert abs(e["sum_of_contributions"] - e["explanation"]["score"]) < 1e-5
    assert_error(post(server, "/api/explain", {"token": token("1"), "item": "no-such-item"}), 404)
    assert_error(post(server, "/api/recommend", {"ratings": {"no-such-item": 4}}), 404)


def test_validation_errors_are_422(server):
    assert_error(post(server, "/api/recommend", {"k": 0}), 422)
    assert_error(post(server, "/api/recommend", {"k": 3, "user": "1"}), 422)  # no way to name a user but the token
    assert_error(post(server, "/api/chat", {"message": "x" * 2001}), 422)
    assert_error(post(server, "/api/chat", {}), 422)
    assert_error(post(server, "/api/feedback", {"token": token(), "item": "50", "kind": "love"}), 422)
    err = assert_error(
        httpx.post(server.url + "/api/recommend", content=b"{not json", headers={"content-type": "application/json"}),
        422,
    )
    assert err["details"]


def test_blank_message_is_400_and_huge_body_is_413(server):
    assert_error(post(server, "/api/chat", {"message": "   "}), 400)
    assert_error(post(server, "/api/chat", {"message": "a" * 70_000}), 413)

    def chunks():
        for _ in range(100):
            yield b"x" * 1024

    assert_error(
        httpx.post(server.url + "/api/chat", content=chunks(), headers={"content-type": "application/json"}), 413
    )


def test_storing_or_deleting_needs_a_valid_token(server):
    assert_error(post(server, "/api/feedback", {"item": "50", "kind": "liked"}), 401)
    assert_error(post(server, "/api/feedback", {"token": token("1", -1), "item": "50", "kind": "liked"}), 401)
    assert_error(post(server, "/api/forget", {"token": "forged.token"}), 401)
    assert_error(post(server, "/api/me", {}), 401)


def test_feedback_is_used_at_once_and_forget_me_deletes_it(server):
    tok = token("3")
    first = [x["item"] for x in post(server, "/api/recommend", {"token": tok, "k": 5}).json()["recommendations"]]
    assert post(server, "/api/feedback", {"token": tok, "item": first[0], "kind": "not_interested"}).status_code == 200
    r = post(server, "/api/feedback", {"token": tok, "item": first[1], "kind": "liked"})
    assert {row["item"] for row in r.json()["stored"]} == {first[0], first[1]}
    after = post(server, "/api/recommend", {"token": tok, "k": 5}).json()["recommendations"]
    assert first[0] not in [x["item"] for x in after] and first[1] not in [x["item"] for x in after]
    liked_title = server.services.rec.title(first[1])
    assert any(c["kind"] == "history_item" and liked_title in c["label"] for x in after for c in x["contributions"])
    assert_error(post(server, "/api/feedback", {"token": tok, "item": "nope", "kind": "liked"}), 404)
    assert post(server, "/api/forget", {"token": tok}).json()["deleted"] == 2
    assert post(server, "/api/me", {"token": tok}).json()["stored"] == []
    again = [x["item"] for x in post(server, "/api/recommend", {"token": tok, "k": 5}).json()["recommendations"]]
    assert again == first


def test_chat_turns_and_sessions(server):
    tok = token("1")
    r = post(server, "/api/chat", {"token": tok, "message": "What would you recommend for me?"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["recommendations"] and body["reply"] and body["tool_calls"]
    assert all(x["text"] for x in body["recommendations"])
    sid = body["session_id"]
    r2 = post(server, "/api/chat", {"token": tok, "session_id": sid, "message": "why the second one?"})
    assert r2.status_code == 200 and r2.json()["session_id"] == sid
    assert_error(post(server, "/api/chat", {"token": token("2"), "session_id": sid, "message": "hi"}), 404)  # not yours
    assert_error(post(server, "/api/chat", {"session_id": sid, "message": "hi"}), 404)  # anonymous cannot take it over
    assert_error(post(server, "/api/chat", {"token": tok, "session_id": "doesnotexist", "message": "hi"}), 404)


def test_no_model_is_503(tmp_path):
    from webapp.server import create_app

    srv = LiveServer(create_app(make_services(tmp_path, None)), None)
    try:
        assert httpx.get(srv.url + "/api/health").json()["model"] == "missing"
        assert_error(post(srv, "/api/recommend", {"k": 3}), 503)
        assert_error(post(srv, "/api/chat", {"message": "hi"}), 503)
        assert httpx.get(srv.url + "/").status_code == 503
    finally:
        srv.stop()


def test_embed_snippet_is_served_by_the_app(server):
    js = httpx.get(server.url + "/embed.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"] and "/widget/?token=" in js.text
    page = httpx.get(server.url + "/embed").text
    assert "embed.js" in page and "make_token" in page and "https://" not in page
    assert httpx.get(server.url + "/widget?token=x", follow_redirects=False).status_code == 307


# ---- the feedback store ------------------------------------------------------------------------
def test_feedback_store_is_wal_full_and_persists(tmp_path):
    path = tmp_path / "fb.sqlite3"
    db = FeedbackDB(path)
    assert db.journal_mode() == "wal"
    with db.database.read() as con:
        assert con.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    db.add("user:1", "50", "liked")
    db.add("user:1", "50", "disliked")  # the latest wins
    db.add("user:1", "181", "rated", 4.5)
    db.add("session:x", "1", "not_interested")
    del db
    again = FeedbackDB(path)
    assert again.kinds("user:1") == {"50": "disliked"}
    assert again.ratings("user:1") == {"181": 4.5}
    with sqlite3.connect(path) as con:
        assert [r[1] for r in con.execute("PRAGMA table_info(feedback)")][:4] == ["user", "item", "kind", "ts"]
    assert again.forget("user:1") == 2
    assert again.rows("user:1") == [] and again.kinds("session:x") == {"1": "not_interested"}
    with pytest.raises(ValueError):
        again.add("user:1", "50", "love")


def test_feedback_becomes_training_interactions(tmp_path, ml100k_recommender):
    from support.agent import catalogue

    db = FeedbackDB(tmp_path / "feedback.sqlite3")
    db.add("user:1", "50", "liked")
    db.add("user:9999", "181", "rated", 5.0)
    db.add("user:1", "1", "not_interested")
    db.add("session:abc", "2", "disliked")
    frame = feedback_interactions(tmp_path / "feedback.sqlite3")
    assert list(frame.columns) == ["user_id", "item_id", "rating", "event", "timestamp"]
    assert sorted(zip(frame["user_id"], frame["item_id"], frame["event"])) == [
        ("1", "50", "liked"),
        ("9999", "181", "rated"),
    ]
    assert str(frame["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert feedback_interactions(tmp_path / "missing.sqlite3").empty
    cat = catalogue()
    merged = with_feedback(cat, tmp_path)
    assert len(merged.interactions) == len(cat.interactions) + 2


def test_conversation_uses_feedback_at_once(tmp_path, ml100k_recommender):
    from webapp.conversation import Conversation, from_token

    services = make_services(tmp_path, ml100k_recommender, catalogue=None)
    conv = Conversation(services, from_token(services, token("5")))
    first = [r["item"] for r in conv.plain_turn(lambda k, p: None).recommendations]
    conv.give_feedback(first[0], "not_interested")
    conv.give_feedback(first[1], "liked")
    assert first[1] in conv.user_ref()  # folded into the history
    later = [r["item"] for r in conv.plain_turn(lambda k, p: None).recommendations]
    assert first[0] not in later and first[1] not in later
    assert conv.forget() == 2 and conv.user_ref() == "5"
    newbie = Conversation(services, from_token(services, None))
    newbie.rate({"50": 5.0, "172": 4.0})
    assert newbie.user_ref() == {"50": 5.0, "172": 4.0}
    assert newbie.forget() == 2 and newbie.user_ref() == {}
