"""What a 999 needs from the file besides the validation report: bad values and claim ids.

A :class:`~edi.validation.report.ValidationReport` keeps defects, not segments. Two things in a
999 come from the segments themselves: IK404, the copy of the bad data element, and the
business unit CTX (``CTX*CLM01:PCN123``) that names the claim or trace the error is in
(X231A1 loop 2100, CTX "Business Unit Identifier"). :func:`collect_context` takes one more
streaming pass over the segments and keeps only the segments in error and their business unit,
so memory grows with the number of defects, not the size of the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from edi.validation.report import ValidationReport
from edi.x12.segment import Segment

__all__ = ["BusinessUnit", "AckContext", "collect_context", "EMPTY_CONTEXT"]

# The business unit identifier of each transaction set (X231A1 2100 CTX01-1 code list): the
# segment and element that carry it. The 835 has none in the list, so it gets no CTX.
_UNIT_ELEMENTS: dict[str, tuple[str, int, str]] = {
    "837": ("CLM", 1, "CLM01"),
    "270": ("TRN", 2, "TRN02"),
    "271": ("TRN", 2, "TRN02"),
    "276": ("TRN", 2, "TRN02"),
    "277": ("TRN", 2, "TRN02"),
    "834": ("ENT", 1, "ENT01"),
}


@dataclass(frozen=True, slots=True)
class BusinessUnit:
    """``CLM01`` and the claim's patient control number, or ``TRN02`` and the trace number."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class AckContext:
    """Segments in error and their business units, by segment ordinal in the source file."""

    segments: Mapping[int, Segment] = field(default_factory=dict)
    units: Mapping[int, BusinessUnit] = field(default_factory=dict)

    def bad_value(self, file_position: int, element: int, component: int = 0,
                  repetition: int = 0) -> str:
        """The text of the element (component, repetition) in error, or ``""``."""
        seg = self.segments.get(file_position)
        if seg is None or element <= 0:
            return ""
        value = seg.get(element)
        if repetition > 0:
            reps = value.split(seg.delimiters.repetition)
            value = reps[repetition - 1] if repetition <= len(reps) else ""
        if component > 0:
            parts = value.split(seg.delimiters.component)
            value = parts[component - 1] if component <= len(parts) else ""
        return value


EMPTY_CONTEXT = AckContext()


def collect_context(segments: Iterable[Segment], report: ValidationReport) -> AckContext:
    """Stream ``segments`` (the same text the report was made from) and keep what a 999 uses."""
    wanted = {d.path.file_position for d in report.defects if d.path.file_position}
    if not wanted:
        return EMPTY_CONTEXT
    kept: dict[int, Segment] = {}
    units: dict[int, BusinessUnit] = {}
    unit_spec: tuple[str, int, str] | None = None
    current: BusinessUnit | None = None
    for seg in segments:
        tag = seg.tag
        if tag == "ST":
            unit_spec = _UNIT_ELEMENTS.get(seg.get(1))
            current = None
        elif tag == "HL":
            # A new hierarchical level starts a new subscriber, patient or provider: the
            # previous claim's identifier no longer applies.
            current = None
        elif unit_spec is not None and tag == unit_spec[0] and seg.get(unit_spec[1]):
            current = BusinessUnit(unit_spec[2], seg.get(unit_spec[1]))
        position = seg.position
        if position in wanted:
            kept[position] = seg
            if current is not None:
                units[position] = current
    return AckContext(kept, units)
