"""The conformance corpus: its INDEX.tsv rows, our verdict on each file, pyx12's verdict.

The corpus is read from ../shared/corpus (the ``corpus_dir`` fixture), never copied into the
project. A directory without an INDEX.tsv is still checked: every file in it is read, and the
checks that need the index (intent, pyx12 verdict) are skipped for it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from edi.validation import ValidationReport, validate

SUPPORTED_SETS = frozenset({"837P", "837I", "837D", "835", "270", "271", "276", "277CA",
                            "277 (claim status response)", "999", "TA1"})
_SKIP_SUFFIXES = (".tsv", ".md", ".json", ".py")

#: Lines the terminal summary prints after the suite (agreement rate, disagreements).
SUMMARY: list[str] = []


@dataclass(frozen=True, slots=True)
class CorpusFile:
    name: str                     # path relative to the corpus directory
    txn: str = ""
    gs08: str = ""
    intent: str = ""
    pyx12: str = ""               # the pyx12_4.0.0_result column, as recorded

    @property
    def marked_invalid(self) -> bool:
        return self.intent.lower().startswith("invalid")

    @property
    def pyx12_ok(self) -> bool | None:
        """pyx12's verdict; None where pyx12 had no map or could not run."""
        text = self.pyx12.strip().strip('"')
        if text.startswith("OK"):
            return True
        if text.startswith(("Failure", "rejected")):
            return False
        return None

    @property
    def supported(self) -> bool:
        """A set Claimhouse reads, in a 005010 guide (a TA1 has no GS08)."""
        return self.txn in SUPPORTED_SETS and (self.gs08.startswith("005010") or
                                               self.txn == "TA1")


def load_corpus(corpus_dir: Path) -> list[CorpusFile]:
    index = corpus_dir / "INDEX.tsv"
    found: dict[str, CorpusFile] = {}
    if index.is_file():
        with index.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                name = row.get("copied_to") or ""
                if name and name not in found and (corpus_dir / name).is_file():
                    found[name] = CorpusFile(
                        name, row.get("txn", ""), row.get("gs08", ""), row.get("intent", ""),
                        row.get("pyx12_4.0.0_result", ""))
    if not found:
        # No index, or one this suite cannot read: every file of the directory is checked.
        for path in sorted(p for p in corpus_dir.rglob("*") if p.is_file()):
            if not path.name.startswith(".") and not path.name.endswith(_SKIP_SUFFIXES):
                name = str(path.relative_to(corpus_dir))
                found[name] = CorpusFile(name)
    return sorted(found.values(), key=lambda f: f.name)


def is_supported(row: CorpusFile, report: ValidationReport) -> bool:
    """A file of a set we read: from its index row, or (no index) from what it contains."""
    if row.txn:
        return row.supported
    sets = [t for i in report.interchanges for g in i.groups for t in g.transactions]
    unsupported = any(d.code in ("1", "2", "I6") and d.level.value in ("IK5", "AK9")
                      for d in report.defects)
    return bool(sets) and not unsupported


def read_text(path: Path) -> str:
    """Bytes to text the way the CLI does: UTF-8, undecodable bytes replaced (and reported)."""
    return path.read_bytes().decode("utf-8", errors="replace")


def our_report(path: Path) -> ValidationReport:
    return validate((read_text(path),), str(path))
