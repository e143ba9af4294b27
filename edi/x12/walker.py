"""The loop walker: places each segment of one ST..SE in its loop, from a definition as data.

A transaction definition is a tree of loops; reading a set is a walk down and up that tree.
The walker keeps a stack of open loops, each with the index of the child last used. A segment
is looked for in the innermost open loop from that index on (same child again, or a later
one), then in each enclosing loop in turn, the way the TR3 orders segments (X12.6 section 5:
a loop ends at the first segment that does not belong to it). A child loop starts at its
trigger, its first segment, told apart from siblings by the trigger's qualifier (NM101 85 vs
87; HL03 20/22/23).

Where a segment goes depends only on the stack and the segment's id and qualifier, so each
step is computed once and memoized: the same (state, id, qualifier) is a dictionary look-up
afterwards. That is what lets a 100 MB remittance be walked at tokenizer speed.

Two ways to use it: :class:`Walker` steps one segment at a time and reports what happened
(:class:`Step`), which the validator uses; :func:`iter_loops` builds frozen :class:`Loop`
trees one "unit" loop at a time (835 2100, 837 2300 with its 2400s), so memory stays bounded by
the largest claim, not the file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from edi.x12.grammar import LoopDef, SegmentDef, TransactionDef, Usage
from edi.x12.segment import Segment

__all__ = [
    "Loop",
    "LoopItem",
    "Step",
    "Machine",
    "Walker",
    "machine_for",
    "iter_loops",
    "iter_file_loops",
    "build_tree",
    "DEFAULT_UNITS",
]

#: Loops yielded on their own by :func:`iter_loops`: the claim-level loops of each guide.
DEFAULT_UNITS = frozenset({"2100", "2300", "2000E", "2000D", "2000C"})

# IK304 codes the walker decides (X231A1 IK304): see edi.x12.defects.
UNRECOGNIZED = "1"
UNEXPECTED = "2"
REQUIRED_MISSING = "3"
LOOP_OVER_MAX = "4"
OVER_MAX_USE = "5"
OUT_OF_SEQUENCE = "7"
NOT_USED_PRESENT = "I4"


@dataclass(frozen=True, slots=True)
class Loop:
    """One loop instance: its segments in order and its child loops in order."""

    id: str
    name: str
    segments: tuple[Segment, ...]
    children: tuple[Loop, ...] = ()

    def find(self, loop_id: str) -> Iterator[Loop]:
        """Every descendant loop (and self) with this id, depth first."""
        if self.id == loop_id:
            yield self
        for child in self.children:
            yield from child.find(loop_id)

    def segment(self, tag: str, qualifier: str | None = None) -> Segment | None:
        """The first of this loop's own segments with ``tag`` (and XX01 ``qualifier``)."""
        for seg in self.segments:
            if seg.tag == tag and (qualifier is None or seg.get(1) == qualifier):
                return seg
        return None

    def all_segments(self) -> Iterator[Segment]:
        """This loop's segments and its descendants', in file order."""
        own = list(self.segments)
        kids = list(self.children)
        # File order: the loop's own segments precede a child loop when their position is
        # earlier; positions in the file are kept on each segment.
        merged: list[tuple[int, Segment | Loop]] = [(s.position, s) for s in own]
        merged += [(c.segments[0].position if c.segments else 0, c) for c in kids]
        merged.sort(key=lambda p: p[0])
        for _, item in merged:
            if isinstance(item, Loop):
                yield from item.all_segments()
            else:
                yield item


class LoopItem(NamedTuple):
    """A completed unit loop and the loops enclosing it (their own segments, no children)."""

    loop: Loop
    ancestors: tuple[Loop, ...]


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
        comp = seg.delimiters.component
        out = []
        for p in positions:
            value = seg.get(p)
            if comp in value:
                value = value.split(comp, 1)[0]
            out.append(value)
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


class Walker:
    """Walks one transaction set, segment by segment, keeping counts for max-use checks."""

    __slots__ = ("machine", "state", "counts", "_step", "_qpos")

    def __init__(self, definition: TransactionDef) -> None:
        self.machine = machine_for(definition)
        self.state = self.machine.initial
        self.counts: list[int] = [0]
        self._step = self.machine.step
        self._qpos = self.machine.qualifier_positions

    def feed(self, seg: Segment) -> tuple[Step, int]:
        """Place ``seg``; returns the step and how many times its child has now been used."""
        step = self.step_for(seg)
        return step, self.advance(step)

    def step_for(self, seg: Segment) -> Step:
        """Where ``seg`` goes from the current state (the walk does not move)."""
        tag = seg.tag
        q: tuple[str, ...] = ()
        if tag in self._qpos:
            q = self.machine.qualifier_values(seg)
        return self._step(self.state, tag, q)

    def advance(self, step: Step) -> int:
        """Move to the state after ``step``; returns the use count of the child it used
        (0 when the segment was left where it was: misplaced or out of sequence)."""
        if step.error and (step.segment is None or step.error == OUT_OF_SEQUENCE):
            return 0
        counts = self.counts
        depth = step.depth
        if step.opened is not None:
            level = depth - 1
            del counts[depth:]
            used = counts[level] + 1 if step.same else 1
            counts[level] = used
            counts.append(1)
        else:
            del counts[depth + 1:]
            used = counts[depth] + 1 if step.same else 1
            counts[depth] = used
        self.state = step.state
        return used

    def loop_path(self, step: Step) -> str:
        """``2000A/2000B/2300[4]``: open loops below the ST loop, repeat number when > 1."""
        parts = []
        counts = self.counts
        for depth in range(1, len(step.loops)):
            loop = step.loops[depth]
            n = counts[depth - 1] if depth - 1 < len(counts) else 1
            parts.append(f"{loop.id}[{n}]" if loop.max_repeat != 1 and n > 1 else loop.id)
        return "/".join(parts)

    def finish(self) -> tuple[Missing, ...]:
        return self.machine.finish(self.state)


class _Open:
    __slots__ = ("loop", "segments", "children")

    def __init__(self, loop: LoopDef) -> None:
        self.loop = loop
        self.segments: list[Segment] = []
        self.children: list[Loop] = []

    def freeze(self) -> Loop:
        return Loop(self.loop.id, self.loop.name, tuple(self.segments), tuple(self.children))

    def shell(self) -> Loop:
        return Loop(self.loop.id, self.loop.name, tuple(self.segments), ())


def iter_loops(segments: Iterable[Segment], definition: TransactionDef,
               units: frozenset[str] = DEFAULT_UNITS) -> Iterator[LoopItem]:
    """Yield the loop trees of one transaction set (ST..SE), a unit loop at a time.

    Each loop whose id is in ``units`` is yielded as soon as it ends, with its children, and
    left out of its parent; the ST loop is yielded last with everything else. A segment that
    fits nowhere stays in the loop open at the time, so nothing read is dropped.
    """
    walker = Walker(definition)
    stack: list[_Open] = [_Open(definition.body)]

    def close(n: int) -> Iterator[LoopItem]:
        for _ in range(n):
            done = stack.pop()
            if done.loop.id in units:
                yield LoopItem(done.freeze(), tuple(o.shell() for o in stack))
            else:
                stack[-1].children.append(done.freeze())

    for seg in segments:
        step, _ = walker.feed(seg)
        if step.segment is None or step.error == OUT_OF_SEQUENCE:
            stack[-1].segments.append(seg)
            continue
        yield from close(step.closed)
        if step.opened is not None:
            stack.append(_Open(step.opened))
        stack[-1].segments.append(seg)
    yield from close(len(stack) - 1)
    root = stack.pop()
    yield LoopItem(root.freeze(), ())


def build_tree(segments: Iterable[Segment], definition: TransactionDef) -> Loop:
    """The whole loop tree of one (small) transaction set."""
    items = list(iter_loops(segments, definition, units=frozenset()))
    return items[-1].loop


def iter_file_loops(segments: Iterable[Segment],
                    lookup: Callable[[str, str, str], TransactionDef | None],
                    units: frozenset[str] = DEFAULT_UNITS) -> Iterator[LoopItem]:
    """Loop trees of every transaction set in a stream of segments, one unit at a time.

    ``lookup(ST01, GS08, ST03)`` gives the guide of each set (``edi.maps.resolve`` fits);
    sets it does not know, and the envelope segments, are passed over. Memory is bounded by
    the largest unit loop, however many sets and claims the file holds.
    """
    iterator = iter(segments)
    gs08 = ""
    for seg in iterator:
        tag = seg.tag
        if tag == "GS":
            gs08 = seg.get(8)
        elif tag == "ST":
            definition = lookup(seg.get(1), gs08, seg.get(3))
            body = _one_set(seg, iterator)
            if definition is None:
                for _ in body:
                    pass
                continue
            yield from iter_loops(body, definition, units)


def _one_set(st: Segment, rest: Iterator[Segment]) -> Iterator[Segment]:
    """ST, then the segments up to and including SE (or up to the next envelope segment)."""
    yield st
    for seg in rest:
        yield seg
        if seg.tag in ("SE", "GE", "IEA"):
            return
