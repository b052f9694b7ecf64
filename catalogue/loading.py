"""One entry point that picks a built-in set or the shop's own files."""

from __future__ import annotations

from because.errors import DataError

from .builtin import BUILTINS, load_builtin
from .files import load_files
from .model import Catalogue


def load_catalogue(
    data: str | None = None,
    items: str | None = None,
    interactions: str | None = None,
    schema: str | None = None,
) -> Catalogue:
    """Load built-in `data` by name, or the `items` + `interactions` files (with optional `schema`)."""
    valid = ", ".join(BUILTINS)
    if data is not None and (items is not None or interactions is not None):
        raise DataError(
            f"both built-in data '{data}' and your own files were given.",
            "give either a built-in name or the items and interactions files, not both.",
        )
    if data is not None:
        if schema is not None:
            raise DataError(
                "a schema file only applies to your own items file, not to built-in data.",
                "drop the schema, or give your own items and interactions files.",
                file=schema,
            )
        return load_builtin(data)
    if items is None or interactions is None:
        missing = "items" if items is None else "interactions"
        raise DataError(
            f"no {missing} file was given.",
            f"give both an items and an interactions file, or a built-in name ({valid}).",
        )
    return load_files(items, interactions, schema_path=schema)
