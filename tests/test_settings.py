"""Settings read from the environment: defaults, overrides, and a clear error for a bad value."""

from __future__ import annotations

import pytest

from because.errors import InputError
from because.settings import Settings


def test_defaults_and_overrides(monkeypatch, tmp_path):
    for name in ("BECAUSE_LLM_EXPLANATIONS", "BECAUSE_MODEL", "BECAUSE_HOME"):
        monkeypatch.delenv(name, raising=False)
    s = Settings.from_env(home=tmp_path)
    assert (s.home, s.llm_model, s.llm_explanations) == (tmp_path, "qwen2.5-1.5b", 1)
    monkeypatch.setenv("BECAUSE_LLM_EXPLANATIONS", "5")
    monkeypatch.setenv("BECAUSE_MODEL", "qwen2.5-0.5b")
    s = Settings.from_env(home=tmp_path)
    assert (s.llm_model, s.llm_explanations) == ("qwen2.5-0.5b", 5)
    assert Settings.from_env(home=tmp_path, llm_explanations=0).llm_explanations == 0


@pytest.mark.parametrize("raw", ["many", "-1", "21", "1.5"])
def test_bad_explanation_count_names_the_variable(monkeypatch, tmp_path, raw):
    monkeypatch.setenv("BECAUSE_LLM_EXPLANATIONS", raw)
    with pytest.raises(InputError, match="BECAUSE_LLM_EXPLANATIONS"):
        Settings.from_env(home=tmp_path)
