"""270/271 (005010X279A1): samples, generated files and typical mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi.maps.hand import INQUIRY_270, RESPONSE_271
from edi.x12 import parse_segments, serialize
from edi.x12.walker import build_tree


@pytest.mark.parametrize("name", ["eligibility_inquiry.270", "eligibility_response.271"])
def test_samples_are_clean_and_round_trip(samples_dir: Path, check, name: str) -> None:
    text = (samples_dir / "x12" / name).read_text(encoding="utf-8")
    report = check(text)
    assert report.ok, [str(d) for d in report.defects]
    assert serialize(parse_segments(text), line_breaks=True) == text


@pytest.mark.parametrize("kind", ["270", "271"])
def test_generated_files_are_clean(generated, check, kind: str) -> None:
    report = check(generated(kind, 40))
    assert report.ok, [str(d) for d in report.defects[:5]]
    assert sum(t.segment_count for i in report.interchanges for g in i.groups
               for t in g.transactions) > 100


def test_271_tree_keeps_benefits_under_their_member(samples_dir: Path) -> None:
    segments = parse_segments((samples_dir / "x12" / "eligibility_response.271").read_text())
    st = next(i for i, s in enumerate(segments) if s.tag == "ST")
    se = next(i for i, s in enumerate(segments) if s.tag == "SE")
    tree = build_tree(segments[st:se + 1], RESPONSE_271)
    subscriber = next(tree.find("2100C"))
    benefits = list(subscriber.find("2110C"))
    assert [b.segments[0].get(1) for b in benefits] == ["1", "B", "B", "C", "C", "A", "L"]
    pcp = benefits[-1]
    assert [c.id for c in pcp.children] == ["2120C"]
    assert pcp.children[0].segments[0].get(1) == "P3"
    dependent = next(tree.find("2100D"))
    assert [b.segments[0].get(1) for b in dependent.find("2110D")] == ["1", "6"]


@pytest.mark.parametrize(("change", "where", "code"), [
    # EQ before DMG: the inquiry loop cannot come before the member's demographics.
    (("DMG*D8*19800214*F~\nDTP*291*D8*20260301~\nEQ*30~",
      "DTP*291*D8*20260301~\nEQ*30~\nDMG*D8*19800214*F~"), "DMG", "2"),
    (("NM1*IL*1*RIVERA", "NM1*IL*3*RIVERA"), "NM102", "7"),
    (("BHT*0022*13*", "BHT*0022*99*"), "BHT02", "7"),
    (("HL*4*3*23*0~", "HL*4*3*24*0~"), "HL", "1"),
])
def test_mistakes_are_found_where_they_are(samples_dir: Path, check, change, where, code
                                           ) -> None:
    text = (samples_dir / "x12" / "eligibility_inquiry.270").read_text(encoding="utf-8")
    old, new = change
    assert old in text
    report = check(text.replace(old, new))
    assert not report.ok
    found = [d for d in report.defects if d.is_error]
    assert any(str(d.path).endswith(where) or d.path.segment == where for d in found), \
        [str(d) for d in found]


def test_inquiry_definition_uses_x279a1_qualifiers() -> None:
    source = INQUIRY_270.body.children[2]
    assert source.id == "2000A"
    assert source.trigger.qualifier == (3, frozenset({"20"}))
