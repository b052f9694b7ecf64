"""A real PostgreSQL server for the tests: Debian's binaries, a data folder of its own, a free loopback port.

``initdb`` into a temporary folder (trust authentication, loopback only), ``pg_ctl start`` with the unix socket
in that folder, one database ``because``; stopped and removed at the end of the session. PostgreSQL refuses to
run as root, so under root (CI) the server runs as the ``postgres`` system user (``runuser``), and the folder
is made theirs. Without the binaries the tests that need it are skipped, unless BECAUSE_REQUIRE_POSTGRES=1
(``.ci/run`` sets it): then they fail.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from support.webapp import free_port

USER = "because"  # the database role the tests connect as
DATABASE = "because"


def pg_bin() -> Path | None:
    """The folder of the newest installed server binaries (initdb, pg_ctl), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def required() -> bool:
    return os.environ.get("BECAUSE_REQUIRE_POSTGRES") == "1"


class PostgresServer:
    """One throwaway server; ``url`` is its SQLAlchemy URL (postgresql+psycopg://because@127.0.0.1:PORT/because)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="because-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.runas = self._runas()
        self.url = f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{DATABASE}"
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=on"
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "-t", "60", "start")
        self.psql("postgres", f"CREATE DATABASE {DATABASE}")

    def _runas(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as err:
            raise RuntimeError("running as root and there is no 'postgres' user to run the server as") from err
        os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        return ["runuser", "-u", "postgres", "--"]

    def _run(self, tool: str, *args: str) -> str:
        done = subprocess.run(
            [*self.runas, str(self.bin / tool), *args], capture_output=True, text=True, cwd=self.folder, timeout=120
        )
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr[-2000:]}\n{tail}")
        return done.stdout

    def psql(self, database: str, sql: str) -> str:
        """Run ``sql`` with psql (tuples only, unaligned); its output."""
        return self._run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", database, "-XAtq", "-v",
            "ON_ERROR_STOP=1", "-c", sql,
        )  # fmt: skip

    def fresh_database(self, name: str) -> str:
        """A new empty database on this server; its URL."""
        self.psql("postgres", f"CREATE DATABASE {name}")
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
