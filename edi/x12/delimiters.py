"""The four X12 delimiters, read from the fixed-width ISA segment.

The ISA is 106 characters including its terminator (X12.5 / TR3 appendix B): the character
after ``ISA`` is the element separator, position 82 is the repetition separator (ISA11, 00501
and later), position 104 the component separator (ISA16) and position 105 the segment
terminator.
"""

from __future__ import annotations

from dataclasses import dataclass

from edi.errors import InterchangeError

__all__ = ["Delimiters", "ISA_LENGTH", "ISA_WIDTHS", "read_delimiters", "scan_isa",
           "is_spaced_isa", "unspace_isa", "DEFAULT_DELIMITERS"]

ISA_LENGTH = 106
#: Fixed widths of ISA01..ISA16.
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)


@dataclass(frozen=True, slots=True)
class Delimiters:
    """Element, component, repetition and segment separators of one interchange."""

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"

    def __post_init__(self) -> None:
        chars = (self.element, self.component, self.repetition, self.segment)
        if any(len(c) != 1 for c in chars):
            raise ValueError("each delimiter must be exactly one character")
        if len(set(chars)) != 4:
            raise ValueError(f"delimiters must all differ, got {chars!r}")
        if any(c.isalnum() for c in chars):
            raise ValueError(f"a delimiter cannot be a letter or digit, got {chars!r}")


DEFAULT_DELIMITERS = Delimiters()


def read_delimiters(isa: str, source: str | None = None) -> Delimiters:
    """Read the delimiters from the start of an interchange, strictly.

    Raises :class:`InterchangeError` (a TA1-level failure) when the text is not a conforming
    106-character ISA. :func:`scan_isa` is the lenient form readers use.
    """
    delimiters, problems = scan_isa(isa, source)
    if problems:
        code, message = problems[0]
        raise InterchangeError(message, note_code=code, source=source)
    return delimiters


def _fail(message: str, code: str, source: str | None) -> InterchangeError:
    return InterchangeError(message, note_code=code, source=source)


def scan_isa(text: str, source: str | None = None) -> tuple[Delimiters, list[tuple[str, str]]]:
    """Find the delimiters of the interchange starting ``text``, tolerating a malformed ISA.

    Returns the delimiters and a list of ``(TA105 note code, message)`` problems. An ISA whose
    fields are not padded to their fixed widths is still read element by element, as long as
    the element separator, ISA16 and the terminator after it can be told apart; otherwise
    :class:`InterchangeError` is raised.
    """
    problems: list[tuple[str, str]] = []
    if not text.startswith("ISA"):
        raise _fail(f"the interchange does not start with an ISA segment (found {text[:3]!r})",
                    "024", source)
    if len(text) < 4:
        raise _fail("the text ends inside the ISA segment", "023", source)
    element = text[3]
    # Not str.isspace(): the information separators \x1c-\x1f, common binary delimiters,
    # count as whitespace in Python but are valid X12 delimiters.
    if element.isalnum() or element in " \t\r\n":
        raise _fail(f"ISA: the element separator {element!r} is a letter, digit or space",
                    "026", source)
    fields = text[:ISA_LENGTH].split(element)
    if len(text) >= ISA_LENGTH and len(fields) == 17:
        repetition, component, segment = text[82], text[104], text[105]
        version = fields[12]
    else:
        # Not fixed width: walk 16 separators, then ISA16 and the terminator follow.
        at = 3                      # the separator before ISA01
        for _ in range(15):         # ... and the fifteen up to the one before ISA16
            at = text.find(element, at + 1)
            if at < 0:
                raise _fail("the text ends inside the ISA segment", "023", source)
        if at + 2 >= len(text):
            raise _fail("the text ends inside the ISA segment", "023", source)
        parts = text[: at + 1].split(element)
        component, segment = text[at + 1], text[at + 2]
        repetition = parts[11][:1] if len(parts) > 11 else ""
        version = parts[12] if len(parts) > 12 else ""
        problems.append((
            "024", f"ISA: the segment is {at + 3} characters long instead of {ISA_LENGTH}; "
            "every ISA field must be padded to its fixed width"))
    if segment.isalnum() or segment == " ":
        raise _fail(f"ISA: the segment terminator {segment!r} is a letter, digit or space",
                    "004", source)
    if component.isalnum() or component == " " or component in (element, segment):
        raise _fail(f"ISA16: the component separator {component!r} cannot be used", "027",
                    source)
    if version != "00501":
        # Before 00501, ISA11 held a standards identifier ("U"), not a repetition separator.
        if version.strip() not in ("00401", "00400", "00300"):
            problems.append(("017", f"ISA12: version {version!r} is not 00501"))
        repetition = ""
    elif repetition.isalnum() or repetition == " " or not repetition:
        problems.append(("026", f"ISA11: the repetition separator {repetition!r} is a letter, "
                                "digit or space; repeated elements cannot be read"))
        repetition = ""
    elif repetition in (element, component, segment):
        problems.append(("026", f"ISA11: the repetition separator {repetition!r} is already "
                                "used as another delimiter"))
        repetition = ""
    if not repetition:
        repetition = next(c for c in "^\x1d\x1e\x1f" if c not in (element, component, segment))
    if segment == element:
        raise _fail(f"ISA: the segment terminator {segment!r} is also the element separator",
                    "004", source)
    try:
        return Delimiters(element, component, repetition, segment), problems
    except ValueError as exc:        # any other clash between the four characters
        raise _fail(f"ISA: unusable delimiters: {exc}", "026", source) from exc


def is_spaced_isa(text: str) -> bool:
    """True when ``text`` starts with an ISA written with blanks around its separators
    (``ISA * 00 *``): a blank after the segment id, or around ISA01, which is a two-letter
    code."""
    return text.startswith("ISA") and " " in (text[3:4], text[4:5], text[6:7])


def unspace_isa(text: str, source: str | None = None) -> tuple[str, int]:
    """Read a spaced ISA (see :func:`is_spaced_isa`) at the start of ``text``.

    Returns the ISA rewritten with its fields at their fixed widths (blanks around the
    separators dropped, each field padded again), terminator included, and how many
    characters of ``text`` it replaces. Raises :class:`InterchangeError` when the element
    separator, ISA16 and the segment terminator cannot be told apart.
    """
    at = 3
    while text[at:at + 1] == " ":
        at += 1
    element = text[at:at + 1]
    if not element or element.isalnum() or element in " \t\r\n":
        raise _fail(f"ISA: blanks follow the segment id, then {element or 'nothing'!r}, "
                    "which cannot be an element separator", "026", source)
    seps = [at]
    for _ in range(15):
        at = text.find(element, at + 1)
        if at < 0:
            raise _fail("the text ends inside the ISA segment", "023", source)
        seps.append(at)
    fields = [text[a + 1:b].strip(" ") for a, b in zip(seps, seps[1:], strict=False)]
    at += 1
    while text[at:at + 1] == " ":
        at += 1
    component = text[at:at + 1]
    at += 1
    while text[at:at + 1] == " ":
        at += 1
    segment = text[at:at + 1]
    if segment == "\r" and text[at + 1:at + 2] == "\n":
        at += 1
        segment = "\n"
    for char, what, taken in ((component, "ISA16 component separator", (element,)),
                              (segment, "segment terminator", (element, component))):
        if not char or char.isalnum() or char == " " or char in taken:
            raise _fail(f"ISA: written with blanks around its separators, but the {what} "
                        f"cannot be told apart (found {char or 'the end of the text'!r} after "
                        f"the element separator {element!r})", "026" if char else "023",
                        source)
    following = text[at + 1:].lstrip("\r\n\t ")
    end = following.find(segment)
    if end > 0 and following[:end].rstrip(" \r\n\t").endswith(component):
        # "... * T * ~" then "GS * ... ~" on the next line: the "~" read as ISA16 also ends
        # the next segment, so ISA16 is missing and the line break is not the terminator.
        raise _fail(f"ISA: written with blanks around its separators, but ISA16 cannot be "
                    f"told apart from the segment terminator: {component!r} also ends the "
                    "segment after the ISA", "026", source)
    if len(fields[10]) != 1:
        raise _fail(f"ISA11: written with blanks around its separators, {fields[10]!r} is not "
                    "one character", "026", source)
    padded = [f.ljust(w) for f, w in zip(fields, ISA_WIDTHS, strict=False)]
    return element.join(["ISA", *padded, component]) + segment, at + 1
