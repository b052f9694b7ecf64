"""The assistant: the LangChain agent over the tools, the conversation, explanations written and checked.

    from assistant import Assistant, make_chat_model
    answer = Assistant(
        rec, Session.new(user="42"), catalogue=cat, llm=make_chat_model(settings)
    ).respond("why the 2nd?")

Rooms (see DEVELOPERS.md): ``llm`` (every model call), ``routing`` (message -> tool call), ``explaining`` (facts,
template, model writer, claim checker); beside them ``agent`` (one turn, top to bottom), ``loop`` (LangChain's
agent loop), ``replies`` (every short text, once), ``guard`` (input) and ``screens`` (output), ``answer``.
"""

from assistant.agent import Assistant
from assistant.answer import Answer
from assistant.explaining import ClaimChecker, check, explain_items, template_explanation, write_explanations
from assistant.llm import LanguageModelError, ModelBusy, make_chat_model, session_scope
from assistant.routing import Decision, Router

__all__ = [
    "Answer",
    "Assistant",
    "ClaimChecker",
    "Decision",
    "LanguageModelError",
    "ModelBusy",
    "Router",
    "check",
    "explain_items",
    "make_chat_model",
    "session_scope",
    "template_explanation",
    "write_explanations",
]
