"""A compact notation for writing implementation guides by hand as grammar data.

A guide is written as nested :func:`loop` and :func:`seg` calls. Each segment lists, in order,
how the guide uses its elements, one token per element (elements left off are not used)::

    seg("NM1", "R", 1, "R=PR R=2 R - - - - R=PI,XV R", "Payer Name")

A token is a usage letter (``R`` required, ``S`` situational, ``-`` not used) followed by any
of, in this order:

``*n``         the element may repeat n times (ISA11 repetition separator, 005010 only)
``[a-b]``      the guide narrows the dictionary's length range (CLM01 is 1-20 in the TR3s)
``=A,B,C``     the codes the guide allows
``@name``      a named code list from :mod:`edi.maps.hand.code_lists`
``!name``      an external code list (``states``, ``service_type``...) checked at SNIP 5
``(...)``      a composite: one token per component, inside the parentheses

Names, data types and lengths come from the X12 dictionary (:mod:`edi.maps.hand.dictionary`).
:func:`loop` numbers segment positions by order where none is given. Each segment gets the
qualifier that tells it from siblings with the same id, by the rule of the compiled maps
(``edi.maps.compile``): HL03 for HL, else a required coded first element (NM101, REF01).
"""

from __future__ import annotations

import dataclasses
import re

from edi.errors import GrammarError
from edi.maps.hand.code_lists import CODE_LISTS
from edi.maps.hand.dictionary import COMPOSITES, DATA_ELEMENTS, SEGMENTS
from edi.x12.grammar import CompositeDef, ElementDef, LoopDef, SegmentDef, TransactionDef, Usage

__all__ = ["seg", "loop", "transaction"]

_USAGE = {"R": Usage.REQUIRED, "S": Usage.SITUATIONAL, "-": Usage.NOT_USED, "N": Usage.NOT_USED}
_TOKEN = re.compile(
    r"(?P<usage>[RSN-])(?:\*(?P<repeat>\d+))?(?:\[(?P<min>\d+)-(?P<max>\d+)\])?"
    r"(?:=(?P<codes>[^@!()\s]+)|@(?P<named>\w+)|!(?P<external>\w+))?(?P<composite>\()?")


def _split(spec: str) -> list[str]:
    """Split tokens on spaces outside parentheses."""
    tokens: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(spec + " "):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == " " and depth == 0:
            if spec[start:i].strip():
                tokens.append(spec[start:i].strip())
            start = i + 1
    if depth:
        raise GrammarError(f"unbalanced parentheses in {spec!r}")
    return tokens


def _element(ref: str, number: str, token: str, context: str) -> ElementDef:
    m = _TOKEN.fullmatch(token)
    if not m or m["composite"]:
        raise GrammarError(f"{context}: cannot read element token {token!r} for {ref}")
    name, data_type, low, high = DATA_ELEMENTS[number]
    codes: frozenset[str] | None = None
    if m["codes"]:
        codes = frozenset(m["codes"].split(","))
    elif m["named"]:
        codes = CODE_LISTS[m["named"]]
    return ElementDef(
        ref=ref, name=name, usage=_USAGE[m["usage"]], data_type=data_type,
        min_length=int(m["min"] or low), max_length=int(m["max"] or high), codes=codes,
        repeat=int(m["repeat"] or 1), data_element=number, external=m["external"])


def _unused(ref: str, number: str) -> ElementDef | CompositeDef:
    if number in COMPOSITES:
        name, parts = COMPOSITES[number]
        comps = tuple(_unused(f"{ref}-{i}", p) for i, p in enumerate(parts, 1))
        return CompositeDef(ref, name, Usage.NOT_USED, comps)  # type: ignore[arg-type]
    name, data_type, low, high = DATA_ELEMENTS[number]
    return ElementDef(ref, name, Usage.NOT_USED, data_type, low, high, data_element=number)


def _slot(ref: str, number: str, token: str, context: str) -> ElementDef | CompositeDef:
    if number not in COMPOSITES:
        return _element(ref, number, token, context)
    m = _TOKEN.match(token)
    if not m:
        raise GrammarError(f"{context}: cannot read composite token {token!r} for {ref}")
    name, parts = COMPOSITES[number]
    usage = _USAGE[m["usage"]]
    if not m["composite"]:
        if usage is not Usage.NOT_USED:
            raise GrammarError(f"{context}: {ref} is a composite; list its components")
        return _unused(ref, number)
    inner = _split(token[m.end():-1])
    if len(inner) > len(parts):
        raise GrammarError(f"{context}: {ref} has {len(parts)} components, got {len(inner)}")
    inner += ["-"] * (len(parts) - len(inner))
    comps = tuple(_element(f"{ref}-{i}", p, t, context)
                  for i, (p, t) in enumerate(zip(parts, inner, strict=True), 1))
    return CompositeDef(ref, name, usage, comps, repeat=int(m["repeat"] or 1))


def seg(tag: str, usage: str, max_use: int | None, elements: str = "", name: str = "",
        position: str = "") -> SegmentDef:
    """One segment at one place in a guide; ``max_use`` None means unbounded (">1")."""
    try:
        default_name, slots, syntax = SEGMENTS[tag]
    except KeyError:
        raise GrammarError(f"segment {tag} is not in the hand-written dictionary") from None
    tokens = _split(elements)
    context = f"{tag} {name or default_name}"
    if len(tokens) > len(slots):
        raise GrammarError(f"{context}: {len(tokens)} element tokens for {len(slots)} elements")
    tokens += ["-"] * (len(slots) - len(tokens))
    defs = tuple(_slot(f"{tag}{i:02d}", number, token, context)
                 for i, (number, token) in enumerate(zip(slots, tokens, strict=True), 1))
    return SegmentDef(id=tag, name=name or default_name, usage=_USAGE[usage], max_use=max_use,
                      position=position, elements=defs, syntax=syntax,
                      qualifier=_qualifier(tag, defs))


def _qualifier(tag: str, elements: tuple[ElementDef | CompositeDef, ...]
               ) -> tuple[int, frozenset[str]] | None:
    """How a segment is told apart from siblings with its id, by the rule the compiled maps use.

    HL by HL03; otherwise the first element when it is a required code (NM101, REF01, DTP01),
    or the first component of a leading composite (HI01-1 ABK vs ABF).
    """
    if tag == "HL":
        third = elements[2]
        return (3, third.codes) if isinstance(third, ElementDef) and third.codes else None
    first = elements[0]
    if isinstance(first, CompositeDef):
        head = first.components[0]
        return (1, head.codes) if head.data_type == "ID" and head.codes else None
    if first.data_type == "ID" and first.usage is Usage.REQUIRED and first.codes:
        return (1, first.codes)
    return None


def loop(loop_id: str, name: str, usage: str, max_repeat: int | None,
         *children: SegmentDef | LoopDef) -> LoopDef:
    """A loop; its first child is the trigger. ``max_repeat`` None means unbounded."""
    if not children or not isinstance(children[0], SegmentDef):
        raise GrammarError(f"loop {loop_id} must start with its trigger segment")
    out: list[SegmentDef | LoopDef] = []
    for i, child in enumerate(children):
        if isinstance(child, SegmentDef) and not child.position:
            child = dataclasses.replace(child, position=f"{(i + 1) * 100:04d}")
        out.append(child)
    return LoopDef(loop_id, name, _USAGE[usage], max_repeat, tuple(out))


def transaction(set_id: str, version: str, functional_id: str, name: str,
                *children: SegmentDef | LoopDef, aliases: tuple[str, ...] = ()) -> TransactionDef:
    """A whole guide: ST, the header segments and loops given, SE."""
    versions = ",".join((version, *aliases))
    st = seg("ST", "R", 1, f"R={set_id} R R={versions}", "Transaction Set Header")
    se = seg("SE", "R", 1, "R R", "Transaction Set Trailer")
    body = loop("ST_LOOP", name, "R", 1, st, *children, se)
    return TransactionDef(set_id=set_id, version=version, functional_id=functional_id,
                          name=name, body=body, aliases=aliases)
