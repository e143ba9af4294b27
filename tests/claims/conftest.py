"""Fixtures for the claims tests: the samples as claims, the reference code sets, a fixed day."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

# The helper modules beside this file (claim_samples, builder_support, pyx12_check) are
# imported by name; keep that working under pytest's importlib import mode too.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from claim_samples import SAMPLE_DIR, SAMPLE_NAMES, load_sample

from claims import (
    Claim,
    CodeSets,
    PriorPayerAdjudication,
    adjudication_from_json,
    load_code_sets,
)


@pytest.fixture(scope="session")
def samples() -> dict[str, Claim]:
    return {name: load_sample(name) for name in SAMPLE_NAMES}


@pytest.fixture(scope="session")
def primary_payment() -> PriorPayerAdjudication:
    path = SAMPLE_DIR / "payments" / "office_visit_primary.json"
    return adjudication_from_json(json.loads(path.read_text()))


@pytest.fixture(scope="session")
def code_sets(shared_dir: Path) -> CodeSets:
    """The public reference lists; CPT and HCPCS stay format-only (no licensed file)."""
    ref = shared_dir / "reference"
    return load_code_sets(taxonomy_path=ref / "nucc_taxonomy_251.csv",
                          pos_path=ref / "pos_codes.csv",
                          icd10pcs_path=ref / "icd10pcs-codes-2026.txt.gz")
