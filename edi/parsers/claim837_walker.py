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
    adjudication_of,
    claim_of,
    entity_of,
    line_of,
    new_cas,
    new_coded,
    new_health_code,
    other_of,
)
from edi.parsers.construction import ccyymmdd
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.numbers import NumberFormatError, read_decimal
from edi.x12.segment import Segment

__all__ = ["TransactionWalker"]


#: Amounts (and composites) read per transaction set, kept while there are fewer (charges,
#: units and procedure codes repeat).
_AMOUNTS_KEPT = 4096
#: Padding so that elements are read by index, an absent one as "" (Segment.get, without a
#: call per element: the reader's hot path).
_PAD = ("",) * 9
#: Segments that belong to the NM1 before them.
_ENTITY_DETAILS = frozenset({"N3", "N4", "DMG", "PRV", "REF", "PER"})
_HL_LOOPS = {"20": "2000A", "22": "2000B", "23": "2000C"}


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
        self.amounts: dict[str, Decimal] = {}
        self.composites: dict[str, tuple[str, ...]] = {}    # one set: one component separator
        # 2400 DTP values and HI codes made so far: the lines of a claim share their service
        # dates, and the same diagnoses recur from claim to claim
        self.health_codes: dict[str, HealthCode] = {}
        self.line_dates: dict[tuple[str, str, str], CodedValue] = {}
        # The header parties (2010AA, 2010BA, 2010BB, 2010CA) last frozen, with their builders:
        # the claims of one subscriber or provider share them. A builder is complete by then
        # (its details follow its NM1, before any claim), so its value can be shared.
        self.frozen: list[tuple[dict, Entity] | None] = [None, None, None, None]

    def defect(self, message: str, element: int, code: str = "6") -> None:
        seg = self.seg
        self.defects.append(Defect(
            Severity.ERROR, DefectLevel.ELEMENT, code,
            X12Path(loop=self.loop, segment=seg.tag if seg else "", element=element,
                    transaction=self.control, file_position=seg.position if seg else 0),
            message))

    def decimal(self, seg: Segment, n: int, required: bool = False) -> Decimal | None:
        elements = seg.elements
        text = elements[n - 1].strip() if n <= len(elements) else ""
        found = self.amounts.get(text)
        if found is not None:
            return found
        if not text:
            if required:
                self.defect(f"{seg.tag}{n:02d} (an amount) is missing; read as 0", n, "1")
                return Decimal(0)
            return None
        try:
            found = read_decimal(text)
        except NumberFormatError as exc:
            self.defect(f"{seg.tag}{n:02d} should be a number: {exc}", n)
            return Decimal(0) if required else None
        if len(self.amounts) < _AMOUNTS_KEPT:
            self.amounts[text] = found
        return found

    def cas(self, seg: Segment) -> list[CasAdjustment]:
        out = []
        for k in range(2, 19, 3):
            if seg.get(k):
                amount = self.decimal(seg, k + 1, required=True) or Decimal(0)
                out.append(new_cas(seg.get(1), seg.get(k), amount, self.decimal(seg, k + 2)))
        return out

    def composite(self, text: str, component: str) -> tuple[str, ...]:
        """A composite's components; the same procedure codes and diagnosis pointers recur
        on line after line, so each text is split once per set and its tuple shared."""
        found = self.composites.get(text)
        if found is None:
            found = tuple(text.split(component))
            if len(self.composites) < _AMOUNTS_KEPT:
                self.composites[text] = found
        return found

    @staticmethod
    def new_entity(seg: Segment) -> dict:
        e = seg.elements + _PAD
        return {"entity": e[0], "entity_type": e[1], "last_name": e[2], "first_name": e[3],
                "middle_name": e[4], "suffix": e[6], "id_qualifier": e[7], "identifier": e[8],
                "address_lines": (), "refs": []}

    def entity_detail(self, entity: dict, seg: Segment) -> None:
        """N3/N4/DMG/PRV/REF/PER following an NM1 belong to it."""
        tag = seg.tag
        v = seg.elements + _PAD
        if tag == "N3":
            entity["address_lines"] = tuple(x for x in (v[0], v[1]) if x)
        elif tag == "N4":
            entity.update(city=v[0], state=v[1], postal_code=v[2], country=v[3])
        elif tag == "DMG":
            birth = ccyymmdd(v[1])
            if v[1] and birth is None:
                self.defect(f"DMG02 should be a date CCYYMMDD but reads {v[1]!r}", 2, "8")
            entity.update(birth_date=birth, sex=v[2])
        elif tag == "PRV":
            entity["taxonomy"] = v[2]
        elif tag == "REF":
            entity["refs"].append(new_coded(v[0], v[1], ""))

    def close_svd(self) -> None:
        if self.svd is not None and self.line is not None:
            self.line["adjudications"].append(adjudication_of(self.svd))
        self.svd = None

    def close_line(self) -> None:
        self.close_svd()
        if self.line is not None and self.claim is not None:
            self.claim["lines"].append(line_of(self.line))
        self.line = None

    def close_other(self) -> None:
        if self.other is not None and self.claim is not None:
            payer = self.other["payer"]
            self.other["payer_refs"] = payer["refs"] if payer else []
            self.claim["other_subscribers"].append(other_of(self.other))
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
        c.update(implementation=self.implementation, transaction=self.control, sbr=self.sbr)
        billing = self.party(0, self.billing)
        subscriber = self.party(1, self.subscriber)
        payer = self.party(2, self.payer)
        patient = self.party(3, self.patient) if dependent and self.patient is not None else None
        self.claims.append(claim_of(c, (billing, subscriber, payer, patient),
                                    self.relationship if dependent else ""))

    def party(self, role: int, builder: dict) -> Entity:
        last = self.frozen[role]
        if last is not None and last[0] is builder:
            return last[1]
        value = entity_of(builder)
        self.frozen[role] = (builder, value)
        return value

    def feed(self, seg: Segment) -> None:
        self.seg = seg
        tag = seg.tag
        entity = self.entity
        if entity is not None:
            if tag in _ENTITY_DETAILS:
                self.entity_detail(entity, seg)
                return
            self.entity = None
        if tag == "HL":
            self.close_claim()
            self.level = seg.get(3)
            if self.level == "20":
                self.billing_taxonomy = ""
            self.loop = _HL_LOOPS.get(self.level, "HL")
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
        tag, v = seg.tag, seg.elements + _PAD
        q = v[0]
        if tag == "SBR":
            self.sbr = seg.elements
        elif tag == "PRV" and self.level == "20":
            self.billing_taxonomy = v[2]
        elif tag == "PAT":
            self.relationship = q
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
        tag, c, v = seg.tag, self.claim, seg.elements + _PAD
        q = v[0]
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
                o["amounts"].append(new_coded(q, v[1], ""))
            elif tag == "OI":
                o["oi"] = seg.elements
            elif tag == "DTP":
                o["payer_dates"].append(new_coded(q, v[2], v[1]))
            elif tag == "REF" and o["payer"] is not None:
                o["payer"]["refs"].append(new_coded(q, v[1], ""))
            elif tag == "NM1":
                self.entity = self.new_entity(seg)
                if q in ("IL", "PR"):
                    o["subscriber" if q == "IL" else "payer"] = self.entity
                    self.loop = "2330A" if q == "IL" else "2330B"
        elif tag == "DTP":
            c["dates"].append(new_coded(q, v[2], v[1]))
        elif tag == "REF":
            c["refs"].append(new_coded(q, v[1], ""))
        elif tag == "NTE":
            c["notes"].append(new_coded(q, v[1], ""))
        elif tag == "CL1":
            c["cl1"] = seg.elements
        elif tag == "HI":
            codes, made = c["health_codes"], self.health_codes
            comp = seg.delimiters.component
            for text in seg.elements:
                code = made.get(text)
                if code is None:
                    parts = text.split(comp) + [""] * 9
                    code = new_health_code(parts[0], parts[1], parts[2], parts[3], parts[4],
                                           parts[8])
                    if len(made) < _AMOUNTS_KEPT:
                        made[text] = code
                codes.append(code)
        elif tag == "NM1":
            self.entity = self.new_entity(seg)
            c["providers"].append(self.entity)
            self.loop = "2310"

    def line_segment(self, seg: Segment) -> None:
        tag, v = seg.tag, seg.elements + _PAD
        q = v[0]
        if tag == "LX":
            self.close_line()
            self.close_other()
            self.loop = "2400"
            self.line = {"number": q, "segment": "", "procedure": (),
                         "revenue_code": "", "charge": Decimal(0), "unit_basis": "",
                         "units": None, "place_of_service": "", "diagnosis_pointers": (),
                         "non_covered": None, "dates": [], "refs": [], "ndc": "",
                         "ndc_quantity": None, "ndc_unit": "", "providers": [],
                         "adjudications": []}
            return
        ln = self.line
        assert ln is not None
        if tag == "DTP" and self.svd is None:     # the commonest line segment first
            key = (q, v[2], v[1])
            date = self.line_dates.get(key)
            if date is None:
                date = new_coded(q, v[2], v[1])
                if len(self.line_dates) < _AMOUNTS_KEPT:
                    self.line_dates[key] = date
            ln["dates"].append(date)
            return
        comp = seg.delimiters.component
        if tag == "SV1":
            ln["segment"] = "SV1"
            ln["procedure"] = self.composite(q, comp)
            ln["charge"] = self.decimal(seg, 2, required=True)
            ln["unit_basis"] = v[2]
            ln["units"] = self.decimal(seg, 4)
            ln["place_of_service"] = v[4]
            ln["diagnosis_pointers"] = self.composite(v[6], comp) if v[6] else ()
        elif tag == "SV2":
            ln.update(segment="SV2", revenue_code=q,
                      procedure=tuple(v[1].split(comp)) if v[1] else (),
                      charge=self.decimal(seg, 3, required=True), unit_basis=v[3],
                      units=self.decimal(seg, 5), non_covered=self.decimal(seg, 7))
        elif tag == "SVD":
            self.close_svd()
            self.loop = "2430"
            self.svd = {"payer_id": q, "paid": self.decimal(seg, 2, required=True),
                        "procedure": tuple(v[2].split(comp)) if v[2] else (),
                        "revenue_code": v[3], "units": self.decimal(seg, 5),
                        "adjustments": [], "dates": []}
        elif self.svd is not None and tag in ("CAS", "DTP", "AMT"):
            if tag == "CAS":
                self.svd["adjustments"].extend(self.cas(seg))
            elif tag == "DTP":
                self.svd["dates"].append(new_coded(q, v[2], v[1]))
        elif tag == "DTP":
            ln["dates"].append(new_coded(q, v[2], v[1]))
        elif tag == "REF":
            ln["refs"].append(new_coded(q, v[1], ""))
        elif tag == "LIN":
            ln["ndc"] = v[2]
        elif tag == "CTP":
            ln.update(ndc_quantity=self.decimal(seg, 4), ndc_unit=seg.component(5, 1))
        elif tag == "NM1":
            self.entity = self.new_entity(seg)
            ln["providers"].append(self.entity)
