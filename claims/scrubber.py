"""The claim scrubber: every rule in :data:`claims.rules.RULES`, run over one claim.

``scrub`` never raises on a bad claim; it returns findings, errors first, so a billing
associate sees what a payer would reject and how to fix it before anything is sent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from claims.codesets import CodeSets, CodeStatus
from claims.model import Address, Claim, ClaimKind, Person, Provider
from claims.npi import npi_is_valid
from claims.rules import Finding, finding
from claims.scrub_cob import check_coordination, check_institutional
from claims.scrub_codes import check_diagnoses, check_lines
from edi.x12.defects import Severity

__all__ = ["scrub", "has_errors"]

_PO_BOX = re.compile(r"\b(P\.?\s*O\.?\s*BOX|POST\s+OFFICE\s+BOX|LOCK\s*BOX|LOCKBOX)\b", re.I)
_TAX_ID = re.compile(r"^\d{9}$")
_ZIP = re.compile(r"^(\d{5}|\d{9})$")
_FREQUENCIES = {ClaimKind.PROFESSIONAL: ("1", "7", "8"),
                # NUBC claim frequency codes (x12-domain 3.2)
                ClaimKind.INSTITUTIONAL: ("0", "1", "2", "3", "4", "5", "7", "8", "9", "Q")}
_RELATIONSHIPS = ("01", "19", "20", "21", "39", "40", "53", "G8")   # TR3 2000C PAT01
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def scrub(claim: Claim, code_sets: CodeSets, *, today: dt.date | None = None
          ) -> tuple[Finding, ...]:
    """Check ``claim`` against every rule; errors first, then warnings, then notes, each in
    the order the checks run (claim, dates, people, providers, codes, lines, COB)."""
    today = today or dt.date.today()
    findings: list[Finding] = []
    if code_sets.unconfigured:
        findings.append(finding("CS001", lists=", ".join(code_sets.unconfigured)))
    for check in (_check_claim(claim, code_sets), _check_dates(claim, today),
                  _check_people(claim), _check_providers(claim, code_sets),
                  check_diagnoses(claim, code_sets), check_lines(claim, code_sets, today),
                  check_coordination(claim), check_institutional(claim, code_sets, today)):
        findings.extend(check)
    findings.sort(key=lambda f: _ORDER[f.severity])
    return tuple(findings)


def has_errors(findings: tuple[Finding, ...]) -> bool:
    return any(f.severity == Severity.ERROR for f in findings)


def _check_claim(claim: Claim, codes: CodeSets) -> Iterator[Finding]:
    if claim.total_charge != claim.line_total:
        yield finding("CL001", total=claim.total_charge, lines=claim.line_total)
    if claim.total_charge <= 0:
        yield finding("CL002", total=claim.total_charge)
    pcn = claim.patient_control_number
    if len(pcn) > 20:
        yield finding("CL003", value=pcn)
    elif len(pcn) > 17:
        yield finding("CL004", value=pcn)
    allowed = _FREQUENCIES[claim.kind]
    if claim.frequency not in allowed:
        yield finding("CL005", value=claim.frequency, allowed=", ".join(allowed))
    if claim.frequency in ("7", "8") and not claim.payer_claim_number:
        what = "replacement claim" if claim.frequency == "7" else "void"
        yield finding("CL006", what=what, value=claim.frequency)
    if claim.frequency not in ("7", "8") and claim.payer_claim_number:
        yield finding("CL007")
    if claim.kind == ClaimKind.PROFESSIONAL:
        if codes.place(claim.place_of_service) in (CodeStatus.BAD_FORMAT, CodeStatus.UNKNOWN):
            yield finding("CL008", code=claim.place_of_service)
        if claim.institutional is not None:
            yield finding("IN007")
    if claim.accident and "AA" in claim.accident.causes and not claim.accident.state:
        yield finding("CL009")
    if claim.accident:
        for cause in claim.accident.causes:
            if cause not in ("AA", "EM", "OA"):
                yield finding("CL010", field="accident.causes", value=cause,
                              allowed="AA (auto), EM (employment) or OA (other accident)")
    for name, value, codes_allowed in (
            ("responsibility", claim.responsibility, "PSTABCDEFGHU"),
            ("assignment", claim.assignment, "ABC"),
            ("benefits_assigned", claim.benefits_assigned, "NWY"),
            ("release_of_information", claim.release_of_information, "IY")):
        if len(value) != 1 or value not in codes_allowed:
            yield finding("CL010", field=name, value=value, allowed=", ".join(codes_allowed))


def _check_dates(claim: Claim, today: dt.date) -> Iterator[Finding]:
    first = claim.first_service_date
    for field, date in (("onset_date", claim.onset_date),
                        ("accident.date", claim.accident.date if claim.accident else None)):
        if date is None:
            continue
        if date > today:
            yield finding("DT001", field=field, date=date.isoformat())
        elif first and date > first:
            yield finding("DT003", field=field, date=date.isoformat(), first=first.isoformat())
    for field, person in (("subscriber.birth_date", claim.subscriber.person),
                          ("patient.birth_date", claim.patient.person if claim.patient
                           else None)):
        if person is None or person.birth_date is None:
            continue
        if person.birth_date > today:
            yield finding("DT001", field=field, date=person.birth_date.isoformat())
        elif first and person.birth_date > first:
            yield finding("DT004", field=field, date=person.birth_date.isoformat(),
                          first=first.isoformat())


def _address_complete(address: Address | None) -> bool:
    if address is None or not (address.line1 and address.city):
        return False
    # State and ZIP are US (and Canadian) elements; elsewhere N404 names the country.
    if address.country in ("", "US", "USA"):
        return bool(address.state and _ZIP.match(address.postal_code))
    return True


def _person_needs(person: Person, field: str, who: str) -> Iterator[Finding]:
    if not _address_complete(person.address):
        yield finding("PR006", field=field, who=who)
    if person.birth_date is None:
        yield finding("PR007", field=f"{field}.birth_date", who=who, what="birth date")
    if person.sex == "U":
        yield finding("PR007", field=f"{field}.sex", who=who, what="sex (F or M)")


def _check_people(claim: Claim) -> Iterator[Finding]:
    # DMG, N3 and N4 are required for whoever is the patient: 2010BA when the subscriber is
    # the patient, 2010CA otherwise (TR3 2010BA DMG note, 2010CA).
    if claim.patient is None:
        yield from _person_needs(claim.subscriber.person, "subscriber", "The subscriber")
    else:
        yield from _person_needs(claim.patient.person, "patient", "The patient")
        if claim.patient.relationship not in _RELATIONSHIPS:
            yield finding("PR008", value=claim.patient.relationship)


def _providers(claim: Claim) -> Iterator[tuple[str, Provider]]:
    yield "billing_provider", claim.billing_provider
    for field in ("rendering_provider", "referring_provider", "service_facility"):
        provider = getattr(claim, field)
        if provider is not None:
            yield field, provider
    if claim.institutional and claim.institutional.attending:
        yield "institutional.attending", claim.institutional.attending


def _check_providers(claim: Claim, codes: CodeSets) -> Iterator[Finding]:
    for field, provider in _providers(claim):
        if not npi_is_valid(provider.npi):
            yield finding("PR001", field=field, value=provider.npi)
        if provider.taxonomy:
            status = codes.taxonomy_code(provider.taxonomy)
            if status == CodeStatus.BAD_FORMAT:
                yield finding("PR005", field=field, value=provider.taxonomy, problem="well-formed")
            elif status == CodeStatus.UNKNOWN:
                yield finding("PR005", field=field, value=provider.taxonomy, problem="listed")
    billing = claim.billing_provider
    if not _TAX_ID.match(billing.tax_id) or billing.tax_id_type not in ("EI", "SY"):
        yield finding("PR002")
    address = billing.address
    if address is None or not (address.line1 and address.city and address.state) \
            or not (len(address.postal_code) == 9 and address.postal_code.isdigit()):
        yield finding("PR003")
    elif _PO_BOX.search(address.line1) or _PO_BOX.search(address.line2):
        yield finding("PR004")
    facility = claim.service_facility
    if facility is not None:
        if not _address_complete(facility.address):
            yield finding("PR010")
    if claim.kind == ClaimKind.INSTITUTIONAL and claim.institutional is not None \
            and claim.institutional.attending is None:
        yield finding("PR009")
