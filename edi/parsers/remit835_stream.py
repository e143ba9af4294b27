"""The 835 read as a stream of events: claim payments handed out as they are read.

Sans-I/O: :func:`iter_835` takes the text in chunks of any size (the caller reads the file) and
yields, per ST..SE,

* :class:`RemittanceOpened` when its first claim payment begins (or at its SE when it has
  none): the remittance as read up to there, without claims: envelope ids, ST, BPR, TRN, CUR,
  REF/DTM, payer and payee;
* each :class:`~edi.parsers.remit835_values.ClaimPayment` (loop 2100 with its 2110 lines and
  the LX header number it sits under) as soon as it closes;
* :class:`RemittanceClosed` at its SE: the remittance without claims, now with what only the
  end can tell: PLB, header groups, the SE01 count check and every defect;

and :class:`FileClosed` with the file-level defects at the end. Only the unfinished tail of a
chunk and the claim payments of one chunk are held, so memory does not grow with the file.

The text is an interchange (ISA...IEA, several in a row allowed) or a bare ST..SE without an
envelope, read with the delimiters it shows (a warning says so). A file whose fixed-width ISA
puts a line break before each segment terminator is read as if the terminator came first
(a warning again). Anything else raises :class:`~edi.errors.InterchangeError`, possibly after
events of the interchanges before it were handed out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from edi.errors import InterchangeError
from edi.parsers.remit835_transaction import EnvelopeIds, TransactionReader
from edi.parsers.remit835_values import ClaimPayment, Remittance
from edi.x12.collector import collector_paused
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.delimiters import Delimiters
from edi.x12.tokenizer import PieceRun, Tokenizer, segment_of

__all__ = ["FileClosed", "RemittanceClosed", "RemittanceEvent", "RemittanceOpened",
           "iter_835"]

#: Text handed to the tokenizer at a time: a larger chunk is cut, so one chunk's segments
#: and claim payments stay a few MiB whatever the caller passes.
_SLICE = 1 << 20
#: Characters looked at before deciding between an ISA and a bare ST..SE (and, for a bare
#: set, guessing its component separator).
_SNIFF = 1 << 16
_LEADING = "\ufeff\r\n\t "
#: Events read while the cyclic collector is paused, before they are handed out.
_EVENTS_AT_ONCE = 1000


@dataclass(frozen=True, slots=True)
class RemittanceOpened:
    """An ST..SE begins its claims; ``header`` has ``claims == ()``."""

    header: Remittance
    index: int                       # 0 for the file's first 835 transaction set


@dataclass(frozen=True, slots=True)
class RemittanceClosed:
    """An ST..SE ended; ``remittance`` has ``claims == ()``, everything else is final."""

    remittance: Remittance
    index: int
    claim_count: int                 # claim payments handed out for it


@dataclass(frozen=True, slots=True)
class FileClosed:
    """The end of the text: defects of the file itself (envelope, skipped sets)."""

    defects: tuple[Defect, ...]
    remittance_count: int


RemittanceEvent = RemittanceOpened | ClaimPayment | RemittanceClosed | FileClosed


def _bare_delimiters(text: str, source: str) -> Delimiters:
    """Delimiters of a bare ST..SE (no ISA), as some payer portals hand them out.

    Raises :class:`InterchangeError` when they cannot be told apart (``ST~835~0001~`` uses
    one character for both the element separator and the segment terminator).
    """
    element = text[2]
    rest = text[3:].split(element, 2)
    after = rest[1] if len(rest) > 1 else ""
    terminator = next((ch for ch in after if not ch.isalnum()), "~")
    component = ">" if ">" in text and ":" not in text else ":"
    repetition = next(ch for ch in "^|{" if ch not in (element, terminator, component))
    try:
        return Delimiters(element, component, repetition, terminator)
    except ValueError as exc:
        raise InterchangeError(
            f"ST: the bare transaction set's delimiters cannot be told apart (element "
            f"separator {element!r}, segment terminator {terminator!r})", note_code="026",
            source=source) from exc


def _slices(chunks: Iterable[str]) -> Iterator[str]:
    for chunk in chunks:
        if len(chunk) <= _SLICE:
            if chunk:
                yield chunk
        else:
            for at in range(0, len(chunk), _SLICE):
                yield chunk[at:at + _SLICE]


def _bare_runs(text: Iterator[str], delims: Delimiters) -> Iterator[list[PieceRun]]:
    """Segment texts of a bare ST..SE: split at the terminator, each stripped of blanks.

    A piece that is blank once stripped is no segment, but it takes its ordinal: the run of
    texts is cut there, so every text keeps the ordinal it has in the file.
    """
    term = delims.segment
    position = 0
    buffer = ""
    for chunk in text:
        buffer += chunk
        cut = buffer.rfind(term)
        if cut < 0:
            continue
        pieces = buffer[:cut].split(term)
        buffer = buffer[cut + 1:]
        runs: list[PieceRun] = []
        current: list[str] = []
        for piece in pieces:
            position += 1
            piece = piece.strip()
            if piece:
                if not current:
                    runs.append(PieceRun(delims, current, position))
                current.append(piece)
            elif current:
                current = []
        yield runs
    piece = buffer.strip()
    if piece:
        yield [PieceRun(delims, [piece], position + 1)]


def _terminators_first(text: Iterator[str]) -> Iterator[str]:
    """Line breaks written before each terminator ("...*P*^\n~GS*...") moved after it.

    A chunk that ends in line breaks keeps them back until the next chunk shows whether a
    terminator follows.
    """
    carry = ""
    for chunk in text:
        chunk = carry + chunk
        body = chunk.rstrip("\r\n")
        carry = chunk[len(body):]
        yield body.replace("\r\n~", "~\n").replace("\n~", "~\n")
    if carry:
        yield carry


def _tokenized(text: Iterator[str], source: str) -> Iterator[list[PieceRun]]:
    tokenizer = Tokenizer(source)
    for chunk in text:
        runs = tokenizer.feed_pieces(chunk)
        if runs:
            yield runs
    runs = tokenizer.close_pieces()
    if runs:
        yield runs


def _piece_runs(chunks: Iterable[str], source: str,
                notes: list[Defect]) -> Iterator[list[PieceRun]]:
    """The file's segments as text, in batches of runs (about one chunk each), however it is
    enveloped."""
    text = _slices(chunks)
    head = ""
    for chunk in text:
        head += chunk
        if len(head.lstrip(_LEADING)) >= _SNIFF:
            break
    body = head.lstrip(_LEADING)
    rest = _chain(body, text)
    if body.startswith("ISA"):
        if body[105:106] in ("\n", "\r") and body[106:].lstrip("\r\n").startswith("~"):
            # The fixed-width ISA then names the line break as the terminator.
            notes.append(Defect(Severity.WARNING, DefectLevel.INTERCHANGE, "004",
                                X12Path(segment="ISA", file_position=1),
                                "line breaks stand before each segment terminator; read as '~'"))
            rest = _terminators_first(rest)
        return _tokenized(rest, source)
    if body.startswith("ST") and len(body) > 3 and not body[2].isalnum():
        # The component separator is guessed from the first 64 KiB.
        delims = _bare_delimiters(body, source)
        notes.append(Defect(Severity.WARNING, DefectLevel.INTERCHANGE, "024",
                            X12Path(segment="ST", file_position=1),
                            "the file has no ISA/GS envelope; read as a bare transaction set"))
        return _bare_runs(rest, delims)
    raise InterchangeError(f"expected an ISA (or ST) segment, found {body[:20]!r}",
                           note_code="024", source=source)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def iter_835(chunks: Iterable[str], source: str = "") -> Iterator[RemittanceEvent]:
    """Read the 835 text in ``chunks`` as events (see the module's docstring).

    Raises :class:`~edi.errors.InterchangeError` when the text is not X12 at all.

    The events are read ``_EVENTS_AT_ONCE`` at a time with the cyclic collector paused (it
    is left as the caller had it while the caller holds the events): reading allocates a few
    hundred thousand small objects per MiB and makes no cycles, and a collector running
    while they are built would rescan them over and over (a third of the reading time).
    """
    events = _events(chunks, source)
    while True:
        taken: list[RemittanceEvent] = []
        failure: Exception | None = None
        finished = False
        try:
            with collector_paused():
                for event in events:
                    taken.append(event)
                    if len(taken) >= _EVENTS_AT_ONCE:
                        break
                else:
                    finished = True
        except Exception as exc:        # handed on after the events read before it
            failure = exc
        # Handed out last-first from the end of the list, so each is let go when taken.
        taken.reverse()
        while taken:
            yield taken.pop()
        if failure is not None:
            raise failure
        if finished:
            return


def _events(chunks: Iterable[str], source: str) -> Iterator[RemittanceEvent]:
    notes: list[Defect] = []
    defects: list[Defect] = []
    envelope = EnvelopeIds()
    reader: TransactionReader | None = None
    opened = False
    index = 0
    for run in (run for runs in _piece_runs(chunks, source, notes) for run in runs):
        delims, pieces, first = run
        i, end = 0, len(pieces)
        while i < end:
            if reader is not None:
                i = reader.read(run, i)
                if not opened and reader.header is not None:
                    opened = True
                    yield RemittanceOpened(reader.header, index)
                if reader.claims:
                    yield from reader.claims
                    reader.claims.clear()
                if reader.ended:
                    yield from _close(reader, opened, index)
                    reader, index = None, index + 1
                continue
            seg = segment_of(pieces[i], delims, first + i)
            i += 1
            tag = seg.tag
            if tag == "ISA":
                envelope = EnvelopeIds(interchange_control=seg.get(13))
            elif tag == "GS":
                envelope = replace(envelope, sender_id=seg.get(2), receiver_id=seg.get(3),
                                   group_control=seg.get(6), version=seg.get(8))
            elif tag == "ST":
                if seg.get(1) != "835":
                    defects.append(Defect(
                        Severity.ERROR, DefectLevel.TRANSACTION, "1",
                        X12Path(segment="ST", element=1, transaction=seg.get(2),
                                file_position=seg.position),
                        f"transaction set {seg.get(1)!r} is not an 835 remittance; skipped"))
                    continue
                reader, opened = TransactionReader(seg, envelope, source), False
    if reader is not None:
        yield from _close(reader, opened, index)
        index += 1
    if not index:
        defects.append(Defect(Severity.ERROR, DefectLevel.TRANSACTION, "1", X12Path(),
                              "the file holds no 835 transaction set"))
    yield FileClosed(tuple(notes + defects), index)


def _close(reader: TransactionReader, opened: bool, index: int
           ) -> Iterator[RemittanceOpened | ClaimPayment | RemittanceClosed]:
    remittance = reader.finish()
    if not opened:
        yield RemittanceOpened(remittance, index)
    if reader.claims:
        # The claim still open when the text ended without an SE.
        yield from reader.claims
        reader.claims.clear()
    yield RemittanceClosed(remittance, index, reader.claim_count)
