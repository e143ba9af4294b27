"""Bare transaction sets: text that starts with ST or GS instead of an ISA.

The TR3s print their examples as a bare ST..SE set, and people paste a GS..GE group without
its ISA. X12.6 requires the interchange envelope, so such text is read leniently: the
delimiters are taken from what the text shows (the element separator is the character after
the segment id; the segment terminator the character that ends the first segment; the
component separator the one seen in a composite such as ``HC:99213``, else ``:``, and ``^``
for repetitions, the TR3's own, unless they clash), and a synthetic
ISA (and GS for a bare set) is placed around it, so every reader and the validator see an
ordinary interchange. Synthetic segments have position 0 (they are not in the file); the
reader reports a warning saying what was assumed.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from edi.errors import InterchangeError
from edi.x12.delimiters import Delimiters

__all__ = ["BareStart", "HEAD_LENGTH", "GUIDE_BY_SET", "is_bare_start", "read_bare_start",
           "synthetic_trailers"]

#: Characters a bare start is read from (its control number is a checksum of them), so the
#: synthetic envelope is the same however the text is cut into chunks.
HEAD_LENGTH = 4096

#: ST01 -> (GS01 functional identifier, the 005010 guide read when ST03 names none). Two
#: sets have more than one guide here; the one named is the more common (837 professional,
#: 277 claim status response) and the warning says so.
GUIDE_BY_SET: dict[str, tuple[str, str]] = {
    "270": ("HS", "005010X279A1"),
    "271": ("HB", "005010X279A1"),
    "276": ("HR", "005010X212"),
    "277": ("HN", "005010X212"),
    "835": ("HP", "005010X221A1"),
    "837": ("HC", "005010X222A1"),
    "999": ("FA", "005010X231A1"),
}
_SEVERAL_GUIDES = {"837": "837P, 837I and 837D", "277": "the 277 and the 277CA"}

#: Sender and receiver of a bare set, which names neither (GS02/GS03 are required).
_UNKNOWN = "UNKNOWN"
_COMPONENTS = ":><\\!"
#: Qualifiers that open a composite element (SVC01/SV101 HC, HI01 ABK/BK..., CLM05 codes are
#: digits): the character after one of them, right after an element separator, is ISA16.
_COMPOSITE = r"(?:HC|AD|ER|IV|N4|NU|WK|ABK|ABF|ABJ|ABN|APR|BBR|BK|BF|BJ|BR|BP|BQ|DR|PR|RS)"
_REPETITIONS = "^{|\x1d"
_WS = "\r\n\t "


def is_bare_start(text: str) -> bool:
    """True when ``text`` starts with an ST or GS segment id and an element separator."""
    return (len(text) > 3 and text[:2] in ("ST", "GS") and not text[2].isalnum()
            and text[2] not in _WS)


@dataclass(frozen=True, slots=True)
class BareStart:
    """How a bare start is read: its delimiters, the synthetic header segments (as text in
    those delimiters, without terminators) and the warning that says what was assumed."""

    tag: str                      # "ST" or "GS": what the text starts with
    delimiters: Delimiters
    headers: tuple[str, ...]      # synthetic ISA, and GS for a bare set
    control_number: str           # synthetic ISA13 (also GS06 of a synthetic group)
    warning: str


def _alnum_run(text: str, at: int) -> int:
    while at < len(text) and text[at].isalnum():
        at += 1
    return at


def _terminator(text: str, element: str, tag: str, source: str | None) -> str:
    """The character ending the first segment: after ST01, ST02 (ST03) or after GS08."""
    at = 2
    if tag == "GS":
        for _ in range(7):
            at = text.find(element, at + 1)
            if at < 0:
                raise _fail("GS: the text ends before GS08", source)
        at = _alnum_run(text, at + 1)
    else:
        for n in range(3):
            at = _alnum_run(text, at + 1)
            if n == 2 or text[at:at + 1] != element:
                break
    end = at
    while text[at:at + 1] == " ":
        at += 1                   # blanks before a terminator are allowed here, not data
    term = text[at:at + 1]
    if term == "\r" and text[at + 1:at + 2] == "\n":
        term = "\n"
    if not term or term.isalnum() or term == " " or term == element:
        found = text[end:end + 1] or "the end of the text"
        raise _fail(f"{tag}: the segment terminator cannot be told apart: {tag} "
                    f"{text[:end]!r} is followed by {found!r}", source)
    return term


def _component(head: str, element: str, term: str) -> tuple[str, bool]:
    """The component separator a composite in ``head`` shows, else the first one free;
    and whether it was seen."""
    free = [c for c in _COMPONENTS if c not in (element, term)]
    chars = "[" + re.escape("".join(free)) + "]"
    e = re.escape(element)
    # A composite opened by its qualifier, or CLM05's facility code, frequency and type (11:B:1).
    for pattern in (e + _COMPOSITE + "(" + chars + ")", e + r"\d\d(" + chars + r")[A-Z]\1\d"):
        found = re.search(pattern, head)
        if found:
            return found.group(1), True
    return free[0], False


def _fail(message: str, source: str | None) -> InterchangeError:
    return InterchangeError(message, note_code="026", source=source)


def read_bare_start(head: str, source: str | None = None) -> BareStart:
    """Read the start of a bare ST or GS (``head``: the first :data:`HEAD_LENGTH` characters,
    or all the text when shorter). Raises :class:`InterchangeError` when its delimiters
    cannot be told apart."""
    tag, element = head[:2], head[2]
    term = _terminator(head, element, tag, source)
    component, seen = _component(head, element, term)
    repetition = next(c for c in _REPETITIONS if c not in (element, term, component))
    try:
        delims = Delimiters(element, component, repetition, term)
    except ValueError as exc:
        raise _fail(f"{tag}: unusable delimiters: {exc}", source) from exc
    first = head[:head.find(term)].rstrip(" ").split(element)
    control = f"{zlib.crc32(head[:HEAD_LENGTH].encode('utf-8', 'replace')) % 999_999_999 + 1:09d}"
    shown = "line break" if term in "\r\n" else repr(term)
    assumed = (f"element separator {element!r}, segment terminator {shown}, components "
               f"{component!r} ({'as the text shows' if seen else 'none seen in the text'}) "
               f"and repetitions {repetition!r}")
    e = element
    if tag == "GS":
        g = (first + [""] * 9)[:9]
        date = g[4][2:8] if len(g[4]) == 8 else "000101"
        isa = _isa(e, g[2], g[3], date, (g[5] or "0000")[:4], repetition, control, component)
        warning = (f"the file has no ISA interchange header; read as a functional group with a "
                   f"synthetic ISA/IEA envelope (ISA13 {control}, sender and receiver from "
                   f"GS02/GS03), {assumed}")
        return BareStart(tag, delims, (isa,), control, warning)
    s = (first + [""] * 4)[:4]
    set_id, st03 = s[1], s[3]
    functional_id, default_guide = GUIDE_BY_SET.get(set_id, ("", ""))
    guide = st03 or default_guide
    if st03:
        named = f"GS08 {st03} from ST03"
    elif default_guide:
        several = _SEVERAL_GUIDES.get(set_id)
        named = (f"no ST03, so GS08 {default_guide}, the guide read for ST01 {set_id} when "
                 f"nothing else names one" + (f" ({several} share ST01 {set_id})"
                                              if several else ""))
    else:
        named = f"no ST03 and no guide known for ST01 {set_id or '(empty)'}"
    isa = _isa(e, _UNKNOWN, _UNKNOWN, "000101", "0000", repetition, control, component)
    gs = e.join(("GS", functional_id, _UNKNOWN, _UNKNOWN, "20000101", "0000",
                 str(int(control)), "X", guide))
    warning = (f"the file has no ISA/GS envelope; read as a bare transaction set with a "
               f"synthetic envelope (ISA13 {control}, sender and receiver {_UNKNOWN}, "
               f"GS01 {functional_id or 'unknown'}, "
               f"{named}), {assumed}")
    return BareStart(tag, delims, (isa, gs), control, warning)


def _isa(e: str, sender: str, receiver: str, date: str, time: str, repetition: str,
         control: str, component: str) -> str:
    return e.join(("ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender[:15].ljust(15), "ZZ",
                   receiver[:15].ljust(15), date, time.ljust(4, "0"), repetition, "00501",
                   control, "0", "P", component))


def synthetic_trailers(start: BareStart, sets: int, groups: int) -> tuple[str, ...]:
    """GE (for a bare set) and IEA closing a synthetic envelope, counts filled in."""
    e = start.delimiters.element
    iea = e.join(("IEA", str(groups if start.tag == "GS" else 1), start.control_number))
    if start.tag == "GS":
        return (iea,)
    return (e.join(("GE", str(sets), str(int(start.control_number)))), iea)
