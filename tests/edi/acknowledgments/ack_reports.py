"""Validation reports built by hand, for the acknowledgment builders and the 999 parser."""

from __future__ import annotations

from collections.abc import Sequence

from edi.validation.report import (
    GroupResult,
    InterchangeResult,
    TransactionResult,
    ValidationReport,
)
from edi.x12 import group_from_gs, header_from_isa, parse_segments
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path

ENVELOPE = (
    "ISA*00*          *00*          *ZZ*MAPLECLINIC    *ZZ*HARBORHEALTH   *260301*0930*^*"
    "00501*000000777*{ack}*T*:~GS*HC*MAPLECLINIC*HARBORHEALTH*20260301*0930*4401*X*"
    "005010X222A1~GS*FA*MAPLECLINIC*HARBORHEALTH*20260301*0930*4402*X*005010X231A1~")


def envelope(ack_requested: bool = False):
    isa, gs, gs_fa = parse_segments(ENVELOPE.format(ack="1" if ack_requested else "0"))
    return isa, gs, gs_fa


def element_defect(position: int, file_position: int, segment: str, element: int, code: str,
                   component: int = 0, loop: str = "2000A/2000B/2300",
                   severity: Severity = Severity.ERROR) -> Defect:
    return Defect(severity, DefectLevel.ELEMENT, code,
                  X12Path(loop=loop, segment=segment, segment_position=position,
                          element=element, component=component, file_position=file_position),
                  f"{segment}{element:02d} problem {code}")


def segment_defect(position: int, file_position: int, segment: str, code: str,
                   loop: str = "2000A/2000B/2300") -> Defect:
    return Defect(Severity.ERROR, DefectLevel.SEGMENT, code,
                  X12Path(loop=loop, segment=segment, segment_position=position,
                          file_position=file_position), f"{segment} problem {code}")


def transaction(control: str, *defects: Defect, set_id: str = "837",
                implementation: str = "005010X222A1") -> TransactionResult:
    return TransactionResult(set_id, control, implementation, 40, tuple(defects))


def report(transactions: Sequence[TransactionResult], group_defects: Sequence[Defect] = (),
           interchange_defects: Sequence[Defect] = (), ack_requested: bool = False,
           with_fa_group: bool = False) -> ValidationReport:
    isa, gs, gs_fa = envelope(ack_requested)
    groups = [GroupResult(group_from_gs(gs), gs, tuple(transactions), tuple(group_defects))]
    if with_fa_group:
        groups.append(GroupResult(group_from_gs(gs_fa), gs_fa,
                                  (transaction("0001", set_id="999",
                                               implementation="005010X231A1"),), ()))
    interchange = InterchangeResult(header_from_isa(isa), isa, tuple(groups),
                                    tuple(interchange_defects))
    every = [*interchange_defects, *group_defects,
             *(d for t in transactions for d in t.defects)]
    return ValidationReport("test.837", (interchange,), tuple(every), 200)
