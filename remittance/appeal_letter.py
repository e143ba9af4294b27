"""The appeal letter: a PDF with the claim, the denial and the payer's details filled in.

It carries what a first-level appeal needs (x12-domain.md 10.4, 42 CFR 405.944 for Medicare):
the beneficiary's name and member number, the services and dates appealed, the payer's claim
number and remittance, why the determination is wrong (a paragraph per denial category for the
biller to complete), the enclosures to attach, and who asks. :func:`render_appeal_letter` is
pure (a value in, PDF bytes out); :func:`appeal_letter_pdf` gathers the value from storage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.db.tables import ClaimLineRecord, ClaimRecord, Patient, Payer, Policy, Provider
from remittance.codes import carc_label, rarc_label
from remittance.errors import QueueError
from remittance.lookup import load_snapshots
from remittance.tables import ClaimPaymentRecord, DenialRecord, PostingRecord, RemittanceRecord
from remittance.timely_filing import describe_proof, load_filing_history

__all__ = ["AppealLetter", "AppealLine", "appeal_letter_pdf", "render_appeal_letter"]

_ARGUMENTS = {
    "medical_necessity": "The enclosed medical records document the patient's condition and "
                         "show that the service met the coverage criteria on the date it was "
                         "provided.",
    "timely_filing": "The claim was filed within the filing limit; the enclosed acceptance "
                     "reports (999 and 277CA) show the date the claim was received.",
    "authorization": "The service was authorized, or could not wait for authorization; the "
                     "authorization details are enclosed.",
    "non_covered": "The service is a covered benefit under the patient's plan for the "
                   "reasons set out in the enclosed records.",
    "network": "The patient could not obtain this service from a network provider; the "
               "circumstances are described in the enclosed records.",
    "credentialing": "The rendering provider was enrolled and eligible on the date of "
                     "service; proof of enrollment is enclosed.",
}
_DEFAULT_ARGUMENT = ("We believe the service was processed incorrectly and ask that the claim "
                     "be reviewed and paid; supporting documentation is enclosed.")


@dataclass(frozen=True, slots=True)
class AppealLine:
    service_date: dt.date | None
    procedure_code: str
    charge: Decimal
    paid: Decimal
    reasons: str                 # "CO 50 not medically necessary"
    remarks: str
    amount_at_stake: Decimal


@dataclass(frozen=True, slots=True)
class AppealLetter:
    practice_name: str
    practice_address: tuple[str, ...]
    practice_npi: str
    payer_name: str
    payer_address: str
    patient_name: str
    patient_birth_date: dt.date | None
    member_id: str
    patient_control_number: str
    payer_claim_number: str
    remittance_date: dt.date | None
    trace_number: str
    category: str
    lines: tuple[AppealLine, ...]
    appeal_deadline: dt.date | None
    letter_date: dt.date
    signer: str = ""
    #: For timely filing: the acceptance that proves the claim was filed in time, in words
    #: (remittance.timely_filing.describe_proof); "" when none is on file.
    proof_of_filing: str = ""

    @property
    def amount_at_stake(self) -> Decimal:
        return sum((line.amount_at_stake for line in self.lines), Decimal(0))


def _latin(text: str) -> str:
    # The PDF core fonts are Latin-1; anything else becomes '?' rather than an error.
    return text.encode("latin-1", "replace").decode("latin-1")


def _date(value: dt.date | None) -> str:
    return value.strftime("%m/%d/%Y") if value else "-"


def render_appeal_letter(letter: AppealLetter, *, compress: bool = True) -> bytes:
    # fpdf2 and its font tables take about 0.2 s to import; only drawing a letter needs them.
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_compression(compress)
    pdf.set_title(_latin(f"Appeal - claim {letter.patient_control_number}"))
    pdf.set_margins(20, 18, 20)
    pdf.add_page()

    def para(text: str, size: int = 10, style: str = "", gap: float = 2) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para(letter.practice_name, 13, "B", 0)
    para("\n".join(letter.practice_address + (f"NPI {letter.practice_npi}",)), 9, "", 4)
    para(_date(letter.letter_date), gap=3)
    para("\n".join([letter.payer_name, *letter.payer_address.splitlines()]), gap=4)
    para("Request for redetermination (first-level appeal)", 12, "B")
    facts = [
        f"Patient: {letter.patient_name}   Date of birth: {_date(letter.patient_birth_date)}",
        f"Member ID: {letter.member_id}",
        f"Our claim number: {letter.patient_control_number}   "
        f"Payer claim number: {letter.payer_claim_number or '-'}",
        f"Remittance dated {_date(letter.remittance_date)}, payment/trace number "
        f"{letter.trace_number}",
        f"Amount in dispute: ${letter.amount_at_stake:,.2f}",
    ]
    if letter.appeal_deadline:
        facts.append(f"Appeal deadline: {_date(letter.appeal_deadline)}")
    para("\n".join(facts), gap=4)
    para("We ask you to reconsider the denial of the following services:")
    widths = (24, 22, 22, 22, 80)
    pdf.set_font("Helvetica", "B", 9)
    for width, title in zip(widths, ("Date", "Service", "Billed", "Paid", "Denial reason"),
                            strict=True):
        pdf.cell(width, 6, title, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for line in letter.lines:
        # The cell holds what fits at 9 points; the full reasons follow the table.
        reason = line.reasons if len(line.reasons) <= 46 else line.reasons[:45] + "..."
        cells = (_date(line.service_date), line.procedure_code, f"{line.charge:,.2f}",
                 f"{line.paid:,.2f}", reason)
        for width, text in zip(widths, cells, strict=True):
            pdf.cell(width, 6, _latin(text), border=1)
        pdf.ln()
    pdf.ln(3)
    for line in letter.lines:
        remarks = f"; remarks: {line.remarks}" if line.remarks else ""
        para(f"{line.procedure_code}: {line.reasons}{remarks} "
             f"(${line.amount_at_stake:,.2f} in dispute)", 9, "", 1)
    pdf.ln(3)
    argument = _ARGUMENTS.get(letter.category, _DEFAULT_ARGUMENT)
    if letter.category == "timely_filing" and letter.proof_of_filing:
        # x12-domain.md 10.4: the packet carries proof of timely filing; name it in the letter.
        argument = (f"The claim was filed within the filing limit: it was "
                    f"{letter.proof_of_filing}. The enclosed acceptance reports (999 and "
                    f"277CA) show the date the claim was received.")
    para(argument)
    para("Enclosures: copy of the remittance advice; medical records for the dates of service;"
         " any authorization and proof of timely filing that apply.", 9, "", 6)
    para("Sincerely,", gap=8)
    para(letter.signer or "Billing office", gap=0)
    para(letter.practice_name, 9, "", 0)
    return bytes(pdf.output())


def _proof_of_filing(session: Session, denial: DenialRecord) -> str:
    if denial.category != "timely_filing" or denial.claim_id is None:
        return ""
    snapshots = load_snapshots(session, [denial.claim_id])
    histories = load_filing_history(session, [denial.claim_id])
    return describe_proof(snapshots[0], denial.line_id, histories.get(denial.claim_id)) \
        if snapshots else ""


def appeal_letter_pdf(session: Session, denial_id: int, *, signer: str = "",
                      today: dt.date | None = None, compress: bool = True) -> bytes:
    """The appeal letter for one denial on the work queue."""
    denial = session.get(DenialRecord, denial_id)
    if denial is None or denial.claim_id is None:
        raise QueueError(f"denial {denial_id} does not exist or has no claim of ours")
    payment = session.get(ClaimPaymentRecord, denial.claim_payment_id)
    claim = session.get(ClaimRecord, denial.claim_id)
    assert payment is not None and claim is not None
    remit = session.get(RemittanceRecord, payment.remittance_id)
    patient = session.get(Patient, claim.patient_id)
    payer = session.get(Payer, claim.payer_id)
    practice = session.get(Provider, claim.billing_provider_id)
    assert remit is not None and patient is not None and payer is not None
    policy = session.get(Policy, claim.policy_id) if claim.policy_id else None
    # Every denial of this claim payment goes in one letter: one appeal per determination.
    siblings = list(session.scalars(select(DenialRecord).where(
        DenialRecord.claim_payment_id == denial.claim_payment_id).order_by(DenialRecord.id)))
    paid: dict[int, Decimal] = {}
    for idx, amount in session.execute(
            select(PostingRecord.service_index, PostingRecord.amount).where(
                PostingRecord.claim_payment_id == payment.id, PostingRecord.kind == "payment")):
        paid[idx] = paid.get(idx, Decimal(0)) + amount
    lines = []
    for d in siblings:
        billed = session.get(ClaimLineRecord, d.line_id) if d.line_id else None
        lines.append(AppealLine(
            service_date=billed.service_date if billed else claim.service_date_from,
            procedure_code=d.procedure_code or (billed.procedure_code if billed else "claim"),
            charge=billed.charge if billed else claim.total_charge,
            paid=paid.get(d.service_index, Decimal(0)),
            reasons="; ".join(f"{r} {carc_label(r.split()[-1])}" for r in d.reasons.split(", ")
                              if r) if d.reasons else carc_label(d.reason_code),
            remarks=", ".join(f"{c} {rarc_label(c)}" for c in d.remark_codes.split()),
            amount_at_stake=d.amount_at_stake))
    address = tuple(x for x in (practice.address_line1 if practice else "",
                                " ".join(x for x in (practice.city, practice.state,
                                                     practice.postal_code) if x)
                                if practice else "") if x)
    letter = AppealLetter(
        practice_name=practice.name if practice else "", practice_address=address,
        practice_npi=practice.npi if practice else "", payer_name=payer.name,
        payer_address=payer.appeal_address or " ".join(
            x for x in (payer.address_line1, payer.city, payer.state, payer.postal_code) if x),
        patient_name=f"{patient.first_name} {patient.last_name}",
        patient_birth_date=patient.birth_date,
        member_id=policy.member_id if policy else payment.member_id,
        patient_control_number=claim.patient_control_number,
        payer_claim_number=payment.payer_claim_number, remittance_date=remit.payment_date,
        trace_number=remit.trace_number, category=denial.category, lines=tuple(lines),
        appeal_deadline=denial.appeal_deadline, letter_date=today or dt.date.today(),
        signer=signer, proof_of_filing=_proof_of_filing(session, denial))
    return render_appeal_letter(letter, compress=compress)
