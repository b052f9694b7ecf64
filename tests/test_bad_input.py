"""Bad chat messages at the agent: empty, 100 KB, control characters and NUL bytes, broken unicode,
languages other than English and Chinese, not text at all. Each gets a clear answer, nothing
crashes, and the stored session is never left half-written."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from assistant import guard
from assistant.agent import Assistant
from storage import Database, SessionStore
from support.agent import catalogue, tiny_recommender
from tools.session import Session, load_session, save_session


class CountingLLM(GenericFakeChatModel):
    """A model that must not be needed: every call is counted and fails the routing (empty queue)."""

    calls: list[int]

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.calls.append(1)
        return super()._generate(messages, stop, run_manager, **kwargs)


@pytest.fixture(scope="module")
def rec():
    return tiny_recommender()


def make(rec, llm=None) -> Assistant:
    return Assistant(
        rec, Session.new(user="1", session_id="bad-input"), catalogue=catalogue(), llm=llm, explain_llm=None
    )


def store_in(folder: Path) -> SessionStore:
    return SessionStore(Database(folder / "sessions.sqlite3"))


def saved(tmp_path: Path, a: Assistant) -> bytes:
    """The session as stored (its JSON text, UTF-8), after saving it."""
    store = store_in(tmp_path)
    save_session(store, a.session)
    with store.database.read() as con:
        return con.exec_driver_sql("SELECT state FROM sessions WHERE id = ?", (a.session.id,)).scalar().encode()


# ---- refused: the answer says why, the session is untouched --------------------------------------
@pytest.mark.parametrize(
    "message, words",
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\x00\x00\x07\u200b\u202e", "empty"),
        ("a" * 100_000, "too long"),
        ("推荐" * 60_000, "太长"),
        (None, "text"),
        (b"recommend me something", "text"),
    ],
)
def test_refused_message_gets_a_clear_answer_and_changes_nothing(rec, tmp_path, message, words):
    llm = CountingLLM(messages=iter([]), calls=[])
    a = make(rec, llm)
    a.respond("recommend me 3 movies")
    before = saved(tmp_path, a)
    events: list[tuple[str, object]] = []
    answer = a.respond(message, on_event=lambda kind, payload: events.append((kind, payload)))
    assert words in answer.text and answer.tool_calls == [] and answer.recommendations == []
    assert events == [("reply", answer.text)]
    assert llm.calls == []
    assert saved(tmp_path, a) == before  # no turn, no language switch, nothing half-written
    assert len(a.session.turns) == 2


def test_too_long_message_names_the_limit(rec):
    answer = make(rec).respond("x" * 100_000)
    assert "100,000" in answer.text and f"{guard.MAX_MESSAGE_CHARS:,}" in answer.text and answer.language == "en"


def test_message_at_the_limit_is_served(rec):
    answer = make(rec).respond("recommend me something " + "." * (guard.MAX_MESSAGE_CHARS - 23))
    assert answer.recommendations


# ---- cleaned: control characters go, the message is served ---------------------------------------
@pytest.mark.parametrize(
    "message",
    [
        "recommend me\x00 something",
        "recommend me something\x1b[0m",
        "rec\u200bommend me some\u200dthing",
        "\ufeffrecommend me something\u202e",
        "recommend me something\ud800",
        "recommend me\r\nsomething\x7f",
    ],
)
def test_control_characters_are_stripped_and_the_message_served(rec, tmp_path, message):
    a = make(rec)
    answer = a.respond(message)
    assert answer.tool_calls == [{"name": "recommend", "args": {}}] and len(answer.recommendations) == 5
    text = saved(tmp_path, a).decode("utf-8")  # a lone surrogate would make this write fail
    stored = a.session.turns[0].text
    assert not any(ord(ch) < 32 and ch != "\n" for ch in stored) and "\u200b" not in stored and "\ud800" not in stored
    assert "\\u0000" not in text and load_session(store_in(tmp_path), a.session.id).turns[0].text == stored


def test_clean_text_keeps_ordinary_text():
    for text in (
        "why the second one?",
        "为什么推荐第二个？",
        "Amélie (2001), please",
        "line one\nline two",
        "a 👍 for Heat",
    ):
        assert guard.clean_text(text) == text
    assert guard.clean_text("a\tb\r\nc\x00d\u2066e") == "a b\ncde"


# ---- other languages: answered in English with a note, still helpful ------------------------------
@pytest.mark.parametrize(
    "message",
    [
        "Порекомендуй мне хороший фильм",
        "أوصني بفيلم جيد من فضلك",
        "おすすめの映画を教えてください",
        "Recomiéndame una película, por favor",
        "Empfiehl mir bitte einen guten Film",
        "추천해 줄 영화 있어요?",
    ],
)
def test_unsupported_language_gets_english_with_a_note(rec, tmp_path, message):
    a = make(rec)
    answer = a.respond(message)
    assert answer.language == "en" and a.session.language == "en"
    assert answer.text.startswith(guard.UNSUPPORTED_NOTE)
    assert answer.recommendations  # still helpful: without a model the fallback recommends
    store = store_in(tmp_path)
    save_session(store, a.session)
    assert load_session(store, a.session.id).turns[-1].text.startswith(guard.UNSUPPORTED_NOTE)


def test_english_and_chinese_are_not_taken_for_other_languages():
    data = {
        **json.loads((Path(__file__).parent / "data" / "tool_choice.json").read_text(encoding="utf-8")),
        **json.loads(
            (Path(__file__).parents[1] / "assistant" / "routing" / "intent_data" / "tool_choice_dev.json").read_text(
                encoding="utf-8"
            )
        ),
    }
    messages = [e["message"] for part in ("single", "heldout", "heldout2") for e in data.get(part, [])]
    messages += [t["message"] for c in data["conversations"] for t in c["turns"]]
    messages += [
        "why not Un homme et une femme?",
        "Das Boot",
        "Il Postino please",
        "La Cité des enfants perdus",
        "what about Amélie?",
        "tell me about El Mariachi",
    ]
    titles = catalogue().items["title"].tolist()  # French, German, Italian... titles in English messages
    messages += titles + [f"why not {t}?" for t in titles]
    wrong = [m for m in messages if not guard.language_support(m)[1]]
    assert len(messages) > 3000 and wrong == []


# ---- a crash while saving leaves the old state --------------------------------------------------------
def test_failed_save_leaves_the_previous_session(rec, tmp_path, monkeypatch):
    a = make(rec)
    a.respond("recommend me 2 movies")
    before = saved(tmp_path, a)
    a.respond("why the second one?")
    store = store_in(tmp_path)
    real_write = store.database.write

    @contextmanager
    def write_then_fail():  # the new state is written inside the transaction, then the disk fails before commit
        with real_write() as con:
            yield con
            raise OSError("disk full")

    monkeypatch.setattr(store.database, "write", write_then_fail)
    with pytest.raises(OSError):
        save_session(store, a.session)
    monkeypatch.undo()
    with store.database.read() as con:
        rows = con.exec_driver_sql("SELECT id, state FROM sessions").all()
    assert rows == [("bad-input", before.decode())]
