"""The code's shape, checked with the suite: ruff's rules (pyproject.toml) and no module over 400 lines."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400


def _ruff() -> list[str]:
    local = Path(sys.executable).with_name("ruff")
    found = str(local) if local.exists() else shutil.which("ruff")
    if found is None:
        pytest.fail("ruff is not installed: `bash scripts/install.sh --test` installs it (the [test] extra)")
    return [found]


def test_ruff_finds_nothing() -> None:
    done = subprocess.run(
        [*_ruff(), "check", "--no-cache", "--output-format", "concise", str(ROOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_code_is_formatted() -> None:
    done = subprocess.run(
        [*_ruff(), "format", "--check", "--no-cache", str(ROOT)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_would_report_a_long_line(tmp_path: Path) -> None:
    """The check above can fail: the same configuration flags a line of 121 characters."""
    bad = tmp_path / "long.py"
    bad.write_text(f"x = {'1' * 117}\n", encoding="utf-8")
    done = subprocess.run(
        [*_ruff(), "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad)],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "E501" in done.stdout


def test_no_module_over_400_lines() -> None:
    skip = {".venv", ".git", "build"}
    long = {
        str(p.relative_to(ROOT)): n
        for p in ROOT.rglob("*.py")
        if not skip & set(p.relative_to(ROOT).parts)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
