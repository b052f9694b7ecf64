"""One settings object, built at start-up from the environment and passed in.

Nothing here runs at import: call ``Settings.from_env()``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path


def default_home() -> Path:
    """Per-user data folder: $XDG_DATA_HOME/because or ~/.local/share/because."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "because"


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=default_home)
    data: str = "ml-100k"
    chroma_url: str | None = None
    # language model: "embedded" (local GGUF via xllamacpp) or an OpenAI-compatible endpoint
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str = "qwen2.5-1.5b"
    llm_timeout_s: float = 60.0
    llm_threads: int = 2  # embedded model's CPU threads; 1 is far faster when other work shares 2 cores
    # items per recommend turn whose explanation the language model writes (the rest: the checked template);
    # on 2 CPU cores one model-written explanation costs seconds, so the embedded default is 1
    llm_explanations: int = 1
    llm_queue_wait_s: float = 8.0  # longest wait for a turn at the embedded model before the templates answer
    host: str = "127.0.0.1"
    port: int = 7860
    token_secret: str | None = None
    # sessions, feedback and "forget me" in PostgreSQL (shared by replicas); None: SQLite in the home folder
    database_url: str | None = None

    @classmethod
    def from_env(cls, home: str | Path | None = None, **overrides: object) -> "Settings":
        """Read BECAUSE_* / OPENAI_* variables now; ``home`` (e.g. --home) wins over BECAUSE_HOME."""
        env = os.environ
        resolved_home = Path(home) if home else Path(env["BECAUSE_HOME"]) if env.get("BECAUSE_HOME") else default_home()
        settings = cls(
            home=resolved_home.expanduser(),
            data=env.get("BECAUSE_DATA", "ml-100k"),
            chroma_url=env.get("BECAUSE_CHROMA_URL") or None,
            llm_base_url=env.get("OPENAI_BASE_URL") or None,
            llm_api_key=env.get("OPENAI_API_KEY") or None,
            llm_model=env.get("BECAUSE_MODEL", "qwen2.5-1.5b"),
            llm_timeout_s=float(env.get("BECAUSE_LLM_TIMEOUT", "60")),
            llm_threads=int(env.get("BECAUSE_LLM_THREADS", "2")),
            llm_queue_wait_s=float(env.get("BECAUSE_LLM_QUEUE_WAIT", "8")),
            llm_explanations=_count(env.get("BECAUSE_LLM_EXPLANATIONS", "1"), "BECAUSE_LLM_EXPLANATIONS"),
            host=env.get("BECAUSE_HOST", "127.0.0.1"),
            port=int(env.get("BECAUSE_PORT", "7860")),
            token_secret=env.get("BECAUSE_TOKEN_SECRET") or None,
            database_url=env.get("BECAUSE_DATABASE_URL") or None,
        )
        return replace(settings, **overrides) if overrides else settings  # type: ignore[arg-type]

    @property
    def model_dir(self) -> Path:
        return self.home / "models"

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"


def _count(raw: str, name: str) -> int:
    """A small non-negative integer from the environment, or an error that names the variable."""
    from because.errors import InputError

    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= 20:
        raise InputError(f"{name}={raw!r} is not a whole number from 0 to 20.", f"set {name} to e.g. 1, or unset it.")
    return value
