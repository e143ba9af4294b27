"""Scrubber checks on the coded content: diagnoses and service lines (TR3 2300 HI, 2400).

Each function yields :class:`claims.rules.Finding` values; :func:`claims.scrubber.scrub` runs
them all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

from claims.codesets import ICD10CM_EDITION, CodeSets, CodeStatus
from claims.dx_edits import age_conflict, age_in_days, describe_age, sex_conflict
from claims.model import Claim, ClaimKind
from claims.rules import Finding, finding

__all__ = ["check_diagnoses", "check_lines"]

_REVENUE = re.compile(r"^\d{4}$")
_NDC_UNITS = frozenset({"F2", "GR", "ME", "ML", "UN"})
_UNIT_BASIS = {ClaimKind.PROFESSIONAL: ("UN", "MJ"), ClaimKind.INSTITUTIONAL: ("UN", "DA")}
# TR3 limits: 837P HI holds 12 codes; 837I 1 principal + 2 HI*ABF segments of 12.
_MAX_DX = {ClaimKind.PROFESSIONAL: 12, ClaimKind.INSTITUTIONAL: 25}
_MAX_LINES = {ClaimKind.PROFESSIONAL: 50, ClaimKind.INSTITUTIONAL: 999}


def check_diagnoses(claim: Claim, codes: CodeSets) -> Iterator[Finding]:
    if not claim.diagnoses:
        yield finding("DX001")
        return
    if len(claim.diagnoses) > _MAX_DX[claim.kind]:
        yield finding("DX004", count=len(claim.diagnoses), kind=claim.kind.value,
                      limit=_MAX_DX[claim.kind])
    first, last = claim.first_service_date, claim.last_service_date
    _, start, end = ICD10CM_EDITION
    if first and last and (first < start or last > end):
        dates = first.isoformat() if first == last else f"{first} to {last}"
        yield finding("CS002", dates=dates, edition=f"{ICD10CM_EDITION[0]}, "
                      f"{start.isoformat()} to {end.isoformat()}")
    person = claim.patient_person
    age = age_in_days(person.birth_date, first) if person.birth_date and first else None
    seen: set[str] = set()
    for i, dx in enumerate(claim.diagnoses):
        if dx.code in seen:
            yield finding("DX005", i=i, code=dx.code)
        seen.add(dx.code)
        status = codes.diagnosis(dx.code)
        if status in (CodeStatus.BAD_FORMAT, CodeStatus.UNKNOWN):
            yield finding("DX002", i=i, code=dx.code)
            continue
        if status == CodeStatus.NOT_BILLABLE:
            yield finding("DX003", i=i, code=dx.code)
            continue
        sex_edit = sex_conflict(dx.code, person.sex)
        if sex_edit:
            sex = "female" if person.sex == "F" else "male"
            yield finding("DX006", i=i, code=dx.code, why=sex_edit.why, sex=sex)
        if age is not None and age >= 0:
            age_edit = age_conflict(dx.code, age)
            if age_edit:
                yield finding("DX008" if age_edit.error else "DX007", i=i, code=dx.code,
                              why=age_edit.why, age=describe_age(age))


def _check_procedure(claim: Claim, i: int, code: str, codes: CodeSets) -> Iterator[Finding]:
    if not code:
        if claim.kind == ClaimKind.PROFESSIONAL:
            yield finding("LN016", i=i)
        return
    status = codes.procedure(code)
    if status == CodeStatus.BAD_FORMAT:
        yield finding("LN002", i=i, code=code)
    elif status == CodeStatus.UNKNOWN:
        yield finding("LN003", i=i, code=code, list="CPT" if code[0].isdigit() else "HCPCS")


def check_lines(claim: Claim, codes: CodeSets, today: dt.date) -> Iterator[Finding]:
    limit = _MAX_LINES[claim.kind]
    if len(claim.lines) > limit:
        yield finding("LN001", count=len(claim.lines), kind=claim.kind.value, limit=limit)
    controls: set[str] = set()
    for i, line in enumerate(claim.lines):
        yield from _check_procedure(claim, i, line.procedure_code, codes)
        for m, modifier in enumerate(line.modifiers):
            status = codes.modifier(modifier)
            if status == CodeStatus.BAD_FORMAT:
                yield finding("LN004", i=i, m=m, code=modifier)
            elif status == CodeStatus.UNKNOWN:
                yield finding("LN018", i=i, m=m, code=modifier,
                              list="CPT" if modifier.isdigit() else "HCPCS Level II")
        if line.charge <= 0:
            yield finding("LN007", i=i, amount=line.charge)
        if line.units <= 0:
            yield finding("LN008", i=i, units=line.units)
        allowed = _UNIT_BASIS[claim.kind]
        if line.unit_basis not in allowed:
            yield finding("LN017", i=i, value=line.unit_basis, allowed=" or ".join(allowed))
        yield from _check_pointers(claim, i)
        yield from _check_line_dates(claim, i, today)
        if line.line_control_number and line.line_control_number in controls:
            yield finding("LN010", i=i, value=line.line_control_number)
        controls.add(line.line_control_number)
        if line.ndc:
            if not (len(line.ndc) == 11 and line.ndc.isdigit()):
                yield finding("LN011", i=i, value=line.ndc)
            if not line.ndc_quantity or line.ndc_quantity <= Decimal(0) \
                    or line.ndc_unit not in _NDC_UNITS:
                yield finding("LN012", i=i)
        if claim.kind == ClaimKind.INSTITUTIONAL and not _REVENUE.match(line.revenue_code):
            yield finding("LN013", i=i, value=line.revenue_code)
        if line.place_of_service and codes.place(line.place_of_service) in (
                CodeStatus.BAD_FORMAT, CodeStatus.UNKNOWN):
            yield finding("LN014", i=i, code=line.place_of_service)


def _check_pointers(claim: Claim, i: int) -> Iterator[Finding]:
    line = claim.lines[i]
    if claim.kind != ClaimKind.PROFESSIONAL:
        return       # 837I lines carry no diagnosis pointers
    if not line.diagnosis_pointers:
        yield finding("LN006", i=i)
    seen: set[int] = set()
    for pointer in line.diagnosis_pointers:
        if not 1 <= pointer <= min(len(claim.diagnoses), 12):
            yield finding("LN005", i=i, pointer=pointer, count=len(claim.diagnoses))
        elif pointer in seen:
            yield finding("LN015", i=i, pointer=pointer)
        seen.add(pointer)


def _check_line_dates(claim: Claim, i: int, today: dt.date) -> Iterator[Finding]:
    line = claim.lines[i]
    if line.service_date is None:
        if claim.kind == ClaimKind.PROFESSIONAL:
            yield finding("LN009", i=i)
        return
    if line.service_date > today:
        yield finding("DT001", field=f"lines[{i}].service_date",
                      date=line.service_date.isoformat())
    end = line.service_date_end
    if end is not None:
        if end < line.service_date:
            yield finding("DT002", field=f"lines[{i}].service_date_end", end=end.isoformat(),
                          start=line.service_date.isoformat())
        elif end > today:
            yield finding("DT001", field=f"lines[{i}].service_date_end", date=end.isoformat())
