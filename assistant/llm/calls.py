"""Every call on a language model goes through here: ``generate``, ``generate_json``, ``stream_text``.

The callers (router, explanation writer, free answers) never touch a chat model's ``invoke`` or
``stream`` themselves, so every failure of the endpoint (down, slow, garbage, busy) reaches them as
a ``LanguageModelError`` (``ModelBusy`` when the local model's queue was too long). What the
callers do then is policy, stated once: ``FALLBACK_ON`` lists the errors after which the checked
templates answer (as pydantic-ai's ``FallbackModel(fallback_on=...)`` states it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from assistant.llm.schema import schema_problems
from because.errors import LanguageModelError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

Messages = Sequence["BaseMessage"] | str
FALLBACK_ON: tuple[type[Exception], ...] = (LanguageModelError,)  # after these, the templates answer


def _endpoint(chat_model: "BaseChatModel") -> str:
    return str(getattr(chat_model, "openai_api_base", None) or "the language model endpoint")


@contextmanager
def translate_errors(chat_model: "BaseChatModel") -> Iterator[None]:
    """Turn every failure of a call on ``chat_model`` into ``LanguageModelError`` (kept as it is if it is one).

    The block holds nothing but the call, so whatever it raises is the model's failure."""
    import httpx
    import openai

    where = _endpoint(chat_model)
    try:
        yield
    except LanguageModelError:
        raise
    except openai.APITimeoutError as err:
        raise LanguageModelError(
            f"the language model at {where} did not answer within {getattr(chat_model, 'request_timeout', '?')} s.",
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
            f"the language model at {where} gave an unreadable answer ({type(err).__name__}: {_short(str(err))}).",
            "check that OPENAI_BASE_URL points at an OpenAI-compatible /v1 endpoint.",
        ) from err
    except Exception as err:  # noqa: BLE001 - a client or a local model failing in its own way
        raise LanguageModelError(
            f"the language model at {where} failed ({type(err).__name__}: {_short(str(err))}).",
            "check that the model server runs; until then the checked templates answer.",
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


def generate(chat_model: "BaseChatModel", messages: Messages, **kwargs: Any) -> str:
    """Invoke ``chat_model`` and return its text; failures raise ``LanguageModelError``."""
    with translate_errors(chat_model):
        return _text_of(chat_model.invoke(messages, **kwargs))


def generate_json(
    chat_model: "BaseChatModel",
    messages: Messages,
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


def stream_text(chat_model: "BaseChatModel", messages: Messages, **kwargs: Any) -> Iterator[str]:
    """The model's answer as it arrives, piece by piece; failures (also mid-stream) raise ``LanguageModelError``."""
    with translate_errors(chat_model):
        for chunk in chat_model.stream(messages, **kwargs):
            yield _chunk_text(chunk)


def _chunk_text(chunk: Any) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, list):
        return "".join(
            p if isinstance(p, str) else str(p.get("text", "")) for p in content if isinstance(p, (str, dict))
        )
    return content if isinstance(content, str) else ""


def with_options(chat_model: "BaseChatModel", **options: Any) -> "BaseChatModel":
    """The same endpoint with other request options (``max_tokens``, ``temperature``), if the model has them."""
    try:
        return chat_model.model_copy(update=options)
    except (AttributeError, TypeError, ValueError):
        return chat_model
