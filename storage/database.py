"""Which database, and one SQLAlchemy engine on it: SQLite in the home folder, or PostgreSQL when
``BECAUSE_DATABASE_URL`` is set (replicas share it).

Durability: a write returns only after its transaction committed. SQLite runs in WAL mode with
``synchronous=FULL``; PostgreSQL keeps its default ``synchronous_commit=on`` (the commit waits for the WAL
flush). The schema is brought to the newest migration when the database is opened (``storage.migrate``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url

from because.errors import InputError, StorageError
from because.settings import Settings

SQLITE_FILE = "feedback.sqlite3"  # the name it had when it held feedback only: old files are adopted
URL_HELP = (
    "set BECAUSE_DATABASE_URL to postgresql+psycopg://USER[:PASSWORD]@HOST:PORT/DBNAME, "
    "or unset it to keep the data in SQLite in the home folder."
)
_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def redact(raw: str) -> str:
    """``raw`` with any password replaced by ***, for messages and logs."""
    return _PASSWORD.sub(r"\1***@", raw)


def parse_url(raw: str) -> URL:
    """A supported database URL (PostgreSQL through psycopg 3, or SQLite), or an InputError saying how to fix it."""
    try:
        url = make_url(raw)
    except (sa.exc.ArgumentError, ValueError) as err:
        raise InputError(f"BECAUSE_DATABASE_URL '{redact(raw)}' is not a database URL.", URL_HELP) from err
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        url = url.set(drivername="postgresql+psycopg")
        if not url.host or not url.database:
            raise InputError(
                f"BECAUSE_DATABASE_URL '{redact(raw)}' names no host or no database.",
                "give both, e.g. postgresql+psycopg://because@127.0.0.1:5432/because.",
            )
    elif url.drivername not in ("sqlite", "sqlite+pysqlite") or not url.database:
        raise InputError(
            f"BECAUSE_DATABASE_URL '{redact(raw)}' is not a PostgreSQL (postgresql+psycopg) or SQLite URL.", URL_HELP
        )
    return url


def database_url(settings: Settings) -> str:
    """``BECAUSE_DATABASE_URL``, else the SQLite file in the home folder."""
    return settings.database_url or f"sqlite:///{Path(settings.home) / SQLITE_FILE}"


class Database:
    """One engine and its schema. Thread-safe; ``write()`` is one committed transaction."""

    def __init__(self, url: str | Path) -> None:
        """``url``: a database URL (``parse_url``), or the ``Path`` of a SQLite file."""
        self.url = parse_url(f"sqlite:///{url}" if isinstance(url, Path) else url)
        self.dialect = "postgresql" if self.url.drivername.startswith("postgresql") else "sqlite"
        self.safe_url = self.url.render_as_string(hide_password=True)
        # SQLite takes one writer at a time anyway; the lock spares this process's writers the busy wait
        self._write_lock: threading.Lock | None = threading.Lock() if self.dialect == "sqlite" else None
        self.engine = self._engine()
        from storage.migrate import upgrade

        try:
            upgrade(self)
        except sa.exc.OperationalError as err:
            self.engine.dispose()
            raise self.unreachable(err) from err

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for PostgreSQL."""
        return Path(self.url.database) if self.dialect == "sqlite" and self.url.database else None

    def _engine(self) -> Engine:
        if self.dialect == "postgresql":
            return sa.create_engine(
                self.url,
                pool_pre_ping=True,  # a restarted server's dead connections are replaced, not handed out
                connect_args={"connect_timeout": 5, "application_name": "because"},
            )
        path = self.path
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(self.url, connect_args={"timeout": 10.0})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_con: Any, _record: Any) -> None:
            dbapi_con.isolation_level = None  # the driver's own implicit BEGINs off: SQLAlchemy's begin below decides
            cur = dbapi_con.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(con: Connection) -> None:  # every statement, DDL too, inside a real transaction
            con.exec_driver_sql(con.info.pop("begin", "BEGIN"))

        return engine

    def unreachable(self, err: Exception) -> StorageError:
        detail = str(getattr(err, "orig", err)).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        if self.url.password:
            detail = detail.replace(str(self.url.password), "***")
        where = "the PostgreSQL server is running and" if self.dialect == "postgresql" else "the folder is writable and"
        return StorageError(f"cannot open the database {self.safe_url} ({detail}).", f"check that {where} {URL_HELP}")

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction, committed before this returns (rolled back on an exception). On SQLite it takes the
        write lock first (BEGIN IMMEDIATE), so it waits for other writers instead of failing on a stale read."""
        with self._write_lock or nullcontext(), self._errors(), self.engine.connect() as con:
            if self.dialect == "sqlite":
                con.info["begin"] = "BEGIN IMMEDIATE"
            with con.begin():
                yield con

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._errors(), self.engine.connect() as con:
            yield con

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sa.exc.OperationalError as err:
            raise self.unreachable(err) from err

    def insert(self, table: sa.Table) -> Any:
        """INSERT in this database's dialect (it has ``on_conflict_do_update`` / ``on_conflict_do_nothing``)."""
        from sqlalchemy.dialects import postgresql, sqlite

        return (postgresql if self.dialect == "postgresql" else sqlite).insert(table)

    def durability(self) -> str:
        """SQLite: the journal mode ("wal"); PostgreSQL: "synchronous_commit=on" (or what the server says)."""
        with self.read() as con:
            if self.dialect == "sqlite":
                return str(con.exec_driver_sql("PRAGMA journal_mode").scalar())
            return f"synchronous_commit={con.exec_driver_sql('SHOW synchronous_commit').scalar()}"

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(settings: Settings) -> Database:
    """The database these settings name (see ``database_url``), migrated to the newest schema."""
    return Database(database_url(settings))
