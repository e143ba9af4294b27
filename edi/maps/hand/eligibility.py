"""270 eligibility inquiry and 271 eligibility response, 005010X279A1.

The hierarchy is information source (2000A, HL03 20), information receiver (2000B, 21),
subscriber (2000C, 22) and dependent (2000D, 23), each HL loop nested in its parent as the
TR3's HL02 parent references require (X279A1 section 1.4.2). The original X279 label (before
the A1 errata) is accepted as an alias, since many senders still put it in GS08.
"""

from __future__ import annotations

from edi.maps.hand.notation import loop, seg, transaction
from edi.x12.grammar import LoopDef, SegmentDef, TransactionDef

__all__ = ["INQUIRY_270", "RESPONSE_271"]

_VERSION = "005010X279A1"
_ALIASES = ("005010X279",)

_N3 = "R S"
_SOURCE_IDS = "24,46,FI,NI,PI,XV,XX"
_RECEIVER_IDS = "24,34,FI,PI,PP,SV,XV,XX"
_N4 = "R S!states S S!country - - S"
_PRV = "R=AD,AT,BI,CO,CV,H,HH,LA,OT,P1,P2,PC,PE,R,RF,SB,SK,SU R=PXC R"
_DMG = "R=D8 R S@gender"
_DTP = "R=D8,RD8 R"
_HI = " ".join(["R(R=ABK,BK R)"] + ["S(R=ABF,BF R)"] * 7)
_TRN = "R=1,2 R R S"
# 2110C/2110D EQ: EQ01 service type (repeats up to 99) or EQ02 procedure, never both unused.
_EQ = "S*99!service_type S(R@procedure_qualifier R S S S S) S@coverage_level - S(R S S S)"
_EB = ("R@eligibility_benefit S@coverage_level S*99!service_type S@insurance_type S S@time_period "
       "S S S@benefit_quantity S S@yes_no_unknown S@in_plan_network "
       "S(R@procedure_qualifier R S S S S S) S(R S S S)")


def _aaa(codes: str) -> SegmentDef:
    return seg("AAA", "S", 9, f"R=N,Y - R@{codes} R@follow_up", "Request Validation")


def _name_loop(loop_id: str, entity: str, who: str, ids: str, *extra: SegmentDef) -> LoopDef:
    return loop(
        loop_id, f"{who} Name", "R", 1,
        seg("NM1", "R", 1, f"R{entity} R=1,2 S S S - S R={ids} R", f"{who} Name"),
        *extra)


def _benefit_entity_loop(loop_id: str) -> LoopDef:
    # 2120C/2120D: the LS/LE pair wraps the loop inside 2110C (X279A1 2115C/LS notes).
    return loop(
        loop_id, "Benefit Related Entity Name", "S", 23,
        seg("NM1", "R", 1, "R@benefit_entity R=1,2 S S S S S S S S", "Benefit Related Entity"),
        seg("N3", "S", 1, _N3),
        seg("N4", "S", 1, _N4),
        seg("PER", "S", 3, "R=IC S S=TE,EM,FX,UR,WP S S S S S S"),
        seg("PRV", "S", 1, _PRV))


def _inquiry_member(level: str, entity: str, relationship: str) -> tuple[LoopDef, ...]:
    eq_usage = "R" if level == "D" else "S"
    return (
        loop(f"2100{level}", "Name", "R", 1,
             seg("NM1", "R", 1, f"R={entity} R=1 S S S - S S=MI,II S", "Name"),
             seg("REF", "S", 9, "R@inquiry_member_ref R S"),
             seg("N3", "S", 1, _N3),
             seg("N4", "S", 1, _N4),
             seg("PRV", "S", 1, _PRV),
             seg("DMG", "S", 1, _DMG),
             seg("INS", "S", 1, f"R=Y,N R={relationship} - - - - - - - - - - - - - - S"),
             seg("HI", "S", 1, _HI),
             seg("DTP", "S", 1, "R=291,307,435,472 " + _DTP),
             loop(f"2110{level}", "Eligibility or Benefit Inquiry", eq_usage, 99,
                  seg("EQ", "R", 1, _EQ),
                  seg("AMT", "S", 1, "R=R R"),
                  seg("AMT", "S", 1, "R=PB R"),
                  seg("III", "S", 10, "R=ZZ,BF,BK R"),
                  seg("REF", "S", 1, "R=9F,G1 R"),
                  seg("DTP", "S", 1, "R=291,307,435,472 " + _DTP))),
    )


def _response_member(level: str, entity: str, relationship: str,
                     reject: str) -> tuple[LoopDef, ...]:
    return (
        loop(f"2100{level}", "Name", "R", 1,
             seg("NM1", "R", 1, f"R={entity} R=1 S S S - S S=MI,II S", "Name"),
             seg("REF", "S", 9, "R@member_ref R S"),
             seg("N3", "S", 1, _N3),
             seg("N4", "S", 1, _N4),
             _aaa(reject),
             seg("PRV", "S", 1, _PRV),
             seg("DMG", "S", 1, _DMG),
             seg("INS", "S", 1, f"R=Y,N R={relationship} S=001 S=25 - - - - - - - - - - - "
                                "- S"),
             seg("HI", "S", 1, _HI),
             seg("DTP", "S", 9, "R@member_dates " + _DTP),
             seg("MPI", "S", 1, "R R R S S R R"),
             loop(f"2110{level}", "Eligibility or Benefit Information", "S", None,
                  seg("EB", "R", 1, _EB),
                  seg("HSD", "S", 9, "S S S S S S S S"),
                  seg("REF", "S", 9, "R=18,1L,1W,49,6P,9F,ALS,CLI,F8,FO,G1,IG,M7,N6,NQ,PID R S"),
                  seg("DTP", "S", 20, "R@benefit_dates " + _DTP),
                  _aaa("reject_benefit"),
                  seg("MSG", "S", 10, "R"),
                  loop(f"2115{level}", "Eligibility or Benefit Additional Information", "S",
                       10, seg("III", "R", 1, "R=GR,NI,ZZ R S=44 S")),
                  seg("LS", "S", 1, "R=2120", "Loop Header"),
                  _benefit_entity_loop(f"2120{level}"),
                  seg("LE", "S", 1, "R=2120", "Loop Trailer"))),
    )


def _hierarchy(member: tuple[LoopDef, ...], dependent: tuple[LoopDef, ...],
               source: LoopDef, receiver: LoopDef, response: bool,
               extra_source: tuple[SegmentDef, ...]) -> LoopDef:
    trn = seg("TRN", "S", 3 if response else 2, _TRN, "Trace")
    return loop(
        "2000A", "Information Source Level", "R", None,
        seg("HL", "R", 1, "R - R=20 R=1", "Information Source Level"),
        *extra_source,
        source,
        loop("2000B", "Information Receiver Level", "S" if response else "R", None,
             seg("HL", "R", 1, "R R R=21 R=0,1", "Information Receiver Level"),
             receiver,
             loop("2000C", "Subscriber Level", "S" if response else "R", None,
                  seg("HL", "R", 1, "R R R=22 R=0,1", "Subscriber Level"),
                  trn,
                  *member,
                  loop("2000D", "Dependent Level", "S", None,
                       seg("HL", "R", 1, "R R R=23 R=0", "Dependent Level"),
                       trn,
                       *dependent))))


def _270() -> TransactionDef:
    source = _name_loop("2100A", "@source_entity", "Information Source", _SOURCE_IDS)
    receiver = _name_loop(
        "2100B", "@receiver_entity", "Information Receiver", _RECEIVER_IDS,
        seg("REF", "S", 9, "R@provider_ref R S"),
        seg("N3", "S", 1, _N3),
        seg("N4", "S", 1, _N4),
        seg("PRV", "S", 1, _PRV))
    return transaction(
        "270", _VERSION, "HS", "Eligibility, Coverage or Benefit Inquiry",
        seg("BHT", "R", 1, "R=0022 R=01,13,36 S R R S=RT", "Beginning of Hierarchical Transaction"),
        _hierarchy(_inquiry_member("C", "IL", "18"), _inquiry_member("D", "03", "01,19,34"),
                   source, receiver, False, ()),
        aliases=_ALIASES)


def _271() -> TransactionDef:
    source = _name_loop(
        "2100A", "@source_entity", "Information Source", _SOURCE_IDS,
        seg("PER", "S", 3, "R=IC S S=ED,EM,FX,TE,UR S S S S S"),
        _aaa("reject_payer"))
    receiver = _name_loop(
        "2100B", "@receiver_entity", "Information Receiver", _RECEIVER_IDS,
        seg("REF", "S", 9, "R@provider_ref R S"),
        _aaa("reject_provider"),
        seg("PRV", "S", 1, _PRV))
    return transaction(
        "271", _VERSION, "HB", "Eligibility, Coverage or Benefit Information",
        seg("BHT", "R", 1, "R=0022 R=06,11 S R R", "Beginning of Hierarchical Transaction"),
        _hierarchy(_response_member("C", "IL", "18", "reject_subscriber"),
                   _response_member("D", "03", "01,19,34", "reject_dependent"),
                   source, receiver, True,
                   (_aaa("reject_source"),)),
        aliases=_ALIASES)


INQUIRY_270 = _270()
RESPONSE_271 = _271()
