"""Error answers of the JSON API: every 4xx/5xx names what was wrong, which field, and how to fix it.

Body: ``{"error": {"status", "problem", "fix", "field", "details"}}``; ``field`` is the first
offending field ("k", "ratings.50", "body" for the body as a whole) or null.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from because.errors import BrokenPartError, InputError, UnknownIdError
from webapp.api_models import ChatRequest, ExplainRequest, FeedbackRequest, RecommendRequest, TokenRequest

MAX_BODY_BYTES = 64 * 1024
EXAMPLES = {
    "/api/recommend": '{"k": 5}',
    "/api/explain": '{"item": "50"}',
    "/api/chat": '{"message": "what would you recommend?"}',
    "/api/feedback": '{"token": "...", "item": "50", "kind": "liked"}',
    "/api/me": '{"token": "..."}',
    "/api/forget": '{"token": "..."}',
}
BODIES: dict[str, type[BaseModel]] = {
    "/api/recommend": RecommendRequest,
    "/api/explain": ExplainRequest,
    "/api/chat": ChatRequest,
    "/api/feedback": FeedbackRequest,
    "/api/me": TokenRequest,
    "/api/forget": TokenRequest,
}
FIELD_FIXES = {
    "k": 'send k as a whole number from 1 to 20, e.g. "k": 5.',
    "ratings": 'send ratings as an object of item id -> number from 0 to 10 (at most 200), e.g. "ratings": {"50": 5}.',
    "item": 'send item as an item id string of 1 to 64 characters, e.g. "item": "50" (`because items` lists them).',
    "message": 'send message as text of 1 to 2000 characters, e.g. "message": "what would you recommend?".',
    "session_id": (
        "pass back the session_id an earlier /api/chat answer gave (letters and digits), "
        "or leave it out to start a new chat."
    ),
    "token": "send the shop's signed customer token as a string (at most 1024 characters), or leave it out.",
    "kind": "send kind as one of liked, disliked, not_interested.",
}


def error(
    status: int, problem: str, fix: str = "", details: list[dict[str, Any]] | None = None, field: str | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"status": status, "problem": problem, "fix": fix, "field": field, "details": details or []}},
        status_code=status,
    )


def _body_fix(path: str) -> str:
    example = EXAMPLES.get(path, "{}")
    return f"send one JSON object with the header Content-Type: application/json, e.g. {example} (schema at /docs)."


def _field_name(loc: list[Any]) -> str:
    """("body", "ratings", "50") -> "ratings.50"; a bad dict key ("body", "ratings", "", "[key]") -> "ratings"."""
    parts = [str(p) for p in loc[1:]] if loc and loc[0] == "body" else [str(p) for p in loc]
    if parts and parts[-1] == "[key]":
        parts = parts[:-2]
    return ".".join(parts) or "body"


def describe(errors: list[dict[str, Any]], path: str) -> tuple[str, str, str, list[dict[str, Any]]]:
    """(problem, fix, field, details) for pydantic/FastAPI validation errors of a request to ``path``."""
    details = []
    for e in errors:
        loc = list(e.get("loc", ()))
        kind = str(e.get("type", ""))
        json_error = kind == "json_invalid"
        name = "body" if json_error else _field_name(loc)
        details.append({"loc": loc, "field": name, "msg": e.get("msg", ""), "type": kind})
    first = details[0] if details else {"field": "body", "msg": "invalid request", "type": ""}
    name, kind = first["field"], first["type"]
    top = name.split(".", 1)[0]
    if kind == "json_invalid":
        at = next((p for p in first["loc"][1:] if isinstance(p, int)), None)
        where = f" (it breaks near character {at})" if at is not None else ""
        return f"the request body is not valid JSON{where}.", _body_fix(path), "body", details
    if name == "body":
        what = "missing" if kind == "missing" else "not a JSON object"
        return f"the request body is {what}.", _body_fix(path), "body", details
    if kind == "extra_forbidden":
        hint = " Who you are comes only from the token." if top in ("user", "user_id") else ""
        body = BODIES.get(path)
        allowed = ", ".join(body.model_fields) if body is not None else "the fields listed at /docs"
        return f"unknown field '{name}'.{hint}", f"remove '{name}'; this endpoint takes only {allowed}.", name, details
    more = f" (and {len(details) - 1} more problem(s), see details)" if len(details) > 1 else ""
    key = f" key {first['loc'][-2]!r}" if len(first["loc"]) > 2 and first["loc"][-1] == "[key]" else ""
    problem = (
        f"field '{name}'{key}: "
        f"{'it is required' if kind == 'missing' else first['msg'][:1].lower() + first['msg'][1:]}{more}."
    )
    return problem, FIELD_FIXES.get(top, "see the schema at /docs."), name, details


class _TooLarge(Exception):
    pass


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UnknownIdError)
    async def _unknown(_r: Request, err: UnknownIdError) -> JSONResponse:
        return error(404, err.problem, err.fix, field=getattr(err, "kind", None))

    @app.exception_handler(InputError)
    async def _input(_r: Request, err: InputError) -> JSONResponse:
        return error(400, err.problem, err.fix, field=getattr(err, "field", None))

    @app.exception_handler(BrokenPartError)
    async def _broken(_r: Request, err: BrokenPartError) -> JSONResponse:
        return error(503, err.problem, err.fix)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException) -> JSONResponse:
        problem, fix, field = (
            (tuple(err.detail) + (None,))[:3] if isinstance(err.detail, tuple) else (str(err.detail), "", None)
        )
        if err.status_code == 400 and not fix:  # FastAPI could not even read the body (e.g. not UTF-8)
            return error(
                400, "the request body could not be read as UTF-8 JSON.", _body_fix(request.url.path), field="body"
            )
        return error(err.status_code, problem, fix, field=field)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        problem, fix, field, details = describe(list(err.errors()), request.url.path)
        return error(422, problem, fix, details, field)


class BodyLimit:
    """Pure ASGI middleware: a body over ``max_bytes`` on ``prefix`` paths gets 413 (Content-Length or streamed)."""

    def __init__(self, app: Any, max_bytes: int = MAX_BODY_BYTES, prefix: str = "/api/") -> None:
        self.app, self.max_bytes, self.prefix = app, max_bytes, prefix

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._reject(scope, receive, send)
            return
        seen, over, started = 0, False, False

        async def limited() -> dict[str, Any]:
            nonlocal seen, over
            message = await receive()
            seen += len(message.get("body", b"")) if message["type"] == "http.request" else 0
            if seen > self.max_bytes:
                over = True  # the app's own answer (a parse error) is replaced by 413 below
                raise _TooLarge
            return message

        async def guarded(message: dict[str, Any]) -> None:
            nonlocal started
            if over:
                return
            started = True
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except _TooLarge:
            pass
        if over and not started:
            await self._reject(scope, receive, send)

    async def _reject(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await error(
            413,
            f"the request body is over {self.max_bytes // 1024} KiB.",
            "send a shorter body: a message has at most 2000 characters, ratings at most 200 items.",
            field="body",
        )(scope, receive, send)
