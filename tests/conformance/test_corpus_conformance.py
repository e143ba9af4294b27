"""Conformance over the public corpus (../shared/corpus): reading, round trip, pyx12 agreement.

- every well-formed file reads and its segments written back give the same text (line
  breaks and indentation between segments aside; a bare set's synthetic envelope left out);
- every file its repository marks invalid gets at least one defect;
- where pyx12 4.0.0 gave a verdict, ours agrees, or the disagreement is a known one with its
  reason (disagreements.py); the agreement rate and every disagreement are printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conformance_corpus import SUMMARY, is_supported, read_text
from conformance_disagreements import explain, load_file_exceptions

from edi.errors import X12Error
from edi.x12 import parse_segments, serialize
from edi.x12.tokenizer import is_synthetic

pytestmark = pytest.mark.conformance

_WS_AFTER = r"[\r\n\t ]+"


def _normalized(text: str, terminator: str) -> str:
    """The text as the writer would put it: no BOM, nothing between segments."""
    text = text.lstrip("\ufeff").rstrip("\r\n\t ")
    return re.sub(re.escape(terminator) + _WS_AFTER, lambda _: terminator, text)


def test_well_formed_files_read_and_round_trip(corpus, corpus_dir: Path) -> None:
    failures: list[str] = []
    checked = 0
    for row, report in corpus:
        if report.fatal is not None:
            continue
        text = read_text(corpus_dir / row.name)
        try:
            # A bare ST or GS is read inside a synthetic envelope, which is not the file's.
            segments = [s for s in parse_segments(text, row.name) if not is_synthetic(s)]
        except X12Error as exc:
            failures.append(f"{row.name}: validated without a fatal defect, but reading its "
                            f"segments failed: {exc}")
            continue
        if not segments:
            continue
        written = serialize(segments)
        again = [s for s in parse_segments(written) if not is_synthetic(s)]
        checked += 1
        if [(s.tag, s.elements) for s in again] != [(s.tag, s.elements) for s in segments]:
            failures.append(f"{row.name}: segments differ after writing and reading back")
        elif written.rstrip(segments[0].delimiters.segment) != _normalized(
                text, segments[0].delimiters.segment).rstrip(segments[0].delimiters.segment):
            failures.append(f"{row.name}: written text differs from the original")
    supported = sum(1 for row, r in corpus if is_supported(row, r) and r.fatal is None)
    SUMMARY.append(f"round trip: {checked} well-formed files ({supported} of supported sets) "
                   f"read and written back, {len(failures)} differ")
    assert checked, "no well-formed file in the corpus"
    assert not failures, "\n".join(failures)


def test_files_marked_invalid_get_defects(corpus) -> None:
    marked = [(row, report) for row, report in corpus if row.marked_invalid]
    silent = [row.name for row, report in marked if not report.defects and not report.fatal]
    SUMMARY.append(f"marked invalid: {len(marked)} files, {len(marked) - len(silent)} with "
                   f"defects")
    assert not silent, "files marked invalid without a single defect:\n" + "\n".join(silent)


def test_verdicts_agree_with_pyx12(corpus) -> None:
    exceptions = load_file_exceptions(Path(__file__).with_name("known_disagreements.tsv"))
    compared = agreed = supported_compared = supported_agreed = 0
    known: list[tuple[str, str]] = []
    reasons: dict[str, str] = {}
    new: list[str] = []
    no_verdict: dict[str, int] = {}
    for row, report in corpus:
        pyx12_ok = row.pyx12_ok
        if pyx12_ok is None:
            if row.pyx12:
                why = row.pyx12.split(":", 1)[0].split("(", 1)[0].strip() or "no result"
                no_verdict[why] = no_verdict.get(why, 0) + 1
            continue
        ours_ok = report.ok
        compared += 1
        supported_compared += row.supported
        if ours_ok == pyx12_ok:
            agreed += 1
            supported_agreed += row.supported
            continue
        verdicts = f"pyx12 {'ok' if pyx12_ok else 'not ok'}, ours {'ok' if ours_ok else 'not ok'}"
        found = explain(row, report, pyx12_ok, ours_ok, exceptions)
        first = next((str(d) for d in report.defects if d.is_error), "")
        if found is None:
            new.append(f"  NEW {row.name} ({verdicts}); pyx12: {row.pyx12[:120]}; ours: "
                       f"{first[:160]}")
        else:
            key, reason = found
            reasons[key] = reason
            known.append((key, f"  [{key}] {row.name} ({verdicts})"))
    if compared:
        SUMMARY.append(f"pyx12 agreement: {agreed}/{compared} files ({agreed / compared:.1%}) "
                       f"with a pyx12 verdict")
    if supported_compared:
        SUMMARY.append(f"pyx12 agreement on supported sets: {supported_agreed}/"
                       f"{supported_compared} ({supported_agreed / supported_compared:.1%})")
    if no_verdict:
        SUMMARY.append("no pyx12 verdict to compare: " + ", ".join(
            f"{n} {why}" for why, n in sorted(no_verdict.items())))
    SUMMARY.append(f"known disagreements: {len(known)}")
    SUMMARY.extend(line for _, line in known)
    for key in sorted({key for key, _ in known}):
        SUMMARY.append(f"  reason [{key}]: {reasons[key]}")
    if new:
        SUMMARY.append(f"NEW disagreements: {len(new)}")
        SUMMARY.extend(new)
    assert not new, "new disagreements with pyx12:\n" + "\n".join(new)


def test_bare_sets_are_read_with_a_warning(corpus, corpus_dir: Path) -> None:
    bare = [(row, report) for row, report in corpus
            if read_text(corpus_dir / row.name).lstrip("\ufeff\r\n\t ").startswith(("ST", "GS"))]
    unread = [row.name for row, report in bare if report.fatal is not None]
    unwarned = [row.name for row, report in bare if not any(
        d.code == "024" and d.severity == "warning" and "synthetic" in d.message
        for i in report.interchanges for d in i.defects)]
    refused = [row.name for row, report in corpus if report.fatal is not None
               and is_supported(row, report)]
    SUMMARY.append(f"bare ST or GS without ISA: {len(bare)} files, {len(bare) - len(unread)} "
                   f"read with a synthetic envelope; {len(refused)} files of supported sets "
                   "refused as unreadable")
    assert len(bare) >= 4
    assert not unread and not unwarned, unread + unwarned
    assert not refused, refused
