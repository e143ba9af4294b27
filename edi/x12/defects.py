"""Defects: recoverable problems found while reading or validating, as values.

A defect says how bad it is, which acknowledgment code it maps to, where it is (an X12 path
such as ``2300[4]/CLM05-3``) and what is wrong in words a billing person understands.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Severity", "DefectLevel", "X12Path", "Defect"]


class Severity(StrEnum):
    ERROR = "error"        # the set (or interchange) would be rejected
    WARNING = "warning"    # accepted, but a partner may object
    INFO = "info"


class DefectLevel(StrEnum):
    """Which acknowledgment carries the defect (the X12 code's own list)."""

    INTERCHANGE = "TA1"    # TA105 interchange note code
    GROUP = "AK9"          # AK905..AK909 functional group syntax error code
    TRANSACTION = "IK5"    # IK503..IK507 implementation transaction set syntax error code
    SEGMENT = "IK3"        # IK304 implementation segment syntax error code
    ELEMENT = "IK4"        # IK403 implementation data element syntax error code
    BALANCING = "SNIP3"    # our own: money does not add up
    SITUATIONAL = "SNIP4"  # our own: inter-segment situational rules
    CODE_SET = "SNIP5"     # our own: external code sets


@dataclass(frozen=True, slots=True)
class X12Path:
    """Where a defect is.

    ``loop`` is the loop path from the transaction down (``2000A/2000B/2300[4]``), ``segment``
    the segment id, ``segment_position`` its ordinal within the transaction set (ST = 1, as
    IK302 counts), ``element``/``component``/``repetition`` 1-based or 0 when not applicable.
    ``transaction`` is ST02 of the enclosing set, ``file_position`` the segment's ordinal in
    the source text.
    """

    loop: str = ""
    segment: str = ""
    segment_position: int = 0
    element: int = 0
    component: int = 0
    repetition: int = 0
    transaction: str = ""
    file_position: int = 0

    def __str__(self) -> str:
        text = self.loop
        if self.segment:
            seg = self.segment
            if self.element:
                seg += f"{self.element:02d}"
                if self.component:
                    seg += f"-{self.component}"
                if self.repetition > 1:
                    seg += f"[rep {self.repetition}]"
            text = f"{text}/{seg}" if text else seg
        return text or "(interchange)"


@dataclass(frozen=True, slots=True)
class Defect:
    """One finding. ``code`` is the code in ``level``'s list (for IK4, ``"7"`` = invalid code)."""

    severity: Severity
    level: DefectLevel
    code: str
    path: X12Path
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        where = str(self.path)
        if self.path.file_position:
            where += f" (segment {self.path.file_position})"
        return f"{self.severity.value}: {where}: {self.message} [{self.level.value} {self.code}]"

    def to_dict(self) -> dict[str, object]:
        p = self.path
        return {
            "severity": self.severity.value, "level": self.level.value, "code": self.code,
            "path": str(p), "loop": p.loop, "segment": p.segment,
            "segment_position": p.segment_position, "element": p.element,
            "component": p.component, "repetition": p.repetition,
            "transaction": p.transaction, "file_position": p.file_position,
            "message": self.message,
        }
