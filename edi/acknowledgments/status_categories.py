"""Claim status category codes (code source 507): what each means for a claim we sent.

277CA and 277 responses report each claim's status as category:status:entity (STC01). The
category decides the outcome: A1/A2 accepted, A3/A6/A7/A8 rejected (x12-domain.md 7.3); this
table turns it into an :class:`Outcome` and into words a billing office reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

__all__ = ["Outcome", "outcome_of", "category_meaning", "worst"]


class Outcome(StrEnum):
    """What a claim status category code means for our claim."""

    ACCEPTED = "accepted"          # A1 received, A2 accepted into adjudication, A5 split
    REJECTED = "rejected"          # A3 unprocessable, A4 not found, A6/A7/A8, E0/E3/E4, D0
    FORWARDED = "forwarded"        # A0 passed on to another entity
    PENDING = "pending"            # P0..P5, E1/E2 (the payer could not answer yet)
    FINALIZED = "finalized"        # F0..F4
    INFORMATION_REQUESTED = "information_requested"   # R0..R16
    UNKNOWN = "unknown"


_BY_CATEGORY: dict[str, Outcome] = {
    "A0": Outcome.FORWARDED, "A1": Outcome.ACCEPTED, "A2": Outcome.ACCEPTED,
    "A3": Outcome.REJECTED, "A4": Outcome.REJECTED, "A5": Outcome.ACCEPTED,
    "A6": Outcome.REJECTED, "A7": Outcome.REJECTED, "A8": Outcome.REJECTED,
    "E0": Outcome.REJECTED, "E1": Outcome.PENDING, "E2": Outcome.PENDING,
    "E3": Outcome.REJECTED, "E4": Outcome.REJECTED, "D0": Outcome.REJECTED,
}
# When several statuses disagree, the worst one decides (a claim with A1 and A7 is rejected).
RANK = (Outcome.REJECTED, Outcome.INFORMATION_REQUESTED, Outcome.PENDING, Outcome.FINALIZED,
         Outcome.FORWARDED, Outcome.ACCEPTED, Outcome.UNKNOWN)


def outcome_of(category: str, action: str = "") -> Outcome:
    """The outcome of a claim status category code (STC01-1); STC03 WQ/U breaks ties."""
    found = _BY_CATEGORY.get(category)
    if found is None and category:
        found = {"P": Outcome.PENDING, "F": Outcome.FINALIZED,
                 "R": Outcome.INFORMATION_REQUESTED}.get(category[0])
    if found is None:
        # STC03 action code: WQ accepted, U rejected (X214 STC03 notes).
        found = {"WQ": Outcome.ACCEPTED, "U": Outcome.REJECTED}.get(action, Outcome.UNKNOWN)
    return found


# Claim status category codes (code source 507) as a billing office reads them.
_CATEGORY_MEANING: dict[str, str] = {
    "A0": "acknowledged and forwarded to another entity",
    "A1": "received, not yet accepted for adjudication",
    "A2": "accepted into the adjudication system",
    "A3": "returned as unprocessable: rejected, not entered into adjudication",
    "A4": "not found", "A5": "split claim",
    "A6": "rejected for missing information", "A7": "rejected for invalid information",
    "A8": "rejected for a relational field in error",
    "P0": "pending", "P1": "pending: in process", "P2": "pending: payer review",
    "P3": "pending: provider requested information",
    "P4": "pending: patient requested information",
    "P5": "pending: payer administrative or system hold",
    "F0": "finalized", "F1": "finalized: payment", "F2": "finalized: denial",
    "F3": "finalized: revised", "F3F": "finalized: forwarded", "F3N": "finalized: not forwarded",
    "F4": "finalized: adjudication complete, no payment forthcoming",
    "E0": "response not possible: error on the submitted request data",
    "E1": "response not possible: system status", "E2": "response not possible: the "
    "information holder is not responding", "E3": "response not possible: relational "
    "fields in error", "E4": "response not possible: trading partner agreement not met",
    "D0": "data search unsuccessful",
}


def category_meaning(category: str) -> str:
    """The category in words; R0..R16 are requests for more information."""
    found = _CATEGORY_MEANING.get(category)
    if found is None and category.startswith("R"):
        found = "the payer requests additional information"
    return found or f"claim status category {category!r}"


def worst(outcomes: Iterable[Outcome]) -> Outcome:
    """The outcome that decides when several statuses disagree (A1 and A7: rejected)."""
    return min(outcomes, key=RANK.index, default=Outcome.UNKNOWN)
