"""The loops of one 837 ST..SE walked segment by segment into :class:`Claim837` values.

Each loop is collected in a mutable builder while it is open and frozen into its value when
the next loop of its level (or an outer one) begins: HL levels 2000A/2000B/2000C, the claim
(2300, CLM) with its provider loops (2310x), other payers (2320 SBR with 2330A/2330B NM1) and
lines (2400 LX with the SV1/SV2, 2410 LIN/CTP, 2420 NM1, 2430 SVD/CAS/DTP).
"""

from __future__ import annotations

from decimal import Decimal

from edi.parsers.claim837_values import (
    CasAdjustment,
    Claim837,
    CodedValue,
    Entity,
    HealthCode,
    LineAdjudication837,
    OtherSubscriber837,
    ServiceLine837,
)
from edi.parsers.remit835_values import ccyymmdd
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.numbers import NumberFormatError, read_decimal
from edi.x12.segment import Segment

__all__ = ["TransactionWalker"]


def _entity(data: dict) -> Entity:
    return Entity(**{**data, "refs": tuple(data["refs"])})


def _freeze(cls: type, data: dict) -> object:
    """A loop's mutable builder as its frozen value: lists become tuples, NM1 dicts entities."""
    values = {}
    for name in cls.__dataclass_fields__:
        value = data[name]
        if isinstance(value, list):
            value = tuple(_entity(v) if isinstance(v, dict) else v for v in value)
        elif isinstance(value, dict):
            value = _entity(value)
        values[name] = value
    return cls(**values)


class TransactionWalker:
    """Reads one ST..SE; mutable builders become frozen values at each loop's end."""

    def __init__(self, implementation: str, control: str, source: str) -> None:
        self.implementation, self.control, self.source = implementation, control, source
        self.defects: list[Defect] = []
        self.claims: list[Claim837] = []
        self.billing: dict | None = None
        self.sbr: tuple[str, ...] = ()
        self.subscriber: dict | None = None
        self.payer: dict | None = None
        self.patient: dict | None = None
        self.relationship = ""
        self.level = ""               # HL03 of the current level
        self.claim: dict | None = None
        self.entity: dict | None = None
        self.other: dict | None = None
        self.line: dict | None = None
        self.svd: dict | None = None
        self.seg: Segment | None = None
        self.loop = "HEADER"
        self.billing_taxonomy = ""    # 2000A PRV*BI comes before NM1*85

    def defect(self, message: str, element: int, code: str = "6") -> None:
        seg = self.seg
        self.defects.append(Defect(
            Severity.ERROR, DefectLevel.ELEMENT, code,
            X12Path(loop=self.loop, segment=seg.tag if seg else "", element=element,
                    transaction=self.control, file_position=seg.position if seg else 0),
            message))

    def decimal(self, seg: Segment, n: int, required: bool = False) -> Decimal | None:
        text = seg.get(n).strip()
        if not text:
            if required:
                self.defect(f"{seg.tag}{n:02d} (an amount) is missing; read as 0", n, "1")
                return Decimal(0)
            return None
        try:
            return read_decimal(text)
        except NumberFormatError as exc:
            self.defect(f"{seg.tag}{n:02d} should be a number: {exc}", n)
        return Decimal(0) if required else None

    def cas(self, seg: Segment) -> list[CasAdjustment]:
        out = []
        for k in range(2, 19, 3):
            if seg.get(k):
                amount = self.decimal(seg, k + 1, required=True) or Decimal(0)
                out.append(CasAdjustment(seg.get(1), seg.get(k), amount,
                                         self.decimal(seg, k + 2)))
        return out

    @staticmethod
    def new_entity(seg: Segment) -> dict:
        g = seg.get
        return {"entity": g(1), "entity_type": g(2), "last_name": g(3), "first_name": g(4),
                "middle_name": g(5), "suffix": g(7), "id_qualifier": g(8), "identifier": g(9),
                "address_lines": (), "refs": []}

    def entity_detail(self, seg: Segment) -> bool:
        """N3/N4/DMG/PRV/REF/PER following an NM1 belong to it."""
        e = self.entity
        if e is None or seg.tag not in ("N3", "N4", "DMG", "PRV", "REF", "PER"):
            return False
        if seg.tag == "N3":
            e["address_lines"] = tuple(v for v in (seg.get(1), seg.get(2)) if v)
        elif seg.tag == "N4":
            e.update(city=seg.get(1), state=seg.get(2), postal_code=seg.get(3),
                     country=seg.get(4))
        elif seg.tag == "DMG":
            birth = ccyymmdd(seg.get(2))
            if seg.get(2) and birth is None:
                self.defect(f"DMG02 should be a date CCYYMMDD but reads {seg.get(2)!r}", 2, "8")
            e.update(birth_date=birth, sex=seg.get(3))
        elif seg.tag == "PRV":
            e["taxonomy"] = seg.get(3)
        elif seg.tag == "REF":
            e["refs"].append(CodedValue(seg.get(1), seg.get(2)))
        return True

    def close_svd(self) -> None:
        if self.svd is not None and self.line is not None:
            self.line["adjudications"].append(_freeze(LineAdjudication837, self.svd))
        self.svd = None

    def close_line(self) -> None:
        self.close_svd()
        if self.line is not None and self.claim is not None:
            self.claim["lines"].append(_freeze(ServiceLine837, self.line))
        self.line = None

    def close_other(self) -> None:
        if self.other is not None and self.claim is not None:
            payer = self.other["payer"]
            self.other["payer_refs"] = payer["refs"] if payer else []
            self.claim["other_subscribers"].append(_freeze(OtherSubscriber837, self.other))
        self.other = None

    def close_claim(self) -> None:
        self.close_line()
        self.close_other()
        c, self.claim = self.claim, None
        if c is None:
            return
        if self.billing is None or self.subscriber is None or self.payer is None:
            self.defect("claim found outside a billing provider / subscriber / payer loop; "
                        "skipped", 0, "3")
            return
        dependent = self.level == "23"
        c.update(implementation=self.implementation, transaction=self.control,
                 billing_provider=self.billing, sbr=self.sbr, subscriber=self.subscriber,
                 payer=self.payer, patient=self.patient if dependent else None,
                 patient_relationship=self.relationship if dependent else "")
        self.claims.append(_freeze(Claim837, c))

    def feed(self, seg: Segment) -> None:
        self.seg = seg
        tag = seg.tag
        if self.entity_detail(seg):
            return
        self.entity = None
        if tag == "HL":
            self.close_claim()
            self.level = seg.get(3)
            if self.level == "20":
                self.billing_taxonomy = ""
            self.loop = {"20": "2000A", "22": "2000B", "23": "2000C"}.get(self.level, "HL")
            if self.level == "22":
                self.patient, self.relationship = None, ""
        elif tag == "CLM":
            self.close_claim()
            self.loop = "2300"
            self.claim = {"clm": seg.elements, "clm05": seg.components(5),
                          "clm11": seg.components(11) if seg.get(11) else (),
                          "charge": self.decimal(seg, 2, required=True), "dates": [],
                          "refs": [], "notes": [], "health_codes": [], "cl1": (),
                          "providers": [], "other_subscribers": [], "lines": [],
                          "file_position": seg.position}
        elif self.claim is None:
            self.header_segment(seg)
        elif self.line is not None or tag == "LX":
            self.line_segment(seg)
        else:
            self.claim_segment(seg)

    def header_segment(self, seg: Segment) -> None:
        tag, q = seg.tag, seg.get(1)
        if tag == "SBR":
            self.sbr = seg.elements
        elif tag == "PRV" and self.level == "20":
            self.billing_taxonomy = seg.get(3)
        elif tag == "PAT":
            self.relationship = seg.get(1)
        elif tag == "NM1":
            entity = self.new_entity(seg)
            self.entity = entity
            if q == "85":
                entity["taxonomy"] = self.billing_taxonomy
                self.billing = entity
            elif q == "IL":
                self.subscriber = entity
            elif q == "PR":
                self.payer = entity
            elif q == "QC":
                self.patient = entity

    def claim_segment(self, seg: Segment) -> None:
        tag, q, c = seg.tag, seg.get(1), self.claim
        assert c is not None
        if tag == "SBR":
            self.close_other()
            self.loop = "2320"
            self.other = {"sbr": seg.elements, "adjustments": [], "amounts": [], "oi": (),
                          "subscriber": None, "payer": None, "payer_dates": []}
        elif self.other is not None:
            o = self.other
            if tag == "CAS":
                o["adjustments"].extend(self.cas(seg))
            elif tag == "AMT":
                o["amounts"].append(CodedValue(q, seg.get(2)))
            elif tag == "OI":
                o["oi"] = seg.elements
            elif tag == "DTP":
                o["payer_dates"].append(CodedValue(q, seg.get(3), seg.get(2)))
            elif tag == "REF" and o["payer"] is not None:
                o["payer"]["refs"].append(CodedValue(q, seg.get(2)))
            elif tag == "NM1":
                self.entity = self.new_entity(seg)
                if q in ("IL", "PR"):
                    o["subscriber" if q == "IL" else "payer"] = self.entity
                    self.loop = "2330A" if q == "IL" else "2330B"
        elif tag == "DTP":
            c["dates"].append(CodedValue(q, seg.get(3), seg.get(2)))
        elif tag == "REF":
            c["refs"].append(CodedValue(q, seg.get(2)))
        elif tag == "NTE":
            c["notes"].append(CodedValue(q, seg.get(2)))
        elif tag == "CL1":
            c["cl1"] = seg.elements
        elif tag == "HI":
            for n in range(1, len(seg.elements) + 1):
                parts = list(seg.components(n)) + [""] * 9
                c["health_codes"].append(HealthCode(parts[0], parts[1], parts[2], parts[3], parts[4],
                                          parts[8]))
        elif tag == "NM1":
            self.entity = self.new_entity(seg)
            c["providers"].append(self.entity)
            self.loop = "2310"

    def line_segment(self, seg: Segment) -> None:
        tag, q = seg.tag, seg.get(1)
        if tag == "LX":
            self.close_line()
            self.close_other()
            self.loop = "2400"
            self.line = {"number": seg.get(1), "segment": "", "procedure": (),
                         "revenue_code": "", "charge": Decimal(0), "unit_basis": "",
                         "units": None, "place_of_service": "", "diagnosis_pointers": (),
                         "non_covered": None, "dates": [], "refs": [], "ndc": "",
                         "ndc_quantity": None, "ndc_unit": "", "providers": [],
                         "adjudications": []}
            return
        ln = self.line
        assert ln is not None
        if tag == "SV1":
            ln.update(segment="SV1", procedure=seg.components(1),
                      charge=self.decimal(seg, 2, required=True), unit_basis=seg.get(3),
                      units=self.decimal(seg, 4), place_of_service=seg.get(5),
                      diagnosis_pointers=seg.components(7) if seg.get(7) else ())
        elif tag == "SV2":
            ln.update(segment="SV2", revenue_code=seg.get(1),
                      procedure=seg.components(2) if seg.get(2) else (),
                      charge=self.decimal(seg, 3, required=True), unit_basis=seg.get(4),
                      units=self.decimal(seg, 5), non_covered=self.decimal(seg, 7))
        elif tag == "SVD":
            self.close_svd()
            self.loop = "2430"
            self.svd = {"payer_id": seg.get(1), "paid": self.decimal(seg, 2, required=True),
                        "procedure": seg.components(3) if seg.get(3) else (),
                        "revenue_code": seg.get(4), "units": self.decimal(seg, 5),
                        "adjustments": [], "dates": []}
        elif self.svd is not None and tag in ("CAS", "DTP", "AMT"):
            if tag == "CAS":
                self.svd["adjustments"].extend(self.cas(seg))
            elif tag == "DTP":
                self.svd["dates"].append(CodedValue(q, seg.get(3), seg.get(2)))
        elif tag == "DTP":
            ln["dates"].append(CodedValue(q, seg.get(3), seg.get(2)))
        elif tag == "REF":
            ln["refs"].append(CodedValue(q, seg.get(2)))
        elif tag == "LIN":
            ln["ndc"] = seg.get(3)
        elif tag == "CTP":
            ln.update(ndc_quantity=self.decimal(seg, 4), ndc_unit=seg.component(5, 1))
        elif tag == "NM1":
            self.entity = self.new_entity(seg)
            ln["providers"].append(self.entity)
