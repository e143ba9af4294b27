"""The 999 implementation acknowledgment (005010X231A1), built from a validation report.

One 999 answers one functional group (X231A1 section 1.3): AK1 names the group, one AK2 loop
per transaction set received names the set, IK3/IK4 (loops 2100/2110) locate each segment and
element in error, IK5 gives the set's verdict and AK9 the group's. Only SNIP 1-2 findings have
IK codes of their own; balancing, situational and code-set findings that reject a set are
reported on the segment and element they concern with the nearest implementation code, so a
sender always sees why a set was rejected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence, Set
from dataclasses import dataclass
from functools import lru_cache

from edi.acknowledgments.codes import AckCode, ElementError, SegmentError, TransactionError
from edi.acknowledgments.context import EMPTY_CONTEXT, AckContext
from edi.maps import resolve
from edi.validation.report import GroupResult, InterchangeResult, TransactionResult
from edi.x12.defects import Defect, DefectLevel, Severity
from edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters
from edi.x12.envelope import (
    FunctionalGroup,
    GroupHeader,
    Interchange,
    InterchangeHeader,
    TransactionSet,
    wrap_interchange,
)
from edi.x12.grammar import CompositeDef, LoopDef, SegmentDef
from edi.x12.segment import Segment, make_segment

__all__ = [
    "AckControl",
    "reply_delimiters",
    "reply_header",
    "acknowledge_group",
    "acknowledged_groups",
    "build_999",
    "group_verdict",
    "set_verdict",
]

VERSION_999 = "005010X231A1"
_MAX_IK4 = 99            # X231A1 2110 loop repeat
_MAX_IK5_CODES = 5       # IK502..IK506
_MAX_AK9_CODES = 5       # AK905..AK909
_REPORTED = (Severity.ERROR, Severity.WARNING)
_SEGMENT_CODES = frozenset(c.value for c in SegmentError)
_ELEMENT_CODES = frozenset(c.value for c in ElementError)
_SET_CODES = frozenset(c.value for c in TransactionError)
# Findings beyond SNIP 2 have no IK code of their own: the closest implementation code.
_ELEMENT_FALLBACK = {
    DefectLevel.CODE_SET: ElementError.INVALID_CODE,
    DefectLevel.SITUATIONAL: ElementError.DEPENDENT_ELEMENT_MISSING,
    DefectLevel.BALANCING: ElementError.PATTERN_MISMATCH,
}
_SEGMENT_FALLBACK = {
    DefectLevel.CODE_SET: SegmentError.SEGMENT_HAS_ELEMENT_ERRORS,
    DefectLevel.SITUATIONAL: SegmentError.DEPENDENT_SEGMENT_MISSING,
    DefectLevel.BALANCING: SegmentError.SEGMENT_HAS_ELEMENT_ERRORS,
}
_LOCATED_LEVELS = (DefectLevel.SEGMENT, DefectLevel.ELEMENT, *_ELEMENT_FALLBACK)
# GS01 values a 999 may acknowledge (X231A1 AK101): the HIPAA transactions. A 999 does not
# answer acknowledgments (FA) or non-HIPAA groups.
_ACKNOWLEDGED_GROUPS = frozenset({"BE", "HB", "HC", "HI", "HN", "HP", "HR", "HS", "RA"})
# ST01 values an AK2 may name (X231A1 AK201). A set of another kind in a HIPAA group is
# counted in AK9 as received and not accepted, without an AK2 loop of its own.
_ACKNOWLEDGED_SETS = frozenset({"270", "271", "276", "277", "278", "820", "834", "835", "837"})
# ISA05/ISA07 interchange ID qualifiers (X12 data element I05, as the 005010 TR3s list them).
_ID_QUALIFIERS = frozenset({"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"})
# TA105 codes that say the received delimiters themselves are unusable.
_DELIMITER_NOTES = frozenset({"004", "026", "027"})


@dataclass(frozen=True, slots=True)
class AckControl:
    """Our side of an acknowledgment: control numbers, time and (optionally) delimiters.

    Control numbers come from the caller, who keeps them unique per trading partner.
    ``usage`` None copies ISA15 of the interchange acknowledged; ``delimiters`` None uses the
    received interchange's own.
    """

    interchange_control: int
    group_control: int
    when: dt.datetime
    first_set_control: int = 1
    usage: str | None = None
    delimiters: Delimiters | None = None


def set_verdict(ts: TransactionResult) -> AckCode:
    """IK501: R when any error, E when only warnings would be reported, else A."""
    if any(d.severity is Severity.ERROR for d in ts.defects):
        return AckCode.REJECTED
    if any(d.severity is Severity.WARNING and d.level in _LOCATED_LEVELS for d in ts.defects):
        return AckCode.ACCEPTED_WITH_ERRORS
    return AckCode.ACCEPTED


def group_verdict(group: GroupResult) -> AckCode:
    """AK901: R, P (some sets rejected), E (accepted with errors) or A."""
    verdicts = [set_verdict(t) if t.set_id.strip() in _ACKNOWLEDGED_SETS else AckCode.REJECTED
                for t in group.transactions]
    if any(d.severity is Severity.ERROR for d in group.defects):
        return AckCode.REJECTED
    if verdicts and all(v is AckCode.REJECTED for v in verdicts):
        return AckCode.REJECTED
    if any(v is AckCode.REJECTED for v in verdicts):
        return AckCode.PARTIALLY_ACCEPTED
    if any(v is AckCode.ACCEPTED_WITH_ERRORS for v in verdicts):
        return AckCode.ACCEPTED_WITH_ERRORS
    return AckCode.ACCEPTED


@lru_cache(maxsize=64)
def _element_numbers(set_id: str, version: str) -> dict[str, tuple[SegmentDef, ...]]:
    """Segment definitions by id, to find IK402 data element numbers."""
    found = resolve(set_id, version)
    out: dict[str, list[SegmentDef]] = {}
    if found is not None:
        stack: list[LoopDef] = [found.definition.body]
        while stack:
            for child in stack.pop().children:
                if isinstance(child, LoopDef):
                    stack.append(child)
                else:
                    out.setdefault(child.id, []).append(child)
    return {k: tuple(v) for k, v in out.items()}


def _data_element(ts: TransactionResult, segment: str, element: int, component: int) -> str:
    for seg_def in _element_numbers(ts.set_id, ts.implementation).get(segment, ()):
        if 0 < element <= len(seg_def.elements):
            slot = seg_def.elements[element - 1]
            if isinstance(slot, CompositeDef):
                if 0 < component <= len(slot.components):
                    return slot.components[component - 1].data_element
                return ""
            return slot.data_element
    return ""


def _loop_id(loop_path: str) -> str:
    """IK303: the innermost loop of ``2000A/2000B/2300[4]``; ST-level segments have none.

    IK303 holds at most 4 characters (data element 447), so a TR3 loop id such as 2010AA is
    sent as its loop number, 2010.
    """
    last = loop_path.rsplit("/", 1)[-1].split("[", 1)[0]
    return last[:4] if last and last[0].isdigit() else ""


def _ik4(ts: TransactionResult, d: Defect, context: AckContext) -> Segment | None:
    p = d.path
    if p.element <= 0:
        return None
    code = d.code if d.level is DefectLevel.ELEMENT else _ELEMENT_FALLBACK.get(d.level, "")
    if code not in _ELEMENT_CODES:
        code = d.code if d.code in _ELEMENT_CODES else ElementError.INVALID_CODE.value
    position = (str(p.element), str(p.component) if p.component else "",
                str(p.repetition) if p.repetition else "")
    bad = ""
    if code not in ("1", "2", "I9"):
        bad = context.bad_value(p.file_position, p.element, p.component, p.repetition)[:99]
    return make_segment("IK4", position, _data_element(ts, p.segment, p.element, p.component),
                        code, bad or None)


def _segment_notes(ts: TransactionResult, context: AckContext) -> list[Segment]:
    """IK3 (with business unit CTX) and IK4 segments for every located finding of a set."""
    by_segment: dict[tuple[int, str, int], list[Defect]] = {}
    for d in ts.defects:
        if d.severity in _REPORTED and d.level in _LOCATED_LEVELS and d.path.segment:
            key = (d.path.segment_position, d.path.segment, d.path.file_position)
            by_segment.setdefault(key, []).append(d)
    out: list[Segment] = []
    for (position, segment, file_position), defects in sorted(by_segment.items()):
        seg_code = ""
        for d in defects:
            if d.path.element:
                continue
            if d.level is DefectLevel.SEGMENT and d.code in _SEGMENT_CODES:
                seg_code = d.code
            elif not seg_code:
                seg_code = _SEGMENT_FALLBACK.get(d.level, SegmentError.UNEXPECTED_SEGMENT).value
            if seg_code:
                break
        elements = [d for d in defects if d.path.element]
        if not seg_code:
            seg_code = SegmentError.SEGMENT_HAS_ELEMENT_ERRORS.value
        out.append(make_segment("IK3", segment, str(position) if position else "1",
                                _loop_id(defects[0].path.loop) or None, seg_code))
        unit = context.units.get(file_position)
        if unit is not None:
            out.append(make_segment("CTX", (unit.name, unit.value[:35])))
        for d in elements[:_MAX_IK4]:
            ik4 = _ik4(ts, d, context)
            if ik4 is not None:
                out.append(ik4)
    return out


def _ik5(ts: TransactionResult, verdict: AckCode, has_notes: bool) -> Segment:
    codes: list[str] = []
    for d in ts.defects:
        if d.severity is Severity.ERROR and d.level is DefectLevel.TRANSACTION:
            if d.code in _SET_CODES and d.code not in codes:
                codes.append(d.code)
    if verdict is not AckCode.ACCEPTED and has_notes and "5" not in codes:
        codes.append(TransactionError.SEGMENTS_IN_ERROR.value)
    if verdict is AckCode.REJECTED and not codes:
        codes.append(TransactionError.SEGMENTS_IN_ERROR.value)
    return make_segment("IK5", verdict.value, *codes[:_MAX_IK5_CODES])


def acknowledge_group(group: GroupResult, control_number: str,
                      context: AckContext = EMPTY_CONTEXT) -> TransactionSet:
    """The 999 for one functional group, as a transaction set (ST/SE filled by the writer)."""
    h = group.header
    body: list[Segment] = [make_segment("AK1", h.functional_id.strip(),
                                        str(h.control_number), h.version.strip()[:12])]
    for ts in group.transactions:
        if ts.set_id.strip() not in _ACKNOWLEDGED_SETS:
            continue
        verdict = set_verdict(ts)
        body.append(make_segment("AK2", ts.set_id.strip(), ts.control_number.strip(),
                                 ts.implementation.strip()[:35] or None))
        notes = _segment_notes(ts, context)
        body.extend(notes)
        body.append(_ik5(ts, verdict, bool(notes)))
    verdict = group_verdict(group)
    group_codes: list[str] = []
    for d in group.defects:
        if d.severity is Severity.ERROR and d.code not in group_codes:
            group_codes.append(d.code)
    received = len(group.transactions)
    accepted = sum(1 for t in group.transactions
                   if set_verdict(t).accepted and t.set_id.strip() in _ACKNOWLEDGED_SETS)
    if verdict is AckCode.REJECTED:
        accepted = 0
    body.append(make_segment("AK9", verdict.value, str(received), str(received), str(accepted),
                             *group_codes[:_MAX_AK9_CODES]))
    return TransactionSet("999", control_number, tuple(body), VERSION_999)


def acknowledged_groups(interchange: InterchangeResult) -> Sequence[GroupResult]:
    """The groups a 999 answers: the HIPAA transactions' groups (not FA, not others)."""
    return tuple(g for g in interchange.groups
                 if g.header.functional_id in _ACKNOWLEDGED_GROUPS)


def reply_delimiters(interchange: InterchangeResult, control: AckControl) -> Delimiters:
    """The caller's delimiters, else the sender's own unless they were unusable."""
    if control.delimiters is not None:
        return control.delimiters
    own = interchange.isa.delimiters
    if any(d.code in _DELIMITER_NOTES for d in interchange.defects) or not (
            own.element + own.component + own.repetition + own.segment).isascii():
        # Unusable, or outside ASCII (read leniently from an ISA not padded to width).
        return DEFAULT_DELIMITERS
    if interchange.isa.get(12).strip() != "00501" or not own.repetition.isprintable():
        # Before 00501 ISA11 was not a separator; our 00501 reply needs a visible one.
        used = (own.element, own.component, own.segment)
        spare = next(c for c in "^{}!|" if c not in used)
        return Delimiters(own.element, own.component, spare, own.segment)
    return own


def _printable(text: str, reserved: Set[str] = frozenset()) -> str:
    """``text`` without what a reply cannot carry: characters outside printable ASCII and
    ``reserved`` (the reply's delimiters). Copied values come from the file acknowledged."""
    if text.isascii() and text.isprintable() and not reserved.intersection(text):
        return text
    return "".join(c for c in text if c.isascii() and c.isprintable() and c not in reserved)


def _reserved(delimiters: Delimiters) -> frozenset[str]:
    return frozenset((delimiters.element, delimiters.component, delimiters.repetition,
                      delimiters.segment))


def reply_header(interchange: InterchangeResult, control: AckControl,
                 delimiters: Delimiters = DEFAULT_DELIMITERS) -> InterchangeHeader:
    """The ISA of a reply: sender and receiver swapped, ISA14 0, our control number.

    The ids are copied without characters the reply (written with ``delimiters``) cannot
    carry.
    """
    received = interchange.header
    when = control.when
    reserved = _reserved(delimiters)

    def qualifier(q: str) -> str:
        # A qualifier the sender got wrong is answered under ZZ (mutually defined).
        return q if q in _ID_QUALIFIERS else "ZZ"

    return InterchangeHeader(
        sender_qualifier=qualifier(received.receiver_qualifier),
        sender_id=_printable(received.receiver_id, reserved) or "UNKNOWN",
        receiver_qualifier=qualifier(received.sender_qualifier),
        receiver_id=_printable(received.sender_id, reserved) or "UNKNOWN",
        control_number=control.interchange_control, date=when.date(),
        time=when.time().replace(second=0, microsecond=0),
        usage=control.usage or (received.usage if received.usage in ("P", "T", "I") else "P"),
        ack_requested=False)


def build_999(interchange: InterchangeResult, control: AckControl,
              context: AckContext = EMPTY_CONTEXT) -> list[Segment] | None:
    """A whole interchange carrying one 999 per functional group, or None if none applies.

    Sender and receiver are swapped from the interchange received; ISA14 is 0 (no TA1 is
    asked for an acknowledgment) and GS01 is FA.
    """
    groups = acknowledged_groups(interchange)
    if not groups:
        return None
    when = control.when
    delimiters = reply_delimiters(interchange, control)
    header = reply_header(interchange, control, delimiters)
    reserved = _reserved(delimiters)
    first = groups[0].header
    gs = GroupHeader(functional_id="FA", sender_code=_printable(first.receiver_code, reserved),
                     receiver_code=_printable(first.sender_code, reserved),
                     control_number=control.group_control,
                     version=VERSION_999, date=when.date(),
                     time=when.time().replace(second=0, microsecond=0))
    sets = tuple(acknowledge_group(g, f"{control.first_set_control + i:04d}", context)
                 for i, g in enumerate(groups))
    sets = tuple(_safe_for(ts, delimiters) for ts in sets)
    return list(wrap_interchange(Interchange(header, (FunctionalGroup(gs, sets),), delimiters)))


def _safe_for(ts: TransactionSet, delimiters: Delimiters) -> TransactionSet:
    """Make the values copied from the file acknowledged fit the reply.

    An IK404 copy holding a delimiter of the reply, or a character outside printable ASCII,
    is dropped (IK404 is situational); from other copied values (AK1, AK2, IK3, CTX) such
    characters are left out.
    """
    body = []
    for seg in ts.body:
        own = seg.delimiters
        # The body's own separators are translated into the reply's when it is written.
        reserved = _reserved(delimiters) | {own.component, own.repetition}
        if seg.tag == "IK4" and len(seg.elements) > 3 \
                and _printable(seg.elements[3], reserved) != seg.elements[3]:
            seg = make_segment("IK4", *seg.elements[:3])
        elements = tuple(own.component.join(_printable(c, reserved)
                                            for c in e.split(own.component))
                         for e in seg.elements)
        if elements != seg.elements:
            seg = Segment(seg.tag, elements, own, seg.position)
        body.append(seg)
    return TransactionSet(ts.set_id, ts.control_number, tuple(body), ts.implementation)
