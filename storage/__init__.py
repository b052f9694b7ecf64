"""Where the app keeps what it learns about people: feedback, ratings and conversations.

SQLite in the home folder by default; PostgreSQL when ``BECAUSE_DATABASE_URL`` is set, so that several app
replicas share it. Below ``webapp`` and ``tools`` in the import direction; it imports only ``because``'s ground.
"""

from storage.database import Database, database_url, open_database, parse_url, redact
from storage.feedback import POSITIVE, SESSION_KINDS, FeedbackDB
from storage.sessions import SessionStore, StoredSession
from storage.tables import KINDS

__all__ = [
    "KINDS",
    "POSITIVE",
    "SESSION_KINDS",
    "Database",
    "FeedbackDB",
    "SessionStore",
    "StoredSession",
    "database_url",
    "open_database",
    "parse_url",
    "redact",
]
