"""NPI check digit (Luhn with the 80840 prefix), table-driven."""

from __future__ import annotations

import pytest

from claims.npi import npi_check_digit, npi_is_valid


@pytest.mark.parametrize(("npi", "valid"), [
    ("1234567893", True),     # the CMS worked example
    ("1558598797", True),
    ("1912301953", True),
    ("1987654328", True),
    ("1234567890", False),    # wrong check digit
    ("6543210903", False),    # a TR3 example NPI that fails the check (x12-domain 3.5)
    ("3234567893", False),    # first digit must be 1 or 2
    ("123456789", False),
    ("12345678934", False),
    ("12345678a3", False),
    ("", False),
    ("123456789\u00b2", False),      # a superscript two is a digit to str.isdigit
    ("1\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff13", False),    # full-width digits
])
def test_npi_validity(npi, valid):
    assert npi_is_valid(npi) is valid


def test_check_digit_matches_the_cms_example():
    assert npi_check_digit("123456789") == 3
