"""Shared segment helpers: text cleaning, amounts, names and addresses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from claims.build_parties import (
    address_segments,
    amount,
    clean,
    demographics,
    person_name,
    provider_name,
    quantity,
    rd8,
)
from claims.model import Address, Person, Provider, Sex


@pytest.mark.parametrize(("value", "wire"), [
    (Decimal("100.00"), "100"), (Decimal("12.50"), "12.5"), (Decimal("0.00"), "0"),
    (Decimal("1234.56"), "1234.56"), (Decimal("-5.00"), "-5"),
])
def test_amounts(value, wire):
    assert amount(value) == wire
    assert Decimal(wire) == value


@pytest.mark.parametrize(("value", "wire"), [
    (Decimal("1"), "1"), (Decimal("1.500"), "1.5"), (Decimal("14"), "14"), (Decimal("100"),
                                                                            "100"),
])
def test_quantities(value, wire):
    assert quantity(value) == wire


def test_clean_removes_delimiters_and_cuts():
    assert clean("A*B:C^D~E\nF") == "A B C D E F"
    assert clean("x" * 70) == "x" * 60
    assert clean("  two   spaces ") == "two spaces"


def test_names_and_addresses():
    org = Provider("1234567893", "Maple Clinic", organization=True)
    assert provider_name("85", org).to_text() == "NM1*85*2*Maple Clinic*****XX*1234567893~"
    doc = Provider("1987654328", "Carter", "Jane", "Q")
    assert provider_name("82", doc).to_text() == "NM1*82*1*Carter*Jane*Q***XX*1987654328~"
    person = Person("Doe", "Jo", suffix="JR", birth_date=dt.date(2001, 2, 3), sex=Sex.FEMALE)
    assert person_name("IL", person, "MI", "M1").to_text() == "NM1*IL*1*Doe*Jo***JR*MI*M1~"
    assert demographics(person).to_text() == "DMG*D8*20010203*F~"
    assert demographics(Person("X")) is None
    us = Address("1 Elm", "Town", "IL", "62704", line2="Apt 2")
    assert [s.to_text() for s in address_segments(us)] == ["N3*1 Elm*Apt 2~",
                                                          "N4*Town*IL*62704~"]
    abroad = Address("1 Rue", "Paris", "", "75001", country="FR")
    assert address_segments(abroad)[1].to_text() == "N4*Paris**75001*FR~"
    assert rd8(dt.date(2026, 1, 2), dt.date(2026, 1, 3)) == "20260102-20260103"
