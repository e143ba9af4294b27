"""How the typed readers go through a large text: its segments a chunk at a time, and the
cyclic garbage collector paused.

:func:`text_batches` tokenizes a text held in memory a chunk at a time, so that only one
chunk's segments are alive at once rather than the whole file's (a 10 MB 837P read whole held
about 150 MB of segments), and hands them over a list at a time: a reader loops over each list
itself rather than resuming a generator for every segment.

A typed reader builds hundreds of thousands of small frozen values and keeps every one of them
until it returns. CPython's cyclic collector makes a full pass whenever the objects that
survived earlier passes have grown by a quarter, and each full pass walks every value read so
far: on a 10 MB 837P, eleven full passes took 0.85 s of read_837's 2.2 s, and found nothing to
free, because reading makes no reference cycles (values refer to the values inside them, never
back). :func:`collector_paused` switches the collector off around a read; objects are freed by
reference counting as always, and cycles made meanwhile (by other threads) are collected by a
later full pass.

When the collector comes back on, everything allocated meanwhile is still counted in its
youngest generation, so the first allocation after the read would walk every value read (on a
10 MB 837P, 0.1 to 0.15 s of a read taking under a second), again to free nothing. So the values
are moved straight to the oldest generation instead (``gc.freeze()`` then ``gc.unfreeze()``:
two list splices, nothing walked; whatever else was young goes with them), where full passes
scan them as they scan any long-lived object. That is skipped when the program has frozen
objects of its own (a server that froze its start-up objects before forking): unfreezing would
hand those back to the collector.

Readers may overlap (threads of a server): the first one in switches the collector off, the
last one out switches it back on, and only if it was on when the first came in.

What the tokenizer read leniently (a bare ST..SE or GS..GE in a synthetic envelope, an ISA
with blanks around its separators) it notes as it goes; :class:`ReadingWarnings` hands each
interchange's notes to a reader as warning defects when the reader meets its ISA, so that every
typed reader says so on the values it returns, never silently. Envelope errors the tokenizer
also notes (an ISA12 version other than 00501, an odd ISA11) are the validator's to report: a
typed reader reads the text as written there, tolerating nothing.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.segment import Segment
from edi.x12.tokenizer import Tokenizer

__all__ = ["collector_paused", "text_batches", "ReadingWarnings", "CHUNK"]

#: Characters tokenized at a time.
CHUNK = 1 << 18

_lock = threading.Lock()
_readers = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (see the module notes)."""
    global _readers, _was_enabled
    with _lock:
        if _readers == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _readers += 1
    try:
        yield
    finally:
        with _lock:
            _readers -= 1
            if _readers == 0 and _was_enabled:
                if not gc.get_freeze_count():
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()


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

