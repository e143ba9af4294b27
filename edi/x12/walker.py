"""The loop walker: places each segment of one ST..SE in its loop, from a definition as data.

The placement rules and their memo live in machine.py; the walker adds what changes per file:
the current state and how many times each child has been used (max use, loop repeats).

Two ways to use it: :class:`Walker` steps one segment at a time and reports what happened
(:class:`~edi.x12.machine.Step`), which the validator uses; :func:`iter_loops` builds frozen
:class:`Loop` trees one "unit" loop at a time (835 2100, 837 2300 with its 2400s), so memory
stays bounded by the largest claim, not the file. :func:`iter_file_loops` does it for every
set of a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import NamedTuple

from edi.x12.grammar import LoopDef, TransactionDef
from edi.x12.machine import OUT_OF_SEQUENCE, Machine, Missing, Step, machine_for
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

#: Loops yielded on their own by :func:`iter_loops`: the claim-level loops of each guide (835
#: 2100, 837 2300, 271/277 2000C-E) and the 835 header-number loop 2000 around the claims.
#: (837 2000B is not one: in the 27x guides 2000B is the single information receiver.)
DEFAULT_UNITS = frozenset({"2000", "2100", "2300", "2000C", "2000D", "2000E"})


class Loop(NamedTuple):
    """One loop instance: its segments in order and its child loops in order.

    A named tuple rather than a dataclass, as :class:`~edi.x12.segment.Segment` is: a large
    file makes hundreds of thousands of them, and building a frozen dataclass costs about six
    times as much (measured: 0.62 against 0.09 microseconds).
    """

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


class Walker:
    """Walks one transaction set, segment by segment, keeping counts for max-use checks."""

    __slots__ = ("machine", "state", "counts", "_step_of")

    def __init__(self, definition: TransactionDef) -> None:
        self.machine = machine_for(definition)
        self.state = self.machine.initial
        self.counts: list[int] = [0]
        self._step_of = self.machine.step_of

    def feed(self, seg: Segment) -> tuple[Step, int]:
        """Place ``seg``; returns the step and how many times its child has now been used."""
        step = self._step_of(self.state, seg)
        return step, self.advance(step)

    def step_for(self, seg: Segment) -> Step:
        """Where ``seg`` goes from the current state (the walk does not move)."""
        return self._step_of(self.state, seg)

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

    def loop_path(self, step: Step, counts: list[int] | tuple[int, ...] | None = None) -> str:
        """``2000A/2000B/2300[4]``: open loops below the ST loop, repeat number when > 1.

        ``counts`` is a copy of :attr:`counts` taken when ``step`` was fed, for a path named
        later (by default the counts now)."""
        parts = []
        if counts is None:
            counts = self.counts
        for depth in range(1, len(step.loops)):
            loop = step.loops[depth]
            n = counts[depth - 1] if depth - 1 < len(counts) else 1
            parts.append(f"{loop.id}[{n}]" if loop.max_repeat != 1 and n > 1 else loop.id)
        return "/".join(parts)

    def finish(self) -> tuple[Missing, ...]:
        return self.machine.finish(self.state)


#: NamedTuple's own __new__ is a Python function; the tuple's, several times cheaper.
_new = tuple.__new__


def iter_loops(segments: Iterable[Segment], definition: TransactionDef,
               units: frozenset[str] = DEFAULT_UNITS) -> Iterator[LoopItem]:
    """Yield the loop trees of one transaction set (ST..SE), a unit loop at a time.

    Each loop whose id is in ``units`` is yielded as soon as it ends, with its children, and
    left out of its parent; the ST loop is yielded last with everything else. A segment that
    fits nowhere stays in the loop open at the time, so nothing read is dropped.
    """
    return _walk(iter(segments), definition, units, _NO_END)


#: Segment ids after which iter_file_loops stops a set's walk: its SE, or an envelope trailer
#: when the SE is missing.
_SET_END = frozenset({"SE", "GE", "IEA"})
_NO_END: frozenset[str] = frozenset()


def _walk(segments: Iterator[Segment], definition: TransactionDef, units: frozenset[str],
          end: frozenset[str]) -> Iterator[LoopItem]:
    """iter_loops over ``segments``, up to and including the first whose id is in ``end``.

    The parsers' hot loop: Walker.feed inlined without the use counts, which only the
    validator needs. The open loops are three parallel stacks (definition, own segments,
    child loops made on the first child) rather than an object each: every object made per
    loop is one more for the garbage collector to scan, and a claim file has hundreds of
    thousands of loops.
    """
    machine = machine_for(definition)
    step_of = machine.step_of
    state = machine.initial
    defs: list[LoopDef] = [definition.body]
    owns: list[list[Segment]] = [[]]
    kids: list[list[Loop] | None] = [None]
    add = owns[0].append
    shells: list[tuple[list[Segment], Loop]] = []
    for seg in segments:
        step = step_of(state, seg)
        if step.moves:
            state = step.state
            closed = step.closed
            if closed:
                for _ in range(closed):
                    item = _close(defs, owns, kids, units, shells)
                    if item is not None:
                        yield item
                add = owns[-1].append
            opened = step.opened
            if opened is not None:
                defs.append(opened)
                own = [seg]
                owns.append(own)
                kids.append(None)
                add = own.append
            else:
                add(seg)
        else:
            add(seg)                # misplaced: kept in the loop open now, the walk stays
        if end and seg.tag in end:
            break
    while len(defs) > 1:
        item = _close(defs, owns, kids, units, shells)
        if item is not None:
            yield item
    children = kids[0]
    yield _new(LoopItem, (_new(Loop, (defs[0].id, defs[0].name, tuple(owns[0]),
                                      tuple(children) if children else ())), ()))


def _close(defs: list[LoopDef], owns: list[list[Segment]], kids: list[list[Loop] | None],
           units: frozenset[str], shells: list[tuple[list[Segment], Loop]]) -> LoopItem | None:
    """Close the innermost open loop: a unit is returned with its enclosing shells; any other
    loop becomes a child of the loop around it (None is returned)."""
    loop = defs.pop()
    children = kids.pop()
    done = _new(Loop, (loop.id, loop.name, tuple(owns.pop()),
                       tuple(children) if children else ()))
    if loop.id in units:
        return _new(LoopItem, (done, _shells(defs, owns, shells)))
    if kids[-1] is None:
        kids[-1] = [done]
    else:
        kids[-1].append(done)       # type: ignore[union-attr]
    return None


def _shells(defs: list[LoopDef], owns: list[list[Segment]],
            made: list[tuple[list[Segment], Loop]]) -> tuple[Loop, ...]:
    """The loops enclosing a unit: their own segments so far, no children.

    ``made`` keeps the shell last made at each depth with the list it was made from: the
    enclosing loops of consecutive units rarely gain a segment in between (the ST loop and
    the billing provider around each claim), and an open loop's list only grows.
    """
    out = []
    for depth, own in enumerate(owns):
        if depth < len(made):
            source, shell = made[depth]
            if source is own and len(shell.segments) == len(own):
                out.append(shell)
                continue
        d = defs[depth]
        shell = _new(Loop, (d.id, d.name, tuple(own), ()))
        if depth < len(made):
            made[depth] = (own, shell)
        else:
            made.append((own, shell))
        out.append(shell)
    return tuple(out)


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
            if definition is None:
                for _ in _one_set(seg, iterator):
                    pass
                continue
            yield from _walk(chain((seg,), iterator), definition, units, _SET_END)


def _one_set(st: Segment, rest: Iterator[Segment]) -> Iterator[Segment]:
    """ST, then the segments up to and including SE (or up to the next envelope segment)."""
    yield st
    for seg in rest:
        yield seg
        if seg.tag in _SET_END:
            return
