"""The public names of the X12 engine's packages are pinned: others import them."""

from __future__ import annotations

import edi.maps
import edi.validation
import edi.x12


def test_x12_api():
    assert sorted(edi.x12.__all__) == sorted([
        "DEFAULT_DELIMITERS", "Defect", "DefectLevel", "Delimiters", "FunctionalGroup",
        "GroupHeader", "Interchange", "InterchangeHeader", "Loop", "LoopItem", "Segment",
        "Severity", "Tokenizer", "TransactionSet", "Walker", "X12Path", "build_tree",
        "group_from_gs", "header_from_isa", "isa_segment", "iter_loops", "iter_segments",
        "make_segment", "parse_segments", "read_delimiters", "serialize", "wrap_interchange",
        "write_segments",
    ])
    assert all(hasattr(edi.x12, name) for name in edi.x12.__all__)


def test_maps_api():
    assert sorted(edi.maps.__all__) == sorted([
        "Resolution", "canonical_version", "definition_for", "dumps", "external_codes",
        "known_versions", "loads", "resolve",
    ])
    assert all(hasattr(edi.maps, name) for name in edi.maps.__all__)


def test_validation_api():
    assert sorted(edi.validation.__all__) == sorted([
        "GroupResult", "InterchangeResult", "TransactionResult", "ValidationReport",
        "validate", "validate_text",
    ])
    assert all(hasattr(edi.validation, name) for name in edi.validation.__all__)
