"""Code tables for posting and denial work: CLP02, CAS01 groups, CARC/RARC, PLB reasons.

The CARC and RARC lists are X12-copyrighted; codesets.md section 5 lets us reference codes,
so these are the codes that change what a payment poster or denial specialist does, each with
a short label written by this project (not the official description). An unknown code is not an
error: it classifies as "other" and goes to a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Action", "CARC_LABELS", "ClaimStatusCode", "DenialCategory", "DenialRule", "DENIAL_TABLE",
    "GroupCode", "PLB_REASONS", "RARC_LABELS", "RARC_RULES", "carc_label", "rarc_label",
]


class ClaimStatusCode(StrEnum):
    """CLP02 (x12-domain.md appendix B)."""

    PRIMARY = "1"
    SECONDARY = "2"
    TERTIARY = "3"
    DENIED = "4"
    PRIMARY_FORWARDED = "19"
    SECONDARY_FORWARDED = "20"
    TERTIARY_FORWARDED = "21"
    REVERSAL = "22"
    NOT_OUR_CLAIM = "23"
    PREDETERMINATION = "25"


class GroupCode(StrEnum):
    """CAS01 in 5010 (x12-domain.md 6.2)."""

    CONTRACTUAL = "CO"
    OTHER = "OA"
    PAYER_INITIATED = "PI"
    PATIENT = "PR"


class DenialCategory(StrEnum):
    CONTRACTUAL = "contractual"              # not a denial: the contract says so
    PATIENT_RESPONSIBILITY = "patient_responsibility"
    PRIOR_PAYER = "prior_payer"              # OA 23: informational on secondary claims
    MISSING_INFORMATION = "missing_information"
    DUPLICATE = "duplicate"
    COORDINATION_OF_BENEFITS = "coordination_of_benefits"
    ELIGIBILITY = "eligibility"
    TIMELY_FILING = "timely_filing"
    REGISTRATION = "registration"
    MEDICAL_NECESSITY = "medical_necessity"
    NON_COVERED = "non_covered"
    BUNDLING = "bundling"
    CODING = "coding"
    WRONG_PAYER = "wrong_payer"
    BENEFIT_LIMIT = "benefit_limit"
    CREDENTIALING = "credentialing"
    AUTHORIZATION = "authorization"
    PROVIDER_DATA = "provider_data"
    NETWORK = "network"
    DOCUMENTATION = "documentation"
    REGULATORY = "regulatory"
    PENDING = "pending"
    UNPROCESSABLE = "unprocessable"
    OTHER = "other"


#: Categories that are not denials: they never put a claim on the denial work queue.
NOT_DENIALS = frozenset({DenialCategory.CONTRACTUAL, DenialCategory.PATIENT_RESPONSIBILITY,
                         DenialCategory.PRIOR_PAYER, DenialCategory.REGULATORY})


class Action(StrEnum):
    """What a person should do next (x12-domain.md 10.2)."""

    CORRECT_AND_RESUBMIT = "correct_and_resubmit"   # frequency 7 + REF*F8 payer ICN
    NEW_CLAIM = "new_claim"                          # never adjudicated: a new original
    APPEAL = "appeal"
    BILL_SECONDARY = "bill_secondary"
    BILL_PATIENT = "bill_patient"
    WRITE_OFF = "write_off"
    BILL_OTHER_PAYER = "bill_other_payer"
    VERIFY_ELIGIBILITY = "verify_eligibility"
    CHECK_STATUS = "check_status"                    # 276/277, no resubmission
    SEND_RECORDS = "send_records"
    WAIT = "wait"                                    # pending, split, or crossed over
    REVIEW = "review"                                # a person decides


@dataclass(frozen=True, slots=True)
class DenialRule:
    category: DenialCategory
    action: Action


C, A = DenialCategory, Action

#: CARC -> (category, usual action), x12-domain.md 10.1. Group-specific rows ("PR:96") win over
#: plain ones ("96"); PR rows are decided by coverage at classification time.
DENIAL_TABLE: dict[str, DenialRule] = {
    "1": DenialRule(C.PATIENT_RESPONSIBILITY, A.BILL_PATIENT),
    "2": DenialRule(C.PATIENT_RESPONSIBILITY, A.BILL_PATIENT),
    "3": DenialRule(C.PATIENT_RESPONSIBILITY, A.BILL_PATIENT),
    "4": DenialRule(C.CODING, A.CORRECT_AND_RESUBMIT),
    "5": DenialRule(C.CODING, A.CORRECT_AND_RESUBMIT),
    "6": DenialRule(C.CODING, A.CORRECT_AND_RESUBMIT),
    "7": DenialRule(C.CODING, A.CORRECT_AND_RESUBMIT),
    "11": DenialRule(C.CODING, A.CORRECT_AND_RESUBMIT),
    "15": DenialRule(C.AUTHORIZATION, A.CORRECT_AND_RESUBMIT),
    "16": DenialRule(C.MISSING_INFORMATION, A.CORRECT_AND_RESUBMIT),
    "18": DenialRule(C.DUPLICATE, A.CHECK_STATUS),
    "19": DenialRule(C.COORDINATION_OF_BENEFITS, A.BILL_OTHER_PAYER),
    "22": DenialRule(C.COORDINATION_OF_BENEFITS, A.BILL_OTHER_PAYER),
    "23": DenialRule(C.PRIOR_PAYER, A.WRITE_OFF),
    "24": DenialRule(C.CONTRACTUAL, A.WRITE_OFF),
    "26": DenialRule(C.ELIGIBILITY, A.VERIFY_ELIGIBILITY),
    "27": DenialRule(C.ELIGIBILITY, A.VERIFY_ELIGIBILITY),
    "29": DenialRule(C.TIMELY_FILING, A.APPEAL),
    "31": DenialRule(C.REGISTRATION, A.CORRECT_AND_RESUBMIT),
    "42": DenialRule(C.CONTRACTUAL, A.WRITE_OFF),
    "45": DenialRule(C.CONTRACTUAL, A.WRITE_OFF),
    "50": DenialRule(C.MEDICAL_NECESSITY, A.APPEAL),
    "56": DenialRule(C.MEDICAL_NECESSITY, A.APPEAL),
    "59": DenialRule(C.CONTRACTUAL, A.WRITE_OFF),
    "94": DenialRule(C.CONTRACTUAL, A.WRITE_OFF),
    "96": DenialRule(C.NON_COVERED, A.APPEAL),
    "97": DenialRule(C.BUNDLING, A.CORRECT_AND_RESUBMIT),
    "104": DenialRule(C.CONTRACTUAL, A.WRITE_OFF),
    "109": DenialRule(C.WRONG_PAYER, A.BILL_OTHER_PAYER),
    "119": DenialRule(C.BENEFIT_LIMIT, A.BILL_PATIENT),
    "129": DenialRule(C.MISSING_INFORMATION, A.CORRECT_AND_RESUBMIT),
    "131": DenialRule(C.CONTRACTUAL, A.WRITE_OFF),
    "133": DenialRule(C.PENDING, A.WAIT),
    "140": DenialRule(C.REGISTRATION, A.CORRECT_AND_RESUBMIT),
    "144": DenialRule(C.CONTRACTUAL, A.WRITE_OFF),
    "146": DenialRule(C.CODING, A.CORRECT_AND_RESUBMIT),
    "150": DenialRule(C.MEDICAL_NECESSITY, A.APPEAL),
    "151": DenialRule(C.MEDICAL_NECESSITY, A.APPEAL),
    "167": DenialRule(C.CODING, A.CORRECT_AND_RESUBMIT),
    "170": DenialRule(C.CREDENTIALING, A.APPEAL),
    "181": DenialRule(C.CODING, A.CORRECT_AND_RESUBMIT),
    "182": DenialRule(C.CODING, A.CORRECT_AND_RESUBMIT),
    "185": DenialRule(C.CREDENTIALING, A.CORRECT_AND_RESUBMIT),
    "197": DenialRule(C.AUTHORIZATION, A.APPEAL),
    "198": DenialRule(C.AUTHORIZATION, A.APPEAL),
    "204": DenialRule(C.NON_COVERED, A.WRITE_OFF),
    "206": DenialRule(C.PROVIDER_DATA, A.CORRECT_AND_RESUBMIT),
    "207": DenialRule(C.PROVIDER_DATA, A.CORRECT_AND_RESUBMIT),
    "208": DenialRule(C.PROVIDER_DATA, A.CORRECT_AND_RESUBMIT),
    "226": DenialRule(C.DOCUMENTATION, A.SEND_RECORDS),
    "234": DenialRule(C.BUNDLING, A.CORRECT_AND_RESUBMIT),
    "236": DenialRule(C.BUNDLING, A.CORRECT_AND_RESUBMIT),
    "237": DenialRule(C.REGULATORY, A.WRITE_OFF),
    "242": DenialRule(C.NETWORK, A.APPEAL),
    "252": DenialRule(C.DOCUMENTATION, A.SEND_RECORDS),
    "253": DenialRule(C.REGULATORY, A.WRITE_OFF),
    "284": DenialRule(C.AUTHORIZATION, A.CORRECT_AND_RESUBMIT),
    "A1": DenialRule(C.OTHER, A.REVIEW),
    "A2": DenialRule(C.CONTRACTUAL, A.WRITE_OFF),
    "B7": DenialRule(C.CREDENTIALING, A.APPEAL),
    "B13": DenialRule(C.DUPLICATE, A.CHECK_STATUS),
    "B15": DenialRule(C.BUNDLING, A.CORRECT_AND_RESUBMIT),
    # Non-covered or over-limit care moved to the patient is a patient balance, not a denial
    # to work, when the payer itself put it in group PR.
    "PR:96": DenialRule(C.PATIENT_RESPONSIBILITY, A.BILL_PATIENT),
    "PR:204": DenialRule(C.PATIENT_RESPONSIBILITY, A.BILL_PATIENT),
    "PR:119": DenialRule(C.PATIENT_RESPONSIBILITY, A.BILL_PATIENT),
    "PR:242": DenialRule(C.PATIENT_RESPONSIBILITY, A.BILL_PATIENT),
    "PR:45": DenialRule(C.PATIENT_RESPONSIBILITY, A.BILL_PATIENT),
}

#: RARCs that override the CARC's category and action (x12-domain.md 6.4, 10.1, 10.3).
RARC_RULES: dict[str, DenialRule] = {
    # Rejected as unprocessable: no appeal rights; a new corrected claim is the remedy.
    "MA130": DenialRule(C.UNPROCESSABLE, A.NEW_CLAIM),
    # Split claim: the missing lines come on another remittance; wait, do not work as denied.
    "MA15": DenialRule(C.PENDING, A.WAIT),
}

CARC_LABELS: dict[str, str] = {
    "1": "deductible", "2": "coinsurance", "3": "copay",
    "4": "modifier missing or inconsistent with the procedure",
    "5": "procedure or bill type inconsistent with place of service",
    "6": "procedure inconsistent with patient age", "7": "procedure inconsistent with sex",
    "11": "diagnosis inconsistent with procedure", "15": "authorization number missing or invalid",
    "16": "claim lacks information or has billing errors (see remark codes)",
    "18": "exact duplicate claim or service", "19": "work-related injury: workers' compensation",
    "22": "another payer may be primary", "23": "impact of prior payer adjudication",
    "24": "covered by a capitation or managed care plan",
    "26": "service before coverage began", "27": "service after coverage ended",
    "29": "time limit for filing has expired", "31": "patient not identified as our insured",
    "42": "charges exceed the maximum allowed", "45": "charge exceeds the fee schedule",
    "50": "not medically necessary", "56": "not proven effective",
    "59": "multiple or concurrent procedure rules", "94": "processed in excess of charges",
    "96": "non-covered charge (see remark codes)", "97": "included in another service",
    "104": "managed care withholding", "109": "not covered by this payer: bill the right payer",
    "119": "benefit maximum reached", "129": "prior processing information was wrong",
    "131": "claim-specific negotiated discount", "133": "pending further review",
    "140": "patient and insured identifiers do not match", "144": "incentive adjustment",
    "146": "diagnosis invalid for the date of service",
    "150": "information does not support this level of service",
    "151": "information does not support this many services",
    "167": "diagnosis not covered", "170": "not paid when performed by this provider type",
    "181": "procedure code invalid on the date of service",
    "182": "modifier invalid on the date of service",
    "185": "rendering provider not eligible", "197": "authorization absent",
    "198": "authorization exceeded", "204": "not covered under the patient's benefit plan",
    "206": "NPI missing", "207": "NPI invalid", "208": "NPI does not match",
    "226": "requested information not provided", "234": "procedure not paid separately",
    "236": "procedure or modifier combination not compatible", "237": "regulatory penalty",
    "242": "not provided by a network provider", "252": "attachment or documentation required",
    "253": "sequestration", "284": "authorization number missing or invalid",
    "A1": "claim or service denied", "A2": "contractual adjustment",
    "B7": "provider not certified for this procedure on this date",
    "B13": "previously paid", "B15": "requires a qualifying service",
}

RARC_LABELS: dict[str, str] = {
    "MA01": "appeal rights notice", "MA04": "secondary payment needs the primary payer's data",
    "MA15": "claim split to speed up handling", "MA18": "claim forwarded to the supplemental payer",
    "MA130": "unprocessable: submit a new corrected claim, no appeal rights",
    "M15": "separately billed services were bundled", "M80": "not covered with another service",
    "M86": "service already paid for a same or similar procedure",
    "N4": "prior insurance payment information missing", "N89": "claim forwarded to another payer",
    "N130": "see the plan's benefit documents", "N211": "this service cannot be appealed",
    "N290": "rendering provider id missing or invalid", "N362": "units exceed the allowance",
    "N381": "consult the contract terms", "N522": "duplicate of a claim already processed",
}

#: PLB03-1 adjustment reasons (X12 element 426), labels ours.
PLB_REASONS: dict[str, str] = {
    "50": "late charge", "51": "interest penalty charge", "72": "authorized return (refund)",
    "90": "early payment allowance", "AP": "acceleration of benefits", "B2": "rebate",
    "B3": "recovery allowance", "BD": "bad debt adjustment", "BN": "bonus",
    "C5": "temporary allowance", "CR": "capitation interest", "CS": "adjustment",
    "CT": "capitation payment", "CV": "capital pass-through", "CW": "CRNA pass-through",
    "DM": "direct medical education pass-through", "E3": "withholding",
    "FB": "forwarding balance", "FC": "fund allocation", "GO": "graduate medical education",
    "HM": "hemophilia clotting factor", "IP": "incentive premium payment",
    "IR": "IRS withholding", "IS": "interim settlement", "J1": "non-reimbursable",
    "L3": "penalty", "L6": "interest owed", "LE": "levy", "LS": "lump sum",
    "OA": "organ acquisition pass-through", "OB": "offset for affiliated providers",
    "PI": "periodic interim payment", "PL": "payment final", "RA": "retro-activity adjustment",
    "RE": "return on equity", "SL": "student loan repayment", "TL": "third party liability",
    "WO": "overpayment recovery", "WU": "unspecified recovery",
}


def carc_label(code: str) -> str:
    return CARC_LABELS.get(code, f"adjustment reason {code}")


def rarc_label(code: str) -> str:
    return RARC_LABELS.get(code, f"remark {code}")
