"""``QueuedChatOpenAI``: a ``ChatOpenAI`` whose every call first waits its turn in an ``LLMQueue``.

``make_chat_model`` gives one for the embedded model, so routing, explanations and free answers
all queue fairly without their callers knowing. Copies (``model_copy``, as the router makes) share
the queue. A call that waits longer than ``queue_timeout_s`` raises ``ModelBusy``, and a stream
that runs past ``stream_timeout_s`` or its turn's budget (``session_scope``) raises
``LanguageModelError``: callers already answer either with the template text.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI
from pydantic import PrivateAttr

from assistant.llm.queue import LLMQueue, scope_deadline
from because.errors import LanguageModelError


class QueuedChatOpenAI(ChatOpenAI):
    queue_timeout_s: float | None = None  # longest wait for a turn; None waits for ever
    stream_timeout_s: float | None = None  # longest whole streamed answer (the HTTP timeout is per read)
    _queue: LLMQueue | None = PrivateAttr(default=None)

    @property
    def queue(self) -> LLMQueue | None:
        return self._queue

    def with_queue(self, queue: LLMQueue | None) -> "QueuedChatOpenAI":
        self._queue = queue
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        if self._queue is None:
            return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        with self._queue.slot(timeout_s=self.queue_timeout_s):
            return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    def _stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        with self._queue.slot(timeout_s=self.queue_timeout_s) if self._queue is not None else nullcontext():
            deadline = scope_deadline()
            if self.stream_timeout_s is not None:  # counted from the turn at the model, not from the queue
                own = time.monotonic() + self.stream_timeout_s
                deadline = own if deadline is None else min(deadline, own)
            chunks = super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs)
            try:
                for chunk in chunks:  # the turn is held until the stream ends, fails or is closed
                    if deadline is not None and time.monotonic() > deadline:
                        raise LanguageModelError(
                            "the language model did not finish its answer in the time this turn allows.",
                            "ask again, raise BECAUSE_LLM_TIMEOUT, or use a smaller, faster model.",
                        )
                    yield chunk
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()  # stop reading: the server stops generating for a closed connection
