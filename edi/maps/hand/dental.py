"""837 dental claim, 005010X224A2.

The same submitter/receiver header and billing provider, subscriber and patient hierarchy as
the professional claim (2000A HL03 20, 2000B 22, 2000C 23), with the dental parts: orthodontic
treatment (DN1), tooth status (DN2), the SV3 dental service with oral cavity designation, and
TOO tooth number and surfaces on each line (X224A2 sections 2300 and 2400). 005010X224A3, the
later errata, is read with the same definition.
"""

from __future__ import annotations

from edi.maps.hand.notation import loop, seg, transaction
from edi.x12.grammar import LoopDef, SegmentDef, TransactionDef

__all__ = ["DENTAL_837"]

_VERSION = "005010X224A2"
_N3 = "R S"
_N4 = "R S!states S S!country - - S"
_PER = "R=IC S R=EM,FX,TE S S=EM,EX,FX,TE S S=EM,EX,FX,TE S"
_ORGANIZATION = "R=2 R - - - -"
_ORG_OR_PERSON = "R=1,2 R S S - S"
_PRV = "R=PE,BI,PXC R=PXC R"
_CLM05 = "R(R R=B R@claim_frequency)"
# SV3-01 procedure: AD qualifier (ADA CDT, external code source 135) and up to four modifiers.
_SV3 = ("R(R=AD R!cdt S S S S S) R S S(R@oral_cavity S@oral_cavity S@oral_cavity "
        "S@oral_cavity S@oral_cavity) S@prosthesis S - - - - S(R S S S)")
_CAS = "R@adjustment_group " + " ".join(["R R S"] + ["S S S"] * 5)


def _name_loop(loop_id: str, entity: str, who: str, name_spec: str, ids: str,
               usage: str = "R", *extra: SegmentDef) -> LoopDef:
    return loop(loop_id, who, usage, 1,
                seg("NM1", "R", 1, f"R={entity} {name_spec} R={ids} R", who), *extra)


def _secondary_ids(codes: str, max_use: int = 3) -> SegmentDef:
    return seg("REF", "S", max_use, f"R={codes} R", "Secondary Identification")


def _header() -> tuple[SegmentDef | LoopDef, ...]:
    return (
        seg("BHT", "R", 1, "R=0019 R=00,18 R R R R=CH,RP", "Beginning of Hierarchical Transaction"),
        _name_loop("1000A", "41", "Submitter Name", _ORG_OR_PERSON, "46", "R",
                   seg("PER", "R", 2, _PER, "Submitter EDI Contact Information")),
        _name_loop("1000B", "40", "Receiver Name", _ORGANIZATION, "46"),
    )


def _billing_provider() -> tuple[SegmentDef | LoopDef, ...]:
    return (
        seg("PRV", "S", 1, "R=BI R=PXC R", "Billing Provider Specialty Information"),
        seg("CUR", "S", 1, "R=85 R", "Foreign Currency Information"),
        _name_loop("2010AA", "85", "Billing Provider Name", _ORG_OR_PERSON, "XX", "R",
                   seg("N3", "R", 1, _N3), seg("N4", "R", 1, _N4),
                   seg("REF", "R", 1, "R=EI,SY R", "Billing Provider Tax Identification"),
                   seg("REF", "S", 2, "R=0B,1G R", "Billing Provider UPIN/License Information"),
                   seg("PER", "S", 2, _PER, "Billing Provider Contact Information")),
        loop("2010AB", "Pay-to Address Name", "S", 1,
             seg("NM1", "R", 1, "R=87 R=1,2", "Pay-to Address Name"),
             seg("N3", "R", 1, _N3), seg("N4", "R", 1, _N4)),
        loop("2010AC", "Pay-to Plan Name", "S", 1,
             seg("NM1", "R", 1, "R=PE R=2 R - - - - R=PI,XV R", "Pay-to Plan Name"),
             seg("N3", "R", 1, _N3), seg("N4", "R", 1, _N4),
             seg("REF", "S", 1, "R=2U,FY,NF R", "Pay-to Plan Secondary Identification"),
             seg("REF", "R", 1, "R=EI R", "Pay-to Plan Tax Identification Number")),
    )


def _subscriber() -> tuple[SegmentDef | LoopDef, ...]:
    return (
        seg("SBR", "R", 1, "R@payer_sequence S=18 S S - - - - S@claim_filing",
            "Subscriber Information"),
        _name_loop("2010BA", "IL", "Subscriber Name", _ORG_OR_PERSON, "II,MI", "R",
                   seg("N3", "S", 1, _N3), seg("N4", "S", 1, _N4),
                   seg("DMG", "S", 1, "R=D8 R R@gender", "Subscriber Demographic Information"),
                   seg("REF", "S", 1, "R=SY R", "Subscriber Secondary Identification"),
                   seg("REF", "S", 1, "R=Y4 R", "Property and Casualty Claim Number")),
        _name_loop("2010BB", "PR", "Payer Name", _ORGANIZATION, "PI,XV", "R",
                   seg("N3", "S", 1, _N3), seg("N4", "S", 1, _N4),
                   _secondary_ids("2U,EI,FY,NF"),
                   seg("REF", "S", 2, "R=G2,LU R", "Billing Provider Secondary Identification")),
    )


def _patient() -> tuple[SegmentDef | LoopDef, ...]:
    return (
        seg("PAT", "R", 1, "R@patient_relationship - - - - - - - S=Y", "Patient Information"),
        loop("2010CA", "Patient Name", "R", 1,
             seg("NM1", "R", 1, "R=QC R=1 R S S - S", "Patient Name"),
             seg("N3", "R", 1, _N3), seg("N4", "R", 1, _N4),
             seg("DMG", "R", 1, "R=D8 R R@gender", "Patient Demographic Information"),
             seg("REF", "S", 1, "R=Y4 R", "Property and Casualty Claim Number"),
             seg("REF", "S", 1, "R=1W,SY R", "Patient Secondary Identification")),
    )


def _claim_providers() -> tuple[LoopDef, ...]:
    return (
        loop("2310A", "Referring Provider Name", "S", 2,
             seg("NM1", "R", 1, "R=DN,P3 R=1 R S S - S S=XX S", "Referring Provider Name"),
             seg("PRV", "S", 1, "R=RF R=PXC R"),
             _secondary_ids("0B,1G,G2")),
        loop("2310B", "Rendering Provider Name", "S", 1,
             seg("NM1", "R", 1, "R=82 R=1,2 R S S - S S=XX S", "Rendering Provider Name"),
             seg("PRV", "S", 1, "R=PE R=PXC R"),
             _secondary_ids("0B,1G,G2,LU", 4)),
        loop("2310C", "Service Facility Location Name", "S", 1,
             seg("NM1", "R", 1, "R=77 R=2 R - - - - S=XX S", "Service Facility Location Name"),
             seg("N3", "R", 1, _N3), seg("N4", "R", 1, _N4),
             _secondary_ids("G2,LU")),
        loop("2310D", "Assistant Surgeon Name", "S", 1,
             seg("NM1", "R", 1, "R=DD R=1,2 R S S - S S=XX S", "Assistant Surgeon Name"),
             seg("PRV", "S", 1, "R=AS R=PXC R"),
             _secondary_ids("0B,1G,G2,LU", 4)),
        loop("2310E", "Supervising Provider Name", "S", 1,
             seg("NM1", "R", 1, "R=DQ R=1 R S S - S S=XX S", "Supervising Provider Name"),
             _secondary_ids("0B,1G,G2,LU", 4)),
    )


def _other_subscriber() -> LoopDef:
    other_payer_ref = ("2U,EI,FY,NF,G1,9F,T4,F8,G2,LU")
    return loop(
        "2320", "Other Subscriber Information", "S", 10,
        seg("SBR", "R", 1, "R@payer_sequence R@relationship S S - - - - R@claim_filing",
            "Other Subscriber Information"),
        seg("CAS", "S", 5, _CAS, "Claim Level Adjustments"),
        seg("AMT", "S", 1, "R=D R", "Payer Paid Amount"),
        seg("AMT", "S", 1, "R=EAF R", "Remaining Patient Liability"),
        seg("AMT", "S", 1, "R=A8 R", "Non-Covered Charge Amount"),
        seg("OI", "R", 1, "- - R=N,W,Y - - R@release_of_information", "Other Insurance Coverage"),
        seg("MOA", "S", 1, "S S S S S S S S S", "Outpatient Adjudication Information"),
        loop("2330A", "Other Subscriber Name", "R", 1,
             seg("NM1", "R", 1, "R=IL R=1,2 R S S - S R=II,MI R", "Other Subscriber Name"),
             seg("N3", "S", 1, _N3), seg("N4", "S", 1, _N4),
             seg("REF", "S", 1, "R=SY R", "Other Subscriber Secondary Identification")),
        loop("2330B", "Other Payer Name", "R", 1,
             seg("NM1", "R", 1, "R=PR R=2 R - - - - R=PI,XV R", "Other Payer Name"),
             seg("N3", "S", 1, _N3), seg("N4", "S", 1, _N4),
             seg("DTP", "S", 1, "R=573 R=D8 R", "Claim Check or Remittance Date"),
             seg("REF", "S", 6, f"R={other_payer_ref} R", "Other Payer Identification")),
        *(loop(loop_id, name, "S", 1,
               seg("NM1", "R", 1, f"R={entity} R=1,2", name),
               seg("REF", "R", 3, "R=0B,1G,G2,LU R", f"{name} Secondary Identification"))
          for loop_id, entity, name in (
              ("2330C", "DN", "Other Payer Referring Provider"),
              ("2330D", "82", "Other Payer Rendering Provider"),
              ("2330E", "DQ", "Other Payer Supervising Provider"),
              ("2330F", "85", "Other Payer Billing Provider"),
              ("2330G", "DD", "Other Payer Assistant Surgeon"))),
        loop("2330H", "Other Payer Service Facility Location", "S", 1,
             seg("NM1", "R", 1, "R=77 R=2", "Other Payer Service Facility Location"),
             seg("REF", "R", 3, "R=0B,G2,LU R",
                 "Other Payer Service Facility Location Secondary Identification")),
    )


def _line() -> LoopDef:
    return loop(
        "2400", "Service Line Number", "R", 50,
        seg("LX", "R", 1, "R", "Service Line Number"),
        seg("SV3", "R", 1, _SV3, "Dental Service"),
        seg("TOO", "S", 32, "R=JP R S(R@tooth_surface S@tooth_surface S@tooth_surface "
                            "S@tooth_surface S@tooth_surface)", "Tooth Information"),
        seg("DTP", "S", 1, "R=472 R=D8,RD8 R", "Date - Service Date"),
        seg("DTP", "S", 2, "R=441,139 R=D8 R", "Date - Prior Placement"),
        seg("DTP", "S", 1, "R=452 R=D8 R", "Date - Appliance Placement"),
        seg("DTP", "S", 1, "R=446 R=D8 R", "Date - Replacement"),
        seg("DTP", "S", 1, "R=196 R=D8 R", "Date - Treatment Start"),
        seg("DTP", "S", 1, "R=198 R=D8 R", "Date - Treatment Completion"),
        seg("CN1", "S", 1, "R@contract_type S S S S S", "Contract Information"),
        seg("REF", "S", 1, "R=G3 R", "Predetermination of Benefits Identifier"),
        seg("REF", "S", 1, "R=9B,9D R", "Repriced Line Item Reference Number"),
        seg("REF", "S", 1, "R=6R R", "Line Item Control Number"),
        seg("REF", "S", 5, "R=9F,G1 R", "Prior Authorization"),
        seg("AMT", "S", 1, "R=T R", "Sales Tax Amount"),
        seg("NTE", "S", 1, "R=ADD,TPO R", "Line Note"),
        seg("HCP", "S", 1, "R@pricing_method R S S S S S S S S S S S S S", "Line Pricing"),
        loop("2420A", "Rendering Provider Name", "S", 1,
             seg("NM1", "R", 1, "R=82 R=1,2 R S S - S S=XX S", "Rendering Provider Name"),
             seg("PRV", "S", 1, "R=PE R=PXC R"),
             _secondary_ids("0B,1G,G2,LU", 20)),
        loop("2420B", "Assistant Surgeon Name", "S", 1,
             seg("NM1", "R", 1, "R=DD R=1,2 R S S - S S=XX S", "Assistant Surgeon Name"),
             seg("PRV", "S", 1, "R=AS R=PXC R"),
             _secondary_ids("0B,1G,G2,LU", 20)),
        loop("2420C", "Supervising Provider Name", "S", 1,
             seg("NM1", "R", 1, "R=DQ R=1 R S S - S S=XX S", "Supervising Provider Name"),
             _secondary_ids("0B,1G,G2,LU", 20)),
        loop("2420D", "Service Facility Location Name", "S", 1,
             seg("NM1", "R", 1, "R=77 R=2 R - - - - S=XX S", "Service Facility Location"),
             seg("N3", "R", 1, _N3), seg("N4", "R", 1, _N4),
             _secondary_ids("G2,LU")),
        loop("2430", "Line Adjudication Information", "S", 15,
             seg("SVD", "R", 1, "R R R(R=AD R S S S S S) - R S", "Line Adjudication"),
             seg("CAS", "S", 5, _CAS, "Line Adjustment"),
             seg("DTP", "R", 1, "R=573 R=D8 R", "Line Check or Remittance Date"),
             seg("AMT", "S", 1, "R=EAF R", "Remaining Patient Liability")),
    )


def _claim(usage: str) -> LoopDef:
    # Under the subscriber (2000B) a claim is sent only when the subscriber is the patient;
    # under the patient level (2000C) it is required (X224A2 2300 usage notes).
    return loop(
        "2300", "Claim Information", usage, 100,
        seg("CLM", "R", 1, f"R[1-20] R - - {_CLM05} R=N,Y R@assignment R@benefits_assignment "
                           "R@release_of_information - S(R@related_causes S S S!states S) "
                           "S=02,03,05,09 - - - - - - S=PB S@delay_reason", "Claim Information"),
        seg("DTP", "S", 1, "R=452 R=D8 R", "Date - Appliance Placement"),
        seg("DTP", "S", 1, "R=472 R=D8,RD8 R", "Date - Service Date"),
        seg("DTP", "S", 1, "R=050 R=D8 R", "Date - Repricer Received Date"),
        seg("DTP", "S", 1, "R=439 R=D8 R", "Date - Accident"),
        seg("DTP", "S", 1, "R=196 R=D8 R", "Date - Treatment Start"),
        seg("DTP", "S", 1, "R=198 R=D8 R", "Date - Treatment Completion"),
        seg("DN1", "S", 1, "S S S=Y S", "Orthodontic Total Months of Treatment"),
        seg("DN2", "S", 35, "R R@tooth_status - - - S=JP", "Tooth Status"),
        seg("PWK", "S", 10, "R@report_type R@report_transmission - - S=AC S", "Claim Supplemental"),
        seg("CN1", "S", 1, "R@contract_type S S S S S", "Contract Information"),
        seg("AMT", "S", 1, "R=F5 R", "Patient Amount Paid"),
        seg("REF", "S", 1, "R=G3 R", "Predetermination Identification"),
        seg("REF", "S", 1, "R=4N R", "Service Authorization Exception Code"),
        seg("REF", "S", 1, "R=F8 R", "Payer Claim Control Number"),
        seg("REF", "S", 1, "R=9F R", "Referral Number"),
        seg("REF", "S", 1, "R=G1 R", "Prior Authorization"),
        seg("REF", "S", 1, "R=9A R", "Repriced Claim Number"),
        seg("REF", "S", 1, "R=9C R", "Adjusted Repriced Claim Number"),
        seg("REF", "S", 1, "R=D9 R", "Claim Identifier for Transmission Intermediaries"),
        seg("K3", "S", 10, "R", "File Information"),
        seg("NTE", "S", 1, "R=ADD,CER R", "Claim Note"),
        seg("HI", "S", 1, " ".join(["R(R=ABK,BK R)"] + ["S(R=ABF,BF R)"] * 3),
            "Health Care Diagnosis Code"),
        seg("HCP", "S", 1, "R@pricing_method R S S S S S S S S S S S S S", "Claim Pricing"),
        *_claim_providers(),
        _other_subscriber(),
        _line(),
    )


def _detail() -> LoopDef:
    return loop(
        "2000A", "Billing Provider Hierarchical Level", "R", None,
        seg("HL", "R", 1, "R - R=20 R=1", "Billing Provider Hierarchical Level"),
        *_billing_provider(),
        loop("2000B", "Subscriber Hierarchical Level", "R", None,
             seg("HL", "R", 1, "R R R=22 R=0,1", "Subscriber Hierarchical Level"),
             *_subscriber(),
             _claim("S"),
             loop("2000C", "Patient Hierarchical Level", "S", None,
                  seg("HL", "R", 1, "R R R=23 R=0", "Patient Hierarchical Level"),
                  *_patient(),
                  _claim("R"))))


def _837d() -> TransactionDef:
    return transaction("837", _VERSION, "HC", "Health Care Claim: Dental",
                       *_header(), _detail(), aliases=("005010X224A3",))


DENTAL_837 = _837d()
