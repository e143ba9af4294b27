"""The one number reader: X12 R and Nn values, counts and ids, bounded and exponent-free."""

from __future__ import annotations

from decimal import Decimal

import pytest

from edi.x12.numbers import MAX_DIGITS, NumberFormatError, read_count, read_decimal, read_integer

# (text, implied decimals, value)
DECIMALS = [
    ("185", 0, Decimal("185")),
    ("69.00", 0, Decimal("69.00")),
    ("-12.5", 0, Decimal("-12.5")),
    (".5", 0, Decimal("0.5")),
    ("5.", 0, Decimal("5")),
    (" 7 ", 0, Decimal("7")),
    ("12345", 2, Decimal("123.45")),
    ("-100", 2, Decimal("-1.00")),
    ("9" * MAX_DIGITS, 0, Decimal("9" * MAX_DIGITS)),
    ("0" * 30 + "1", 0, Decimal(1)),          # leading zeros are not significant
]

# (text, words the refusal carries)
REFUSED = [
    ("1E5", "exponent"),
    ("1E999999999", "exponent"),
    ("-2e-3", "exponent"),
    ("NaN", "not a number"),
    ("Infinity", "not a number"),
    ("-inf", "not a number"),
    ("+5", "not a number"),
    ("1.2.3", "not a number|decimal point"),
    ("", "empty"),
    ("-", "not a number"),
    ("1,000", "not a number"),
    ("\u00b9\u00b2", "ASCII digits"),         # superscript digits
    ("\uff11\uff12", "ASCII digits"),         # full-width digits, which Decimal() accepts
    ("\u0661", "ASCII digits"),               # Arabic-Indic one
    ("9" * (MAX_DIGITS + 1), f"at most {MAX_DIGITS}"),
    ("1" * 5000, "far too long"),
]


@pytest.mark.parametrize(("text", "implied", "value"), DECIMALS)
def test_reads_r_and_n_values(text: str, implied: int, value: Decimal) -> None:
    read = read_decimal(text, implied=implied)
    assert read == value and read.as_tuple() == value.as_tuple()


@pytest.mark.parametrize(("text", "words"), REFUSED)
@pytest.mark.parametrize("reader", [read_decimal, read_integer, read_count])
def test_refuses_what_is_not_an_x12_number(reader, text: str, words: str) -> None:
    with pytest.raises(NumberFormatError, match=words) as caught:
        reader(text)
    assert isinstance(caught.value, ValueError)
    assert len(str(caught.value)) < 200          # a 5000-digit value is not echoed whole


def test_implied_decimals_take_no_point() -> None:
    with pytest.raises(NumberFormatError, match="decimal point"):
        read_decimal("1.5", implied=2)


def test_integers_for_control_numbers_ids_and_positions() -> None:
    assert read_integer("000000905") == 905
    assert read_integer("12", max_digits=9) == 12
    assert read_integer("-3", signed=True) == -3
    with pytest.raises(NumberFormatError, match="negative"):
        read_integer("-3")
    with pytest.raises(NumberFormatError, match="decimal point"):
        read_integer("3.0")
    with pytest.raises(NumberFormatError, match="at most 9"):
        read_integer("1234567890", max_digits=9)


def test_counts_are_whole_and_not_negative() -> None:
    assert read_count("3") == 3
    assert read_count("3.00") == 3
    with pytest.raises(NumberFormatError, match="not a whole number"):
        read_count("2.5")
    with pytest.raises(NumberFormatError, match="negative"):
        read_count("-1")


# Plain amounts take a shortcut (one precompiled match, then Decimal); a blank after the text
# sends it past the shortcut through the general checks, which must agree to the exponent.
PLAIN = ["0", "7", "185", "69.00", "-12.5", ".5", "-.5", "5.", "-0", "-0.00", "007.50",
         "9" * MAX_DIGITS, "-" + "9" * (MAX_DIGITS - 1), "." + "1" * (MAX_DIGITS - 1)]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_amounts_read_as_the_general_checks_read_them(text: str) -> None:
    assert read_decimal(text).as_tuple() == read_decimal(text + " ").as_tuple()


@pytest.mark.parametrize("text", ["0", "905", "000000905", "9" * MAX_DIGITS])
def test_plain_integers_read_as_the_general_checks_read_them(text: str) -> None:
    assert read_integer(text) == read_integer(f" {text}") == int(text)
