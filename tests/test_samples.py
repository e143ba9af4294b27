"""Every X12 file in samples/ reads, writes back unchanged and validates as its README says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from edi.acknowledgments import AckControl, acknowledge, collect_context
from edi.validation import validate_text
from edi.x12 import parse_segments, serialize
from edi.x12.defects import DefectLevel, Severity
from edi.x12.tokenizer import is_synthetic

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


#: Samples shaped like the guides' examples, read leniently: bare sets and a spaced ISA.
LENIENT = sorted(p for p in X12_FILES if p.name.startswith(("bare_", "spaced_isa_")))


@pytest.mark.parametrize("path", [p for p in X12_FILES if not p.name.startswith("spaced_isa_")],
                         ids=_id)
def test_sample_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    # A bare set's synthetic envelope is not in the file.
    segments = [s for s in parse_segments(text, source=str(path)) if not is_synthetic(s)]
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


def test_there_is_a_bare_sample_of_every_supported_set() -> None:
    assert {p.suffix for p in LENIENT if p.name.startswith("bare_")} == {
        ".835", ".837", ".270", ".271", ".276", ".277", ".999"}
    assert len([p for p in LENIENT if p.suffix == ".837"]) == 2          # 837P and 837I
    assert any(p.name.startswith("spaced_isa_") for p in LENIENT)


@pytest.mark.parametrize("path", LENIENT, ids=_id)
def test_guide_shaped_sample_is_read_leniently_with_its_warning(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    report = validate_text(text, source=str(path))
    assert report.fatal is None and report.ok
    (warning,) = report.defects           # the lenient reading's warning, nothing else
    assert (warning.severity, warning.level, warning.code) == (
        Severity.WARNING, DefectLevel.INTERCHANGE, "024")
    words = ("no ISA/GS envelope" if path.name.startswith("bare_")
             else "blanks around its separators")
    assert words in warning.message
    (interchange,) = report.interchanges
    assert interchange.defects == (warning,)
    (group,) = interchange.groups
    (ts,) = group.transactions
    assert ts.accepted and ts.set_id == path.suffix.lstrip(".")[:3]
    assert report.segment_count == len(
        [s for s in parse_segments(text) if not is_synthetic(s)])
    # Its 999 accepts the set, and is itself valid X12.
    control = AckControl(interchange_control=9, group_control=9,
                         when=dt.datetime(2026, 6, 1, 12, 0))
    acks = {a.kind: a for a in acknowledge(report, control,
                                          collect_context(parse_segments(text), report))}
    if path.name.startswith("bare_"):
        # No TA1 for an envelope the sender never sent: its ISA13 was made up here.
        assert "TA1" not in acks
    else:
        # The spaced ISA's TA1 says accepted, with an error noted (TA104 E).
        assert "*E*024~" in serialize(acks["TA1"].segments)
    if ts.set_id == "999":
        assert "999" not in acks          # an acknowledgment is not acknowledged
        return
    written = serialize(acks["999"].segments)
    assert f"AK2*{ts.set_id}*{ts.control_number}*{ts.implementation}~" in written
    assert "IK5*A~" in written and "AK9*A*1*1*1~" in written and "IK3" not in written
    assert validate_text(written, "999").ok


def test_spaced_isa_sample_reads_as_the_sample_it_was_retyped_from() -> None:
    spaced = parse_segments((SAMPLES / "x12/spaced_isa_claim_acknowledgment.277").read_text())
    plain = parse_segments((SAMPLES / "x12/claim_acknowledgment.277").read_text())
    assert [(s.tag, s.elements) for s in spaced] == [(s.tag, s.elements) for s in plain]
