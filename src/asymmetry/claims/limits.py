"""How much one check may read: characters, claims, seconds; and what was cut.

A check reads a document as a stream and stops when it has read ``max_chars``
characters, found ``max_claims`` claims or spent ``max_seconds``; the report
then says what it left out ("checked the first 200,000 characters of 5,000,000;
raise with --max-chars"), so a partial answer is never mistaken for a whole one.

Sentences are cut into windows of at most ``max_sentence_chars``: the rules
that read a sentence look at all of it for each figure (measure, route, period
binding), and quantulum3 is super-linear in the length of what it is given
(`[1,1,1,…]` of 32 KB: 9.5 s), so an unbounded "sentence" (a table, a list, a
digit run) makes a check quadratic. The longest sentence of the seed papers is
601 characters; a window of 1,000 keeps every real sentence whole.

Defaults: 200,000 characters (ordinary prose checks at ~9 KB/s, so ~25 s),
2,000 claims, 60 s; the CLI (`asymmetry claims --max-chars …`) and the server
(`asymmetry serve --claims-max-chars …`) raise them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

MAX_CHARS: Final = 200_000
MAX_CLAIMS: Final = 2_000
MAX_SECONDS: Final = 60.0
MAX_SENTENCE_CHARS: Final = 1_000


@dataclass(frozen=True, slots=True)
class Limits:
    """The most one check reads (see module docstring for the defaults' reasons)."""

    max_chars: int = MAX_CHARS
    max_claims: int = MAX_CLAIMS
    max_seconds: float = MAX_SECONDS
    max_sentence_chars: int = MAX_SENTENCE_CHARS
    raise_with: str = "--max-"  # how a user raises a limit: "--max-chars", or the server's

    def option(self, name: str) -> str:
        return f"{self.raise_with}{name}"


@dataclass(slots=True)
class Budget:
    """What a check has used of its `Limits`, and notes on what it cut (for the report).

    ``total_chars`` is the length of the whole input when known (pasted text), so the
    note can say "of 5,000,000"; for a file the reader does not read past the limit.
    """

    limits: Limits = field(default_factory=Limits)
    total_chars: int | None = None
    chars: int = 0  # characters taken, up to the end of the paragraph being read
    position: int = 0  # characters read, up to the sentence being read
    claims: int = 0
    long_sentences: int = 0
    crowded_sentences: int = 0  # too many bare figures for quantulum3: a table, not prose
    notes: list[str] = field(default_factory=list)
    stopped: bool = False
    _deadline: float = 0.0
    _paragraph_start: int = 0

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.limits.max_seconds

    def take_text(self, text: str) -> str:
        """The part of ``text`` (one paragraph) that fits in the character budget."""
        room = self.limits.max_chars - self.chars
        self._paragraph_start = self.chars
        if len(text) <= room:
            self.chars += len(text)
            return text
        self.chars = self.limits.max_chars
        of = f" of {self.total_chars:,}" if self.total_chars else ""
        self.stop(
            f"checked the first {self.limits.max_chars:,} characters{of}; "
            f"raise with {self.limits.option('chars')}"
        )
        return text[: max(room, 0)]

    def reached(self, offset: int) -> None:
        """Reading is at ``offset`` of the paragraph last taken."""
        self.position = self._paragraph_start + offset

    def take_claim(self) -> bool:
        """Count one claim; False (and stop) once the claim budget is spent."""
        if self.claims >= self.limits.max_claims:
            self.stop(
                f"stopped at {self.limits.max_claims:,} claims, {self.position:,} characters "
                f"in; raise with {self.limits.option('claims')}"
            )
            return False
        self.claims += 1
        return True

    def out_of_time(self) -> bool:
        """True (and stop) once the time budget is spent; checked between sentences."""
        if time.monotonic() < self._deadline:
            return False
        self.stop(
            f"stopped after {self.limits.max_seconds:g} s, having checked {self.position:,} "
            f"characters; raise with {self.limits.option('seconds')}"
        )
        return True

    def stop(self, note: str) -> None:
        if not self.stopped:
            self.stopped = True
            self.notes.append(note)

    def note_long_sentence(self) -> None:
        self.long_sentences += 1

    def note_crowded_sentence(self) -> None:
        self.crowded_sentences += 1

    def all_notes(self) -> list[str]:
        """Every cut, the long-sentence windows included, for the report."""
        extra = []
        if self.long_sentences:
            extra.append(
                f"{self.long_sentences:,} sentence(s) longer than "
                f"{self.limits.max_sentence_chars:,} characters (a table or list, not prose) "
                "were read in windows of that length; a figure cut by a window edge may be missed"
            )
        if self.crowded_sentences:
            extra.append(
                f"{self.crowded_sentences:,} passage(s) with more than 8 figures outside the "
                "trade and energy units (a table) were not read for physical units (km, m², …)"
            )
        return [*self.notes, *extra]


_BREAK: Final = re.compile(r"[;,]\s|\s")


def windows(sentence: str, size: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) of ``sentence`` in pieces of at most ``size`` characters, cut after
    the last "; ", ", " or space in each piece's second half (else hard at ``size``)."""
    start = 0
    n = len(sentence)
    while n - start > size:
        cut = start + size
        best = -1
        for m in _BREAK.finditer(sentence, start + size // 2, cut):
            best = m.end()
        cut = best if best > start else cut
        yield start, sentence[start:cut]
        start = cut
    if start < n:
        yield start, sentence[start:]
