"""276/277 (005010X212): samples against the hand-written guides, and the hierarchy rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi.maps.hand import STATUS_REQUEST_276, STATUS_RESPONSE_277
from edi.x12 import parse_segments, serialize
from edi.x12.walker import build_tree


@pytest.mark.parametrize("name", ["claim_status_request.276", "claim_status_response.277"])
def test_samples_are_clean_and_round_trip(samples_dir: Path, hand_only, check,
                                          name: str) -> None:
    text = (samples_dir / "x12" / name).read_text(encoding="utf-8")
    report = check(text)
    assert report.ok, [str(d) for d in report.defects]
    assert serialize(parse_segments(text), line_breaks=True) == text


def _tree(text: str, definition):
    segments = parse_segments(text)
    st = next(i for i, s in enumerate(segments) if s.tag == "ST")
    se = next(i for i, s in enumerate(segments) if s.tag == "SE")
    return build_tree(segments[st:se + 1], definition)


def test_response_claim_and_line_land_in_2200d_and_2220d(samples_dir: Path) -> None:
    tree = _tree((samples_dir / "x12" / "claim_status_response.277").read_text(),
                 STATUS_RESPONSE_277)
    claim = next(tree.find("2200D"))
    assert claim.segment("TRN").get(2) == "STATUS-0001"
    assert claim.segment("STC").component(1, 1) == "F1"
    line = next(claim.find("2220D"))
    assert line.segment("REF", "FJ").get(2) == "PCN-10045-1"


def test_dependent_claim_needs_no_subscriber_claim(samples_dir: Path, hand_only,
                                                   check) -> None:
    text = (samples_dir / "x12" / "claim_status_request.276").read_text(encoding="utf-8")
    # Move the claim under a dependent (2000E): 2200D is then absent, which X212 allows.
    text = text.replace("HL*4*3*22*0~\nDMG*D8*19800214*F~\nNM1*IL*1*RIVERA*ANA****MI*HHP558120~",
                        "HL*4*3*22*1~\nNM1*IL*1*RIVERA*ANA****MI*HHP558120~\nHL*5*4*23~\n"
                        "DMG*D8*20150607*M~\nNM1*QC*1*RIVERA*LUIS~")
    text = text.replace("SE*20*0001~", "SE*22*0001~")
    report = check(text)
    assert report.ok, [str(d) for d in report.defects]
    tree = _tree(text, STATUS_REQUEST_276)
    assert next(tree.find("2200E")).segment("TRN").get(2) == "STATUS-0001"
    assert list(tree.find("2200D")) == []


def test_receiver_level_277_may_stop_at_2200b(hand_only, check) -> None:
    text = (
        "ISA*00*          *00*          *ZZ*HARBORHEALTH   *ZZ*CLAIMHOUSE     *260315*1031*^*"
        "00501*000000202*0*T*:~GS*HN*HARBORHEALTH*CLAIMHOUSE*20260315*1031*202*X*005010X212~"
        "ST*277*0001*005010X212~BHT*0010*08*STAT1*20260315*1031*DG~HL*1**20*1~"
        "NM1*PR*2*HARBOR HEALTH PLAN*****PI*HHP01~HL*2*1*21*0~"
        "NM1*41*2*MAPLE STREET FAMILY MEDICINE*****46*CLAIMHOUSE~TRN*2*RCV1~"
        "STC*E1:484*20260315~SE*9*0001~GE*1*202~IEA*1*000000202~")
    report = check(text)
    assert report.ok, [str(d) for d in report.defects]


def test_claim_starts_only_at_a_request_trace(samples_dir: Path, hand_only, check) -> None:
    # TRN01 must be 1 (a current transaction trace) for a TRN to start the 2200D claim.
    text = (samples_dir / "x12" / "claim_status_request.276").read_text(encoding="utf-8")
    report = check(text.replace("TRN*1*STATUS-0001~", "TRN*9*STATUS-0001~"))
    trn = [d for d in report.defects if d.path.segment == "TRN"]
    assert trn and trn[0].code == "2" and "2100D" in trn[0].path.loop
