"""Received interchanges: each one is applied once, keyed by its sender (ISA06) and ISA13.

A clearinghouse may send an acknowledgment again with a new timestamp (new bytes, new
SHA-256), or put several interchanges in one file, some of them sent before. Every interchange
of a file is registered under its key, unique in the database
(``exchange_received_interchanges``), in the transaction that applies it; only the
interchanges registered now are handed to the handlers, so no acknowledgment row or posting
is applied twice. Two workers registering the same interchange at once: the database refuses
the second, which rolls back to its savepoint and finds the first one's row.

:func:`survey` streams the file once: an 835 of any size is never held as segments here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clearinghouse.tables import ReceivedInterchange
from edi.x12 import Delimiters, Tokenizer
from edi.x12.tokenizer import PieceRun

__all__ = ["Interchange", "Registration", "fresh_text", "register_interchanges", "survey"]

_CHUNK = 1 << 20     # the tokenizer returns one chunk's segments at a time
_WANTED = ("IS", "ST", "TA")     # the segments a survey splits: ISA, ST, TA1
_WS = "\r\n\t "


@dataclass(frozen=True, slots=True)
class Interchange:
    """One ISA..IEA of a file: who sent it, its ISA13, the kinds of set in it (ST01, or TA1)."""

    sender_id: str
    control_number: str
    kinds: tuple[str, ...]
    delimiters: Delimiters
    #: The envelope was made up around a bare ST..SE or GS..GE (edi.x12.bare): its sender and
    #: ISA13 name nothing the sender sent, so the file's SHA-256 alone tells it was seen.
    synthetic: bool = False

    @property
    def key(self) -> tuple[str, str]:
        # The columns' widths: an over-long ISA06 or ISA13 is a defect the readers report.
        return self.sender_id[:15], self.control_number[:9]

    def describe(self) -> str:
        return f"interchange {self.control_number} from {self.sender_id}"


@dataclass(frozen=True, slots=True)
class Registration:
    """What registering a file's interchanges found.

    ``fresh`` holds the index of each interchange received for the first time (in file order);
    ``notes`` says, in words, which were not and why.
    """

    fresh: tuple[int, ...]
    notes: tuple[str, ...]

    def all_seen(self, count: int) -> bool:
        return count > 0 and not self.fresh


def survey(text: str | Iterable[str], source: str) -> tuple[list[Interchange], list[str]]:
    """Each interchange of the file, and the kinds of set in the whole file, in order.

    ``text`` is the file's text, or its chunks in order (a file of any size is surveyed in
    one pass, a chunk at a time). Segments are looked at as text and only ISA, ST and TA1 are
    split into elements: the survey of a 100 MB ERA costs a fraction of reading it.
    """
    interchanges: list[Interchange] = []
    kinds: list[str] = []
    current: list[str] = []
    head: tuple[str, str, Delimiters, bool] | None = None

    def close() -> None:
        if head is not None:
            interchanges.append(Interchange(head[0], head[1], tuple(current), head[2],
                                            head[3]))

    chunks = ((text[at:at + _CHUNK] for at in range(0, len(text), _CHUNK))
              if isinstance(text, str) else text)
    tokenizer = Tokenizer(source)
    for run in _runs(tokenizer, chunks):
        element = run.delimiters.element
        for piece in [p for p in run.pieces if p[:2] in _WANTED]:
            tag, *elements = piece.split(element)
            if tag == "ISA":
                close()
                fields = elements + [""] * (13 - len(elements))
                head = (fields[5].strip(), fields[12].strip(), run.delimiters, run.first == 0)
                current = []
            elif tag in ("ST", "TA1"):
                kind = (elements[0] if elements else "") if tag == "ST" else "TA1"
                if kind not in current:
                    current.append(kind)
                if kind not in kinds:
                    kinds.append(kind)
    close()
    return interchanges, kinds


def _runs(tokenizer: Tokenizer, chunks: Iterable[str]) -> Iterator[PieceRun]:
    for chunk in chunks:
        yield from tokenizer.feed_pieces(chunk)
    yield from tokenizer.close_pieces()


def register_interchanges(session: Session, stored_file_id: int,
                          found: Sequence[Interchange]) -> Registration:
    """Register each interchange of a stored file under sender + ISA13, in the caller's
    transaction. One registered before by another file, or twice in this file, is not fresh.
    A file processed again (one kept unhandled) finds its own rows: those count as fresh."""
    fresh: list[int] = []
    notes: list[str] = []
    in_file: set[tuple[str, str]] = set()
    for index, interchange in enumerate(found):
        if interchange.synthetic:
            fresh.append(index)         # no key of its own; the stored file's SHA-256 holds
            continue
        key = interchange.key
        if key in in_file:
            notes.append(f"{interchange.describe()} appears twice in the file; applied once")
            continue
        in_file.add(key)
        owner = _owner(session, key)
        if owner is None:
            try:
                with session.begin_nested():
                    session.add(ReceivedInterchange(sender_id=key[0], control_number=key[1],
                                                    stored_file_id=stored_file_id))
                fresh.append(index)
                continue
            except IntegrityError:
                # Another transaction registered it first and has committed: it is theirs.
                owner = _owner(session, key)
                if owner is None:
                    raise
        if owner == stored_file_id:
            fresh.append(index)
        else:
            notes.append(f"{interchange.describe()} was already received (stored file "
                         f"{owner}); nothing applied again")
    return Registration(tuple(fresh), tuple(notes))


def _owner(session: Session, key: tuple[str, str]) -> int | None:
    return session.scalar(select(ReceivedInterchange.stored_file_id).where(
        ReceivedInterchange.sender_id == key[0], ReceivedInterchange.control_number == key[1]))


def fresh_text(text: str, found: Sequence[Interchange], keep: Iterable[int]) -> str:
    """The file's text with only the interchanges at ``keep``, each exactly as received."""
    spans = _spans(text, found)
    return "".join(text[start:end] for start, end in (spans[i] for i in sorted(set(keep))))


def _spans(text: str, found: Sequence[Interchange]) -> list[tuple[int, int]]:
    # The tokenizer's own rule: an interchange runs from its ISA to the terminator of its
    # IEA; the next one starts at the next ISA (line breaks and spaces between are allowed).
    spans: list[tuple[int, int]] = []
    pos = 0
    for interchange in found:
        start = text.find("ISA", pos)
        if start < 0:
            raise ValueError(f"{interchange.describe()} is not where the survey found it")
        term = interchange.delimiters.segment
        iea = _find_iea(text, start, interchange.delimiters)
        end = text.find(term, iea) if iea >= 0 else -1
        end = len(text) if end < 0 else end + 1
        spans.append((start, end))
        pos = end
    return spans


def _find_iea(text: str, start: int, delims: Delimiters) -> int:
    """Index just past the id of the first IEA segment at or after ``start``, or -1."""
    term, element = delims.segment, delims.element
    at = text.find("IEA", start)
    while at >= 0:
        if text[at + 3:at + 4] in (element, term):
            k = at - 1
            while k >= start and text[k] in _WS:
                k -= 1
            if k >= start and text[k] == term:
                return at + 3
        at = text.find("IEA", at + 1)
    return -1
