"""`because ask` and `because chat`: the assistant in a terminal (the CLI is the roof: nothing imports this).

Both return an exit code: 0 fine, 2 bad input (unknown user, someone else's session), 1 a part broke.
The language model and the vector store are optional: without them the assistant still
recommends and explains (templates, keyword search) and says so.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from because.errors import BecauseError, BrokenPartError, InputError
from because.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant import Assistant
    from catalogue import Catalogue
    from scorer import Recommender
    from storage import SessionStore
    from vectorstore.lazy import LazyStore


def load_recommender(settings: Settings) -> Recommender:
    from scorer.pipeline import load_active

    return load_active(settings.home)


def load_catalogue_for(settings: Settings, rec: Recommender) -> Catalogue | None:
    """The catalogue the model was trained on (for constraints like runtime<100), if it can be loaded."""
    from scorer.pipeline import training_catalogue

    try:
        return training_catalogue(rec)
    except BecauseError as err:
        print(f"note: catalogue facts unavailable ({err}); constraints on features are off.", file=sys.stderr)
    return None


def load_llm(settings: Settings) -> BaseChatModel | None:
    from assistant.llm import make_chat_model

    try:
        return make_chat_model(settings)
    except BecauseError as err:
        print(f"note: no language model ({err}); answers use templates.", file=sys.stderr)
        return None


def load_store(settings: Settings, rec: Recommender) -> LazyStore:
    from vectorstore.lazy import LazyStore

    return LazyStore(settings, rec.dataset)


def _assistant(settings: Settings, user: str, session_id: str | None) -> tuple[Assistant, SessionStore | None]:
    """The assistant for ``user``, continuing stored session ``session_id`` (and the store it is saved to)."""
    from assistant.agent import Assistant
    from storage import SessionStore, open_database
    from tools.session import Session, open_session

    rec = load_recommender(settings)
    rec.history(user)  # unknown user: InputError now, before any model starts
    store = SessionStore(open_database(settings)) if session_id is not None else None
    session = open_session(store, session_id, str(user)) if store is not None else Session.new(user=str(user))
    return Assistant(
        rec,
        session,
        catalogue=load_catalogue_for(settings, rec),
        store=load_store(settings, rec),
        llm=load_llm(settings),
        llm_explanations=settings.llm_explanations,
    ), store


def _fail(err: BecauseError) -> int:
    print(str(err), file=sys.stderr)
    return 2 if isinstance(err, InputError) else 1


def ask(settings: Settings, user: str, message: str, session: str | None = None, as_json: bool = False) -> int:
    """Answer one message for ``user``; with ``session`` the conversation continues from the session store."""
    from tools.session import save_session

    try:
        assistant, store = _assistant(settings, user, session)
        answer = assistant.respond(message)
        if store is not None:
            save_session(store, assistant.session)
    except BecauseError as err:
        return _fail(err)
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1, default=str))
    else:
        print(answer.render())
    return 0


def chat(settings: Settings, user: str, session: str | None = None) -> int:
    """Interactive loop; recommendations print as soon as they exist, explanations as each is written."""
    from assistant.language import display_title
    from tools.session import save_session

    try:
        assistant, store = _assistant(settings, user, session)
    except BecauseError as err:
        return _fail(err)
    print(f"Because - chatting as user {user}. Ask for recommendations, then 'why the second one?'. /quit to leave.")
    while True:
        try:
            message = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if message in ("/quit", "/exit", "quit", "exit"):
            break
        if not message:
            continue
        pending: list[dict[str, Any]] = []

        def on_event(kind: str, payload: Any) -> None:
            if kind == "recommendations":
                pending[:] = payload
            elif kind == "reply":
                print(payload)
                for r in pending:
                    print(f"{r['rank']}. {display_title(r['title'])}", flush=True)
            elif kind == "explanation":
                print(f"   [{display_title(payload['title'] or payload['item'])}] {payload['text']}", flush=True)

        try:
            answer = assistant.respond(message, on_event=on_event)
        except BrokenPartError as err:
            print(str(err), file=sys.stderr)
            continue
        if answer.notice:
            print(answer.notice)
        for h in answer.results:
            print(f"- {display_title(h['title'])}")
        if store is not None:
            save_session(store, assistant.session)
    return 0


# ---- registration in because/cli.py: add_*_arguments(parser), handler run_*(settings, args) -> exit code ----
def add_ask_arguments(parser: Any) -> None:
    parser.add_argument("message", help="what to ask, e.g. 'recommend me something' or '为什么推荐第二个？'")
    parser.add_argument("--user", required=True, help="the user the assistant serves (fixed for the session)")
    parser.add_argument(
        "--session",
        help="continue (or start) the conversation stored as SESSION (the home's database, or BECAUSE_DATABASE_URL)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print answer, tool_calls, recommendations, explanations as JSON"
    )


def add_chat_arguments(parser: Any) -> None:
    parser.add_argument("--user", required=True, help="the user the assistant serves")
    parser.add_argument("--session", help="store the conversation as SESSION (continue it with --session SESSION)")


def run_ask(settings: Settings, args: Any) -> int:
    return ask(settings, args.user, args.message, session=args.session, as_json=args.json)


def run_chat(settings: Settings, args: Any) -> int:
    return chat(settings, args.user, session=args.session)
