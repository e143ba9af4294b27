"""Whole-segment recognisers: never looser than the element checks.

The property that matters: whenever a recogniser clears a segment text, the element checks
find nothing wrong with it either. It is checked on every segment of every corpus file, and
on each of those segments with one element spoiled in the ways files get values wrong.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from edi import maps
from edi.validation import elements
from edi.validation.elements import checker_for
from edi.validation.recognizer import segment_recognizer, value_pattern
from edi.validation.values import ValueCheck
from edi.x12 import parse_segments
from edi.x12.delimiters import Delimiters
from edi.x12.grammar import ElementDef, SegmentDef, Usage
from edi.x12.tokenizer import segment_of
from edi.x12.walker import Walker

D = Delimiters()


def _element(data_type: str, low: int, high: int, **more) -> ValueCheck:
    return ValueCheck(ElementDef("XX01", "Test", Usage.SITUATIONAL, data_type, low, high,
                                 **more))


# (element, value, recognised): every value the table recognises must pass the value check.
VALUES = [
    (_element("AN", 1, 5), "ABC D", True),
    (_element("AN", 1, 5), "ABCDEF", False),                  # too long
    (_element("AN", 2, 5), "A", False),                       # too short
    (_element("AN", 1, 9), "A:B", False),                     # component separator
    (_element("AN", 1, 9), "A\x01B", False),                  # control character
    (_element("AN", 1, 9), "CAFÉ", False),                    # not ASCII: the full check
    (_element("R", 1, 10), "1234.56", True),
    (_element("R", 1, 10), "-0.5", True),
    (_element("R", 1, 4), "123.45", False),                   # five digits
    (_element("R", 1, 10), "1.2.3", False),
    (_element("R", 1, 10), "-", False),
    (_element("R", 1, 10), ".5", False),                      # valid, left to the check
    (_element("R", 1, 10), "١٢", False),                      # not ASCII digits
    (_element("N0", 1, 3), "-12", True),
    (_element("N0", 1, 3), "1234", False),
    (_element("N2", 1, 9), "1.5", False),
    (_element("DT", 8, 8), "20240131", True),
    (_element("DT", 8, 8), "20240229", False),                # leap day: the full check
    (_element("DT", 8, 8), "20230230", False),
    (_element("DT", 8, 8), "20240431", False),
    (_element("DT", 8, 8), "17991231", False),
    (_element("DT", 6, 6), "240131", False),                  # YYMMDD: the full check
    (_element("TM", 4, 8), "2359", True),
    (_element("TM", 4, 8), "235959", True),
    (_element("TM", 4, 8), "2360", False),
    (_element("TM", 4, 8), "2400", False),
    (_element("TM", 4, 4), "235959", False),                  # longer than allowed
    (_element("ID", 1, 2, codes=frozenset({"A", "AB"})), "AB", True),
    (_element("ID", 1, 2, codes=frozenset({"A", "AB"})), "B", False),
    (_element("ID", 1, 2, codes=frozenset({"A", "A:"})), "A:", False),   # holds a delimiter
    (_element("AN", 1, 9, pattern=r"\d{9}"), "123456789", False),      # a form rule
]


@pytest.mark.parametrize(("check", "value", "recognised"), VALUES,
                         ids=[f"{c.kind}-{v!r}" for c, v, _ in VALUES])
def test_value_forms(check, value, recognised):
    pattern = value_pattern(check, D)
    matched = pattern is not None and re.fullmatch(pattern, value) is not None
    assert matched == recognised
    if matched:
        assert check.check(value) is None


def _spoiled(value: str) -> list[str]:
    """Ways a value goes wrong in real files."""
    return ["", value + "X" * 90, value + "\x07", value + ":1", "-", "1.2.3", "20230230",
            "2460", " ", value[:1], "." + value, value + "." if value else "9."]


def _placed(text: str):
    """(checker, segment, text) for each segment of the text placed by its guide."""
    segments = parse_segments(text)
    gs08 = ""
    walker = None
    for seg in segments:
        if seg.tag == "GS":
            gs08 = seg.get(8)
        elif seg.tag == "ST":
            found = maps.resolve(seg.get(1), gs08, seg.get(3))
            walker = Walker(found.definition) if found else None
        if walker is None or seg.tag in ("ISA", "GS", "GE", "IEA"):
            continue
        step, _ = walker.feed(seg)
        if step.segment is not None:
            yield checker_for(step.segment), seg, seg.delimiters.element.join(
                (seg.tag, *seg.elements))
        if seg.tag == "SE":
            walker = None


def _corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.name != "INDEX.tsv")


def test_recognisers_never_clear_what_the_checks_reject(corpus_dir, monkeypatch):
    monkeypatch.setattr(elements, "_RECOGNIZE_AFTER", 0)
    compared = cleared = 0
    patterns: dict = {}
    seen: set[tuple[int, str]] = set()
    for path in _corpus_files(corpus_dir):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
            placed = list(_placed(text))
        except Exception:          # unreadable as X12: the tokenizer tests cover those
            continue
        for checker, seg, raw in placed:
            if (id(checker), raw) in seen:
                continue
            seen.add((id(checker), raw))
            variants = [(seg, raw)]
            for n, value in enumerate(seg.elements):
                for bad in _spoiled(value)[:6 if n > 3 else None]:
                    elems = seg.elements[:n] + (bad,) + seg.elements[n + 1:]
                    spoiled = seg._replace(elements=elems)
                    variants.append((spoiled, seg.delimiters.element.join((seg.tag, *elems))))
            key = (id(checker), seg.delimiters)
            pattern = patterns.get(key)
            if pattern is None:
                pattern = patterns[key] = segment_recognizer(checker.tag, checker.slots,
                                                             seg.delimiters)
            for s, t in variants:
                compared += 1
                if pattern.fullmatch(t):
                    cleared += 1
                    assert checker.check(s, t) == checker.check(s), t
    assert compared > 10_000 and cleared > 1_000      # the corpus was really read


def test_recogniser_is_compiled_once_a_segment_keeps_coming_new(monkeypatch):
    monkeypatch.setattr(elements, "_RECOGNIZE_AFTER", 3)
    seg_def = SegmentDef("REF", "Reference", Usage.SITUATIONAL, 1, "0100", (
        ElementDef("REF01", "Qualifier", Usage.REQUIRED, "ID", 2, 3, codes=frozenset({"EA"})),
        ElementDef("REF02", "Identifier", Usage.REQUIRED, "AN", 1, 50)))
    checker = elements.SegmentChecker(seg_def)
    for n in range(5):
        text = f"REF*EA*{n}"
        assert checker.check(segment_of(text, D, 1), text) == []
        assert (checker.recognizer[0] is D) == (n >= 2)
    bad = segment_of("REF*EA*" + "X" * 51, D, 1)
    assert [p.code for p in checker.check(bad, "REF*EA*" + "X" * 51)] == ["5"]


def test_one_recogniser_per_delimiter_characters(monkeypatch):
    monkeypatch.setattr(elements, "_RECOGNIZE_AFTER", 0)
    compiled = []

    def counting(tag, slots, delims):
        compiled.append(delims.element)
        return segment_recognizer(tag, slots, delims)

    monkeypatch.setattr(elements, "segment_recognizer", counting)
    seg_def = SegmentDef("REF", "Reference", Usage.SITUATIONAL, 1, "0100", (
        ElementDef("REF01", "Qualifier", Usage.REQUIRED, "ID", 2, 3, codes=frozenset({"EA"})),
        ElementDef("REF02", "Identifier", Usage.REQUIRED, "AN", 1, 50)))
    checker = elements.SegmentChecker(seg_def)
    # each interchange reads its own Delimiters value; equal characters share one recogniser
    for delims in (Delimiters(), Delimiters(), Delimiters("|", ">", "^", "~"), Delimiters()):
        e = delims.element
        text = f"REF{e}EA{e}1"
        assert checker.check(segment_of(text, delims, 1), text) == []
        assert checker.recognizer[0] is delims
    assert compiled == ["*", "|"]
