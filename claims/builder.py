"""Build one 837 interchange from many claims: groups, transactions and the HL tree.

Professional claims go in a functional group with GS08 005010X222A1, institutional ones in a
group with 005010X223A2 (one interchange may carry both). Within a transaction the claims
hang from a billing provider HL (20), a subscriber HL (22) per subscriber and payer, and a
patient HL (23) when the patient is a dependent; a subscriber who is the patient sends
SBR02=18 and no 2000C (x12-domain 3.1). A transaction holds at most 5,000 claims (the TR3's
recommended limit) and an HL at most 100 claims (loop 2300 repeat).

Control numbers come from the caller, who owns their uniqueness (ISA13, GS06, ST02); the same
claims, numbers and ``created`` time give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from claims.build_837i import institutional_claim_segments
from claims.build_837p import professional_claim_segments
from claims.build_parties import (
    address_segments,
    clean,
    demographics,
    person_name,
    provider_name,
    seg,
    taxonomy,
)
from claims.model import (
    Claim,
    ClaimKind,
    Patient,
    Payer,
    Provider,
    Subscriber,
    with_line_control_numbers,
)
from edi.x12 import (
    FunctionalGroup,
    GroupHeader,
    Interchange,
    InterchangeHeader,
    Segment,
    TransactionSet,
    serialize,
    wrap_interchange,
)

__all__ = ["build_837", "Submitter", "IMPLEMENTATION"]

IMPLEMENTATION = {ClaimKind.PROFESSIONAL: "005010X222A1",
                  ClaimKind.INSTITUTIONAL: "005010X223A2"}
CLAIMS_PER_TRANSACTION = 5000
CLAIMS_PER_HL = 100


@dataclass(frozen=True, slots=True)
class Submitter:
    """Loop 1000A: who sends the claims (the ETIN the receiver assigned) and whom to call."""

    name: str
    identifier: str
    contact_name: str = ""
    phone: str = ""
    email: str = ""

    def __post_init__(self) -> None:
        if not (self.phone or self.email):
            raise ValueError("the submitter needs a contact phone or e-mail (837 1000A PER)")


def _group_claims(claims: Sequence[Claim]
                  ) -> dict[Provider, dict[tuple, dict[Patient | None, list[Claim]]]]:
    """Billing provider -> (subscriber, payer, sequence, self?) -> patient -> claims."""
    tree: dict[Provider, dict[tuple, dict[Patient | None, list[Claim]]]] = {}
    for claim in claims:
        sub_key = (claim.subscriber, claim.payer, claim.responsibility, claim.patient is None)
        by_sub = tree.setdefault(claim.billing_provider, {})
        by_sub.setdefault(sub_key, {}).setdefault(claim.patient, []).append(claim)
    return tree


def _chunks(items: list[Claim], size: int) -> Iterator[list[Claim]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _billing_segments(hl: int, provider: Provider) -> list[Segment]:
    out = [seg("HL", str(hl), None, "20", "1")]
    prv = taxonomy("BI", provider.taxonomy)
    if prv:
        out.append(prv)
    out.append(provider_name("85", provider))
    if provider.address:
        out.extend(address_segments(provider.address))
    out.append(seg("REF", provider.tax_id_type or "EI", provider.tax_id))
    return out


def _subscriber_segments(hl: int, parent: int, kind: ClaimKind, subscriber: Subscriber,
                         payer: Payer, responsibility: str, is_patient: bool) -> list[Segment]:
    out = [seg("HL", str(hl), str(parent), "22", "0" if is_patient else "1"),
           seg("SBR", responsibility, "18" if is_patient else None,
                        clean(subscriber.group_number, 50) or None,
                        clean(subscriber.group_name) or None,
                        # SBR05 is not used in the 837I 2000B (x12-domain 4.1).
                        (subscriber.insurance_type or None)
                        if kind == ClaimKind.PROFESSIONAL else None,
                        None, None, None, subscriber.claim_filing_indicator or None),
           person_name("IL", subscriber.person, "MI", clean(subscriber.member_id, 80))]
    # N3/N4 are required when the subscriber is the patient and allowed otherwise; DMG is
    # sent only for the patient (TR3 2010BA).
    if subscriber.person.address:
        out.extend(address_segments(subscriber.person.address))
    if is_patient:
        dmg = demographics(subscriber.person)
        if dmg:
            out.append(dmg)
    out.append(seg("NM1", "PR", "2", clean(payer.name), None, None, None, None, "PI",
                            clean(payer.payer_id, 80)))
    if payer.address:
        out.extend(address_segments(payer.address))
    return out


def _patient_segments(hl: int, parent: int, patient: Patient) -> list[Segment]:
    out = [seg("HL", str(hl), str(parent), "23", "0"),
           seg("PAT", patient.relationship),
           person_name("QC", patient.person)]
    if patient.person.address:
        out.extend(address_segments(patient.person.address))
    dmg = demographics(patient.person)
    if dmg:
        out.append(dmg)
    return out


def _claim_segments(claim: Claim) -> Iterable[Segment]:
    # Every line gets a REF*6R: the 835 echoes it back, which is how payments find lines.
    claim = with_line_control_numbers(claim)
    if claim.kind == ClaimKind.INSTITUTIONAL:
        return institutional_claim_segments(claim)
    return professional_claim_segments(claim)


def _detail(kind: ClaimKind, claims: Sequence[Claim]) -> list[Segment]:
    body: list[Segment] = []
    hl = 0
    for provider, subscribers in _group_claims(claims).items():
        hl += 1
        billing_hl = hl
        body.extend(_billing_segments(billing_hl, provider))
        for (subscriber, payer, responsibility, is_patient), patients in subscribers.items():
            if is_patient:
                for chunk in _chunks(patients[None], CLAIMS_PER_HL):
                    hl += 1
                    body.extend(_subscriber_segments(hl, billing_hl, kind, subscriber, payer,
                                                     responsibility, True))
                    for claim in chunk:
                        body.extend(_claim_segments(claim))
                continue
            hl += 1
            subscriber_hl = hl
            body.extend(_subscriber_segments(subscriber_hl, billing_hl, kind, subscriber,
                                             payer, responsibility, False))
            for patient, patient_claims in patients.items():
                assert patient is not None
                for chunk in _chunks(patient_claims, CLAIMS_PER_HL):
                    hl += 1
                    body.extend(_patient_segments(hl, subscriber_hl, patient))
                    for claim in chunk:
                        body.extend(_claim_segments(claim))
    return body


def _header(submitter: Submitter, receiver_name: str, receiver_id: str, batch: str,
            created: dt.datetime) -> list[Segment]:
    contact: list[str | None] = ["IC", clean(submitter.contact_name) or None]
    if submitter.phone:
        contact += ["TE", "".join(ch for ch in submitter.phone if ch.isdigit())]
    if submitter.email:
        contact += ["EM", clean(submitter.email, 256)]
    return [
        # BHT02 00 original, BHT06 CH chargeable (x12-domain 3.1).
        seg("BHT", "0019", "00", batch, created.strftime("%Y%m%d"),
                     created.strftime("%H%M"), "CH"),
        seg("NM1", "41", "2", clean(submitter.name), None, None, None, None, "46",
                     clean(submitter.identifier, 80)),
        seg("PER", *contact),
        seg("NM1", "40", "2", clean(receiver_name), None, None, None, None, "46",
                     clean(receiver_id, 80)),
    ]


def build_837(claims: Iterable[Claim], *, sender_id: str, receiver_id: str,
              interchange_control_number: int, group_control_number: int,
              submitter: Submitter, receiver_name: str,
              first_transaction_control_number: int = 1, usage: str = "T",
              sender_qualifier: str = "ZZ", receiver_qualifier: str = "ZZ",
              created: dt.datetime | None = None, line_breaks: bool = True) -> str:
    """The whole 837 interchange text for ``claims``.

    Professional claims form one functional group (GS06 ``group_control_number``), institutional
    ones the next (GS06 + 1 when both are present). ST02 numbers run from
    ``first_transaction_control_number`` across the interchange.
    """
    created = created or dt.datetime.now().replace(second=0, microsecond=0)
    # Building a large file allocates millions of small tuples that form no reference cycles;
    # the cyclic collector would rescan them over and over (half the build time measured by
    # bench/bench_claims.py), so it is paused for the build.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(claims, sender_id, receiver_id, interchange_control_number,
                      group_control_number, submitter, receiver_name,
                      first_transaction_control_number, usage, sender_qualifier,
                      receiver_qualifier, created, line_breaks)
    finally:
        if gc_was_enabled:
            gc.enable()


def _build(claims: Iterable[Claim], sender_id: str, receiver_id: str,
           interchange_control_number: int, group_control_number: int, submitter: Submitter,
           receiver_name: str, first_transaction_control_number: int, usage: str,
           sender_qualifier: str, receiver_qualifier: str, created: dt.datetime,
           line_breaks: bool) -> str:
    by_kind: dict[ClaimKind, list[Claim]] = {}
    for claim in claims:
        by_kind.setdefault(claim.kind, []).append(claim)
    if not by_kind:
        raise ValueError("no claims to build")
    groups = []
    st = first_transaction_control_number
    for offset, kind in enumerate(k for k in ClaimKind if k in by_kind):
        transactions = []
        for chunk in _chunks(by_kind[kind], CLAIMS_PER_TRANSACTION):
            control = f"{st:04d}"
            batch = f"{interchange_control_number}-{control}"
            body = _header(submitter, receiver_name, receiver_id, batch, created)
            body += _detail(kind, chunk)
            transactions.append(TransactionSet("837", control, body, IMPLEMENTATION[kind]))
            st += 1
        header = GroupHeader("HC", sender_id, receiver_id, group_control_number + offset,
                             IMPLEMENTATION[kind], created.date(), created.time())
        groups.append(FunctionalGroup(header, tuple(transactions)))
    isa = InterchangeHeader(sender_qualifier, sender_id, receiver_qualifier, receiver_id,
                            interchange_control_number, created.date(), created.time(),
                            usage=usage)
    return serialize(wrap_interchange(Interchange(isa, tuple(groups))), line_breaks=line_breaks)
