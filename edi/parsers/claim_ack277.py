"""Inbound 277CA claim acknowledgments (005010X214) read into one value per claim.

A 277CA says, claim by claim, whether a clearinghouse or payer took a claim into adjudication
(x12-domain.md 7.3). The hierarchy is information source (HL03 20: the payer or clearinghouse),
information receiver (21: us, with the batch's TRN and totals), billing provider (19) and
patient (PT); each patient level holds one claim (2200D) and its service lines (2220D):

- 2200D TRN02 is the patient control number we sent in CLM01, the key to our claim;
- REF*1K is the payer's claim control number, needed later for corrections (REF*F8);
- each STC is category:status:entity, with the category telling the outcome: A1/A2 accepted,
  A3/A6/A7/A8 rejected (X214 STC notes, claim status category codes list);
- 2220D SVC + REF*FJ (our REF*6R line item control number) carry line-level statuses.

Reading is lenient (the TR3 examples themselves omit loops pyx12's map requires): segments
are read by hierarchical level, never rejected for order. The 277 claim status response
(005010X212, HL03 22/23) has the same claim shape and is read the same way. A bare ST..SE set
is read in a synthetic envelope, and an ISA with blanks around its separators as if written
without them, each with a warning defect on every set of that interchange.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from edi.acknowledgments.status_categories import Outcome, category_meaning, outcome_of, worst
from edi.errors import WrongTransactionError
from edi.parsers.chunked import ReadingWarnings, text_batches
from edi.parsers.construction import ccyymmdd, positional
from edi.x12.collector import collector_paused
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.numbers import NumberFormatError, read_count, read_decimal
from edi.x12.segment import Segment
from edi.x12.tokenizer import Tokenizer

__all__ = [
    "Outcome",
    "outcome_of",
    "Status",
    "StatusCode",
    "Party",
    "LineAcknowledgment",
    "ClaimAcknowledgment",
    "ClaimAcknowledgmentBatch",
    "read_277ca",
]


@dataclass(frozen=True, slots=True)
class StatusCode:
    """One category:status:entity composite of an STC (STC01, STC10 or STC11)."""

    category: str          # code source 507: A2 ...
    status: str            # code source 508: 20 accepted for processing, 21 missing info ...
    entity: str            # who or what the status is about: 85 billing provider, IL, QC ...
    outcome: Outcome

    @property
    def category_meaning(self) -> str:
        return category_meaning(self.category)


@dataclass(frozen=True, slots=True)
class Status:
    """One STC segment: its codes, dates, action and amount, and free text (STC12)."""

    codes: tuple[StatusCode, ...]
    effective_date: dt.date | None       # STC02
    action: str                          # STC03: WQ accepted, U rejected
    amount: Decimal | None               # STC04: total claim (or line) charge
    message: str                         # STC12

    @property
    def outcome(self) -> Outcome:
        return worst(c.outcome for c in self.codes)


@dataclass(frozen=True, slots=True)
class Party:
    """An NM1: entity code, name and identifier (NM108/NM109)."""

    entity: str
    name: str
    id_qualifier: str
    id: str


@dataclass(frozen=True, slots=True)
class LineAcknowledgment:
    """2220D: one service line as the partner saw it."""

    procedure_qualifier: str            # SVC01-1: HC, AD, NU ...
    procedure: str                      # SVC01-2
    modifiers: tuple[str, ...]
    charge: Decimal | None              # SVC02
    revenue_code: str                   # SVC04
    units: Decimal | None               # SVC05
    line_item_control_number: str       # REF*FJ = our 837 REF*6R
    service_date: dt.date | None        # DTP*472 (first date of a range)
    statuses: tuple[Status, ...]

    @property
    def outcome(self) -> Outcome:
        return _worst(self.statuses)


@dataclass(frozen=True, slots=True)
class ClaimAcknowledgment:
    """2200D: one claim's acknowledgment, everything the claims service needs to apply it."""

    patient_control_number: str          # TRN02 = our CLM01
    payer_claim_number: str              # REF*1K
    clearinghouse_trace: str             # REF*D9
    bill_type: str                       # REF*BLT (institutional)
    patient: Party | None                # 2100D NM1*QC
    billing_provider: Party | None       # 2100C NM1*85
    source: Party | None                 # 2100A NM1*PR or AY: who acknowledges
    service_from: dt.date | None         # DTP*472
    service_to: dt.date | None
    statuses: tuple[Status, ...]
    lines: tuple[LineAcknowledgment, ...]
    batch_trace: str = ""                # 2200B TRN02 of the batch acknowledged

    @property
    def outcome(self) -> Outcome:
        return _worst(self.statuses)

    @property
    def accepted(self) -> bool:
        return self.outcome is Outcome.ACCEPTED

    @property
    def rejected(self) -> bool:
        return self.outcome is Outcome.REJECTED

    @property
    def total_charge(self) -> Decimal | None:
        return next((s.amount for s in self.statuses if s.amount is not None), None)


@dataclass(frozen=True, slots=True)
class ClaimAcknowledgmentBatch:
    """One 277CA transaction set: who sent it, batch-level statuses, and each claim."""

    control_number: str                  # ST02
    source: Party | None
    receiver: Party | None
    receipt_date: dt.date | None         # 2200A DTP*050
    process_date: dt.date | None         # 2200A DTP*009
    batch_trace: str                     # 2200B TRN02
    batch_statuses: tuple[Status, ...]   # 2200B/2200C STC
    accepted_count: int | None           # 2200B QTY*90
    rejected_count: int | None           # 2200B QTY*AA
    claims: tuple[ClaimAcknowledgment, ...]
    defects: tuple[Defect, ...] = ()


def _worst(statuses: tuple[Status, ...]) -> Outcome:
    return worst(s.outcome for s in statuses)


#: Distinct dates and amounts remembered per read.
_KEPT = 4096
#: Elements read by index, an absent one as "" (STC has twelve).
_PAD = ("",) * 12
# Slot by slot (see positional): faster than a frozen __init__, and made for every claim.
_new_status_code, _new_status, _new_party, _new_claim = (
    positional(c) for c in (StatusCode, Status, Party, ClaimAcknowledgment))


class _Reader:
    """A small state machine over HL levels (source, receiver, provider, patient)."""

    _PATIENT_LEVELS = ("PT", "22", "23")

    def __init__(self, source: str | None, warnings: ReadingWarnings) -> None:
        self.source = source
        self.warnings = warnings
        self.read_leniently: tuple[Defect, ...] = ()     # the interchange's warnings
        self.batches: list[ClaimAcknowledgmentBatch] = []
        self.skipped: list[Defect] = []     # sets that are not 277s
        self.skipping = False
        # Dates and amounts read so far (the same few repeat on every claim), up to _KEPT.
        self.read_dates: dict[str, dt.date | None] = {}
        self.read_amounts: dict[str, Decimal] = {}
        self.reset("")

    def reset(self, st02: str) -> None:
        self.st02 = st02
        self.level = ""
        self.payer: Party | None = None
        self.receiver: Party | None = None
        self.provider: Party | None = None
        self.dates: dict[str, dt.date | None] = {}
        self.batch_trace = ""
        self.batch_statuses: list[Status] = []
        self.counts: dict[str, int] = {}
        self.claims: list[ClaimAcknowledgment] = []
        self.claim: dict[str, object] | None = None
        self.line: dict[str, object] | None = None
        self.patient: Party | None = None
        self.defects: list[Defect] = list(self.read_leniently)

    # -- values ---------------------------------------------------------------------------
    def problem(self, seg: Segment, element: int, code: str, message: str) -> None:
        where = f"{self.source}: " if self.source else ""
        self.defects.append(Defect(
            Severity.ERROR, DefectLevel.ELEMENT, code,
            X12Path(segment=seg.tag, element=element, transaction=self.st02,
                    file_position=seg.position), f"{where}{message}"))

    def money(self, seg: Segment, n: int) -> Decimal | None:
        raw = seg.get(n)
        if not raw:
            return None
        found = self.read_amounts.get(raw)
        if found is not None:
            return found
        try:
            found = read_decimal(raw)
        except NumberFormatError as exc:
            self.problem(seg, n, "6", f"{seg.tag}{n:02d} should be an amount: {exc}")
            return None
        if len(self.read_amounts) < _KEPT:
            self.read_amounts[raw] = found
        return found

    def date(self, seg: Segment, n: int, raw: str | None = None) -> dt.date | None:
        raw = seg.get(n) if raw is None else raw
        if not raw:
            return None
        text = raw[:8]
        dates = self.read_dates
        if text in dates:
            value = dates[text]
        else:
            value = ccyymmdd(text)
            if len(dates) < _KEPT:
                dates[text] = value
        if value is None:
            self.problem(seg, n, "8", f"{seg.tag}{n:02d} should be a CCYYMMDD date, "
                                      f"found {raw!r}")
        return value

    def status(self, seg: Segment) -> Status:
        v = seg.elements + _PAD
        action, component = v[2], seg.delimiters.component
        codes = []
        for raw in (v[0], v[9], v[10]):
            parts = raw.split(component) + ["", "", ""]
            if parts[0] or parts[1]:
                codes.append(_new_status_code(parts[0], parts[1], parts[2],
                                              outcome_of(parts[0], action)))
        return _new_status(tuple(codes), self.date(seg, 2, v[1]), action, self.money(seg, 4),
                           v[11])

    # -- structure ------------------------------------------------------------------------
    def close_line(self) -> None:
        if self.line is not None and self.claim is not None:
            self.claim["lines"].append(LineAcknowledgment(**{  # type: ignore[union-attr]
                **self.line, "statuses": tuple(self.line["statuses"])}))  # type: ignore[arg-type]
        self.line = None

    def close_claim(self) -> None:
        self.close_line()
        if self.claim is not None:
            c = self.claim
            self.claims.append(_new_claim(
                patient_control_number=c["pcn"], payer_claim_number=c["1K"],  # type: ignore[arg-type]
                clearinghouse_trace=c["D9"], bill_type=c["BLT"],  # type: ignore[arg-type]
                patient=self.patient, billing_provider=self.provider, source=self.payer,
                service_from=c["from"], service_to=c["to"],  # type: ignore[arg-type]
                statuses=tuple(c["statuses"]), lines=tuple(c["lines"]),  # type: ignore[arg-type]
                batch_trace=self.batch_trace))
        self.claim = None

    def close_set(self) -> None:
        self.close_claim()
        self.batches.append(ClaimAcknowledgmentBatch(
            self.st02, self.payer, self.receiver, self.dates.get("050"), self.dates.get("009"),
            self.batch_trace, tuple(self.batch_statuses), self.counts.get("90"),
            self.counts.get("AA"), tuple(self.claims), tuple(self.defects)))

    def feed(self, seg: Segment) -> None:
        tag = seg.tag
        if tag == "ST":
            self.reset(seg.get(2))
            self.skipping = seg.get(1) != "277"
            if self.skipping:
                self.skipped.append(Defect(
                    Severity.ERROR, DefectLevel.TRANSACTION, "6",
                    X12Path(segment="ST", element=1, transaction=seg.get(2),
                            file_position=seg.position),
                    f"{self.source + ': ' if self.source else ''}transaction set "
                    f"{seg.get(1)!r} is not a 277 claim acknowledgment; skipped"))
            return
        if tag == "ISA":
            self.read_leniently = self.warnings.at(seg)
            return
        if self.skipping:
            return
        if tag == "SE":
            self.close_set()
        elif tag == "HL":
            self.close_claim()
            self.level = seg.get(3)
            if self.level in self._PATIENT_LEVELS:
                self.patient = None
        elif tag == "NM1":
            self.name(seg)
        elif tag == "TRN":
            self.trace(seg)
        elif tag == "STC":
            self.stc(seg)
        elif tag == "SVC" and self.claim is not None:
            self.close_line()
            proc = seg.components(1) + ("",) * 7
            self.line = {
                "procedure_qualifier": proc[0], "procedure": proc[1],
                "modifiers": tuple(m for m in proc[2:6] if m), "charge": self.money(seg, 2),
                "revenue_code": seg.get(4),
                # X214/X212 report units in SVC07 (original units); SVC05 in older files.
                "units": self.money(seg, 7 if seg.get(7) else 5),
                "line_item_control_number": "", "service_date": None, "statuses": []}
        elif tag == "REF":
            self.reference(seg)
        elif tag == "DTP":
            self.dtp(seg)
        elif tag == "QTY" and self.level == "21":
            try:
                self.counts[seg.get(1)] = read_count(seg.get(2))
            except NumberFormatError as exc:
                self.problem(seg, 2, "6", f"QTY02 should be a count: {exc}")

    def name(self, seg: Segment) -> None:
        v = seg.elements + _PAD
        person = " ".join(p for p in (v[3], v[4]) if p)
        name = f"{v[2]}, {person}" if person else v[2]
        party = _new_party(v[0], name, v[7], v[8])
        if self.level == "20":
            self.payer = party
        elif self.level == "21":
            self.receiver = party
        elif self.level == "19":
            self.provider = party
        elif self.level in self._PATIENT_LEVELS:
            self.patient = party

    def trace(self, seg: Segment) -> None:
        if self.level == "21":
            self.batch_trace = seg.get(2)
        elif self.level in self._PATIENT_LEVELS:
            self.close_claim()
            self.claim = {"pcn": seg.get(2), "1K": "", "D9": "", "BLT": "", "from": None,
                          "to": None, "statuses": [], "lines": []}

    def stc(self, seg: Segment) -> None:
        status = self.status(seg)
        if self.line is not None:
            self.line["statuses"].append(status)  # type: ignore[attr-defined]
        elif self.claim is not None:
            self.claim["statuses"].append(status)  # type: ignore[attr-defined]
        elif self.level in ("21", "19"):
            self.batch_statuses.append(status)

    def reference(self, seg: Segment) -> None:
        qualifier, value = seg.get(1), seg.get(2)
        if self.line is not None and qualifier == "FJ":
            self.line["line_item_control_number"] = value
        elif self.claim is not None and qualifier in ("1K", "D9", "BLT"):
            self.claim[qualifier] = value

    def dtp(self, seg: Segment) -> None:
        qualifier, raw = seg.get(1), seg.get(3)
        if qualifier == "472":
            start, _, end = raw.partition("-")
            first = self.date(seg, 3, start)
            if self.line is not None:
                self.line["service_date"] = first
            elif self.claim is not None:
                self.claim["from"] = first
                self.claim["to"] = self.date(seg, 3, end) if end else first
        elif self.level == "20" and qualifier in ("050", "009"):
            self.dates[qualifier] = self.date(seg, 3)


def read_277ca(text: str, source: str | None = None) -> tuple[ClaimAcknowledgmentBatch, ...]:
    """Every 277CA (or 277) transaction set in ``text``, claim by claim.

    Raises :class:`~edi.errors.WrongTransactionError` (a ``ValueError``) naming the file when
    the text holds transaction sets but none is a 277 (a 999 or an 835 passed by mistake).
    """
    tokenizer = Tokenizer(source)
    with collector_paused():
        reader = _Reader(source, ReadingWarnings(tokenizer, f"{source}: " if source else ""))
        feed = reader.feed
        for batch in text_batches(text, source, tokenizer):
            for seg in batch:
                feed(seg)
    if reader.skipped and not reader.batches:
        raise WrongTransactionError("; ".join(d.message for d in reader.skipped))
    return tuple(reader.batches)
