"""Claims the facts cannot back, found by their wording: feelings turned round ("you hated X" for a 5★),
ratings in words ("five stars", "满分"), shares blown up ("nearly everything you watch"), people the
catalogue does not name ("哈里森·福特主演", "starring ..."), invented statistics, and broken sentences.

Each rule returns failed ``Claim``s; the checker adds them to its own. A rule errs on the side of
rejecting: a rejected true text falls back to the template, a passed false one reaches the shopper.
"""

from __future__ import annotations

import re

from assistant.explaining.facts import ExplanationFacts
from assistant.language import sentence_spans

_W, _E = r"(?<![A-Za-z])", r"(?![A-Za-z])"
HATE = re.compile(
    _W + r"(?:hated|hate|disliked|dislike|didn't like|did not like|didn't enjoy|couldn't stand|not a fan|"
    r"loathed|weren't keen|wasn't for you)" + _E + r"|讨厌|不喜欢|不爱看|反感|受不了|不感冒",
    re.IGNORECASE,
)
LOVE = re.compile(
    _W
    + r"(?:loved|love|adored|adore|your favou?rites?|enjoyed|a big fan|really liked)"
    + _E
    + r"|喜爱|很爱|最爱|钟爱|非常喜欢|特别喜欢|很喜欢",
    re.IGNORECASE,
)
WORD_RATINGS = {
    "five stars": 5.0, "four stars": 4.0, "three stars": 3.0, "two stars": 2.0, "one star": 1.0,
    "full marks": 5.0, "top marks": 5.0, "a perfect score": 5.0, "perfect score": 5.0, "满分": 5.0,
}  # fmt: skip
_WORD_RATING = re.compile("|".join(re.escape(w) for w in WORD_RATINGS), re.IGNORECASE)
EXAGGERATED = re.compile(
    _W + r"(?:nearly (?:every|all)|almost (?:every|all)|all (?:of )?(?:your|the (?:films|things|gear|items))|"
    r"every (?:film|movie|item|thing|product|piece)|everything you|the vast majority|all you (?:watch|buy)|"
    r"only ever|exclusively)" + _E + r"|几乎全|几乎都|全都是|全是|都是|清一色|绝大多数|无一例外|只看|只买",
    re.IGNORECASE,
)
MOST = re.compile(
    _W + r"(?:most of|mostly|the majority of|more than half)" + _E + r"|大部分|大多数|多半|一半多|过半", re.I
)
CROWD = re.compile(
    _W + r"(?:everyone|everybody|every(?: single)? (?:viewer|buyer|shopper|customer)|critics?|reviewers?|"
    r"acclaimed|award[- ]winning|oscar|best-?sellers?|best-?selling|top-?rated|highly rated|five-star reviews?|"
    r"approval|satisfaction|fans of)"
    + _E
    + r"|所有人|每个人|人人|影评|评论家|好评|口碑|获奖|奥斯卡|畅销|销量|评分高达|满意度|推荐率|回购",
    re.IGNORECASE,
)
PEOPLE = re.compile(
    _W + r"(?:starring|directed|director|directs|cast|actor|actress|written by|writer|designed by|designer|"
    r"athlete|sponsored|endorsed|created by|produced by)"
    + _E
    + r"|主演|导演|执导|出演|演员|编剧|设计师|代言|运动员|监制|[\u4e00-\u9fff]{1,4}·[\u4e00-\u9fff]{1,6}",
    re.IGNORECASE,
)
LITTLE_KNOWN = re.compile(
    _W + r"(?:overlooked|hidden gem|hardly anyone|little[- ]known|obscure|under[- ]the[- ]radar|few people know|"
    r"not many people|rarely seen|cult)" + _E + r"|冷门|小众|鲜为人知|很少有人|没什么人|少有人|无人问津",
    re.IGNORECASE,
)
NARRATIVE = re.compile(
    _W + r"(?:story|stories|plot|tale|about an? |follows|tells|set in|chilling|haunting|gripping|grippy|sure-footed|"
    r"beam|battery|lasts|lights|metres|meters|hours|explosive|thrilling|heartwarming|gorgeous|stunning|brilliant|"
    r"masterpiece|unforgettable|rain-soaked|breathtaking|sole|fabric|comfortable|durable|sturdy|hurricanes?|storms?)"
    + _E
    + r"|讲的是|讲述|故事|情节|为背景|延续|反转|氛围|气氛|阴森|压抑|血腥|幽默|色彩|画面|震撼|感人|温馨|亮度|电池|"
    r"小时|照亮|鞋底|抓地|续航|做工|质感|面料|舒适|耐用|结实|暴风|对决|激战",
    re.IGNORECASE,
)
TASTE = re.compile(
    _W + r"(?:you (?:always|clearly|obviously|really|tend to|usually)|you've always|always go for|soft spot|"
    r"die-hard|you're a .{0,30}fan|right up your street|your style|your kind of)"
    + _E
    + r"|你一向|你一直|你总是|你显然|偏爱|钟情|你的风格|胃口|合你的口味|你就爱",
    re.IGNORECASE,
)
_EN_DANGLING = {"and", "the", "for", "to", "of", "which", "with", "because", "a", "an", "your", "but", "or"}
_ZH_DANGLING = re.compile(r"(?:和|与|及|的|因为|所以|而且)\s*[。！？!?]?\s*$")
_ZH_EMPTY_CONJ = re.compile(r"(?:和|与|及)[，,、。]")
_EN_EMPTY_CONJ = re.compile(r"\b(?:and|or|the|of)\s*[,.;]", re.IGNORECASE)
_ZH_NOUN_ONLY = re.compile(r"^(?:不过|但是|但|而且|另外)?[，,]?\s*你(?:看过|买过|评过|给过|选过)的x+\s*[。.]?$")


def _sentences(text: str) -> list[tuple[int, int]]:
    return sentence_spans(text) or [(0, len(text))]


def _fail(kind: str, span: str, why: str, start: int) -> dict:
    return {"kind": kind, "span": span, "reason": why, "start": start}


def feelings(text: str, facts: ExplanationFacts, titled: list[tuple[int, str]]) -> list[dict]:
    """ "you hated X" where X was rated 4-5★; "you loved X" where X was rated 1-2★ (same sentence)."""
    out = []
    for a, b in _sentences(text):
        in_sentence = [key for pos, key in titled if a <= pos < b]
        ratings = [facts.history_ratings[k] for k in in_sentence if k in facts.history_ratings]
        for m in HATE.finditer(text, a, b):
            if any(r >= 4 for r in ratings):
                out.append(
                    _fail("feeling", m.group(0), "the user rated it 4★ or more; it was not disliked.", m.start())
                )
        for m in LOVE.finditer(text, a, b):
            if any(r <= 2 for r in ratings):
                out.append(_fail("feeling", m.group(0), "the user rated it 2★ or less; it was not loved.", m.start()))
    return out


def word_ratings(text: str, facts: ExplanationFacts, titled: list[tuple[int, str]]) -> list[dict]:
    """ "five stars", "top marks", "满分" must be the rating of a past item named in the same sentence."""
    out = []
    for m in _WORD_RATING.finditer(text):
        value = WORD_RATINGS[m.group(0).lower()]
        a, b = next(((a, b) for a, b in _sentences(text) if a <= m.start() < b), (0, len(text)))
        ratings = [facts.history_ratings[k] for pos, k in titled if a <= pos < b and k in facts.history_ratings]
        if not ratings or all(abs(r - value) > 1e-6 for r in ratings):
            out.append(_fail("number", m.group(0), f"no past item named here was rated {value:g}★.", m.start()))
    return out


def shares(text: str, facts: ExplanationFacts) -> list[dict]:
    """ "nearly everything you watch is X" needs a share of 90% or more; "most of" one over 50%."""
    top = max((f.share_pct for f in facts.all if f.share_pct is not None), default=0)
    out = [
        _fail("share", m.group(0), f"no share of the history is that large (largest: {top}%).", m.start())
        for m in EXAGGERATED.finditer(text)
        if top < 90
    ]
    out += [
        _fail("share", m.group(0), f"no share of the history is over half (largest: {top}%).", m.start())
        for m in MOST.finditer(text)
        if top <= 50
    ]
    return out


def unverifiable(text: str, facts: ExplanationFacts) -> list[dict]:
    """Other people's opinions and statistics, and people (cast, makers): nothing in the facts says so."""
    out = [_fail("content", m.group(0), "other people's opinions or statistics are not in the facts.", m.start())
           for m in CROWD.finditer(text)]  # fmt: skip
    out += [_fail("content", m.group(0), "the catalogue names no people for this item.", m.start())
            for m in PEOPLE.finditer(text)]  # fmt: skip
    out += [_fail("content", m.group(0), "the catalogue says nothing like this about the item.", m.start())
            for m in NARRATIVE.finditer(text)]  # fmt: skip
    out += [_fail("taste", m.group(0), "the facts show shares of a history, not a lasting taste.", m.start())
            for m in TASTE.finditer(text)]  # fmt: skip
    share = facts.popular_share
    if share is not None and share <= 0.5:
        out += [
            _fail("popularity", m.group(0), f"it is among the {100 * share:.0f}% most chosen items.", m.start())
            for m in LITTLE_KNOWN.finditer(text)
        ]
    return out


def broken(text: str) -> list[dict]:
    """A sentence that stops ("... and, which holds.", "因为你的《X》和，所以…的。")."""
    out = []
    for a, b in _sentences(text):
        sentence = text[a:b].strip()
        words = re.findall(r"[A-Za-z']+", sentence)
        ends_open = bool(words) and sentence.rstrip(".!?").endswith(words[-1]) and words[-1].lower() in _EN_DANGLING
        if (
            ends_open
            or _ZH_DANGLING.search(sentence)
            or _ZH_EMPTY_CONJ.search(sentence)
            or _EN_EMPTY_CONJ.search(sentence)
            or _ZH_NOUN_ONLY.match(sentence)
        ):
            out.append(_fail("sentence", sentence[-20:], "this sentence is broken off or ungrammatical.", a))
    return out


def content_problems(text: str, masked: str, facts: ExplanationFacts, titled: list[tuple[int, str]]) -> list[dict]:
    """Every failed wording rule. ``masked``: the text with titles blanked (their words are data);
    ``titled``: (position, fact key) of each past item the text names."""
    return (
        feelings(masked, facts, titled)
        + word_ratings(masked, facts, titled)
        + shares(masked, facts)
        + unverifiable(masked, facts)
        + broken(masked)
    )
