"""The segment value: an id and its elements, as read from or written to the wire."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters

__all__ = ["Segment", "make_segment"]


class Segment(NamedTuple):
    """One X12 segment.

    ``elements`` holds the raw text of each element after the segment id, so ``elements[0]``
    is XX01. Composite and repeated elements stay joined by the interchange's own component
    and repetition separators until asked for with :meth:`components` or :meth:`repeats`.
    ``position`` is the 1-based ordinal of the segment in its source text (0 when built).

    A named tuple rather than a dataclass: readers create one per segment, millions per large
    file, and tuple construction is several times cheaper.
    """

    tag: str
    elements: tuple[str, ...]
    delimiters: Delimiters = DEFAULT_DELIMITERS
    position: int = 0

    def get(self, n: int) -> str:
        """Element XXnn (1-based) as raw text, or ``""`` when absent."""
        elements = self.elements
        return elements[n - 1] if 0 < n <= len(elements) else ""

    def components(self, n: int) -> tuple[str, ...]:
        """The components of element n (a simple element yields a 1-tuple)."""
        return tuple(self.get(n).split(self.delimiters.component))

    def component(self, n: int, c: int) -> str:
        """Component c (1-based) of element n, or ``""``."""
        parts = self.get(n).split(self.delimiters.component)
        return parts[c - 1] if 0 < c <= len(parts) else ""

    def repeats(self, n: int) -> tuple[str, ...]:
        """The repetitions of element n (ISA11 separated); empty when the element is absent."""
        raw = self.get(n)
        return tuple(raw.split(self.delimiters.repetition)) if raw else ()

    def to_text(self, delimiters: Delimiters | None = None) -> str:
        """The segment as wire text with its terminator, in ``delimiters`` or its own."""
        own = self.delimiters
        out = delimiters or own
        elements = self.elements
        if out != own:
            table = str.maketrans({own.component: out.component,
                                   own.repetition: out.repetition})
            elements = tuple(e.translate(table) for e in elements)
        if not elements:
            return self.tag + out.segment
        return self.tag + out.element + out.element.join(elements) + out.segment

    def __str__(self) -> str:
        return self.to_text()


ElementValue = str | Sequence[str] | None


def make_segment(tag: str, *values: ElementValue,
                 delimiters: Delimiters = DEFAULT_DELIMITERS) -> Segment:
    """Build a segment for writing.

    Each value is a string, ``None`` (empty), or a sequence of strings (a composite, joined by
    the component separator with trailing empty components dropped). Trailing empty elements
    are dropped, as X12 requires (no ``*~``).
    """
    elements: list[str] = []
    for value in values:
        if value is None:
            elements.append("")
        elif isinstance(value, str):
            elements.append(value)
        else:
            parts = [p or "" for p in value]
            while parts and not parts[-1]:
                parts.pop()
            elements.append(delimiters.component.join(parts))
    while elements and not elements[-1]:
        elements.pop()
    return Segment(tag, tuple(elements), delimiters, 0)
