"""Whole-segment recognisers: one regular expression per segment definition and delimiters.

A recogniser matches a segment's text only when every value present in it passes its value
check (values.py) and no element that must be empty is sent: listed codes, free text of the
right length, amounts, whole numbers, dates and times written in their usual form. It is a
fast way to clear a segment seen for the first time (a claim's CLP, the patient's NM1, a line
REF), which would otherwise be judged value by value in Python. It never reports anything: a
text it does not match is judged element by element, which names each problem, so the
expression may be (and is) stricter than the checks; it may never be looser.

What depends on which elements are present (required elements, syntax notes, too many
elements, a trailing separator) is not its business: the checker clears that first.

Value forms (X12.6 section 3.3; values.py): AN/ID text is printable ASCII without a
delimiter; R is ``-?digits`` or ``-?digits.digits`` within the length (the point and sign
not counted); Nn ``-?digits``; DT CCYYMMDD from 1800 with a day that exists in every year;
TM HHMM or HHMMSS. Elements with an external code list, a form rule, repetitions or another
type are recognised only when empty. A listed or external code is recognised exactly when
the value check accepts it.

Quantifiers are possessive and code lists atomic: no value holds a delimiter, so each element
can be matched one way only, and a possessive expression accepts a subset of what the same
expression with backtracking would, never more; it just fails faster.
"""

from __future__ import annotations

import re
from typing import Protocol

from edi.validation.values import ValueCheck
from edi.x12.delimiters import Delimiters
from edi.x12.grammar import CompositeDef, Usage

__all__ = ["segment_recognizer", "value_pattern", "Composite"]


class Composite(Protocol):
    """A composite element's checks: its definition and one value check per component."""

    d: CompositeDef
    parts: tuple[ValueCheck, ...]

_DAY = ("(?:(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])"   # days 1-28 exist in every month
        "|(?:0[13-9]|1[0-2])(?:29|30)"                    # 29 and 30, but not in February
        "|(?:0[13578]|1[02])31)")                         # 31 in the long months
_DATE8 = f"(?:18|19|20)[0-9]{{2}}{_DAY}"
_HHMM = "(?:[01][0-9]|2[0-3])[0-5][0-9]"


def _text_class(delims: Delimiters) -> str:
    """Printable ASCII without the delimiters, as ranges (a class of ranges compiles and
    matches faster than one of single characters)."""
    excluded = {ord(c) for c in (delims.element, delims.component, delims.repetition,
                                 delims.segment)}
    ranges: list[tuple[int, int]] = []
    for c in range(0x20, 0x7F):
        if c in excluded:
            continue
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    return "[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                         for a, b in ranges) + "]"


def _alternatives(codes: list[str], delims: Delimiters) -> str | None:
    seps = (delims.element, delims.component, delims.repetition, delims.segment)
    kept = sorted((c for c in codes if c and not any(s in c for s in seps)),
                  key=lambda c: (-len(c), c))
    # Longest first, and atomic: a code is followed by a delimiter or the end, which no code
    # holds, so the first code that matches is the only one that can.
    return "(?>" + "|".join(re.escape(c) for c in kept) + ")" if kept else None


def value_pattern(check: ValueCheck, delims: Delimiters) -> str | None:
    """The form of a valid, non-empty value of ``check``'s element, or None when none is
    recognised."""
    e = check.d
    if e.usage is Usage.NOT_USED or e.repeat > 1:
        return None
    if check.codes is not None or check.external is not None:
        # A closed list: exactly the codes the value check accepts (an external list is read
        # from its file, so which codes pass is asked of the check itself).
        listed = check.codes if check.codes is not None else check.external
        return _alternatives([c for c in listed if check.check(c) is None], delims)
    low, high = max(e.min_length, 1), e.max_length
    if high < low or check.pattern is not None:
        return None
    kind = e.data_type
    if kind in ("AN", "ID"):
        return f"{_text_class(delims)}{{{low},{high}}}+"
    if kind == "R":
        if e.min_length > 1:
            return None
        if high < 2:
            return "-?[0-9]"
        # up to six decimals, the whole part what is left of the length: one way to match
        fraction = min(high - 1, 6)
        return f"-?[0-9]{{1,{high - fraction}}}+(?:\\.[0-9]{{1,{fraction}}}+)?+"
    if kind[:1] == "N" and kind[1:].isdigit():
        return f"-?[0-9]{{{low},{high}}}+"
    if kind == "DT":
        return _DATE8 if e.max_length == 8 else None
    if kind == "TM":
        forms = [f for length, f in ((4, _HHMM), (6, _HHMM + "[0-5][0-9]"))
                 if e.min_length <= length <= high]
        return "(?:" + "|".join(forms) + ")" if forms else None
    return None


def _composite_pattern(c: CompositeDef, parts: tuple[ValueCheck, ...],
                       delims: Delimiters) -> str | None:
    if c.usage is Usage.NOT_USED or c.repeat > 1:
        return None
    sep = re.escape(delims.component)
    forms = [value_pattern(part, delims) for part in parts]
    required = [i for i, part in enumerate(parts) if part.d.usage is Usage.REQUIRED]
    if any(forms[i] is None for i in required):
        return None
    last_required = required[-1] if required else -1
    # Built from the last component back: components up to the last required one must be
    # there (non-empty when required); later ones may end the composite.
    tail = ""
    for i in range(len(forms) - 1, -1, -1):
        form = forms[i]
        own = form if i in required else (f"(?:{form})?+" if form is not None else "")
        body = own + tail
        if i == 0:
            # X12.6 section 3.7: no trailing component separator.
            return f"{body}(?<!{sep})"
        tail = f"(?:{sep}{body})" + ("" if i <= last_required else "?+")
    return None


def segment_recognizer(tag: str, slots: tuple[ValueCheck | Composite, ...],
                       delims: Delimiters) -> re.Pattern[str]:
    """The recogniser of segment ``tag`` whose elements are checked by ``slots`` (one value
    check, or a composite's, per element), written with ``delims``; use ``fullmatch``."""
    sep = re.escape(delims.element)
    tail = ""
    for slot in reversed(slots):
        if isinstance(slot, ValueCheck):
            value = value_pattern(slot, delims)
        else:
            value = _composite_pattern(slot.d, slot.parts, delims)
        own = f"(?:{value})?+" if value is not None else ""
        tail = f"(?:{sep}{own}{tail})?+"
    return re.compile(re.escape(tag) + tail)
