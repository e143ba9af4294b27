"""Element and composite reading for the 835: amounts, numbers and dates that become defects
when they do not read, the SVC procedure composite, PER contacts, CAS triplets and N1/NM1
parties.

:class:`ElementReader` carries the position the transaction reader is at (loop and segment),
so every defect it records names the X12 path a billing person can look up in the file.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from edi.parsers.construction import ccyymmdd, positional
from edi.parsers.remit835_values import (
    GROUP_CODES,
    ZERO,
    Adjustment,
    Contact,
    Party,
    ProcedureCode,
)
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.numbers import MAX_DIGITS, PLAIN_DECIMAL, NumberFormatError, read_decimal
from edi.x12.segment import Segment

__all__ = [
    "ElementReader", "PartyFields", "adjustments", "contact", "freeze_party", "party_fields",
    "procedure_code",
]

#: A party while its loop is still being read (N3/N4/REF/PER add to it); see freeze_party.
PartyFields = dict[str, object]

_MONEY_LIMIT = Decimal("1E10")
_plain = PLAIN_DECIMAL.fullmatch
_adjustment = positional(Adjustment)
_procedure = positional(ProcedureCode)


class ElementReader:
    """Reads elements of one ST..SE, keeping the loop it is in (2000/2100/2110) for defects."""

    def __init__(self, source: str, control: str, st_position: int) -> None:
        self.source = source
        self.control = control
        self.st_position = st_position
        self.defects: list[Defect] = []
        self.loop = "HEADER"
        self.seg: Segment | None = None
        self.version = ""

    def defect(self, message: str, element: int = 0, code: str = "8",
               severity: Severity = Severity.ERROR,
               level: DefectLevel = DefectLevel.ELEMENT) -> None:
        seg = self.seg
        path = X12Path(loop=self.loop, segment=seg.tag if seg else "",
                       segment_position=(seg.position - self.st_position + 1) if seg else 0,
                       element=element, transaction=self.control,
                       file_position=seg.position if seg else 0)
        self.defects.append(Defect(severity, level, code, path, message))

    def money(self, seg: Segment, n: int, required: bool = True) -> Decimal:
        elements = seg.elements
        text = elements[n - 1] if n <= len(elements) else ""
        # The common case first: a plain amount of at most ten characters is below the
        # implausible limit whatever its digits.
        if len(text) <= 10 and _plain(text):
            return Decimal(text)
        value = self.decimal(seg, n, "an amount")
        if value is None:
            if required:
                self.defect(f"{seg.tag}{n:02d} (an amount) is missing; counted as 0.00", n, "1")
            return ZERO
        if abs(value) >= _MONEY_LIMIT:
            # Ten billion on one remittance line is a corrupt field, not a payment.
            self.defect(f"{seg.tag}{n:02d} amount {value} is implausibly large; counted as 0.00",
                        n, "6")
            return ZERO
        return value

    def decimal(self, seg: Segment, n: int, what: str = "a number") -> Decimal | None:
        elements = seg.elements
        text = elements[n - 1] if n <= len(elements) else ""
        if len(text) <= MAX_DIGITS and _plain(text):
            return Decimal(text)
        if not text or not text.strip():
            return None
        try:
            return read_decimal(text)
        except NumberFormatError as exc:
            self.defect(f"{seg.tag}{n:02d} should be {what}: {exc}", n, "6")
            return None

    def date(self, seg: Segment, n: int) -> dt.date | None:
        text = seg.get(n)
        value = ccyymmdd(text)
        if text and value is None:
            self.defect(f"{seg.tag}{n:02d} should be a date CCYYMMDD but reads {text!r}", n, "8")
        return value


def procedure_code(seg: Segment, n: int) -> ProcedureCode | None:
    """SVC01 / SVC06 (C003): qualifier, code, up to four modifiers, description (C003-07)."""
    elements = seg.elements
    parts = (elements[n - 1] if n <= len(elements) else "").split(seg.delimiters.component)
    if not parts[0]:
        return None
    if len(parts) == 2:                 # HC:99213, the usual shape
        return _procedure(parts[0], parts[1], (), "")
    parts += ("",) * (8 - len(parts))
    return _procedure(parts[0], parts[1], tuple(filter(None, parts[2:6])), parts[6])


def contact(seg: Segment) -> Contact:
    numbers = tuple((seg.get(i), seg.get(i + 1)) for i in (3, 5, 7) if seg.get(i))
    return Contact(seg.get(1), seg.get(2), numbers)


def adjustments(r: ElementReader, seg: Segment) -> list[Adjustment]:
    """The up to six reason/amount/quantity triplets of one CAS, all under CAS01's group."""
    el = seg.elements
    count = len(el)
    group = el[0] if el else ""
    # 4010 (X091A1) still had CR corrections and reversals; 5010 dropped it (RFI 1147).
    if group not in GROUP_CODES and not (group == "CR" and r.version.startswith("004010")):
        r.defect(f"CAS01 group code {group!r} is not CO, OA, PI or PR (5010)", 1, "7")
    out = []
    for i in range(1, min(count, 19), 3):       # CAS02/05/08/11/14/17: reason codes
        reason = el[i]
        if not reason:
            if i + 1 < count and el[i + 1]:
                r.defect(f"CAS{i + 2:02d} has an amount without a reason code", i + 1, "2")
            continue
        quantity = r.decimal(seg, i + 3) if i + 2 < count and el[i + 2] else None
        out.append(_adjustment(group, reason, r.money(seg, i + 2), quantity))
    return out


def party_fields(seg: Segment) -> PartyFields:
    """The fields of an N1 (1000A/1000B) or NM1 (2100) party, open for its N3/N4/REF/PER."""
    if seg.tag == "N1":
        return {"entity": seg.get(1), "name": seg.get(2), "id_qualifier": seg.get(3),
                "identifier": seg.get(4), "references": [], "contacts": [], "address": ()}
    return {"entity": seg.get(1), "entity_type": seg.get(2), "name": seg.get(3),
            "first_name": seg.get(4), "middle_name": seg.get(5), "suffix": seg.get(7),
            "id_qualifier": seg.get(8), "identifier": seg.get(9), "references": [],
            "contacts": [], "address": ()}


def freeze_party(p: PartyFields | None) -> Party:
    if p is None:
        return Party(entity="", name="")
    values = dict(p)
    values["references"] = tuple(values["references"])  # type: ignore[arg-type]
    values["contacts"] = tuple(values["contacts"])  # type: ignore[arg-type]
    return Party(**values)  # type: ignore[arg-type]
