"""A transaction definition compiled for walking: where each segment goes, computed once.

A definition is a tree of loops; reading a set is a walk down and up that tree. The state of
the walk is the stack of open loops, each with the index of the child last used. A segment is
looked for in the innermost open loop from that index on (the same child again, or a later
one), then in each enclosing loop in turn, the way the TR3 orders segments (X12.6 section 5:
a loop ends at the first segment that does not belong to it). A child loop starts at its
trigger, its first segment, told apart from siblings by the trigger's qualifier (NM101 85 vs
87; HL03 20/22/23).

Where a segment goes depends only on the state and the segment's id and qualifier, so each
:class:`Step` is computed once per (state, id, qualifier) and looked up afterwards; states are
interned as small integers. The walker (walker.py) keeps the per-file counts.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

from edi.x12.grammar import LoopDef, SegmentDef, TransactionDef, Usage
from edi.x12.segment import Segment

__all__ = ["Machine", "Step", "Missing", "machine_for", "OUT_OF_SEQUENCE"]

# IK304 codes the walker decides (X231A1 IK304): see edi.x12.defects.
UNRECOGNIZED = "1"
UNEXPECTED = "2"
REQUIRED_MISSING = "3"
LOOP_OVER_MAX = "4"
OVER_MAX_USE = "5"
OUT_OF_SEQUENCE = "7"
NOT_USED_PRESENT = "I4"


class Missing(NamedTuple):
    """A required child of a loop that did not appear."""

    loop_depth: int           # depth of the loop that lacks it (0 = ST loop)
    child: SegmentDef | LoopDef


class Step(NamedTuple):
    """What one segment did to the walk.

    ``segment`` is the definition it was placed at (None when it fits nowhere); ``error`` an
    IK304 code for a misplaced segment (``""`` when in place). ``depth`` is the depth of the
    loop holding it after the step; ``closed`` the number of loops ended before it,
    ``opened`` the loop it starts (or None). ``missing`` lists required children skipped.
    ``limit`` is the max use of the child (segment or loop) the segment counts against.
    ``same`` tells whether it is another use of the child last used at its level.
    """

    state: int
    segment: SegmentDef | None
    seg_index: int
    error: str
    depth: int
    closed: int
    opened: LoopDef | None
    same: bool
    limit: int | None
    missing: tuple[Missing, ...]
    loops: tuple[LoopDef, ...]    # the open loops after the step, outermost first
    closed_ids: tuple[str, ...] = ()   # ids of the loops ended, innermost first
    attention: bool = False       # misplaced, or required children skipped


class _Node:
    """A loop definition prepared for matching."""

    __slots__ = ("loop", "by_tag")

    def __init__(self, loop: LoopDef) -> None:
        self.loop = loop
        # tag -> ((child index, qualifier index, codes or None, child is a loop), ...)
        self.by_tag: dict[str, list[tuple[int, int, frozenset[str] | None, bool]]] = {}


class Machine:
    """A transaction definition compiled for walking. Obtain one with :func:`machine_for`."""

    def __init__(self, definition: TransactionDef) -> None:
        self.definition = definition
        self._nodes: list[_Node] = []
        self._node_of: dict[int, int] = {}
        self.segments: list[SegmentDef] = []       # every SegmentDef, by index
        self._seg_index: dict[int, int] = {}
        self.qualifier_positions: dict[str, tuple[int, ...]] = {}
        self.known_tags: set[str] = set()
        self._prepare(definition.body)
        self._states: dict[tuple[tuple[int, int], ...], int] = {}
        self._state_list: list[tuple[tuple[int, int], ...]] = []
        self._steps: dict[tuple, Step] = {}
        self._lock = threading.Lock()
        self.initial = self._state_id(((0, -1),))

    def _prepare(self, loop: LoopDef) -> int:
        node_id = len(self._nodes)
        node = _Node(loop)
        self._nodes.append(node)
        self._node_of[id(loop)] = node_id
        for ci, child in enumerate(loop.children):
            if isinstance(child, LoopDef):
                self._prepare(child)
                trig = child.trigger
                tag, q, is_loop = trig.id, trig.qualifier, True
            else:
                self._seg_index[id(child)] = len(self.segments)
                self.segments.append(child)
                tag, q, is_loop = child.id, child.qualifier, False
            self.known_tags.add(tag)
            qidx, codes = q if q else (0, None)
            node.by_tag.setdefault(tag, []).append((ci, qidx, codes, is_loop))
            if qidx:
                have = self.qualifier_positions.get(tag, ())
                if qidx not in have:
                    self.qualifier_positions[tag] = tuple(sorted((*have, qidx)))
        return node_id

    def _state_id(self, frames: tuple[tuple[int, int], ...]) -> int:
        found = self._states.get(frames)
        if found is None:
            found = self._states[frames] = len(self._state_list)
            self._state_list.append(frames)
        return found

    def qualifier_values(self, seg: Segment) -> tuple[str, ...]:
        """The values the tag's qualifiers are read from (first component of each)."""
        positions = self.qualifier_positions.get(seg.tag)
        if not positions:
            return ()
        elements = seg.elements
        comp = seg.delimiters.component
        if len(positions) == 1:            # nearly always: XX01, or HL03
            p = positions[0]
            value = elements[p - 1] if p <= len(elements) else ""
            return (value.split(comp, 1)[0] if comp in value else value,)
        out = []
        for p in positions:
            value = elements[p - 1] if p <= len(elements) else ""
            out.append(value.split(comp, 1)[0] if comp in value else value)
        return tuple(out)

    def step(self, state: int, tag: str, qvalues: tuple[str, ...]) -> Step:
        key = (state, tag, qvalues)
        found = self._steps.get(key)
        if found is None:
            with self._lock:
                found = self._steps.get(key)
                if found is None:
                    found = self._steps[key] = self._compute(state, tag, qvalues)
        return found

    def loops_of(self, state: int) -> tuple[LoopDef, ...]:
        return tuple(self._nodes[n].loop for n, _ in self._state_list[state])

    # -- the walk itself, computed once per (state, tag, qualifier) -------------------------

    def _qualifies(self, tag: str, qidx: int, codes: frozenset[str] | None,
                   qvalues: tuple[str, ...]) -> bool:
        if codes is None:
            return True
        positions = self.qualifier_positions.get(tag, ())
        return qvalues[positions.index(qidx)] in codes

    def _compute(self, state: int, tag: str, qvalues: tuple[str, ...]) -> Step:
        frames = self._state_list[state]
        # Pass 1: by id and qualifier; pass 2: by id alone, segments only, so a segment with
        # a wrong qualifier code is still checked element by element where it belongs.
        for strict in (True, False):
            for level in range(len(frames) - 1, -1, -1):
                node_id, idx = frames[level]
                node = self._nodes[node_id]
                for ci, qidx, codes, is_loop in node.by_tag.get(tag, ()):
                    if ci < idx or (ci == 0 and level > 0):
                        continue   # earlier position, or a trigger: it starts a new instance
                    if strict and not self._qualifies(tag, qidx, codes, qvalues):
                        continue
                    if not strict and is_loop:
                        continue
                    return self._place(frames, level, ci, is_loop)
        # Out of sequence: a segment of an open loop, at an earlier position.
        for level in range(len(frames) - 1, -1, -1):
            node_id, idx = frames[level]
            node = self._nodes[node_id]
            for ci, qidx, codes, is_loop in node.by_tag.get(tag, ()):
                if not is_loop and self._qualifies(tag, qidx, codes, qvalues):
                    seg = node.loop.children[ci]
                    return self._stay(state, frames, seg, OUT_OF_SEQUENCE)
        code = UNEXPECTED if tag in self.known_tags else UNRECOGNIZED
        return self._stay(state, frames, None, code)

    def _stay(self, state: int, frames: tuple[tuple[int, int], ...],
              seg: SegmentDef | None, code: str) -> Step:
        loops = tuple(self._nodes[n].loop for n, _ in frames)
        index = self._seg_index[id(seg)] if seg is not None else -1
        return Step(state, seg, index, code, len(frames) - 1, 0, None, False, None, (), loops,
                    (), True)

    def _place(self, frames: tuple[tuple[int, int], ...], level: int, ci: int,
               is_loop: bool) -> Step:
        missing: list[Missing] = []
        # Loops closed by this segment: their required children after the last one used.
        for depth in range(len(frames) - 1, level, -1):
            node_id, idx = frames[depth]
            missing.extend(self._required_between(depth, node_id, idx + 1, None))
        node_id, idx = frames[level]
        node = self._nodes[node_id]
        same = ci == idx
        if not same:
            missing.extend(self._required_between(level, node_id, idx + 1, ci))
        child = node.loop.children[ci]
        new = frames[:level] + ((node_id, ci),)
        opened = None
        if is_loop:
            assert isinstance(child, LoopDef)
            opened = child
            new = new + ((self._node_of[id(child)], 0),)
            seg = child.trigger
            limit = child.max_repeat
        else:
            assert isinstance(child, SegmentDef)
            seg = child
            limit = child.max_use
        error = NOT_USED_PRESENT if (seg.usage is Usage.NOT_USED or
                                     child.usage is Usage.NOT_USED) else ""
        loops = tuple(self._nodes[n].loop for n, _ in new)
        closed_ids = tuple(self._nodes[frames[d][0]].loop.id
                           for d in range(len(frames) - 1, level, -1))
        return Step(self._state_id(new), seg, self._seg_index[id(seg)], error, len(new) - 1,
                    len(frames) - 1 - level, opened, same, limit, tuple(missing), loops,
                    closed_ids, bool(error or missing))

    def _required_between(self, depth: int, node_id: int, start: int,
                          stop: int | None) -> list[Missing]:
        children = self._nodes[node_id].loop.children
        return [Missing(depth, c) for c in children[start:stop]
                if c.usage is Usage.REQUIRED]

    def finish(self, state: int) -> tuple[Missing, ...]:
        """Required children missing from every loop still open at SE (SE excluded)."""
        frames = self._state_list[state]
        out: list[Missing] = []
        for depth in range(len(frames) - 1, -1, -1):
            node_id, idx = frames[depth]
            out.extend(m for m in self._required_between(depth, node_id, idx + 1, None)
                       if not (depth == 0 and isinstance(m.child, SegmentDef)
                               and m.child.id == "SE"))
        return tuple(out)


_machines: dict[int, tuple[TransactionDef, Machine]] = {}
_machines_lock = threading.Lock()


def machine_for(definition: TransactionDef) -> Machine:
    """The (cached) walking machine of a definition."""
    found = _machines.get(id(definition))
    if found is None or found[0] is not definition:
        with _machines_lock:
            found = _machines.get(id(definition))
            if found is None or found[0] is not definition:
                found = _machines[id(definition)] = (definition, Machine(definition))
    return found[1]
