"""Inbound 837: the edi-level reader's TR3-shaped values turned into claim-model values.

A clearinghouse receiving 837s, or a test proving that a sample survives model -> 837 -> model,
calls :func:`claims_from_837`. What an 837 we build cannot carry does not come back: a
subscriber's birth date and sex when someone else is the patient (2010BA DMG is sent only for
the patient), the rendering provider's taxonomy on an 837I (2310D has no PRV), prior payers'
allowed amounts (the 2430 has no place for them), a service facility that is the billing
provider at its own address (2310C is not sent then) and practice-system metadata. Reading
other senders' files, segments the claim model has no field for (837I reason-for-visit,
external-cause and DRG codes, ambulance and DME segments, PWK attachments...) are not kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal, InvalidOperation

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
from edi.errors import X12Error
from edi.parsers.claim837 import (
    CasAdjustment,
    Claim837,
    CodedValue,
    Entity,
    OtherSubscriber837,
    ServiceLine837,
    read_837,
)
from edi.parsers.remit835_values import ccyymmdd

__all__ = ["claims_from_837", "Inbound837Error"]


class Inbound837Error(ValueError):
    """An 837 that cannot become claims; the message names the file, claim and segment."""


def _get(values: tuple[str, ...], n: int) -> str:
    return values[n - 1] if 0 < n <= len(values) else ""


def _find(values: tuple[CodedValue, ...], qualifier: str) -> CodedValue | None:
    return next((v for v in values if v.qualifier == qualifier), None)


def _d8(text: str) -> dt.date:
    """The CCYYMMDD date that starts ``text`` (a D8, or the date part of a DT)."""
    date = ccyymmdd(text[:8])
    if date is None:
        raise Inbound837Error(f"{text!r} is not a date CCYYMMDD")
    return date


def _address(e: Entity) -> Address | None:
    if not e.address_lines:
        return None
    return Address(line1=e.address_lines[0], line2=_get(e.address_lines, 2), city=e.city,
                   state=e.state, postal_code=e.postal_code, country=e.country)


def _provider(e: Entity) -> Provider:
    tax = next((r for r in e.refs if r.qualifier in ("EI", "SY")), None)
    return Provider(npi=e.identifier, last_name=e.last_name, first_name=e.first_name,
                    middle_name=e.middle_name, organization=e.entity_type == "2",
                    taxonomy=e.taxonomy, tax_id=tax.value if tax else "",
                    tax_id_type=tax.qualifier if tax else "EI", address=_address(e))


def _person(e: Entity) -> Person:
    sex = Sex(e.sex) if e.sex in ("F", "M", "U") else Sex.UNKNOWN
    return Person(last_name=e.last_name, first_name=e.first_name, middle_name=e.middle_name,
                  suffix=e.suffix, birth_date=e.birth_date, sex=sex, address=_address(e))


def _subscriber(e: Entity, sbr: tuple[str, ...]) -> Subscriber:
    return Subscriber(person=_person(e), member_id=e.identifier, group_number=_get(sbr, 3),
                      group_name=_get(sbr, 4), insurance_type=_get(sbr, 5),
                      claim_filing_indicator=_get(sbr, 9))


def _payer(e: Entity) -> Payer:
    return Payer(name=e.last_name, payer_id=e.identifier, address=_address(e))


def _adjustments(items: tuple[CasAdjustment, ...]) -> tuple[Adjustment, ...]:
    return tuple(Adjustment(a.group, a.reason, money(a.amount), a.quantity) for a in items)


def _amount(value: CodedValue | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return money(value.value)
    except InvalidOperation:
        raise Inbound837Error(f"AMT*{value.qualifier}: {value.value!r} is not an amount") \
            from None


def _line(line: ServiceLine837, index: int, pcn: str, claim_pos: str) -> ServiceLine:
    proc = line.procedure
    date = _find(line.dates, "472")
    start = end = None
    if date is not None:
        start = _d8(date.value)
        if date.format == "RD8":
            end = _d8(date.value.split("-")[1])
    control = _find(line.refs, "6R")
    return ServiceLine(
        procedure_code=_get(proc, 2), charge=money(line.charge),
        units=line.units if line.units is not None else Decimal(1),
        service_date=start, service_date_end=end, modifiers=tuple(m for m in proc[2:6] if m),
        diagnosis_pointers=tuple(int(p) for p in line.diagnosis_pointers if p.isdigit()),
        line_control_number=control.value if control else line_control_number_for(pcn, index),
        unit_basis=line.unit_basis or "UN",
        place_of_service=line.place_of_service if line.place_of_service != claim_pos else "",
        description=_get(proc, 7), revenue_code=line.revenue_code,
        non_covered_charge=money(line.non_covered) if line.non_covered is not None else None,
        ndc=line.ndc, ndc_quantity=line.ndc_quantity, ndc_unit=line.ndc_unit)


def _coverage(c: Claim837, other: OtherSubscriber837, lines: tuple[ServiceLine, ...]
              ) -> OtherCoverage:
    if other.payer is None or other.subscriber is None:
        raise Inbound837Error("a 2320 other-subscriber loop lacks its 2330A or 2330B name")
    payer = _payer(other.payer)
    adjudication = None
    paid = _amount(_find(other.amounts, "D"))
    if paid is not None:
        paid_date = _find(other.payer_dates, "573")
        line_adjudications = []
        for line837, line in zip(c.lines, lines, strict=True):
            for svd in line837.adjudications:
                if svd.payer_id != payer.payer_id:
                    continue
                svd_date = _find(svd.dates, "573")
                when = _d8(svd_date.value) if svd_date else None
                line_adjudications.append(LineAdjudication(
                    line_control_number=line.line_control_number,
                    procedure_code=_get(svd.procedure, 2),
                    paid_amount=money(svd.paid),
                    paid_units=svd.units if svd.units is not None else Decimal(1),
                    modifiers=tuple(m for m in svd.procedure[2:6] if m),
                    adjustments=_adjustments(svd.adjustments), revenue_code=svd.revenue_code,
                    paid_date=when))
        claim_date = _d8(paid_date.value) if paid_date else next(
            (la.paid_date for la in line_adjudications if la.paid_date), None)
        if claim_date is None:
            raise Inbound837Error(f"other payer {payer.payer_id}: AMT*D without a payment date "
                                  "(2330B DTP*573)")
        # A line date equal to the claim's payment date was filled in by the builder.
        line_adjudications = [la if la.paid_date != claim_date else replace(la, paid_date=None)
                              for la in line_adjudications]
        control = _find(other.payer_refs, "F8")
        adjudication = PriorPayerAdjudication(
            payer=payer, paid_amount=paid, paid_date=claim_date,
            claim_adjustments=_adjustments(other.adjustments), lines=tuple(line_adjudications),
            payer_claim_number=control.value if control else "",
            patient_responsibility=_amount(_find(other.amounts, "EAF")))
    return OtherCoverage(payer=payer, subscriber=_subscriber(other.subscriber, other.sbr),
                         responsibility=_get(other.sbr, 1),
                         relationship=_get(other.sbr, 2) or "18", adjudication=adjudication)


def _institutional(c: Claim837, attending: Provider | None) -> Institutional:
    statement = _find(c.dates, "434")
    if statement is None:
        raise Inbound837Error("the institutional claim has no statement dates (DTP*434)")
    start, _, end = statement.value.partition("-")
    admission = _find(c.dates, "435")
    discharge = _find(c.dates, "096")
    codes = c.health_codes

    def of(*qualifiers: str) -> list:
        return [h for h in codes if h.qualifier in qualifiers]

    principal = of("BBR")
    admitting = of("ABJ")
    return Institutional(
        type_of_bill=_get(c.clm05, 1) + _get(c.clm05, 3), statement_from=_d8(start),
        statement_to=_d8(end or start), admission_type=_get(c.cl1, 1),
        admission_source=_get(c.cl1, 2), patient_status=_get(c.cl1, 3),
        admission_date=_d8(admission.value) if admission else None,
        admission_hour=admission.value[8:12] if admission and admission.format == "DT" else "",
        discharge_hour=discharge.value if discharge else "",
        admitting_diagnosis=admitting[0].code if admitting else "",
        principal_procedure=Procedure(principal[0].code, _d8(principal[0].date))
        if principal else None,
        other_procedures=tuple(Procedure(h.code, _d8(h.date)) for h in of("BBQ")),
        occurrences=tuple(CodedDate(h.code, _d8(h.date)) for h in of("BH")),
        values=tuple(CodedAmount(h.code, money(h.amount or "0")) for h in of("BE")),
        conditions=tuple(h.code for h in of("BG")), attending=attending)


def _claim(c: Claim837) -> Claim:
    if c.implementation.startswith("005010X223"):
        kind = ClaimKind.INSTITUTIONAL
    elif c.implementation.startswith("005010X222"):
        kind = ClaimKind.PROFESSIONAL
    else:
        raise Inbound837Error(f"implementation guide {c.implementation!r} is not 837P X222 or "
                              "837I X223")
    pcn = _get(c.clm, 1)
    professional = kind == ClaimKind.PROFESSIONAL
    claim_pos = _get(c.clm05, 1) if professional else ""
    lines = tuple(_line(line, i, pcn, claim_pos) for i, line in enumerate(c.lines, 1))
    providers = {p.entity: _provider(p) for p in c.providers}
    accident_date = _find(c.dates, "439")
    causes = tuple(x for x in c.clm11[:3] if x)
    ref = {r.qualifier: r.value for r in c.refs}
    note = _find(c.notes, "ADD")
    onset = _find(c.dates, "431")
    return Claim(
        kind=kind, patient_control_number=pcn, total_charge=money(c.charge),
        billing_provider=_provider(c.billing_provider),
        subscriber=_subscriber(c.subscriber, c.sbr), payer=_payer(c.payer), lines=lines,
        diagnoses=tuple(Diagnosis(h.code, h.present_on_admission) for h in c.health_codes
                        if h.qualifier in ("ABK", "ABF", "BK", "BF")),
        patient=Patient(_person(c.patient), c.patient_relationship) if c.patient else None,
        responsibility=_get(c.sbr, 1) or "P", frequency=_get(c.clm05, 3) or "1",
        payer_claim_number=ref.get("F8", ""), place_of_service=claim_pos or "11",
        rendering_provider=providers.get("82"), referring_provider=providers.get("DN"),
        service_facility=providers.get("77"), onset_date=_d8(onset.value) if onset else None,
        prior_authorization=ref.get("G1", ""),
        accident=Accident(causes=causes, state=_get(c.clm11, 4), country=_get(c.clm11, 5),
                          date=_d8(accident_date.value) if accident_date else None)
        if causes else None,
        provider_signature=_get(c.clm, 6) != "N" if professional else True,
        assignment=_get(c.clm, 7), benefits_assigned=_get(c.clm, 8),
        release_of_information=_get(c.clm, 9),
        other_coverages=tuple(_coverage(c, o, lines) for o in c.other_subscribers),
        institutional=None if professional else _institutional(c, providers.get("71")),
        notes=note.value if note else "")


def claims_from_837(text: str, source: str | None = None) -> list[Claim]:
    """Every claim in an 837 interchange, as claim-model values.

    Raises :class:`Inbound837Error` naming the file, the claim (CLM01) and the problem when a
    claim cannot be read; defects the reader found are errors too, since a claim with an
    unreadable amount must not be stored half-right.
    """
    where = f"{source}: " if source else ""
    try:
        result = read_837(text, source or "")
    except X12Error as exc:
        raise Inbound837Error(str(exc) if source else f"not an 837 interchange: {exc}") \
            from None
    errors = [d for d in result.defects if d.is_error]
    if errors:
        raise Inbound837Error(where + "; ".join(str(d) for d in errors[:5]))
    claims = []
    for c in result.claims:
        try:
            claims.append(_claim(c))
        except (Inbound837Error, ValueError, IndexError) as exc:
            raise Inbound837Error(f"{where}claim {_get(c.clm, 1)!r} (segment "
                                  f"{c.file_position}): {exc}") from None
        except InvalidOperation:
            # Decimal reads "1E400", but rounding it to cents exceeds the decimal precision.
            raise Inbound837Error(f"{where}claim {_get(c.clm, 1)!r} (segment "
                                  f"{c.file_position}): an amount has more digits than a "
                                  "claim amount can hold") from None
    return claims
