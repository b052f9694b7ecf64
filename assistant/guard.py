"""What a chat message may be, before anything acts on it (what model text may be shown: ``screens``).

``check_message``: control and invisible characters are stripped; an empty or over-long message gets a
clear answer and leaves the session untouched; a language other than English or Chinese is answered in
English with a short note. ``injection_kind`` names a message that asks for the instructions, to act for
another user, to force an item, to insult, or that smuggles tool arguments; the router answers it with
``refusal`` and never asks the model. The user binding does not depend on any of this (tools take no user).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from assistant.language import detect_language

MAX_MESSAGE_CHARS = 2000

# ---- input -------------------------------------------------------------------------------------
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\uff21-\uff3a\uff41-\uff5a]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_FOREIGN_WORDS = frozenset(
    # Spanish, French, German, Italian, Portuguese words that are not also English words
    "el los una unos por para que qué quiero película películas pelicula peliculas recomienda recomiéndame "
    "recomiendame "
    "recomendar puedes algo cómo gracias hola muy mejor también dame ver "
    "les des une est pour avec qui quoi je vous moi voudrais veux recommande recommandez recommander conseille quel "
    "quelle quels merci bonjour peux regarder très aussi ça "
    "der das und ich nicht ein eine einen mit für bitte empfehlen empfiehl möchte filme ist mir mich etwas wie warum "
    "danke hallo guten sehen kannst "
    "il gli della dei voglio consigliami consiglia sono che cosa perché grazie ciao vedere qualcosa un "
    "filmes você eu não uma um quero recomende obrigado olá algum alguma assistir".split()
)
_ENGLISH_WORDS = frozenset(
    "the a an is are was me my i you your what why how which who recommend recommendation recommendations movie movies "
    "film films something anything like with and of to for please some show give want not no do don't about this "
    "that it "
    "in on can could would more other one ones".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

REFUSALS = {
    "empty": (
        'Your message was empty. Ask me e.g. "recommend me something" or "why the second one?".',
        "你的消息是空的。可以问我“给我推荐几部电影”或“为什么推荐第二个？”。",
    ),
    "too_long": (
        "Your message is too long ({n:,} characters). Please keep it under {max:,} characters, e.g. "
        '"recommend me something".',
        "你的消息太长了（{n:,}个字符）。请控制在{max:,}个字符以内，比如“给我推荐几部电影”。",
    ),
    "not_text": ('I can only read text messages. Ask me e.g. "recommend me something".', "我只能读文字消息。"),
    "impersonation": (
        "I can only use your own history in this conversation; I can't act as or show another user. "
        'Ask "what do you know about me?" to see what I use.',
        "我只能使用你自己的记录，不能切换到或查看其他用户。可以问“你对我了解多少？”看看我用了什么。",
    ),
    "smuggle": (
        "Tool arguments typed into the chat are not used: I always act for you, the person chatting. "
        'Ask in words, e.g. "recommend me 3 comedies".',
        "聊天里输入的工具参数不会被使用：我始终只为正在聊天的你服务。请直接用文字提问，比如“推荐三部喜剧”。",
    ),
    "prompt": (
        "I can't share my instructions, but I'm happy to help: ask me for recommendations or why I picked something.",
        "我不能透露我的指令，但可以帮你推荐电影或解释推荐理由。",
    ),
    "force": (
        "I can't put a chosen item into your list: the order comes from the recommender's scores. "
        'Ask "why not <title>?" to see where an item ranks for you.',
        "我不能把指定的条目放进推荐列表：顺序由推荐模型的分数决定。可以问“为什么不推荐某部电影？”看看它的排名。",
    ),
    "offensive": (
        "I'd rather not. I can recommend something or explain a pick instead.",
        "这个我不做。我可以为你推荐电影或解释推荐理由。",
    ),
    "override": (
        "I can't change how I work, but I can recommend items, explain a pick or say why something isn't recommended.",
        "我不能改变我的工作方式，但可以为你推荐、解释推荐理由，或说明为什么没推荐某部电影。",
    ),
}
UNSUPPORTED_NOTE = "I can only chat in English or Chinese (中文), so I'm answering in English."


@dataclass(frozen=True)
class CheckedMessage:
    text: str  # the message with control and invisible characters removed
    language: str  # the reply language: "en" or "zh"
    refusal: str | None = None  # set when the message cannot be served (empty, too long): say this, touch nothing
    note: str | None = None  # to put before the reply (an unsupported language)


def clean_text(text: str) -> str:
    """``text`` without control, format (zero-width, bidi), surrogate and private-use characters; tabs become spaces."""
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "):
        if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"):
            out.append(ch)
    return "".join(out).strip()


def language_support(text: str) -> tuple[str, bool]:
    """(reply language, supported): letters mostly of another script, or Latin-script words of another
    European language, are unsupported and answered in English."""
    letters = [ch for ch in text if ch.isalpha()]
    other = sum(1 for ch in letters if not _LATIN.match(ch) and not _HAN.match(ch))
    if letters and other >= 2 and other / len(letters) >= 0.3:
        return "en", False
    language = detect_language(text)
    if language == "en":
        words = [w.lower() for w in _WORD.findall(text)]
        foreign = sum(w in _FOREIGN_WORDS for w in words)
        english = sum(w in _ENGLISH_WORDS for w in words)
        if foreign >= 2 and foreign > english and foreign / len(words) >= 0.5:
            return "en", False
    return language, True


def check_message(message: Any) -> CheckedMessage:
    """The message as the agent should see it, or the refusal to give instead (see ``CheckedMessage``)."""
    if not isinstance(message, str):
        return CheckedMessage("", "en", REFUSALS["not_text"][0])
    text = clean_text(message)
    language, supported = language_support(text[:MAX_MESSAGE_CHARS])
    zh = int(language == "zh")
    if not text:
        return CheckedMessage("", language, REFUSALS["empty"][zh])
    if len(text) > MAX_MESSAGE_CHARS:
        return CheckedMessage("", language, REFUSALS["too_long"][zh].format(n=len(text), max=MAX_MESSAGE_CHARS))
    return CheckedMessage(text, language, None, None if supported else UNSUPPORTED_NOTE)


def add_note(reply: str, note: str | None) -> str:
    return f"{note} {reply}".strip() if note else reply


# ---- injection ---------------------------------------------------------------------------------
_KINDS: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(pattern, re.I))
    for kind, pattern in [
        (
            "impersonation",
            r"\b(?:i\s*am|i'?m|this\s+is|log(?:ged)?\s*in\s+as|sign(?:ed)?\s+in\s+as|acting\s+as|act\s+as|as)\s+(?:user|customer|account|member|admin|administrator|root)\b"
            r"|\b(?:user|customer|account|member)\s*(?:id\s*)?(?:#|no\.?|number)?\s*\d+|\b(?:another|other|different|some(?:one|body)\s+else'?s?)\s+(?:user|customer|account|person|profile)"
            r"|\bswitch\s+(?:to\s+)?(?:user|account|customer|profile)|\bimpersonat|\bon\s+behalf\s+of\b"
            r"|用户\s*(?:id)?\s*[#]?\s*\d+|\d+\s*号\s*用户|切换(?:到|成)?(?:用户|账号|账户)|(?:另一个|另一位|其他|别的|别人的?)(?:用户|账号|账户|人的)|以.{0,10}的身份|我是(?:用户|管理员)|登录(?:为|成)",
        ),
        (
            "smuggle",
            r"[\"']\s*(?:user|user_?id|uid|customer|session|session_?id)\s*[\"']\s*:|\b(?:user|user_?id|uid|session_?id)\s*=\s*\S"
            r"|[\"']\s*(?:tool|args|arguments|function|tool_calls?)\s*[\"']\s*:|<\s*/?\s*\|?\s*(?:tool_call|function_call|tool|system|im_start|im_end)\b"
            r"|\[\s*/?\s*(?:inst|system|sys)\s*\]|<<\s*sys\s*>>|^\s*(?:system|assistant|tool|developer)\s*:"
            r"|\b(?:recommend|explain|why_not|what_if|search_catalogue|similar_to|my_profile|remember_feedback)\s*\(\s*\w+\s*=",
        ),
        (
            "prompt",
            r"system\s*prompt|(?:hidden|secret|initial|original|internal|system)\s+(?:instructions|rules|prompt|message|guidelines)"
            r"|\byour\s+(?:instructions|rules|prompt|guidelines|directives|configuration|programming)\b|\bverbatim\b|\bwhat\s+(?:were|are)\s+you\s+told\b"
            r"|\b(?:repeat|print|show|reveal|output|display|dump|recite|leak|write\s+out)\s+(?:\w+\s+){0,4}(?:above|instructions|prompt|rules)\b"
            r"|系统提示|提示词|系统指令|系统消息|你的(?:指令|规则|设定|提示|指示)|初始(?:指令|设定|提示)|(?:复述|重复|原样|输出|打印|显示|透露|泄露|告诉我).{0,6}(?:指令|规则|提示|设定|上面的|以上的)",
        ),
        (
            "force",
            r"\b(?:always|every\s+time|from\s+now\s+on|only\s+ever|forever)\b[^.?!]{0,30}\b(?:recommend|suggest|put|show|include|pick|list)"
            r"|\b(?:put|place|pin|force|push|insert|inject|move)\b[^.?!]{1,40}?(?:\bfirst\b|\bon\s+top\b|\bat\s+the\s+top\b|(?:\bat|\bas)\s+(?:#|no\.?\s*|number\s+)?1\b|\bnumber\s+one\b|#\s*1\b"
            r"|\bin(?:to)?\s+(?:my|the|your|every(?:one'?s)?)\s+(?:list|recommendations|results|top))"
            r"|\b(?:recommend|suggest|show)\s+(?:me\s+)?(?:item|product|id|sku)\s*#?\s*\d+"
            r"|\b(?:must|has\s+to|have\s+to|needs?\s+to)\s+(?:be\s+)?(?:recommended|first|#\s*1|number\s+one|at\s+the\s+top|on\s+(?:the|my)\s+list)"
            r"|\b(?:make|rank)\s+[^.?!]{1,40}?\s+(?:#\s*1|number\s+one|the\s+top\s+(?:pick|recommendation)|(?:your\s+)?first\s+(?:pick|recommendation|choice))\b"
            r"|(?:总是|永远|一直|每次都|始终|以后都|从现在(?:开始|起))(?:要|都)?(?:推荐|推|放)|(?:必须|一定要|只能)(?:推荐|把)|强制推荐|置顶"
            r"|(?:把|将|让)[^，。？！,?!]{1,24}(?:放在|放到|排在|排到|排|列为|作为|成为)(?:第一|首位|最前|榜首|第1)|推荐(?:条目|物品|商品|编号|id)\s*\d+|第一个?(?:必须|一定|得)是",
        ),
        (
            "offensive",
            r"\b(?:insult|humiliate|mock|ridicule|belittle|curse\s+at|swear\s+at|yell\s+at|abuse)\s+(?:me|us|him|her|them|the|my|people|everyone|users?)\b"
            r"|\bswear\s*words?\b|\bcuss\b|\bprofanit|\bbe\s+(?:rude|mean|nasty|offensive|racist|sexist)\b|\btrash[-\s]?talk|\broast\s+me\b|\bhate\s+speech\b"
            r"|\b(?:say|write|tell)\s+(?:me\s+)?(?:something\s+|some\s+|a\s+)?(?:rude|mean|nasty|offensive|racist|sexist|hateful|vulgar|obscene|insulting)\b"
            r"|\b(?:racist|sexist|offensive|vulgar)\s+jokes?\b|\bcall\s+me\s+(?:an?\s+)?(?:idiot|stupid|moron|names|loser|fool|dumb)"
            r"|骂(?:我|人|他|她|用户|一下|几句)|侮辱|羞辱|脏话|粗话|粗口|说.{0,4}(?:难听|下流|恶毒|冒犯)|(?:种族|性别)歧视|嘲讽我|损我|喷我|叫我(?:白痴|笨蛋|傻瓜|蠢货)",
        ),
        (
            "override",
            r"\b(?:ignore|disregard|override|bypass|forget)\s+(?:(?:all|any|the|your|my|of|these|those|every|previous|prior|above|earlier|preceding|former|original"
            r"|initial|system|safety|current|existing)\s+){0,3}(?:instructions?|rules?|prompts?|guidelines?|directives?|polic(?:y|ies)|programming|commands?|orders?"
            r"|context|restrictions?|limitations?)\b|\bignore\s+(?:all\s+)?(?:previous|prior|above|preceding|everything)\b|\bforget\s+(?:everything|what\s+you\s+(?:were|have\s+been)\s+told)"
            r"|\byou\s+are\s+now\b|\bfrom\s+now\s+on\s+you\b|\bpretend\s+(?:to\s+be|you\s+are|that\s+you)|^(?:please\s+)?(?:now\s+)?act\s+as\b|\bact\s+as\s+(?:if\s+you|an?\s+(?:unrestricted|unfiltered|evil|different))"
            r"|\bjailbr[eo]a?k|\bdan\s+mode|\bdo\s+anything\s+now\b|\b(?:developer|admin|god|debug|maintenance|sudo|unrestricted|unfiltered)\s+mode\b|\bsudo\b|\bnew\s+(?:instructions|rules|system\s+prompt)\b"
            r"|忽略(?:之前|以上|上面|前面|上述|你的|所有|一切|系统|全部|先前)|无视(?:之前|以上|上面|前面|上述|你的|所有|一切|规则|指令|系统)|不要(?:理会|遵守)|忘(?:掉|记)(?:之前|以上|你的|所有|一切)"
            r"|(?:新的|最新)(?:指令|规则|系统提示)|你现在是|从现在(?:开始|起)你|假装(?:你|自己|成|是|为)|(?:你|请你?)(?:来)?扮演|(?:开发者|管理员|上帝|调试)模式|不受限制",
        ),
    ]
]


def _fold(text: str) -> str:
    """Text as the injection patterns read it: NFKC (full-width letters), no invisible characters, one space."""
    return " ".join(clean_text(unicodedata.normalize("NFKC", text)).split())


def injection_kind(message: str) -> str | None:
    """ "impersonation" | "smuggle" | "prompt" | "force" | "offensive" | "override", or None for an ordinary message."""
    text = _fold(message)
    return next((kind for kind, pattern in _KINDS if pattern.search(text)), None)


def refusal(message: str, zh: bool) -> str | None:
    """What to say to an injection attempt (in English or Chinese), or None for an ordinary message."""
    kind = injection_kind(message)
    return None if kind is None else REFUSALS[kind][int(zh)]
