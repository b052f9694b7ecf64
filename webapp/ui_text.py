"""Every word the chat UI itself shows, in English and Chinese (the assistant's own words are in assistant.replies).

The UI follows the shopper: the browser's language on load (``?lang=`` or Accept-Language), then the language
of each answer.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "zh"]

TEXT: dict[str, dict[Lang, str]] = {
    "connecting": {"en": "Connecting…", "zh": "正在连接…"},
    "signed_in": {"en": "Signed in by the shop as **{label}**.", "zh": "已由商店登录：**{label}**。"},
    "demo_user": {"en": "Demo: you are **{label}**.", "zh": "演示：你是 **{label}**。"},
    "new_user": {"en": "You are a **new user**{why}.", "zh": "你是**新用户**{why}。"},
    "new_user_rated": {
        "en": "You are a **new user**{why} with {n} rating(s).",
        "zh": "你是**新用户**{why}，已评 {n} 个。",
    },
    "token_invalid": {"en": " (the shop's token was not valid)", "zh": "（商店的令牌无效）"},
    "token_expired": {"en": " (the shop's token has expired)", "zh": "（商店的令牌已过期）"},
    "message_label": {"en": "Your message", "zh": "你的消息"},
    "placeholder": {
        "en": "Ask for recommendations, then “why the first one?”",
        "zh": "问我推荐什么，然后问“为什么推荐第一个？”",
    },
    "chat_label": {"en": "Conversation with Because", "zh": "与 Because 的对话"},
    "tab_chat": {"en": "Assistant", "zh": "助手"},
    "tab_about": {"en": "How it works", "zh": "工作原理"},
    "welcome_new": {
        "en": "Hi! Tell me a few {things} you liked (tap any below), or just ask me for recommendations.",
        "zh": "你好！告诉我几个你喜欢的{things}（点下面任意一个），或者直接让我推荐。",
    },
    "welcome_known": {
        "en": "Hi! Ask me for recommendations, then “why the first one?”, “something cheaper” or “no horror”.",
        "zh": "你好！可以让我推荐，然后问“为什么推荐第一个？”、“便宜一点的”或“不要恐怖片”。",
    },
    "liked_noted": {
        "en": "Noted: you liked {title} ({n} so far). Tap more, or ask me for recommendations.",
        "zh": "记下了：你喜欢《{title}》（已选 {n} 个）。可以再点几个，或者直接让我推荐。",
    },
    "recommend_now": {"en": "Recommend now", "zh": "现在推荐"},
    "recommend_message": {"en": "What would you recommend for me?", "zh": "给我推荐一些吧"},
    "like": {"en": "Like", "zh": "喜欢"},
    "dislike": {"en": "Dislike", "zh": "不喜欢"},
    "not_interested": {"en": "Not interested", "zh": "不感兴趣"},
    "why_full": {"en": "Why, in full", "zh": "完整的理由"},
    "writing": {"en": "writing why…", "zh": "正在写理由…"},
    "you_asked": {"en": "You asked", "zh": "你要的"},
    "template_badge": {"en": "written from the scorer's exact parts", "zh": "按打分模型的精确分项写成"},
    "checked_badge": {"en": "every claim checked against the scorer", "zh": "每条说法都已对照打分模型核对"},
    "liked_note": {"en": "Liked - noted: your next picks use it.", "zh": "已记下喜欢：之后的推荐会用到。"},
    "disliked_note": {"en": "Disliked - noted: I won't recommend it again.", "zh": "已记下不喜欢：不会再推荐它。"},
    "not_interested_note": {"en": "Not interested - noted: not shown again.", "zh": "已记下不感兴趣：不会再显示。"},
    "chart_caption": {
        "en": "The score {total} is the exact sum of these parts.",
        "zh": "总分 {total} 正好是这些分项之和。",
    },
    "chart_rest": {"en": "everything else ({n} parts)", "zh": "其余各项（{n} 项）"},
    "chart_total": {"en": "total", "zh": "总分"},
    "chart_raises": {"en": "raises the score", "zh": "加分"},
    "chart_lowers": {"en": "lowers the score", "zh": "减分"},
    "forget": {"en": "Forget me", "zh": "忘掉我"},
    "forgotten": {"en": "Deleted {n} stored row(s) about you.", "zh": "已删除关于你的 {n} 条记录。"},
    "error": {"en": "Sorry, something went wrong: {error}", "zh": "抱歉，出错了：{error}"},
    "tools": {"en": "What I did", "zh": "我做了什么"},
    "working": {"en": "Working…", "zh": "处理中…"},
    "demo_pick": {"en": "Demo: be a user of the data set", "zh": "演示：扮演数据集中的用户"},
    "be_user": {"en": "Be this user", "zh": "扮演这个用户"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The UI string ``key`` in ``lang`` (English when the language has none), with ``values`` filled in."""
    entry = TEXT[key]
    return entry.get("zh" if lang == "zh" else "en", entry["en"]).format(**values)


def browser_language(query_lang: str | None, accept_language: str | None) -> Lang:
    """``?lang=zh`` wins; else the first language of the Accept-Language header; English otherwise."""
    for tag in (query_lang, (accept_language or "").split(",")[0]):
        if tag and tag.strip().lower().startswith("zh"):
            return "zh"
        if tag and tag.strip():
            return "en"
    return "en"
