"""Where our verdict and pyx12's differ on purpose, and why, in words.

Each known disagreement is a rule: which way the verdicts differ and how to recognise the
case from the file's index row and our report. Rules rather than file names, so the same
reasons apply to files outside the corpus. A disagreement no rule explains is a NEW one and
fails the conformance suite. ``known_disagreements.tsv`` beside this module lists single
files whose reason fits no rule (file, pyx12 verdict, our verdict, reason).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conformance_corpus import CorpusFile

from edi.validation import ValidationReport
from edi.x12.defects import DefectLevel


@dataclass(frozen=True, slots=True)
class Disagreement:
    key: str
    pyx12_ok: bool
    ours_ok: bool
    applies: Callable[[CorpusFile, ValidationReport], bool]
    reason: str


def _unsupported_guide(_: CorpusFile, report: ValidationReport) -> bool:
    return any((d.level is DefectLevel.GROUP and d.code == "2")
               or (d.level is DefectLevel.TRANSACTION and d.code in ("1", "I6"))
               for d in report.defects)


def _isa11_letter(_: CorpusFile, report: ValidationReport) -> bool:
    return any(d.level is DefectLevel.INTERCHANGE and d.code == "026"
               and d.message.startswith("ISA11") for d in report.defects)


def _pyx12_state_list(row: CorpusFile, _: ValidationReport) -> bool:
    text = row.pyx12
    return "is not a valid code for" in text and "State" in text


def _pyx12_requires_2200c(row: CorpusFile, _: ValidationReport) -> bool:
    return row.gs08.startswith("005010X214") and "Billing Provider Status" in row.pyx12


RULES: tuple[Disagreement, ...] = (
    Disagreement(
        "isa11-letter", True, False, _isa11_letter,
        "pyx12 is wrong: ISA12 is 00501, where ISA11 is the repetition separator; 'U' is the "
        "004010 standards identifier, and a letter can never be a delimiter (X12.5; 005010 "
        "TR3 appendix B.1.1.2.5). pyx12 does not check ISA11 in 00501 interchanges."),
    Disagreement(
        "out-of-scope-guide", True, False, _unsupported_guide,
        "not a disagreement on the file: it uses a guide Claimhouse does not read (004010, or "
        "the 834/820/278 transactions). Claimhouse reads the 005010 HIPAA claim, remittance, "
        "eligibility, claim status and acknowledgment guides and says so in the file's "
        "defects; pyx12 ships maps for these others."),
    Disagreement(
        "external-state-list", False, True, _pyx12_state_list,
        "pyx12 is right: it checks N402 against its list of US states and Canadian provinces "
        "(a SNIP 5 external code set) and 'NA'/'NP' are on neither; our validate() passed the file "
        "because it did not check the state code set there."),
    Disagreement(
        "x214-2200c", False, True, _pyx12_requires_2200c,
        "pyx12 is stricter than the guide's own examples: its X214 map makes the billing "
        "provider status (2200C TRN/STC) mandatory, while the 277CA examples of the TR3 omit "
        "it (x12-domain.md 7.3). A 277CA without it still acknowledges every claim."),
)


def load_file_exceptions(path: Path) -> dict[str, tuple[bool, bool, str]]:
    if not path.is_file():
        return {}
    out: dict[str, tuple[bool, bool, str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out[row["file"]] = (row["pyx12"] == "ok", row["ours"] == "ok", row["reason"])
    return out


def explain(row: CorpusFile, report: ValidationReport, pyx12_ok: bool, ours_ok: bool,
            exceptions: dict[str, tuple[bool, bool, str]]) -> tuple[str, str] | None:
    """(key, reason) for a known disagreement, or None when it is new."""
    listed = exceptions.get(row.name)
    if listed is not None and listed[:2] == (pyx12_ok, ours_ok):
        return "file", listed[2]
    for rule in RULES:
        if (rule.pyx12_ok, rule.ours_ok) == (pyx12_ok, ours_ok) and rule.applies(row, report):
            return rule.key, rule.reason
    return None
