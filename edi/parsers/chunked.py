"""How the typed readers go through a large text: its segments a chunk at a time, and what
the tokenizer read leniently handed to them as warnings.

:func:`text_batches` tokenizes a text held in memory a chunk at a time, so that only one
chunk's segments are alive at once rather than the whole file's (a 10 MB 837P read whole held
about 150 MB of segments), and hands them over a list at a time: a reader loops over each list
itself rather than resuming a generator for every segment.

The cyclic collector is paused around a read by
:func:`edi.x12.collector.collector_paused` (why, and how it is handed back, is written there).

What the tokenizer read leniently (a bare ST..SE or GS..GE in a synthetic envelope, an ISA
with blanks around its separators) it notes as it goes; :class:`ReadingWarnings` hands each
interchange's notes to a reader as warning defects when the reader meets its ISA, so that every
typed reader says so on the values it returns, never silently. Envelope errors the tokenizer
also notes (an ISA12 version other than 00501, an odd ISA11) are the validator's to report: a
typed reader reads the text as written there, tolerating nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.segment import Segment
from edi.x12.tokenizer import Tokenizer

__all__ = ["text_batches", "ReadingWarnings", "CHUNK"]

#: Characters tokenized at a time.
CHUNK = 1 << 18

def text_batches(text: str, source: str | None = None,
                 tokenizer: Tokenizer | None = None) -> Iterator[list[Segment]]:
    """The segments of ``text`` in file order, one list per chunk tokenized (by
    ``tokenizer`` when given, a fresh one for ``source`` else)."""
    if tokenizer is None:
        tokenizer = Tokenizer(source)
    for start in range(0, len(text), CHUNK):
        yield tokenizer.feed(text[start:start + CHUNK])
    yield tokenizer.close()


class ReadingWarnings:
    """A tokenizer's notes of what it read leniently, as warning defects, ISA by ISA.

    Each note is for one ISA (by its file ordinal; 0 for a synthetic one) and is made before
    that ISA is handed out, so a reader asks :meth:`at` when it meets an ISA. ``prefix`` starts
    each message (a reader whose messages name the file passes ``"name: "``).
    """

    def __init__(self, tokenizer: Tokenizer, prefix: str = "") -> None:
        self._notes = tokenizer.problems
        self._next = 0
        self._prefix = prefix

    def at(self, isa: Segment) -> tuple[Defect, ...]:
        """The warnings of the interchange that ``isa`` opens (most often none)."""
        notes, n = self._notes, self._next
        found: list[Defect] = []
        while n < len(notes) and notes[n].ordinal == isa.position:
            note = notes[n]
            n += 1
            if note.severity is Severity.WARNING:
                found.append(Defect(
                    Severity.WARNING, DefectLevel.INTERCHANGE, note.code,
                    X12Path(segment="ISA", file_position=note.ordinal),
                    self._prefix + note.message))
        self._next = n
        return tuple(found)

