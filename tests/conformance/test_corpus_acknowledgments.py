"""The acknowledgments we would send for every corpus file are themselves valid X12.

Each readable file's TA1/999 are built from its report (with IK404 bad values and CTX claim
ids from a second pass) and validated by our validator; those that report segment errors are
also read by pyx12, whose 999 map is the independent check of X231A1 conformance.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from pathlib import Path

import pytest
from conformance_corpus import SUMMARY, read_text

from edi.acknowledgments import AckControl, acknowledge, collect_context
from edi.validation import validate_text
from edi.x12 import parse_segments, serialize

pytestmark = pytest.mark.conformance

CONTROL = AckControl(interchange_control=1, group_control=1, when=dt.datetime(2026, 1, 2, 3, 4))
PYX12_SAMPLE = 25          # 999s with IK3 loops checked by pyx12 (about 0.1 s each)


def _pyx12_ok(text: str) -> bool:
    import pyx12.params
    import pyx12.x12n_document

    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    out = io.StringIO()
    ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), None,
                                           None, fd_json=out)
    json.loads(out.getvalue() or "{}")
    return bool(ok)


def test_our_acknowledgments_are_valid(corpus, corpus_dir: Path) -> None:
    built = with_notes = 0
    ours_failed: list[str] = []
    to_pyx12: list[tuple[str, str]] = []
    for row, report in corpus:
        if report.fatal is not None or not report.interchanges:
            continue
        text = read_text(corpus_dir / row.name)
        context = collect_context(parse_segments(text, row.name), report)
        for ack in acknowledge(report, CONTROL, context):
            built += 1
            written = serialize(ack.segments)
            result = validate_text(written, f"{ack.kind} for {row.name}")
            errors = [d for d in result.defects if d.is_error]
            if errors:
                ours_failed.append(f"{ack.kind} for {row.name}: {errors[0]}")
            if "IK3" in written:
                with_notes += 1
                if len(to_pyx12) < PYX12_SAMPLE and written[105] not in "\\":
                    to_pyx12.append((row.name, written))
    pyx12_failed = [name for name, written in to_pyx12 if not _pyx12_ok(written)]
    SUMMARY.append(f"acknowledgments: {built} TA1/999 built for the corpus, {with_notes} with "
                   f"IK3 findings; {len(ours_failed)} rejected by our validator, "
                   f"{len(pyx12_failed)} of {len(to_pyx12)} rejected by pyx12")
    assert built
    assert not ours_failed, "\n".join(ours_failed)
    assert not pyx12_failed, "\n".join(pyx12_failed)
