"""The Gradio chat UI, chat first: the demo page (data-set users, new users) and the shop widget.

Who you are is decided on page load from the ``token`` query parameter (shop) or by the demo picker, and
kept server-side in ``gr.State``: the browser never names a user itself. The answer is in the conversation:
each pick is a card inside the assistant's message (``webapp.ui_cards``); a new visitor is offered popular
titles to tap in the chat. The UI's words follow the shopper's language (``webapp.ui_text``).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import Answer
from assistant.language import detect_language, display_title
from assistant.replies import describe_constraint
from because.errors import InputError
from catalogue.builtin import BUILTINS
from webapp import charts
from webapp.conversation import Conversation, demo_user, from_token
from webapp.score_chart import chart_html
from webapp.services import Services
from webapp.transparency import model_markdown, user_markdown
from webapp.ui_cards import Card, Turn, UiState, esc, fill_turn, md_escape, turn_html
from webapp.ui_text import browser_language, t

log = logging.getLogger(__name__)
ASSETS = Path(__file__).resolve().parent / "assets"
CSS = (ASSETS / "ui.css").read_text(encoding="utf-8")
JS = (ASSETS / "ui.js").read_text(encoding="utf-8")
HEAD = f"<style>{(ASSETS / 'page.css').read_text(encoding='utf-8')}</style>"
RECOMMEND, LIKE = "recommend", "like:"
WIDGET_CHAT_PX = 500  # fixed inside an iframe: the frame takes the widget's height (embed.js), not the reverse


def build_blocks(services: Services, mode: str = "demo") -> gr.Blocks:
    """``mode``: "demo" (user picker when the data set is public) or "shop" (compact widget, token only)."""
    rec = services.require_rec()
    demo = mode == "demo" and services.demo
    with gr.Blocks(title="Because - shop assistant" if demo else "Because", fill_height=demo) as blocks:
        state = gr.State(None)
        who = gr.Markdown(t("connecting", "en"), elem_id="b-who")
        with gr.Tabs():
            with gr.Tab(t("tab_chat", "en"), id="chat-tab") as chat_tab:
                chatbot = gr.Chatbot(
                    height="calc(100vh - 260px)" if demo else WIDGET_CHAT_PX,
                    min_height=320,
                    label=t("chat_label", "en"),
                    elem_id="chat",
                    buttons=["copy"],
                    scale=1,
                )
                msg = gr.Textbox(
                    label=t("message_label", "en"),
                    placeholder=t("placeholder", "en"),
                    max_length=2000,
                    submit_btn=True,
                    elem_id="msg",
                    lines=1,
                )
                action = gr.Textbox(elem_id="b-action", show_label=False, container=False)
                action_send = gr.Button("send action", elem_id="b-action-send")
                if demo:
                    with gr.Accordion(t("demo_pick", "en"), open=False, elem_id="demo-pick"):
                        with gr.Row():
                            user_dd = gr.Dropdown(
                                sorted(rec.histories, key=lambda u: (len(u), u)),
                                label=f"{rec.dataset} user",
                                value=None,
                                elem_id="user-pick",
                                scale=3,
                            )
                            use_btn = gr.Button(t("be_user", "en"), elem_id="use-user", scale=1)
            with gr.Tab(t("tab_about", "en"), id="about-tab", elem_id="transparency-tab") as about_tab:
                gr.Markdown(model_markdown(rec))
                gr.HTML(charts.figure_html(charts.weights_figure(rec), "global feature weights"))
                gr.Dataframe(
                    charts.weights_rows(rec),
                    headers=["feature", "c (everyone)", "diag W (your share)"],
                    label="all feature weights",
                    max_height=260,
                    interactive=False,
                )
                you = gr.Markdown(user_markdown(None), elem_id="about-you")
                forget_btn = gr.Button(t("forget", "en"), variant="stop", elem_id="forget")
        lang_outputs = [who, msg, chatbot, chat_tab, about_tab, forget_btn]
        turn_outputs = [state, chatbot, msg, you, who, chat_tab, about_tab, forget_btn]

        def on_load(request: gr.Request) -> tuple[Any, ...]:
            query = request.query_params if request is not None else {}
            lang = browser_language(query.get("lang"), request.headers.get("accept-language") if request else None)
            return _connected(UiState(Conversation(services, from_token(services, query.get("token"))), lang))

        def pick_user(user: str | None, st: UiState | None) -> tuple[Any, ...]:
            if not user:
                raise gr.Error("Choose a user first.")
            lang = st.lang if st else "en"
            return _connected(UiState(Conversation(services, demo_user(services, str(user))), lang))

        def _connected(st: UiState) -> tuple[Any, ...]:
            new = st.conv.identity.user is None and not st.conv.ratings()
            text = t("welcome_new", st.lang, things=_things(services, st.lang)) if new else t("welcome_known", st.lang)
            message: dict[str, Any] = {"role": "assistant", "content": text}
            if new:
                message["options"] = _title_options(services, st)
            st.chat = [message]
            return (st, *_language_updates(st), user_markdown(st.conv))

        def _language_updates(st: UiState) -> list[Any]:
            lang = st.lang
            return [
                _who(st),
                gr.update(label=t("message_label", lang), placeholder=t("placeholder", lang)),
                gr.update(value=st.chat, label=t("chat_label", lang)),
                gr.update(label=t("tab_chat", lang)),
                gr.update(label=t("tab_about", lang)),
                gr.update(value=t("forget", lang)),
            ]

        def respond(message: str, st: UiState | None) -> Iterator[tuple[Any, ...]]:
            if st is None or not (message or "").strip():
                yield (st, gr.skip(), gr.skip(), gr.skip(), *([gr.skip()] * 4))
                return
            for _ in _stream_turn(message, st):
                yield (st, st.chat, "", gr.skip(), *([gr.skip()] * 4))
            who_md, box, chat, *tabs = _language_updates(st)
            yield (st, chat, box, user_markdown(st.conv), who_md, *tabs)

        def auto(st: UiState | None) -> Iterator[tuple[Any, ...]]:
            yield from respond(t("recommend_message", st.lang if st else "en"), st)

        def on_option(ev: gr.SelectData, st: UiState | None) -> Iterator[tuple[Any, ...]]:
            value = str(ev.value.get("value") if isinstance(ev.value, dict) else ev.value)
            if st is None:
                return
            if value.startswith(LIKE):
                yield _liked(st, value[len(LIKE) :])
                return
            yield from respond(t("recommend_message", st.lang), st)

        def _liked(st: UiState, item: str) -> tuple[Any, ...]:
            title = display_title(rec.title(item))
            st.conv.rate({item: 5.0})
            n = len(st.conv.ratings())
            st.chat.append({"role": "user", "content": _escape_user(title)})
            st.chat.append(
                {
                    "role": "assistant",
                    "content": t("liked_noted", st.lang, title=title, n=n),
                    "options": _title_options(services, st),
                }
            )
            return (st, st.chat, gr.skip(), user_markdown(st.conv), _who(st), *([gr.skip()] * 3))

        def on_action(index: str, st: UiState | None) -> tuple[Any, ...]:
            if st is None or not str(index).isdigit() or int(index) >= len(st.actions):
                return (st, gr.skip(), "", gr.skip())
            kind, card, turn = st.actions[int(index)]
            try:
                st.conv.give_feedback(card.item, kind)
            except InputError as err:
                raise gr.Error(str(err)) from err
            card.note = t(f"{kind}_note", st.lang)
            _render(st, turn)
            return (st, st.chat, "", user_markdown(st.conv))

        def forget(st: UiState | None) -> tuple[Any, ...]:
            if st is None:
                return (st, gr.skip(), user_markdown(None), gr.skip())
            n = st.conv.forget()
            gr.Info(t("forgotten", st.lang, n=n))
            fresh = UiState(st.conv, st.lang)
            chat = _connected(fresh)[3]
            return (fresh, chat, user_markdown(fresh.conv), _who(fresh))

        blocks.load(on_load, None, [state, *lang_outputs, you])
        if demo:
            use_btn.click(pick_user, [user_dd, state], [state, *lang_outputs, you]).then(auto, state, turn_outputs)
        msg.submit(respond, [msg, state], turn_outputs)
        chatbot.option_select(on_option, state, turn_outputs)
        action_send.click(on_action, [action, state], [state, chatbot, action, you])
        forget_btn.click(forget, state, [state, chatbot, you, who])
    return blocks


def _things(services: Services, lang: str) -> str:
    films = getattr(services.rec, "dataset", "") in BUILTINS
    if lang == "zh":
        return "电影" if films else "商品"
    return "films" if films else "products"


def _title_options(services: Services, st: UiState) -> list[dict[str, str]]:
    """Popular titles not rated yet, as quick-reply chips (visible titles, not a wall of radio buttons)."""
    rec = services.require_rec()
    rated = st.conv.ratings()
    chips = [{"value": f"{LIKE}{i}", "label": display_title(rec.title(i))} for i in services.popular if i not in rated]
    return [*chips, {"value": RECOMMEND, "label": t("recommend_now", st.lang)}]


def _escape_user(text: str) -> str:
    """The shopper's words shown as typed: no HTML, no Markdown."""
    return md_escape(esc(text))


def _who(st: UiState) -> str:
    ident, lang = st.conv.identity, st.lang
    if ident.token_status == "valid":
        return t("signed_in", lang, label=ident.label)
    if ident.token_status == "demo":
        return t("demo_user", lang, label=ident.label)
    why = {"invalid": t("token_invalid", lang), "expired": t("token_expired", lang)}.get(ident.token_status, "")
    rated = len(st.conv.ratings())
    return t("new_user_rated", lang, why=why, n=rated) if rated else t("new_user", lang, why=why)


def _chart(st: UiState) -> Any:
    def draw(item: str, named: list[str]) -> str:
        try:
            return chart_html(st.conv.attribution(item), named, st.lang)
        except InputError as err:
            log.warning("no chart for %s: %s", item, err)
            return ""

    return draw


def _render(st: UiState, turn: Turn) -> None:
    st.chat[turn.at] = {"role": "assistant", "content": turn_html(turn, st.lang, _chart(st))}


def _stream_turn(message: str, st: UiState) -> Iterator[None]:
    """One turn, streamed into ``st.chat``: a pending step, the cards as soon as the picks exist, then each
    explanation as it is written, then the answer with its tool steps."""
    st.chat += [
        {"role": "user", "content": _escape_user(message)},
        {"role": "assistant", "content": f"<em>{t('working', st.lang)}</em>"},
    ]
    turn = Turn(at=len(st.chat) - 1)
    yield
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["result"] = st.conv.turn(message, on_event=lambda k, p: events.put((k, p)))
        except Exception as err:  # noqa: BLE001 - shown as a chat bubble, not a stack trace
            log.exception("turn failed")
            box["error"] = err
        events.put(("done", None))

    threading.Thread(target=work, daemon=True).start()
    while True:
        kind, payload = events.get()
        if kind == "done":
            break
        if kind == "recommendations":
            turn.cards = st.add_cards(payload, turn)
            turn.asked = _asked(st)
            _prefill(st, turn.cards, detect_language(message))
            _render(st, turn)
            yield
        elif kind == "reply" and payload:
            turn.reply = str(payload)
            _render(st, turn)
            yield
        elif kind == "explanation":
            card = next((c for c in turn.cards if c.item == str(payload.get("item"))), None)
            if card is not None:
                card.explained(payload)
                _render(st, turn)
                yield
    _finish(st, turn, box)
    yield


def _prefill(st: UiState, cards: list[Card], language: str) -> None:
    """Each card's checked template reason at once; the model's own text replaces it when it is in (the
    shopper reads reasons while the model writes one)."""
    try:
        for card, text in zip(cards, st.conv.templates([c.item for c in cards], language)):
            card.explained(text)
    except InputError as err:
        log.warning("no template reasons: %s", err)


def _asked(st: UiState) -> list[str]:
    zh = st.lang == "zh"
    return [describe_constraint(c, zh) for c in st.conv.session.constraints]


def _finish(st: UiState, turn: Turn, box: dict[str, Any]) -> None:
    result: Answer | None = box.get("result")
    if result is None:
        st.chat[turn.at] = {"role": "assistant", "content": t("error", st.lang, error=box.get("error"))}
        return
    st.lang = "zh" if result.language == "zh" else "en"
    if result.recommendations and not turn.cards:
        turn.cards = st.add_cards(result.recommendations, turn)
    if turn.cards:
        turn.asked = _asked(st)
    fill_turn(turn, result)
    st.turns.append(turn)
    _render(st, turn)


__all__ = ["CSS", "HEAD", "JS", "Card", "build_blocks"]
