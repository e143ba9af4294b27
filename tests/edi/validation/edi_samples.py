"""Small, valid 835 and 837P files (fictional data) that tests break one thing at a time."""

from __future__ import annotations

ISA = ("ISA*00*          *00*          *ZZ*CLAIMHOUSE     *ZZ*PAYERONE       *240102*1345*^"
       "*00501*000000101*0*T*:~")

CLAIM_837P = [
    "ST*837*0001*005010X222A1",
    "BHT*0019*00*BATCH0001*20240102*1345*CH",
    "NM1*41*2*RIVERSIDE BILLING*****46*RB001",
    "PER*IC*ANNA CLERK*TE*5555550100",
    "NM1*40*2*PAYER ONE*****46*PAYER1",
    "HL*1**20*1",
    "NM1*85*2*RIVERSIDE CLINIC*****XX*1234567893",
    "N3*100 MAIN ST",
    "N4*SPRINGFIELD*IL*627010000",
    "REF*EI*123456789",
    "HL*2*1*22*0",
    "SBR*P*18*GRP100******CI",
    "NM1*IL*1*DOE*JANE****MI*MEMBER001",
    "N3*1 ELM ST",
    "N4*SPRINGFIELD*IL*62701",
    "DMG*D8*19800115*F",
    "NM1*PR*2*PAYER ONE*****PI*PAYER1",
    "CLM*PATIENT001*150.00***11:B:1*Y*A*Y*Y",
    "HI*ABK:J209",
    "LX*1",
    "SV1*HC:99213*100.00*UN*1***1",
    "DTP*472*D8*20231220",
    "LX*2",
    "SV1*HC:87070*50.00*UN*1***1",
    "DTP*472*D8*20231220",
    "SE*26*0001",
]

REMIT_835 = [
    "ST*835*1001",
    "BPR*I*130.00*C*CHK************20240105",
    "TRN*1*CHECK12345*1999999999",
    "DTM*405*20240104",
    "N1*PR*PAYER ONE",
    "N3*PO BOX 1",
    "N4*CAPITAL CITY*IL*627010000",
    "PER*BL*EDI DESK*TE*5555550199",
    "N1*PE*RIVERSIDE CLINIC*XX*1234567893",
    "LX*1",
    "CLP*PATIENT001*1*150.00*110.00*20.00*12*PAYERCLAIM1",
    "CAS*CO*45*10.00",
    "NM1*QC*1*DOE*JANE****MI*MEMBER001",
    "SVC*HC:99213*100.00*70.00",
    "DTM*472*20231220",
    "CAS*PR*2*20.00",
    "CAS*CO*45*10.00",
    "SVC*HC:87070*50.00*50.00",
    "DTM*472*20231220",
    "CLP*PATIENT002*1*40.00*30.00**12*PAYERCLAIM2",
    "NM1*QC*1*ROE*RICHARD****MI*MEMBER002",
    "SVC*HC:99212*40.00*30.00",
    "DTM*472*20231221",
    "CAS*CO*45*10.00",
    "PLB*1234567893*20241231*WO:ADJ1*10.00",
    "SE*26*1001",
]


def interchange(body: list[str], functional_id: str, version: str) -> str:
    """Wrap set segments in GS/GE and ISA/IEA with matching counts and control numbers."""
    segments = [ISA.rstrip("~"), f"GS*{functional_id}*CLAIMHOUSE*PAYERONE*20240102*1345*7*X*"
                                 f"{version}", *body, "GE*1*7", "IEA*1*000000101"]
    return "~\n".join(segments) + "~\n"


def text_837p(body: list[str]) -> str:
    return interchange(body, "HC", "005010X222A1")


def text_835(body: list[str]) -> str:
    return interchange(body, "HP", "005010X221A1")


def cob_837p() -> list[str]:
    """A claim to a secondary payer carrying what the primary (PAYERTWO) paid and adjusted."""
    body = list(CLAIM_837P)
    body[body.index("SBR*P*18*GRP100******CI")] = "SBR*S*18*GRP100******CI"
    at = body.index("LX*1")
    body[at:at] = [
        "SBR*P*18*GRP200******CI",
        "AMT*D*90.00",
        "OI***Y***Y",
        "NM1*IL*1*DOE*JANE****MI*MEMBER002",
        "NM1*PR*2*PAYER TWO*****PI*PAYERTWO",
    ]
    line1 = body.index("DTP*472*D8*20231220") + 1
    body[line1:line1] = ["SVD*PAYERTWO*60.00*HC:99213**1", "CAS*CO*45*40.00",
                         "DTP*573*D8*20240110"]
    line2 = len(body) - 1
    body[line2:line2] = ["SVD*PAYERTWO*30.00*HC:87070**1", "CAS*PR*1*20.00",
                         "DTP*573*D8*20240110"]
    body[-1] = f"SE*{len(body)}*0001"
    return body
