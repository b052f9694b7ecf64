"""One code path to a chat model: the embedded llama.cpp server or any OpenAI-compatible endpoint.

``make_chat_model`` always returns a ``ChatOpenAI`` (a ``QueuedChatOpenAI``); only its ``base_url``
differs, and the embedded server's calls queue fairly. Errors from
the endpoint (down, slow, garbage) become ``LanguageModelError`` through ``translate_errors``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from because.errors import LanguageModelError
from because.settings import Settings

from assistant.embedded_server import EmbeddedServer
from assistant.local_models import ensure_model_file, get_model

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage
    from langchain_openai import ChatOpenAI

NO_KEY = "not-needed"  # ChatOpenAI insists on some key, even for a local server

_servers: dict[tuple[str, Path, int], EmbeddedServer] = {}
_servers_lock = threading.Lock()


def embedded_server(settings: Settings, *, warm_up: bool = True) -> EmbeddedServer:
    """Start (once per model, home and thread count) and return the in-process server for ``settings.llm_model``.

    Verifies the model's hash first; raises ``ModelFileError`` if it is missing or wrong.
    """
    key = (settings.llm_model, Path(settings.home), settings.llm_threads)
    with _servers_lock:
        server = _servers.get(key)
        if server is not None and server.running:
            return server
        path = ensure_model_file(settings.llm_model, settings.home)
        server = EmbeddedServer(path, alias=get_model(settings.llm_model).name, n_threads=settings.llm_threads)
        server.start()
        if warm_up:
            server.warm_up()
        _servers[key] = server
        return server


def stop_embedded_servers() -> None:
    """Stop every server ``embedded_server`` started (they also stop at interpreter exit)."""
    with _servers_lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        server.stop()


def make_chat_model(
    settings: Settings,
    server: EmbeddedServer | None = None,
    *,
    temperature: float = 0.2,
    max_tokens: int | None = 512,
) -> "ChatOpenAI":
    """A ``ChatOpenAI`` for ``settings.llm_base_url`` if set, else for the embedded server.

    ``server`` overrides the shared embedded server (it is started if needed). Calls to the
    embedded server wait their turn in its ``LLMQueue`` (at most ``llm_timeout_s``).
    """
    from assistant.queued_model import QueuedChatOpenAI

    queue = None
    if settings.llm_base_url:
        base_url = settings.llm_base_url
        api_key = settings.llm_api_key or NO_KEY
        model = settings.llm_model
        retries = 1  # a remote endpoint may drop a request now and then
    else:
        if server is None:
            server = embedded_server(settings)
        else:
            server.start()
        base_url, api_key, model = server.base_url, NO_KEY, server.alias
        retries = 0  # retrying a local server that failed only doubles the wait
        queue = server.queue  # one request at a time, sessions in turn (see llm_queue)
    return QueuedChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=api_key,
        timeout=settings.llm_timeout_s,
        max_retries=retries,
        temperature=temperature,
        max_tokens=max_tokens,
        # a turn waits at most llm_queue_wait_s for the local model, then answers with the templates:
        # under load a quick checked answer beats a minute in the queue
        queue_timeout_s=min(settings.llm_queue_wait_s, settings.llm_timeout_s),
        stream_timeout_s=settings.llm_timeout_s,
    ).with_queue(queue)


def _endpoint(chat_model: Any) -> str:
    return str(getattr(chat_model, "openai_api_base", None) or "the language model endpoint")


@contextmanager
def translate_errors(chat_model: Any) -> Iterator[None]:
    """Turn openai/httpx failures of a call on ``chat_model`` into ``LanguageModelError``."""
    import httpx
    import openai

    where = _endpoint(chat_model)
    try:
        yield
    except openai.APITimeoutError as err:
        raise LanguageModelError(
            f"the language model at {where} did not answer within "
            f"{getattr(chat_model, 'request_timeout', '?')} s.",
            "ask a shorter question, raise BECAUSE_LLM_TIMEOUT, or use a smaller/faster model.",
        ) from err
    except openai.APIConnectionError as err:
        raise LanguageModelError(
            f"cannot reach the language model at {where} ({err}).",
            "start that server or fix OPENAI_BASE_URL; unset it to use the embedded model.",
        ) from err
    except openai.APIStatusError as err:
        raise LanguageModelError(
            f"the language model at {where} answered HTTP {err.status_code}: {_short(err.message)}",
            "check the model name and that the prompt fits the context window.",
        ) from err
    except (openai.OpenAIError, httpx.HTTPError, ValueError, TypeError, AttributeError, KeyError) as err:
        # an endpoint that answers something that is not an OpenAI chat completion
        raise LanguageModelError(
            f"the language model at {where} gave an unreadable answer ({type(err).__name__}: "
            f"{_short(str(err))}).",
            "check that OPENAI_BASE_URL points at an OpenAI-compatible /v1 endpoint.",
        ) from err


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text_of(message: Any) -> str:
    content = getattr(message, "content", None)
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in content
            if isinstance(part, (str, dict))
        )
    raise LanguageModelError(f"the language model returned no text (got {type(message).__name__}).")


def chat_text(chat_model: "BaseChatModel", messages: Sequence["BaseMessage"] | str, **kwargs: Any) -> str:
    """Invoke ``chat_model`` and return its text; failures raise ``LanguageModelError``."""
    with translate_errors(chat_model):
        return _text_of(chat_model.invoke(messages, **kwargs))


def complete_json(
    chat_model: "BaseChatModel",
    messages: Sequence["BaseMessage"] | str,
    schema: Mapping[str, Any],
    *,
    name: str = "answer",
    strict: bool = False,
    **invoke_kwargs: Any,
) -> dict[str, Any]:
    """Ask for output constrained to the JSON ``schema`` and return the parsed, checked object.

    Uses ``response_format={"type": "json_schema", ...}``, which llama.cpp always turns into a
    grammar; ``strict=True`` asks OpenAI itself to enforce it too (its strict mode then demands
    ``additionalProperties: false`` and every property required). ``invoke_kwargs`` (e.g.
    ``temperature``) go to the request as they are.
    Raises ``LanguageModelError`` if the endpoint is down, times out, or answers non-matching JSON.
    """
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": name, "schema": dict(schema), "strict": strict},
    }
    with translate_errors(chat_model):
        message = chat_model.invoke(messages, response_format=response_format, **invoke_kwargs)
    text = _text_of(message)
    finish = (getattr(message, "response_metadata", None) or {}).get("finish_reason")
    try:
        value = json.loads(text)
    except ValueError as err:
        cut = " (cut off at max_tokens: raise it)" if finish == "length" else ""
        raise LanguageModelError(
            f"the language model at {_endpoint(chat_model)} did not return JSON{cut}: {_short(text)!r}",
            "use an endpoint that supports response_format json_schema, or a larger model.",
        ) from err
    problems = schema_problems(value, schema)
    if problems:
        raise LanguageModelError(
            f"the language model's JSON does not match the schema: {'; '.join(problems[:5])}.",
            "use an endpoint that enforces response_format json_schema, or a larger model.",
        )
    return value


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def schema_problems(value: Any, schema: Mapping[str, Any], where: str = "$") -> list[str]:
    """What in ``value`` breaks ``schema`` (type, required, properties, items, enum); [] if fine.

    A small subset of JSON Schema, enough for the shapes we ask models for.
    """
    problems: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        allowed = [kinds] if isinstance(kinds, str) else list(kinds)
        ok = any(
            isinstance(value, _JSON_TYPES.get(kind, (object,)))
            and not (kind in ("integer", "number") and isinstance(value, bool))
            for kind in allowed
        )
        if not ok:
            return [f"{where} should be {' or '.join(allowed)}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where} should be one of {schema['enum']}, got {value!r}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"{where} lacks required key '{key}'")
        properties = schema.get("properties", {})
        for key, sub in properties.items():
            if key in value:
                problems.extend(schema_problems(value[key], sub, f"{where}.{key}"))
        if schema.get("additionalProperties") is False:
            problems.extend(f"{where} has unexpected key '{key}'" for key in value if key not in properties)
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            problems.extend(schema_problems(item, schema["items"], f"{where}[{index}]"))
    return problems
