"""Inbound 999 implementation acknowledgments (005010X231A1) read into frozen values.

A 999 answers one functional group we sent: AK1 names it by GS06 (AK102), each AK2 names one
transaction set by ST02 (AK202), IK3/IK4 say which segment and element a partner rejected and
why, IK5 is the set's verdict and AK9 the group's (X231A1 section 2). Codes are kept as sent and
looked up in :mod:`edi.acknowledgments.codes`, so every finding also reads as a sentence.

Sans-I/O: :func:`read_999` takes text. Envelope damage that stops reading raises
:class:`~edi.errors.InterchangeError`; anything else odd becomes a defect on the result. A bare
ST..SE set (as the TR3 prints its examples) is read in a synthetic envelope, and an ISA with
blanks around its separators as if written without them, each with a warning defect on every
999 of that interchange.
"""

from __future__ import annotations

from dataclasses import dataclass

from edi.acknowledgments.codes import (
    AckCode,
    ElementError,
    GroupError,
    SegmentError,
    TransactionError,
    describe,
)
from edi.errors import WrongTransactionError
from edi.parsers.chunked import ReadingWarnings, text_batches
from edi.parsers.construction import positional
from edi.x12.collector import collector_paused
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.envelope import InterchangeHeader, header_from_isa
from edi.x12.numbers import MAX_DIGITS, NumberFormatError, read_integer
from edi.x12.segment import Segment
from edi.x12.tokenizer import Tokenizer

__all__ = [
    "ElementNote",
    "SegmentNote",
    "SetAcknowledgment",
    "GroupAcknowledgment",
    "Acknowledgment999",
    "read_999",
]


@dataclass(frozen=True, slots=True)
class ElementNote:
    """IK4: one element in error (IK401 position, IK402 element number, IK403, IK404)."""

    position: int
    component: int
    repetition: int
    data_element: str
    code: str
    bad_value: str

    @property
    def meaning(self) -> str:
        return describe(ElementError, self.code)


@dataclass(frozen=True, slots=True)
class SegmentNote:
    """IK3: one segment in error, with its business unit CTX (the claim) and its elements."""

    segment_id: str
    position: int                       # IK302: ordinal in the set, ST = 1
    loop_id: str
    code: str                           # IK304, "" when only elements are in error
    business_unit: tuple[str, str] | None
    contexts: tuple[str, ...]           # other CTX segments, as sent
    elements: tuple[ElementNote, ...]

    @property
    def meaning(self) -> str:
        return describe(SegmentError, self.code) if self.code else "the segment has errors"

    def sentences(self) -> tuple[str, ...]:
        """The finding in words, one sentence for the segment and one per element."""
        where = f"segment {self.segment_id} (position {self.position}"
        where += f", loop {self.loop_id})" if self.loop_id else ")"
        if self.business_unit:
            where += f" of {self.business_unit[0]} {self.business_unit[1]}"
        out = [f"{where[0].upper()}{where[1:]}: {self.meaning}."]
        for e in self.elements:
            ref = f"{self.segment_id}{e.position:02d}"
            if e.component:
                ref += f"-{e.component}"
            value = f" (sent: {e.bad_value!r})" if e.bad_value else ""
            out.append(f"{ref}: {e.meaning}{value}.")
        return tuple(out)


@dataclass(frozen=True, slots=True)
class SetAcknowledgment:
    """AK2..IK5: the verdict on one transaction set we sent."""

    set_id: str
    control_number: str                 # AK202 = our ST02
    implementation: str
    code: str                           # IK501
    error_codes: tuple[str, ...]        # IK502..IK506
    segments: tuple[SegmentNote, ...]

    @property
    def accepted(self) -> bool:
        return self.code in (AckCode.ACCEPTED, AckCode.ACCEPTED_WITH_ERRORS)

    @property
    def verdict(self) -> str:
        return describe(AckCode, self.code)

    def reasons(self) -> tuple[str, ...]:
        return tuple(describe(TransactionError, c) for c in self.error_codes)


@dataclass(frozen=True, slots=True)
class GroupAcknowledgment:
    """AK1..AK9: the verdict on one functional group we sent, and each of its sets."""

    functional_id: str
    control_number: str                 # AK102 = our GS06
    version: str
    code: str                           # AK901
    sets_included: int
    sets_received: int
    sets_accepted: int
    error_codes: tuple[str, ...]        # AK905..AK909
    sets: tuple[SetAcknowledgment, ...]

    @property
    def accepted(self) -> bool:
        """True when every set was accepted (A or E); P means some were rejected."""
        return self.code in (AckCode.ACCEPTED, AckCode.ACCEPTED_WITH_ERRORS)

    @property
    def verdict(self) -> str:
        return describe(AckCode, self.code)

    def reasons(self) -> tuple[str, ...]:
        return tuple(describe(GroupError, c) for c in self.error_codes)


@dataclass(frozen=True, slots=True)
class Acknowledgment999:
    """One 999 transaction set, with the envelope it came in."""

    interchange: InterchangeHeader
    sender_code: str                    # GS02 of the 999
    control_number: str                 # ST02 of the 999
    group: GroupAcknowledgment
    defects: tuple[Defect, ...] = ()


def _int(seg: Segment, n: int, defects: list[Defect], component: int = 0) -> int:
    raw = seg.component(n, component) if component else seg.get(n)
    if raw.isdigit() and raw.isascii() and len(raw) <= MAX_DIGITS:
        return int(raw)         # what read_integer makes of plain digits, without its checks
    try:
        return read_integer(raw)
    except NumberFormatError as exc:
        where = f"{seg.tag}{n:02d}" + (f"-{component}" if component else "")
        defects.append(Defect(Severity.ERROR, DefectLevel.ELEMENT, "6",
                              X12Path(segment=seg.tag, element=n, component=component,
                                      file_position=seg.position),
                              f"{where} should be a number: {exc}"))
        return 0


#: AK201..AK203 (IK301..IK304, IK401..IK404) read by index, an absent one as "".
_PAD = ("", "", "")
_PAD4 = ("", "", "", "")
# Built by positional constructors (slot by slot; a frozen dataclass's __init__ goes through
# object.__setattr__ per field): a large 999 has one of these per set acknowledged.
_new_set = positional(SetAcknowledgment)
_new_segment_note = positional(SegmentNote)
_new_element_note = positional(ElementNote)


class _Reader:
    def __init__(self, warnings: ReadingWarnings) -> None:
        self.results: list[Acknowledgment999] = []
        self.isa: InterchangeHeader | None = None
        self.warnings = warnings
        self.read_leniently: tuple[Defect, ...] = ()     # the interchange's warnings
        self.gs02 = ""
        self.st02 = ""
        self.ak1: Segment | None = None
        self.sets: list[SetAcknowledgment] = []
        self.ak2: Segment | None = None
        self.notes: list[SegmentNote] = []
        self.ik3: Segment | None = None
        self.unit: tuple[str, str] | None = None
        self.contexts: list[str] = []
        self.elements: list[ElementNote] = []
        self.defects: list[Defect] = []

    def close_ik3(self) -> None:
        s = self.ik3
        if s is not None:
            v = s.elements + _PAD4
            self.notes.append(_new_segment_note(
                v[0], _int(s, 2, self.defects) if v[1] else 0, v[2], v[3], self.unit,
                tuple(self.contexts), tuple(self.elements)))
        elif not self.elements and not self.contexts and self.unit is None:
            return      # nothing to drop (most sets are accepted, without IK3 loops)
        self.ik3, self.unit, self.contexts, self.elements = None, None, [], []

    def feed(self, seg: Segment) -> None:
        # the tags of every set first: AK2 and IK5 come once per set acknowledged
        tag = seg.tag
        if tag == "AK2":
            self.ak2, self.notes = seg, []
        elif tag == "IK5":
            self.close_ik3()
            ak2 = self.ak2
            if ak2 is None:
                self.problem(seg, "IK5 without an AK2 naming the transaction set")
                return
            a, ik5 = ak2.elements + _PAD, seg.elements
            self.sets.append(_new_set(
                a[0], a[1], a[2], ik5[0] if ik5 else "",
                tuple([c for c in ik5[1:6] if c]), tuple(self.notes)))
            self.ak2 = None
        elif tag == "IK3":
            self.close_ik3()
            self.ik3 = seg
        elif tag == "CTX":
            self.context(seg)
        elif tag == "IK4":
            # IK401: element position, component position, repetition (the last two optional).
            v = seg.elements + _PAD4
            parts = (*v[0].split(seg.delimiters.component), "", "")
            pos = [(int(raw) if raw.isdigit() and raw.isascii() and len(raw) <= MAX_DIGITS
                    else _int(seg, 1, self.defects, c)) if raw else 0
                   for c, raw in ((1, parts[0]), (2, parts[1]), (3, parts[2]))]
            self.elements.append(_new_element_note(pos[0], pos[1], pos[2], v[1], v[2], v[3]))
        elif tag == "ISA":
            self.isa = header_from_isa(seg)
            self.read_leniently = self.warnings.at(seg)
        elif tag == "GS":
            self.gs02 = seg.get(2)
        elif tag == "ST":
            self.st02, self.ak1, self.sets = seg.get(2), None, []
            self.defects = list(self.read_leniently)
        elif tag == "AK1":
            self.ak1 = seg
        elif tag == "AK9":
            self.ak9(seg)

    def context(self, seg: Segment) -> None:
        name, _, value = seg.get(1).partition(seg.delimiters.component)
        if name == "SITUATIONAL TRIGGER" or seg.get(2):
            self.contexts.append(seg.to_text().rstrip(seg.delimiters.segment))
        else:
            self.unit = (name, value)

    def ak9(self, seg: Segment) -> None:
        if self.ak1 is None or self.isa is None:
            self.problem(seg, "AK9 without an AK1 naming the functional group")
            return
        ak1 = self.ak1
        group = GroupAcknowledgment(
            ak1.get(1), ak1.get(2), ak1.get(3), seg.get(1), _int(seg, 2, self.defects),
            _int(seg, 3, self.defects), _int(seg, 4, self.defects),
            tuple(c for c in seg.elements[4:9] if c), tuple(self.sets))
        self.results.append(Acknowledgment999(self.isa, self.gs02, self.st02, group,
                                              tuple(self.defects)))

    def problem(self, seg: Segment, message: str) -> None:
        self.defects.append(Defect(Severity.ERROR, DefectLevel.SEGMENT, "2",
                                   X12Path(segment=seg.tag, file_position=seg.position),
                                   message))


def read_999(text: str, source: str | None = None) -> tuple[Acknowledgment999, ...]:
    """Every 999 in ``text`` (any number of interchanges, groups and sets).

    Raises :class:`~edi.errors.WrongTransactionError` (a ``ValueError``) naming the file when
    its transaction sets are not 999s (an 837 or a 277CA passed by mistake); sets of other
    kinds next to 999s are skipped.
    """
    with collector_paused():
        return _read(text, source)


def _read(text: str, source: str | None) -> tuple[Acknowledgment999, ...]:
    tokenizer = Tokenizer(source)
    reader = _Reader(ReadingWarnings(tokenizer))
    others: list[str] = []
    skipping = False
    feed = reader.feed
    for batch in text_batches(text, source, tokenizer):
        for seg in batch:
            if seg.tag == "ST":
                skipping = seg.get(1) != "999"
                if skipping:
                    others.append(seg.get(1))
                    continue
            if skipping:
                skipping = seg.tag != "SE"
                continue
            feed(seg)
    if others and not reader.results:
        where = f"{source}: " if source else ""
        raise WrongTransactionError(f"{where}transaction set(s) {', '.join(sorted(set(others)))} "
                         "are not 999 acknowledgments")
    return tuple(reader.results)
