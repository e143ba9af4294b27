"""Element checks of one segment against its definition (SNIP 1 and 2).

Each check returns :class:`ElementProblem` values: the IK403 code of X231A1, the element,
component and repetition (1-based), and a sentence naming the element. What one value may be
(types, lengths, codes) is values.py; here are the segment's shape: how many elements,
required and not-used ones, composites, repetitions, syntax notes (X12.6 P/R/C/L/E) and dates
written in the form a qualifier names.

A segment definition is compiled once into a :class:`SegmentChecker`; element verdicts are
cached per value where values repeat (codes, dates, amounts), which is where most of the
segments of a claim file repeat themselves.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from edi.validation.recognizer import segment_recognizer
from edi.validation.values import ValueCheck, is_valid_date, is_valid_time, label
from edi.x12.delimiters import Delimiters
from edi.x12.grammar import CompositeDef, SegmentDef, Usage
from edi.x12.segment import Segment

__all__ = ["ElementProblem", "SegmentChecker", "checker_for", "is_valid_date", "is_valid_time"]

# IK403 codes (X231A1).
REQUIRED_MISSING = "1"
CONDITIONAL_MISSING = "2"
TOO_MANY_ELEMENTS = "3"
INVALID_CHARACTER = "6"
INVALID_DATE = "8"
EXCLUSION_VIOLATED = "10"
TOO_MANY_REPETITIONS = "12"
TOO_MANY_COMPONENTS = "13"
NOT_USED_PRESENT = "I10"
SEGMENT_HAS_ERRORS = "8"            # IK304, for problems of the segment's form


class ElementProblem(NamedTuple):
    code: str
    element: int
    component: int
    repetition: int
    message: str
    value: str = ""
    level: str = "IK4"      # DefectLevel value: IK4 element, IK3 segment form, SNIP5 code set


class _Composite:
    __slots__ = ("d", "label", "parts")

    def __init__(self, d: CompositeDef) -> None:
        self.d = d
        self.label = label(d)
        self.parts = tuple(ValueCheck(c) for c in d.components)


def _syntax_rule(note: str) -> tuple[str, tuple[int, ...]] | None:
    kind, digits = note[:1].upper(), note[1:]
    if kind not in "PRCLE" or len(digits) < 4 or len(digits) % 2 or not digits.isdigit():
        return None
    return kind, tuple(int(digits[i:i + 2]) for i in range(0, len(digits), 2))


_NOT_USED, _SIMPLE, _REPEATING, _COMPOSITE, _PLAIN, _DECIMAL, _INTEGER, _CODE = range(8)
_UNSEEN = object()
#: Segments whose date element is written in the form a qualifier names: (qualifier, date).
_DATE_FORMATS = {"DTP": (2, 3), "DMG": (1, 2)}
#: New texts of one segment definition checked before its recogniser is compiled.
_RECOGNIZE_AFTER = 64
_NO_RECOGNIZER: tuple[Delimiters | None, re.Pattern[str] | None] = (None, None)
#: Presence patterns kept per segment definition (a guide's segments use a handful each).
_SHAPE_LIMIT = 1024

Shape = tuple[tuple[ElementProblem, ...], tuple[ElementProblem, ...]]


#: ValueCheck.fast (how a value is recognised without the verdict cache) as a plan kind.
_FAST_KINDS = {"code": _CODE, "text": _PLAIN, "decimal": _DECIMAL, "integer": _INTEGER}


class SegmentChecker:
    """All element and syntax-note checks of one segment definition.

    Checks that depend only on which elements are present (too many elements, a trailing
    separator, required elements, syntax notes) are worked out once per presence pattern and
    kept in ``shapes``; a new segment text pays only for its values.
    """

    __slots__ = ("segment", "slots", "rules", "required", "tag", "plan", "formats", "shapes",
                 "recognizer", "fresh", "compiled")

    def __init__(self, segment: SegmentDef) -> None:
        self.segment = segment
        self.tag = segment.id
        self.slots = tuple(_Composite(e) if isinstance(e, CompositeDef) else ValueCheck(e)
                           for e in segment.elements)
        self.rules = tuple(r for r in (_syntax_rule(n) for n in segment.syntax) if r)
        self.required = tuple(i for i, e in enumerate(segment.elements)
                              if e.usage is Usage.REQUIRED)
        # Per element: how to check it, decided once (most are simple, not repeating), with
        # the length bounds of plain text.
        plan = []
        for slot in self.slots:
            low = high = 0
            codes: frozenset[str] = frozenset()
            if slot.d.usage is Usage.NOT_USED:
                kind = _NOT_USED
            elif slot.d.repeat > 1:
                kind = _REPEATING
            elif isinstance(slot, _Composite):
                kind = _COMPOSITE
            else:
                kind = _FAST_KINDS.get(slot.fast, _SIMPLE)
                if kind == _CODE:
                    codes = frozenset(slot.codes or ())
                elif kind != _SIMPLE:
                    low, high = slot.min, slot.max
            plan.append((kind, slot, low, high, codes))
        self.plan = tuple(plan)
        formats = _DATE_FORMATS.get(self.tag)
        self.formats = formats if formats and len(plan) >= formats[1] else None
        self.shapes: dict[tuple[bool, ...] | int, Shape] = {}
        # The recogniser for the delimiters last seen, as one value (threads may share this).
        self.recognizer: tuple[Delimiters | None, re.Pattern[str] | None] = _NO_RECOGNIZER
        self.fresh = 0          # texts checked without a recogniser
        self.compiled: dict[tuple[str, str, str, str], re.Pattern[str]] = {}

    def check(self, seg: Segment, text: str | None = None) -> list[ElementProblem]:
        """Every element and syntax problem of ``seg``; ``text`` is the segment as read
        (tag and elements, no terminator), given when at hand so that a segment seen for the
        first time can be cleared by its recogniser (recognizer.py) in one match."""
        elements = seg.elements
        # The presence pattern; with no empty element it is told by the count alone.
        present = tuple(map(bool, elements)) if "" in elements else len(elements)
        shape = self.shapes.get(present)
        if shape is None:
            shape = self._shape(elements)
            if len(self.shapes) < _SHAPE_LIMIT:
                self.shapes[present] = shape
        delims = seg.delimiters
        if text is not None and not shape[0] and not shape[1]:
            known = self.recognizer
            if known[0] is not delims:
                # Compiling costs about what a few hundred checks do: only for a segment
                # that keeps coming new (claim and patient segments of a large file).
                self.fresh += 1
                if self.fresh < _RECOGNIZE_AFTER:
                    known = _NO_RECOGNIZER
                else:
                    known = self.recognizer = (delims, self._recognizer_for(delims))
            if known[1] is not None and known[1].fullmatch(text):
                out = []
                formats = self.formats
                if formats is not None and len(elements) >= formats[1]:
                    self._period(elements, formats, out)
                return out
        out = list(shape[0]) if shape[0] else []
        component = delims.component
        i = 0
        for value, (kind, slot, low, high, codes) in zip(elements, self.plan, strict=False):
            i += 1
            if not value:
                continue
            if kind == _CODE:
                if value in codes and component not in value:
                    continue
                kind = _SIMPLE
            elif kind == _PLAIN:
                if low <= len(value) <= high and component not in value and value.isprintable():
                    continue
                kind = _SIMPLE
            elif kind == _DECIMAL:
                # X12.6 R: digits with an optional sign and decimal point, which the length
                # does not count. ASCII digits only here; anything unusual takes the full check.
                digits = (value[1:] if value[0] == "-" else value).replace(".", "", 1)
                if low <= len(digits) <= high and digits.isdecimal() and digits.isascii():
                    continue
                kind = _SIMPLE
            elif kind == _INTEGER:
                digits = value[1:] if value[0] == "-" else value
                if low <= len(digits) <= high and digits.isdecimal() and digits.isascii():
                    continue
                kind = _SIMPLE
            if kind == _SIMPLE:
                if component in value:
                    out.append(ElementProblem(
                        INVALID_CHARACTER, i, 0, 0,
                        f"{slot.label} contains the component separator {component!r}",
                        value))
                    continue
                # the element's verdict cache, looked up here rather than through a call
                problem = slot.cache.get(value, _UNSEEN)
                if problem is _UNSEEN:
                    problem = slot.check(value)
                if problem is not None:
                    out.append(ElementProblem(problem[0], i, 0, 0, problem[1], value,
                                              problem[2]))
            elif kind == _COMPOSITE:
                self._composite(slot, value, i, 0, component, out)
            elif kind == _NOT_USED:
                out.append(ElementProblem(NOT_USED_PRESENT, i, 0, 0,
                                          f"{slot.label} is not used in this guide and must "
                                          "not be sent", value))
            else:
                self._repeating(slot, value, i, seg.delimiters, out)
        if shape[1]:
            out += shape[1]
        formats = self.formats
        if formats is not None and len(elements) >= formats[1]:
            self._period(elements, formats, out)
        return out

    def _recognizer_for(self, delims: Delimiters) -> re.Pattern[str]:
        """The recogniser for these delimiter characters: each interchange has its own
        Delimiters value, most of them with the same characters, compiled once."""
        chars = (delims.element, delims.component, delims.repetition, delims.segment)
        found = self.compiled.get(chars)
        if found is None:
            found = segment_recognizer(self.tag, self.slots, delims)
            if len(self.compiled) < 8:
                self.compiled[chars] = found
        return found

    def _shape(self, elements: tuple[str, ...]) -> Shape:
        """The problems that follow from which elements are present: (those listed before the
        value problems, those listed after)."""
        plan = self.plan
        n = len(elements)
        head: list[ElementProblem] = []
        tail: list[ElementProblem] = []
        if n > len(plan) and any(elements[len(plan):]):
            head.append(ElementProblem(
                TOO_MANY_ELEMENTS, len(plan) + 1, 0, 0,
                f"{self.tag} has {n} elements; the guide defines {len(plan)}"))
        if n and not elements[-1]:
            # X12.6 section 3.7: trailing empty elements are left out, never sent as "*~".
            tail.append(ElementProblem(
                SEGMENT_HAS_ERRORS, n, 0, 0,
                f"{self.tag} ends with an element separator before the terminator; empty "
                "trailing elements must be left out", level="IK3"))
        for i in self.required:
            if i >= n or not elements[i]:
                tail.append(ElementProblem(REQUIRED_MISSING, i + 1, 0, 0,
                                           f"{self.slots[i].label} is required but missing"))
        if self.rules:
            self._syntax(elements, tail)
        return tuple(head), tuple(tail)

    def _repeating(self, slot: ValueCheck | _Composite, value: str, pos: int,
                   delims: Delimiters, out: list[ElementProblem]) -> None:
        reps = value.split(delims.repetition)
        repeat = slot.d.repeat
        if len(reps) > repeat:
            out.append(ElementProblem(TOO_MANY_REPETITIONS, pos, 0, len(reps),
                                      f"{slot.label} repeats {len(reps)} times; at most "
                                      f"{repeat} allowed", value))
        for r, rep in enumerate(reps, 1):
            number = r if len(reps) > 1 else 0
            if not rep:
                continue
            if isinstance(slot, _Composite):
                self._composite(slot, rep, pos, number, delims.component, out)
                continue
            if delims.component in rep:
                out.append(ElementProblem(
                    INVALID_CHARACTER, pos, 0, number,
                    f"{slot.label} contains the component separator {delims.component!r}",
                    rep))
                continue
            problem = slot.check(rep)
            if problem is not None:
                out.append(ElementProblem(problem[0], pos, 0, number, problem[1], rep, problem[2]))

    def _composite(self, slot: _Composite, value: str, pos: int, rep: int, sep: str,
                   out: list[ElementProblem]) -> None:
        parts = value.split(sep)
        comps = slot.parts
        if len(parts) > 1 and not parts[-1]:
            # X12.6 section 3.7: trailing empty components are left out, like elements.
            out.append(ElementProblem(
                SEGMENT_HAS_ERRORS, pos, len(parts), rep,
                f"{slot.label} ends with a component separator; empty trailing components "
                "must be left out", value, level="IK3"))
        if len(parts) > len(comps) and any(parts[len(comps):]):
            out.append(ElementProblem(TOO_MANY_COMPONENTS, pos, len(comps) + 1, rep,
                                      f"{slot.label} has {len(parts)} components; at most "
                                      f"{len(comps)} allowed", value))
        for c, comp in enumerate(comps):
            text = parts[c] if c < len(parts) else ""
            if not text:
                if comp.d.usage is Usage.REQUIRED:
                    out.append(ElementProblem(REQUIRED_MISSING, pos, c + 1, rep,
                                              f"{comp.label} is required but missing"))
                continue
            if comp.d.usage is Usage.NOT_USED:
                out.append(ElementProblem(NOT_USED_PRESENT, pos, c + 1, rep,
                                          f"{comp.label} is not used in this guide and must "
                                          "not be sent", text))
                continue
            problem = comp.check(text)
            if problem is not None:
                out.append(ElementProblem(problem[0], pos, c + 1, rep, problem[1], text,
                                          problem[2]))

    def _syntax(self, elements: tuple[str, ...], out: list[ElementProblem]) -> None:
        n = len(elements)
        for kind, positions in self.rules:
            have = [p for p in positions if p <= n and elements[p - 1]]
            k = len(have)
            if kind == "P":
                bad = 0 < k < len(positions)
            elif kind == "C":
                bad = k > 0 and have[0] == positions[0] and k < len(positions)
            elif kind == "R":
                bad = k == 0
            elif kind == "E":
                bad = k > 1
            else:                                   # L
                bad = k == 1 and have[0] == positions[0]
            if bad:
                self._syntax_problem(kind, positions, have, out)

    def _syntax_problem(self, kind: str, positions: tuple[int, ...], have: list[int],
                        out: list[ElementProblem]) -> None:
        tag = self.tag

        def names(items: tuple[int, ...] | list[int]) -> str:
            return ", ".join(f"{tag}{p:02d}" for p in items)

        missing = [p for p in positions if p not in have]
        if kind == "P":
            verb = "is" if len(have) == 1 else "are"
            for p in missing:
                out.append(ElementProblem(
                    CONDITIONAL_MISSING, p, 0, 0,
                    f"{tag}{p:02d} is required when {names(have)} {verb} present (the guide "
                    f"pairs {names(positions)})"))
        elif kind == "C":
            for p in missing:
                out.append(ElementProblem(
                    CONDITIONAL_MISSING, p, 0, 0,
                    f"{tag}{p:02d} is required when {tag}{positions[0]:02d} is present"))
        elif kind == "R":
            out.append(ElementProblem(CONDITIONAL_MISSING, positions[0], 0, 0,
                                      f"at least one of {names(positions)} is required"))
        elif kind == "E":
            out.append(ElementProblem(EXCLUSION_VIOLATED, have[1], 0, 0,
                                      f"only one of {names(positions)} may be present"))
        else:
            out.append(ElementProblem(
                CONDITIONAL_MISSING, positions[1], 0, 0,
                f"one of {names(positions[1:])} is required when {tag}{positions[0]:02d} is "
                "present"))

    def _period(self, elements: tuple[str, ...], formats: tuple[int, int],
                 out: list[ElementProblem]) -> None:
        # A format qualifier says how the date element is written (TR3 DTP and DMG notes):
        # D8 one date CCYYMMDD, RD8 a range CCYYMMDD-CCYYMMDD.
        form, value = elements[formats[0] - 1], elements[formats[1] - 1]
        if form == "D8":
            ok = len(value) == 8 and is_valid_date(value)
        elif form == "RD8":
            start, _, end = value.partition("-")
            ok = (len(start) == 8 and len(end) == 8 and is_valid_date(start)
                  and is_valid_date(end) and start <= end)
        else:
            return
        if not ok:
            shape = "CCYYMMDD" if form == "D8" else "CCYYMMDD-CCYYMMDD (start not after end)"
            slot = self.slots[formats[1] - 1]
            out.append(ElementProblem(INVALID_DATE, formats[1], 0, 0,
                                      f"{slot.label}: {value!r} is not a valid date in the "
                                      f"form {shape}", value))


_checkers: dict[int, tuple[SegmentDef, SegmentChecker]] = {}
#: Checkers kept: every segment of every guide (about 1,600) with room to spare; definitions
#: built on the fly would otherwise each add theirs for good.
CHECKER_LIMIT = 8192


def checker_for(segment: SegmentDef) -> SegmentChecker:
    """The compiled checker of a segment definition (cached)."""
    found = _checkers.get(id(segment))
    if found is None or found[0] is not segment:
        if len(_checkers) >= CHECKER_LIMIT:
            del _checkers[next(iter(_checkers))]
        found = _checkers[id(segment)] = (segment, SegmentChecker(segment))
    return found[1]
