"""Shared fixtures (loaded by tests/conftest.py through ``pytest_plugins``). ``ml100k_recommender``: one small model
trained on ml-100k per test session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def ml100k_recommender():
    """A Recommender trained once on ml-100k (the same cached object ``support.agent.tiny_recommender`` gives)."""
    from support.agent import tiny_recommender

    return tiny_recommender()


@pytest.fixture(scope="session")
def ml100k_home(ml100k_recommender, tmp_path_factory) -> Path:
    """A home folder holding ``ml100k_recommender`` as the active model (``Recommender.load`` works on it)."""
    from scorer.pipeline import save_active

    home = tmp_path_factory.mktemp("because-home")
    save_active(ml100k_recommender, home)
    return home


@pytest.fixture(scope="session")
def trained_home(ml100k_home) -> Path:
    """The home folder the CLI tests pass as --home: ``ml100k_recommender`` saved with ``save_active``."""
    return ml100k_home


@pytest.fixture
def session():
    """A conversation that has just shown five titles: Speed, E.T., Fargo, Batman, Mission: Impossible."""
    from tools.session import Session, Shown

    s = Session.new(user="1")
    s.shown = [
        Shown(str(i), t, i + 1, float(5 - i))
        for i, t in enumerate(
            [
                "Speed (1994)",
                "E.T. the Extra-Terrestrial (1982)",
                "Fargo (1996)",
                "Batman (1989)",
                "Mission: Impossible (1996)",
            ]
        )
    ]
    return s


@pytest.fixture
def tiny_catalogue():
    """Six items, five users, built by hand in the dtypes ``catalogue.model.Catalogue`` documents.

    Two taste groups: u1, u2 like the Sci-Fi pair (a, b); u3, u4 the comedies (c, d); u5 mixes.
    Missing values on purpose: d and f have no runtime, f no MPAA rating, e no genres.
    A 3.7 rating checks that ratings survive save/load unrounded.
    """
    import numpy as np
    import pandas as pd

    from catalogue.model import Catalogue

    ids = ["a", "b", "c", "d", "e", "f"]
    items = pd.DataFrame(
        {
            "title": pd.Series(["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"], dtype="str"),
            "description": pd.Series(["space", "more space", "", "laughs", "", ""], dtype="str"),
            "genres": pd.Series(
                [("Sci-Fi", "Action"), ("Sci-Fi",), ("Comedy",), ("Comedy", "Romance"), (), ("Drama", "Romance")],
                dtype=object,
            ),
            "year": pd.Series([1979.0, 1986.0, 1994.0, 1995.0, 1948.0, np.nan], dtype="float64"),
            "runtime": pd.Series([117.0, 137.0, 90.0, np.nan, 175.0, np.nan], dtype="float64"),
            "mpaa": pd.Series(["R", "R", "PG", "PG-13", "PG", None], dtype=object),
        }
    )
    items.index = pd.Index(ids, dtype="str", name="item_id")
    rows = [
        ("u1", "a", 5.0),
        ("u1", "b", 4.0),
        ("u2", "a", 4.0),
        ("u2", "b", 5.0),
        ("u2", "e", 2.0),
        ("u3", "c", 5.0),
        ("u3", "d", 4.0),
        ("u4", "c", 4.0),
        ("u4", "d", 5.0),
        ("u4", "f", 3.7),
        ("u5", "e", 5.0),
        ("u5", "f", 4.0),
        ("u5", "a", 2.0),
    ]
    interactions = pd.DataFrame(
        {
            "user_id": pd.Series([r[0] for r in rows], dtype="str"),
            "item_id": pd.Series([r[1] for r in rows], dtype="str"),
            "rating": pd.Series([r[2] for r in rows], dtype="float64"),
            "event": pd.Series([None] * len(rows), dtype=object),
            "timestamp": pd.Series(pd.to_datetime(range(len(rows)), unit="D", origin="2020-01-01", utc=True)).astype(
                "datetime64[ns, UTC]"
            ),
        }
    )
    schema = {"genres": "multi", "year": "numeric", "runtime": "numeric", "mpaa": "category"}
    return Catalogue("tiny", items, interactions, schema)


@pytest.fixture
def keep_environment():
    """``because.cli.main`` sets the offline switches in os.environ; give other tests the environment back."""
    import os

    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server (``support.postgres.PostgresServer``) for the session; skipped without the
    binaries, failed instead when BECAUSE_REQUIRE_POSTGRES=1 (as ``.ci/run`` sets)."""
    from support.postgres import PostgresServer, pg_bin, required

    bin_dir = pg_bin()
    if bin_dir is None:
        message = "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): apt-get install postgresql"
        if required():
            pytest.fail(message + " (BECAUSE_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    server = PostgresServer(bin_dir)
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres, request) -> str:
    """The URL of a new empty database on the session's PostgreSQL server (one per test)."""
    import re

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40] + f"_{id(request) % 100000}"
    return postgres.fresh_database(name)
