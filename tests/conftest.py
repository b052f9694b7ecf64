"""The suite's shared fixtures live in ``tests/support/fixtures.py``; helpers beside them in ``tests/support/``."""

pytest_plugins = ["support.fixtures"]
