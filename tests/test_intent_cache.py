"""The intent model is cached on disk by the hash of what it learned from: the same probabilities, no retraining."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.routing import intent_model
from assistant.routing.intent_model import DATA_DIR, IntentModel, cached_model, fingerprint

MESSAGES = ["why the second one?", "no horror please", "什么是你最推荐的？", "a film set in rome"]


@pytest.mark.slow
def test_a_cached_model_predicts_exactly_as_a_fresh_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(DATA_DIR.glob("*.json"))
    first = cached_model(tmp_path)
    cache = tmp_path / f"intent-{fingerprint(files)}.pkl"
    assert cache.is_file()
    trained: list[int] = []
    real_init = IntentModel.__init__
    monkeypatch.setattr(IntentModel, "__init__", lambda self, *a, **k: (trained.append(1), real_init(self, *a, **k))[1])
    second = cached_model(tmp_path)
    assert trained == [] and second.embedded == first.embedded
    assert np.array_equal(first.probabilities(MESSAGES), second.probabilities(MESSAGES))
    cache.write_bytes(b"not a pickle")  # damaged: trained again and rewritten
    third = cached_model(tmp_path)
    assert trained == [1] and np.array_equal(first.probabilities(MESSAGES), third.probabilities(MESSAGES))


def test_the_fingerprint_changes_with_the_labelled_data(tmp_path: Path) -> None:
    a = tmp_path / "a.json"
    a.write_text('{"messages": [{"message": "hi", "tool": "answer"}]}', encoding="utf-8")
    before = fingerprint([a])
    a.write_text('{"messages": [{"message": "hello", "tool": "answer"}]}', encoding="utf-8")
    assert fingerprint([a]) != before
    assert intent_model.CACHE_VERSION >= 1
