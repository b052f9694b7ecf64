"""The project's error classes.

Two families: ``InputError`` (the caller passed something wrong: a broken file, an unknown id,
bad arguments; the message says what and how to fix it) and ``BrokenPartError`` (a part we depend
on failed: the language model, the Chroma server, a corrupt model file).
"""

from __future__ import annotations


class BecauseError(Exception):
    """Base class. ``str(err)`` is a complete message for a person: problem, then the fix."""

    def __init__(self, problem: str, fix: str = "") -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem} Fix: {fix}" if fix else problem)


class InputError(BecauseError):
    """The caller gave bad input (file, id, argument)."""


class DataError(InputError):
    """A catalogue or interactions file is malformed. Names file, row and column where known."""

    def __init__(
        self,
        problem: str,
        fix: str = "",
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file, self.row, self.column = file, row, column
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"row {row}" if row is not None else "",
                f"column '{column}'" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {problem}" if where else problem, fix)


class UnknownIdError(InputError):
    """A user or item id that the model does not know."""

    def __init__(self, kind: str, value: str, fix: str) -> None:
        self.kind, self.value = kind, value
        super().__init__(f"unknown {kind} '{value}'.", fix)


class BrokenPartError(BecauseError):
    """A dependency failed: model file, language model, vector store."""


class ModelFileError(BrokenPartError):
    """A saved model or model weights file is missing, corrupt, or of the wrong version/hash."""


class LanguageModelError(BrokenPartError):
    """The language model is down, timed out, or answered garbage."""


class ModelBusy(LanguageModelError):
    """The local language model's queue was too long (other shoppers are using it): try again soon."""


class VectorStoreError(BrokenPartError):
    """The Chroma store or server failed."""


class StorageError(BrokenPartError):
    """The database (SQLite file or PostgreSQL server) cannot be opened, reached or migrated."""


class ConflictError(InputError):
    """A write lost a race: the row changed since it was read (another replica's turn). Read again, retry."""
