"""Streaming segment tokenizer: text chunks in, :class:`Segment` values out.

Sans-I/O: the caller reads the file (any chunk size) and feeds text; nothing here opens files.
Only the unfinished tail of the last chunk is buffered, so memory does not grow with the file.

Tolerated on input (X12.6 allows none of it, but real files carry it): a UTF-8 byte-order mark,
CR/LF, spaces or tabs after segment terminators (spaces before a terminator are data and
kept), and trailing whitespace at the end of the text.
Several interchanges may follow one another, each with its own delimiters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from edi.errors import InterchangeError
from edi.x12.delimiters import ISA_LENGTH, Delimiters, scan_isa
from edi.x12.segment import Segment

__all__ = ["Tokenizer", "iter_segments", "parse_segments"]

_BOM = "\ufeff"
_WS = "\r\n\t "
_EOL = "\r\n"


class Tokenizer:
    """Incremental tokenizer. Call :meth:`feed` with text, then :meth:`close`.

    Each call returns the complete segments found so far. ``source`` names the file in errors.
    """

    def __init__(self, source: str | None = None) -> None:
        self.source = source
        self.delimiters: Delimiters | None = None
        self._buffer = ""
        self._position = 0          # segments emitted so far
        self._offset = 0            # characters consumed before the buffer
        self._closed = False
        #: Envelope problems tolerated while reading: (TA105 note code, message, segment ordinal
        #: of the ISA). The validator reports them as TA1-level defects.
        self.problems: list[tuple[str, str, int]] = []

    @property
    def segment_count(self) -> int:
        return self._position

    def feed(self, text: str) -> list[Segment]:
        if self._closed:
            raise ValueError("feed() after close()")
        if self._position == 0 and not self._buffer and text.startswith(_BOM):
            text = text[1:]
        self._buffer += text
        out: list[Segment] = []
        self._drain(out, final=False)
        return out

    def close(self) -> list[Segment]:
        """Flush the last segment; raise if the text ends inside an interchange header."""
        self._closed = True
        out: list[Segment] = []
        self._drain(out, final=True)
        rest = self._buffer.strip(_WS)
        if rest:
            if self.delimiters is None:
                self._start_interchange(final=True)  # raises with the reason
            # A last segment without its terminator: keep it (pyx12 does too) and let the
            # validator report the missing IEA or terminator.
            self._emit(rest, out)
        self._buffer = ""
        return out

    def _start_interchange(self, final: bool) -> bool:
        buf = self._buffer.lstrip(_WS)
        self._offset += len(self._buffer) - len(buf)
        self._buffer = buf
        if not buf:
            return False
        if len(buf) < ISA_LENGTH * 2 and not final and "ISA".startswith(buf[:3]):
            return False  # wait for more text: a malformed ISA may run past 106 characters
        if not buf.startswith("ISA"):
            raise InterchangeError(
                f"expected an ISA segment at character {self._offset}, found {buf[:20]!r}",
                note_code="024", position=self._offset, source=self.source)
        end = buf.find("\n", ISA_LENGTH) if len(buf) > ISA_LENGTH else -1
        head = buf[: max(end, ISA_LENGTH * 2)] if not final else buf
        self.delimiters, problems = scan_isa(head, source=self.source)
        for code, message in problems:
            self.problems.append((code, message, self._position + 1))
        return True

    def _drain(self, out: list[Segment], final: bool) -> None:
        while True:
            if self.delimiters is None and not self._start_interchange(final):
                return
            delims = self.delimiters
            assert delims is not None
            buffer = self._buffer
            pieces = buffer.split(delims.segment)
            tail = pieces.pop()
            # The hot loop: one split per segment and a tuple built in C (NamedTuple's own
            # __new__ is a Python function, several times slower per segment).
            element = delims.element
            position = self._position
            new = tuple.__new__
            append = out.append
            ws = _WS
            rest_at = -1
            for i, piece in enumerate(pieces):
                # Line breaks and indentation between segments are not data; spaces before
                # a terminator are (an element ending in blanks), so they are kept.
                piece = piece.lstrip(ws).rstrip(_EOL)
                position += 1
                if not piece:
                    # An empty segment (two terminators in a row) is reported by the validator
                    # as a segment without an id; keep it visible rather than dropping it.
                    append(new(Segment, ("", (), delims, position)))
                    continue
                parts = piece.split(element)
                tag = parts[0]
                del parts[0]
                append(new(Segment, (tag, tuple(parts), delims, position)))
                if tag == "IEA":
                    rest_at = i + 1
                    break
            self._position = position
            if rest_at >= 0:
                # The next interchange may use other delimiters: rescan what is left.
                rest = pieces[rest_at:]
                rest.append(tail)
                self._buffer = delims.segment.join(rest)
                self._offset += len(buffer) - len(self._buffer)
                self.delimiters = None
                continue
            self._buffer = tail
            self._offset += len(buffer) - len(tail)
            return

    def _emit(self, piece: str, out: list[Segment]) -> str:
        piece = piece.lstrip(_WS).rstrip(_EOL)
        self._position += 1
        if not piece:
            out.append(Segment("", (), self.delimiters, self._position))  # type: ignore[arg-type]
            return ""
        parts = piece.split(self.delimiters.element)  # type: ignore[union-attr]
        tag = parts[0]
        out.append(Segment(tag, tuple(parts[1:]), self.delimiters, self._position))  # type: ignore[arg-type]
        return tag


def iter_segments(chunks: Iterable[str], source: str | None = None) -> Iterator[Segment]:
    """Yield the segments of text supplied in chunks of any size."""
    tokenizer = Tokenizer(source)
    for chunk in chunks:
        yield from tokenizer.feed(chunk)
    yield from tokenizer.close()


def parse_segments(text: str, source: str | None = None) -> list[Segment]:
    """All segments of a text held in memory."""
    return list(iter_segments((text,), source))
