"""Catalogue loading: a shop's items + interactions (CSV/Parquet), or a built-in MovieLens set.

from catalogue import load_catalogue
cat = load_catalogue(data="ml-100k", items=None, interactions=None, schema=None)
"""

from __future__ import annotations

from .builtin import BUILTINS, load_builtin
from .files import load_files
from .loading import load_catalogue
from .model import KINDS, Catalogue

__all__ = ["BUILTINS", "KINDS", "Catalogue", "load_builtin", "load_catalogue", "load_files"]
