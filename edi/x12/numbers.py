"""The one reader of numbers in element text: R (decimal), N and Nn (implied decimals), counts.

X12.6 numbers are plain: an optional leading minus, ASCII digits and, for R only, one decimal
point. There is no plus sign, no exponent ("1E5" is not an X12 number), no NaN or Infinity,
and no other script's digits. Every element that holds a number is short (an amount is R 1/18,
a count N0 1/6 to 1/10, an HL id AN 1/12), so a value with more significant digits than
``MAX_DIGITS`` is a corrupt field, not a number to compute with: refusing it here keeps a
hostile ``1E999999999`` or a 5000-digit string from ever reaching ``Decimal`` arithmetic or
``int()``, where it would hang or raise.

The functions raise :class:`NumberFormatError` (a ``ValueError``) whose message says in words
what is wrong with the text; readers turn it into a defect that names the element.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["MAX_DIGITS", "PLAIN_DECIMAL", "NumberFormatError", "read_count", "read_decimal",
           "read_integer"]

#: Significant digits any number element may carry (R and N elements are at most 18 long).
MAX_DIGITS = 18
# Leading zeros are harmless, but a text longer than this is refused before it is scanned.
_MAX_TEXT = 64
_DIGITS = frozenset("0123456789")

#: The shape nearly every R value has: an optional minus, ASCII digits and at most one point
#: (``185``, ``-13.65``, ``.5``, ``5.``). ``Decimal`` reads such a text exactly as
#: :func:`read_decimal` would, so a text that matches and is at most ``MAX_DIGITS``
#: characters long (hence at most that many digits) skips the general checks. Readers of
#: large files use it to test an amount before calling anything.
PLAIN_DECIMAL = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_plain = PLAIN_DECIMAL.fullmatch


class NumberFormatError(ValueError):
    """Element text that is not an X12 number; the message says why, in words."""


def _show(text: str) -> str:
    return repr(text) if len(text) <= 24 else f"{text[:20]!r}... ({len(text)} characters)"


def _split(text: str, *, allow_point: bool, max_digits: int) -> tuple[bool, str, str]:
    """Check ``text`` and return (negative, whole digits, fraction digits)."""
    body = text.strip(" \t\r\n")
    if not body:
        raise NumberFormatError("the value is empty, not a number")
    if len(body) > _MAX_TEXT:
        raise NumberFormatError(f"{_show(body)} is far too long to be a number")
    negative = body.startswith("-")
    if negative:
        body = body[1:]
    whole, point, fraction = body.partition(".")
    if point and not allow_point:
        raise NumberFormatError(f"{_show(text)} has a decimal point, which this whole-number "
                                "element cannot carry")
    if not (whole or fraction) or not set(whole + fraction) <= _DIGITS:
        if any(c in "eE" for c in body) and any(c in _DIGITS for c in body):
            raise NumberFormatError(f"{_show(text)} is written with an exponent, which an X12 "
                                    "number cannot have")
        if not body.isascii():
            raise NumberFormatError(f"{_show(text)} is not written in ASCII digits")
        raise NumberFormatError(f"{_show(text)} is not a number")
    significant = len(whole.lstrip("0")) + len(fraction)
    if significant > max_digits:
        raise NumberFormatError(f"{_show(text)} has {significant} digits; at most {max_digits} "
                                "fit this element")
    return negative, whole, fraction


def read_decimal(text: str, *, implied: int = 0, max_digits: int = MAX_DIGITS) -> Decimal:
    """An R value (``implied`` = 0) or an Nn value (``implied`` = n, no decimal point)."""
    if not implied and len(text) <= max_digits and _plain(text):
        return Decimal(text)
    negative, whole, fraction = _split(text, allow_point=implied == 0, max_digits=max_digits)
    # Checked above to be sign, ASCII digits and at most one point: Decimal reads it exactly.
    value = Decimal(f"{'-' if negative else ''}{whole or '0'}.{fraction}" if fraction
                    else f"{'-' if negative else ''}{whole}")
    return value.scaleb(-implied) if implied else value


def read_integer(text: str, *, max_digits: int = MAX_DIGITS, signed: bool = False) -> int:
    """An N0 value: a control number, an HL id, a position, a count written as digits."""
    if len(text) <= max_digits and text.isascii() and text.isdigit():
        return int(text)
    negative, whole, _ = _split(text, allow_point=False, max_digits=max_digits)
    if negative and not signed:
        raise NumberFormatError(f"{_show(text)} is negative; this element counts from zero")
    value = int(whole)
    return -value if negative else value


def read_count(text: str, *, max_digits: int = MAX_DIGITS) -> int:
    """A count sent as an R value (``QTY02``): a whole, non-negative number; ``3.0`` is 3."""
    value = read_decimal(text, max_digits=max_digits)
    if value < 0:
        raise NumberFormatError(f"{_show(text)} is negative; a count cannot be")
    if value != value.to_integral_value():
        raise NumberFormatError(f"{_show(text)} is not a whole number; a count must be")
    return int(value)
