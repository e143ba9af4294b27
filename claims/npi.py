"""NPI check digit: Luhn over the 9 base digits as if prefixed by 80840 (x12-domain 9.6).

The prefix 80840 (80 health, 840 USA) adds a constant 24 to the Luhn sum of the base digits,
which is how CMS describes the check ("Standard Unique Health Identifier for Health Care
Providers", check digit annex).
"""

from __future__ import annotations

__all__ = ["npi_is_valid", "npi_check_digit"]

_PREFIX_SUM = 24


def npi_check_digit(base: str) -> int:
    """The check digit for a 9-digit NPI base."""
    total = _PREFIX_SUM
    for i, ch in enumerate(reversed(base)):
        d = int(ch)
        if i % 2 == 0:          # rightmost base digit is doubled (it sits left of the check)
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    """10 digits, first digit 1 or 2, and the last digit the Luhn check of the rest."""
    # isdigit() alone also passes superscripts and full-width digits, which an 837 cannot carry.
    if len(npi) != 10 or not (npi.isascii() and npi.isdigit()) or npi[0] not in "12":
        return False
    return npi_check_digit(npi[:9]) == int(npi[9])
