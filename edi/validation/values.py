"""Checks of one element value against its definition: data type, length, codes, form.

Data types follow X12.6 section 3.3: ``Nn`` integers with n implied decimals (length counts
digits only), ``R`` decimal numbers (length counts digits only, not the sign or point), ``DT``
CCYYMMDD (YYMMDD where the element is six long), ``TM`` HHMM[SS[d..]], ``ID`` a code from a
list, ``AN`` text. A verdict is (IK403 code, message, level): level ``IK4`` for the element's
own form, ``SNIP5`` for an external code list (states, countries, currencies).
"""

from __future__ import annotations

import datetime as dt
import re

from edi.maps import external_codes
from edi.x12.grammar import CompositeDef, ElementDef

__all__ = ["ValueCheck", "is_valid_date", "is_valid_time", "label"]

# IK403 codes (X231A1) a single value can earn.
INVALID_CHARACTER = "6"
INVALID_CODE = "7"
INVALID_DATE = "8"
INVALID_TIME = "9"
TOO_SHORT = "4"
TOO_LONG = "5"
PATTERN_MISMATCH = "I12"

# X12.6 numbers are written in ASCII digits only (re's \d would take any script's digits).
_NUMERIC = re.compile(r"-?[0-9]+")
# One way to match each digit: "[0-9]+\.?[0-9]*" split a run of digits between its two
# repeats in every possible way before failing, seconds on a 70,000-digit element.
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DIGITS = re.compile(r"[0-9]+")


def is_valid_date(text: str) -> bool:
    """CCYYMMDD (or YYMMDD) naming a real calendar day."""
    if not _DIGITS.fullmatch(text):
        return False
    if len(text) == 6:
        text = ("20" if text < "50" else "19") + text
    if len(text) != 8:
        return False
    year = int(text[:4])
    if year < 1800:
        return False        # no claim, birth or payment date precedes 1800 (as pyx12)
    try:
        dt.date(year, int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return True


def is_valid_time(text: str) -> bool:
    """HHMM, HHMMSS or HHMMSSD[D] naming a real time of day."""
    if not _DIGITS.fullmatch(text) or len(text) not in (4, 6, 7, 8):
        return False
    if int(text[:2]) > 23 or int(text[2:4]) > 59:
        return False
    return len(text) < 6 or int(text[4:6]) <= 59


#: Verdicts kept per element definition before its cache starts over.
VERDICTS_KEPT = 4096

_EXTERNAL_NAMES = {"states": "US state or Canadian province", "country": "country",
                   "currency": "currency"}


def label(e: ElementDef | CompositeDef) -> str:
    return f"{e.ref} ({e.name})" if e.name else e.ref


class ValueCheck:
    """One element definition compiled into a value check, with a cache of verdicts."""

    __slots__ = ("d", "label", "kind", "min", "max", "codes", "pattern", "cache", "cacheable",
                 "external", "fast")

    def __init__(self, d: ElementDef) -> None:
        self.d = d
        self.label = label(d)
        self.kind = d.data_type
        self.min = d.min_length
        self.max = d.max_length
        self.codes = d.codes
        self.pattern = re.compile(d.pattern) if d.pattern else None
        self.external = external_codes(d.external) if d.external else None
        self.cache: dict[str, tuple[str, str, str] | None] = {}
        # Dates, times and amounts repeat across claims; long free text rarely does. A code
        # list is its own verdict (membership, no cache: the values that are not listed are
        # unbounded, REF01 or NM101 junk in a hostile file).
        self.cacheable = self.max <= 35 and (self.codes is None or self.external is not None)
        self.fast = self._fast()

    def _fast(self) -> str:
        """How a present value can be recognised as valid without the verdict cache (names,
        identifiers and amounts rarely repeat): "code" by the code list; with no list, form or
        external list, "text" (AN, ID), "decimal" (R) and "integer" (Nn) by characters and
        length; "" when only the full check will do. Anything not recognised takes the full
        check, which names the problem."""
        if self.external is not None:
            return ""
        if self.codes is not None:
            return "code"       # a listed code is valid whatever its type, length or form
        if self.pattern is not None:
            return ""
        if self.kind in ("AN", "ID"):
            return "text"
        return {"R": "decimal"}.get(self.kind, "integer" if self.kind[:1] == "N" else "")

    def check(self, value: str) -> tuple[str, str, str] | None:
        """(code, message, level) for a present value, or None when it is fine."""
        if self.cacheable:
            cache = self.cache
            if value in cache:
                return cache[value]
            result = self._verdict(value)
            if len(cache) >= VERDICTS_KEPT:
                # the verdicts of the values seen lately; a worker's mix of files drifts
                cache.clear()
            cache[value] = result
            return result
        codes = self.codes
        if codes is not None and value in codes and self.external is None:
            return None
        return self._verdict(value)

    def _verdict(self, value: str) -> tuple[str, str, str] | None:
        found = self._check(value)
        if found is not None:
            return found[0], found[1], "IK4"
        if self.external is not None and value not in self.external:
            # SNIP 5: an external code list (state, country, currency).
            what = _EXTERNAL_NAMES.get(self.d.external or "", self.d.external)
            return (INVALID_CODE, f"{self.label}: {value!r} is not a valid {what} code",
                    "SNIP5")
        return None

    def _check(self, value: str) -> tuple[str, str] | None:
        kind = self.kind
        label = self.label
        if self.codes is not None:
            if value not in self.codes:
                return INVALID_CODE, f"{label}: {value!r} is not a valid code here"
            return None
        if kind == "AN" or kind == "ID":
            length = len(value)
            if not value.isprintable():
                return INVALID_CHARACTER, f"{label} contains a control character"
        elif kind[0] == "N":
            if not _NUMERIC.fullmatch(value):
                return INVALID_CHARACTER, f"{label}: {value!r} is not a whole number"
            length = len(value) - (value[0] == "-")
        elif kind == "R":
            if not _DECIMAL.fullmatch(value):
                return INVALID_CHARACTER, f"{label}: {value!r} is not a number"
            length = len(value) - (value[0] == "-") - ("." in value)
        elif kind == "DT":
            if not is_valid_date(value) or len(value) not in (self.min, self.max):
                form = "YYMMDD" if self.max == 6 else "CCYYMMDD"
                return INVALID_DATE, f"{label}: {value!r} is not a valid date ({form})"
            return None
        elif kind == "TM":
            if not is_valid_time(value):
                return INVALID_TIME, f"{label}: {value!r} is not a valid time (HHMM)"
            length = len(value)
        else:
            length = len(value)
        if length < self.min:
            return TOO_SHORT, (f"{label}: {value!r} is too short "
                               f"(at least {self.min} characters)")
        if length > self.max:
            return TOO_LONG, (f"{label}: {value!r} is too long "
                              f"(at most {self.max} characters)")
        if self.pattern is not None and not self.pattern.fullmatch(value):
            return PATTERN_MISMATCH, (f"{label}: {value!r} does not have the required form "
                                      f"{self.pattern.pattern}")
        return None
