"""Every X12 file in samples/ reads, writes back unchanged and validates as its README says."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi.validation import validate_text
from edi.x12 import parse_segments, serialize
from edi.x12.defects import DefectLevel

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
X12_FILES = sorted(p for p in SAMPLES.rglob("*")
                   if p.is_file() and p.suffix not in (".json", ".md"))
#: Samples broken on purpose, and the only kind of defect each may carry.
DELIBERATELY_BROKEN = {"remittance/era_out_of_balance.835": DefectLevel.BALANCING,
                       "practice/era_acme_out_of_balance.835": DefectLevel.BALANCING}


def _id(path: Path) -> str:
    return path.relative_to(SAMPLES).as_posix()


def test_there_are_samples_of_every_kind() -> None:
    suffixes = {p.suffix for p in X12_FILES}
    assert {".835", ".837", ".999", ".ta1", ".277", ".270", ".271", ".276"} <= suffixes


@pytest.mark.parametrize("path", X12_FILES, ids=_id)
def test_sample_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    segments = parse_segments(text, source=str(path))
    terminator = segments[0].delimiters.segment
    written = serialize(segments)
    expected = "".join(line.strip() for line in text.lstrip("\ufeff").splitlines())
    assert written == expected or written == expected + terminator


@pytest.mark.parametrize("path", X12_FILES, ids=_id)
def test_sample_validates(path: Path) -> None:
    report = validate_text(path.read_text(encoding="utf-8"), source=str(path))
    errors = [d for d in report.defects if d.is_error]
    allowed = DELIBERATELY_BROKEN.get(_id(path))
    if allowed is None:
        assert report.ok, "\n".join(str(d) for d in errors)
    else:
        assert errors and all(d.level is allowed for d in errors)
