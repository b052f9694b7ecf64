"""Routes decided by *which* item a message names, for messages the fixed phrasings miss.

"I'm curious how you came up with Speed", "第一部跟我有什么关系？为什么选它", "I expected Liar Liar to be on
the list, what happened", "Liar Liar那么火，怎么没推给我": the words vary without end, but the item does not.
A title on the list just shown (or a position in it) asked about with "why" is an explanation; a title
that is not on the list, asked about as missing, is a why-not; feedback words about a shown title are
feedback. Anything that also reads as a what-if, a similarity request or a search is left to the
model. Titles are found by exact catalogue keys over word spans (``tools.resolve.title_key``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.language import has_cjk
from tools.resolve import parse_position, title_key
from tools.session import Session

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’&.\-:/!?]*")
_MAX_WORDS = 10
# single words that are also titles in MovieLens but mostly mean something else in a message
_PLAIN_WORDS = {
    "why",
    "what",
    "how",
    "where",
    "when",
    "who",
    "just",
    "please",
    "thanks",
    "tell",
    "explain",
    "okay",
    "yes",
    "more",
    "next",
    "last",
    "first",
    "again",
    "love",
    "nothing",
    "everything",
    "something",
    "anything",
    "tonight",
    "today",
    "heat",
    "speed",
    "contact",
    "big",
    "it",
    "her",
    "up",
    "go",
    "time",
    "home",
    "life",
    "show",
    "fresh",
    "war",
    "crash",
    "wings",
    "friends",
    "nothing",
    "kids",
    "family",
    "drama",
    "horror",
    "comedy",
    "action",
}

WHY = re.compile(
    r"\bwhy\b|\bwhy'?d\b|\bhow\s+come\b|\bhow\s+(?:did|do|does|would)\s+(?:you|u)\s+(?:come\s+up|end\s+up|get|pick|choose|decide|land)"
    r"|\bhow\s+(?:was|is)\s+.{1,60}\s+(?:picked|chosen|selected)\b|\bwhat\s+made\s+(?:you|u)\b|\bmade\s+(?:you|u)\s+think\b|\bmakes?\s+(?:you|u)\s+think\b|\bled\s+(?:you|u)\s+to\b|怎么会觉得|凭什么觉得|有什么关系|\bhow\s+(?:you|u)\s+(?:came|come)\s+up\b|\breason(?:s|ing)?\b|\bexplain\b|\bjustify\b"
    r"|\bwhat'?s\s+(?:behind|the\s+logic)|\bwhat\s+does\s+.{1,60}\s+have\s+to\s+do\s+with\s+me\b|\bwhat\s+about\s+me\b.{0,30}\b(?:suggests?|says?)\b"
    r"|为什么|为啥|为何|凭什么|理由|原因|怎么(?:选|推荐|推|挑|来的|出来|回事)|跟我有什么关系|和我有什么关系|依据|根据什么|解释",
    re.I,
)
_NOT_DONE = r"(?:you|u|it|they|make|show|get|appear|include|recommend|suggest|pick|choose|list)\b"
MISSING = re.compile(
    rf"\b(?:is|was|are|were)\s*n'?t\b|\b(?:is|was|are|were)\s+not\b|\b(?:did|do|does|would|could)\s*n'?t\s+{_NOT_DONE}|\b(?:did|do|does|would)\s+not\s+{_NOT_DONE}"
    r"|\bleft\s+(?:out|off)\b|\bleave\s+(?:out|off)\b|\bmissing\b|\bomit\w*|\bexclud\w*|\bskipp?(?:ed)?\b|\bwhere'?s\b|\bwheres\b|\bwhere\s+is\b"
    r"|\bexpected\b|\bthought\b.{0,40}\b(?:would|'?d)\b|\bwas\s+sure\b|\bno[\s-]+brainer\b|\bnot\s+(?:on|in|among|there|recommended|included)\b"
    r"|没(?:有)?(?:推|给我推|推荐|选|出现|在|列)|不(?:推|给我推|推荐|选)|不在|以为会|怎么没|为什么没|为啥没|漏了|落下",
    re.I,
)
WHAT_IF = re.compile(
    r"\bwhat\s+if\b|\bif\s+(?:i|you)\b|\bsuppose\b|\bimagine\b|\bpretend\b|\bhypothetical\w*|\bwould\s+.{1,40}\s+still\b"
    r"|如果|假如|要是|假设|假装|就当|若是",
    re.I,
)
SIMILAR = re.compile(
    r"\blike\s+(?:it|that|this)\b|\bsimilar\b|\bin\s+(?:that|the\s+same)\s+vein\b|\bmore\s+like\b|\bsame\s+(?:vibe|style|kind)\b"
    r"|像|类似|相似|差不多|风格|同类",
    re.I,
)
SIMILAR_ASK = re.compile(
    r"\b(?:stuff|movies?|films?|ones?|something|anything|more|others?)\s+(?:just\s+)?(?:like|similar\s+to)\s+(?:it|that|this|th[eo]se?)\b|\bsimilar\b|\bin\s+(?:that|the\s+same)\s+vein\b"
    r"|\bsame\s+(?:vibe|style|kind|feel)\b|\bmore\s+like\s+(?:it|that|this)\b|同类|类似|相似|差不多的|像(?:它|这|那)",
    re.I,
)
IF_CLAUSE = re.compile(r"\bif\b|\bsuppose\b|\bimagine\b|如果|假如|要是|假设|假装|就当|若是", re.I)
HYPOTHETICAL_REMOVE = re.compile(
    r"\b(?:had\s*n'?t|have\s*n'?t|had\s+not|never|not|didn'?t|without|remove\w*|forget|drop\w*|delete\w*|take\w*\s+out|ignore\w*|un-?see\w*)\b"
    r"|\b(?:was|were|is|are)n'?t\b|没|未|不算|去掉|删|排除|除去|拿掉|忽略|不在",
    re.I,
)
SEARCH = re.compile(r"\babout\b|\bset\s+in\b|\bfind\b|\bsearch\b|讲|关于|背景", re.I)
LIKED = re.compile(
    r"\b(?:loved|liked|enjoyed|adored|great|amazing|awesome|fantastic|brilliant)\b|超好看|好看|精彩|喜欢|很棒|太棒",
    re.I,
)
DISLIKED = re.compile(
    r"\b(?:boring|hated|disliked|terrible|awful|meh|bad|dull|overrated|(?:not|isn'?t|wasn'?t)\s+for\s+me)\b|\bdid\s*n'?t\s+(?:like|enjoy)\b"
    r"|无聊|难看|不喜欢|一般般|不好看|没意思|烂",
    re.I,
)
NOT_INTERESTED = re.compile(
    r"\bnot\s+interested\b|\b(?:do\s*n'?t|never|stop)\s+(?:show|recommend|suggest)(?:ing)?\b|\bno\s+more\s+of\b"
    r"|不感兴趣|没兴趣|别再推|不要再推|别再给我|不想再看到",
    re.I,
)
QUESTION = re.compile(r"[?？]|吗|什么|怎么|\b(?:what|how|which|do\s+you|would\s+you|can\s+you)\b", re.I)
_NOUN = r"\s+(?:one|item|movie|film|pick|recommendation|suggestion)"
_EN_POSITION = re.compile(
    rf"\b(?:the\s+)?(?:(?:second|third|fourth)\s+(?:to|from)\s+(?:the\s+)?last|penultimate|first|second|third|fourth|fifth|last|top){_NOUN}\b"
    rf"|\b(?:the\s+)?\d(?:st|nd|rd|th)(?:{_NOUN})?\b|#\s*\d\b|\bnumber\s+\d\b|\bthe\s+(?:first|second|third|fourth|fifth|last)(?=\s*[?？!.]*$)",
    re.I,
)
_ZH_POSITION = re.compile(
    r"(?:倒数)?第\s*(?:\d|[一二两三四五六七八九十])\s*[个部条项本]|最后(?:一[个部]|那[个部])|中间(?:那|这)[个部]"
)
_MIDDLE_POSITION = re.compile(
    r"\b(?:the\s+)?(?:one|movie|film|pick)\s+in\s+the\s+middle\b|\bthe\s+middle\s+(?:one|movie|film|pick)\b", re.I
)


@dataclass(frozen=True)
class Mention:
    text: str  # as written in the message
    start: int
    end: int
    shown: bool  # on the list just shown


@lru_cache(maxsize=8)
def finder_for(titles: tuple[str, ...]) -> "TitleFinder":
    return TitleFinder(titles)


class TitleFinder:
    """Catalogue titles named in a message, longest first, by exact title keys over word spans."""

    def __init__(self, titles: Sequence[str]) -> None:
        self.keys = {k for k in (title_key(t) for t in titles) if k}

    def find(self, text: str, session: Session) -> list[Mention]:
        shown = {title_key(s.title) for s in session.shown}
        words = list(_WORD.finditer(text))
        cjk = has_cjk(text)  # Latin words inside Chinese text are names: any title key counts
        found: list[Mention] = []
        i = 0
        while i < len(words):
            hit = None
            for j in range(min(len(words), i + _MAX_WORDS) - 1, i - 1, -1):
                span = text[words[i].start() : words[j].end()].rstrip(".,!?:;'’")
                key = title_key(span)
                first = i == 0 or text[words[i - 1].end() : words[i].start()].strip() in (".", "!", "?")
                if key in self.keys and (key in shown or cjk or self._plausible(span, key, j - i + 1, first)):
                    hit = Mention(span, words[i].start(), words[i].start() + len(span), key in shown)
                    i = j
                    break
            if hit is not None:
                found.append(hit)
            i += 1
        return found

    @staticmethod
    def _plausible(span: str, key: str, n_words: int, sentence_start: bool) -> bool:
        """A title not on the list: written with a capital (that is not just the sentence's), not a plain word."""
        if not span[:1].isupper() and not span[:1].isdigit():
            return False
        return n_words >= 2 or (len(key) >= 4 and key not in _PLAIN_WORDS and not sentence_start)


def feedback_kind(text: str) -> str | None:
    """ "not_interested", "disliked" or "liked" by the words of ``text`` (in that order of precedence), else None."""
    for pattern, kind in ((NOT_INTERESTED, "not_interested"), (DISLIKED, "disliked"), (LIKED, "liked")):
        if pattern.search(text):
            return kind
    return None


def position_in(text: str) -> str | None:
    """The first list position a message names ("the 2nd one", "第三部"), as written, or None."""
    for pattern in (_ZH_POSITION, _EN_POSITION, _MIDDLE_POSITION):
        for m in pattern.finditer(text):
            ref = m.group(0).strip()
            if parse_position(ref) is not None:
                return ref
    return None


def title_route(text: str, session: Session, finder: TitleFinder) -> tuple[str, dict[str, str]] | None:
    """(tool, args) when the message's item and its cue words make the intent plain, else None."""
    mentions = finder.find(text, session)
    if WHAT_IF.search(text):
        # "假设我从来没给Contact打过分呢": a hypothetical about titles in the message is a what-if on them
        if mentions and not WHY.search(text) and not SIMILAR_ASK.search(text):
            # "would Speed still be there if Star Wars wasn't in my history": the hypothesis is the if-clause's
            cue = IF_CLAUSE.search(text)
            inside = [m for m in mentions if cue is not None and m.start >= cue.end()]
            titles = [m.text for m in (inside or mentions)]
            return "what_if", ({"remove": titles} if HYPOTHETICAL_REMOVE.search(text) else {"add": titles})
        return None
    if SIMILAR.search(text):
        # "the 4th one looks great, show me stuff like it", "第三部挺对胃口，有同类型的吗"
        refs = [m.text for m in mentions] or ([p] if (p := position_in(text)) and session.shown else [])
        if len(refs) == 1 and SIMILAR_ASK.search(text) and not WHY.search(text):
            return "similar_to", {"item": refs[0]}
        return None
    shown = [m for m in mentions if m.shown]
    others = [m for m in mentions if not m.shown]
    position = position_in(text) if session.shown else None
    why, missing = WHY.search(text) is not None, MISSING.search(text) is not None
    if (
        len(others) == 1
        and not shown
        and position is None
        and missing
        and (why or "?" in text or "？" in text or not SEARCH.search(text))
    ):
        return "why_not", {"item": others[0].text}
    ref = shown[0].text if len(shown) == 1 and not others else (position if not mentions else None)
    if ref is None:
        return None
    if why and not missing:
        return "explain", {"item": ref}
    if why or SEARCH.search(text):
        return None
    if QUESTION.search(text):  # "你怎么会觉得我会喜欢X": a question about the item, not feedback on it
        return None
    feedback = feedback_kind(text)
    return ("remember_feedback", {"item": ref, "feedback": feedback}) if feedback else None
