"""Catalogue titles swapped for short tokens while the language model rewrites a Chinese draft.

Asked to rewrite "你给《Toy Story (1995)》打了5星..." in Chinese, the small model translates the titles
("《玩具总动员》"), which the checker rightly cannot find in the catalogue: in a 24-pair probe most
Chinese fallbacks were exactly that. The model is shown 《T1》, 《T2》... instead and copies those; the
real titles go back in before the text is checked or shown, also while it streams.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_BRACKETED = re.compile(r"《([^《》]+)》")


class TitleMask:
    """Tokens for the titles in one draft; ``mask`` and ``restore`` map between the two forms.
    With no titles (``TitleMask("")``) both are the identity."""

    def __init__(self, draft: str, extra: tuple[str, ...] = ()) -> None:
        self.titles: list[str] = []
        for name in [m.group(1) for m in _BRACKETED.finditer(draft)] + list(extra):
            if name not in self.titles:
                self.titles.append(name)
        self.token = {t: f"T{i}" for i, t in enumerate(self.titles, 1)}
        self._back = re.compile(r"《?\s*(?<![A-Za-z0-9])(T(\d{1,2}))(?![0-9])\s*》?") if self.titles else None

    def mask(self, text: str) -> str:
        if text in self.token:  # a bare title (the "Recommended:" line)
            return self.token[text]
        return _BRACKETED.sub(lambda m: f"《{self.token.get(m.group(1), m.group(1))}》", text)

    def restore(self, text: str) -> str:
        if self._back is None:
            return text

        def back(m: re.Match[str]) -> str:
            n = int(m.group(2))
            return f"《{self.titles[n - 1]}》" if 1 <= n <= len(self.titles) else m.group(0)

        return self._back.sub(back, text)

    def restore_stream(self, pieces: Iterator[str]) -> Iterator[str]:
        """Restored text as it streams: a piece that may end inside a token is held back until it is whole."""
        if not self.titles:
            yield from pieces
            return
        buffer = ""
        for piece in pieces:
            buffer += piece
            cut = _safe_prefix(buffer)
            if cut:
                yield self.restore(buffer[:cut])
                buffer = buffer[cut:]
        if buffer:
            yield self.restore(buffer)


def _safe_prefix(buffer: str) -> int:
    """How much of ``buffer`` can be restored now: up to an unclosed 《 or a trailing 'T' / 'T1'."""
    open_at = buffer.rfind("《")
    if open_at != -1 and "》" not in buffer[open_at:]:
        return open_at
    m = re.search(r"T\d{0,2}\s*$", buffer)
    return m.start() if m else len(buffer)


NO_MASK = TitleMask("")  # the identity: nothing masked (English drafts)
