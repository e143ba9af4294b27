"""Envelope checks (SNIP 1): ISA/IEA, GS/GE and ST/SE values, counts and control numbers.

Codes are those of the acknowledgment that reports each level: TA105 note codes for the
interchange, AK905 for the group, IK502 for the transaction set (X12 005010 TA1, X231A1 999;
x12-domain.md sections 2.2, 2.3 and 7.2).
"""

from __future__ import annotations

from collections.abc import Callable

from edi.validation.elements import is_valid_date, is_valid_time
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.delimiters import ISA_WIDTHS
from edi.x12.segment import Segment

__all__ = ["isa_defects", "gs_defects", "defect", "TA1", "AK9", "IK5"]

TA1 = DefectLevel.INTERCHANGE
AK9 = DefectLevel.GROUP
IK5 = DefectLevel.TRANSACTION

_ISA_CODES: dict[int, tuple[str, frozenset[str] | None, str]] = {
    # element: (TA105 note code, allowed values, what it is)
    1: ("010", frozenset({"00", "03"}), "authorization information qualifier"),
    3: ("012", frozenset({"00", "01"}), "security information qualifier"),
    5: ("005", frozenset({"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"}),
        "sender ID qualifier"),
    7: ("007", frozenset({"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"}),
        "receiver ID qualifier"),
    14: ("019", frozenset({"0", "1"}), "acknowledgment requested flag (0 or 1)"),
    15: ("020", frozenset({"P", "T", "I"}), "usage indicator (P, T or I)"),
}


def defect(level: DefectLevel, code: str, seg: Segment, message: str, element: int = 0,
           severity: Severity = Severity.ERROR, transaction: str = "",
           segment_position: int = 0) -> Defect:
    return Defect(severity, level, code,
                  X12Path(segment=seg.tag, element=element, transaction=transaction,
                          segment_position=segment_position, file_position=seg.position),
                  message)


def isa_defects(isa: Segment) -> list[Defect]:
    """Problems in the values of an ISA (its delimiters were checked by the tokenizer)."""
    out: list[Defect] = []
    elements = isa.elements
    if len(elements) != 16:
        out.append(defect(TA1, "024", isa, f"ISA has {len(elements)} elements instead of 16"))
        return out
    for n, (code, allowed, what) in _ISA_CODES.items():
        value = elements[n - 1].strip()
        if allowed is not None and value not in allowed:
            out.append(defect(TA1, code, isa, f"ISA{n:02d} {what}: {value!r} is not valid",
                              element=n))
    for n, width in enumerate(ISA_WIDTHS, 1):
        if n in (11, 16):
            continue
        if len(elements[n - 1]) != width:
            out.append(defect(TA1, "024", isa,
                              f"ISA{n:02d} is {len(elements[n - 1])} characters long; the "
                              f"interchange header requires exactly {width}", element=n))
    if not is_valid_date(elements[8]) or len(elements[8]) != 6:
        out.append(defect(TA1, "014", isa,
                          f"ISA09 interchange date {elements[8]!r} is not a valid YYMMDD date",
                          element=9))
    time = elements[9]
    if not (time.isascii() and time.isdigit() and len(time) == 4 and int(time[:2]) < 24
            and int(time[2:]) < 60):
        out.append(defect(TA1, "015", isa,
                          f"ISA10 interchange time {time!r} is not a valid HHMM time",
                          element=10))
    control = elements[12]
    if not (control.isdigit() and len(control) == 9):
        out.append(defect(TA1, "018", isa,
                          f"ISA13 interchange control number {control!r} must be 9 digits",
                          element=13))
    if not elements[5].strip():
        out.append(defect(TA1, "006", isa, "ISA06 interchange sender ID is blank", element=6))
    if not elements[7].strip():
        out.append(defect(TA1, "008", isa, "ISA08 interchange receiver ID is blank",
                          element=8))
    return out


def gs_defects(gs: Segment, known_version: Callable[[str], bool]) -> list[Defect]:
    """Problems in a GS: dates, control number, the guide named in GS08."""
    out: list[Defect] = []
    g = gs.get
    if not g(1):
        out.append(defect(AK9, "1", gs, "GS01 functional identifier code is missing",
                          element=1))
    if not (len(g(4)) == 8 and is_valid_date(g(4))):
        out.append(defect(AK9, "1", gs, f"GS04 group date {g(4)!r} is not a valid "
                                        "CCYYMMDD date", element=4))
    if not is_valid_time(g(5)):
        out.append(defect(AK9, "1", gs, f"GS05 group time {g(5)!r} is not a valid HHMM[SS] "
                                        "time", element=5))
    control = g(6)
    if not (control.isdigit() and 1 <= len(control) <= 9):
        out.append(defect(AK9, "6", gs, f"GS06 group control number {control!r} must be 1 to "
                                        "9 digits", element=6))
    if g(7) != "X":
        out.append(defect(AK9, "1", gs, f"GS07 responsible agency code {g(7)!r} must be X",
                          element=7))
    if not known_version(g(8)):
        out.append(defect(AK9, "2", gs, f"GS08 version {g(8)!r} is not a guide this system "
                                        "reads", element=8))
    return out
