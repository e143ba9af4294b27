"""The 835 reader: every TR3 segment into typed values, defects with paths, several payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from edi.errors import InterchangeError
from edi.parsers.remit835 import Adjustment, ProcedureCode, read_835
from edi.x12.defects import DefectLevel, Severity

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "remittance"

HEAD = ("ISA*00*          *00*          *ZZ*P              *ZZ*R              *260101*1200*^*"
        "00501*000000001*0*T*:~GS*HP*P*R*20260101*1200*7*X*005010X221A1~")


def wrap(body: str, control: str = "0001") -> str:
    count = body.count("~") + 2
    return f"{HEAD}ST*835*{control}~{body}SE*{count}*{control}~GE*1*7~IEA*1*000000001~"


MINIMAL = ("BPR*I*100*C*CHK************20260105~TRN*1*CHK1*1999999999~N1*PR*PAYER~"
           "N1*PE*CLINIC*XX*1234567893~LX*1~CLP*A1*1*100*100**MC*ICN1~NM1*QC*1*DOE*JO~")


def test_reads_the_payment_header() -> None:
    era = read_835((SAMPLES / "era_basic.835").read_text(), "era_basic.835")
    assert era.all_defects == ()
    (remit,) = era.remittances
    pay = remit.payment
    assert (pay.handling, pay.amount, pay.credit_debit, pay.method, pay.format) == (
        "I", Decimal("237.25"), "C", "ACH", "CCP")
    assert (pay.sender_dfi, pay.sender_account, pay.receiver_dfi, pay.receiver_account) == (
        "011000015", "1234567", "021000021", "7654321")
    assert pay.date == dt.date(2026, 4, 10)
    assert (remit.trace.number, remit.trace.originator) == ("EFT202604100001", "1123456789")
    assert remit.payer_id == "1123456789"
    assert remit.production_date == dt.date(2026, 4, 9)
    assert remit.payer.name == "MEDICARE PART B"
    assert remit.payer.address == ("PO BOX 1000",)
    assert (remit.payer.city, remit.payer.state, remit.payer.postal_code) == (
        "FARGO", "ND", "58108")
    assert [r.qualifier for r in remit.payer.references] == ["2U"]
    assert [c.function for c in remit.payer.contacts] == ["CX", "BL"]
    assert remit.payer.contacts[1].numbers == (("TE", "8005551313"), ("EM", "EDI@EXAMPLE.COM"))
    assert (remit.payee.id_qualifier, remit.payee.identifier) == ("XX", "1234567893")
    assert remit.payee.references[0].value == "371234567"
    assert [h.number for h in remit.headers] == ["1"]
    assert (remit.version, remit.group_control, remit.interchange_control) == (
        "005010X221A1", "1001", "000001001")
    assert remit.segment_count == remit.declared_segment_count


def test_reads_claims_lines_adjustments_and_remarks() -> None:
    remit = read_835((SAMPLES / "era_basic.835").read_text()).remittances[0]
    c1001, c1002, c1003, c1004 = remit.claims
    assert (c1001.patient_control_number, c1001.status, c1001.charge, c1001.paid,
            c1001.patient_responsibility, c1001.filing_indicator, c1001.payer_claim_number,
            c1001.facility_type, c1001.frequency) == (
        "C1001", "1", Decimal("185"), Decimal("69"), Decimal("51"), "MB", "ICN1001", "11", "1")
    assert c1001.patient.display_name == "JANE DOE"
    assert c1001.patient.identifier == "1EG4TE5MK73"
    assert c1001.party("82").identifier == "1245319599"
    assert c1001.interest == Decimal("1.25")
    assert c1001.amount("AU") == Decimal("135")
    assert c1001.statement_period == (dt.date(2026, 3, 2), None)
    first = c1001.services[0]
    assert first.procedure == ProcedureCode("HC", "99213")
    assert first.adjustments == (Adjustment("CO", "45", Decimal("50")),
                                 Adjustment("PR", "1", Decimal("30")),
                                 Adjustment("PR", "2", Decimal("14")))
    assert first.line_control_number == "C1001-1"
    assert first.allowed == Decimal("100")
    assert first.service_date == dt.date(2026, 3, 2)
    assert c1002.services[1].remarks == ("M15",)
    assert c1003.status == "4"
    restated = c1004.services[0]
    assert restated.procedure == ProcedureCode("HC", "97112", ("GP",))
    assert restated.submitted_procedure == ProcedureCode("HC", "97110", ("GP",))
    assert restated.billed_procedure.code == "97110"
    assert restated.units == Decimal("4")
    assert [(p.reason, p.reference, p.amount) for p in remit.provider_adjustments] == [
        ("L6", "", Decimal("-1.25")), ("WO", "ICN0999", Decimal("25"))]


def test_several_payers_in_one_file_and_claim_level_details() -> None:
    era = read_835((SAMPLES / "era_two_payers.835").read_text())
    medicare, acme = era.remittances
    assert (medicare.payer.name, acme.payer.name) == ("MEDICARE PART B", "ACME HEALTH PLAN")
    assert acme.payment.method == "CHK" and acme.trace.number == "CHK55501"
    split = medicare.claims[1]
    assert split.remarks == ("MA15",)
    crossover = medicare.claims[2]
    assert crossover.status == "19"
    assert crossover.crossover_carrier.name == "STATE MEDICAID"
    assert (crossover.crossover_carrier.id_qualifier,
            crossover.crossover_carrier.identifier) == ("PI", "MCDIL")
    assert crossover.remarks == ("MA18",)


def test_reversal_amounts_are_negative() -> None:
    remit = read_835((SAMPLES / "era_reversal.835").read_text()).remittances[0]
    reversal = remit.claims[0]
    assert reversal.is_reversal
    assert (reversal.charge, reversal.paid) == (Decimal("-135"), Decimal("-60"))
    assert reversal.services[0].adjustments[0].amount == Decimal("-25")


@pytest.mark.parametrize(("body", "path", "words"), [
    ("BPR*I*1O0*C*CHK************20260105~", "HEADER/BPR02", "should be an amount"),
    ("BPR*I*100*C*CHK************20261305~", "HEADER/BPR16", "should be a date"),
    ("BPR*I*99999999999*C*CHK************20260105~", "HEADER/BPR02", "implausibly large"),
    (MINIMAL.replace("CLP*A1*1*", "CLP*A1*9*"), "2100/CLP02", "not one allowed"),
    (MINIMAL + "SVC*HC:99213*100*100~CAS*CR*45*0~", "2110/CAS01", "is not CO, OA, PI or PR"),
    (MINIMAL + "SVC*HC:99213*100~", "2110/SVC03", "is missing"),
    (MINIMAL + "SVC*HC*100*100~", "2110/SVC01", "no procedure"),
    (MINIMAL + "SVC*HC:99213*100*100**1X~", "2110/SVC05", "SVC05 should be a number: '1X' is not a number"),
])
def test_bad_values_become_defects_with_paths(body: str, path: str, words: str) -> None:
    if body.startswith("BPR") and "TRN" not in body:
        body += "TRN*1*X*1~N1*PR*P~"
    era = read_835(wrap(body))
    found = [d for d in era.all_defects if str(d.path) == path]
    assert found, [str(d) for d in era.all_defects]
    assert words in found[0].message


def test_missing_header_segments_and_wrong_counts() -> None:
    text = wrap("LX*1~CLP*A1*1*10*10**MC*I~").replace("SE*4*", "SE*9*")
    remit = read_835(text).remittances[0]
    messages = " | ".join(d.message for d in remit.defects)
    assert "BPR" in messages and "TRN" in messages and "N1*PR" in messages
    assert "SE01 says 9 segments but the set has 4" in messages
    assert any(d.level is DefectLevel.TRANSACTION for d in remit.defects)


def test_other_transaction_sets_are_skipped_with_a_defect() -> None:
    text = HEAD + "ST*999*0001~AK1*HC*1~SE*3*0001~" + "ST*835*0002~" + MINIMAL + \
        "SE*10*0002~GE*2*7~IEA*1*000000001~"
    era = read_835(text)
    assert [r.control_number for r in era.remittances] == ["0002"]
    assert "'999' is not an 835" in era.defects[0].message


def test_a_bare_transaction_set_without_envelope_is_read_with_a_warning() -> None:
    era = read_835("ST*835*0001~" + MINIMAL + "SE*10*0001~")
    assert len(era.remittances) == 1
    assert era.remittances[0].claims[0].patient_control_number == "A1"
    assert era.defects[0].severity is Severity.WARNING


def test_text_that_is_not_x12_raises() -> None:
    with pytest.raises(InterchangeError, match="expected an ISA"):
        read_835("hello, this is not an 835", "letter.txt")


def test_unknown_segments_are_kept_not_dropped() -> None:
    remit = read_835(wrap(MINIMAL + "ZZZ*1*2~SVC*HC:99213*100*100~XYZ*9~")).remittances[0]
    claim = remit.claims[0]
    assert [s.tag for s in claim.other] == ["ZZZ"]
    assert [s.tag for s in claim.services[0].other] == ["XYZ"]


def test_a_contact_inside_a_service_line_is_kept_on_the_line() -> None:
    # PER belongs to 2100 (claim contact); in a 2110 it is kept where it stood.
    remit = read_835(wrap(MINIMAL + "PER*CX*CLAIMS*TE*8005550100~SVC*HC:99213*100*100~"
                                    "PER*CX*LINE DESK*TE*8005550199~")).remittances[0]
    claim = remit.claims[0]
    assert [c.name for c in claim.contacts] == ["CLAIMS"]
    (line,) = claim.services
    assert [(s.tag, s.get(2)) for s in line.other] == [("PER", "LINE DESK")]


def _flatten(value: object, out: set[str]) -> set[str]:
    """Every text, number and date the model holds, as wire-like strings."""
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, Decimal):
        out.add(str(value))
    elif isinstance(value, dt.date):
        out.add(value.strftime("%Y%m%d"))
    elif isinstance(value, tuple | list):
        for item in value:
            _flatten(item, out)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            _flatten(getattr(value, name), out)
    return out


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.835")))
def test_nothing_read_is_dropped(name: str) -> None:
    """Each element of each segment inside ST..SE is somewhere in the model (lossless)."""
    from edi.x12.tokenizer import parse_segments

    text = (SAMPLES / name).read_text()
    held = _flatten(read_835(text).remittances, set())
    inside = False
    for seg in parse_segments(text):
        inside = inside or seg.tag == "ST"
        if not inside or seg.tag in ("ST", "SE"):
            inside = seg.tag != "SE" and inside
            continue
        elements = seg.elements[1:] if seg.tag == "LQ" and seg.get(1) == "HE" else seg.elements
        for element in elements:     # LQ*HE is implied by ServicePayment.remarks
            for part in element.split(":"):
                assert not part or part in held, (seg.tag, element)


def test_provider_summary_of_an_institutional_remittance() -> None:
    text = (HEAD + "ST*835*0001~BPR*I*10*C*CHK************20260105~TRN*1*T*1~N1*PR*P~"
            "LX*110212~TS3*6543210903*11*20021231*1*211366.97~TS2*2178.45*1919.71~"
            "CLP*A*1*10*10**MA*I*11*1~SE*9*0001~GE*1*7~IEA*1*000000001~")
    (header,) = read_835(text).remittances[0].headers
    assert (header.number, header.provider_identifier, header.fiscal_period_end,
            header.claim_count, header.total_charge) == (
        "110212", "6543210903", dt.date(2002, 12, 31), 1, Decimal("211366.97"))
    assert header.supplemental == ("2178.45", "1919.71")
    # TS304 in superscript digits (digits to str.isdigit, not to int) is no count, not a crash.
    (header,) = read_835(text.replace("*20021231*1*", "*20021231*\u00b9*")).remittances[0].headers
    assert header.claim_count is None


def test_line_breaks_before_terminators() -> None:
    text = wrap(MINIMAL).replace("~", "\n~")
    era = read_835(text)
    assert [c.patient_control_number for c in era.remittances[0].claims] == ["A1"]
    assert era.remittances[0].defects == ()
    assert "line breaks stand before" in era.defects[0].message


# The product never sends an 835, so the writer that proves the reader lossless lives here:
# it puts every value back in TR3 order, and every sample must come out as it went in.

def _text(*values: object) -> str:
    out = ["" if v is None else v.strftime("%Y%m%d") if isinstance(v, dt.date) else str(v)
           for v in values]
    while out and not out[-1]:
        out.pop()
    return "*".join(out)


def _composite(code: ProcedureCode | None) -> str:
    if code is None:
        return ""
    parts = [code.qualifier, code.code, *code.modifiers]
    if code.description:
        parts += [""] * (6 - len(parts)) + [code.description]
    return ":".join(parts)


def _cas(adjustments) -> list[str]:
    out: list[str] = []
    run: list = []
    for adj in (*adjustments, None):
        if run and (adj is None or adj.group != run[0].group or len(run) == 6):
            triplets = [v for a in run for v in (a.reason, a.amount, a.quantity)]
            out.append("CAS*" + _text(run[0].group, *triplets))
            run = []
        if adj is not None:
            run.append(adj)
    return out


def _common(level) -> list[str]:
    out = [f"REF*{_text(r.qualifier, r.value, r.description)}" for r in level.references]
    out += [f"DTM*{_text(d.qualifier, d.raw)}" for d in level.dates]
    return out


def _party(p, nm1: bool) -> list[str]:
    if nm1:
        out = ["NM1*" + _text(p.entity, p.entity_type, p.name, p.first_name, p.middle_name, "",
                              p.suffix, p.id_qualifier, p.identifier)]
    else:
        out = ["N1*" + _text(p.entity, p.name, p.id_qualifier, p.identifier)]
        if p.address:
            out.append("N3*" + _text(*p.address))
        if p.city or p.state or p.postal_code:
            out.append("N4*" + _text(p.city, p.state, p.postal_code))
        out += [f"REF*{_text(r.qualifier, r.value, r.description)}" for r in p.references]
    out += ["PER*" + _text(c.function, c.name, *[v for pair in c.numbers for v in pair])
            for c in p.contacts]
    return out


def write_835_body(remit) -> list[str]:
    pay = remit.payment
    out = ["BPR*" + _text(pay.handling, pay.amount, pay.credit_debit, pay.method, pay.format,
                          pay.sender_dfi_qualifier, pay.sender_dfi,
                          pay.sender_account_qualifier, pay.sender_account,
                          pay.payer_identifier, pay.payer_supplemental,
                          pay.receiver_dfi_qualifier, pay.receiver_dfi,
                          pay.receiver_account_qualifier, pay.receiver_account, pay.date),
           "TRN*" + _text(remit.trace.trace_type, remit.trace.number, remit.trace.originator,
                          remit.trace.supplemental)]
    out += ["CUR*" + _text(*remit.currency)] if remit.currency else []
    out += _common(remit) + _party(remit.payer, False) + _party(remit.payee, False)
    for header in remit.headers:
        out.append(f"LX*{header.number}")
        if header.summary:
            out.append("TS3*" + _text(*header.summary))
        if header.supplemental:
            out.append("TS2*" + _text(*header.supplemental))
        for c in (c for c in remit.claims if c.header_number == header.number):
            out.append("CLP*" + _text(c.patient_control_number, c.status, c.charge, c.paid,
                                      c.patient_responsibility, c.filing_indicator,
                                      c.payer_claim_number, c.facility_type, c.frequency, "",
                                      c.drg, c.drg_weight, c.discharge_fraction))
            out += _cas(c.adjustments)
            for p in c.parties:
                out += _party(p, True)
            out += ["MIA*" + _text(*c.inpatient)] if c.inpatient else []
            out += ["MOA*" + _text(*c.outpatient)] if c.outpatient else []
            out += _common(c) + ["PER*" + _text(p.function, p.name,
                                                *[v for pair in p.numbers for v in pair])
                                 for p in c.contacts]
            out += [f"AMT*{_text(a.qualifier, a.amount)}" for a in c.amounts]
            out += [f"QTY*{_text(q.qualifier, q.quantity)}" for q in c.quantities]
            for s in c.services:
                out.append("SVC*" + _text(_composite(s.procedure), s.charge, s.paid,
                                          s.revenue_code, s.units,
                                          _composite(s.submitted_procedure), s.submitted_units))
                out += [f"DTM*{_text(d.qualifier, d.raw)}" for d in s.dates] + _cas(s.adjustments)
                out += [f"REF*{_text(r.qualifier, r.value, r.description)}"
                        for r in s.references]
                out += [f"AMT*{_text(a.qualifier, a.amount)}" for a in s.amounts]
                out += [f"QTY*{_text(q.qualifier, q.quantity)}" for q in s.quantities]
                out += [f"LQ*HE*{code}" for code in s.remarks]
    runs: dict[tuple, list] = {}
    for adj in remit.provider_adjustments:
        runs.setdefault((adj.provider_id, adj.fiscal_period), []).append(adj)
    for (provider, fiscal), items in runs.items():
        pairs = [v for a in items for v in (f"{a.reason}:{a.reference}".rstrip(":"), a.amount)]
        out.append("PLB*" + _text(provider, fiscal, *pairs))
    return out


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.835")))
def test_every_sample_round_trips(name: str) -> None:
    text = (SAMPLES / name).read_text()
    lines = [line.rstrip("~") for line in text.splitlines()]
    bodies = []
    for i, line in enumerate(lines):
        if line.startswith("ST*"):
            end = next(j for j in range(i, len(lines)) if lines[j].startswith("SE*"))
            bodies.append(lines[i + 1:end])
    remittances = read_835(text).remittances
    assert [write_835_body(r) for r in remittances] == bodies


def test_a_payee_inside_the_claims_is_reported_not_swapped_in() -> None:
    remit = read_835(wrap(MINIMAL + "N1*PE*OTHER CLINIC*XX*1999999984~")).remittances[0]
    assert remit.payee.name == "CLINIC"
    assert [s.tag for s in remit.claims[0].other] == ["N1"]
    assert "outside the 1000A/1000B loops" in remit.defects[0].message


@pytest.mark.parametrize("value", ["1E9999999", "1E5", "NaN", "-Infinity", "9" * 5000, "\u00b9"])
def test_absurd_claim_charge_is_a_defect_naming_clp03(value: str) -> None:
    # CLP03=1E9999999 once raised decimal.Overflow while the claim was balanced.
    era = read_835(wrap(MINIMAL.replace("CLP*A1*1*100*", f"CLP*A1*1*{value}*")))
    found = [d for d in era.all_defects if str(d.path) == "2100/CLP03"]
    assert found and found[0].message.startswith("CLP03 should be an amount: ")
    assert len(found[0].message) < 200


def test_bare_set_with_one_delimiter_for_everything_is_an_interchange_error() -> None:
    with pytest.raises(InterchangeError, match="cannot be told apart"):
        read_835("ST~835~0001~")
