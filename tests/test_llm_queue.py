"""The local language model's fair queue: round-robin by session, bounded waits, the wrapper around ChatOpenAI."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.llm.queue import LLMQueue, current_session, percentile, session_scope
from because.errors import LanguageModelError, ModelBusy


def _start_queued(queue: LLMQueue, target: Callable[[], None]) -> threading.Thread:
    """Start ``target`` in a thread and return once it waits in ``queue`` (so arrival order is the call order)."""
    before = queue.waiting
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while queue.waiting == before and time.monotonic() < deadline:
        time.sleep(0.001)
    assert queue.waiting == before + 1, "the request never joined the queue"
    return thread


def _enqueue(queue: LLMQueue, session: str, work: Callable[[str], None]) -> threading.Thread:
    def run() -> None:
        with queue.slot(session):
            work(session)

    return _start_queued(queue, run)


def _served_order(requests: list[str], slots: int = 1) -> list[str]:
    """Queue ``requests`` (session names, in arrival order) behind a held slot, then let them run; the order served."""
    queue = LLMQueue(slots=slots)
    order: list[str] = []
    blockers = [queue.acquire("blocker") for _ in range(slots)]

    def work(session: str) -> None:
        order.append(session)
        time.sleep(0.005)  # the fake model's work

    threads = [_enqueue(queue, s, work) for s in requests]
    for _ in blockers:
        queue.release()
    for t in threads:
        t.join(5)
    return order


def test_sessions_take_turns_instead_of_first_come_first_served() -> None:
    # A floods the queue first; B and C still get their first turn before A's second.
    order = _served_order(["A", "A", "A", "B", "B", "C"])
    assert order == ["A", "B", "C", "A", "B", "A"]


def test_a_late_session_is_served_within_one_round() -> None:
    order = _served_order(["A"] * 5 + ["Z"])
    assert order.index("Z") == 1  # not 5: one A, then the newcomer


def test_two_slots_never_run_more_than_two_at_once() -> None:
    queue = LLMQueue(slots=2)
    running, peak, lock = [0], [0], threading.Lock()

    def work(_: str) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1

    threads = []
    for n in range(8):

        def run(s: str = f"s{n % 3}") -> None:
            with queue.slot(s):
                work(s)

        threads.append(threading.Thread(target=run))
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert peak[0] == 2 and queue.stats()["served"] == 8 and queue.stats()["running"] == 0


def test_a_wait_past_the_timeout_gives_up_and_leaves_the_queue() -> None:
    queue = LLMQueue()
    queue.acquire("busy")
    started = time.monotonic()
    with pytest.raises(ModelBusy) as caught:
        queue.acquire("me", timeout_s=0.2)
    assert 0.15 < time.monotonic() - started < 2
    assert isinstance(caught.value, LanguageModelError)  # callers already answer that with the template
    assert "busy" in caught.value.problem and "template" in caught.value.fix
    stats = queue.stats()
    assert stats["timeouts"] == 1 and stats["waiting"] == 0 and stats["running"] == 1
    queue.release()
    assert queue.acquire("me", timeout_s=0.2) < 0.1  # the slot is free again


def test_a_turn_budget_bounds_the_total_wait_of_several_calls() -> None:
    queue = LLMQueue()
    queue.acquire("busy")
    with session_scope("turn", budget_s=0.3):
        started = time.monotonic()
        with pytest.raises(ModelBusy):
            queue.acquire("turn", timeout_s=60)  # the budget is shorter than the call's own timeout
        with pytest.raises(ModelBusy):
            queue.acquire("turn", timeout_s=60)  # budget spent: no second wait
        assert time.monotonic() - started < 1.5
        queue.release()
        assert queue.acquire("turn", timeout_s=60) < 0.1  # a free slot is still taken at once
    assert queue.stats()["timeouts"] == 2


def test_waits_are_recorded() -> None:
    queue = LLMQueue()
    queue.acquire("first")
    t = _enqueue(queue, "second", lambda s: None)
    time.sleep(0.2)
    queue.release()
    t.join(5)
    stats = queue.stats()
    assert stats["served"] == 2 and stats["max_waiting"] == 1
    assert stats["wait_max_s"] >= 0.15 and stats["wait_p50_s"] <= stats["wait_p95_s"] <= stats["wait_max_s"]
    assert percentile([], 0.5) is None and percentile([3.0, 1.0, 2.0], 0.5) == 2.0


def test_session_scope_names_the_caller() -> None:
    assert current_session().startswith("thread-")
    with session_scope("conversation:abc"):
        assert current_session() == "conversation:abc"
    assert current_session().startswith("thread-")


# ---- the wrapper around ChatOpenAI, against a fake OpenAI-compatible model on loopback -----------------
class FakeModel:
    """A loopback OpenAI-compatible server: answers after ``delay_s``; records who asked, in order, and peak
    concurrency."""

    def __init__(self, delay_s: float = 0.05, stream_chunks: int = 1) -> None:
        self.delay_s, self.running, self.peak = delay_s, 0, 0
        self.order: list[str] = []
        self.stream_chunks = stream_chunks  # > 1: a stream sends that many chunks, delay_s apart
        self.lock = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                fake.handle(self, body)

            def log_message(self, *args: object) -> None:
                pass

        from support.faults import serve_loopback

        self.server, self.url = serve_loopback(Handler)

    def handle(self, h: http.server.BaseHTTPRequestHandler, body: dict) -> None:
        who = str(body["messages"][-1]["content"])
        with self.lock:
            self.order.append(who)
            self.running += 1
            self.peak = max(self.peak, self.running)
        if body.get("stream") and self.stream_chunks > 1:
            self.slow_stream(h)
            return
        time.sleep(self.delay_s)
        with self.lock:
            self.running -= 1
        if body.get("stream"):
            chunk = {
                "id": "x",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "fake",
                "choices": [
                    {"index": 0, "delta": {"role": "assistant", "content": f"ok {who}"}, "finish_reason": "stop"}
                ],
            }
            data = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()
            kind = "text/event-stream"
        else:
            data = json.dumps(
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "fake",
                    "choices": [
                        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": f"ok {who}"}}
                    ],
                }
            ).encode()
            kind = "application/json"
        h.send_response(200)
        h.send_header("Content-Type", kind)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def slow_stream(self, h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.end_headers()  # HTTP/1.0: the body ends when the connection closes
        try:
            for n in range(self.stream_chunks):
                chunk = {
                    "id": "x",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "fake",
                    "choices": [{"index": 0, "delta": {"content": f"word{n} "}, "finish_reason": None}],
                }
                h.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                h.wfile.flush()
                time.sleep(self.delay_s)
            h.wfile.write(b"data: [DONE]\n\n")
        except OSError:  # the client stopped reading
            pass
        finally:
            with self.lock:
                self.running -= 1

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_model() -> Iterator[FakeModel]:
    fake = FakeModel()
    yield fake
    fake.close()


def _queued(url: str, queue: LLMQueue, timeout_s: float = 10.0):  # type: ignore[no-untyped-def]
    from pydantic import SecretStr

    from assistant.llm.queued import QueuedChatOpenAI

    return QueuedChatOpenAI(
        model="fake", base_url=url, api_key=SecretStr("x"), max_retries=0, timeout=10, queue_timeout_s=timeout_s
    ).with_queue(queue)


def test_chat_model_calls_queue_round_robin_and_one_at_a_time(fake_model: FakeModel) -> None:
    queue = LLMQueue()
    model = _queued(fake_model.url, queue)
    copy = model.model_copy(update={"max_tokens": 8})  # what the router does: the copy shares the queue
    assert copy.queue is queue
    queue.acquire("blocker")
    threads = []
    for n, session in enumerate(["A", "A", "A", "B", "C"]):

        def call(session: str = session, n: int = n) -> None:
            with session_scope(session):
                if n % 2:
                    assert "".join(str(c.content) for c in copy.stream(f"{session}")) == f"ok {session}"
                else:
                    assert copy.invoke(f"{session}").content == f"ok {session}"

        threads.append(_start_queued(queue, call))
    queue.release()
    for t in threads:
        t.join(10)
    assert fake_model.order == ["A", "B", "C", "A", "A"]
    assert fake_model.peak == 1  # a stream holds its turn until it ends
    assert queue.stats()["served"] == 6


def test_a_stream_past_its_time_stops_and_frees_the_model() -> None:
    fake = FakeModel(delay_s=0.1, stream_chunks=30)  # would stream for 3 s
    try:
        queue = LLMQueue()
        for budget, own in ((0.5, None), (None, 0.5)):  # the turn's budget, or the model's own stream limit
            model = _queued(fake.url, queue).model_copy(update={"stream_timeout_s": own})
            started = time.monotonic()
            with session_scope("turn", budget), pytest.raises(LanguageModelError, match="did not finish"):
                for _ in model.stream("hi"):
                    pass
            assert 0.4 < time.monotonic() - started < 2.0
            assert queue.stats()["running"] == 0  # the turn at the model was given back
        whole = "".join(str(c.content) for c in _queued(fake.url, queue).stream("hi"))
        assert whole.split() == [f"word{n}" for n in range(30)]  # without a limit the stream runs to its end
    finally:
        fake.close()


def test_a_busy_queue_ends_in_template_explanations_with_a_notice(
    fake_model: FakeModel, tmp_path: Path, ml100k_recommender
) -> None:  # type: ignore[no-untyped-def]
    """A chat turn that cannot get a turn at the model within its timeout still recommends, with templates."""
    from support.webapp import SECRET, make_services
    from webapp.conversation import Conversation, from_token
    from webapp.tokens import make_token

    services = make_services(tmp_path, ml100k_recommender, catalogue=None)
    queue = LLMQueue()
    services.llm, services.llm_status = _queued(fake_model.url, queue, timeout_s=0.3), "ready"
    conv = Conversation(services, from_token(services, make_token("1", SECRET, 600)))
    queue.acquire("someone else")  # the model is busy for longer than the turn may wait
    started = time.monotonic()
    result = conv.turn("what would you recommend?")
    assert time.monotonic() - started < 10
    queue.release()
    assert [r["item"] for r in result.recommendations] == [r.item_id for r in ml100k_recommender.recommend("1", k=5)]
    assert result.explanations and all(e["fallback"] and e["text"] for e in result.explanations)
    assert result.notice and "Many shoppers are chatting right now" in result.notice  # busy, not broken
    assert fake_model.order == [] and queue.stats()["timeouts"] >= 1
