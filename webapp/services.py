"""What the app serves from, built once at start-up: model, catalogue facts, feedback and session stores (one
database: SQLite in the home folder, or PostgreSQL shared by replicas), language model.

The language model starts in a background thread; until it is warm ``llm`` is None and the
assistant answers from templates. Nothing here is per user: see ``identity.py``.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from because.errors import BecauseError, BrokenPartError, ModelFileError
from because.settings import Settings
from scorer.recommender import Recommender
from storage import FeedbackDB, SessionStore, open_database

log = logging.getLogger(__name__)
Log = Callable[[str], None]


@dataclass
class Services:
    settings: Settings
    rec: Recommender | None
    secret: str
    db: FeedbackDB
    sessions: SessionStore | None = None  # the JSON API's and the CLI's conversations; None: on ``db``'s database
    catalogue: Any | None = None
    store: Any | None = None
    llm: Any | None = None
    llm_status: str = "off"  # off | starting | ready | failed: <why>
    demo: bool = True  # the demo page may pick any data-set user (only for public data sets)
    popular: list[str] = field(default_factory=list)  # item ids for the new-user picker

    def __post_init__(self) -> None:
        if self.sessions is None:
            self.sessions = SessionStore(self.db.database)

    def require_rec(self) -> Recommender:
        if self.rec is None:
            raise ModelFileError(
                "no trained model is loaded.", "run `because train` (or `because serve`, which trains on first run)."
            )
        return self.rec

    def start_llm(self, background: bool = True) -> None:
        """Start the embedded (or configured) language model; the UI works meanwhile."""
        self.llm_status = "starting"

        def run() -> None:
            try:  # the intent model trains in a few seconds: do it now, not on the first message
                from assistant.routing.intent_model import shared_model

                shared_model()
            except Exception as err:  # noqa: BLE001 - the router then works without it (and says so in the log)
                log.warning("intent model unavailable: %s", err)
            try:
                from assistant.llm.client import make_chat_model

                self.llm = make_chat_model(self.settings)
                self.llm_status = "ready"
                log.info("language model ready")
            except (BecauseError, ImportError, OSError) as err:
                self.llm_status = f"failed: {err}"
                log.warning("language model unavailable, answers use templates: %s", err)

        if background:
            threading.Thread(target=run, name="because-llm", daemon=True).start()
        else:
            run()


_store_failures: ContextVar[list[str] | None] = ContextVar("because_store_failures", default=None)


class WatchedStore:
    """The catalogue search store, noting its failures so a turn can say that search fell back to keywords.

    The tools catch the store's ``BrokenPartError`` and match words instead; inside ``watch()`` each
    such failure's message is collected for the turn's notice.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    @staticmethod
    @contextmanager
    def watch() -> Iterator[list[str]]:
        failures: list[str] = []
        token = _store_failures.set(failures)
        try:
            yield failures
        finally:
            _store_failures.reset(token)

    @staticmethod
    def _note(err: BrokenPartError) -> None:
        failures = _store_failures.get()
        if failures is not None:
            failures.append(err.problem)

    def __getattr__(self, name: str) -> Any:
        try:
            attr = getattr(self._inner, name)
        except BrokenPartError as err:
            self._note(err)
            raise
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return attr(*args, **kwargs)
            except BrokenPartError as err:
                self._note(err)
                raise

        return call


def token_secret(settings: Settings) -> str:
    """BECAUSE_TOKEN_SECRET, else a random secret kept in <home>/token_secret (created once, mode 0600)."""
    if settings.token_secret:
        return settings.token_secret
    if settings.database_url:
        log.warning(
            "BECAUSE_DATABASE_URL is set but BECAUSE_TOKEN_SECRET is not: this replica signs tokens with "
            "its own <home>/token_secret, so the others will not accept them; give all replicas one secret."
        )
    path = Path(settings.home) / "token_secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    path.touch(mode=0o600)
    path.write_text(value, encoding="utf-8")
    return value


def popular_items(rec: Recommender, n: int = 8) -> list[str]:
    order = rec.popularity.argsort()[::-1][:n]
    return [rec.item_ids[i] for i in order]


def load_catalogue_quietly(settings: Settings, rec: Recommender) -> Any | None:
    """The training catalogue (for constraints such as runtime<100), or None."""
    from scorer.pipeline import training_catalogue

    try:
        return training_catalogue(rec)
    except (BecauseError, OSError) as err:
        log.warning("catalogue facts unavailable: %s", err)
        return None


def build_services(
    settings: Settings,
    rec: Recommender | None,
    *,
    llm: bool = True,
    catalogue: Any | None = None,
    demo: bool | None = None,
) -> Services:
    from catalogue import BUILTINS

    if rec is not None and catalogue is None:
        catalogue = load_catalogue_quietly(settings, rec)
    store = None
    if rec is not None:
        from vectorstore.lazy import LazyStore

        store = WatchedStore(LazyStore(settings, rec.dataset))
    database = open_database(settings)  # migrated to the newest schema; StorageError if unreachable
    services = Services(
        settings=settings,
        rec=rec,
        secret=token_secret(settings),
        db=FeedbackDB(database),
        sessions=SessionStore(database),
        catalogue=catalogue,
        store=store,
        demo=(rec is not None and rec.dataset in BUILTINS) if demo is None else demo,
        popular=popular_items(rec) if rec is not None else [],
    )
    if llm:
        services.start_llm()
    return services


def load_model(settings: Settings) -> Recommender | None:
    from scorer.pipeline import load_active

    try:
        return load_active(settings.home)
    except BrokenPartError as err:
        log.warning("%s", err)
        return None
