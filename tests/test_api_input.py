"""Bad input to the JSON API: a 4xx whose JSON error names the field and the fix; no crash, nothing half-written."""

from __future__ import annotations

import httpx
import pytest

from support.webapp import SECRET, LiveServer, live_server
from webapp.tokens import make_token


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> LiveServer:  # type: ignore[no-untyped-def]
    return live_server(str(tmp_path_factory.mktemp("api-input-home")))


def token(user: str = "7") -> str:
    return make_token(user, SECRET, 600)


def check_error(r: httpx.Response, status: int, field: str, fix_has: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    err = r.json()["error"]
    assert err["status"] == status and err["field"] == field, err
    assert err["problem"] and fix_has in err["fix"], err
    assert "Traceback" not in r.text
    return err


BAD_BODIES = [  # path, body, field, words the fix must contain
    ("/api/recommend", {"k": "five"}, "k", "whole number from 1 to 20"),
    ("/api/recommend", {"k": True}, "k", "whole number"),
    ("/api/recommend", {"k": 2.5}, "k", "whole number"),
    ("/api/recommend", {"k": 0}, "k", "from 1 to 20"),
    ("/api/recommend", {"k": 10**9}, "k", "from 1 to 20"),
    ("/api/recommend", {"ratings": [["50", 5]]}, "ratings", "item id -> number"),
    ("/api/recommend", {"ratings": {"50": "five"}}, "ratings.50", "number from 0 to 10"),
    ("/api/recommend", {"ratings": {"50": 11}}, "ratings.50", "number from 0 to 10"),
    ("/api/recommend", {"ratings": {"": 3}}, "ratings", "item id"),
    ("/api/explain", {}, "item", 'e.g. "item": "50"'),
    ("/api/explain", {"item": 50}, "item", "item id string"),
    ("/api/explain", {"item": None}, "item", "item id string"),
    ("/api/explain", {"item": "x" * 65}, "item", "1 to 64 characters"),
    ("/api/chat", {}, "message", "1 to 2000 characters"),
    ("/api/chat", {"message": 42}, "message", "text"),
    ("/api/chat", {"message": ["hi"]}, "message", "text"),
    ("/api/chat", {"message": "x" * 2001}, "message", "1 to 2000 characters"),
    ("/api/chat", {"message": "hi", "session_id": "../../etc/passwd"}, "session_id", "leave it out"),
    ("/api/feedback", {"token": "t", "item": "50"}, "kind", "liked, disliked, not_interested"),
    ("/api/feedback", {"token": "t", "item": "50", "kind": "love"}, "kind", "liked, disliked, not_interested"),
    ("/api/feedback", {"token": 123, "item": "50", "kind": "liked"}, "token", "as a string"),
    ("/api/recommend", {"token": "t" * 2000}, "token", "at most 1024"),
]


@pytest.mark.parametrize(
    "path,body,field,fix", BAD_BODIES, ids=[f"{p[5:]}-{f}-{n}" for n, (p, _b, f, _x) in enumerate(BAD_BODIES)]
)
def test_wrong_types_and_missing_fields_name_the_field_and_the_fix(server, path, body, field, fix) -> None:  # type: ignore[no-untyped-def]
    check_error(httpx.post(server.url + path, json=body, timeout=30), 422, field, fix)


def test_an_unknown_field_is_named_and_the_user_comes_only_from_the_token(server) -> None:  # type: ignore[no-untyped-def]
    err = check_error(
        httpx.post(server.url + "/api/recommend", json={"user": "1"}, timeout=30), 422, "user", "remove 'user'"
    )
    assert "token" in err["problem"] and "k, ratings" in err["fix"]


@pytest.mark.parametrize(
    "raw,content_type,status,problem",
    [
        (b"{not json", "application/json", 422, "not valid JSON"),
        (b'{"message": "hi"', "application/json", 422, "not valid JSON"),
        (b"", "application/json", 422, "missing"),
        (b"[1, 2]", "application/json", 422, "not a JSON object"),
        (b'"hello"', "application/json", 422, "not a JSON object"),
        (b'{"message": "hi"}', "text/plain", 422, "not a JSON object"),
        (b"\xff\xfe\x00", "application/json", 400, "UTF-8"),
        (b"\xff\xfe\x00\x80", "application/json", 422, "not valid JSON"),
    ],
)
def test_malformed_bodies(server, raw, content_type, status, problem) -> None:  # type: ignore[no-untyped-def]
    r = httpx.post(server.url + "/api/chat", content=raw, headers={"content-type": content_type}, timeout=30)
    err = check_error(r, status, "body", "Content-Type: application/json")
    assert problem in err["problem"] and '"message"' in err["fix"]  # an example body for this endpoint


def test_huge_strings_are_refused_before_anything_runs(server) -> None:  # type: ignore[no-untyped-def]
    before = httpx.get(server.url + "/api/metrics").json()["chat_sessions"]
    for body in (
        {"message": "a" * 100_000},
        {"message": "hi", "token": "t" * 100_000},
        {"k": 3, "ratings": {str(i): 3 for i in range(20_000)}},
    ):
        err = check_error(
            httpx.post(server.url + "/api/chat", json=body, timeout=30), 413, "body", "at most 2000 characters"
        )
        assert "64 KiB" in err["problem"]
    assert httpx.get(server.url + "/api/metrics").json()["chat_sessions"] == before  # no session was started


def test_unknown_ids(server) -> None:  # type: ignore[no-untyped-def]
    check_error(
        httpx.post(server.url + "/api/explain", json={"token": token(), "item": "no-such-item"}, timeout=30),
        404,
        "item",
        "because items",
    )
    check_error(
        httpx.post(
            server.url + "/api/feedback", json={"token": token(), "item": "no-such-item", "kind": "liked"}, timeout=30
        ),
        404,
        "item",
        "because items",
    )
    check_error(
        httpx.post(
            server.url + "/api/chat", json={"token": token(), "session_id": "abc123", "message": "hi"}, timeout=30
        ),
        404,
        "session_id",
        "leaving session_id out",
    )
    r = httpx.post(server.url + "/api/recommend", json={"token": token("customer-nobody-knows"), "k": 3}, timeout=30)
    assert r.status_code == 200  # a shop's new customer: popular picks, no one else's data
    assert r.json()["who"]["user"] == "customer-nobody-knows"
    assert [x["item"] for x in r.json()["recommendations"]] == [
        x.item_id for x in server.services.rec.recommend({}, k=3)
    ]


def test_a_bad_item_among_ratings_writes_nothing(server) -> None:  # type: ignore[no-untyped-def]
    db, tok = server.services.db, token("8")
    good = server.services.rec.item_ids[:3]
    ratings = {good[0]: 5, good[1]: 4, "no-such-item": 3, good[2]: 2}
    check_error(
        httpx.post(server.url + "/api/recommend", json={"token": tok, "ratings": ratings}, timeout=30),
        404,
        "ratings",
        "because items",
    )
    check_error(
        httpx.post(
            server.url + "/api/recommend", json={"token": tok, "ratings": {**ratings, "no-such-item": 99}}, timeout=30
        ),
        422,
        "ratings.no-such-item",
        "0 to 10",
    )
    assert db.rows("user:8") == []  # neither the good ratings before the bad one nor after
    r = httpx.post(server.url + "/api/recommend", json={"token": tok, "ratings": {good[0]: 5, good[1]: 4}}, timeout=30)
    assert r.status_code == 200 and {x["item"] for x in db.rows("user:8")} == set(good[:2])


def test_the_app_still_works_after_all_that(server) -> None:  # type: ignore[no-untyped-def]
    assert httpx.get(server.url + "/api/health").json()["model"] == "ready"
    r = httpx.post(
        server.url + "/api/chat", json={"token": token("9"), "message": "what would you recommend?"}, timeout=60
    )
    assert r.status_code == 200 and len(r.json()["recommendations"]) == 5
