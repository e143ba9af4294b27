"""Errors the remittance package raises. Problems inside a readable file are not errors: they
are defects and holds, reported on the remittance and its claim payments.

    RemittanceError            base of every error raised here; ``str()`` says what and where
     +-- UnreadableEra         the file is not a readable 835 (nothing was stored)
     +-- RulesError            an office's posting rules cannot be applied (also a ValueError)
     +-- QueueError            a work-queue item is missing or cannot change that way
     +-- PostingConflict       concurrent postings of the same payment kept colliding
     +-- SecondaryClaimError   no secondary claim can be built from this payment

Errors know nothing of HTTP; the API maps them (QueueError to 404/409, the rest to 422).
"""

from __future__ import annotations

__all__ = ["PostingConflict", "QueueError", "RemittanceError", "RulesError", "SecondaryClaimError",
           "UnreadableEra"]


class RemittanceError(Exception):
    """Base of the remittance package's errors."""


class UnreadableEra(RemittanceError):
    """The file is not a readable 835; nothing was stored."""


class RulesError(RemittanceError, ValueError):
    """An office's posting rules say something we cannot apply."""


class QueueError(RemittanceError):
    """The requested work-queue item is missing or cannot change that way."""


class PostingConflict(RemittanceError):
    """Another transaction kept posting the same payment at the same moment; nothing was
    posted by this one, and trying again will find the payment posted."""


class SecondaryClaimError(RemittanceError):
    """No secondary claim can be built from this payment."""
