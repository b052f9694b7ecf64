"""The assistant: one conversation with one bound user, one ``respond`` per message.

``respond`` reads top to bottom: check the message (``guard``), route and run the tool inside LangChain's agent
loop (``loop``, ``routing``, ``tools``), reply (``replies``), explain (``explaining``), screen (``screens``). The
checks every model-written text must pass are built once here and passed in explicitly.

    assistant = Assistant(rec, Session.new(user="42"), catalogue=cat, llm=make_chat_model(settings))
    answer = assistant.respond("why the second one?")
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant.answer import Answer
from assistant.explaining import Checks, ClaimChecker, write_explanations
from assistant.guard import add_note, check_message, refusal
from assistant.llm import LanguageModelError, generate
from assistant.llm.health import ModelHealth
from assistant.loop import AgentLoop, error_data, tool_results_since
from assistant.replies import error_reply, help_text, notice, reply_for
from assistant.routing import IntentModel, Router, looks_like_hijack
from assistant.screens import Screens
from catalogue import Catalogue
from prompts import render
from scorer import Recommendation, Recommender
from tools import Session, ToolContext, ToolResult, make_tools, run_tool
from tools.constraints import vocabulary

LANGUAGE_NAMES = {"en": "English", "zh": "Chinese (简体中文)"}
Emit = Callable[[str, Any], None]
Results = list[tuple[str, ToolResult]]


@dataclass
class TurnState:
    """One turn's clock, event sink and model trouble."""

    on_event: Emit | None = None
    t0: float = field(default_factory=time.perf_counter)
    times: dict[str, float] = field(default_factory=dict)  # "t_tool", "t_first_token", ...: seconds from the message
    llm_error: Exception | None = None
    llm_busy: bool = False

    def mark(self, key: str) -> None:
        self.times.setdefault(key, time.perf_counter() - self.t0)


class Assistant:
    """One conversation with one bound user. Not thread-safe: one per session."""

    def __init__(
        self,
        rec: Recommender,
        session: Session,
        *,
        catalogue: Catalogue | None = None,
        store: Any | None = None,
        llm: BaseChatModel | None = None,
        model: BaseChatModel | None = None,
        explain_llm: BaseChatModel | str | None = "same",
        catalogue_name: str | None = None,
        llm_explanations: int | None = 1,
        stream_explanations: bool = True,
        intent: IntentModel | str | None = "shared",
    ) -> None:
        self.rec, self.session, self.llm = rec, session, llm
        self.explain_llm = llm if explain_llm == "same" else explain_llm
        self.llm_explanations = (
            llm_explanations  # items per turn whose explanation the model writes; the rest: template
        )
        self.stream_explanations = stream_explanations
        self.ctx = ToolContext.build(rec, session, catalogue, store)
        self.ctx.on_result = self._on_result
        schema = self.ctx.schema
        genres = vocabulary(self.ctx.items, schema, "genres") if schema.get("genres") == "multi" else []
        self.catalogue_name = f"the {catalogue_name or getattr(catalogue, 'name', None) or rec.dataset} catalogue"
        self.router = Router(
            llm,
            catalogue=self.catalogue_name,
            genres=genres,
            titles=rec.titles,
            intent=intent,
            values=self.ctx.label_values(),
            units=self.ctx.units,
            columns=list(schema) if schema else None,
            aliases=self.ctx.aliases,
        )
        self.loop = AgentLoop(self.plan, make_tools(self.ctx), self.system_prompt("en"), model=model)
        self.health = ModelHealth(configured=llm is not None)
        secrets = (self.system_prompt("en"), self.system_prompt("zh"), self.router.system, render("explain_system.md"))
        self.screens = Screens(secrets, tuple(rec.titles))
        aliases = getattr(catalogue, "aliases", None)  # a shop catalogue names its values in other words
        self.checks = Checks(ClaimChecker.of(rec.titles, rec.feature_labels, aliases), self.screens.explanation)
        self._ids = count(1)
        self._turn = TurnState()

    def system_prompt(self, language: str) -> str:
        return render("system.md", catalogue=self.catalogue_name, language=LANGUAGE_NAMES.get(language, "English"))

    # ---- one turn ----------------------------------------------------------------------------
    def respond(self, message: str, on_event: Emit | None = None) -> Answer:
        """Answer one message. Never raises for model or tool trouble: the answer carries a notice."""
        turn = self._turn = TurnState(on_event)
        checked = check_message(message)  # empty, over-long, control characters, unsupported language
        if checked.refusal is not None:
            self._emit("reply", checked.refusal)
            return Answer(checked.refusal, checked.language)
        message, lang = checked.text, checked.language
        self.session.language = lang
        first_call = len(self.ctx.calls)
        results, reply = self._run_loop(message)  # route, run the tool, reply
        if not results and not reply:  # the loop itself broke: still recommend
            results, reply = self._direct_recommend()
        reply = add_note(self._screen_reply(reply, results), checked.note)
        answer = Answer(text=reply, language=lang)
        answer.tool_calls = [{"name": c["name"], "args": c["args"]} for c in self.ctx.calls[first_call:]]
        self._emit("reply", reply)
        self._explain(answer, results, lang)
        answer.notice = self._notice(lang)
        self._remember(message, answer, results)
        answer.timings = {k: round(v, 3) for k, v in turn.times.items()}
        answer.timings["t_total"] = round(time.perf_counter() - turn.t0, 3)
        answer.timings.setdefault("t_first_prose", answer.timings["t_total"])
        return answer

    def _run_loop(self, message: str) -> tuple[Results, str]:
        outcome = self.loop.run(message)
        if outcome.error is not None:
            if isinstance(outcome.error, (LanguageModelError, openai.OpenAIError)):
                self._llm_failed(outcome.error)
            return [], ""
        reply = outcome.reply
        if outcome.results and not reply:
            reply = " ".join(reply_for(n, r.data, self.session.language, self.rec) for n, r in outcome.results)
        return outcome.results, reply

    def _explain(self, answer: Answer, results: Results, lang: str) -> None:
        """Explanations for what the tools returned, streamed as events; search and what-if lists as they are."""
        llm = self.explain_llm if self.health.usable() else None
        for name, result in results:
            data = result.data
            if name == "recommend" and "recommendations" in data:
                answer.recommendations = [_rec_dict(r) for r in data["recommendations"]]
                answer.explanations += write_explanations(
                    data["explanations"],
                    lang,
                    llm,
                    self.checks,
                    self._emit,
                    self.llm_explanations,
                    self.stream_explanations,
                )
            elif name == "explain" and "explanation" in data:
                answer.explanations += write_explanations(
                    [data["explanation"]], lang, llm, self.checks, self._emit, stream=self.stream_explanations
                )
            elif name in ("search_catalogue", "similar_to") and "results" in data:
                answer.results = [{"item": r["id"], "title": r["title"]} for r in data["results"]]
            elif name == "what_if" and "what_if" in data:
                answer.recommendations = [_rec_dict(r) for r in data["what_if"].after]

    def _notice(self, lang: str) -> str | None:
        if self._turn.llm_error is None and (self.llm is None or self.health.usable()):
            return None
        return notice("llm_busy" if self._turn.llm_busy else "llm_down", lang)

    def _remember(self, message: str, answer: Answer, results: Results) -> None:
        if results:
            self.session.last_tool = results[-1][0]
        self.session.add_turn("user", message)
        self.session.add_turn("assistant", answer.text, answer.tool_calls)

    # ---- the model side of the loop ----------------------------------------------------------
    def plan(self, messages: list[BaseMessage], tool_names: Sequence[str]) -> AIMessage:
        """Next message of the loop: a tool call for a new user message, a short reply after a tool."""
        text, observed = tool_results_since(messages)
        if observed:
            lang = self.session.language
            parts = [reply_for(m.name or "", _observation_data(m), lang, self.rec) for m in observed]
            return AIMessage(content=" ".join(p for p in parts if p))
        decision = self.router.decide(
            self.session, text, model_usable=self.health.usable(), on_model_error=self._llm_failed
        )
        if decision.tool == "answer" or decision.tool not in tool_names:
            return AIMessage(content=self._free_answer(text))
        call = {"name": decision.tool, "args": decision.args, "id": f"call_{next(self._ids)}", "type": "tool_call"}
        return AIMessage(content="", tool_calls=[call])

    def _free_answer(self, text: str) -> str:
        """A reply for a message no tool serves: the model's, or the help text."""
        lang = self.session.language
        if looks_like_hijack(text) or not self.health.usable() or self.llm is None:
            return refusal(text, lang == "zh") or help_text(lang)
        try:
            reply = generate(
                self.llm, [SystemMessage(self.system_prompt(lang)), HumanMessage(text[:1000])], max_tokens=120
            ).strip()
        except LanguageModelError as err:
            self._llm_failed(err)
            return help_text(lang)
        if not reply or self.screens.free_answer(reply, [s.title for s in self.session.shown]) is not None:
            return help_text(lang)
        return reply

    def _screen_reply(self, reply: str, results: Results) -> str:
        """A natively tool-calling model's final reply, or the template replies if it is unsafe."""
        if not self.loop.native or not reply:
            return reply
        observed = " ".join(r.text for _, r in results) + " ".join(s.title for s in self.session.shown)
        if self.screens.native_reply(reply, observed) is None:
            return reply
        lang = self.session.language
        safe = " ".join(reply_for(name, r.data, lang, self.rec) for name, r in results).strip()
        return safe or help_text(lang)

    # ---- events, model trouble ---------------------------------------------------------------
    def _emit(self, kind: str, payload: Any) -> None:
        turn = self._turn
        if kind == "delta":
            turn.mark("t_first_token")
        if kind == "explanation":
            turn.mark("t_first_explanation")
        if kind in ("explanation", "reply", "delta"):
            turn.mark("t_first_prose")
        if kind == "llm_failed":
            self._llm_failed(payload)
            return
        if turn.on_event is not None:
            turn.on_event(kind, payload)

    def _llm_failed(self, err: Exception) -> None:
        self._turn.llm_busy = self.health.failed(err)
        self._turn.llm_error = err

    def _on_result(self, name: str, result: ToolResult) -> None:
        self._turn.mark("t_tool")
        if name == "recommend" and "recommendations" in result.data:
            self._turn.mark("t_structured")
            self._emit("recommendations", [_rec_dict(r) for r in result.data["recommendations"]])

    def _direct_recommend(self) -> tuple[Results, str]:
        result = run_tool(self.ctx, "recommend", {})
        if "error" in result.data:
            return [("recommend", result)], error_reply(result.data["error"], self.session.language == "zh")
        return [("recommend", result)], reply_for("recommend", result.data, self.session.language, self.rec)


def _observation_data(m: Any) -> dict[str, Any]:
    return m.artifact.data if isinstance(m.artifact, ToolResult) else error_data(str(m.content))


def _rec_dict(r: Recommendation) -> dict[str, Any]:
    return {"item": r.item_id, "title": r.title, "score": round(float(r.score), 4), "rank": r.rank}
