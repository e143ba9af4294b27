"""The X12 syntax layer: delimiters, segments, tokenizer, writer, envelopes, defects, walker."""

from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.delimiters import DEFAULT_DELIMITERS, Delimiters, read_delimiters
from edi.x12.envelope import (
    FunctionalGroup,
    GroupHeader,
    Interchange,
    InterchangeHeader,
    TransactionSet,
    group_from_gs,
    header_from_isa,
    isa_segment,
    wrap_interchange,
)
from edi.x12.segment import Segment, make_segment
from edi.x12.tokenizer import Tokenizer, iter_segments, parse_segments
from edi.x12.walker import Loop, LoopItem, Walker, build_tree, iter_loops
from edi.x12.writer import serialize, write_segments

__all__ = [
    "DEFAULT_DELIMITERS",
    "Defect",
    "DefectLevel",
    "Delimiters",
    "FunctionalGroup",
    "GroupHeader",
    "Interchange",
    "InterchangeHeader",
    "Loop",
    "LoopItem",
    "Segment",
    "Severity",
    "Tokenizer",
    "TransactionSet",
    "Walker",
    "X12Path",
    "build_tree",
    "group_from_gs",
    "header_from_isa",
    "isa_segment",
    "iter_loops",
    "iter_segments",
    "make_segment",
    "parse_segments",
    "read_delimiters",
    "serialize",
    "wrap_interchange",
    "write_segments",
]
