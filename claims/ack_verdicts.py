"""The verdict values the clearinghouse's responses are read into (TA1, 999, 277CA), and the
result of applying one: the claims layer's own words for them, independent of how the X12 was
parsed. :mod:`claims.acknowledgments` applies them; :mod:`clearinghouse.responses` builds them
from :mod:`edi.parsers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "AckKind",
    "AppliedAcknowledgment",
    "ClaimVerdict",
    "InterchangeVerdict",
    "LineVerdict",
    "SetVerdict",
    "SubmissionStatus",
    "Verdict",
]


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"
    REJECTED = "rejected"
    PENDING = "pending"
    INFORMATIONAL = "informational"


class AckKind(StrEnum):
    TA1 = "TA1"
    IMPLEMENTATION = "999"
    CLAIM = "277CA"


class SubmissionStatus(StrEnum):
    """``submissions.status``: created -> sent -> acknowledged | rejected."""

    CREATED = "created"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"      # 999 accepted at least one set
    REJECTED = "rejected"              # TA1 rejected the interchange, or 999 every set


@dataclass(frozen=True, slots=True)
class InterchangeVerdict:
    """A TA1: our interchange ``control_number`` (TA101) accepted or rejected (TA104/TA105)."""

    control_number: int
    verdict: Verdict
    codes: str
    message: str
    sender_id: str = ""                 # ISA06 of the TA1: the clearinghouse


@dataclass(frozen=True, slots=True)
class SetVerdict:
    """A 999 AK2 loop: one of our transaction sets and its IK5 verdict.

    ``errors`` are the IK3/IK4 findings as sentences; ``claim_errors`` maps a CLM01 named by a
    CTX segment to the sentences about that claim.
    """

    group_control_number: int           # AK102 = our GS06
    transaction_control_number: str     # AK202 = our ST02
    verdict: Verdict
    codes: str
    errors: tuple[str, ...] = ()
    claim_errors: tuple[tuple[str, tuple[str, ...]], ...] = ()
    sender_id: str = ""


@dataclass(frozen=True, slots=True)
class LineVerdict:
    """A 277CA 2220D loop: one line by its REF*FJ line item control number."""

    line_control_number: str
    verdict: Verdict
    codes: str
    message: str


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    """A 277CA 2200D loop: one claim by its CLM01, with its lines."""

    patient_control_number: str
    verdict: Verdict
    codes: str
    message: str
    payer_claim_number: str = ""        # REF*1K
    lines: tuple[LineVerdict, ...] = ()


@dataclass(frozen=True, slots=True)
class AppliedAcknowledgment:
    """What applying one acknowledgment did, in words a billing person reads."""

    kind: AckKind
    submission_ids: tuple[int, ...] = ()
    accepted_claims: tuple[str, ...] = ()
    rejected_claims: tuple[str, ...] = ()
    rejected_lines: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        parts = [f"{self.kind.value}:"]
        if self.accepted_claims:
            parts.append(f"{len(self.accepted_claims)} claim(s) accepted")
        if self.rejected_claims:
            parts.append(f"{len(self.rejected_claims)} claim(s) rejected "
                         f"({_some(self.rejected_claims)})")
        if self.rejected_lines:
            parts.append(f"{len(self.rejected_lines)} line(s) rejected "
                         f"({_some(self.rejected_lines)})")
        text = " ".join(parts[:2]) + "".join(f", {p}" for p in parts[2:])
        if self.notes:
            text += ("; " if len(parts) > 1 else " ") + _some(self.notes, "; ")
        return text if len(parts) > 1 or self.notes else f"{self.kind.value}: nothing to apply"


def _some(items: Sequence[str], separator: str = ", ", shown: int = 10) -> str:
    text = separator.join(items[:shown])
    return text + (f"{separator}and {len(items) - shown} more" if len(items) > shown else "")
