"""Segments back to wire text, in their own delimiters or any others."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from edi.x12.delimiters import Delimiters
from edi.x12.segment import Segment

__all__ = ["write_segments", "serialize"]


def write_segments(segments: Iterable[Segment], delimiters: Delimiters | None = None,
                   line_breaks: bool = False) -> Iterator[str]:
    """Yield each segment's text; ``line_breaks`` adds a newline after every terminator."""
    suffix = "\n" if line_breaks else ""
    # ISA11 and ISA16 are the separators themselves, so Segment.to_text translates them too.
    for seg in segments:
        yield seg.to_text(delimiters) + suffix


def serialize(segments: Iterable[Segment], delimiters: Delimiters | None = None,
              line_breaks: bool = False) -> str:
    """The whole text of ``segments``."""
    return "".join(write_segments(segments, delimiters, line_breaks))
