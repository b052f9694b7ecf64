"""Signed customer tokens: the shop tells the widget who its customer is.

A token is ``base64url(json{"sub": user_id, "exp": unix_seconds}) + "." + base64url(HMAC-SHA256(payload))``
keyed with the secret the shop and this app share. A missing, forged, malformed or expired token
yields no user: the caller is served as an anonymous new user and never sees anyone's data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Literal

TokenStatus = Literal["valid", "missing", "invalid", "expired"]
MAX_TOKEN_CHARS = 1024
MAX_SUB_CHARS = 128


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str, secret: str) -> str:
    if not secret:
        raise ValueError("the token secret is empty; set BECAUSE_TOKEN_SECRET.")
    return _b64(hmac.new(secret.encode("utf-8"), payload.encode("ascii"), hashlib.sha256).digest())


def make_token(user_id: str, secret: str, ttl_s: float = 3600.0) -> str:
    """A token naming ``user_id`` that expires ``ttl_s`` seconds from now."""
    user_id = str(user_id)
    if not user_id or len(user_id) > MAX_SUB_CHARS:
        raise ValueError(f"user id must be 1 to {MAX_SUB_CHARS} characters.")
    payload = _b64(json.dumps({"sub": user_id, "exp": int(time.time() + ttl_s)}, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_sign(payload, secret)}"


def check_token(token: str | None, secret: str | None, now: float | None = None) -> tuple[str | None, TokenStatus]:
    """(user id or None, why). Never raises for a bad token."""
    if not token:
        return None, "missing"
    if not secret or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        return None, "invalid"
    payload, signature = token.split(".")
    try:
        expected = _sign(payload, secret)
    except (ValueError, UnicodeEncodeError):
        return None, "invalid"
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
        return None, "invalid"
    try:
        claims = json.loads(_unb64(payload))
        sub, exp = claims["sub"], claims["exp"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None, "invalid"
    if (
        not isinstance(sub, str)
        or not 0 < len(sub) <= MAX_SUB_CHARS
        or not isinstance(exp, (int, float))
        or isinstance(exp, bool)
    ):
        return None, "invalid"
    if exp <= (time.time() if now is None else now):
        return None, "expired"
    return sub, "valid"


def verify_token(token: str | None, secret: str | None) -> str | None:
    """The user id a valid, unexpired token names; None for anything else."""
    return check_token(token, secret)[0]
