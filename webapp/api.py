"""The JSON API: /api/recommend, /api/explain, /api/chat, /api/feedback, /api/me, /api/forget, /api/health.

Who the caller is comes only from the token (body ``token`` or ``Authorization: Bearer``); a
missing, forged or expired token is an anonymous new user, never an error and never anyone's
data. Status codes: 400 bad input the schema cannot see, 401 storing or deleting data without a
valid token, 404 unknown item or chat session, 409 a chat session another turn (maybe on another replica)
changed meanwhile, 413 body over 64 KiB, 422 schema violations, 503 no trained model. Every error body is
``{"error": {"status", "problem", "fix", "field", "details"}}`` (see ``api_errors``). ``/api/metrics`` reports
the local model's queue and the process's memory.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Header, HTTPException

from assistant import template_explanation, write_explanations
from assistant.explaining import Checks
from assistant.llm import session_scope
from assistant.replies import notice
from because.errors import ConflictError, UnknownIdError
from scorer import explain
from webapp.api_errors import MAX_BODY_BYTES, BodyLimit, error, install_error_handlers
from webapp.api_models import (
    ChatRequest,
    ChatResponse,
    ExplainRequest,
    ExplainResponse,
    FeedbackRequest,
    ForgetResponse,
    Health,
    Part,
    Recommended,
    RecommendRequest,
    RecommendResponse,
    StoredResponse,
    TokenRequest,
    Who,
)
from webapp.chat_sessions import ChatSessions
from webapp.conversation import Conversation, Identity, from_token
from webapp.services import Services

__all__ = ["BodyLimit", "MAX_BODY_BYTES", "error", "install_error_handlers", "make_router"]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": None, "description": text}
    for code, text in (
        (404, "unknown item or chat session"),
        (409, "the chat session was changed by another turn meanwhile: send the message again"),
        (413, "request body too large"),
        (422, "the body does not match the schema"),
        (503, "no trained model is loaded"),
    )
}


def _who(ident: Identity) -> Who:
    signed = ident.token_status == "valid"
    return Who(signed_in=signed, token_status=ident.token_status, user=ident.key[5:] if signed else None)  # type: ignore[arg-type]


def _recommended(
    conv: Conversation,
    item: str,
    text: str | None = None,
    checked: bool = False,
    fallback: bool = True,
    rank: int | None = None,
) -> Recommended:
    e = conv.attribution(item)
    return Recommended(
        item=e.item,
        title=e.title,
        score=e.score,
        rank=rank if rank is not None else e.rank,
        text=text if text is not None else template_explanation(e),
        checked=checked,
        fallback=fallback,
        contributions=[Part(kind=c.kind, label=c.label, value=c.value) for c in e.contributions],
    )


def make_router(services: Services) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["assistant"], responses=ERRORS)
    sessions = ChatSessions(services)  # stored after every turn: any replica continues them

    def conversation(
        body_token: str | None, authorization: str | None, ratings: dict[str, float] | None = None
    ) -> Conversation:
        bearer = authorization[7:].strip() if authorization and authorization.lower().startswith("bearer ") else None
        services.require_rec()
        conv = Conversation(services, from_token(services, bearer or body_token))
        if ratings:
            try:
                conv.rate(ratings)  # 404 for an unknown item before anything is kept
            except UnknownIdError as err:
                raise HTTPException(404, (err.problem, err.fix, "ratings")) from err
        return conv

    def signed_in(body: TokenRequest | FeedbackRequest, authorization: str | None) -> Conversation:
        conv = conversation(body.token, authorization)
        if conv.identity.token_status != "valid":
            raise HTTPException(
                401,
                (
                    f"a valid token is needed to read, store or delete your data (token {conv.identity.token_status}).",
                    "ask the shop for a fresh token (make_token(user_id, secret, ttl_s)).",
                    "token",
                ),
            )
        return conv

    @router.get("/health", response_model=Health)
    def health() -> Health:
        return Health(
            model="ready" if services.rec is not None else "missing",
            dataset=services.rec.dataset if services.rec is not None else None,
            language_model=services.llm_status,
        )

    @router.get("/metrics")
    def metrics() -> dict[str, Any]:
        """Load figures: the local language model's queue (waits in seconds), chat sessions kept, memory of this
        process."""
        queue = getattr(services.llm, "queue", None)
        kept = len(sessions)
        return {
            "language_model": services.llm_status,
            "llm_queue": queue.stats() if queue is not None else None,
            "chat_sessions": kept,
            "rss_bytes": rss_bytes(),
        }

    @router.post("/recommend", response_model=RecommendResponse)
    def recommend(body: RecommendRequest, authorization: str | None = Header(None)) -> RecommendResponse:
        """Top-k for the token's customer (or an anonymous new user), each with its exact attribution and a template
        explanation."""
        conv = conversation(body.token, authorization, body.ratings)
        try:
            recs = services.require_rec().recommend(conv.user_ref(), k=body.k, exclude=conv.excluded())
            return RecommendResponse(
                who=_who(conv.identity), recommendations=[_recommended(conv, r.item_id, rank=r.rank) for r in recs]
            )
        finally:
            _drop_anonymous(conv, body.ratings)

    @router.post("/explain", response_model=ExplainResponse)
    def explain_item(body: ExplainRequest, authorization: str | None = Header(None)) -> ExplainResponse:
        """The exact parts of one item's score, and a checked explanation (language model when warm, else the
        template)."""
        conv = conversation(body.token, authorization, body.ratings)
        try:
            rec = services.require_rec()
            rec.index_of(body.item)
            e = explain(rec, conv.user_ref(), body.item)
            text, checked, fallback, failed = template_explanation(e), False, True, []
            if services.llm is not None:
                checks = Checks(conv.checker())
                with session_scope(conv.identity.key, services.settings.llm_timeout_s):  # queues like a chat session
                    d = write_explanations(
                        [e],
                        "en",
                        services.llm,
                        checks,
                        lambda kind, p: failed.append(p) if kind == "llm_failed" else None,
                    )[0]
                text, checked, fallback = d["text"], d["checked"], d["fallback"]
            out = _recommended(conv, body.item, text, checked, fallback)
            return ExplainResponse(
                who=_who(conv.identity),
                explanation=out,
                sum_of_contributions=sum(p.value for p in out.contributions),
                notice=notice("llm_down") if failed else None,
            )
        finally:
            _drop_anonymous(conv, body.ratings)

    @router.post("/chat", response_model=ChatResponse)
    def chat(body: ChatRequest, authorization: str | None = Header(None)) -> ChatResponse:
        """One chat turn. The first call returns a session_id; pass it back to continue the conversation."""
        if not body.message.strip():
            raise HTTPException(
                400, ("the message is blank.", "send some text, e.g. 'what would you recommend?'.", "message")
            )
        fresh = conversation(body.token, authorization)
        conv, version = fresh, 0
        if body.session_id is not None:
            found = sessions.resume(body.session_id, fresh.identity)
            if found is None:
                raise HTTPException(
                    404,
                    (
                        f"unknown chat session '{body.session_id}'.",
                        "start a new one by leaving session_id out.",
                        "session_id",
                    ),
                )
            conv, version = found
        result = conv.turn(body.message)
        try:
            sessions.save(conv, version)  # committed before the answer goes out
        except ConflictError as err:
            raise HTTPException(409, (err.problem, err.fix, "session_id")) from err
        texts = {e["item"]: e for e in result.explanations}
        recs = [
            _recommended(
                conv,
                r["item"],
                texts.get(r["item"], {}).get("text"),
                bool(texts.get(r["item"], {}).get("checked")),
                bool(texts.get(r["item"], {}).get("fallback", True)),
                r.get("rank"),
            )
            for r in result.recommendations
        ]
        return ChatResponse(
            who=_who(conv.identity),
            session_id=conv.session_id,
            reply=result.text,
            recommendations=recs,
            explanations=result.explanations,
            results=result.results,
            tool_calls=result.tool_calls,
            notice=result.notice,
        )

    @router.post("/feedback", response_model=StoredResponse, responses={401: {"description": "no valid token"}})
    def feedback(body: FeedbackRequest, authorization: str | None = Header(None)) -> StoredResponse:
        """Thumbs up/down or not interested, kept for the token's customer and used at once."""
        conv = signed_in(body, authorization)
        conv.give_feedback(body.item, body.kind)
        return StoredResponse(who=_who(conv.identity), stored=services.db.rows(conv.identity.key))

    @router.post("/me", response_model=StoredResponse, responses={401: {"description": "no valid token"}})
    def me(body: TokenRequest, authorization: str | None = Header(None)) -> StoredResponse:
        """Everything this app stores about the token's customer: feedback and ratings, and chat sessions."""
        conv = signed_in(body, authorization)
        return StoredResponse(
            who=_who(conv.identity), stored=services.db.rows(conv.identity.key), sessions=_sessions(conv)
        )

    @router.post("/forget", response_model=ForgetResponse, responses={401: {"description": "no valid token"}})
    def forget(body: TokenRequest, authorization: str | None = Header(None)) -> ForgetResponse:
        """Delete everything stored about the token's customer (feedback, ratings, chat sessions), for every
        replica sharing the database; ``deleted`` counts the rows."""
        conv = signed_in(body, authorization)
        sessions.drop_user(conv.identity.key)
        return ForgetResponse(who=_who(conv.identity), deleted=conv.forget())

    return router


def _sessions(conv: Conversation) -> list[dict[str, Any]]:
    store = conv.services.sessions
    rows = store.for_user(conv.identity.key) if store is not None else []
    return [{"session_id": r.id, "updated_at": r.updated_at, "turns": len(r.state.get("turns", []))} for r in rows]


def rss_bytes() -> int | None:
    """Resident memory of this process (Linux /proc), or None elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmRSS:"))
    except (OSError, StopIteration, ValueError):
        return None


def _drop_anonymous(conv: Conversation, ratings: dict[str, float] | None) -> None:
    """An anonymous one-shot call keeps nothing; a signed-in customer's ratings are kept like the UI's."""
    if ratings and conv.identity.token_status != "valid":
        conv.services.db.forget(conv.identity.key)
