"""Fixtures of the validation tests: the sample sets of edi_samples, fresh for each test."""

from __future__ import annotations

import pytest
from edi_samples import CLAIM_837P, REMIT_835


@pytest.fixture
def claim_837p() -> list[str]:
    return list(CLAIM_837P)


@pytest.fixture
def remit_835() -> list[str]:
    return list(REMIT_835)
