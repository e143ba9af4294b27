"""The claim model's derived values."""

from __future__ import annotations

import datetime as dt
from dataclasses import FrozenInstanceError, replace
from decimal import Decimal

import pytest

from claims.model import line_control_number_for, money


def test_money_rounds_to_cents():
    assert money("12.5") == Decimal("12.50")
    assert str(money(3)) == "3.00"


def test_line_total_and_dates(samples):
    claim = samples["lines_with_modifiers"]
    assert claim.line_total == Decimal("611.00") == claim.total_charge
    assert claim.first_service_date == dt.date(2026, 9, 15)
    assert claim.last_service_date == dt.date(2026, 9, 15)


def test_institutional_dates_include_the_statement_period(samples):
    claim = samples["institutional_inpatient"]
    assert claim.first_service_date == dt.date(2026, 9, 6)
    assert claim.last_service_date == dt.date(2026, 9, 8)
    assert claim.institutional.facility_type == "11"


def test_patient_person_is_the_dependent_or_the_subscriber(samples):
    assert samples["dependent_patient"].patient_person.first_name == "Lily"
    assert samples["office_visit"].patient_person.first_name == "Ana"


def test_values_are_frozen(samples):
    with pytest.raises(FrozenInstanceError):
        samples["office_visit"].total_charge = Decimal(1)


def test_adjusted_total_adds_paid_and_every_adjustment(primary_payment):
    assert primary_payment.adjusted_total == Decimal("145.00")
    assert replace(primary_payment, paid_amount=Decimal("0")).adjusted_total == Decimal("49.00")


@pytest.mark.parametrize(("pcn", "index", "expected"), [
    ("ABC", 1, "ABC-1"),
    ("X" * 30, 12, "X" * 27 + "-12"),
])
def test_generated_line_control_numbers_fit_30_characters(pcn, index, expected):
    assert line_control_number_for(pcn, index) == expected
    assert len(line_control_number_for(pcn, index)) <= 30
