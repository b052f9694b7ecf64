"""The language model room: every model call lives here.

- ``client``: ``make_chat_model(settings)`` (the embedded llama.cpp server or an OpenAI-compatible endpoint).
- ``calls``: ``generate``, ``generate_json``, ``stream_text``, ``with_options``; failures are ``LanguageModelError``,
  ``ModelBusy`` when the local model's queue was too long; ``FALLBACK_ON`` says when the templates answer.
- ``server`` (the in-process llama.cpp server), ``registry`` (packaged GGUF files, hash-checked),
  ``queue`` + ``queued`` (one fair queue in front of the embedded model), ``schema`` (JSON answers checked).
- ``testing.FunctionModel``: the test double.
"""

from assistant.llm.calls import FALLBACK_ON, generate, generate_json, stream_text, translate_errors, with_options
from assistant.llm.client import embedded_server, make_chat_model, stop_embedded_servers
from assistant.llm.queue import LLMQueue, session_scope
from because.errors import LanguageModelError, ModelBusy

__all__ = [
    "FALLBACK_ON",
    "LLMQueue",
    "LanguageModelError",
    "ModelBusy",
    "embedded_server",
    "generate",
    "generate_json",
    "make_chat_model",
    "session_scope",
    "stop_embedded_servers",
    "stream_text",
    "translate_errors",
    "with_options",
]
