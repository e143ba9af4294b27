"""837 dental (005010X224A2): the sample, its tree, and dental-specific rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi.maps.hand import DENTAL_837
from edi.x12 import parse_segments, serialize
from edi.x12.walker import build_tree

SAMPLE = "dental_claim.837"


def _text(samples_dir: Path) -> str:
    return (samples_dir / "x12" / SAMPLE).read_text(encoding="utf-8")


def test_sample_is_clean_and_round_trips(samples_dir: Path, check) -> None:
    text = _text(samples_dir)
    report = check(text)
    assert report.ok, [str(d) for d in report.defects]
    assert serialize(parse_segments(text), line_breaks=True) == text


def test_tree_has_lines_with_teeth(samples_dir: Path) -> None:
    segments = parse_segments(_text(samples_dir))
    tree = build_tree(segments[2:-2], DENTAL_837)
    claim = next(tree.find("2300"))
    assert claim.segment("CLM").get(1) == "DPCN-20017"
    assert claim.segment("DN2").get(1) == "3"
    lines = list(claim.find("2400"))
    assert [line.segment("SV3").component(1, 2) for line in lines] == ["D0120", "D2392",
                                                                        "D1110"]
    assert lines[1].segment("TOO").get(3) == "M:O"
    assert [c.id for c in claim.children][:1] == ["2310B"]


@pytest.mark.parametrize(("old", "new", "path_end"), [
    ("TOO*JP*14*M:O~", "TOO*JP*14*M:Q~", "TOO03-2"),
    ("SV3*AD:D0120*65.00~", "SV3*HC:D0120*65.00~", "SV301-1"),
    ("CLM*DPCN-20017*410.00***11:B:1", "CLM*DPCN-20017*410.00***11:A:1", "CLM05-2"),
    ("DN2*3*M~", "DN2*3*X~", "DN202"),
])
def test_dental_mistakes(samples_dir: Path, check, old: str, new: str, path_end: str) -> None:
    text = _text(samples_dir)
    assert old in text
    report = check(text.replace(old, new))
    assert any(str(d.path).endswith(path_end) for d in report.defects if d.is_error), \
        [str(d) for d in report.defects]


def test_claim_total_must_match_lines(samples_dir: Path, check) -> None:
    report = check(_text(samples_dir).replace("CLM*DPCN-20017*410.00", "CLM*DPCN-20017*400.00"))
    assert not report.ok


def test_secondary_claim_with_prior_payer_adjudication(samples_dir: Path, check) -> None:
    text = (samples_dir / "x12" / "dental_secondary_claim.837").read_text(encoding="utf-8")
    report = check(text)
    assert report.ok, [str(d) for d in report.defects]
    assert serialize(parse_segments(text), line_breaks=True) == text
    segments = parse_segments(text)
    tree = build_tree(segments[2:-2], DENTAL_837)
    claim = next(tree.find("2300"))
    other = next(claim.find("2320"))
    assert other.segment("AMT", "D").get(2) == "150.00"
    assert next(other.find("2330B")).segment("NM1").get(9) == "HHP01"
    lines = list(claim.find("2400"))
    assert [len(list(line.find("2430"))) for line in lines] == [1, 1]
    assert next(lines[1].find("2420A")).segment("NM1").get(3) == "PARK"
    assert len([s for s in lines[1].segments if s.tag == "TOO"]) == 2
    # The claim belongs to the dependent patient (2000C); the subscriber level has none.
    subscriber = next(tree.find("2000B"))
    assert [c.id for c in subscriber.children] == ["2010BA", "2010BB", "2000C"]
