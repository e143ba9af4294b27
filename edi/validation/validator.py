"""validate(): read a file's text in chunks and report every defect, keeping no segments.

One pass, streaming: the tokenizer yields segments, envelopes are checked as they open and
close (envelopes.py), each transaction set is walked against its guide (edi.x12.walker),
each placed segment is checked element by element (elements.py), and the money is added up
(balancing.py). What is kept is the report: envelopes, counts and defects; memory does not
grow with the file.

A bare ST or GS is read inside the synthetic envelope the tokenizer makes (segments at
position 0): its warning is reported at the interchange, its values and counts are not
checked (they are not the file's), and a trailer in the file whose header is missing (an IEA
after a GS..GE without ISA) is reported as such. Everything inside is validated as usual.

Speed (measured with cProfile and bench/bench_edi.py on generated 835/837P files): the walk and
the element checks are memoized (transaction.py), new segments are cleared by whole-segment
recognisers (recognizer.py); the garbage collector is paused during a run, since nothing built
here forms reference cycles and the collector would otherwise rescan every live object as the
defect list grows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from edi import maps
from edi.errors import InterchangeError, StrictModeError
from edi.validation.envelopes import AK9, IK5, TA1, defect, gs_defects, isa_defects
from edi.validation.report import (
    GroupResult,
    InterchangeResult,
    TransactionResult,
    ValidationReport,
)
from edi.validation.transaction import Memo, SetChecker
from edi.x12.collector import collector_paused
from edi.x12.defects import Defect, Severity, X12Path
from edi.x12.envelope import (
    GroupHeader,
    InterchangeHeader,
    group_from_gs,
    header_from_isa,
)
from edi.x12.segment import Segment
from edi.x12.tokenizer import PieceRun, Tokenizer, segment_of

__all__ = ["validate", "validate_text", "MAX_SET_DEFECTS"]

#: Defects kept per transaction set; more are counted in one closing defect (IK5 5).
MAX_SET_DEFECTS = 10_000


@dataclass(slots=True)
class _Set:
    st: Segment
    control: str
    implementation: str
    checker: SetChecker | None
    defects: list[Defect] = field(default_factory=list)
    count: int = 1
    unlisted: int = 0          # segment and element defects past MAX_SET_DEFECTS


@dataclass(slots=True)
class _Group:
    gs: Segment
    header: GroupHeader
    defects: list[Defect] = field(default_factory=list)
    transactions: list[TransactionResult] = field(default_factory=list)
    controls: set[str] = field(default_factory=set)
    synthetic: bool = False        # made up around a bare ST (position 0)


@dataclass(slots=True)
class _Interchange:
    isa: Segment
    header: InterchangeHeader
    defects: list[Defect] = field(default_factory=list)
    groups: list[GroupResult] = field(default_factory=list)
    controls: set[str] = field(default_factory=set)
    synthetic: bool = False        # made up around a bare ST or GS (position 0)


def _safe_header(isa: Segment) -> InterchangeHeader:
    """The ISA as a header; an ISA too broken to describe gets placeholder values."""
    try:
        return header_from_isa(isa)
    except (ValueError, InterchangeError):
        g = isa.get
        return InterchangeHeader(g(5).strip()[:2], g(6).strip()[:15], g(7).strip()[:2],
                                 g(8).strip()[:15], 1, dt.date(1900, 1, 1), dt.time(0, 0))


def _known_version(version: str) -> bool:
    known = {v for _, v in maps.known_versions()}
    return version in known or maps.canonical_version(version) in known


class _Validation:
    def __init__(self, source: str | None, strict: bool) -> None:
        self.source = source
        self.strict = strict
        self.all: list[Defect] = []
        self.interchanges: list[InterchangeResult] = []
        self.isa_controls: set[str] = set()
        self.ic: _Interchange | None = None
        self.group: _Group | None = None
        self.set: _Set | None = None
        self.fatal: Defect | None = None
        # One memo per guide, emptied for each interchange (delimiters may change).
        self.memos: dict[int, Memo] = {}
        self.segments = 0
        self.tokenizer: Tokenizer | None = None
        self.notes_read = 0            # tokenizer notes already given to their ISA

    # -- recording -------------------------------------------------------------------------

    def add(self, target: list[Defect], d: Defect) -> None:
        target.append(d)
        self.all.append(d)
        if self.strict and d.severity is Severity.ERROR:
            raise StrictModeError(d)

    # -- envelopes -------------------------------------------------------------------------

    def isa(self, seg: Segment) -> None:
        if self.ic is not None:
            self.end_interchange(seg, missing_trailer=True)
        synthetic = seg.position == 0
        ic = self.ic = _Interchange(seg, _safe_header(seg), synthetic=synthetic)
        self.memos.clear()
        tok = self.tokenizer
        if tok is not None:
            # The notes are in file order, each for one ISA (real ones by their ordinal).
            notes = tok.problems
            while self.notes_read < len(notes) and notes[self.notes_read].ordinal == seg.position:
                code, message, _, severity = notes[self.notes_read]
                self.notes_read += 1
                self.add(ic.defects, defect(TA1, code, seg, message, severity=severity))
        if synthetic:
            return
        for d in isa_defects(seg):
            self.add(ic.defects, d)
        control = seg.get(13)
        if control in self.isa_controls:
            self.add(ic.defects, defect(TA1, "025", seg, f"ISA13 interchange control number "
                                                         f"{control} is used twice in the file",
                                        element=13))
        self.isa_controls.add(control)

    def end_interchange(self, seg: Segment | None, missing_trailer: bool = False) -> None:
        ic = self.ic
        if ic is None:
            return
        if self.group is not None:
            self.end_group(seg, missing_trailer=True)
        if ic.synthetic:
            pass
        elif missing_trailer:
            where = seg or ic.isa
            self.add(ic.defects, defect(TA1, "023", where, f"interchange {ic.isa.get(13)} has "
                                                           "no IEA trailer"))
        elif seg is not None:
            if seg.get(2) != ic.isa.get(13):
                self.add(ic.defects, defect(TA1, "001", seg,
                                            f"IEA02 control number {seg.get(2)!r} does not "
                                            f"match ISA13 {ic.isa.get(13)!r}", element=2))
            if seg.get(1) != str(len(ic.groups)):
                self.add(ic.defects, defect(TA1, "021", seg,
                                            f"IEA01 says {seg.get(1)!r} functional groups; "
                                            f"the interchange has {len(ic.groups)}",
                                            element=1))
        self.interchanges.append(InterchangeResult(ic.header, ic.isa, tuple(ic.groups),
                                                   tuple(ic.defects)))
        self.ic = None

    def gs(self, seg: Segment) -> None:
        if self.ic is None:
            return
        if self.group is not None:
            self.end_group(seg, missing_trailer=True)
        group = self.group = _Group(seg, group_from_gs(seg), synthetic=seg.position == 0)
        if group.synthetic:
            return
        for d in gs_defects(seg, _known_version):
            self.add(group.defects, d)
        control = seg.get(6)
        if control in self.ic.controls:
            self.add(group.defects, defect(AK9, "19", seg, f"GS06 group control number "
                                                           f"{control} is used twice in the "
                                                           "interchange", element=6))
        self.ic.controls.add(control)

    def end_group(self, seg: Segment | None, missing_trailer: bool = False) -> None:
        group = self.group
        if group is None:
            return
        if self.set is not None:
            self.end_set(seg, missing_trailer=True)
        if group.synthetic:
            pass
        elif missing_trailer:
            self.add(group.defects, defect(AK9, "3", seg or group.gs,
                                           f"functional group {group.gs.get(6)} has no GE "
                                           "trailer"))
        elif seg is not None:
            if seg.get(2) != group.gs.get(6):
                self.add(group.defects, defect(AK9, "4", seg,
                                               f"GE02 control number {seg.get(2)!r} does not "
                                               f"match GS06 {group.gs.get(6)!r}", element=2))
            if seg.get(1) != str(len(group.transactions)):
                self.add(group.defects, defect(AK9, "5", seg,
                                               f"GE01 says {seg.get(1)!r} transaction sets; the "
                                               f"group has {len(group.transactions)}",
                                               element=1))
        assert self.ic is not None
        self.ic.groups.append(GroupResult(group.header, group.gs, tuple(group.transactions),
                                          tuple(group.defects)))
        self.group = None

    def st(self, seg: Segment) -> None:
        group = self.group
        if group is None:
            if self.ic is not None:
                self.add(self.ic.defects, defect(TA1, "024", seg, "transaction set outside "
                                                                  "a functional group (no GS)"))
            return
        if self.set is not None:
            self.end_set(seg, missing_trailer=True)
        set_id, control, st03 = seg.get(1), seg.get(2), seg.get(3)
        gs08 = group.gs.get(8)
        found = maps.resolve(set_id, gs08, st03)
        definition = found.definition if found else None
        current = self.set = _Set(st=seg, control=control, implementation=st03 or gs08,
                                  checker=None)
        if not (control.isdigit() or control.isalnum()) or not 4 <= len(control) <= 9:
            self.add(current.defects, defect(IK5, "7", seg, f"ST02 control number {control!r}"
                                                            " must be 4 to 9 characters",
                                             element=2, transaction=control,
                                             segment_position=1))
        if control in group.controls:
            self.add(current.defects, defect(IK5, "23", seg, f"ST02 control number {control} "
                                                             "is used twice in the group",
                                             element=2, transaction=control,
                                             segment_position=1))
        group.controls.add(control)
        if definition is None:
            self.add(current.defects, defect(IK5, "1", seg,
                                             f"transaction set {set_id} under guide "
                                             f"{st03 or gs08!r} is not supported",
                                             element=1, transaction=control,
                                             segment_position=1))
            return
        if found and found.note:
            self.add(current.defects, defect(IK5, "I6", seg, found.note, element=3,
                                             severity=Severity.WARNING, transaction=control,
                                             segment_position=1))
        if st03 and gs08 and st03 != gs08:
            self.add(current.defects, defect(IK5, "19", seg,
                                             f"ST03 {st03!r} does not match GS08 {gs08!r}",
                                             element=3, transaction=control,
                                             segment_position=1))
        if group.gs.get(1) != definition.functional_id:
            self.add(current.defects, defect(IK5, "6", seg,
                                             f"a {set_id} does not belong in a GS01 "
                                             f"{group.gs.get(1)!r} group (expected "
                                             f"{definition.functional_id})", element=1,
                                             transaction=control, segment_position=1))
        memo = self.memos.setdefault(id(definition), {})
        defects = current.defects

        def report(d: Defect) -> None:
            # A set that is wrong everywhere (the wrong guide, a broken export) would list
            # millions of defects; past a limit they are counted, not kept.
            if len(defects) < MAX_SET_DEFECTS or self.strict:
                self.add(defects, d)
            else:
                current.unlisted += 1

        current.checker = SetChecker(definition, control, memo, report,
                                     accepted_label=bool(found and found.note),
                                     first=seg.position)
        current.checker.feed(seg)

    def end_set(self, seg: Segment | None, missing_trailer: bool = False) -> None:
        current = self.set
        if current is None:
            return
        if current.checker is not None:
            current.count = current.checker.position
        if current.unlisted:
            self.add(current.defects, defect(
                IK5, "5", current.st, f"transaction set {current.control} has "
                f"{current.unlisted:,} more segment or element defects than the "
                f"{MAX_SET_DEFECTS:,} listed", transaction=current.control))
        if missing_trailer:
            self.add(current.defects, defect(IK5, "2", seg or current.st,
                                             f"transaction set {current.control} has no SE "
                                             "trailer", transaction=current.control))
        else:
            assert seg is not None
            if seg.get(2) != current.control:
                self.add(current.defects, defect(IK5, "3", seg,
                                                 f"SE02 control number {seg.get(2)!r} does not "
                                                 f"match ST02 {current.control!r}", element=2,
                                                 transaction=current.control,
                                                 segment_position=current.count))
            if seg.get(1) != str(current.count):
                self.add(current.defects, defect(IK5, "4", seg,
                                                 f"SE01 says {seg.get(1)!r} segments; the "
                                                 f"set has {current.count} (ST through SE)",
                                                 element=1, transaction=current.control,
                                                 segment_position=current.count))
        if current.checker is not None:
            current.checker.finish()
        assert self.group is not None
        self.group.transactions.append(TransactionResult(
            set_id=current.st.get(1), control_number=current.control,
            implementation=current.implementation, segment_count=current.count,
            defects=tuple(current.defects),
            claim_count=current.checker.claims if current.checker else 0))
        self.set = None

    # -- the main loop -------------------------------------------------------------------

    def run(self, chunks: Iterable[str]) -> None:
        tokenizer = self.tokenizer = Tokenizer(self.source)
        try:
            for chunk in chunks:
                self.consume(tokenizer.feed_pieces(chunk))
            self.consume(tokenizer.close_pieces())
        except InterchangeError as exc:
            where = self.set.st if self.set else (self.ic.isa if self.ic else None)
            self.fatal = Defect(Severity.ERROR, TA1, exc.note_code,
                                X12Path(file_position=tokenizer.segment_count,
                                        segment=where.tag if where else ""),
                                str(exc))
            self.all.append(self.fatal)
            if self.strict:
                raise StrictModeError(self.fatal) from exc
        self.end_interchange(None, missing_trailer=self.ic is not None)

    def consume(self, runs: list[PieceRun]) -> None:
        envelope = _ENVELOPE
        for delims, pieces, first in runs:
            if first:                     # not a synthetic envelope segment
                self.segments += len(pieces)
            i, end = 0, len(pieces)
            while i < end:
                current = self.set
                if current is not None and current.checker is not None:
                    # The body of a checked set: nearly every segment of a file.
                    i = current.checker.feed_pieces(pieces, i, delims, first, envelope)
                    if i >= end:
                        break
                seg = segment_of(pieces[i], delims, first + i)
                i += 1
                if seg.tag not in envelope and current is not None:
                    current.count += 1            # a set read without a guide
                    continue
                self.envelope(seg, seg.tag, current)

    def envelope(self, seg: Segment, tag: str, current: _Set | None) -> None:
        """Every segment that is not inside a checked set body."""
        if tag == "SE" and current is not None:
            if current.checker is not None:
                current.checker.feed(seg)
                current.count = current.checker.position
            else:
                current.count += 1
            self.end_set(seg)
        elif tag == "ST":
            self.st(seg)
        elif tag == "GS":
            self.gs(seg)
        elif tag == "GE":
            if self.group is not None and not (self.group.synthetic and seg.position):
                self.end_group(seg)
            elif self.ic is not None:
                self.add(self.ic.defects, defect(TA1, "024", seg, "GE without a GS"))
        elif tag == "ISA":
            self.isa(seg)
        elif tag == "IEA":
            if self.ic is not None and self.ic.synthetic and seg.position:
                self.add(self.ic.defects, defect(
                    TA1, "024", seg, "IEA without an ISA: the file has an interchange trailer "
                    "but no interchange header"))
            elif self.ic is not None:
                self.end_interchange(seg)
        elif tag == "TA1" and self.ic is not None and self.group is None:
            return        # an interchange acknowledgment sits directly in ISA/IEA
        else:
            target = self.group.defects if self.group else (
                self.ic.defects if self.ic else [])
            level = AK9 if self.group else TA1
            message = (f"segment {tag} is outside any transaction set" if tag else
                       "empty segment (two terminators in a row) outside a transaction set")
            self.add(target, defect(level, "24" if self.group else "024", seg, message))

    def report(self) -> ValidationReport:
        return ValidationReport(self.source, tuple(self.interchanges), tuple(self.all),
                                self.segments, self.fatal)


_ENVELOPE = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})


def validate(chunks: Iterable[str], source: str | None = None, *,
             strict: bool = False) -> ValidationReport:
    """Validate X12 text supplied in chunks (SNIP 1, 2 and 3).

    ``source`` names the file in messages. With ``strict`` the first error raises
    :class:`~edi.errors.StrictModeError` instead of being recorded. A file that cannot be read
    at all (no ISA, unreadable delimiters) gives a report whose ``fatal`` defect says why.
    """
    run = _Validation(source, strict)
    with collector_paused():
        run.run(chunks)
    return run.report()


def validate_text(text: str, source: str | None = None, *,
                  strict: bool = False) -> ValidationReport:
    """Validate a whole text held in memory."""
    return validate((text,), source, strict=strict)
