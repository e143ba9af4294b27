"""The claims package's public API is pinned: changing it is a deliberate act."""

from __future__ import annotations

from pathlib import Path

import claims

EXPECTED = {
    "Accident", "Address", "Adjustment", "Claim", "ClaimInputError", "ClaimKind",
    "CodeSetError", "CodeSets", "CodeStatus", "CodedAmount", "CodedDate", "CoordinationError",
    "Diagnosis", "Finding", "IMPLEMENTATION", "Inbound837Error", "Institutional",
    "LineAdjudication", "OtherCoverage", "Patient", "Payer", "Person",
    "PriorPayerAdjudication", "Procedure", "Provider", "RULES", "Rule", "ServiceLine", "Sex",
    "Submitter", "Subscriber", "adjudication_from_json", "adjudication_to_json", "build_837",
    "claim_from_json", "claim_to_json", "claims_from_837", "has_errors", "load_code_sets",
    "npi_is_valid", "scrub", "secondary_claim",
}


def test_exports():
    assert set(claims.__all__) == EXPECTED
    assert all(hasattr(claims, name) for name in claims.__all__)


def test_importing_claims_does_not_load_the_icd_tables():
    import subprocess
    import sys

    code = "import sys, claims; print('simple_icd_10_cm' in sys.modules)"
    root = Path(claims.__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=root)
    assert out.stdout.strip() == "False"
