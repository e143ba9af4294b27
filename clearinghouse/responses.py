"""Reading a clearinghouse's responses (TA1, 999, 277CA) into the verdict values of
:mod:`claims.acknowledgments`: only the keys that tie them to our submissions and the codes,
put into words a billing person reads.

The matching keys are x12-domain §7.4: TA101 = our ISA13; 999 AK102 = our GS06 and AK202 = our
ST02, with CTX*CLM01 naming a claim; 277CA 2200D TRN02 = CLM01, REF*1K the payer's claim number,
2220D REF*FJ = our line's REF*6R. Codes are §2.3 (TA105), §7.2 (IK304, IK403, IK5) and §7.3
(STC categories and action codes).
"""

from __future__ import annotations

from collections.abc import Iterable

from claims.acknowledgments import (
    ClaimVerdict,
    InterchangeVerdict,
    LineVerdict,
    SetVerdict,
    Verdict,
)
from edi.x12 import Segment

__all__ = ["read_277ca", "read_999", "read_ta1"]

_TA105 = {
    "000": "no error", "001": "the ISA13 and IEA02 control numbers differ",
    "002": "this control standard is not supported", "003": "this version is not supported",
    "004": "the segment terminator is invalid", "005": "the sender id qualifier is invalid",
    "006": "the sender id is invalid", "007": "the receiver id qualifier is invalid",
    "008": "the receiver id is invalid", "009": "the receiver id is unknown to them",
    "014": "the interchange date is invalid", "015": "the interchange time is invalid",
    "017": "the version (ISA12) is invalid", "018": "the interchange control number is invalid",
    "020": "the usage indicator (ISA15) is invalid", "021": "the group count in IEA01 is wrong",
    "022": "the file has invalid control characters", "023": "the file ended prematurely",
    "024": "the interchange content is invalid",
    "025": "the interchange control number was already used (duplicate file)",
}
_IK304 = {
    "1": "unrecognized segment", "2": "unexpected segment", "3": "required segment missing",
    "4": "loop occurs too many times", "5": "segment repeats too many times",
    "6": "segment not in this transaction", "7": "segment out of order",
    "8": "segment has data element errors", "I4": "segment must not be sent",
    "I6": "situationally required segment missing", "I7": "loop occurs too few times",
    "I8": "segment occurs too few times", "I9": "situationally excluded segment present",
}
_IK403 = {
    "1": "required value missing", "2": "conditionally required value missing",
    "3": "too many data elements", "4": "value too short", "5": "value too long",
    "6": "invalid character", "7": "invalid code value", "8": "invalid date",
    "9": "invalid time", "10": "excluded value present", "12": "too many repetitions",
    "13": "too many components", "I6": "code value not used in this implementation",
    "I9": "situationally required value missing", "I10": "value must not be sent",
    "I12": "value does not match the required pattern",
}
_IK5 = {"A": Verdict.ACCEPTED, "E": Verdict.ACCEPTED_WITH_ERRORS}
_IK502 = {
    "1": "this transaction set is not supported", "2": "the SE trailer is missing",
    "3": "the ST and SE control numbers differ", "4": "the SE01 segment count is wrong",
    "6": "the transaction set identifier is missing or invalid",
    "7": "the transaction set control number is missing or invalid",
    "18": "the set is not inside a functional group",
    "19": "the implementation guide reference (ST03) is invalid",
    "23": "the transaction set control number is not unique in its group",
    "I5": "one or more segments are in error",
    "I6": "the implementation guide is not supported",
}
_STC_CATEGORY = {
    "A0": "forwarded to another entity", "A1": "received, not yet accepted",
    "A2": "accepted into adjudication", "A3": "returned as unprocessable",
    "A4": "not found", "A5": "split claim", "A6": "rejected for missing information",
    "A7": "rejected for invalid information", "A8": "rejected for a relational field in error",
}
_STC_STATUS = {
    "19": "received", "20": "accepted for processing", "21": "missing or invalid information",
    "33": "subscriber and subscriber id not found", "35": "claim not found",
    "116": "sent to the wrong payer", "145": "entity's taxonomy", "153": "entity's id number",
    "164": "entity's contract/member number", "187": "date(s) of service",
    "247": "line information", "400": "claim is out of balance", "454": "procedure code",
    "507": "HCPCS code", "562": "entity's NPI", "673": "patient reason for visit",
}
_REJECTED_CATEGORIES = frozenset({"A3", "A4", "A6", "A7", "A8"})


def read_ta1(segments: Iterable[Segment]) -> list[InterchangeVerdict]:
    """Every TA1 in the text (a TA1 sits directly in its ISA/IEA, §2.3)."""
    verdicts, sender = [], ""
    for seg in segments:
        if seg.tag == "ISA":
            sender = seg.get(6).strip()
        elif seg.tag == "TA1":
            try:
                control = int(seg.get(1))
            except ValueError:
                continue
            note = seg.get(5)
            verdict = {"A": Verdict.ACCEPTED, "E": Verdict.ACCEPTED_WITH_ERRORS}.get(
                seg.get(4), Verdict.REJECTED)
            words = _TA105.get(note, f"note code {note}") if note else "no note"
            verdicts.append(InterchangeVerdict(control, verdict, f"{seg.get(4)} {note}".strip(),
                                               words[0].upper() + words[1:], sender))
    return verdicts


def _ik3_words(seg: Segment) -> str:
    where = f"segment {seg.get(1)} at position {seg.get(2)}"
    if seg.get(3):
        where += f" (loop {seg.get(3)})"
    return f"{where}: {_IK304.get(seg.get(4), 'error ' + seg.get(4))}"


def _ik4_words(seg: Segment, segment_id: str) -> str:
    position = seg.components(1)
    element = seg.get(2) and f" (data element {seg.get(2)})"
    number = position[0].zfill(2) if position[0].isdigit() else position[0]
    # IK401 is element:component[:repetition] within the segment IK3 named (X231A1 2110).
    name = (f"{segment_id}{number}" if segment_id else f"element {position[0]}") + (
        f"-{position[1]}" if len(position) > 1 and position[1] else "")
    words = f"{name}{element}: {_IK403.get(seg.get(3), 'error ' + seg.get(3))}"
    return words + (f" '{seg.get(4)}'" if seg.get(4) else "")


def read_999(segments: Iterable[Segment]) -> list[SetVerdict]:
    """One verdict per acknowledged set; a group rejected without AK2 loops (AK9 R) gives one
    verdict with an empty ST02, meaning every set of that group."""
    verdicts: list[SetVerdict] = []
    sender = group = ""
    st02: str | None = None
    errors: list[str] = []
    by_claim: dict[str, list[str]] = {}
    claim = segment_id = ""
    group_sets = 0
    for seg in segments:
        tag = seg.tag
        if tag == "ISA":
            sender = seg.get(6).strip()
        elif tag == "AK1":
            group, group_sets = seg.get(2), 0
        elif tag == "AK2":
            st02, errors, by_claim, claim = seg.get(2), [], {}, ""
        elif tag == "IK3" and st02 is not None:
            errors.append(_ik3_words(seg))
            claim, segment_id = "", seg.get(1)
        elif tag == "CTX" and st02 is not None and seg.component(1, 1) == "CLM01":
            claim = seg.component(1, 2)
            if errors:
                by_claim.setdefault(claim, []).append(errors[-1])
        elif tag == "IK4" and st02 is not None:
            words = _ik4_words(seg, segment_id)
            errors.append(words)
            if claim:
                by_claim.setdefault(claim, []).append(words)
        elif tag == "IK5" and st02 is not None:
            codes = "*".join(e for e in seg.elements if e)
            # IK502..IK506: code 5 only says "see the IK3 loops"; the others are set-level.
            errors += [_IK502[c] for c in seg.elements[1:6] if c in _IK502]
            verdicts.append(SetVerdict(
                _number(group), st02, _IK5.get(seg.get(1), Verdict.REJECTED), codes,
                tuple(errors), tuple((k, tuple(v)) for k, v in by_claim.items()), sender))
            group_sets += 1
            st02 = None
        elif tag == "AK9" and group_sets == 0 and seg.get(1) == "R":
            verdicts.append(SetVerdict(_number(group), "", Verdict.REJECTED,
                                       "*".join(e for e in seg.elements if e),
                                       ("the whole functional group was rejected",), (), sender))
    return verdicts


def _number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def _stc_verdict(seg: Segment) -> tuple[Verdict, str, str]:
    category, status = seg.component(1, 1), seg.component(1, 2)
    action = seg.get(3)
    if action == "U" or category in _REJECTED_CATEGORIES:
        verdict = Verdict.REJECTED
    elif action == "WQ" or category in ("A2", "A5"):
        verdict = Verdict.ACCEPTED
    else:
        verdict = Verdict.INFORMATIONAL
    words = _STC_CATEGORY.get(category, f"category {category}")
    if status:
        words += f": {_STC_STATUS.get(status, 'status ' + status)}"
    entity = seg.component(1, 3)
    if entity:
        words += f" (entity {entity})"
    for extra in (seg.get(10), seg.get(11)):
        if extra:
            code = extra.split(seg.delimiters.component)
            if len(code) > 1:
                words += f"; {_STC_STATUS.get(code[1], 'status ' + code[1])}"
    if seg.get(12):
        words += f" - {seg.get(12)}"
    return verdict, seg.get(1), words


def _worst(stcs: list[tuple[Verdict, str, str]]) -> tuple[Verdict, str, str]:
    for wanted in (Verdict.REJECTED, Verdict.ACCEPTED):
        for stc in stcs:
            if stc[0] is wanted:
                return stc
    return stcs[0] if stcs else (Verdict.INFORMATIONAL, "", "no status given")


def read_277ca(segments: Iterable[Segment]) -> list[ClaimVerdict]:
    """One verdict per 2200D claim with its 2220D lines."""
    claims: list[ClaimVerdict] = []
    level = ""
    claim: dict[str, object] | None = None
    line: dict[str, object] | None = None

    def close_line() -> None:
        nonlocal line
        if claim is not None and line is not None and line["number"]:
            verdict, codes, words = _worst(line["stc"])  # type: ignore[arg-type]
            claim["lines"].append(LineVerdict(str(line["number"]), verdict, codes, words))  # type: ignore[union-attr]
        line = None

    def close_claim() -> None:
        nonlocal claim
        close_line()
        if claim is not None and claim["pcn"]:
            verdict, codes, words = _worst(claim["stc"])  # type: ignore[arg-type]
            claims.append(ClaimVerdict(str(claim["pcn"]), verdict, codes, words,
                                       str(claim["icn"]), tuple(claim["lines"])))  # type: ignore[arg-type]
        claim = None

    for seg in segments:
        tag = seg.tag
        if tag in ("HL", "SE"):
            close_claim()
            level = seg.get(3) if tag == "HL" else ""
            if level == "PT":
                claim = {"pcn": "", "icn": "", "stc": [], "lines": []}
        elif claim is None or level != "PT":
            continue
        elif tag == "SVC":
            close_line()
            line = {"number": "", "stc": []}
        elif tag == "TRN" and line is None:
            claim["pcn"] = seg.get(2)
        elif tag == "STC":
            (line or claim)["stc"].append(_stc_verdict(seg))  # type: ignore[union-attr]
        elif tag == "REF" and line is not None and seg.get(1) == "FJ":
            line["number"] = seg.get(2)
        elif tag == "REF" and line is None and seg.get(1) == "1K":
            claim["icn"] = seg.get(2)
    close_claim()
    return claims
