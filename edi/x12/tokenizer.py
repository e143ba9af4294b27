"""Streaming segment tokenizer: text chunks in, :class:`Segment` values out.

Sans-I/O: the caller reads the file (any chunk size) and feeds text; nothing here opens files.
Only the unfinished tail of the last chunk is buffered, so memory does not grow with the file.

Tolerated on input (X12.6 allows none of it, but real files carry it): a UTF-8 byte-order mark,
CR/LF, spaces or tabs after segment terminators (spaces before a terminator are data and
kept), and trailing whitespace at the end of the text.
Several interchanges may follow one another, each with its own delimiters.

Read leniently, with a note in :attr:`Tokenizer.problems` (never silently): text that starts
with a bare ST or GS instead of an ISA (the TR3s' own examples; see :mod:`edi.x12.bare`),
which gets a synthetic envelope whose segments have position 0, and an ISA written with
blanks around its separators (``ISA * 00 * ...``), rewritten at its fixed widths; the
blanks around the separators of the segments after it are dropped too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from edi.errors import InterchangeError
from edi.x12.bare import HEAD_LENGTH, BareStart, is_bare_start, read_bare_start, synthetic_trailers
from edi.x12.defects import Severity
from edi.x12.delimiters import ISA_LENGTH, Delimiters, is_spaced_isa, scan_isa, unspace_isa
from edi.x12.segment import Segment

__all__ = ["Tokenizer", "PieceRun", "ReadingNote", "iter_segments", "parse_segments",
           "segment_of", "segments_of", "is_synthetic"]

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
        #: Envelope problems tolerated while reading, in file order, each for the ISA at its
        #: ``ordinal`` (0: a synthetic ISA). The validator reports them as TA1-level defects.
        self.problems: list[ReadingNote] = []
        self._bare: BareStart | None = None     # reading a bare ST or GS (synthetic envelope)
        self._bare_counts = [0, 0]              # ... its ST and GS segments so far
        self._spaced = False                    # the ISA had blanks around its separators

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
                self._start_interchange(True, runs)  # raises with the reason
            # A last segment without its terminator: keep it (pyx12 does too) and let the
            # validator report the missing IEA or terminator.
            assert self.delimiters is not None
            self._position += 1
            pieces = [rest]
            if self._spaced or self._bare is not None:
                pieces = self._lenient(pieces)
            runs.append(PieceRun(self.delimiters, pieces, self._position))
        if self._bare is not None:
            self._close_bare(runs)
        self._buffer = ""
        return runs

    def _start_interchange(self, final: bool, runs: list[PieceRun]) -> bool:
        buf = self._buffer.lstrip(_WS)
        self._offset += len(self._buffer) - len(buf)
        self._buffer = buf
        self._spaced = False
        if not buf:
            return False
        if len(buf) < ISA_LENGTH * 2 and not final and "ISA".startswith(buf[:3]):
            return False  # wait for more text: a malformed ISA may run past 106 characters
        if not buf.startswith("ISA"):
            if not final and len(buf) < 4 and buf.startswith(("S", "ST", "G", "GS")):
                return False
            if not is_bare_start(buf):
                raise InterchangeError(
                    f"expected an ISA segment (or a bare ST or GS) at character "
                    f"{self._offset}, found {buf[:20]!r}",
                    note_code="024", position=self._offset, source=self.source)
            if not final and len(buf) < HEAD_LENGTH:
                return False  # the synthetic envelope is read from the first characters
            self._open_bare(buf, runs)
            return True
        if is_spaced_isa(buf):
            if not final and len(buf) < ISA_LENGTH * 8:
                return False
            buf = self._unspace(buf)
        end = buf.find("\n", ISA_LENGTH) if len(buf) > ISA_LENGTH else -1
        head = buf[: max(end, ISA_LENGTH * 2)] if not final else buf
        self.delimiters, problems = scan_isa(head, source=self.source)
        for code, message in problems:
            self.problems.append(ReadingNote(code, message, self._position + 1))
        return True

    def _unspace(self, buf: str) -> str:
        """Rewrite a spaced ISA at the start of the buffer at its fixed widths."""
        isa, used = unspace_isa(buf, self.source)
        self.problems.append(ReadingNote(
            "024", "the ISA is written with blanks around its separators (as pasted from a "
            "guide or an e-mail); read with the blanks dropped and each field at its fixed "
            "width, here and in the segments after it", self._position + 1, Severity.WARNING))
        buf = self._buffer = isa + buf[used:]
        self._offset -= len(isa) - used
        self._spaced = True
        return buf

    def _open_bare(self, buf: str, runs: list[PieceRun]) -> None:
        start = self._bare = read_bare_start(buf[:HEAD_LENGTH], self.source)
        self.delimiters = start.delimiters
        self._bare_counts = [0, 0]
        self.problems.append(ReadingNote("024", start.warning, 0, Severity.WARNING))
        # One run each: position 0 marks a segment that is not in the file.
        runs.extend(PieceRun(start.delimiters, [text], 0) for text in start.headers)

    def _close_bare(self, runs: list[PieceRun]) -> None:
        start = self._bare
        assert start is not None
        sets, groups = self._bare_counts
        runs.extend(PieceRun(start.delimiters, [text], 0)
                    for text in synthetic_trailers(start, sets, groups))
        self._bare = None
        self.delimiters = None

    def _lenient(self, pieces: list[str]) -> list[str]:
        """Pieces of a spaced interchange or bare start, made ordinary (and counted)."""
        delims = self.delimiters
        assert delims is not None
        element = delims.element
        if self._spaced:
            pieces = [_unspaced(p, element) for p in pieces]
        if self._bare is not None:
            st, gs = "ST" + element, "GS" + element
            counts = self._bare_counts
            for p in pieces:
                if p.startswith(st):
                    counts[0] += 1
                elif p.startswith(gs):
                    counts[1] += 1
        return pieces

    def _drain(self, runs: list[PieceRun], final: bool) -> None:
        while True:
            if self.delimiters is None and not self._start_interchange(final, runs):
                return
            delims = self.delimiters
            assert delims is not None
            buffer = self._buffer
            term = delims.segment
            lenient = self._spaced or self._bare is not None
            # Does this interchange end in the buffer? Its IEA, once terminated, is the last
            # segment read with these delimiters; the next interchange may have others. A
            # bare start's synthetic interchange ends where an ISA starts.
            if self._bare is None:
                at = _find_segment(buffer, "IEA", delims, self._spaced)
                end = buffer.find(term, at) if at >= 0 else -1
            else:
                at = _find_segment(buffer, "ISA", delims, True)
                end = buffer.rfind(term, 0, at - 3) if at >= 0 else -1
                if at >= 0 and end < 0:
                    end = 0                     # the ISA follows the last terminator read
                    buffer = term + buffer
            if end < 0:
                end = buffer.rfind(term)
                final_end = False
            else:
                final_end = True
            if end >= 0:
                pieces = _pieces(buffer[:end], term) if end else []
                if lenient:
                    pieces = self._lenient(pieces)
                rest = buffer[end + 1:]
                runs.append(PieceRun(delims, pieces, self._position + 1))
                self._position += len(pieces)
            else:
                rest = buffer
            self._offset += len(self._buffer) - len(rest)
            self._buffer = rest
            if not final_end:
                return
            if self._bare is not None:
                self._close_bare(runs)
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


def _find_segment(buffer: str, tag: str, delims: Delimiters, spaced: bool) -> int:
    """Index just past the id of the first ``tag`` segment in ``buffer``, or -1.

    str.find does the scanning (a regular expression over megabytes is several times
    slower); a candidate counts only where a segment starts: at the beginning of the buffer
    or after a terminator, line breaks and indentation allowed in between, and where the id
    ends (an element separator or the terminator follows; or a blank, when ``spaced``).
    """
    term, element = delims.segment, delims.element
    ends = (element, term, " ") if spaced else (element, term)
    at = buffer.find(tag)
    while at >= 0:
        after = buffer[at + 3:at + 4]
        if after in ends:
            k = at - 1
            while k >= 0 and buffer[k] in _WS:
                k -= 1
            if k < 0 or buffer[k] == term:
                return at + 3
        at = buffer.find(tag, at + 1)
    return -1


def _unspaced(piece: str, element: str) -> str:
    """A segment written with blanks around its separators (``GS * HP * ...``), without
    them; a segment whose id is followed directly by its separator is left as it is."""
    parts = piece.split(element)
    if len(parts) < 2 or not parts[0].endswith(" "):
        return piece
    return element.join(p.strip(" ") for p in parts)


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


class ReadingNote(NamedTuple):
    """An envelope problem tolerated while reading (a TA105 note code and words), for the
    ISA at file ordinal ``ordinal`` (0 for a synthetic one)."""

    code: str
    message: str
    ordinal: int
    severity: Severity = Severity.ERROR


def is_synthetic(segment: Segment) -> bool:
    """True for an envelope segment the tokenizer made up around a bare ST or GS."""
    return segment.position == 0


def iter_segments(chunks: Iterable[str], source: str | None = None) -> Iterator[Segment]:
    """Yield the segments of text supplied in chunks of any size."""
    tokenizer = Tokenizer(source)
    for chunk in chunks:
        yield from tokenizer.feed(chunk)
    yield from tokenizer.close()


def parse_segments(text: str, source: str | None = None) -> list[Segment]:
    """All segments of a text held in memory."""
    return list(iter_segments((text,), source))
