"""Claims: the claim model, its JSON form, code sets, the scrubber, and 837P/837I in and out.

Data flow: practice JSON -> :func:`claim_from_json` -> :func:`scrub` (findings a billing person
can act on) -> :func:`build_837` (one interchange for many claims) -> the clearinghouse. The
way back: :func:`claims_from_837` for received 837s, and :func:`secondary_claim` to bill the
next payer once the primary's 835 is in.
"""

from claims.builder import IMPLEMENTATION, Submitter, build_837
from claims.cob import CoordinationError, secondary_claim
from claims.codesets import CodeSetError, CodeSets, CodeStatus, load_code_sets
from claims.inbound import Inbound837Error, claims_from_837
from claims.json_codec import (
    ClaimInputError,
    adjudication_from_json,
    adjudication_to_json,
    claim_from_json,
    claim_to_json,
)
from claims.model import (
    Accident,
    Address,
    Adjustment,
    Claim,
    ClaimKind,
    CodedAmount,
    CodedDate,
    Diagnosis,
    Institutional,
    LineAdjudication,
    OtherCoverage,
    Patient,
    Payer,
    Person,
    PriorPayerAdjudication,
    Procedure,
    Provider,
    ServiceLine,
    Sex,
    Subscriber,
)
from claims.npi import npi_is_valid
from claims.rules import RULES, Finding, Rule
from claims.scrubber import has_errors, scrub

__all__ = [
    "Accident", "Address", "Adjustment", "Claim", "ClaimInputError", "ClaimKind",
    "CodeSetError", "CodeSets", "CodeStatus", "CodedAmount", "CodedDate", "CoordinationError",
    "Diagnosis", "Finding", "IMPLEMENTATION", "Inbound837Error", "Institutional",
    "LineAdjudication", "OtherCoverage", "Patient", "Payer", "Person",
    "PriorPayerAdjudication", "Procedure", "Provider", "RULES", "Rule", "ServiceLine", "Sex",
    "Submitter", "Subscriber", "adjudication_from_json", "adjudication_to_json", "build_837",
    "claim_from_json", "claim_to_json", "claims_from_837", "has_errors", "load_code_sets",
    "npi_is_valid", "scrub", "secondary_claim",
]
