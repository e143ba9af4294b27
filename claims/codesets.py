"""External code sets the scrubber checks claims against (SNIP type 5).

ICD-10-CM comes from the ``simple-icd-10-cm`` package (CDC data, FY2026 April release, valid for
dates of service 2025-10-01 to 2026-09-30). Everything else is read from files the operator
supplies (CLAIMHOUSE_CPT_CODES_PATH, ..._HCPCS_..., ..._TAXONOMY_..., ..._POS_...,
..._ICD10PCS_CODES_PATH): CPT is licensed by the AMA and never ships with the product. A code set
without a file is checked by format only and the scrubber says so in an INFO finding.

Accepted file shapes, plain or gzipped: a CSV with a header whose first column is the code
(NUCC taxonomy, POS ``code,name``, a CPT export), one code per line optionally followed by a
description (the CMS ICD-10-PCS codes file), or the CMS HCPCS fixed-width ANWEB file (code in
columns 1-5).
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

__all__ = ["CodeSets", "load_code_sets", "CodeSetError", "CodeStatus", "ICD10CM_EDITION",
           "icd10cm_is_billable", "icd10cm_chapter", "icd10cm_block",
           "icd10cm_ancestors"]

# The edition the installed package carries: FY2026 applies to dates of service from
# 2025-10-01 through 2026-09-30 (CDC/NCHS; codesets.md section 1).
ICD10CM_EDITION = ("FY2026", dt.date(2025, 10, 1), dt.date(2026, 9, 30))

ICD10CM_FORMAT = re.compile(r"^[A-Z][0-9][0-9A-Z]([0-9A-Z]{1,4})?$")   # x12-domain 9.1
CPT_FORMAT = re.compile(r"^(\d{5}|\d{4}[FTUM])$")                       # x12-domain 9.3
HCPCS_FORMAT = re.compile(r"^[A-V]\d{4}$")                              # x12-domain 9.4
ICD10PCS_FORMAT = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")                    # no I or O (9.2)
TAXONOMY_FORMAT = re.compile(r"^[0-9A-Z]{9}X$")                         # x12-domain 9.7
POS_FORMAT = re.compile(r"^\d{2}$")
MODIFIER_FORMAT = re.compile(r"^[0-9A-Z]{2}$")
# CPT (Level I) modifier values: two digits. Values only, no AMA descriptors (codesets.md 4).
CPT_MODIFIERS = frozenset({
    "22", "23", "24", "25", "26", "27", "32", "33", "47", "50", "51", "52", "53", "54", "55",
    "56", "57", "58", "59", "62", "63", "66", "73", "74", "76", "77", "78", "79", "80", "81",
    "82", "90", "91", "92", "93", "95", "96", "97", "99"})
_FIELD_SPLIT = re.compile(r"[,\t| ]")


class CodeSetError(ValueError):
    """An operator-supplied code file is missing or holds no codes."""


class CodeStatus(StrEnum):
    VALID = "valid"
    BAD_FORMAT = "bad-format"       # cannot be a code of this set at all
    UNKNOWN = "unknown"             # right shape, not in the list
    NOT_BILLABLE = "not-billable"   # ICD-10-CM category header: a more specific code exists
    UNCHECKED = "unchecked"         # right shape, no list configured


def _read_codes(path: Path, pattern: re.Pattern[str], *, fixed_width: int = 0) -> frozenset[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    codes: set[str] = set()
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors="replace") as fh:
            for line in fh:
                text = line.strip().strip('"')
                if not text:
                    continue
                field = line[:fixed_width].strip() if fixed_width else _FIELD_SPLIT.split(
                    text, maxsplit=1)[0].strip('"')
                field = field.upper().replace(".", "")
                if pattern.match(field):
                    codes.add(field)
    except OSError as exc:
        raise CodeSetError(f"{path}: cannot read the code file ({exc.strerror})") from None
    if not codes:
        raise CodeSetError(f"{path}: no codes of the expected shape were found in this file")
    return frozenset(codes)


def _module():
    # Imported on first use: loading the package's tabular XML takes over a second and
    # ~190 MB, which a command that never checks a diagnosis should not pay.
    import simple_icd_10_cm as cm

    return cm


def icd10cm_is_billable(code: str) -> bool:
    cm = _module()
    return bool(cm.is_valid_item(code) and cm.is_category_or_subcategory(code)
                and cm.is_leaf(code))


def icd10cm_ancestors(code: str) -> tuple[str, ...]:
    """Every item above a valid ICD-10-CM code, nearest first, dots removed ("Z0011")."""
    return tuple(a.replace(".", "") for a in _module().get_ancestors(code))


def icd10cm_chapter(code: str) -> str:
    """The chapter number ("15" for pregnancy) of a valid ICD-10-CM code."""
    return _module().get_ancestors(code)[-1]


def icd10cm_block(code: str) -> str:
    """The block ("N40-N53") a valid ICD-10-CM code sits in."""
    ancestors = _module().get_ancestors(code)
    return ancestors[-2] if len(ancestors) >= 2 else ""


@dataclass(frozen=True, slots=True)
class CodeSets:
    """The loaded code lists; ``None`` means "no file configured: check the format only"."""

    cpt: frozenset[str] | None = None
    hcpcs: frozenset[str] | None = None
    taxonomy: frozenset[str] | None = None
    place_of_service: frozenset[str] | None = None
    icd10pcs: frozenset[str] | None = None
    #: HCPCS Level II modifiers, read from the modifier records of the CMS HCPCS file.
    hcpcs_modifiers: frozenset[str] | None = None

    @property
    def unconfigured(self) -> tuple[str, ...]:
        """Names of the lists checked by format only, for the scrubber's INFO finding."""
        names = (("CPT", self.cpt), ("HCPCS Level II", self.hcpcs),
                 ("HCPCS Level II modifiers", self.hcpcs_modifiers),
                 ("provider taxonomy", self.taxonomy),
                 ("place of service", self.place_of_service), ("ICD-10-PCS", self.icd10pcs))
        return tuple(name for name, codes in names if codes is None)

    def diagnosis(self, code: str) -> CodeStatus:
        """ICD-10-CM: the code must exist and be billable (a leaf, TR3 HI01-2 note)."""
        if not ICD10CM_FORMAT.match(code):
            return CodeStatus.BAD_FORMAT
        cm = _module()
        if not cm.is_valid_item(code) or not cm.is_category_or_subcategory(code):
            return CodeStatus.UNKNOWN
        return CodeStatus.VALID if cm.is_leaf(code) else CodeStatus.NOT_BILLABLE

    def procedure(self, code: str) -> CodeStatus:
        """A CPT or HCPCS Level II code (SV101-2 / SV202-2 with qualifier HC)."""
        if CPT_FORMAT.match(code):
            codes = self.cpt
        elif HCPCS_FORMAT.match(code):
            codes = self.hcpcs
        else:
            return CodeStatus.BAD_FORMAT
        if codes is None:
            return CodeStatus.UNCHECKED
        return CodeStatus.VALID if code in codes else CodeStatus.UNKNOWN

    def _listed(self, code: str, pattern: re.Pattern[str],
                codes: frozenset[str] | None) -> CodeStatus:
        if not pattern.match(code):
            return CodeStatus.BAD_FORMAT
        if codes is None:
            return CodeStatus.UNCHECKED
        return CodeStatus.VALID if code in codes else CodeStatus.UNKNOWN

    def modifier(self, code: str) -> CodeStatus:
        """A procedure modifier: CPT's numeric values, or a HCPCS Level II modifier."""
        if not MODIFIER_FORMAT.match(code):
            return CodeStatus.BAD_FORMAT
        if code.isdigit():
            return CodeStatus.VALID if code in CPT_MODIFIERS else CodeStatus.UNKNOWN
        if self.hcpcs_modifiers is None:
            return CodeStatus.UNCHECKED
        return CodeStatus.VALID if code in self.hcpcs_modifiers else CodeStatus.UNKNOWN

    def taxonomy_code(self, code: str) -> CodeStatus:
        return self._listed(code, TAXONOMY_FORMAT, self.taxonomy)

    def place(self, code: str) -> CodeStatus:
        return self._listed(code, POS_FORMAT, self.place_of_service)

    def pcs(self, code: str) -> CodeStatus:
        return self._listed(code, ICD10PCS_FORMAT, self.icd10pcs)


def load_code_sets(cpt_path: Path | str | None = None, hcpcs_path: Path | str | None = None,
                   taxonomy_path: Path | str | None = None, pos_path: Path | str | None = None,
                   icd10pcs_path: Path | str | None = None) -> CodeSets:
    """Read the operator-supplied code files; any path left out is checked by format only."""

    def load(path: Path | str | None, pattern: re.Pattern[str],
             fixed_width: int = 0) -> frozenset[str] | None:
        return None if path is None else _read_codes(Path(path), pattern,
                                                     fixed_width=fixed_width)

    hcpcs_fixed = 5 if hcpcs_path and _looks_fixed_width(Path(hcpcs_path)) else 0
    modifiers = _read_hcpcs_modifiers(Path(hcpcs_path)) if hcpcs_fixed else None
    return CodeSets(cpt=load(cpt_path, CPT_FORMAT),
                    hcpcs=load(hcpcs_path, HCPCS_FORMAT, hcpcs_fixed),
                    hcpcs_modifiers=modifiers,
                    taxonomy=load(taxonomy_path, TAXONOMY_FORMAT),
                    place_of_service=load(pos_path, POS_FORMAT),
                    icd10pcs=load(icd10pcs_path, ICD10PCS_FORMAT))


def _read_hcpcs_modifiers(path: Path) -> frozenset[str] | None:
    """Modifier records of the CMS HCPCS file: record id 7 in column 11, code in 1-2."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as fh:
        codes = {line[:2] for line in fh if line[10:11] == "7" and line[2:5].strip() == ""}
    return frozenset(c for c in codes if MODIFIER_FORMAT.match(c)) or None


def _looks_fixed_width(path: Path) -> bool:
    """The CMS ANWEB file: 320-character records, code in 1-5, record id in column 11."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors="replace") as fh:
            first = fh.readline()
    except OSError:
        return False
    return len(first.rstrip("\r\n")) > 200 and first[10:11].isdigit()
