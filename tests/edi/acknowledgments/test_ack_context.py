"""collect_context: the bad values and business units a 999 quotes, kept in one pass."""

from __future__ import annotations

from pathlib import Path

from edi.acknowledgments import BusinessUnit, collect_context
from edi.acknowledgments.context import AckContext
from edi.validation import validate_text
from edi.x12 import make_segment, parse_segments


def test_keeps_only_segments_in_error_with_their_claim(samples_dir: Path) -> None:
    text = (samples_dir / "x12" / "dental_claim.837").read_text(encoding="utf-8")
    bad = text.replace("TOO*JP*14*M:O~", "TOO*JP*14*M:Q~")
    report = validate_text(bad, "dental")
    context = collect_context(parse_segments(bad), report)
    (position,) = context.segments
    assert context.segments[position].tag == "TOO"
    assert context.units[position] == BusinessUnit("CLM01", "DPCN-20017")
    assert context.bad_value(position, 3, 2) == "Q"


def test_clean_report_needs_no_pass(samples_dir: Path) -> None:
    text = (samples_dir / "x12" / "dental_claim.837").read_text(encoding="utf-8")
    report = validate_text(text, "dental")

    def never():
        raise AssertionError("segments should not be read")
        yield

    assert collect_context(never(), report).segments == {}


def test_bad_value_by_component_and_repetition() -> None:
    seg = make_segment("EB", "1", "", "30^1^33", "", "", "", "", "", "", "", "", "",
                       ("HC", "99213", "25"))
    ctx = AckContext(segments={7: seg})
    assert ctx.bad_value(7, 3, repetition=3) == "33"
    assert ctx.bad_value(7, 13, component=3) == "25"
    assert ctx.bad_value(7, 13, component=9) == ""
    assert ctx.bad_value(8, 1) == ""
