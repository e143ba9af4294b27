"""Interchange (ISA/IEA), functional group (GS/GE) and transaction set (ST/SE) envelopes.

Values here describe envelopes; :func:`wrap_interchange` turns them and the transaction bodies
into segments with the counts and control numbers filled in (SE01 counts ST through SE,
GE01 the sets in the group, IEA01 the groups in the interchange, X12.6 / TR3 appendix B).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from edi.errors import InterchangeError
from edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters
from edi.x12.numbers import NumberFormatError, read_integer
from edi.x12.segment import Segment, make_segment

__all__ = [
    "InterchangeHeader",
    "GroupHeader",
    "TransactionSet",
    "FunctionalGroup",
    "Interchange",
    "wrap_interchange",
    "isa_segment",
    "header_from_isa",
    "group_from_gs",
]


@dataclass(frozen=True, slots=True)
class InterchangeHeader:
    """What an ISA says: who sends to whom, when, under which control number (ISA13)."""

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    control_number: int
    date: dt.date
    time: dt.time
    usage: str = "P"                    # ISA15: P production, T test
    ack_requested: bool = False         # ISA14: 1 asks for a TA1
    version: str = "00501"              # ISA12
    authorization_qualifier: str = "00"
    authorization: str = ""
    security_qualifier: str = "00"
    security: str = ""

    def __post_init__(self) -> None:
        if not 0 < self.control_number <= 999_999_999:
            raise ValueError(f"ISA13 control number {self.control_number} is not 1..999999999")
        if len(self.sender_id) > 15 or len(self.receiver_id) > 15:
            raise ValueError("ISA06 and ISA08 hold at most 15 characters")


@dataclass(frozen=True, slots=True)
class GroupHeader:
    """What a GS says (GS01 functional id, GS06 control number, GS08 implementation guide)."""

    functional_id: str
    sender_code: str
    receiver_code: str
    control_number: int
    version: str
    date: dt.date
    time: dt.time
    agency: str = "X"


@dataclass(frozen=True, slots=True)
class TransactionSet:
    """ST..SE: ``body`` is every segment between ST and SE."""

    set_id: str
    control_number: str
    body: Sequence[Segment]
    implementation: str | None = None   # ST03; None leaves it out (835)


@dataclass(frozen=True, slots=True)
class FunctionalGroup:
    header: GroupHeader
    transactions: Sequence[TransactionSet] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Interchange:
    header: InterchangeHeader
    groups: Sequence[FunctionalGroup] = field(default_factory=tuple)
    delimiters: Delimiters = DEFAULT_DELIMITERS


def isa_segment(h: InterchangeHeader, delimiters: Delimiters = DEFAULT_DELIMITERS) -> Segment:
    """The fixed-width ISA for ``h``: every element padded to its exact width."""
    values = (
        h.authorization_qualifier.ljust(2), h.authorization.ljust(10)[:10],
        h.security_qualifier.ljust(2), h.security.ljust(10)[:10],
        h.sender_qualifier.ljust(2), h.sender_id.ljust(15),
        h.receiver_qualifier.ljust(2), h.receiver_id.ljust(15),
        h.date.strftime("%y%m%d"), h.time.strftime("%H%M"),
        delimiters.repetition, h.version, f"{h.control_number:09d}",
        "1" if h.ack_requested else "0", h.usage, delimiters.component,
    )
    return Segment("ISA", values, delimiters, 0)


def _gs_segment(g: GroupHeader, delimiters: Delimiters) -> Segment:
    return make_segment(
        "GS", g.functional_id, g.sender_code, g.receiver_code, g.date.strftime("%Y%m%d"),
        g.time.strftime("%H%M"), str(g.control_number), g.agency, g.version,
        delimiters=delimiters)


def _with_delimiters(seg: Segment, delimiters: Delimiters) -> Segment:
    if seg.delimiters == delimiters:
        return seg
    table = str.maketrans({seg.delimiters.component: delimiters.component,
                           seg.delimiters.repetition: delimiters.repetition})
    return Segment(seg.tag, tuple(e.translate(table) for e in seg.elements), delimiters, 0)


def wrap_interchange(interchange: Interchange) -> Iterator[Segment]:
    """Yield the whole interchange as segments, counts and trailers filled in."""
    d = interchange.delimiters
    yield isa_segment(interchange.header, d)
    for group in interchange.groups:
        yield _gs_segment(group.header, d)
        for ts in group.transactions:
            yield make_segment("ST", ts.set_id, ts.control_number, ts.implementation,
                               delimiters=d)
            count = 2
            for seg in ts.body:
                count += 1
                yield _with_delimiters(seg, d)
            yield make_segment("SE", str(count), ts.control_number, delimiters=d)
        yield make_segment("GE", str(len(group.transactions)),
                           str(group.header.control_number), delimiters=d)
    yield make_segment("IEA", str(len(interchange.groups)),
                       f"{interchange.header.control_number:09d}", delimiters=d)


def _parse_date(text: str, fmt: str) -> dt.date:
    try:
        width = 6 if fmt == "%y%m%d" else 8
        if len(text) == width and text.isdigit() and text.isascii():
            # The usual form, read without strptime (whose first call in a process costs
            # more than reading a small file). %y: 69-99 are 19xx, 00-68 20xx, as strptime.
            if width == 6:
                year = int(text[:2])
                year += 1900 if year >= 69 else 2000
            else:
                year = int(text[:4])
            return dt.date(year, int(text[-4:-2]), int(text[-2:]))
        return dt.datetime.strptime(text, fmt).date()
    except ValueError:
        return dt.date(1900, 1, 1)


def _parse_time(text: str) -> dt.time:
    digits = text.strip()[:4]
    try:
        return dt.time(int(digits[:2]), int(digits[2:4]))
    except ValueError:
        return dt.time(0, 0)


def _shown(text: str) -> str:
    text = text.strip()
    return repr(text) if len(text) <= 30 else f"{text[:30]!r}..."


def header_from_isa(isa: Segment) -> InterchangeHeader:
    """Read an ISA segment into an :class:`InterchangeHeader` (lenient on dates and times).

    Raises :class:`~edi.errors.InterchangeError` (TA105 006 or 008) when ISA06 or ISA08 is
    longer than its fixed 15 characters, which only an ISA not padded to width can carry.
    """
    g = isa.get
    for n, note in ((6, "006"), (8, "008")):
        if len(g(n).strip()) > 15:
            raise InterchangeError(
                f"ISA{n:02d}: the {'sender' if n == 6 else 'receiver'} id {_shown(g(n))} is "
                f"{len(g(n).strip())} characters long; it holds at most 15", note_code=note)
    try:
        control = read_integer(g(13), max_digits=9)
    except NumberFormatError:
        control = 0
    return InterchangeHeader(
        sender_qualifier=g(5).strip(), sender_id=g(6).strip(),
        receiver_qualifier=g(7).strip(), receiver_id=g(8).strip(),
        control_number=control if 0 < control <= 999_999_999 else 1,
        date=_parse_date(g(9), "%y%m%d"), time=_parse_time(g(10)),
        usage=g(15).strip() or "P", ack_requested=g(14).strip() == "1",
        version=g(12).strip(), authorization_qualifier=g(1), authorization=g(2).strip(),
        security_qualifier=g(3), security=g(4).strip())


def group_from_gs(gs: Segment) -> GroupHeader:
    """Read a GS segment into a :class:`GroupHeader` (lenient on numbers, dates, times)."""
    g = gs.get
    try:
        control = read_integer(g(6), max_digits=9)
    except NumberFormatError:
        control = 0
    return GroupHeader(functional_id=g(1), sender_code=g(2), receiver_code=g(3),
                       control_number=control, version=g(8), date=_parse_date(g(4), "%Y%m%d"),
                       time=_parse_time(g(5)), agency=g(7) or "X")
