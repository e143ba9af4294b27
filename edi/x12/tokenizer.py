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
from typing import NamedTuple

from edi.errors import InterchangeError
from edi.x12.delimiters import ISA_LENGTH, Delimiters, scan_isa
from edi.x12.segment import Segment

__all__ = ["Tokenizer", "PieceRun", "iter_segments", "parse_segments", "segment_of",
           "segments_of"]

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
        return segments_of(self.feed_pieces(text))

    def close(self) -> list[Segment]:
        """Flush the last segment; raise if the text ends inside an interchange header."""
        return segments_of(self.close_pieces())

    def feed_pieces(self, text: str) -> list[PieceRun]:
        """Like :meth:`feed`, but the segments are left as text (see :class:`PieceRun`)."""
        if self._closed:
            raise ValueError("feed() after close()")
        if self._position == 0 and not self._buffer and text.startswith(_BOM):
            text = text[1:]
        self._buffer += text
        runs: list[PieceRun] = []
        self._drain(runs, final=False)
        return runs

    def close_pieces(self) -> list[PieceRun]:
        """Like :meth:`close`, with the segments left as text."""
        self._closed = True
        runs: list[PieceRun] = []
        self._drain(runs, final=True)
        rest = self._buffer.strip(_WS)
        if rest:
            if self.delimiters is None:
                self._start_interchange(final=True)  # raises with the reason
            # A last segment without its terminator: keep it (pyx12 does too) and let the
            # validator report the missing IEA or terminator.
            assert self.delimiters is not None
            self._position += 1
            runs.append(PieceRun(self.delimiters, [rest], self._position))
        self._buffer = ""
        return runs

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

    def _drain(self, runs: list[PieceRun], final: bool) -> None:
        while True:
            if self.delimiters is None and not self._start_interchange(final):
                return
            delims = self.delimiters
            assert delims is not None
            buffer = self._buffer
            term = delims.segment
            # Does this interchange end in the buffer? Its IEA, once terminated, is the last
            # segment read with these delimiters; the next interchange may have others.
            at = _find_iea(buffer, delims)
            end = buffer.find(term, at) if at >= 0 else -1
            if end < 0:
                end = buffer.rfind(term)
                final_end = False
            else:
                final_end = True
            if end >= 0:
                pieces = _pieces(buffer[:end], term)
                rest = buffer[end + 1:]
                runs.append(PieceRun(delims, pieces, self._position + 1))
                self._position += len(pieces)
            else:
                rest = buffer
            self._offset += len(buffer) - len(rest)
            self._buffer = rest
            if not final_end:
                return
            self.delimiters = None


class PieceRun(NamedTuple):
    """Segments of one interchange as text: the terminator removed, elements not yet split.

    ``first`` is the file ordinal of ``pieces[0]``. An empty piece is an empty segment (two
    terminators in a row). Readers that look most segments up rather than split them (the
    validator's memo) use these; everyone else uses :class:`Segment` values.
    """

    delimiters: Delimiters
    pieces: list[str]
    first: int


def _pieces(body: str, term: str) -> list[str]:
    """``body`` (text up to a terminator) split into segment texts.

    Line breaks and indentation between segments are not data; spaces before a terminator are
    (an element ending in blanks), so they are kept. Most files have nothing between segments
    or exactly one line feed after each terminator: those are split with one call and nothing
    left to strip; anything else is stripped piece by piece.
    """
    body = body.lstrip(_WS)
    # Single-character scans are cheap (memchr); each multi-character one costs about as much
    # as the split, so they are kept to one per path.
    if term not in _WS and "\r" not in body and "\t" not in body:
        newlines = body.count("\n")
        if not newlines:
            if term + " " not in body:
                return body.split(term)
        elif newlines == body.count(term):
            # As many line feeds as terminators: when every terminator is followed by one,
            # the split on both yields one piece per terminator.
            pieces = body.split(term + "\n")
            if len(pieces) == newlines + 1 and "\n " not in body:
                return pieces
    ws, eol = _WS, _EOL
    return [p.lstrip(ws).rstrip(eol) for p in body.split(term)]


def _find_iea(buffer: str, delims: Delimiters) -> int:
    """Index just past the id of the first IEA segment in ``buffer``, or -1.

    str.find does the scanning (a regular expression over megabytes is several times
    slower); a candidate counts only where a segment starts: at the beginning of the buffer
    or after a terminator, line breaks and indentation allowed in between, and where the id
    ends (an element separator or the terminator follows).
    """
    term, element = delims.segment, delims.element
    at = buffer.find("IEA")
    while at >= 0:
        after = buffer[at + 3:at + 4]
        if after in (element, term):
            k = at - 1
            while k >= 0 and buffer[k] in _WS:
                k -= 1
            if k < 0 or buffer[k] == term:
                return at + 3
        at = buffer.find("IEA", at + 1)
    return -1


def segment_of(piece: str, delims: Delimiters, position: int) -> Segment:
    """One piece as a :class:`Segment`."""
    if not piece:
        return Segment("", (), delims, position)
    parts = piece.split(delims.element)
    tag = parts[0]
    del parts[0]
    return tuple.__new__(Segment, (tag, tuple(parts), delims, position))


def segments_of(runs: list[PieceRun]) -> list[Segment]:
    """Every piece of ``runs`` as a :class:`Segment`, in order."""
    out: list[Segment] = []
    append = out.append
    # The hot loop: one split per segment and a tuple built in C (NamedTuple's own __new__
    # is a Python function, several times slower per segment).
    new = tuple.__new__
    for delims, pieces, position in runs:
        element = delims.element
        for piece in pieces:
            if piece:
                parts = piece.split(element)
                tag = parts[0]
                del parts[0]
                append(new(Segment, (tag, tuple(parts), delims, position)))
            else:
                # An empty segment is reported by the validator as a segment without an id;
                # it stays visible rather than being dropped.
                append(new(Segment, ("", (), delims, position)))
            position += 1
    return out


def iter_segments(chunks: Iterable[str], source: str | None = None) -> Iterator[Segment]:
    """Yield the segments of text supplied in chunks of any size."""
    tokenizer = Tokenizer(source)
    for chunk in chunks:
        yield from tokenizer.feed(chunk)
    yield from tokenizer.close()


def parse_segments(text: str, source: str | None = None) -> list[Segment]:
    """All segments of a text held in memory."""
    return list(iter_segments((text,), source))
