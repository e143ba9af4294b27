"""Transaction definitions as data: loops, segments and elements of an implementation guide.

Definitions are compiled from pyx12's XML maps (``edi.maps.compile``) or written by hand
(``edi/maps/*.py`` for the guides pyx12 lacks) and stored as JSON in ``edi/maps/``; generic
code (the loop walker and the validator) reads them. Nothing here knows any one transaction.

A loop or segment may carry a *qualifier*: the element and the codes that tell it apart from
siblings with the same segment id (NM1 with NM101 ``85`` is 2010AA, with ``87`` 2010AB).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Usage",
    "ElementDef",
    "CompositeDef",
    "SegmentDef",
    "LoopDef",
    "TransactionDef",
]


class Usage(StrEnum):
    REQUIRED = "R"
    SITUATIONAL = "S"
    NOT_USED = "N"


@dataclass(frozen=True, slots=True)
class ElementDef:
    """One simple element or one component of a composite.

    ``data_type`` is the X12 type: AN, ID, N0..N9 (implied decimals), R, DT, TM, B.
    ``codes`` is the TR3's list of valid values when the element is an ID with a closed list,
    ``None`` when any value of the right type and length is allowed. ``external`` names an
    external code list (``"states"``, ``"entity_id"``...) checked at SNIP 5, if any.
    """

    ref: str                      # "CLM05-01" style position, for paths: "CLM05" or "CLM05-1"
    name: str
    usage: Usage
    data_type: str
    min_length: int
    max_length: int
    codes: frozenset[str] | None = None
    repeat: int = 1               # how many repetitions (ISA11) are allowed
    data_element: str = ""        # X12 data element number ("1028")
    external: str | None = None
    pattern: str | None = None    # a TR3 format rule as a regular expression (REF02 SSN)


@dataclass(frozen=True, slots=True)
class CompositeDef:
    ref: str
    name: str
    usage: Usage
    components: tuple[ElementDef, ...]
    repeat: int = 1


@dataclass(frozen=True, slots=True)
class SegmentDef:
    """A segment at one place in one loop.

    ``syntax`` holds X12 syntax notes such as ``"P0304"`` (paired) or ``"C0605"``
    (conditional); letters P, R, C, L, E as in X12.6. ``qualifier`` is ``(element index,
    codes)`` when several segments with this id sit in the same loop.
    """

    id: str
    name: str
    usage: Usage
    max_use: int | None           # None: unbounded (">1")
    position: str                 # TR3 position number ("0100"), for ordering
    elements: tuple[ElementDef | CompositeDef, ...]
    syntax: tuple[str, ...] = ()
    qualifier: tuple[int, frozenset[str]] | None = None


@dataclass(frozen=True, slots=True)
class LoopDef:
    """A loop (``id`` like ``"2300"``, or ``"HEADER"``/``"ST_LOOP"`` for table-level groups).

    The first entry of ``children`` is the loop's trigger segment. ``max_repeat`` None means
    unbounded.
    """

    id: str
    name: str
    usage: Usage
    max_repeat: int | None
    children: tuple[SegmentDef | LoopDef, ...] = field(default_factory=tuple)

    @property
    def trigger(self) -> SegmentDef:
        first = self.children[0]
        return first if isinstance(first, SegmentDef) else first.trigger


@dataclass(frozen=True, slots=True)
class TransactionDef:
    """A whole implementation guide for one transaction set: ST through SE."""

    set_id: str                   # ST01: "837"
    version: str                  # GS08 / ST03: "005010X222A1"
    functional_id: str            # GS01: "HC"
    name: str
    body: LoopDef                 # the ST loop; its children are ST, header segments, loops, SE
    aliases: tuple[str, ...] = () # other GS08 values this definition answers for
