"""The Gradio chat UI: a demo page (pick a data-set user or start as a new user) and the shop widget.

Who you are is decided on page load from the ``token`` query parameter (shop) or by the demo
pickers, and kept server-side in ``gr.State``: the browser never names a user itself.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant import Answer
from because.errors import InputError
from webapp import charts
from webapp.conversation import Conversation, demo_user, from_token, guest
from webapp.services import Services
from webapp.transparency import model_markdown, user_markdown
from webapp.ui_cards import MAX_CARDS, NOTES, UiState, cards_from, reply_text, tool_messages

log = logging.getLogger(__name__)
AUTO_MESSAGE = "What would you recommend for me?"
SKIP = "skip"
CSS = ".because-card {padding: 6px !important} footer {display: none !important}"


def build_blocks(services: Services, mode: str = "demo") -> gr.Blocks:
    """``mode``: "demo" (user picker when the data set is public) or "shop" (compact widget, token only)."""
    rec = services.require_rec()
    demo = mode == "demo" and services.demo
    with gr.Blocks(title="Because - shop assistant" if mode == "demo" else "Because") as blocks:
        state = gr.State(None)
        who = gr.Markdown("Connecting…", elem_id="who")
        with gr.Tabs():
            with gr.Tab("Assistant"):
                if demo:
                    with gr.Accordion("Demo: be a user of the data set", open=True):
                        with gr.Row():
                            user_dd = gr.Dropdown(
                                sorted(rec.histories, key=lambda u: (len(u), u)),
                                label=f"{rec.dataset} user",
                                value=None,
                                elem_id="user-pick",
                                scale=3,
                            )
                            use_btn = gr.Button("Be this user", elem_id="use-user", scale=1)
                with gr.Accordion("New here? Rate a few popular titles", open=False, elem_id="cold-start") as cold:
                    radios = [
                        gr.Radio([SKIP, "1", "2", "3", "4", "5"], value=SKIP, label=rec.title(i), container=False)
                        for i in services.popular
                    ]
                    rate_btn = gr.Button("Start with these ratings", elem_id="rate")
                with gr.Row() if mode == "demo" else gr.Column():
                    with gr.Column(scale=5):
                        chatbot = gr.Chatbot(
                            height=460 if mode == "demo" else 340,
                            label="Because",
                            elem_id="chat",
                            feedback_options=None,
                            buttons=["copy"],
                        )
                        msg = gr.Textbox(
                            placeholder="Ask for recommendations, then “why the second one?”",
                            max_length=2000,
                            show_label=False,
                            submit_btn=True,
                            elem_id="msg",
                        )
                    with gr.Column(scale=6):
                        slots = _card_slots()
            with gr.Tab("How it works", elem_id="transparency-tab"):
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
                forget_btn = gr.Button("Forget me", variant="stop", elem_id="forget")
        card_outputs = [c for slot in slots for c in slot[:3]]
        chat_outputs = [msg, chatbot, *card_outputs]

        def on_load(request: gr.Request) -> tuple[Any, ...]:
            token = request.query_params.get("token") if request is not None else None
            conv = Conversation(services, from_token(services, token))
            return _connected(UiState(conv))

        def pick_user(user: str | None, st: UiState | None) -> tuple[Any, ...]:
            if not user:
                raise gr.Error("Choose a user first.")
            return _connected(UiState(Conversation(services, demo_user(services, str(user)))))

        def rate(st: UiState | None, *values: str) -> tuple[Any, ...]:
            ratings = {i: float(v) for i, v in zip(services.popular, values) if v and v != SKIP}
            if not ratings:
                raise gr.Error("Rate at least one title (1 to 5), or just ask for recommendations.")
            if st is None or (demo and st.conv.identity.token_status == "demo"):
                st = UiState(Conversation(services, guest()))
            st.conv.rate(ratings)
            return _connected(UiState(st.conv))

        def _connected(st: UiState) -> tuple[Any, ...]:
            new = st.conv.identity.user is None and not st.conv.ratings()
            return (st, _who(st), user_markdown(st.conv), gr.update(open=new), [], *_hide_all())

        connect_outputs = [state, who, you, cold, chatbot, *card_outputs]
        blocks.load(on_load, None, connect_outputs)
        if demo:
            use_btn.click(pick_user, [user_dd, state], connect_outputs).then(_auto, [chatbot, state], chat_outputs)
        rate_btn.click(rate, [state, *radios], connect_outputs).then(_auto, [chatbot, state], chat_outputs)
        msg.submit(_respond, [msg, chatbot, state], chat_outputs).then(
            lambda st: user_markdown(st and st.conv), state, you
        )
        for i, (_grp, md, _plot, buttons) in enumerate(slots):
            for kind, btn in buttons.items():
                btn.click(_feedback_handler(i, kind), state, [md, you])

        def forget(st: UiState | None) -> tuple[Any, ...]:
            if st is None:
                return (st, "", user_markdown(None), [], *_hide_all())
            n = st.conv.forget()
            st.cards = []
            gr.Info(f"Deleted {n} stored row(s) about you.")
            return (st, _who(st), user_markdown(st.conv), [], *_hide_all())

        forget_btn.click(forget, state, [state, who, you, chatbot, *card_outputs])
    return blocks


def _card_slots() -> list[tuple[Any, Any, Any, dict[str, Any]]]:
    slots = []
    for i in range(MAX_CARDS):
        with gr.Group(visible=False, elem_id=f"card-{i}", elem_classes=["because-card"]) as grp:
            md = gr.Markdown(elem_id=f"card-text-{i}")
            plot = gr.HTML(elem_id=f"chart-{i}")
            with gr.Row():
                buttons = {
                    "liked": gr.Button("Like", size="sm", elem_id=f"like-{i}"),
                    "disliked": gr.Button("Dislike", size="sm", elem_id=f"dislike-{i}"),
                    "not_interested": gr.Button("Not interested", size="sm", elem_id=f"not-interested-{i}"),
                }
        slots.append((grp, md, plot, buttons))
    return slots


def _hide_all() -> list[Any]:
    return [gr.update(visible=False), "", ""] * MAX_CARDS


def _who(st: UiState) -> str:
    ident = st.conv.identity
    if ident.token_status == "valid":
        return f"Signed in by the shop as **{ident.label}**."
    if ident.token_status == "demo":
        return f"Demo: you are **{ident.label}**."
    why = {"invalid": " (the shop's token was not valid)", "expired": " (the shop's token has expired)"}.get(
        ident.token_status, ""
    )
    rated = len(st.conv.ratings())
    return f"You are a **new user**{why}" + (
        f" with {rated} rating(s)." if rated else ": rate a few titles or just ask."
    )


def _card_updates(st: UiState, only: set[int] | None = None, plots: bool = True) -> list[Any]:
    out: list[Any] = []
    for i in range(MAX_CARDS):
        if only is not None and i not in only:
            out += [gr.skip()] * 3
        elif i < len(st.cards):
            card = st.cards[i]
            figure = gr.skip()
            if plots:
                try:
                    figure = charts.attribution_html(st.conv.attribution(card.item))
                except InputError as err:
                    log.warning("no chart for %s: %s", card.item, err)
                    figure = ""
            out += [gr.update(visible=True), card.markdown(), figure]
        else:
            out += [gr.update(visible=False), "", ""]
    return out


def _respond(message: str, chat: list[dict[str, Any]] | None, st: UiState | None) -> Iterator[tuple[Any, ...]]:
    """Stream one turn: tool step (pending), cards with charts as soon as the picks exist, then each explanation."""
    chat = list(chat or [])
    if st is None or not (message or "").strip():
        yield ("", chat, *([gr.skip()] * 3 * MAX_CARDS))
        return
    chat += [
        {"role": "user", "content": message},
        {"role": "assistant", "content": "", "metadata": {"title": "Working…", "status": "pending"}},
    ]
    step_at = len(chat) - 1
    yield ("", chat, *([gr.skip()] * 3 * MAX_CARDS))
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
            st.cards = cards_from(payload)
            yield ("", chat, *_card_updates(st))
        elif kind == "reply" and payload:
            chat.append({"role": "assistant", "content": str(payload)})
            yield ("", chat, *([gr.skip()] * 3 * MAX_CARDS))
        elif kind == "explanation":
            hit = next((n for n, c in enumerate(st.cards) if c.item == payload.get("item")), None)
            if hit is not None:
                card = st.cards[hit]
                card.text, card.checked, card.fallback = (
                    payload.get("text", ""),
                    bool(payload.get("checked")),
                    bool(payload.get("fallback", True)),
                )
                yield ("", chat, *_card_updates(st, only={hit}, plots=False))
    yield _finish(chat, step_at, st, box)


def _finish(chat: list[dict[str, Any]], step_at: int, st: UiState, box: dict[str, Any]) -> tuple[Any, ...]:
    result: Answer | None = box.get("result")
    if result is None:
        err = box.get("error")
        chat[step_at] = {"role": "assistant", "content": f"Sorry, something went wrong: {err}"}
        return ("", chat, *([gr.skip()] * 3 * MAX_CARDS))
    shown = [c.item for c in st.cards]
    new_cards = result.recommendations and [r["item"] for r in result.recommendations[:MAX_CARDS]] != shown
    if new_cards:
        st.cards = cards_from(result.recommendations)
    texts = {e["item"]: e for e in result.explanations}
    for card in st.cards:
        e = texts.get(card.item)
        if e and not card.text:
            card.text, card.checked, card.fallback = (
                e.get("text", ""),
                bool(e.get("checked")),
                bool(e.get("fallback", True)),
            )
    steps = tool_messages(result.tool_calls)
    text = reply_text(result, st.cards)
    chat = chat[:step_at] + steps + [{"role": "assistant", "content": text}]
    return ("", chat, *_card_updates(st, plots=bool(new_cards)))


def _auto(chat: list[dict[str, Any]] | None, st: UiState | None) -> Iterator[tuple[Any, ...]]:
    yield from _respond(AUTO_MESSAGE, chat, st)


def _feedback_handler(slot: int, kind: str) -> Any:
    def handle(st: UiState | None) -> tuple[Any, Any]:
        if st is None or slot >= len(st.cards):
            return gr.skip(), gr.skip()
        card = st.cards[slot]
        st.conv.give_feedback(card.item, kind)
        card.note = NOTES[kind]
        return card.markdown(), user_markdown(st.conv)

    return handle
