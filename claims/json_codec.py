"""Claim JSON in and out (the schema is documented in docs/claim-json.md).

``claim_from_json`` accepts what a practice system or a CSV import produces: amounts as strings
or numbers, dates as ``YYYY-MM-DD``, codes with or without the ICD-10 dot. It refuses anything
it cannot read with a :class:`ClaimInputError` naming the JSON path. ``claim_to_json`` writes
the canonical form, and reading it back gives an equal claim.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from claims.json_fields import ClaimInputError, Fields
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
    line_control_number_for,
    money,
)

__all__ = ["claim_from_json", "claim_to_json", "ClaimInputError", "adjudication_from_json",
           "adjudication_to_json"]

_ADDRESS = frozenset({"line1", "line2", "city", "state", "postal_code", "country"})
_PROVIDER = frozenset({"npi", "last_name", "first_name", "middle_name", "organization",
                       "taxonomy", "tax_id", "tax_id_type", "address"})
_PERSON = frozenset({"last_name", "first_name", "middle_name", "suffix", "birth_date", "sex",
                     "address"})
_SUBSCRIBER = _PERSON | {"member_id", "group_number", "group_name", "insurance_type",
                         "claim_filing_indicator"}
_PATIENT = _PERSON | {"relationship"}
_PAYER = frozenset({"name", "payer_id", "address"})
_DIAGNOSIS = frozenset({"code", "present_on_admission"})
_LINE = frozenset({"procedure_code", "charge", "units", "service_date", "service_date_end",
                   "modifiers", "diagnosis_pointers", "line_control_number", "unit_basis",
                   "place_of_service", "description", "revenue_code", "non_covered_charge",
                   "ndc", "ndc_quantity", "ndc_unit"})
_ACCIDENT = frozenset({"causes", "state", "country", "date"})
_ADJUSTMENT = frozenset({"group", "reason", "amount", "quantity"})
_LINE_ADJ = frozenset({"line_control_number", "procedure_code", "paid_amount", "paid_units",
                       "modifiers", "adjustments", "allowed_amount", "revenue_code",
                       "paid_date"})
_ADJUDICATION = frozenset({"payer", "paid_amount", "paid_date", "claim_adjustments", "lines",
                           "payer_claim_number", "patient_responsibility"})
_COVERAGE = frozenset({"payer", "subscriber", "responsibility", "relationship",
                       "adjudication"})
_INSTITUTIONAL = frozenset({
    "type_of_bill", "statement_from", "statement_to", "admission_type", "admission_source",
    "patient_status", "admission_date", "admission_hour", "discharge_hour",
    "admitting_diagnosis", "principal_procedure", "other_procedures", "occurrences", "values",
    "conditions", "attending"})
_CLAIM = frozenset({
    "kind", "patient_control_number", "total_charge", "billing_provider", "subscriber",
    "payer", "lines", "diagnoses", "patient", "responsibility", "frequency",
    "payer_claim_number", "place_of_service", "rendering_provider", "referring_provider",
    "service_facility", "onset_date", "prior_authorization", "accident", "provider_signature",
    "assignment", "benefits_assigned", "release_of_information", "other_coverages",
    "institutional", "notes", "metadata"})

# Hard limits of the 837 itself (TR3 2300 HI max 12 codes on 837P, 2400 repeat 50 / 999).
# Beyond them a claim cannot be represented at all, so the codec refuses; softer checks are
# the scrubber's job.
_MAX_LINES = {ClaimKind.PROFESSIONAL: 50, ClaimKind.INSTITUTIONAL: 999}
_MAX_DIAGNOSES = {ClaimKind.PROFESSIONAL: 12, ClaimKind.INSTITUTIONAL: 25}


def _address(f: Fields | None) -> Address | None:
    if f is None:
        return None
    return Address(line1=f.text("line1", None, max_len=55), line2=f.text("line2", max_len=55),
                   city=f.text("city", None, max_len=30), state=f.text("state", upper=True),
                   postal_code=f.text("postal_code", None, max_len=15).replace("-", ""),
                   country=f.text("country", upper=True, max_len=3))


def _provider(f: Fields | None) -> Provider | None:
    if f is None:
        return None
    return Provider(
        npi=f.text("npi", None, max_len=10), last_name=f.text("last_name", None),
        first_name=f.text("first_name", max_len=35), middle_name=f.text("middle_name",
                                                                         max_len=25),
        organization=f.flag("organization", False), taxonomy=f.text("taxonomy", upper=True),
        tax_id=f.text("tax_id", max_len=15).replace("-", ""),
        tax_id_type=f.text("tax_id_type", "EI", upper=True),
        address=_address(f.child("address", _ADDRESS)))


def _person(f: Fields) -> Person:
    sex = f.text("sex", "U", upper=True)
    if sex not in Sex.__members__.values():
        raise ClaimInputError(f.at("sex"), f'"{sex}" is not F, M or U')
    return Person(last_name=f.text("last_name", None), first_name=f.text("first_name",
                                                                         max_len=35),
                  middle_name=f.text("middle_name", max_len=25),
                  suffix=f.text("suffix", max_len=10), birth_date=f.date("birth_date"),
                  sex=Sex(sex), address=_address(f.child("address", _ADDRESS)))


def _subscriber(f: Fields) -> Subscriber:
    return Subscriber(person=_person(f), member_id=f.text("member_id", None, max_len=80),
                      group_number=f.text("group_number", max_len=50),
                      group_name=f.text("group_name"),
                      insurance_type=f.text("insurance_type", upper=True, max_len=3),
                      claim_filing_indicator=f.text("claim_filing_indicator", "CI",
                                                    upper=True, max_len=2))


def _payer(f: Fields) -> Payer:
    return Payer(name=f.text("name", None), payer_id=f.text("payer_id", None, max_len=80),
                 address=_address(f.child("address", _ADDRESS)))


def _require(parent: Fields, key: str, allowed: frozenset[str]) -> Fields:
    child = parent.child(key, allowed)
    if child is None:
        raise ClaimInputError(parent.at(key), "is required")
    return child


def _diagnosis(path: str, item: Any) -> Diagnosis:
    if isinstance(item, str):
        item = {"code": item}
    f = Fields(item, path, _DIAGNOSIS)
    code = f.text("code", None, max_len=8, upper=True).replace(".", "")
    return Diagnosis(code=code, present_on_admission=f.text("present_on_admission",
                                                            upper=True, max_len=1))


def _pointers(f: Fields) -> tuple[int, ...]:
    out = []
    for path, item in f.items("diagnosis_pointers", max_items=4):
        if isinstance(item, bool) or not isinstance(item, int):
            raise ClaimInputError(path, f"{item!r} is not a diagnosis number (1-12)")
        out.append(item)
    return tuple(out)


def _line(path: str, item: Any, index: int, pcn: str) -> ServiceLine:
    f = Fields(item, path, _LINE)
    return ServiceLine(
        procedure_code=f.text("procedure_code", max_len=48, upper=True),
        charge=f.amount("charge", required=True),
        units=f.quantity("units", Decimal(1)),
        service_date=f.date("service_date"), service_date_end=f.date("service_date_end"),
        modifiers=f.texts("modifiers", max_items=4, max_len=2),
        diagnosis_pointers=_pointers(f),
        line_control_number=f.text("line_control_number", max_len=30)
        or line_control_number_for(pcn, index),
        unit_basis=f.text("unit_basis", "UN", upper=True, max_len=2),
        place_of_service=f.text("place_of_service", max_len=2),
        description=f.text("description", max_len=80),
        revenue_code=f.text("revenue_code", max_len=4),
        non_covered_charge=f.amount("non_covered_charge"),
        ndc=_ndc11(f.text("ndc", max_len=13)), ndc_quantity=f.quantity("ndc_quantity"),
        ndc_unit=f.text("ndc_unit", upper=True, max_len=2))


def _ndc11(text: str) -> str:
    """An NDC as the 11 digits the 837 wants (TR3 2410 LIN03).

    Packages print 10-digit NDCs in three dashed shapes (4-4-2, 5-3-2, 5-4-1); padding each
    part to 5-4-2 with a leading zero gives the 11-digit form. Undashed text is kept as is
    for the scrubber to judge.
    """
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return parts[0].zfill(5) + parts[1].zfill(4) + parts[2].zfill(2)
    return text


def _adjustments(f: Fields, key: str) -> tuple[Adjustment, ...]:
    out = []
    for path, item in f.items(key):
        a = Fields(item, path, _ADJUSTMENT)
        out.append(Adjustment(group=a.text("group", None, upper=True, max_len=2),
                              reason=a.text("reason", None, upper=True, max_len=5),
                              amount=a.amount("amount", required=True),
                              quantity=a.quantity("quantity")))
    return tuple(out)


def adjudication_from_json(data: Mapping[str, Any], path: str = "") -> PriorPayerAdjudication:
    """A prior payer's adjudication from its JSON object (see docs/claim-json.md)."""
    f = Fields(data, path, _ADJUDICATION)
    lines = []
    for lpath, item in f.items("lines"):
        lf = Fields(item, lpath, _LINE_ADJ)
        lines.append(LineAdjudication(
            line_control_number=lf.text("line_control_number", None, max_len=30),
            procedure_code=lf.text("procedure_code", None, upper=True, max_len=48),
            paid_amount=lf.amount("paid_amount", required=True),
            paid_units=lf.quantity("paid_units", Decimal(1)),
            modifiers=lf.texts("modifiers", max_items=4, max_len=2),
            adjustments=_adjustments(lf, "adjustments"),
            allowed_amount=lf.amount("allowed_amount"),
            revenue_code=lf.text("revenue_code", max_len=4), paid_date=lf.date("paid_date")))
    return PriorPayerAdjudication(
        payer=_payer(_require(f, "payer", _PAYER)),
        paid_amount=f.amount("paid_amount", required=True),
        paid_date=f.date("paid_date", required=True),
        claim_adjustments=_adjustments(f, "claim_adjustments"), lines=tuple(lines),
        payer_claim_number=f.text("payer_claim_number", max_len=50),
        patient_responsibility=f.amount("patient_responsibility"))


def _coverage(path: str, item: Any) -> OtherCoverage:
    f = Fields(item, path, _COVERAGE)
    adjudication = f.raw("adjudication")
    return OtherCoverage(
        payer=_payer(_require(f, "payer", _PAYER)),
        subscriber=_subscriber(_require(f, "subscriber", _SUBSCRIBER)),
        responsibility=f.text("responsibility", None, upper=True, max_len=1),
        relationship=f.text("relationship", "18", upper=True, max_len=2),
        adjudication=None if adjudication is None
        else adjudication_from_json(adjudication, f.at("adjudication")))


def _institutional(f: Fields | None) -> Institutional | None:
    if f is None:
        return None

    def procedure(path: str, item: Any) -> Procedure:
        p = Fields(item, path, frozenset({"code", "date"}))
        return Procedure(code=p.text("code", None, upper=True, max_len=7).replace(".", ""),
                         date=p.date("date", required=True))

    principal = f.raw("principal_procedure")
    occurrences = []
    for path, item in f.items("occurrences", max_items=24):
        o = Fields(item, path, frozenset({"code", "date"}))
        occurrences.append(CodedDate(o.text("code", None, upper=True, max_len=2),
                                     o.date("date", required=True)))
    values = []
    for path, item in f.items("values", max_items=24):
        v = Fields(item, path, frozenset({"code", "amount"}))
        values.append(CodedAmount(v.text("code", None, upper=True, max_len=2),
                                  v.amount("amount", required=True)))
    return Institutional(
        type_of_bill=f.text("type_of_bill", None, max_len=4).lstrip("0").rjust(3, "0")[:3],
        statement_from=f.date("statement_from", required=True),
        statement_to=f.date("statement_to", required=True),
        admission_type=f.text("admission_type", max_len=1),
        admission_source=f.text("admission_source", upper=True, max_len=1),
        patient_status=f.text("patient_status", "01", max_len=2),
        admission_date=f.date("admission_date"), admission_hour=f.text("admission_hour",
                                                                       max_len=4),
        discharge_hour=f.text("discharge_hour", max_len=4),
        admitting_diagnosis=f.text("admitting_diagnosis", upper=True, max_len=8).replace(".",
                                                                                          ""),
        principal_procedure=None if principal is None
        else procedure(f.at("principal_procedure"), principal),
        other_procedures=tuple(procedure(p, i) for p, i in f.items("other_procedures",
                                                                    max_items=24)),
        occurrences=tuple(occurrences), values=tuple(values),
        conditions=f.texts("conditions", max_items=24, max_len=2),
        attending=_provider(f.child("attending", _PROVIDER)))


def claim_from_json(data: Mapping[str, Any]) -> Claim:
    """Read one claim object; raise :class:`ClaimInputError` naming the first bad field."""
    f = Fields(data, "", _CLAIM)
    kind_text = f.text("kind", "professional").lower()
    if kind_text not in ClaimKind.__members__.values():
        raise ClaimInputError("kind", f'"{kind_text}" is not professional or institutional')
    kind = ClaimKind(kind_text)
    pcn = f.text("patient_control_number", None, max_len=38)
    line_items = f.items("lines", max_items=_MAX_LINES[kind])
    if not line_items:
        raise ClaimInputError("lines", "a claim needs at least one service line")
    lines = tuple(_line(path, item, i, pcn) for i, (path, item) in enumerate(line_items, 1))
    place = f.text("place_of_service", "11", max_len=2)
    # A line place of service equal to the claim's is the claim's: SV105 is sent only when
    # it differs from CLM05-1.
    lines = tuple(replace(line, place_of_service="") if line.place_of_service == place
                  else line for line in lines)
    diagnoses = tuple(_diagnosis(p, i) for p, i in f.items("diagnoses",
                                                          max_items=_MAX_DIAGNOSES[kind]))
    total = f.amount("total_charge")
    patient = f.child("patient", _PATIENT)
    accident = f.child("accident", _ACCIDENT)
    metadata = f.raw("metadata") or {}
    if not isinstance(metadata, Mapping):
        raise ClaimInputError("metadata", "expected an object of text values")
    return Claim(
        kind=kind, patient_control_number=pcn,
        total_charge=total if total is not None else money(sum(ln.charge for ln in lines)),
        billing_provider=_provider(_require(f, "billing_provider", _PROVIDER)),
        subscriber=_subscriber(_require(f, "subscriber", _SUBSCRIBER)),
        payer=_payer(_require(f, "payer", _PAYER)), lines=lines, diagnoses=diagnoses,
        patient=None if patient is None else Patient(
            person=_person(patient), relationship=patient.text("relationship", "19",
                                                               upper=True, max_len=2)),
        responsibility=f.text("responsibility", "P", upper=True, max_len=1),
        frequency=f.text("frequency", "1", upper=True, max_len=1),
        payer_claim_number=f.text("payer_claim_number", max_len=50),
        place_of_service=place,
        rendering_provider=_provider(f.child("rendering_provider", _PROVIDER)),
        referring_provider=_provider(f.child("referring_provider", _PROVIDER)),
        service_facility=_provider(f.child("service_facility", _PROVIDER)),
        onset_date=f.date("onset_date"),
        prior_authorization=f.text("prior_authorization", max_len=50),
        accident=None if accident is None else Accident(
            causes=accident.texts("causes", max_items=3, max_len=3),
            state=accident.text("state", upper=True, max_len=2),
            country=accident.text("country", upper=True, max_len=3),
            date=accident.date("date")),
        provider_signature=f.flag("provider_signature", True),
        assignment=f.text("assignment", "A", upper=True, max_len=1),
        benefits_assigned=f.text("benefits_assigned", "Y", upper=True, max_len=1),
        release_of_information=f.text("release_of_information", "Y", upper=True, max_len=1),
        other_coverages=tuple(_coverage(p, i) for p, i in f.items("other_coverages",
                                                                 max_items=10)),
        institutional=_institutional(f.child("institutional", _INSTITUTIONAL)),
        notes=f.text("notes", max_len=80),
        metadata=tuple(sorted((str(k), str(v)) for k, v in metadata.items())))


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Sex | ClaimKind):
        return value.value
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if isinstance(value, Subscriber | Patient):
        flat = _encode_fields(value.person)
        rest = _encode_fields(value)
        rest.pop("person")
        return flat | rest
    if dataclasses.is_dataclass(value):
        return _encode_fields(value)
    return value


def _encode_fields(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fld in dataclasses.fields(obj):
        value = getattr(obj, fld.name)
        if fld.default is not dataclasses.MISSING and value == fld.default \
                and fld.name != "total_charge":
            continue
        if fld.name == "metadata":
            if value:
                out["metadata"] = dict(value)
            continue
        out[fld.name] = _encode(value)
    return out


def _encode_diagnosis(d: Diagnosis) -> Any:
    return {"code": d.code, "present_on_admission": d.present_on_admission} \
        if d.present_on_admission else d.code


def claim_to_json(claim: Claim) -> dict[str, Any]:
    """The canonical JSON object for ``claim``; ``claim_from_json`` reads it back equal.

    Fields at their default value are left out, amounts are strings with two decimals so no
    floating-point rounding can creep in, and diagnoses without a POA flag are bare codes.
    """
    out = _encode_fields(claim)
    out["diagnoses"] = [_encode_diagnosis(d) for d in claim.diagnoses]
    out["kind"] = claim.kind.value
    return out


def adjudication_to_json(adjudication: PriorPayerAdjudication) -> dict[str, Any]:
    """The JSON object for a prior payer's adjudication (the ``adjudication`` of a coverage)."""
    return _encode_fields(adjudication)
