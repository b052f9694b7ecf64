"""Fair turns at the local language model: one queue per embedded server, round-robin by session.

Two cores run one llama.cpp request well; two at once slow each other down, and one busy session
could starve the rest. ``LLMQueue`` hands out its ``slots`` one request at a time and takes the
waiting sessions in turn: a session with three requests waiting gets its second only after every
other waiting session got one. It records how long each request waited and gives up after the
caller's timeout with ``ModelBusy`` (a ``LanguageModelError``), so the caller falls back to the
template text instead of waiting behind everybody.

Which session a call belongs to is read from a context variable the web app sets per turn
(``session_scope``); calls outside any scope count as their thread's own session.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from because.errors import ModelBusy

_session: ContextVar[tuple[str, float | None] | None] = ContextVar("because_llm_session", default=None)


@contextmanager
def session_scope(key: str, budget_s: float | None = None) -> Iterator[None]:
    """Calls to a queued model inside this block queue as session ``key``.

    ``budget_s`` bounds the time of all calls in the block together (one chat turn may call the
    model several times), waiting and streaming: once spent, a call runs only if a slot is free at
    once, and a stream still running stops (see ``QueuedChatOpenAI``).
    """
    deadline = None if budget_s is None else time.monotonic() + budget_s
    token = _session.set((key, deadline))
    try:
        yield
    finally:
        _session.reset(token)


def current_session() -> str:
    scope = _session.get()
    return scope[0] if scope else f"thread-{threading.get_ident()}"


def scope_deadline() -> float | None:
    """The ``time.monotonic()`` by which the current ``session_scope``'s budget runs out, if any."""
    scope = _session.get()
    return None if scope is None else scope[1]


def _budget_left() -> float | None:
    deadline = scope_deadline()
    return None if deadline is None else deadline - time.monotonic()


@dataclass
class _Ticket:
    session: str
    granted: bool = False
    queued_at: float = field(default_factory=time.monotonic)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1) of ``values``; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class LLMQueue:
    """Round-robin by session over ``slots`` concurrent calls. Thread-safe."""

    def __init__(self, slots: int = 1, *, window: int = 5000) -> None:
        if slots < 1:
            raise ValueError("an LLMQueue needs at least one slot.")
        self.slots = slots
        self._cond = threading.Condition()
        self._waiting: OrderedDict[str, deque[_Ticket]] = OrderedDict()  # sessions in turn order
        self._in_use = 0
        self._waits: deque[float] = deque(maxlen=window)  # seconds each granted request waited
        self._served = 0
        self._timeouts = 0
        self._max_waiting = 0

    # -- taking and giving back a turn ---------------------------------------------------------
    def acquire(self, session: str, timeout_s: float | None = None) -> float:
        """Wait for a turn; returns the seconds waited. Raises ``ModelBusy`` after ``timeout_s``
        (or sooner when the caller's ``session_scope`` budget runs out)."""
        left = _budget_left()
        if left is not None:
            timeout_s = max(0.0, left) if timeout_s is None else max(0.0, min(timeout_s, left))
        ticket = _Ticket(session)
        deadline = None if timeout_s is None else ticket.queued_at + timeout_s
        with self._cond:
            self._waiting.setdefault(session, deque()).append(ticket)
            self._max_waiting = max(self._max_waiting, self.waiting)
            self._grant()
            while not ticket.granted:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    ahead = self.waiting - 1
                    self._drop(ticket)
                    self._timeouts += 1
                    raise ModelBusy(
                        f"the local language model is busy: waited {timeout_s:.1f} s for a turn "
                        f"({ahead} other request(s) waiting, {self._in_use} running).",
                        "try again in a moment; until then answers use the template explanations.",
                    )
                self._cond.wait(left)
            waited = time.monotonic() - ticket.queued_at
            self._waits.append(waited)
            self._served += 1
            return waited

    def release(self) -> None:
        with self._cond:
            self._in_use = max(0, self._in_use - 1)
            self._grant()

    @contextmanager
    def slot(self, session: str | None = None, timeout_s: float | None = None) -> Iterator[float]:
        """Hold a turn for the block (yields the seconds waited); not re-entrant."""
        waited = self.acquire(session or current_session(), timeout_s)
        try:
            yield waited
        finally:
            self.release()

    def _grant(self) -> None:
        """Give free slots to the oldest ticket of each session in turn (caller holds the lock)."""
        granted = False
        while self._in_use < self.slots and self._waiting:
            session, tickets = next(iter(self._waiting.items()))
            ticket = tickets.popleft()
            del self._waiting[session]
            if tickets:
                self._waiting[session] = tickets  # back of the line
            ticket.granted = True
            self._in_use += 1
            granted = True
        if granted:
            self._cond.notify_all()

    def _drop(self, ticket: _Ticket) -> None:
        tickets = self._waiting.get(ticket.session)
        if tickets is not None and ticket in tickets:
            tickets.remove(ticket)
            if not tickets:
                del self._waiting[ticket.session]

    # -- what /api/metrics shows -----------------------------------------------------------------
    @property
    def waiting(self) -> int:
        return sum(len(t) for t in self._waiting.values())

    def stats(self) -> dict[str, Any]:
        """Counts and queue-wait percentiles (seconds) over the last ``window`` granted requests."""
        with self._cond:
            waits = list(self._waits)
            return {
                "slots": self.slots,
                "running": self._in_use,
                "waiting": self.waiting,
                "waiting_sessions": len(self._waiting),
                "max_waiting": self._max_waiting,
                "served": self._served,
                "timeouts": self._timeouts,
                "wait_p50_s": _round(percentile(waits, 0.5)),
                "wait_p95_s": _round(percentile(waits, 0.95)),
                "wait_max_s": _round(max(waits) if waits else None),
            }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
