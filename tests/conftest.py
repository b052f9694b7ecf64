"""Shared fixtures. ``ml100k_recommender``: one small model trained on ml-100k per test session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def ml100k_recommender():
    """A Recommender trained once on ml-100k (the same cached object ``agent_support.tiny_recommender`` gives)."""
    from agent_support import tiny_recommender

    return tiny_recommender()


@pytest.fixture(scope="session")
def ml100k_home(ml100k_recommender, tmp_path_factory) -> Path:
    """A home folder holding ``ml100k_recommender`` as the active model (``Recommender.load`` works on it)."""
    from scorer.pipeline import save_active

    home = tmp_path_factory.mktemp("because-home")
    save_active(ml100k_recommender, home)
    return home
