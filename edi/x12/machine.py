"""A transaction definition compiled for walking: where each segment goes, computed once.

A definition is a tree of loops; reading a set is a walk down and up that tree. The state of
the walk is the stack of open loops, each with the index of the child last used. A segment is
looked for in the innermost open loop from that index on (the same child again, or a later
one), then in each enclosing loop in turn, the way the TR3 orders segments (X12.6 section 5:
a loop ends at the first segment that does not belong to it). A child loop starts at its
trigger, its first segment, told apart from siblings by the trigger's qualifier (NM101 85 vs
87; HL03 20/22/23).

Where a segment goes depends only on the state, the segment's id and which of the guide's
qualifier code lists its qualifier is in, so each :class:`Step` is computed once per (state,
id, qualifier class) and looked up afterwards; states are interned as small integers. The
raw qualifier value never enters the memo: a value is replaced by one representative of the
codes that fall in exactly the same lists (REF01 ``D9`` and ``EA`` may be one class), and a
value in no list, like every unknown segment id, by one sentinel. The memo is therefore
bounded by the guide (states times ids times classes, a few thousand entries in practice),
however many distinct values files carry; a size limit stands behind that as a last bound.
The walker (walker.py) keeps the per-file counts.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

from edi.x12.grammar import LoopDef, SegmentDef, TransactionDef, Usage
from edi.x12.segment import Segment

__all__ = ["Machine", "Step", "Missing", "machine_for", "OUT_OF_SEQUENCE", "STEP_LIMIT"]

# IK304 codes the walker decides (X231A1 IK304): see edi.x12.defects.
UNRECOGNIZED = "1"
UNEXPECTED = "2"
REQUIRED_MISSING = "3"
LOOP_OVER_MAX = "4"
OVER_MAX_USE = "5"
OUT_OF_SEQUENCE = "7"
NOT_USED_PRESENT = "I4"

#: Steps kept per machine. The guides bound the memo well below this (the 837P at most about
#: 68,000 keys, a few hundred in a normal file); the limit only caps a pathological walk.
STEP_LIMIT = 1 << 15
#: Machines kept by :func:`machine_for` (the guides number about a dozen).
MACHINE_LIMIT = 64
#: The key part of an unknown segment id, and of a qualifier value in none of the id's code
#: lists. No id or code is empty-with-a-NUL, so neither can meet a real one.
_UNKNOWN_TAG = "\x00?"
_NO_CODE = "\x00"


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
    ``same`` tells whether it is another use of the child last used at its level. ``moves``
    is false when the walk stays where it was (the segment fits nowhere, or out of sequence).
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
    moves: bool = True


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
        #: Per known id: for each qualifier position, raw value -> its class's representative
        #: (empty for an id without qualifiers).
        self.classes: dict[str, tuple[dict[str, str], ...]] = {
            tag: self._classes_of(tag) for tag in self.known_tags}
        # step_of's view of it: () no qualifier, (position, table) one, (0, None) more
        self._keying: dict[str, tuple] = {
            tag: (() if not c else (self.qualifier_positions[tag][0], c[0]) if len(c) == 1
                  else (0, None))
            for tag, c in self.classes.items()}
        self._states: dict[tuple[tuple[int, int], ...], int] = {}
        self._state_list: list[tuple[tuple[int, int], ...]] = []
        self._steps: dict[tuple, Step] = {}
        #: How many times the step memo was emptied at its limit; users keeping something per
        #: step (the validator's plans) start over when it changes.
        self.generation = 0
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

    def _classes_of(self, tag: str) -> tuple[dict[str, str], ...]:
        """For each qualifier position of ``tag``: every listed code mapped to the smallest
        code listed in exactly the same code lists (what the walk can tell apart)."""
        out = []
        for position in self.qualifier_positions.get(tag, ()):
            lists = [codes for node in self._nodes for _, q, codes, _ in node.by_tag.get(tag, ())
                     if q == position and codes is not None]
            classes: dict[tuple[bool, ...], str] = {}
            table: dict[str, str] = {}
            for code in sorted(set().union(*lists)):
                assert code != _NO_CODE
                table[code] = classes.setdefault(tuple(code in c for c in lists), code)
            out.append(table)
        return tuple(out)

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

    def step(self, state: int, tag: str, qvalues: tuple[str, ...] = ()) -> Step:
        """Where a segment with id ``tag`` and qualifier values ``qvalues`` (those of
        :meth:`qualifier_values`) goes from ``state``."""
        classes = self.classes.get(tag)
        if classes is None:
            key: tuple = (state, _UNKNOWN_TAG)
        elif not classes:
            key = (state, tag)
        elif len(classes) == 1 and qvalues:
            key = (state, tag, classes[0].get(qvalues[0], _NO_CODE))
        else:
            # an absent qualifier element reads as "", as in qualifier_values
            padded = (*qvalues, *("",) * (len(classes) - len(qvalues)))
            reps = [c.get(v, _NO_CODE) for c, v in zip(classes, padded, strict=False)]
            key = (state, tag, *reps)
        found = self._steps.get(key)
        if found is None:
            found = self._remember(key)
        return found

    def step_of(self, state: int, seg: Segment) -> Step:
        """:meth:`step` for a segment, its qualifier read from it (the walker's hot path)."""
        tag = seg.tag
        keying = self._keying.get(tag)
        if keying is None:
            key: tuple = (state, _UNKNOWN_TAG)
        elif not keying:
            key = (state, tag)
        elif keying[0]:
            # one qualifier (XX01, HL03): its first component, as qualifier_values reads it
            position, table = keying
            elements = seg.elements
            value = elements[position - 1] if position <= len(elements) else ""
            component = seg.delimiters.component
            if component in value:
                value = value.split(component, 1)[0]
            key = (state, tag, table.get(value, _NO_CODE))
        else:
            return self.step(state, tag, self.qualifier_values(seg))
        found = self._steps.get(key)
        if found is None:
            found = self._remember(key)
        return found

    def _remember(self, key: tuple) -> Step:
        with self._lock:
            found = self._steps.get(key)
            if found is None:
                state, tag = key[0], key[1]
                if tag == _UNKNOWN_TAG:
                    found = self._compute(state, tag, ())
                else:
                    found = self._compute(state, tag, key[2:])
                if len(self._steps) >= STEP_LIMIT:
                    self._steps = {}
                    self.generation += 1
                self._steps[key] = found
        return found

    def memo_size(self) -> int:
        """Steps held in the memo (for tests and monitoring of the bound)."""
        return len(self._steps)

    def loops_of(self, state: int) -> tuple[LoopDef, ...]:
        return tuple(self._nodes[n].loop for n, _ in self._state_list[state])

    # -- the walk itself, computed once per (state, tag, qualifier class) -------------------

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
                    (), True, seg is not None and code != OUT_OF_SEQUENCE)

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
    """The (cached) walking machine of a definition.

    The guides are loaded once and live for the process; definitions built on the fly (tests,
    a guide edited and reloaded) would each add one, so the oldest is let go past
    :data:`MACHINE_LIMIT`."""
    found = _machines.get(id(definition))
    if found is None or found[0] is not definition:
        with _machines_lock:
            found = _machines.get(id(definition))
            if found is None or found[0] is not definition:
                if len(_machines) >= MACHINE_LIMIT:
                    del _machines[next(iter(_machines))]
                found = _machines[id(definition)] = (definition, Machine(definition))
    return found[1]
