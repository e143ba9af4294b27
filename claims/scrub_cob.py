"""Scrubber checks for coordination of benefits (TR3 2320/2330/2430) and 837I claim data."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from claims.codesets import CodeSets, CodeStatus
from claims.model import Claim, ClaimKind, PriorPayerAdjudication
from claims.rules import Finding, finding

__all__ = ["check_coordination", "check_institutional"]

# CAS01 in 5010: CR is a 4010 code and is refused on outbound COB (codesets.md, group codes).
_GROUPS = ("CO", "OA", "PI", "PR")
_SEQUENCE = "PSTABCDEFGH"
_SEQUENCE_NAMES = {"P": "primary", "S": "secondary", "T": "tertiary"}
_TYPE_OF_BILL = re.compile(r"^[1-9]\d[0-9A-Z]$")
_INPATIENT_BILLS = ("11", "12", "18", "21", "41", "65", "66", "86")
_INTERIM = ("2", "3")


def _sum(values: Iterator[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def check_coordination(claim: Claim) -> Iterator[Finding]:
    own = claim.responsibility
    for i, coverage in enumerate(claim.other_coverages):
        # One letter: "" (an 837 read without SBR01) is a substring of any string.
        sequence = coverage.responsibility
        if len(sequence) != 1 or sequence not in _SEQUENCE + "U" or sequence == own:
            yield finding("CB006", i=i, value=coverage.responsibility)
        if coverage.adjudication is not None:
            yield from _check_adjudication(claim, i, coverage.adjudication)
    if own in _SEQUENCE and own != "P":
        earlier = _SEQUENCE[: _SEQUENCE.index(own)]
        paid = {c.responsibility for c in claim.other_coverages if c.adjudication}
        for sequence in earlier:
            if sequence not in paid:
                yield finding("CB001", sequence=_SEQUENCE_NAMES.get(own, f"payer {own}"),
                              prior=_SEQUENCE_NAMES.get(sequence, f"payer {sequence}"))
                break


def _check_adjudication(claim: Claim, i: int, adj: PriorPayerAdjudication
                        ) -> Iterator[Finding]:
    base = f"other_coverages[{i}].adjudication"
    for k, a in enumerate(adj.claim_adjustments):
        if a.group not in _GROUPS:
            yield finding("CB005", field=f"{base}.claim_adjustments[{k}].group", value=a.group)
    adjusted = adj.adjusted_total - adj.paid_amount
    if adj.adjusted_total != claim.total_charge:
        yield finding("CB002", i=i, paid=adj.paid_amount, adjusted=adjusted,
                      payer=adj.payer.name, sum=adj.adjusted_total, total=claim.total_charge)
    charges = {line.line_control_number: line.charge for line in claim.lines}
    per_line: dict[str, list[int]] = defaultdict(list)
    for j, line_adj in enumerate(adj.lines):
        for k, a in enumerate(line_adj.adjustments):
            if a.group not in _GROUPS:
                yield finding("CB005", field=f"{base}.lines[{j}].adjustments[{k}].group",
                              value=a.group)
        if line_adj.line_control_number not in charges:
            yield finding("CB004", i=i, j=j, value=line_adj.line_control_number)
        else:
            per_line[line_adj.line_control_number].append(j)
    # One claim line may have several 2430 loops when the payer split it (RFI 1507): the
    # line balances over all of them.
    for control, indexes in per_line.items():
        entries = [adj.lines[j] for j in indexes]
        paid = _sum(e.paid_amount for e in entries)
        adjusted_line = _sum(a.amount for e in entries for a in e.adjustments)
        if paid + adjusted_line != charges[control]:
            yield finding("CB003", i=i, j=indexes[0], line=control, paid=paid,
                          adjusted=adjusted_line, charge=charges[control])


def check_institutional(claim: Claim, codes: CodeSets, today: dt.date) -> Iterator[Finding]:
    if claim.kind != ClaimKind.INSTITUTIONAL:
        return
    inst = claim.institutional
    if inst is None:
        yield finding("IN001")
        return
    if not _TYPE_OF_BILL.match(inst.type_of_bill):
        yield finding("IN002", value=inst.type_of_bill)
    elif inst.type_of_bill[2] != claim.frequency:
        yield finding("IN008", value=inst.type_of_bill, digit=inst.type_of_bill[2],
                      frequency=claim.frequency)
    if inst.statement_to < inst.statement_from:
        yield finding("DT002", field="institutional.statement_to",
                      end=inst.statement_to.isoformat(), start=inst.statement_from.isoformat())
    if inst.statement_to > today:
        yield finding("DT001", field="institutional.statement_to",
                      date=inst.statement_to.isoformat())
    if inst.admission_date and inst.admission_date > inst.statement_to:
        yield finding("DT002", field="institutional.admission_date",
                      end=inst.statement_to.isoformat(), start=inst.admission_date.isoformat())
    if inst.patient_status == "30" and claim.frequency == "1":
        yield finding("IN004", status=inst.patient_status, frequency=claim.frequency)
    if inst.discharge_hour and claim.frequency in _INTERIM:
        yield finding("IN005", frequency=claim.frequency)
    if inst.facility_type in _INPATIENT_BILLS and not (
            inst.admission_date and inst.admission_type and inst.admission_source):
        yield finding("IN006", bill=inst.type_of_bill)
    procedures = ([("institutional.principal_procedure.code", inst.principal_procedure)]
                  if inst.principal_procedure else [])
    procedures += [(f"institutional.other_procedures[{k}].code", p)
                   for k, p in enumerate(inst.other_procedures)]
    for field, procedure in procedures:
        status = codes.pcs(procedure.code)
        if status in (CodeStatus.BAD_FORMAT, CodeStatus.UNKNOWN):
            listed = " in the configured list" if status == CodeStatus.UNKNOWN else ""
            yield finding("IN003", field=field, code=procedure.code, listed=listed)
    if inst.admitting_diagnosis:
        status = codes.diagnosis(inst.admitting_diagnosis)
        if status in (CodeStatus.BAD_FORMAT, CodeStatus.UNKNOWN):
            yield finding("DX002", field="institutional.admitting_diagnosis", i=0,
                          code=inst.admitting_diagnosis)
        elif status == CodeStatus.NOT_BILLABLE:
            yield finding("DX003", field="institutional.admitting_diagnosis", i=0,
                          code=inst.admitting_diagnosis)
