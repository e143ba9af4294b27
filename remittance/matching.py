"""Matching remittance claims and lines to what we billed (x12-domain.md 6.5, 7.4).

Pure functions over :class:`ClaimSnapshot` values, so the rules are testable without a
database. A claim payment is matched, in order, by CLP01 (our CLM01), CLP07 (the payer's claim
number we stored from a 277CA or an earlier 835), a line's REF*6R, and finally by patient name,
service dates and total charge when exactly one claim fits. A service line is matched by
REF*6R, then by the procedure code we sent (SVC06 when the payer restated it, else SVC01) with
its modifiers, date and charge, then with fewer of those, so a payer that changed the code or
dropped a modifier still finds the line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from edi.parsers.remit835 import ClaimPayment, Remittance, ServicePayment

__all__ = ["DEFAULT_FILING_DAYS", "ClaimIndex", "ClaimSnapshot", "LineMatch", "LineSnapshot", "MatchMethod",
           "match_claim", "match_lines", "payer_key", "remittance_payer_keys"]

#: Medicare fee-for-service files within one calendar year of the date of service
#: (x12-domain.md 10.3); the limit for a payer whose own rule is not on file.
DEFAULT_FILING_DAYS = 365


class MatchMethod(StrEnum):
    PATIENT_CONTROL_NUMBER = "clp01"
    PAYER_CLAIM_NUMBER = "clp07"
    LINE_CONTROL_NUMBER = "ref_6r"
    PATIENT_DATES_CHARGE = "patient_dates_charge"
    PROCEDURE = "procedure"                    # code + modifiers + date + charge
    PROCEDURE_WITHOUT_MODIFIERS = "procedure_without_modifiers"
    CHARGE_AND_DATE = "charge_and_date"        # the payer changed the code without SVC06
    CLAIM_LEVEL = "claim_level"                # no 2110 loops: the whole claim
    ASSIGNED = "assigned"                      # a person chose the claim (unmatched queue)
    NONE = "unmatched"


@dataclass(frozen=True, slots=True)
class LineSnapshot:
    line_id: int
    line_number: int
    line_control_number: str
    procedure_code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    units: Decimal
    service_date: dt.date | None
    revenue_code: str = ""         # 837I SV201


@dataclass(frozen=True, slots=True)
class ClaimSnapshot:
    """What posting needs to know about one of our claims."""

    claim_id: int
    patient_control_number: str
    payer_claim_number: str
    total_charge: Decimal
    service_from: dt.date | None
    service_to: dt.date | None
    lines: tuple[LineSnapshot, ...]
    patient_last_name: str = ""
    patient_first_name: str = ""
    member_id: str = ""
    status: str = ""
    payer_name: str = ""
    payer_identifier: str = ""
    has_secondary: bool = False
    appeal_days: int = 120
    #: Days from the date of service to file (payer rule, x12-domain.md 10.3).
    timely_filing_days: int = DEFAULT_FILING_DAYS
    kind: str = "professional"     # "professional" | "institutional"
    #: :func:`payer_key` of the ids and names of every payer billed for this claim or on the
    #: patient's policies; empty when unknown (then any payer is accepted).
    payer_keys: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class LineMatch:
    service: ServicePayment
    line: LineSnapshot | None
    method: MatchMethod


def _norm(text: str) -> str:
    return text.strip().upper()


#: What payer_key drops: ``\\W`` is every character that is not ``str.isalnum`` but ``_``.
_NOT_ALNUM = re.compile(r"[\W_]+")


def payer_key(text: str | None) -> str:
    """A payer id or name compared loosely: upper case, letters and digits only."""
    return _NOT_ALNUM.sub("", text.upper()) if text else ""


def remittance_payer_keys(remit: Remittance) -> frozenset[str]:
    """What a remittance calls its payer: N1*PR name and N104, REF*2U/EO/HI/NF, TRN03."""
    values = [remit.payer.name, remit.payer.identifier, remit.trace.originator,
              remit.payment.payer_identifier]
    values += [r.value for r in remit.payer.references]
    return frozenset(payer_key(v) for v in values) - {""}


class ClaimIndex:
    """Lookups over a set of claim snapshots."""

    def __init__(self, claims: Iterable[ClaimSnapshot]) -> None:
        self.by_pcn: dict[str, ClaimSnapshot] = {}
        self.by_icn: dict[str, ClaimSnapshot] = {}
        self.by_line: dict[str, ClaimSnapshot] = {}
        self.by_name: dict[str, list[ClaimSnapshot]] = defaultdict(list)
        for claim in claims:
            self.by_pcn[_norm(claim.patient_control_number)] = claim
            if claim.payer_claim_number:
                self.by_icn[_norm(claim.payer_claim_number)] = claim
            for line in claim.lines:
                if line.line_control_number:
                    self.by_line[_norm(line.line_control_number)] = claim
            if claim.patient_last_name:
                self.by_name[_norm(claim.patient_last_name)].append(claim)

    def __len__(self) -> int:
        return len(self.by_pcn)


def _dates(payment: ClaimPayment) -> list[dt.date]:
    found = [d for d in (s.service_date for s in payment.services) if d]
    start, end = payment.statement_period
    return found + [d for d in (start, end) if d]


def match_claim(payment: ClaimPayment, index: ClaimIndex
                ) -> tuple[ClaimSnapshot | None, MatchMethod]:
    claim = index.by_pcn.get(_norm(payment.patient_control_number))
    if claim is not None:
        return claim, MatchMethod.PATIENT_CONTROL_NUMBER
    if payment.payer_claim_number:
        claim = index.by_icn.get(_norm(payment.payer_claim_number))
        if claim is not None:
            return claim, MatchMethod.PAYER_CLAIM_NUMBER
    for svc in payment.services:
        ref = svc.line_control_number
        if ref and _norm(ref) in index.by_line:
            return index.by_line[_norm(ref)], MatchMethod.LINE_CONTROL_NUMBER
    patient = payment.patient
    if patient is None or not patient.name:
        return None, MatchMethod.NONE
    charge = abs(payment.charge)
    dates = _dates(payment)
    fits = []
    for candidate in index.by_name.get(_norm(patient.name), ()):
        if candidate.total_charge != charge:
            continue
        if patient.first_name and candidate.patient_first_name and \
                _norm(patient.first_name)[:1] != _norm(candidate.patient_first_name)[:1]:
            continue
        lo, hi = candidate.service_from, candidate.service_to
        if dates and lo and hi and not all(lo <= d <= hi for d in dates):
            continue
        fits.append(candidate)
    if len(fits) == 1:
        return fits[0], MatchMethod.PATIENT_DATES_CHARGE
    return None, MatchMethod.NONE


def _fits(svc: ServicePayment, line: LineSnapshot, modifiers: bool, charge: bool,
          code: bool = True) -> bool:
    billed = svc.billed_procedure
    if code and billed.qualifier == "NU":
        # Institutional lines reported by revenue code alone (SVC01 NU) carry no procedure.
        if billed.code.lstrip("0") != line.revenue_code.lstrip("0") or not line.revenue_code:
            return False
    elif code and billed.code.upper() != line.procedure_code.upper():
        # Some payers glue the modifiers onto the code (7-character SVC01-2, OpenEMR notes).
        glued = line.procedure_code + "".join(line.modifiers)
        if billed.code.upper() != glued.upper():
            return False
    if modifiers and tuple(m.upper() for m in billed.modifiers) != \
            tuple(m.upper() for m in line.modifiers):
        return False
    date = svc.service_date
    if date and line.service_date and date != line.service_date:
        return False
    return not charge or abs(svc.charge) == line.charge


def match_lines(payment: ClaimPayment, claim: ClaimSnapshot) -> tuple[LineMatch, ...]:
    """One :class:`LineMatch` per 2110 loop; ``line`` is ``None`` when nothing fits."""
    lines = claim.lines
    by_ref = {_norm(line.line_control_number): line for line in lines
              if line.line_control_number}
    used: set[int] = set()
    out: list[LineMatch] = []
    passes: Sequence[tuple[MatchMethod, dict[str, bool]]] = (
        (MatchMethod.PROCEDURE, {"modifiers": True, "charge": True}),
        (MatchMethod.PROCEDURE, {"modifiers": True, "charge": False}),
        (MatchMethod.PROCEDURE_WITHOUT_MODIFIERS, {"modifiers": False, "charge": True}),
        (MatchMethod.PROCEDURE_WITHOUT_MODIFIERS, {"modifiers": False, "charge": False}),
        (MatchMethod.CHARGE_AND_DATE, {"modifiers": False, "charge": True, "code": False}),
    )
    for svc in payment.services:
        ref = svc.line_control_number
        line = by_ref.get(_norm(ref)) if ref else None
        method = MatchMethod.LINE_CONTROL_NUMBER
        if line is None:
            method = MatchMethod.NONE
            for pass_method, flags in passes:
                free = [ln for ln in lines if ln.line_id not in used and _fits(svc, ln, **flags)]
                if len(free) >= 1 and (pass_method is not MatchMethod.CHARGE_AND_DATE
                                       or len(free) == 1):
                    line, method = free[0], pass_method
                    break
            if line is None:
                # A line the payer split into several SVC loops (units split, RFI 1507) maps
                # back to the one line already matched with the same code.
                again = [ln for ln in lines if _fits(svc, ln, modifiers=False, charge=False)]
                if len(again) == 1:
                    line, method = again[0], MatchMethod.PROCEDURE_WITHOUT_MODIFIERS
        if line is not None:
            used.add(line.line_id)
        out.append(LineMatch(svc, line, method))
    return tuple(out)
