"""What model-written text may reach the person: ``unsafe_text`` says why not, ``Screens`` binds it to one assistant.

Text the language model wrote is dropped for the template when it echoes a prompt, insults, speaks
of another user, or names a catalogue item no tool returned. These checks hold when the model is
fooled; the agent passes them in explicitly (``Screens``) and names the one that failed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.explaining.vocabulary import Vocabulary, build_vocabulary

LEAK_WINDOW = 6  # this many consecutive words shared with a prompt count as echoing it

INSULTS_EN = (
    "idiot",
    "idiots",
    "idiotic",
    "stupid",
    "moron",
    "morons",
    "moronic",
    "dumb",
    "dumbass",
    "loser",
    "losers",
    "fool",
    "fools",
    "pathetic",
    "worthless",
    "imbecile",
    "cretin",
    "retard",
    "retarded",
    "jerk",
    "bastard",
    "bitch",
    "asshole",
    "shithead",
    "fuck",
    "fucking",
    "fucker",
    "shit",
    "crap",
    "damn",
    "dick",
    "prick",
    "twat",
    "cunt",
    "scum",
    "ugly",
    "shut up",
    "hate you",
    "go to hell",
    "kill yourself",
    "nobody likes you",
)
INSULTS_ZH = (
    "白痴",
    "笨蛋",
    "傻瓜",
    "蠢货",
    "蠢材",
    "蠢猪",
    "愚蠢",
    "傻逼",
    "傻b",
    "煞笔",
    "混蛋",
    "王八蛋",
    "废物",
    "垃圾",
    "去死",
    "滚开",
    "滚蛋",
    "贱",
    "妈的",
    "操你",
    "脑残",
    "弱智",
    "猪头",
    "丑八怪",
    "闭嘴",
    "人渣",
)
_INSULT = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in INSULTS_EN)
    + r")(?![\w'])|"
    + "|".join(map(re.escape, INSULTS_ZH)),
    re.I,
)
_TEMPLATE_MARKS = re.compile(r"\{\{|\{%|[\"']tool[\"']\s*:|<\|im_")
_OTHER_USER = re.compile(r"\b(?:user|customer|account)\s*(?:id\s*)?#?\s*\d+|用户\s*\d+|\d+\s*号\s*用户", re.I)


@lru_cache(maxsize=4)
def _vocabulary(titles: tuple[str, ...]) -> Vocabulary:
    return build_vocabulary(titles, ())


def _words(text: str) -> list[str]:
    # the prompts are English (a leak in a Chinese answer quotes them); their Chinese examples are no secret
    return re.findall(r"[0-9a-z]+", unicodedata.normalize("NFKC", text).lower())


@lru_cache(maxsize=16)
def _grams(secret: str, n: int) -> frozenset[tuple[str, ...]]:
    w = _words(secret)
    return frozenset(tuple(w[i : i + n]) for i in range(len(w) - n + 1))


def echoes(text: str, secrets: Iterable[str], window: int = LEAK_WINDOW) -> bool:
    """True if ``text`` repeats ``window`` consecutive words of any of ``secrets`` (case and punctuation ignored)."""
    w = _words(text)
    grams = {tuple(w[i : i + window]) for i in range(len(w) - window + 1)}
    return any(grams & _grams(s, window) for s in secrets)


def insults(text: str) -> list[str]:
    """The insult words and phrases in ``text`` (EN whole words, ZH substrings)."""
    return [m.group(0) for m in _INSULT.finditer(text)]


def unsafe_text(
    text: str, secrets: Sequence[str], titles: Sequence[str] = (), allowed: Iterable[str] | None = None
) -> str | None:
    """Why model-written ``text`` must not reach the person, or None if it may.

    ``titles`` are the catalogue's; with ``allowed`` given, naming any other catalogue title is unsafe
    (free text may only name what a tool returned). Titles are masked before looking for insults, so
    "Dumb & Dumber" on the list is no insult.
    """
    if _TEMPLATE_MARKS.search(text) or echoes(text, secrets):
        return "it repeats the assistant's instructions."
    if _OTHER_USER.search(text):
        return "it speaks of another user."
    masked, allowed_set = text, set(allowed or ())
    if titles:
        for m in sorted(_vocabulary(tuple(titles)).find(text), key=lambda m: -m.start):
            if m.kind != "title":
                continue
            if allowed is not None and not (m.refs & allowed_set):
                return f"it names {m.span!r}, which no tool returned."
            masked = masked[: m.start] + " " * (m.end - m.start) + masked[m.end :]
    if insults(masked):
        return "it is insulting."
    return None


@dataclass(frozen=True)
class Screens:
    """The output screens of one assistant: the prompts its models read (never to be echoed) and the
    catalogue's titles. Each method says why a text must not be shown, or None if it may."""

    secrets: tuple[str, ...]
    titles: tuple[str, ...]

    def explanation(self, text: str) -> str | None:
        return unsafe_text(text, self.secrets, self.titles)

    def free_answer(self, text: str, shown_titles: Iterable[str]) -> str | None:
        """A free answer may name only the titles on the list shown."""
        return unsafe_text(text, self.secrets, self.titles, list(shown_titles))

    def native_reply(self, text: str, observed: str) -> str | None:
        """A natively tool-calling model's reply may name the titles a tool's observation carried."""
        return unsafe_text(text, self.secrets, self.titles, [t for t in self.titles if t in observed])
