"""Inbound 837 to claim model: every sample round-trips model -> 837 -> model."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builder_support import build
from claim_samples import SAMPLE_NAMES

from claims import Claim, Inbound837Error, claims_from_837


def _without_allowed(claim: Claim) -> Claim:
    """Prior payers' allowed amounts have no place in the 837 (2430), so they cannot return."""
    coverages = []
    for coverage in claim.other_coverages:
        adj = coverage.adjudication
        if adj is not None:
            adj = replace(adj, lines=tuple(replace(x, allowed_amount=None) for x in adj.lines))
        coverages.append(replace(coverage, adjudication=adj))
    return replace(claim, other_coverages=tuple(coverages))


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_round_trips(name, samples):
    claim = samples[name]
    assert claims_from_837(build([claim]), f"{name}.837") == [_without_allowed(claim)]


def test_many_claims_come_back_in_order(samples):
    claims = [_without_allowed(c) for c in samples.values()]
    back = claims_from_837(build(claims))
    # professional claims first (their group comes first), each group in input order
    assert sorted(back, key=lambda c: c.patient_control_number) == \
        sorted(claims, key=lambda c: c.patient_control_number)


def test_unreadable_amount_is_an_error_naming_the_file(samples):
    text = build([samples["office_visit"]]).replace("SV1*HC:99213*120*", "SV1*HC:99213*12O*")
    with pytest.raises(Inbound837Error, match=r"visit\.837: .*SV102 should be a number"):
        claims_from_837(text, "visit.837")


def test_amount_too_large_to_round_is_an_error_naming_the_claim(samples):
    text = build([samples["office_visit"]]).replace("SV1*HC:99213*120*", "SV1*HC:99213*1E400*")
    # The X12 reader refuses exponents (and more than 18 digits) by element, before rounding.
    with pytest.raises(Inbound837Error, match=r"x\.837: .*2400/SV102 \(segment \d+\): SV102 "
                                              "should be a number: '1E400' is written with an "
                                              "exponent"):
        claims_from_837(text, "x.837")


def test_unknown_guide_is_refused(samples):
    text = build([samples["office_visit"]]).replace("005010X222A1", "005010X999A1")
    with pytest.raises(Inbound837Error, match="claim 'MSFM-10001'.*X999A1"):
        claims_from_837(text, "x.837")


def test_public_corpus_837p_files_read(corpus_dir):
    index = (corpus_dir / "INDEX.tsv").read_text(encoding="utf-8").splitlines()
    read = 0
    for row in index[1:]:
        cols = row.split("\t")
        if len(cols) < 8 or cols[4] not in ("837P", "837I") or cols[7] not in (
                "005010X222A1", "005010X223A2"):
            continue
        path = corpus_dir / cols[0]
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            claims = claims_from_837(text, cols[0])
        except Inbound837Error as exc:
            # a public sample with an unreadable value is reported with its file name
            assert cols[0] in str(exc)
            continue
        assert all(c.patient_control_number for c in claims)
        read += 1
    assert read >= 40   # 49 of the 60 5010 837 files are readable; the rest are malformed


def test_unreadable_date_names_the_claim_and_value(samples):
    text = build([samples["office_visit"]]).replace("DTP*472*D8*20260914", "DTP*472*D8*2026091")
    with pytest.raises(Inbound837Error, match=r"claim 'MSFM-10001' \(segment \d+\): "
                                              r"'2026091' is not a date CCYYMMDD"):
        claims_from_837(text, "x.837")
