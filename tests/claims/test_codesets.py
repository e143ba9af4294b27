"""Code sets: ICD-10-CM from the package, the other lists from operator-supplied files."""

from __future__ import annotations

import gzip

import pytest

from claims.codesets import CodeSetError, CodeSets, CodeStatus, load_code_sets

FORMAT_ONLY = CodeSets()


@pytest.mark.parametrize(("code", "status"), [
    ("J069", CodeStatus.VALID),
    ("S93401A", CodeStatus.VALID),        # 7th-character extension
    ("U071", CodeStatus.VALID),           # COVID-19: U codes are valid (x12-domain 9.1)
    ("E11", CodeStatus.NOT_BILLABLE),     # category with subcategories
    ("K358", CodeStatus.NOT_BILLABLE),
    ("J0690", CodeStatus.UNKNOWN),
    ("Z9999", CodeStatus.UNKNOWN),
    ("J06.9", CodeStatus.BAD_FORMAT),     # stored without the dot
    ("123", CodeStatus.BAD_FORMAT),
])
def test_icd10cm(code, status):
    assert FORMAT_ONLY.diagnosis(code) is status


@pytest.mark.parametrize(("code", "status"), [
    ("99213", CodeStatus.UNCHECKED), ("0001F", CodeStatus.UNCHECKED),
    ("0042T", CodeStatus.UNCHECKED), ("J3301", CodeStatus.UNCHECKED),
    ("9921", CodeStatus.BAD_FORMAT), ("W1234", CodeStatus.BAD_FORMAT),
    ("992133", CodeStatus.BAD_FORMAT),
])
def test_procedures_without_lists_are_checked_by_format(code, status):
    assert FORMAT_ONLY.procedure(code) is status
    assert set(FORMAT_ONLY.unconfigured) == {"CPT", "HCPCS Level II", "provider taxonomy",
                                            "place of service", "ICD-10-PCS",
                                            "HCPCS Level II modifiers"}


def test_reference_lists(code_sets):
    assert code_sets.taxonomy_code("207Q00000X") is CodeStatus.VALID
    assert code_sets.taxonomy_code("207Q99999X") is CodeStatus.UNKNOWN
    assert code_sets.taxonomy_code("207Q") is CodeStatus.BAD_FORMAT
    assert code_sets.place("11") is CodeStatus.VALID
    assert code_sets.place("98") is CodeStatus.UNKNOWN
    assert code_sets.pcs("0DTJ4ZZ") is CodeStatus.VALID
    assert code_sets.pcs("0DTJ4ZX") is CodeStatus.UNKNOWN
    assert code_sets.pcs("0DTJ4ZO") is CodeStatus.BAD_FORMAT     # no letter O in PCS
    assert code_sets.unconfigured == ("CPT", "HCPCS Level II", "HCPCS Level II modifiers")


def test_operator_cpt_and_hcpcs_files(tmp_path):
    cpt = tmp_path / "cpt.csv"
    cpt.write_text("code,label\n99213,office visit\n0001F,measure\n")
    hcpcs = tmp_path / "hcpcs.txt.gz"
    # The CMS fixed-width layout: code in 1-5, record id 3 in column 11, 320 wide.
    record = "J3301" + "00100" + "3" + "Triamcinolone acetonide".ljust(309)
    modifier = "RT   " + "00100" + "7" + "Right side".ljust(309)
    with gzip.open(hcpcs, "wt") as fh:
        fh.write(record + "\n" + "G0202" + "00100" + "3" + "x".ljust(309) + "\n" + modifier
                 + "\n")
    sets = load_code_sets(cpt_path=cpt, hcpcs_path=hcpcs)
    assert sets.cpt == frozenset({"99213", "0001F"})
    assert sets.hcpcs == frozenset({"J3301", "G0202"})
    assert sets.procedure("99214") is CodeStatus.UNKNOWN
    assert sets.procedure("J3301") is CodeStatus.VALID
    assert sets.hcpcs_modifiers == frozenset({"RT"})
    assert sets.modifier("RT") is CodeStatus.VALID
    assert sets.modifier("LT") is CodeStatus.UNKNOWN


@pytest.mark.parametrize(("code", "status"), [
    ("25", CodeStatus.VALID), ("59", CodeStatus.VALID), ("44", CodeStatus.UNKNOWN),
    ("RT", CodeStatus.UNCHECKED), ("R", CodeStatus.BAD_FORMAT), ("r1t", CodeStatus.BAD_FORMAT),
])
def test_modifiers(code, status):
    assert FORMAT_ONLY.modifier(code) is status


def test_missing_or_empty_files_are_named(tmp_path):
    with pytest.raises(CodeSetError, match="nope.csv: cannot read the code file"):
        load_code_sets(cpt_path=tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("code,name\nhello,world\n")
    with pytest.raises(CodeSetError, match="empty.csv: no codes of the expected shape"):
        load_code_sets(pos_path=empty)
