"""Age and sex conflicts that the ICD-10-CM code set itself marks.

ICD-10-CM (the ``simple-icd-10-cm`` package, CDC data) has no machine-readable sex or age flag;
what it does carry is its hierarchy, whose chapters, blocks and categories are defined by sex
or by stage of life. The table below keys on those items as the package names them, so a code
is matched through its ancestors; each entry cites the heading it relies on:

- Sex, ERROR when the patient's recorded sex is the other one (U is never flagged):
  chapter 15 pregnancy (O00-O9A); blocks N70-N77, N80-N98, C51-C58 (female pelvic and genital
  organs); categories D06, D25-D28 (cervix, uterus, ovary, female genital neoplasms), Z3A
  (weeks of gestation), Z33, Z34, Z36, Z37, Z39 and Z32.0 (pregnancy, delivery, postpartum);
  blocks N40-N53 and C60-C63 and category D29 (male genital organs).
- Age, from the patient's age on the first date of service:
  Z38 liveborn infant (the category note: "for use as the principal code on the initial
  record of a newborn baby") ERROR after day 28; Z00.11 newborn health examination ERROR
  after day 28; Z00.12 routine child examination WARNING from age 18; Z00.0 adult examination
  WARNING under 18; chapter 15 pregnancy WARNING outside ages 9-64 (the Medicare Code
  Editor's maternity age range); chapter 16 perinatal conditions WARNING after day 28, because
  the guidelines allow them later in life only when the condition began in the perinatal
  period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from claims.codesets import icd10cm_ancestors
from claims.model import Sex

__all__ = ["DxEdit", "SEX_EDITS", "AGE_EDITS", "AgeEdit", "sex_conflict", "age_conflict",
           "age_in_days", "describe_age"]


@dataclass(frozen=True, slots=True)
class DxEdit:
    item: str           # a chapter number, block ("N40-N53") or category as the package has it
    sex: Sex
    why: str


@dataclass(frozen=True, slots=True)
class AgeEdit:
    item: str
    min_days: int       # inclusive
    max_days: int       # inclusive
    error: bool         # True: impossible (ERROR); False: unusual (WARNING)
    why: str


_YEAR = 365

SEX_EDITS = (
    DxEdit("15", Sex.FEMALE, "pregnancy, childbirth or the puerperium"),
    DxEdit("N70-N77", Sex.FEMALE, "female pelvic organs"),
    DxEdit("N80-N98", Sex.FEMALE, "female genital tract"),
    DxEdit("C51-C58", Sex.FEMALE, "female genital organs"),
    DxEdit("D06", Sex.FEMALE, "cervix uteri"),
    DxEdit("D25", Sex.FEMALE, "uterus"),
    DxEdit("D26", Sex.FEMALE, "uterus"),
    DxEdit("D27", Sex.FEMALE, "ovary"),
    DxEdit("D28", Sex.FEMALE, "female genital organs"),
    DxEdit("Z3A", Sex.FEMALE, "weeks of gestation"),
    DxEdit("Z320", Sex.FEMALE, "pregnancy test"),
    DxEdit("Z33", Sex.FEMALE, "pregnant state"),
    DxEdit("Z34", Sex.FEMALE, "supervision of pregnancy"),
    DxEdit("Z36", Sex.FEMALE, "antenatal screening"),
    DxEdit("Z37", Sex.FEMALE, "outcome of delivery"),
    DxEdit("Z39", Sex.FEMALE, "postpartum care"),
    DxEdit("N40-N53", Sex.MALE, "male genital organs"),
    DxEdit("C60-C63", Sex.MALE, "male genital organs"),
    DxEdit("D29", Sex.MALE, "male genital organs"),
)

AGE_EDITS = (
    AgeEdit("Z38", 0, 28, True, "liveborn infant, birth record only"),
    AgeEdit("Z0011", 0, 28, True, "newborn health examination"),
    AgeEdit("Z0012", 0, 18 * _YEAR + 4, False, "routine child health examination"),
    AgeEdit("Z000", 18 * _YEAR + 4, 200 * _YEAR, False, "adult medical examination"),
    AgeEdit("15", 9 * _YEAR + 2, 65 * _YEAR + 16, False, "pregnancy"),
    AgeEdit("16", 0, 28, False, "perinatal condition"),
)

_SEX_BY_ITEM = {e.item: e for e in SEX_EDITS}
_AGE_BY_ITEM = {e.item: e for e in AGE_EDITS}


def _items(code: str) -> list[str]:
    """The code and every ancestor, dots removed (the package answers "Z00.11")."""
    return [code, *icd10cm_ancestors(code)]


def age_in_days(birth: dt.date, on: dt.date) -> int:
    return (on - birth).days


def sex_conflict(code: str, sex: Sex) -> DxEdit | None:
    """The edit a valid ICD-10-CM ``code`` breaks for a patient of ``sex``, if any."""
    if sex == Sex.UNKNOWN:
        return None
    for item in _items(code):
        edit = _SEX_BY_ITEM.get(item)
        if edit is not None:
            return edit if edit.sex != sex else None
    return None


def age_conflict(code: str, age_days: int) -> AgeEdit | None:
    """The age edit a valid ICD-10-CM ``code`` breaks at ``age_days``, if any."""
    for item in _items(code):
        edit = _AGE_BY_ITEM.get(item)
        if edit is not None and not edit.min_days <= age_days <= edit.max_days:
            return edit
    return None


def describe_age(age_days: int) -> str:
    if age_days < 60:
        return f"{age_days} days"
    return f"{age_days // _YEAR} years" if age_days >= _YEAR else f"{age_days // 30} months"
