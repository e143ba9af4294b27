"""Responses (TA1, 999, 277CA) as read by :mod:`edi.parsers`, turned into the verdict values
of :mod:`claims.acknowledgments`: the keys that tie them to our submissions, and the codes put
into words a billing person reads.

The matching keys are x12-domain §7.4: TA101 = our ISA13; 999 AK102 = our GS06 and AK202 = our
ST02, with a business-unit CTX*CLM01 naming a claim; 277CA 2200D TRN02 = CLM01, REF*1K the
payer's claim number, 2220D REF*FJ = our line's REF*6R. The 999 and TA1 code sentences come
from :mod:`edi.acknowledgments.codes` and the 277CA category words (code source 507, §7.3) from
:mod:`edi.acknowledgments.status_categories`; the status words (code source 508) are the
handful a front-end rejection carries, kept here until the engine has the full list.
"""

from __future__ import annotations

from claims.acknowledgments import (
    ClaimVerdict,
    InterchangeVerdict,
    LineVerdict,
    SetVerdict,
    Verdict,
)
from edi.parsers import ack999, claim_ack277, ta1
from edi.parsers.claim_ack277 import Outcome, Status

__all__ = ["read_277ca", "read_999", "read_ta1"]

_STC_STATUS = {
    "19": "received", "20": "accepted for processing", "21": "missing or invalid information",
    "33": "subscriber and subscriber id not found", "35": "claim not found",
    "116": "sent to the wrong payer", "145": "entity's taxonomy", "153": "entity's id number",
    "164": "entity's contract/member number", "187": "date(s) of service",
    "247": "line information", "400": "claim is out of balance", "454": "procedure code",
    "507": "HCPCS code", "562": "entity's NPI", "673": "patient reason for visit",
}

_ACK = {"A": Verdict.ACCEPTED, "E": Verdict.ACCEPTED_WITH_ERRORS}
_OUTCOME = {Outcome.ACCEPTED: Verdict.ACCEPTED, Outcome.REJECTED: Verdict.REJECTED,
            Outcome.PENDING: Verdict.PENDING,
            Outcome.INFORMATION_REQUESTED: Verdict.PENDING}


def read_ta1(text: str, source: str | None = None) -> list[InterchangeVerdict]:
    """Every TA1 in the text (a TA1 sits directly in its ISA/IEA, §2.3)."""
    verdicts = []
    for ack in ta1.read_ta1(text, source):
        try:
            control = int(ack.control_number)
        except ValueError:
            continue
        verdicts.append(InterchangeVerdict(
            control, _ACK.get(ack.code, Verdict.REJECTED), f"{ack.code} {ack.note}".strip(),
            ack.sentence(), ack.envelope.sender_id))
    return verdicts


def read_999(text: str, source: str | None = None) -> list[SetVerdict]:
    """One verdict per acknowledged set; a group rejected without AK2 loops (AK9 R) gives one
    verdict with an empty ST02, meaning every set of that group."""
    verdicts: list[SetVerdict] = []
    for ack in ack999.read_999(text, source):
        group, sender = ack.group, ack.interchange.sender_id
        number = _number(group.control_number)
        for st in group.sets:
            errors: list[str] = []
            by_claim: dict[str, list[str]] = {}
            for note in st.segments:
                sentences = note.sentences()
                errors.extend(sentences)
                if note.business_unit and note.business_unit[0] == "CLM01":
                    by_claim.setdefault(note.business_unit[1], []).extend(sentences)
            # IK502..: code 5 only says "see the segments above"; the others are set-level.
            errors.extend(r for c, r in zip(st.error_codes, st.reasons(), strict=True)
                          if c != "5")
            codes = "*".join((st.code, *st.error_codes))
            verdicts.append(SetVerdict(
                number, st.control_number, _ACK.get(st.code, Verdict.REJECTED), codes,
                tuple(errors), tuple((k, tuple(v)) for k, v in by_claim.items()), sender))
        if not group.sets and group.code == "R":
            verdicts.append(SetVerdict(
                number, "", Verdict.REJECTED, "*".join((group.code, *group.error_codes)),
                ("the whole functional group was rejected", *group.reasons()), (), sender))
    return verdicts


def _number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def _words(statuses: tuple[Status, ...]) -> str:
    """The statuses in words, worst first: "rejected for invalid information: procedure code"."""
    ranked = sorted(statuses, key=lambda s: s.outcome is not Outcome.REJECTED)
    parts = []
    for status in ranked:
        for code in status.codes:
            words = code.category_meaning
            if code.status:
                words += f": {_STC_STATUS.get(code.status, 'status ' + code.status)}"
            if code.entity:
                words += f" (entity {code.entity})"
            parts.append(words)
        if status.message:
            parts.append(status.message)
    return "; ".join(parts) or "no status given"


def _codes(statuses: tuple[Status, ...]) -> str:
    return " ".join(":".join(filter(None, (c.category, c.status, c.entity)))
                    for s in statuses for c in s.codes)


def read_277ca(text: str, source: str | None = None) -> list[ClaimVerdict]:
    """One verdict per 2200D claim, with its 2220D lines."""
    verdicts = []
    for batch in claim_ack277.read_277ca(text, source):
        for claim in batch.claims:
            lines = tuple(
                LineVerdict(line.line_item_control_number,
                            _OUTCOME.get(line.outcome, Verdict.INFORMATIONAL),
                            _codes(line.statuses), _words(line.statuses))
                for line in claim.lines if line.line_item_control_number)
            verdicts.append(ClaimVerdict(
                claim.patient_control_number,
                _OUTCOME.get(claim.outcome, Verdict.INFORMATIONAL), _codes(claim.statuses),
                _words(claim.statuses), claim.payer_claim_number, lines))
    return verdicts
