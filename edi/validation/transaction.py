"""The checks inside one transaction set (ST..SE): placement, elements, numbering, balancing.

:class:`SetChecker` is fed each segment of a set. It walks the guide's loop tree
(edi.x12.walker), checks the segment's elements where it landed (elements.py), keeps the HL and
LX numbering, and hands money segments to the balancer (balancing.py). Defects go to a
callback as they are found; nothing else is kept.

The hot path is one dictionary look-up: the walk step and the element verdicts depend only on
the walk state and the segment's text, so they are memoized per interchange under (state,
text), before the text is even split into elements. Remittances and claim files repeat most
of their segments (dates, adjustments, references, amounts), so most segments cost a look-up
and a count; loop ends, claim starts, CLM/LX numbering and money are handled in the loop
without splitting the text. A segment seen for the first time (a claim's CLP or CLM, the
patient's NM1, a line REF: one in five) costs a split, a walk step worked out once per step
(its plan), and the element checks, usually one regular-expression match (recognizer.py).
"""

from __future__ import annotations

from collections.abc import Callable

from edi.validation.balancing import Imbalance, Ref, balancer_for
from edi.validation.elements import ElementProblem
from edi.validation.plans import CLAIM_LOOPS, StepPlan, guide_plans
from edi.x12.defects import Defect, DefectLevel, Severity, X12Path
from edi.x12.delimiters import Delimiters
from edi.x12.grammar import SegmentDef, TransactionDef
from edi.x12.numbers import NumberFormatError, read_integer
from edi.x12.segment import Segment
from edi.x12.tokenizer import segment_of
from edi.x12.walker import Step, Walker

__all__ = ["SetChecker", "CLAIM_LOOPS", "Memo"]

IK3 = DefectLevel.SEGMENT
IK4 = DefectLevel.ELEMENT
SNIP3 = DefectLevel.BALANCING

#: Entries kept per interchange before the memo starts over (bounds memory on huge files).
MEMO_LIMIT = 50_000

#: kind, state after, depth, same child again, max use, opens a loop, the step, problems,
#: balancing payload, balanced loops it ends (innermost first), starts a claim, numbering
MemoEntry = tuple[int, int, int, bool, int, bool, Step, list[ElementProblem], tuple | None,
                  tuple[str, ...], bool, object]
#: Kinds of memo entry. LOUD: a defect, a misplaced segment or an HL: the full path (_loud),
#: with the segment split. QUIET: the walk only. BALANCE: the walk and money to add up.
#: EXTRA: the walk plus any of balanced loops ending, a claim starting, CLM/LX numbering and
#: money, done in feed_pieces in _loud's order; none of them needs the segment split unless
#: an equation or a number is wrong.
_LOUD, _QUIET, _BALANCE, _EXTRA = 0, 1, 2, 3
#: Numbering of a memo entry: None, _CLAIM_START (a CLM restarts LX at 1), or the LX01 text.
_CLAIM_START = object()
Memo = dict[tuple[int, str], MemoEntry]     # (walk state, segment text) -> entry

_SEGMENT_MESSAGES = {
    "1": "segment {tag} is not a segment this transaction uses",
    "2": "segment {tag} is not expected here{where}",
    "7": "segment {tag} is out of order{where}: the guide places it earlier",
    "I4": "segment {tag} ({name}) is not used in this guide and must not be sent",
}
_NUMBERED = frozenset({"HL", "LX", "CLM"})


class SetChecker:
    """Checks one transaction set against ``definition``; see the module notes."""

    def __init__(self, definition: TransactionDef, control: str, memo: Memo,
                 report: Callable[[Defect], None], accepted_label: bool = False,
                 first: int = 0) -> None:
        self.walker = Walker(definition)
        self.plans = guide_plans(self.walker.machine)
        self.control = control
        self.memo = memo
        self.report = report
        self.accepted_label = accepted_label   # ST03 read through an errata fallback
        self.balancer = balancer_for(definition.set_id)
        self.balance_loops = self.balancer.loops
        self.lx_checked = definition.set_id == "837"
        self.position = 0          # ordinal in the set, ST = 1 (IK302)
        self.first = first         # file ordinal of the ST
        self.claims = 0
        self.hl_next = 1
        self.hl_chain: list[tuple[str, str]] = []         # (HL01, HL04) of open levels
        # An HL04=1 awaiting its child: HL01, then where it was (step, segment, position in
        # the set, loop counts), from which its path is named only if the child never comes.
        self.hl_pending: tuple[str, Step, Segment, int, tuple[int, ...]] | None = None
        self.lx_next = 0

    # -- the hot path ------------------------------------------------------------------------

    def feed(self, seg: Segment) -> None:
        """Check one segment of the set (ST and SE come this way; the body by pieces)."""
        self.position += 1
        if not self.first:
            self.first = seg.position      # the ST: positions in the set count from it
        walker = self.walker
        before = walker.state
        step = walker.step_for(seg)
        _, problems, payload = self._judge(step, seg)
        self._loud(step, problems, payload, seg, walker.advance(step), before)

    def feed_pieces(self, pieces: list[str], start: int, delims: Delimiters, first: int,
                    stop_tags: frozenset[str]) -> int:
        """Check ``pieces[start:]`` (segment texts, see PieceRun) up to the first segment whose
        id is in ``stop_tags``; returns its index (``len(pieces)`` when none).

        The validator's hot path. A piece seen before in the same walk state is one look-up
        in the memo, with no splitting; stop segments are never memoized, so a hit is always
        a body segment. The walk state and position stay in locals.
        """
        memo_get = self.memo.get
        apply = self.balancer.apply
        loop_end = self.balancer.loop_end
        walker = self.walker
        counts = walker.counts
        state = walker.state
        base = self.position - start      # position in the set of pieces[i] is base + i + 1
        for i in range(start, len(pieces)):
            piece = pieces[i]
            hit = memo_get((state, piece))
            if hit is None:
                seg = segment_of(piece, delims, first + i)
                if seg.tag in stop_tags:
                    self.position = base + i
                    walker.state = state
                    return i
                walker.state = state
                hit = self._compute((state, piece), seg)
            else:
                seg = None
            (kind, after, depth, same, limit, opens, step, problems, payload,
             closes, claim, number) = hit
            if kind:
                # Walker.advance, inlined: a quiet step is always placed.
                if opens:
                    level = depth - 1
                    del counts[depth:]
                    used = counts[level] + 1 if same else 1
                    counts[level] = used
                    counts.append(1)
                else:
                    if len(counts) > depth + 1:
                        del counts[depth + 1:]
                    used = counts[depth] + 1 if same else 1
                    counts[depth] = used
                if same and used > limit:
                    self.position = base + i + 1
                    walker.state = after
                    self._structure(step, seg or segment_of(piece, delims, first + i),
                                    used, state)
                state = after
                if kind == _BALANCE:
                    # Only money to add up: the segment stays text unless it must be named.
                    found = apply(payload, seg or (piece, delims, first + i))
                    if found:
                        self.position = base + i + 1
                        for imbalance in found:
                            self._imbalance(imbalance)
                elif kind == _EXTRA:
                    # In _loud's order: balanced loops ending, a claim, numbering, money.
                    self.position = base + i + 1
                    walker.state = state
                    ref = seg or (piece, delims, first + i)
                    for loop_id in closes:          # innermost first
                        found = loop_end(loop_id)
                        if found:
                            for imbalance in found:
                                self._imbalance(imbalance)
                    if claim:
                        self.claims += 1
                    if number is not None:
                        if number is _CLAIM_START:
                            self.lx_next = 1
                        elif self.lx_checked and self.lx_next:
                            self._lx(step, number, ref)
                    if payload is not None:
                        found = apply(payload, ref)
                        if found:
                            for imbalance in found:
                                self._imbalance(imbalance)
                continue
            self.position = base + i + 1
            walker.state = state
            seg = seg or segment_of(piece, delims, first + i)
            self._loud(step, problems, payload, seg, walker.advance(step), state)
            state = walker.state
        self.position = base + len(pieces)
        walker.state = state
        return len(pieces)

    def _loud(self, step: Step, problems: list[ElementProblem], payload: tuple | None,
              seg: Segment, used: int, before: int) -> None:
        """Everything a step can bring beyond the walk: defects, loop ends, counters, money."""
        if step.attention or (step.same and step.limit is not None and used > step.limit):
            self._structure(step, seg, used, before)
        if step.closed_ids:
            self._close(step.closed_ids)
        if step.segment is None:
            return
        if problems:
            self._elements(step, seg, problems)
        if step.opened is not None and step.opened.id in CLAIM_LOOPS:
            self.claims += 1
        if seg.tag in _NUMBERED:
            self._numbering(step, seg)
        if payload is not None:
            for imbalance in self.balancer.apply(payload, seg):
                self._imbalance(imbalance)

    def _judge(self, step: Step, seg: Segment, text: str | None = None
               ) -> tuple[StepPlan, list[ElementProblem], tuple | None]:
        """The step's plan, the segment's element problems and its money (or None)."""
        plan = self.plans.plan(step, self.balancer)
        problems = plan.checker.check(seg, text) if plan.checker is not None else []
        if problems and self.accepted_label and seg.tag == "ST":
            problems = [p for p in problems if p.element != 3 or p.code != "7"]
        loop_id = plan.balance_loop
        return plan, problems, None if loop_id is None else self.balancer.prepare(seg, loop_id)

    def _compute(self, key: tuple[int, str], seg: Segment) -> MemoEntry:
        tag = seg.tag
        machine = self.walker.machine
        # the walk step (Walker.step_for without the call)
        step = machine.step_of(key[0], seg)
        # _judge, inlined (one call less per new segment)
        (_, checker, balance_loop, closes, claim, attention, state, depth, same, limit,
         opens) = self.plans.plan(step, self.balancer)
        problems = checker.check(seg, key[1]) if checker is not None else []
        if problems and self.accepted_label and tag == "ST":
            problems = [p for p in problems if p.element != 3 or p.code != "7"]
        payload = None if balance_loop is None else self.balancer.prepare(seg, balance_loop)
        number: object = None
        if tag == "CLM":
            number = _CLAIM_START
        elif tag == "LX":
            number = seg.get(1)
        # A quiet step needs no more than the walk; the others, see _LOUD and _EXTRA. HL
        # numbering keeps the segment (its chain of parents), so an HL is always loud.
        if attention or problems or tag == "HL":
            kind = _LOUD
        elif closes or claim or number is not None:
            kind = _EXTRA
        else:
            kind = _QUIET if payload is None else _BALANCE
        memo = self.memo
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        hit = memo[key] = (kind, state, depth, same, limit, opens, step, problems, payload,
                           closes, claim, number)
        return hit

    def finish(self) -> None:
        """The set has ended (after SE, or without one): close what is open, total up."""
        self._hl_end()
        open_loops = self.walker.machine.loops_of(self.walker.state)
        self._close(tuple(lp.id for lp in reversed(open_loops[1:])))
        for imbalance in self.balancer.finish():
            self._imbalance(imbalance)

    # -- reporting ---------------------------------------------------------------------------

    def _path(self, step: Step, seg: Segment, element: int = 0, component: int = 0,
              repetition: int = 0, loop: str | None = None) -> X12Path:
        return X12Path(loop=self.walker.loop_path(step) if loop is None else loop,
                       segment=seg.tag, segment_position=self.position, element=element,
                       component=component, repetition=repetition, transaction=self.control,
                       file_position=seg.position)

    def _error(self, level: DefectLevel, code: str, path: X12Path, message: str) -> None:
        self.report(Defect(Severity.ERROR, level, code, path, message))

    def _close(self, closing: tuple[str, ...]) -> None:
        for loop_id in closing:          # innermost first
            if loop_id in self.balance_loops:
                for imbalance in self.balancer.loop_end(loop_id):
                    self._imbalance(imbalance)

    def _imbalance(self, imb: Imbalance) -> None:
        seg = imb.segment
        self._error(SNIP3, imb.code, X12Path(
            segment=seg.tag, element=imb.element, transaction=self.control,
            file_position=seg.position, segment_position=seg.position - self.first + 1),
            imb.message)

    def _structure(self, step: Step, seg: Segment, used: int, before: int) -> None:
        previous = self.walker.machine.loops_of(before)
        for missing in step.missing:
            child = missing.child
            owner = "/".join(lp.id for lp in previous[1:missing.loop_depth + 1])
            where = f" in loop {owner}" if owner else ""
            if isinstance(child, SegmentDef):
                what = f"required segment {child.id} ({child.name}) is missing{where}"
                tag = child.id
            else:
                what = (f"required loop {child.id} ({child.name}), starting with "
                        f"{child.trigger.id}, is missing{where}")
                tag = child.trigger.id
            self._error(IK3, "3", X12Path(loop=owner, segment=tag,
                                          segment_position=self.position,
                                          transaction=self.control,
                                          file_position=seg.position), what)
        if step.error:
            loops = self.walker.loop_path(step)
            where = f" in loop {loops}" if loops else ""
            name = step.segment.name if step.segment else ""
            message = _SEGMENT_MESSAGES.get(step.error, "segment {tag} error").format(
                tag=seg.tag, where=where, name=name)
            code = step.error
            if not seg.tag:
                # X12.6: a segment has an id and at least one element (IK304 8, as pyx12).
                code, message = "8", "empty segment: two segment terminators in a row"
            self._error(IK3, code, self._path(step, seg), message)
        if step.limit is not None and used > step.limit:
            if step.opened is not None:
                lp = step.opened
                code, message = "4", (f"loop {lp.id} ({lp.name}) repeats {used} times; the "
                                       f"guide allows {step.limit}")
            else:
                assert step.segment is not None
                code, message = "5", (f"segment {seg.tag} ({step.segment.name}) is used "
                                       f"{used} times here; the guide allows {step.limit}")
            self._error(IK3, code, self._path(step, seg), message)

    def _elements(self, step: Step, seg: Segment, problems: list[ElementProblem]) -> None:
        loop = self.walker.loop_path(step)
        for p in problems:
            self._error(DefectLevel(p.level), p.code,
                        self._path(step, seg, p.element, p.component, p.repetition, loop=loop),
                        p.message)

    # -- numbering ---------------------------------------------------------------------------

    def _numbering(self, step: Step, seg: Segment) -> None:
        tag = seg.tag
        if tag == "HL":
            self._hl(step, seg)
        elif tag == "CLM":
            self.lx_next = 1
        elif self.lx_checked and self.lx_next:
            self._lx(step, seg.get(1), seg)

    def _lx(self, step: Step, number: str, ref: Ref) -> None:
        # 837 LX01 numbers the service lines of a claim 1, 2, 3... (X222A1 loop 2400).
        expected = str(self.lx_next)
        if number != expected:
            seg = ref if isinstance(ref, Segment) else segment_of(*ref)
            self._error(IK3, "8", self._path(step, seg, 1),
                        f"LX01 service line number {number!r} is out of sequence; "
                        f"expected {expected}")
        self.lx_next += 1

    def _hl(self, step: Step, seg: Segment) -> None:
        # HL01 numbers the levels 1, 2, 3... in order; HL02 names an earlier level on the
        # current parent chain; HL04 says whether subordinate levels follow (X12.6 HL
        # semantics; TR3 section 2.3.2.1).
        own, parent, child_code = seg.get(1), seg.get(2), seg.get(4)
        expected = str(self.hl_next)
        if own != expected:
            self._error(IK3, "8", self._path(step, seg, 1),
                        f"HL01 hierarchical ID {own!r} is out of sequence; expected {expected}")
        try:
            self.hl_next = read_integer(own) + 1
        except NumberFormatError:           # reported above as out of sequence
            self.hl_next += 1
        pending = self.hl_pending
        if pending is not None and parent != pending[0]:
            # A warning: TR3 samples (271 rejections) promise children they never send.
            self.report(Defect(Severity.WARNING, IK3, "8", self._pending_path(pending),
                               f"HL04 of level {pending[0]} says subordinate levels follow, "
                               "but the next level is not one"))
        chain = self.hl_chain
        if parent:
            while chain and chain[-1][0] != parent:
                chain.pop()
            if not chain:
                self._error(IK3, "8", self._path(step, seg, 2),
                            f"HL02 parent ID {parent!r} does not name an earlier level this "
                            "one can belong to")
            elif chain[-1][1] == "0":
                self._error(IK3, "8", self._path(step, seg, 2),
                            f"level {own} names level {parent} as its parent, but HL04 of "
                            f"level {parent} says it has no subordinate levels")
        else:
            chain.clear()
        chain.append((own, child_code))
        self.hl_pending = ((own, step, seg, self.position, tuple(self.walker.counts))
                           if child_code == "1" else None)

    def _pending_path(self, pending: tuple[str, Step, Segment, int, tuple[int, ...]]) -> X12Path:
        _, step, seg, position, counts = pending
        return X12Path(loop=self.walker.loop_path(step, counts), segment=seg.tag,
                       segment_position=position, element=4, transaction=self.control,
                       file_position=seg.position)

    def _hl_end(self) -> None:
        if self.hl_pending is not None:
            pending, self.hl_pending = self.hl_pending, None
            own = pending[0]
            self.report(Defect(Severity.WARNING, IK3, "8", self._pending_path(pending),
                               f"HL04 of level {own} says subordinate levels follow, but the "
                               "set ends without one"))
