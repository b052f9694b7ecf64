"""Bring a database to the newest schema with Alembic (the scripts ship in ``storage/migrations``).

Run when a ``Database`` is opened; at the newest revision it only reads ``alembic_version``. Replicas that start
together take turns: PostgreSQL through an advisory lock held for the migration's transaction, SQLite through
its write lock (BEGIN IMMEDIATE). DDL is transactional on both, so a migration cut short leaves no half schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

if TYPE_CHECKING:
    from storage.database import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LOCK_ID = 0x42ECA05E  # pg_advisory_xact_lock key: "because migrates"


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str:
    """The newest revision the scripts know."""
    return str(ScriptDirectory.from_config(config()).get_current_head())


def current(db: "Database") -> str | None:
    """The revision the database is at (None: never migrated)."""
    with db.read() as con:
        return MigrationContext.configure(con).get_current_revision()


def upgrade(db: "Database") -> None:
    """``alembic upgrade head`` on ``db``, idempotent, one migrator at a time."""
    cfg = config()
    with db.engine.connect() as con:
        if db.dialect == "sqlite":
            con.info["begin"] = "BEGIN IMMEDIATE"
        with con.begin():
            if db.dialect == "postgresql":
                con.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_ID})")
            cfg.attributes["connection"] = con
            command.upgrade(cfg, "head")
