"""Closed code lists the hand-written guides share, too long to write inline.

Each list is the set of values the TR3 allows at that element (X12 data element dictionary,
narrowed by the guide). Lists maintained outside X12 (service type, claim status category and
status, states, CDT) are not here: the guides name them as external lists, checked at SNIP 5.
"""

from __future__ import annotations

__all__ = ["CODE_LISTS"]


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


CODE_LISTS: dict[str, frozenset[str]] = {
    # EB01 eligibility or benefit information (X279A1 2110C/2110D EB01, DE 1390)
    "eligibility_benefit": _codes(
        "1 2 3 4 5 6 7 8 A B C CB D E F G H I J K L M MC N O P Q R S T U V W X Y"),
    # EB02 / EQ03 coverage level (DE 1207)
    "coverage_level": _codes("CHD DEP ECH EMP ESP FAM IND SPC SPO"),
    # EB04 / EQ04 insurance type (DE 1336, as narrowed by X279A1)
    "insurance_type": _codes(
        "12 13 14 15 16 41 42 43 47 AP C1 CO CP D DB EP FF GP HM HN HS IN IP LC LD LI LT MA "
        "MB MC MH MI MP OT PE PL PP PR PS QM RP SP TF WC WU"),
    # EB06 time period qualifier (DE 615)
    "time_period": _codes(
        "6 7 13 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36"),
    # EB09 quantity qualifier (DE 673, X279A1 subset)
    "benefit_quantity": _codes("8H 99 CA CE D3 DB DY HS LA LE M2 MN P6 QA S7 S8 VS YY"),
    # EB11 / EB12 yes-no-unknown-not applicable (DE 1073)
    "yes_no_unknown": _codes("N U Y"),
    "in_plan_network": _codes("N U W Y"),
    # Product/service id qualifiers of an inquired or reported procedure (C003-01, DE 235)
    "procedure_qualifier": _codes("AD CJ HC ID IV N4 ZZ"),
    # AAA04 follow-up action (DE 889)
    "follow_up": _codes("C N P R S W X Y"),
    # AAA03 reject reason by location (X279A1 section 1.4.7 and each AAA's code notes)
    "reject_source": _codes("04 41 42 79 80 T4"),
    "reject_payer": _codes("04 41 42 79 80 T4"),
    "reject_provider": _codes("15 41 43 44 45 46 47 48 50 51 79 97 T4"),
    "reject_subscriber": _codes(
        "15 35 42 43 45 47 48 49 51 52 56 57 58 60 61 62 63 71 72 73 74 75 76 78"),
    "reject_dependent": _codes(
        "15 35 42 43 45 47 48 49 51 52 56 57 58 60 61 62 63 64 65 66 67 68 71 77"),
    "reject_benefit": _codes(
        "15 33 52 53 54 55 56 57 60 61 62 63 69 70 98 AA AE AF AG AO CI E8 IA MA"),
    # 2120C/2120D benefit related entity (NM101, DE 98)
    "benefit_entity": _codes(
        "13 1I 1P 2B 36 73 FA GP GW I3 IL LR OC P3 P4 P5 PR PRP SEP TTP VER VN VY X3 Y2"),
    # 2100B information receiver (270/271 NM101)
    "receiver_entity": _codes("1P 2B 36 80 FA GP P5 PR"),
    "source_entity": _codes("2B 36 GP P5 PR"),
    # Subscriber/dependent REF qualifiers (X279A1 2100C/2100D REF01)
    "member_ref": _codes(
        "18 1L 1W 3H 49 6P CE CT EA EJ F6 GH HJ IF IG MRC N6 NQ Q4 SY Y4"),
    "inquiry_member_ref": _codes("18 1L 1W 3H 6P CT EA EJ F6 GH HJ IG N6 SY"),
    # Eligibility dates (2100C/2100D DTP01 in the 271)
    "member_dates": _codes(
        "096 102 152 291 307 318 340 341 342 343 346 356 357 382 435 442 458 472 539 540 636 "
        "771"),
    "benefit_dates": _codes(
        "096 193 194 198 290 291 292 295 304 307 318 346 347 348 349 356 357 435 472 636 771"),
    # Provider REF qualifiers (2100B REF01)
    "provider_ref": _codes("0B 1C 1D 1J 4A CT EL EO HPI JD N5 N7 Q4 SY TJ"),
    # 276/277 claim-level REF qualifiers (X212 2200D)
    # 837D claim-level REF qualifiers (X224A2 2300)
    "dental_claim_ref": _codes("4N D9 EA F8 G1 G3 9A 9C LX"),
    # 837D claim dates (X224A2 2300 DTP01)
    "dental_claim_dates": _codes("050 439 452 472 196 198"),
    # 837D line dates (X224A2 2400 DTP01)
    "dental_line_dates": _codes("139 196 198 441 446 452 472"),
    # Claim filing indicator (SBR09 / CLM ... DE 1032)
    "claim_filing": _codes(
        "11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ"),
    # Individual relationship code (SBR02, PAT01, INS02; DE 1069)
    "relationship": _codes("01 18 19 20 21 39 40 53 G8"),
    "patient_relationship": _codes("01 19 20 21 39 40 53 G8"),
    # Payer responsibility sequence (SBR01, DE 1138)
    "payer_sequence": _codes("A B C D E F G H P S T U"),
    # Claim adjustment group (CAS01, DE 1033)
    "adjustment_group": _codes("CO CR OA PI PR"),
    # Tooth surface (TOO03, DE 1369) and oral cavity designation (SV304, DE 1361)
    "tooth_surface": _codes("B D F I L M O"),
    "oral_cavity": _codes("00 01 02 09 10 20 30 40 L R"),
    # Prosthesis, crown or inlay code (SV305, DE 1358): I initial placement, R replacement
    "prosthesis": _codes("I R"),
    # Tooth status (DN202, DE 1368): E to be extracted, M missing
    "tooth_status": _codes("E M"),
    # Claim frequency type for professional and dental claims (CLM05-3, code source 235)
    "claim_frequency": _codes("1 7 8"),
    # Related causes (CLM11, DE 1362)
    "related_causes": _codes("AA EM OA"),
    # Delay reason (CLM20, DE 1514)
    "delay_reason": _codes("1 2 3 4 5 6 7 8 9 10 11 15"),
    # Release of information (CLM09, DE 1363)
    "release_of_information": _codes("I Y"),
    # Benefits assignment certification (CLM08, DE 1073) and provider signature
    "benefits_assignment": _codes("N W Y"),
    # Provider accepts assignment (CLM07, DE 1359)
    "assignment": _codes("A B C"),
    # Contract type (CN101, DE 1166)
    "contract_type": _codes("01 02 03 04 05 06 09"),
    # Attachment report type (PWK01, DE 755) and transmission (PWK02, DE 756)
    "report_type": _codes(
        "03 04 05 06 07 08 09 10 11 13 15 21 A3 A4 AM AS B2 B3 B4 BR BS BT CB CK CT D2 DA DB "
        "DG DJ DS EB HC HR I5 IR LA M1 MT NN OB OC OD OE OX OZ P4 P5 PE PN PO PQ PY PZ RB RR "
        "RT RX SG V5 XP"),
    "report_transmission": _codes("AA BM EL EM FT FX"),
    # Health care pricing methodology (HCP01, DE 1473)
    "pricing_method": _codes("00 01 02 03 04 05 07 08 09 10 11 12 13 14"),
    # Gender (DMG03, DE 1068)
    "gender": _codes("F M U"),
    # Identification code qualifiers of people and organizations (NM108, DE 66)
    "person_id": _codes("II MI"),
    "provider_id": _codes("XX"),
}
