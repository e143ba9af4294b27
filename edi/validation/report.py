"""What validating a file produces: per interchange, group and transaction set, the defects.

The report keeps envelopes and defects only, never the segments, so it stays small however
large the file. It carries everything a 999 or TA1 needs (ISA/GS values, ST01/ST02/ST03,
defects with their acknowledgment codes and positions).
"""

from __future__ import annotations

from dataclasses import dataclass

from edi.x12.defects import Defect, Severity
from edi.x12.envelope import GroupHeader, InterchangeHeader
from edi.x12.segment import Segment

__all__ = ["TransactionResult", "GroupResult", "InterchangeResult", "ValidationReport"]


@dataclass(frozen=True, slots=True)
class TransactionResult:
    """One ST..SE: ST01, ST02, the guide it was read against, and its defects."""

    set_id: str
    control_number: str
    implementation: str              # ST03, or GS08 when ST03 is absent
    segment_count: int               # segments ST..SE as counted
    defects: tuple[Defect, ...]
    claim_count: int = 0             # 2300 / 2100 loops seen, for reports

    @property
    def accepted(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.defects)


@dataclass(frozen=True, slots=True)
class GroupResult:
    """One GS..GE and its transaction sets; ``defects`` are group-level (AK9) only."""

    header: GroupHeader
    gs: Segment
    transactions: tuple[TransactionResult, ...]
    defects: tuple[Defect, ...]

    @property
    def accepted_count(self) -> int:
        return sum(1 for t in self.transactions if t.accepted)


@dataclass(frozen=True, slots=True)
class InterchangeResult:
    """One ISA..IEA; ``defects`` are interchange-level (TA1) only."""

    header: InterchangeHeader
    isa: Segment
    groups: tuple[GroupResult, ...]
    defects: tuple[Defect, ...]


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Everything found in one file. ``fatal`` is set when reading stopped early (TA1 level)."""

    source: str | None
    interchanges: tuple[InterchangeResult, ...]
    defects: tuple[Defect, ...]      # every defect of the file, in order, all levels
    segment_count: int
    fatal: Defect | None = None

    @property
    def ok(self) -> bool:
        return self.fatal is None and not any(d.is_error for d in self.defects)
