"""Request and response bodies of the JSON API (they make the OpenAPI schema at /docs)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ItemId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Rating = Annotated[float, Field(ge=0, le=10, strict=True)]  # strict: "5" or true is a mistake, not a rating
Token = Annotated[str, StringConstraints(max_length=1024)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: Token | None = Field(
        None,
        description="the shop's signed customer token; missing/invalid/expired = anonymous new user "
        "(also accepted as `Authorization: Bearer <token>`)",
    )


class RecommendRequest(_Body):
    k: int = Field(5, ge=1, le=20, strict=True)
    ratings: dict[ItemId, Rating] = Field(
        default_factory=dict,
        max_length=200,
        description="a new user's ratings (item id -> rating), folded in without retraining",
    )


class ExplainRequest(_Body):
    item: ItemId
    ratings: dict[ItemId, Rating] = Field(default_factory=dict, max_length=200)


class ChatRequest(_Body):
    message: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    session_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,64}$")] | None = Field(
        None, description="continue a conversation this API started (returned by the first call)"
    )


class FeedbackRequest(_Body):
    item: ItemId
    kind: Literal["liked", "disliked", "not_interested"]


class TokenRequest(_Body):
    pass


class Part(BaseModel):
    kind: str = Field(description="history_item | feature | popularity")
    label: str
    value: float


class Recommended(BaseModel):
    item: str
    title: str
    score: float
    rank: int | None
    text: str = Field("", description="the explanation (checked prose or the template)")
    checked: bool = False
    fallback: bool = True
    contributions: list[Part] = Field(default_factory=list, description="every term of the score; they sum to it")


class Who(BaseModel):
    signed_in: bool
    token_status: Literal["valid", "missing", "invalid", "expired"]
    user: str | None = Field(None, description="the customer id from a valid token")


class RecommendResponse(BaseModel):
    who: Who
    recommendations: list[Recommended]


class ExplainResponse(BaseModel):
    who: Who
    explanation: Recommended
    sum_of_contributions: float
    notice: str | None = Field(None, description="set when the language model failed and the template was used")


class ChatResponse(BaseModel):
    who: Who
    session_id: str
    reply: str
    recommendations: list[Recommended]
    explanations: list[dict[str, Any]]
    results: list[dict[str, Any]]
    tool_calls: list[dict[str, Any]]
    notice: str | None = None


class StoredResponse(BaseModel):
    who: Who
    stored: list[dict[str, Any]] = Field(description="feedback and ratings: item, kind, ts, rating")
    sessions: list[dict[str, Any]] = Field(
        default_factory=list, description="/api/me: stored chat sessions (session_id, updated_at, turns)"
    )


class ForgetResponse(BaseModel):
    who: Who
    deleted: int = Field(description="rows deleted: feedback, ratings and chat sessions")


class Health(BaseModel):
    model: Literal["ready", "missing"]
    dataset: str | None
    language_model: str


class ErrorBody(BaseModel):
    status: int
    problem: str
    fix: str = ""
    field: str | None = Field(None, description="the first offending field ('k', 'ratings.50', 'body')")
    details: list[dict[str, Any]] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    error: ErrorBody
