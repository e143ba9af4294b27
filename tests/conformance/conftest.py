"""The conformance suite's shared state: one validation per corpus file, and its summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from conformance_corpus import SUMMARY, CorpusFile, load_corpus, our_report

from edi.validation import ValidationReport


@pytest.fixture(scope="session")
def corpus(corpus_dir: Path) -> list[tuple[CorpusFile, ValidationReport]]:
    if not corpus_dir.is_dir():
        pytest.skip(f"no corpus at {corpus_dir}")
    return [(row, our_report(corpus_dir / row.name)) for row in load_corpus(corpus_dir)]


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if SUMMARY:
        terminalreporter.section("conformance: agreement with pyx12 4.0.0")
        for line in SUMMARY:
            terminalreporter.write_line(line)
