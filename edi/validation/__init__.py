"""Validation of X12 files: envelopes and control numbers, guide rules, balancing (SNIP 1-3)."""

from edi.validation.report import (
    GroupResult,
    InterchangeResult,
    TransactionResult,
    ValidationReport,
)
from edi.validation.validator import validate, validate_text

__all__ = [
    "GroupResult",
    "InterchangeResult",
    "TransactionResult",
    "ValidationReport",
    "validate",
    "validate_text",
]
