"""Transaction definitions to and from compact JSON.

The compiled maps in ``edi/maps/*.json`` and any hand-written definition can be stored this
way. Nodes are JSON objects with short keys; a key whose value is the field's default is left
out, so a definition stays a few hundred kilobytes. Decoding shares equal code lists between
elements (the same ``frozenset`` object), which keeps the loaded definitions small.
"""

from __future__ import annotations

import json
from typing import Any

from edi.errors import GrammarError
from edi.x12.grammar import (
    CompositeDef,
    ElementDef,
    LoopDef,
    SegmentDef,
    TransactionDef,
    Usage,
)

__all__ = ["dumps", "loads", "to_data", "from_data"]

FORMAT = 1


def _element(e: ElementDef) -> dict[str, Any]:
    out: dict[str, Any] = {"r": e.ref, "n": e.name, "u": e.usage.value, "t": e.data_type,
                           "mn": e.min_length, "mx": e.max_length}
    if e.codes is not None:
        out["c"] = sorted(e.codes)
    if e.repeat != 1:
        out["rp"] = e.repeat
    if e.data_element:
        out["de"] = e.data_element
    if e.external:
        out["x"] = e.external
    if e.pattern:
        out["re"] = e.pattern
    return out


def _composite(c: CompositeDef) -> dict[str, Any]:
    out: dict[str, Any] = {"r": c.ref, "n": c.name, "u": c.usage.value,
                           "cs": [_element(e) for e in c.components]}
    if c.repeat != 1:
        out["rp"] = c.repeat
    return out


def _segment(s: SegmentDef) -> dict[str, Any]:
    out: dict[str, Any] = {
        "s": s.id, "n": s.name, "u": s.usage.value, "m": s.max_use, "p": s.position,
        "e": [_composite(e) if isinstance(e, CompositeDef) else _element(e)
              for e in s.elements],
    }
    if s.syntax:
        out["sx"] = list(s.syntax)
    if s.qualifier is not None:
        out["q"] = [s.qualifier[0], sorted(s.qualifier[1])]
    return out


def _loop(lp: LoopDef) -> dict[str, Any]:
    return {"l": lp.id, "n": lp.name, "u": lp.usage.value, "m": lp.max_repeat,
            "ch": [_loop(c) if isinstance(c, LoopDef) else _segment(c) for c in lp.children]}


def to_data(t: TransactionDef) -> dict[str, Any]:
    """A JSON-ready structure for ``t``."""
    return {"format": FORMAT, "set_id": t.set_id, "version": t.version,
            "functional_id": t.functional_id, "name": t.name, "aliases": list(t.aliases),
            "body": _loop(t.body)}


def dumps(t: TransactionDef) -> str:
    """Compact JSON text for ``t``: one line per segment so diffs stay readable."""
    text = json.dumps(to_data(t), separators=(",", ":"), ensure_ascii=False)
    return text.replace(',{"s":', ',\n{"s":').replace(',{"l":', ',\n{"l":') + "\n"


class _Decoder:
    def __init__(self) -> None:
        self._codes: dict[tuple[str, ...], frozenset[str]] = {}

    def codes(self, values: list[str] | None) -> frozenset[str] | None:
        if values is None:
            return None
        key = tuple(values)
        found = self._codes.get(key)
        if found is None:
            found = self._codes[key] = frozenset(values)
        return found

    def element(self, d: dict[str, Any]) -> ElementDef:
        return ElementDef(ref=d["r"], name=d["n"], usage=Usage(d["u"]), data_type=d["t"],
                          min_length=d["mn"], max_length=d["mx"], codes=self.codes(d.get("c")),
                          repeat=d.get("rp", 1), data_element=d.get("de", ""),
                          external=d.get("x"), pattern=d.get("re"))

    def node(self, d: dict[str, Any]) -> ElementDef | CompositeDef:
        if "cs" in d:
            return CompositeDef(ref=d["r"], name=d["n"], usage=Usage(d["u"]),
                                components=tuple(self.element(c) for c in d["cs"]),
                                repeat=d.get("rp", 1))
        return self.element(d)

    def segment(self, d: dict[str, Any]) -> SegmentDef:
        q = d.get("q")
        return SegmentDef(id=d["s"], name=d["n"], usage=Usage(d["u"]), max_use=d["m"],
                          position=d["p"], elements=tuple(self.node(e) for e in d["e"]),
                          syntax=tuple(d.get("sx", ())),
                          qualifier=(q[0], frozenset(q[1])) if q else None)

    def loop(self, d: dict[str, Any]) -> LoopDef:
        return LoopDef(id=d["l"], name=d["n"], usage=Usage(d["u"]), max_repeat=d["m"],
                       children=tuple(self.loop(c) if "l" in c else self.segment(c)
                                      for c in d["ch"]))


def from_data(data: dict[str, Any]) -> TransactionDef:
    """Rebuild a definition from :func:`to_data` output."""
    if data.get("format") != FORMAT:
        raise GrammarError(f"transaction definition format {data.get('format')!r} "
                           f"is not {FORMAT}")
    try:
        dec = _Decoder()
        return TransactionDef(set_id=data["set_id"], version=data["version"],
                              functional_id=data["functional_id"], name=data["name"],
                              body=dec.loop(data["body"]),
                              aliases=tuple(data.get("aliases", ())))
    except (KeyError, TypeError, ValueError) as exc:
        raise GrammarError(f"malformed transaction definition: {exc!r}") from exc


def loads(text: str) -> TransactionDef:
    """Read a definition written by :func:`dumps`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GrammarError(f"transaction definition is not valid JSON: {exc}") from exc
    return from_data(data)
