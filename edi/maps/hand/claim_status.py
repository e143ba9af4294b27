"""276 claim status request and 277 claim status response, 005010X212.

Hierarchy (X212 section 1.4): information source / payer (2000A, HL03 20), information
receiver (2000B, 21), service provider (2000C, 19), subscriber (2000D, 22) and dependent
(2000E, 23). The claim sits in 2200D or 2200E, its service lines in 2210 (276) or 2220 (277).
In the 277 the claim's TRN02 echoes the 276 TRN02, which is how a response finds its request
(X212 2200D TRN notes).
"""

from __future__ import annotations

from edi.maps.hand.notation import loop, seg, transaction
from edi.x12.grammar import LoopDef, SegmentDef, TransactionDef

__all__ = ["STATUS_REQUEST_276", "STATUS_RESPONSE_277"]

_VERSION = "005010X212"
# STC01 / STC10 / STC11: category (external 507), status (external 508), entity (DE 98),
# NCPDP reject code (X212 STC01-4).
_STC_CODE = "R!claim_status_cat R!claim_status S!entity_id S"
_STC_CLAIM = (f"R({_STC_CODE}) R - R S S S S S S({_STC_CODE}) S({_STC_CODE}) S")
_STC_SUMMARY = f"R({_STC_CODE}) S - S S - - - - S({_STC_CODE}) S({_STC_CODE}) S"
_SVC = "R(R=AD,CI,HC,HP,IV,N4,NU,WK R S S S S S) R S S S - S"
# 2220D line STC: codes and date only; the line's money is in SVC02/SVC03 (X212 2220D).
_STC_LINE = f"R({_STC_CODE}) R - - - - - - - S({_STC_CODE}) S({_STC_CODE}) S"


def _name(loop_id: str, entity: str, who: str, ids: str, *extra: SegmentDef,
          id_usage: str = "R") -> LoopDef:
    return loop(
        loop_id, f"{who} Name", "R", 1,
        seg("NM1", "R", 1, f"R={entity} R=1,2 R S S S S {id_usage}={ids} {id_usage}",
            f"{who} Name"),
        *extra)


def _request_claim(level: str) -> LoopDef:
    return loop(
        f"2200{level}", "Claim Status Tracking Number", "S" if level == "D" else "R", None,
        seg("TRN", "R", 1, "R=1 R", "Claim Status Tracking Number"),
        seg("REF", "S", 1, "R=1K R", "Payer Claim Control Number"),
        seg("REF", "S", 1, "R=BLT R", "Institutional Bill Type"),
        seg("REF", "S", 1, "R=LU R", "Application or Location System Identifier"),
        seg("REF", "S", 1, "R=6P R", "Group Number"),
        seg("REF", "S", 1, "R=EJ R", "Patient Control Number"),
        seg("REF", "S", 1, "R=XZ R", "Pharmacy Prescription Number"),
        seg("REF", "S", 1, "R=D9 R", "Claim Identification Number for Clearinghouses"),
        seg("AMT", "S", 1, "R=T3 R", "Claim Submitted Charges"),
        seg("DTP", "S", 1, "R=472 R=D8,RD8 R", "Claim Service Date"),
        loop(f"2210{level}", "Service Line Information", "S", None,
             seg("SVC", "R", 1, _SVC, "Service Line Information"),
             seg("REF", "S", 1, "R=FJ R", "Service Line Item Identification"),
             seg("DTP", "S", 1, "R=472 R=D8,RD8 R", "Service Line Date")))


def _response_claim(level: str) -> LoopDef:
    return loop(
        f"2200{level}", "Claim Status Tracking Number", "S" if level == "D" else "R", None,
        seg("TRN", "R", 1, "R=2 R", "Claim Status Tracking Number"),
        seg("STC", "R", None, _STC_CLAIM, "Claim Level Status Information"),
        seg("REF", "S", 1, "R=1K R", "Payer Claim Control Number"),
        seg("REF", "S", 1, "R=BLT R", "Institutional Bill Type"),
        seg("REF", "S", 1, "R=EJ R", "Patient Control Number"),
        seg("REF", "S", 1, "R=XZ R", "Pharmacy Prescription Number"),
        seg("REF", "S", 1, "R=VV R", "Voucher Identifier"),
        seg("REF", "S", 1, "R=D9 R", "Clearinghouse Trace Number"),
        seg("DTP", "S", 1, "R=472 R=D8,RD8 R", "Claim Service Date"),
        loop(f"2220{level}", "Service Line Information", "S", None,
             seg("SVC", "R", 1, _SVC, "Service Line Information"),
             seg("STC", "R", None, _STC_LINE, "Service Line Status Information"),
             seg("REF", "S", 1, "R=FJ R", "Service Line Item Identification"),
             seg("DTP", "S", 1, "R=472 R=D8,RD8 R", "Service Line Date")))


def _summary(level: str) -> LoopDef:
    # 277 2200B/2200C: a status reported for a whole receiver or provider (X212 2200B notes).
    return loop(
        f"2200{level}", "Status Tracking Number", "S", 1,
        seg("TRN", "R", 1, "R=1,2 R", "Status Tracking Number"),
        seg("STC", "S", None, _STC_SUMMARY, "Status Information"))


def _tree(response: bool) -> LoopDef:
    claim = _response_claim if response else _request_claim
    # A 277 may answer at the receiver or provider level alone (2200B/2200C status), so the
    # levels below are situational there; a 276 always asks down to a claim.
    level_usage = "S" if response else "R"
    child_codes = "0,1" if response else "1"
    provider_ids = "FI,SV,XX"
    patient_d: tuple[SegmentDef, ...] = () if response else (
        seg("DMG", "S", 1, "R=D8 R S=F,M,U", "Subscriber Demographic Information"),)
    patient_e: tuple[SegmentDef, ...] = () if response else (
        seg("DMG", "R", 1, "R=D8 R S=F,M,U", "Dependent Demographic Information"),)
    receiver_extra = (_summary("B"),) if response else ()
    provider_extra = (_summary("C"),) if response else ()
    source = _name("2100A", "PR", "Payer", "PI,XV",
                   *((seg("PER", "S", 1, "R=IC S S=ED,EM,FX,TE,UR R S S S S"),)
                     if response else ()))
    return loop(
        "2000A", "Information Source Level", "R", None,
        seg("HL", "R", 1, "R - R=20 R=1", "Information Source Level"),
        source,
        loop("2000B", "Information Receiver Level", "R", None,
             seg("HL", "R", 1, f"R R R=21 R={child_codes}", "Information Receiver Level"),
             _name("2100B", "41", "Information Receiver", "46,FI,XX"),
             *receiver_extra,
             loop("2000C", "Service Provider Level", level_usage, None,
                  seg("HL", "R", 1, f"R R R=19 R={child_codes}", "Service Provider Level"),
                  _name("2100C", "1P", "Provider", provider_ids),
                  *provider_extra,
                  loop("2000D", "Subscriber Level", level_usage, None,
                       seg("HL", "R", 1, "R R R=22 R=0,1", "Subscriber Level"),
                       *patient_d,
                       _name("2100D", "IL", "Subscriber", "MI,24,II"),
                       claim("D"),
                       loop("2000E", "Dependent Level", "S", None,
                            seg("HL", "R", 1, "R R R=23 S=0", "Dependent Level"),
                            *patient_e,
                            # A dependent patient usually has no member id of their own (X212 2100E NM108 notes).
                            _name("2100E", "QC", "Patient", "MI,II", id_usage="S"),
                            claim("E"))))))


def _276() -> TransactionDef:
    return transaction(
        "276", _VERSION, "HR", "Health Care Claim Status Request",
        seg("BHT", "R", 1, "R=0010 R=13 R R R", "Beginning of Hierarchical Transaction"),
        _tree(response=False))


def _277() -> TransactionDef:
    return transaction(
        "277", _VERSION, "HN", "Health Care Claim Status Response",
        seg("BHT", "R", 1, "R=0010 R=08 R R R R=DG", "Beginning of Hierarchical Transaction"),
        _tree(response=True))


STATUS_REQUEST_276 = _276()
STATUS_RESPONSE_277 = _277()
