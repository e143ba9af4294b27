"""Compile pyx12's XML maps into our transaction definitions (``python -m edi.maps.compile``).

pyx12 describes each implementation guide as XML: ISA_LOOP > GS_LOOP > ST_LOOP, with
``wrapper`` loops (HEADER, DETAIL, FOOTER) standing for the TR3 tables. We keep only ST..SE,
fold the wrappers into the ST loop (they carry no segment of their own), take element types
and lengths from ``dataele.xml`` and write one JSON file per guide next to this module.

The qualifier of a segment follows the rule pyx12 uses to tell siblings apart: the first
element when it is a required ID with a code list (NM101 85 vs 87), the first component of a
leading composite (HI01-1 ABK vs ABF), and HL03 for HL (20/22/23).

This is a build step: it is the only module of ``edi`` that reads files, and nothing at run
time imports it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from edi.maps.codec import dumps
from edi.x12.grammar import (
    CompositeDef,
    ElementDef,
    LoopDef,
    SegmentDef,
    TransactionDef,
    Usage,
)

__all__ = ["MapSource", "SOURCES", "CODE_SETS", "compile_map", "compile_code_sets", "compile_all",
           "output_name", "main"]


@dataclass(frozen=True, slots=True)
class MapSource:
    """One pyx12 map and the guide it stands for."""

    file: str
    set_id: str
    version: str
    functional_id: str


#: The guides we take from pyx12. The 837I map is named X223.A1 but pyx12 registers it for
#: X223A2 (maps.xml); the 277 X212 map ships unregistered.
SOURCES: tuple[MapSource, ...] = (
    MapSource("837.5010.X222.A1.xml", "837", "005010X222A1", "HC"),
    MapSource("837Q3.I.5010.X223.A1.xml", "837", "005010X223A2", "HC"),
    MapSource("835.5010.X221.A1.xml", "835", "005010X221A1", "HP"),
    MapSource("999.5010X231.A1.xml", "999", "005010X231A1", "FA"),
    MapSource("277.5010.X214.xml", "277", "005010X214", "HN"),
    MapSource("277.5010.X212.xml", "277", "005010X212", "HN"),
)


def pyx12_map_dir() -> Path:
    import pyx12

    return Path(pyx12.__file__).resolve().parent / "map"


def output_name(set_id: str, version: str) -> str:
    return f"{set_id}.{version}.json"


def _text(node: etree._Element, tag: str, default: str = "") -> str:
    child = node.find(tag)
    return (child.text or "").strip() if child is not None and child.text else default


def _count(text: str) -> int | None:
    text = text.strip()
    return None if text.startswith(">") or not text else int(text)


class _Compiler:
    def __init__(self, map_dir: Path) -> None:
        self.data_elements: dict[str, tuple[str, int, int]] = {}
        tree = etree.parse(str(map_dir / "dataele.xml"))
        for de in tree.getroot().iter("data_ele"):
            self.data_elements[de.get("ele_num")] = (
                de.get("data_type"), int(de.get("min_len")), int(de.get("max_len")))

    def element(self, node: etree._Element, ref: str) -> ElementDef:
        number = _text(node, "data_ele")
        data_type, min_len, max_len = self.data_elements.get(number, ("AN", 1, 256))
        codes: frozenset[str] | None = None
        external = None
        valid = node.find("valid_codes")
        if valid is not None:
            external = valid.get("external")
            listed = [c.text.strip() for c in valid.findall("code") if c.text]
            if listed:
                codes = frozenset(listed)
        regex = _text(node, "regex") or None
        return ElementDef(ref=ref, name=_text(node, "name"), usage=Usage(_text(node, "usage")),
                          data_type=data_type, min_length=min_len, max_length=max_len,
                          codes=codes, repeat=_count(_text(node, "repeat", "1")) or 99,
                          data_element=number, external=external, pattern=regex)

    def segment(self, node: etree._Element) -> SegmentDef:
        seg_id = node.get("xid")
        slots: dict[int, ElementDef | CompositeDef] = {}
        for child in node:
            if child.tag not in ("element", "composite"):
                continue
            seq = int(_text(child, "seq"))
            ref = f"{seg_id}{seq:02d}"
            if child.tag == "element":
                slots[seq] = self.element(child, ref)
            else:
                comps = tuple(
                    self.element(c, f"{ref}-{int(_text(c, 'seq'))}")
                    for c in child.findall("element"))
                slots[seq] = CompositeDef(
                    ref=ref, name=_text(child, "name"), usage=Usage(_text(child, "usage")),
                    components=comps, repeat=_count(_text(child, "repeat", "1")) or 99)
        elements: list[ElementDef | CompositeDef] = []
        for seq in range(1, max(slots, default=0) + 1):
            # A gap in the map is an element the guide does not use.
            elements.append(slots.get(seq) or ElementDef(
                ref=f"{seg_id}{seq:02d}", name="Not used", usage=Usage.NOT_USED,
                data_type="AN", min_length=1, max_length=256))
        return SegmentDef(
            id=seg_id, name=_text(node, "name"), usage=Usage(_text(node, "usage")),
            max_use=_count(_text(node, "max_use", "1")), position=_text(node, "pos"),
            elements=tuple(elements), syntax=tuple(s.text.strip() for s in
                                                   node.findall("syntax") if s.text),
            qualifier=_qualifier(seg_id, elements))

    def loop_children(self, node: etree._Element) -> list[SegmentDef | LoopDef]:
        out: list[SegmentDef | LoopDef] = []
        for child in node:
            if child.tag == "segment":
                out.append(self.segment(child))
            elif child.tag == "loop":
                if child.get("type") == "wrapper":
                    out.extend(self.loop_children(child))
                else:
                    out.append(self.loop(child))
        return out

    def loop(self, node: etree._Element) -> LoopDef:
        return LoopDef(id=node.get("xid"), name=_text(node, "name"),
                       usage=Usage(_text(node, "usage")),
                       max_repeat=_count(_text(node, "repeat", "1")),
                       children=tuple(self.loop_children(node)))


def _qualifier(seg_id: str, elements: list[ElementDef | CompositeDef]
               ) -> tuple[int, frozenset[str]] | None:
    if not elements:
        return None
    if seg_id == "HL":
        third = elements[2] if len(elements) > 2 else None
        if isinstance(third, ElementDef) and third.codes:
            return (3, third.codes)
        return None
    first = elements[0]
    if isinstance(first, ElementDef):
        if first.data_type == "ID" and first.usage is Usage.REQUIRED and first.codes:
            return (1, first.codes)
        return None
    head = first.components[0] if first.components else None
    # Any code list on the leading component qualifies, not only ID ones: X231A1 tells its
    # two CTX segments apart by CTX01-1 ("SITUATIONAL TRIGGER" vs "CLM01"...), an AN element
    # (pyx12 requires ID here and so rejects every business-unit CTX).
    if head is not None and head.codes:
        return (1, head.codes)
    return None


def _without(loop: LoopDef, ids: frozenset[str], found: dict[str, LoopDef]) -> LoopDef:
    kept: list[SegmentDef | LoopDef] = []
    for child in loop.children:
        if isinstance(child, LoopDef):
            stripped = _without(child, ids, found)
            if child.id in ids:
                found[child.id] = stripped
                continue
            kept.append(stripped)
        else:
            kept.append(child)
    return LoopDef(loop.id, loop.name, loop.usage, loop.max_repeat, tuple(kept))


def _repair_x212(body: LoopDef, compiler: _Compiler, root: etree._Element) -> LoopDef:
    """Rebuild the 277 X212 loop nesting, which pyx12's (unregistered) map gets wrong.

    In that map the table wrappers close out of order, so 2000C..2000E end up beside 2000A
    and SE outside the ST loop. The TR3 (X212 section 2.4) nests the hierarchical levels:
    information source 2000A > receiver 2000B > provider 2000C > subscriber 2000D >
    dependent 2000E, as pyx12's 277CA map does.
    """
    chain = ("2000A", "2000B", "2000C", "2000D", "2000E")
    found: dict[str, LoopDef] = {}
    body = _without(body, frozenset(chain), found)
    nested: LoopDef | None = None
    for loop_id in reversed(chain):
        loop = found[loop_id]
        children = loop.children + ((nested,) if nested is not None else ())
        nested = LoopDef(loop.id, loop.name, loop.usage, loop.max_repeat, children)
    children = [c for c in body.children if not (isinstance(c, SegmentDef) and c.id == "SE")]
    children.append(nested)
    se = root.find(".//segment[@xid='SE']")
    children.append(compiler.segment(se))
    return LoopDef(body.id, body.name, body.usage, body.max_repeat, tuple(children))


def _relax_x214(body: LoopDef) -> LoopDef:
    """Follow the 277CA TR3 examples where pyx12's X214 map is stricter than they are.

    pyx12 requires loop 2200C (provider trace and status) with its STC, and STC02 in the
    service line STC; the TR3's own examples leave them out (x12-domain.md section 7.3,
    CONFLICT), and payers send 277CAs that way. Inbound acknowledgments are read leniently.
    """

    def relax(loop: LoopDef, path: str) -> LoopDef:
        children: list[SegmentDef | LoopDef] = []
        for child in loop.children:
            if isinstance(child, LoopDef):
                child = relax(child, f"{path}/{child.id}")
                if child.id == "2200C":
                    child = replace(child, usage=Usage.SITUATIONAL)
            elif child.id == "STC" and loop.id == "2200C":
                child = replace(child, usage=Usage.SITUATIONAL)
            elif child.id == "STC" and loop.id == "2220D":
                elements = list(child.elements)
                elements[1] = replace(elements[1], usage=Usage.SITUATIONAL)
                child = replace(child, elements=tuple(elements))
            children.append(child)
        return replace(loop, children=tuple(children))

    return relax(body, body.id)


def compile_map(source: MapSource, map_dir: Path | None = None) -> TransactionDef:
    """Read one pyx12 map and return its definition (ST loop only)."""
    map_dir = map_dir or pyx12_map_dir()
    compiler = _Compiler(map_dir)
    root = etree.parse(str(map_dir / source.file)).getroot()
    st_loop = root.find(".//loop[@xid='ST_LOOP']")
    if st_loop is None:
        raise ValueError(f"{source.file}: no ST_LOOP")
    body = compiler.loop(st_loop)
    if source.version == "005010X212":
        body = _repair_x212(body, compiler, root)
    if source.version == "005010X214":
        body = _relax_x214(body)
    # ST_LOOP's repeat is the number of sets per group; one body is one set.
    body = LoopDef(id="ST_LOOP", name=body.name, usage=Usage.REQUIRED, max_repeat=1,
                   children=body.children)
    return TransactionDef(set_id=source.set_id, version=source.version,
                          functional_id=source.functional_id,
                          name=_text(root, "name"), body=body)


#: External code lists taken from pyx12's codes.xml: only the stable ones. Its place-of-service,
#: remark (RARC) and claim status lists are years old and would reject current codes.
CODE_SETS = ("states", "country", "currency")
CODE_SETS_FILE = "code_sets.json"


def compile_code_sets(map_dir: Path | None = None) -> str:
    """The stable external code lists as JSON: {list name: [codes]}."""
    map_dir = map_dir or pyx12_map_dir()
    root = etree.parse(str(map_dir / "codes.xml")).getroot()
    found: dict[str, list[str]] = {}
    for codeset in root.iter("codeset"):
        name = (codeset.findtext("id") or "").strip()
        if name in CODE_SETS:
            found[name] = sorted({c.text.strip() for c in codeset.iter("code") if c.text})
    return json.dumps(found, indent=0, sort_keys=True) + "\n"


def compile_all(map_dir: Path | None = None) -> dict[str, str]:
    """Every source compiled: output file name -> JSON text."""
    out = {output_name(s.set_id, s.version): dumps(compile_map(s, map_dir)) for s in SOURCES}
    out[CODE_SETS_FILE] = compile_code_sets(map_dir)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="directory for the JSON files (default: edi/maps)")
    parser.add_argument("--check", action="store_true",
                        help="only report whether the committed files are up to date")
    args = parser.parse_args(argv)
    stale = []
    for name, text in compile_all().items():
        target = args.out / name
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(name)
            continue
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target} ({len(text):,} bytes)")
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
