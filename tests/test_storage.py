"""The store (``storage``) on SQLite and on a real PostgreSQL server, the same test bodies: feedback, sessions with
optimistic concurrency, 'forget me', migrations (idempotent; an old SQLite file adopted with its rows), bad URLs."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from because.errors import ConflictError, InputError, StorageError
from because.settings import Settings
from storage import Database, FeedbackDB, SessionStore, open_database
from storage.migrate import current, head
from support.faults import closed_port
from webapp.feedback_store import feedback_interactions

OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    user TEXT NOT NULL,
    item TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('liked', 'disliked', 'not_interested', 'rated')),
    ts REAL NOT NULL,
    rating REAL,
    PRIMARY KEY (user, item)
)
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'because.sqlite3'}"
    return request.getfixturevalue("pg_url")


def test_feedback_round_trip_and_forget(url):
    db = FeedbackDB(url)
    assert db.journal_mode() == ("wal" if url.startswith("sqlite") else "synchronous_commit=on")
    db.add("user:1", "50", "liked")
    db.add("user:1", "50", "disliked")  # the latest wins
    db.add_many("user:1", {"181": 4.5, "7": None})
    db.add("session:x", "1", "not_interested")
    db.add("user:1", "9", "liked")
    db.remove("user:1", "9")
    with pytest.raises(ValueError):
        db.add("user:1", "50", "love")
    again = FeedbackDB(url)  # a second process / replica opening the same database
    assert again.kinds("user:1") == {"50": "disliked"}
    assert again.ratings("user:1") == {"181": 4.5, "7": None}
    assert [r["item"] for r in again.rows("user:1")] == ["50", "181", "7"]
    assert sorted((u, i, k) for u, i, k, _, _ in again.all_rows()) == [
        ("session:x", "1", "not_interested"),
        ("user:1", "181", "rated"),
        ("user:1", "50", "disliked"),
        ("user:1", "7", "rated"),
    ]
    frame = feedback_interactions(url)  # what the next `because train` reads (liked and rated only)
    assert sorted(zip(frame["user_id"], frame["item_id"])) == [("1", "181"), ("1", "7")]
    SessionStore(again.database).save("s1", "user:1", {"turns": []}, 0)
    assert again.forget("user:1") == 4  # three feedback rows and one conversation
    assert db.rows("user:1") == [] and SessionStore(db.database).get("s1") is None
    assert db.kinds("session:x") == {"1": "not_interested"}


def test_sessions_are_optimistic_and_never_change_owner(url):
    store = SessionStore(Database(url))
    assert store.save("abc", "user:1", {"shown": ["50"], "text": "你好"}, 0) == 1
    assert store.save("abc", "user:1", {"shown": ["50", "181"]}, 1) == 2
    with pytest.raises(ConflictError, match="changed meanwhile"):
        store.save("abc", "user:1", {"shown": []}, 1)  # a turn that started from version 1 lost the race
    with pytest.raises(ConflictError):
        store.save("abc", "user:1", {"shown": []}, 0)  # the id exists already
    with pytest.raises(ConflictError):
        store.save("abc", "user:2", {"shown": []})  # last-writer-wins, but never over another user's row
    with pytest.raises(ConflictError):
        store.save("abc", "user:2", {"shown": []}, 2)
    found = store.get("abc")
    assert found is not None and (found.user_key, found.version, found.state) == ("user:1", 2, {"shown": ["50", "181"]})
    assert store.save("abc", "user:1", {"shown": ["1"]}) == 3  # last writer wins (the CLI)
    store.save("def", "user:1", {}, 0)
    store.save("xyz", "session:9", {}, 0)
    assert [s.id for s in store.for_user("user:1")] == ["abc", "def"]
    assert store.delete_user("user:1") == 2 and store.get("abc") is None and store.get("xyz") is not None


def test_racing_turns_one_wins(url):
    """Eight writers all start from version 1 of one conversation: exactly one saves, the rest are refused."""
    store = SessionStore(Database(url))
    store.save("race", "user:1", {"n": 0}, 0)
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def turn(n: int) -> None:
        start.wait()
        try:
            store.save("race", "user:1", {"n": n}, 1)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=turn, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["conflict"] * 7 + ["saved"] and store.get("race").version == 2


def test_concurrent_feedback_writers_all_land(url):
    db = FeedbackDB(url)

    def write(t: int) -> None:
        for n in range(40):
            db.add(f"user:{t}", str(n), "liked")

    threads = [threading.Thread(target=write, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(FeedbackDB(url).all_rows()) == 160


def test_migrations_are_idempotent_and_replicas_may_start_together(url):
    opened: list[Database] = []
    errors: list[Exception] = []

    def open_one() -> None:
        try:
            opened.append(Database(url))
        except Exception as err:  # noqa: BLE001 - collected for the assertion
            errors.append(err)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(opened) == 4
    assert head() == "0002" and {current(db) for db in opened} == {"0002"}
    Database(url)  # `alembic upgrade head` again: nothing to do, nothing breaks
    assert current(Database(url)) == "0002"


def test_an_old_sqlite_feedback_file_is_adopted_with_its_rows(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    with sqlite3.connect(path) as con:  # what webapp/feedback_store.py wrote before migrations
        con.execute(OLD_SCHEMA)
        con.executemany(
            "INSERT INTO feedback VALUES (?, ?, ?, ?, ?)",
            [("user:1", "50", "liked", 1.0, None), ("user:2", "181", "rated", 2.0, 4.5)],
        )
    con.close()
    db = FeedbackDB(path)
    assert current(db.database) == head()
    assert db.kinds("user:1") == {"50": "liked"} and db.ratings("user:2") == {"181": 4.5}
    with pytest.raises(ValueError):
        db.add("user:1", "50", "love")
    with sqlite3.connect(path) as con:
        with pytest.raises(sqlite3.IntegrityError):  # the old table's CHECK is still there
            con.execute("INSERT INTO feedback VALUES ('u', 'i', 'love', 0, NULL)")
        assert {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")} >= {
            "feedback",
            "sessions",
            "alembic_version",
        }
    con.close()
    db.add("user:1", "7", "disliked")
    assert FeedbackDB(path).kinds("user:1") == {"50": "liked", "7": "disliked"}


def test_settings_read_the_database_url(monkeypatch, tmp_path):
    monkeypatch.setenv("BECAUSE_DATABASE_URL", "postgresql+psycopg://because@db.example:5432/because")
    assert Settings.from_env(home=tmp_path).database_url == "postgresql+psycopg://because@db.example:5432/because"
    monkeypatch.delenv("BECAUSE_DATABASE_URL")
    settings = Settings.from_env(home=tmp_path)
    assert settings.database_url is None
    assert open_database(settings).path == tmp_path / "feedback.sqlite3"  # the embedded default


@pytest.mark.parametrize(
    "raw, says",
    [
        ("not a url at all", "is not a database URL"),
        ("mysql://because:s3cret@127.0.0.1/because", "is not a PostgreSQL"),
        ("postgresql+psycopg://because:s3cret@127.0.0.1:5432", "names no host or no database"),
        ("postgresql+psycopg2://because:s3cret@127.0.0.1:5432/because", "is not a PostgreSQL"),
    ],
)
def test_a_malformed_url_says_how_to_fix_it_without_the_password(raw, says):
    with pytest.raises(InputError, match=says) as err:
        Database(raw)
    assert "s3cret" not in str(err.value) and "BECAUSE_DATABASE_URL" in str(err.value)


def test_an_unreachable_server_is_named_without_the_password():
    port = closed_port()
    with pytest.raises(StorageError) as err:
        Database(f"postgresql://because:s3cret@127.0.0.1:{port}/because")
    text = str(err.value)
    assert f"postgresql+psycopg://because:***@127.0.0.1:{port}/because" in text, text
    assert "s3cret" not in text and "PostgreSQL server is running" in text and "BECAUSE_DATABASE_URL" in text


def test_the_app_does_not_start_on_an_unreachable_database(tmp_path):
    from webapp.services import build_services

    url = f"postgresql://because:s3cret@127.0.0.1:{closed_port()}/because"
    settings = Settings.from_env(home=tmp_path, database_url=url, token_secret="x")
    with pytest.raises(StorageError, match="cannot open the database") as err:
        build_services(settings, None, llm=False)
    assert "s3cret" not in str(err.value)


def test_postgres_durability_is_the_servers_default(pg_url, postgres):
    """What 'acknowledged' means on PostgreSQL: the commit waited for the WAL flush (fsync on, synchronous)."""
    assert postgres.psql("because", "SHOW synchronous_commit").strip() == "on"
    assert postgres.psql("because", "SHOW fsync").strip() == "on"
    assert FeedbackDB(pg_url).journal_mode() == "synchronous_commit=on"
