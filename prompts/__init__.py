"""Prompt templates as package files, rendered with Jinja2 so that a missing variable raises.

``load("explain.md")`` returns the raw text; ``render("explain.md", facts=...)`` fills it in. A name
without a suffix means ``<name>.md``. Nothing is read at import.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2

__all__ = ["load", "render", "PromptNotFound"]


class PromptNotFound(FileNotFoundError):
    pass


def _filename(name: str) -> str:
    if "/" in name or "\\" in name or name.startswith("."):
        raise PromptNotFound(f"prompt names are plain file names in the prompts package, got {name!r}.")
    return name if "." in name else f"{name}.md"


@lru_cache(maxsize=None)
def load(name: str) -> str:
    """The text of prompt file ``name`` (e.g. "explain.md" or "explain")."""
    filename = _filename(name)
    path = resources.files(__name__).joinpath(filename)
    if not path.is_file():
        raise PromptNotFound(f"no prompt file '{filename}' in the prompts package.")
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=None)
def _template(name: str) -> jinja2.Template:
    return _environment().from_string(load(name))


def render(name: str, **values: Any) -> str:
    """Prompt ``name`` with ``values`` filled in, stripped; a variable the template uses but ``values``
    lacks raises ``jinja2.UndefinedError``."""
    return _template(name).render(**values).strip()
