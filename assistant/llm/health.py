"""Whether to ask the language model now: after a failure it is skipped for a while, not waited on every turn."""

from __future__ import annotations

import logging
import time

from because.errors import LanguageModelError, ModelBusy

log = logging.getLogger(__name__)
RETRY_AFTER_S = 60.0  # after a failure, skip the model this long instead of waiting on it every turn
BUSY_RETRY_S = 10.0  # after the model's queue was too long (others are using it), try again sooner


class ModelHealth:
    """Per conversation: ``usable()`` is False for a while after ``failed(err)``. Not thread-safe."""

    def __init__(self, configured: bool) -> None:
        self.configured = configured
        self._down_until = 0.0

    def usable(self) -> bool:
        return self.configured and time.monotonic() >= self._down_until

    def failed(self, err: Exception) -> bool:
        """Note a failure; True if it was only a busy queue (``ModelBusy``)."""
        log.info("language model failed: %s", err)
        busy = isinstance(err, ModelBusy)
        self._down_until = time.monotonic() + (BUSY_RETRY_S if busy else RETRY_AFTER_S)
        return busy


__all__ = ["LanguageModelError", "ModelBusy", "ModelHealth"]
