"""The agent: LangChain's ``create_agent`` loop over the session-bound tools.

On the small local models the loop's "model" is ``RouterChatModel``: it turns a routing decision
(fast rule, or a JSON-schema-constrained choice from the language model) into a real tool call,
and after the tool's observation ends the turn with a short templated reply. A model with
working native tool calls (or a scripted fake in tests) can drive the same loop directly.

    assistant = Assistant(rec, Session.new(user="42"), catalogue=cat, llm=make_chat_model(settings))
    answer = assistant.respond("why the second one?")
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from itertools import count
from typing import Any

from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict

from assistant import guard
from assistant.answer import Answer, error_reply, reply_for, write_explanations
from assistant.fast_routes import Decision
from assistant.router import Router, looks_like_hijack, render_prompt
from assistant.session import Session
from because.errors import LanguageModelError
from tools import ToolContext, ToolResult, make_tools, run_tool
from tools.constraints import vocabulary

log = logging.getLogger(__name__)
LLM_RETRY_AFTER_S = 60.0  # after a failure, skip the model this long instead of waiting on it every turn
LLM_BUSY_RETRY_S = 10.0  # after the model's queue was too long (others are using it), try again sooner
LANGUAGE_NAMES = {"en": "English", "zh": "Chinese (简体中文)"}


class RouterChatModel(BaseChatModel):
    """A chat model for ``create_agent`` whose tool calls come from ``Assistant.plan``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    planner: Any
    tool_names: tuple[str, ...] = ()

    @property
    def _llm_type(self) -> str:
        return "because-router"

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any) -> "RouterChatModel":
        names = tuple(convert_to_openai_tool(t)["function"]["name"] for t in tools)
        return self.model_copy(update={"tool_names": names})

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.planner.plan(messages, self.tool_names))])


class Assistant:
    """One conversation with one bound user. Not thread-safe: one per session."""

    def __init__(self, rec: Any, session: Session, *, catalogue: Any | None = None, store: Any | None = None,
                 llm: Any | None = None, model: BaseChatModel | None = None, explain_llm: Any | None = "same",
                 catalogue_name: str | None = None, llm_explanations: int | None = 1,
                 stream_explanations: bool = True, intent: Any = "shared") -> None:
        self.rec, self.session, self.llm = rec, session, llm
        self.explain_llm = llm if explain_llm == "same" else explain_llm
        self.llm_explanations = llm_explanations  # items per turn whose explanation the model writes; the rest use the template
        self.stream_explanations = stream_explanations
        self.ctx = ToolContext.build(rec, session, catalogue, store)
        self.ctx.on_result = self._on_result
        genres = vocabulary(self.ctx.items, self.ctx.schema, "genres") if self.ctx.schema.get("genres") == "multi" else []
        name = catalogue_name or getattr(catalogue, "name", None) or rec.dataset
        self.catalogue_name = f"the {name} catalogue"
        self.router = Router(llm, catalogue=self.catalogue_name, genres=genres, titles=rec.titles, intent=intent)
        self.tools = make_tools(self.ctx)
        self.native = model is not None
        self.model = model if model is not None else RouterChatModel(planner=self)
        self.graph = create_agent(self.model, self.tools, system_prompt=self._system_prompt("en"))
        self._ids = count(1)
        self._llm_down_until = 0.0
        self._turn: dict[str, Any] = {}

    # ---- the model side of the loop ----------------------------------------------------------
    def plan(self, messages: list[BaseMessage], tool_names: Sequence[str]) -> AIMessage:
        """Next message of the loop: a tool call for a new user message, a short reply after a tool."""
        last_human = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
        results = [m for m in messages[last_human + 1:] if isinstance(m, ToolMessage)]
        if results:
            return AIMessage(content=self._reply_after_tools(results))
        text = str(messages[last_human].content)
        decision = self._decide(text)
        self._turn["route"] = decision.source
        if decision.tool == "answer" or decision.tool not in tool_names:
            return AIMessage(content=self._free_answer(text))
        call = {"name": decision.tool, "args": decision.args, "id": f"call_{next(self._ids)}", "type": "tool_call"}
        return AIMessage(content="", tool_calls=[call])

    def _llm_usable(self) -> bool:
        return self.llm is not None and time.monotonic() >= self._llm_down_until

    def _llm_failed(self, err: Exception) -> None:
        log.info("language model failed: %s", err)
        busy = "language model is busy" in str(err)  # llm_queue.QueueTimeout, possibly passed on as text
        self._llm_down_until = time.monotonic() + (LLM_BUSY_RETRY_S if busy else LLM_RETRY_AFTER_S)
        self._turn["llm_error"] = str(err)
        self._turn["llm_busy"] = busy

    def _decide(self, text: str) -> Decision:
        return self.router.decide(self.session, text, model_usable=self._llm_usable(), on_model_error=self._llm_failed)

    def _reply_after_tools(self, results: list[ToolMessage]) -> str:
        lang = self.session.language
        parts = []
        for m in results:
            art = m.artifact if isinstance(m.artifact, ToolResult) else None
            data = art.data if art is not None else ({"error": str(m.content)[7:]} if str(m.content).startswith("Error: ") else {})
            parts.append(reply_for(m.name or "", data, lang, self.rec))
        return " ".join(p for p in parts if p)

    def _system_prompt(self, language: str) -> str:
        return render_prompt("system.md", catalogue=self.catalogue_name, language=LANGUAGE_NAMES.get(language, "English"))

    def _free_answer(self, text: str) -> str:
        """A reply for a message no tool serves: the model's, or a fixed help text."""
        zh = self.session.language == "zh"
        help_text = ("我可以为你推荐、解释推荐理由（比如“为什么推荐第二个？”）、说明为什么没推荐某部、找相似的条目，或告诉你我对你了解多少。"
                     if zh else "I can recommend items, explain a pick (\"why the second one?\"), say why something isn't recommended, "
                     "find similar items, or show what I know about you.")
        if looks_like_hijack(text) or not self._llm_usable() or self.llm is None:
            return guard.refusal(text, zh) or help_text
        from assistant.llm_backend import chat_text

        try:
            reply = chat_text(self.llm, [SystemMessage(self._system_prompt(self.session.language)), HumanMessage(text[:1000])],
                              max_tokens=120).strip()
        except LanguageModelError as err:
            self._llm_failed(err)
            return help_text
        if not reply or not guard.screen_free_answer(reply, self):
            return help_text
        return reply

    # ---- one turn ----------------------------------------------------------------------------
    def _on_result(self, name: str, result: ToolResult) -> None:
        now = time.perf_counter() - self._turn.get("t0", time.perf_counter())
        self._turn.setdefault("t_tool", now)
        if name == "recommend" and "recommendations" in result.data:
            self._turn.setdefault("t_structured", now)
            emit = self._turn.get("on_event")
            if emit is not None:
                emit("recommendations", [_rec_dict(r) for r in result.data["recommendations"]])

    def respond(self, message: str, on_event: Callable[[str, Any], None] | None = None) -> Answer:
        """Answer one message. Never raises for model or tool trouble: the answer carries a notice."""
        t0 = time.perf_counter()
        checked = guard.check_message(message)  # empty, over-long, control characters, unsupported language
        if checked.refusal is not None:
            return guard.refuse(checked.refusal, on_event)
        message, lang = checked.text, checked.language
        self._turn = {"t0": t0, "on_event": on_event}
        self.session.language = lang
        first_call = len(self.ctx.calls)
        results, reply = self._run_graph(message)
        if not results and not reply:  # the loop itself broke: still recommend
            results, reply = self._direct_recommend()
        reply = guard.add_note(guard.screen_reply(reply, results, self), checked.note)
        answer = Answer(text=reply, language=lang)
        calls = self.ctx.calls[first_call:]
        answer.tool_calls = [{"name": c["name"], "args": c["args"]} for c in calls]
        llm_for_text = self.explain_llm if self._llm_usable() else None

        def emit(kind: str, payload: Any) -> None:
            guard.screen_explanation(kind, payload, self, lang)
            now = time.perf_counter() - t0
            if kind == "delta":
                self._turn.setdefault("t_first_token", now)
            if kind == "explanation":
                self._turn.setdefault("t_first_explanation", now)
            if kind in ("explanation", "reply", "delta"):
                self._turn.setdefault("t_first_prose", now)
            if kind == "llm_failed":
                self._llm_failed(RuntimeError(payload))
                return
            if on_event is not None:
                on_event(kind, payload)

        emit("reply", reply)
        for name, result in results:
            data = result.data
            if name == "recommend" and "recommendations" in data:
                answer.recommendations = [_rec_dict(r) for r in data["recommendations"]]
                answer.explanations += write_explanations(data["explanations"], lang, llm_for_text, self.rec, emit,
                                                          self.llm_explanations, self.stream_explanations)
            elif name == "explain" and "explanation" in data:
                answer.explanations += write_explanations([data["explanation"]], lang, llm_for_text, self.rec, emit,
                                                          stream=self.stream_explanations)
            elif name in ("search_catalogue", "similar_to") and "results" in data:
                answer.results = [{"item": r["id"], "title": r["title"]} for r in data["results"]]
            elif name == "what_if" and "what_if" in data:
                answer.recommendations = [_rec_dict(r) for r in data["what_if"].after]
        if self._turn.get("llm_error") or (self.llm is not None and not self._llm_usable()):
            if self._turn.get("llm_busy"):
                answer.notice = ("（现在使用的人较多：这次的解释由模板生成。）" if lang == "zh"
                                 else "(Many shoppers are chatting right now: this time the explanations come from templates.)")
            else:
                answer.notice = ("（语言模型暂时不可用：推荐和解释由模板生成。）" if lang == "zh"
                                 else "(The language model is unavailable right now: recommendations and explanations come from templates.)")
        if results:
            self.session.last_tool = results[-1][0]
        self.session.add_turn("user", message)
        self.session.add_turn("assistant", reply, answer.tool_calls)
        answer.timings = {k: round(v, 3) for k, v in self._turn.items() if k.startswith("t_")}
        answer.timings["t_total"] = round(time.perf_counter() - t0, 3)
        answer.timings.setdefault("t_first_prose", answer.timings["t_total"])
        return answer

    def _run_graph(self, message: str) -> tuple[list[tuple[str, ToolResult]], str]:
        try:
            state = self.graph.invoke({"messages": [HumanMessage(message)]}, config={"recursion_limit": 10})
        except Exception as err:  # noqa: BLE001 - the user gets recommendations, not a trace
            log.info("agent loop failed: %s", err, exc_info=True)
            if isinstance(err, LanguageModelError) or "openai" in type(err).__module__:
                self._llm_failed(err)
            return [], ""
        results: list[tuple[str, ToolResult]] = []
        reply = ""
        for m in state["messages"]:
            if isinstance(m, ToolMessage):
                art = m.artifact if isinstance(m.artifact, ToolResult) else ToolResult(str(m.content), _error_data(str(m.content)))
                results.append((m.name or "", art))
            elif isinstance(m, AIMessage) and not m.tool_calls:
                reply = m.text if hasattr(m, "text") and isinstance(m.text, str) else str(m.content)
        if results and not reply:
            reply = " ".join(reply_for(n, r.data, self.session.language, self.rec) for n, r in results)
        return results, reply

    def _direct_recommend(self) -> tuple[list[tuple[str, ToolResult]], str]:
        result = run_tool(self.ctx, "recommend", {})
        zh = self.session.language == "zh"
        if "error" in result.data:
            return [("recommend", result)], error_reply(result.data["error"], zh)
        return [("recommend", result)], reply_for("recommend", result.data, self.session.language, self.rec)


def _error_data(content: str) -> dict[str, Any]:
    return {"error": content[7:]} if content.startswith("Error: ") else {}


def _rec_dict(r: Any) -> dict[str, Any]:
    return {"item": r.item_id, "title": r.title, "score": round(float(r.score), 4), "rank": r.rank}
