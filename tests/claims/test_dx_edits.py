"""Age and sex edits keyed on ICD-10-CM chapters, blocks and categories."""

from __future__ import annotations

import pytest
import simple_icd_10_cm as cm

from claims.dx_edits import AGE_EDITS, SEX_EDITS, age_conflict, describe_age, sex_conflict
from claims.model import Sex


@pytest.mark.parametrize("item", [e.item for e in SEX_EDITS + AGE_EDITS])
def test_every_edit_names_an_item_the_code_set_has(item):
    assert cm.is_valid_item(item)


@pytest.mark.parametrize(("code", "sex", "conflict"), [
    ("O80", Sex.MALE, True), ("O80", Sex.FEMALE, False), ("O80", Sex.UNKNOWN, False),
    ("N400", Sex.FEMALE, True), ("N400", Sex.MALE, False),
    ("C61", Sex.FEMALE, True), ("N952", Sex.MALE, True), ("Z3A20", Sex.MALE, True),
    ("Z3202", Sex.MALE, True),   # Z32.0x pregnancy test
    ("Z322", Sex.MALE, False),   # childbirth instruction: not sex-specific
    ("J069", Sex.MALE, False),
])
def test_sex_conflicts(code, sex, conflict):
    assert (sex_conflict(code, sex) is not None) is conflict


@pytest.mark.parametrize(("code", "age_days", "error"), [
    ("Z3800", 400, True),          # liveborn infant code on a one-year-old
    ("Z3800", 0, None),
    ("Z00110", 40, True),
    ("Z00129", 20 * 365, False),   # child examination for an adult: unusual
    ("Z0000", 10 * 365, False),
    ("O80", 70 * 365, False),
    ("O80", 30 * 365, None),
    ("P0710", 90, False),
    ("J069", 90, None),
])
def test_age_conflicts(code, age_days, error):
    edit = age_conflict(code, age_days)
    assert (edit.error if edit else None) is error


def test_describe_age():
    assert describe_age(10) == "10 days"
    assert describe_age(200) == "6 months"
    assert describe_age(800) == "2 years"
