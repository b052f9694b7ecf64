"""``FunctionModel``: a chat model driven by a local function, the test double for everything that calls a model.

    model = FunctionModel(lambda messages, options: '{"tool": "recommend", "args": {}}')
    generate_json(model, "hi", schema)      # the function sees the messages and the request options

The function may raise to play a failing endpoint. ``calls`` keeps every request's messages and options.
Streaming yields the answer word by word. (After pydantic-ai's ``models/function.py``.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

Respond = Callable[[Sequence[BaseMessage], dict[str, Any]], str]


class FunctionModel(BaseChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    function: Respond
    calls: list[tuple[list[BaseMessage], dict[str, Any]]] = []
    max_tokens: int | None = None
    temperature: float | None = None

    def __init__(self, function: Respond, **kwargs: Any) -> None:
        super().__init__(function=function, calls=[], **kwargs)

    @property
    def _llm_type(self) -> str:
        return "function"

    def _answer(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> str:
        options = {"max_tokens": self.max_tokens, "temperature": self.temperature, **kwargs}
        self.calls.append((list(messages), options))
        return self.function(messages, options)

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self._answer(messages, kwargs)))])

    def _stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        for n, word in enumerate(self._answer(messages, kwargs).split(" ")):
            yield ChatGenerationChunk(message=AIMessageChunk(content=("" if n == 0 else " ") + word))


def scripted(*answers: str | Exception) -> FunctionModel:
    """A model that gives ``answers`` in turn (an exception is raised), one per request."""
    queue = list(answers)

    def respond(messages: Sequence[BaseMessage], options: dict[str, Any]) -> str:
        if not queue:
            raise AssertionError("the scripted model was asked more often than it has answers")
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return FunctionModel(respond)
