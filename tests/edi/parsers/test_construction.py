"""What the readers build values with: positional constructors (checked on the 835's values,
the readers' largest), and CCYYMMDD dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from edi.parsers.construction import ccyymmdd, positional
from edi.parsers.remit835_values import (
    Adjustment,
    Amount,
    ClaimPayment,
    DateValue,
    Party,
    ProcedureCode,
    Reference,
    ServicePayment,
)

_PROCEDURE = ProcedureCode("HC", "99213", ("25",), "")
_SERVICE = ServicePayment(_PROCEDURE, Decimal("100"), Decimal("80"), "", Decimal("1"), None,
                          None, (DateValue("472", dt.date(2026, 1, 5), "20260105"),),
                          (Adjustment("CO", "45", Decimal("20")),),
                          (Reference("6R", "L1"),), (Amount("B6", Decimal("80")),), (),
                          ("N20",), (), 12)
# One value of each class the reader builds positionally, with no field left to its default.
VALUES = [
    Reference("6R", "L1", "x"),
    DateValue("472", dt.date(2026, 1, 5), "20260105"),
    Amount("B6", Decimal("80.00")),
    Adjustment("PR", "2", Decimal("-13.65"), Decimal("1")),
    _PROCEDURE,
    Party("QC", "DOE", "JO", "Q", "JR", "1", "MI", "M1", ("1 MAIN",), "X", "OH", "45201",
          (Reference("SY", "1"),), ()),
    _SERVICE,
    ClaimPayment("A1", "1", Decimal("100"), Decimal("80"), Decimal("20"), "MC", "ICN1",
                 "11", "1", "", None, None, (), (Party("QC", "DOE"),), (), (), (), (), (), (),
                 (), (_SERVICE,), (), "1", 40),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_positional_builds_the_same_frozen_value(value: object) -> None:
    cls = type(value)
    fields = [getattr(value, f.name) for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    built = positional(cls)(*fields)
    assert type(built) is cls and built == value and repr(built) == repr(value)
    assert hash(built) == hash(value)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(built, dataclasses.fields(cls)[0].name, None)  # type: ignore[arg-type]


def test_positional_takes_every_field() -> None:
    with pytest.raises(TypeError):
        positional(Reference)("6R", "L1")


@pytest.mark.parametrize(("text", "date"), [
    ("20260105", dt.date(2026, 1, 5)),
    ("20240229", dt.date(2024, 2, 29)),
    ("20250229", None),                 # not a leap year
    ("20261301", None),
    ("00000101", None),                 # no year 0
    ("2026-01-05", None),               # the ISO extended form is not CCYYMMDD
    ("2026010", None),
    ("\uff12\uff10\uff12\uff16\uff10\uff11\uff10\uff15", None),     # full-width digits
    ("", None),
])
def test_ccyymmdd(text: str, date: dt.date | None) -> None:
    assert ccyymmdd(text) == date


@dataclasses.dataclass(frozen=True)
class _WithDict:
    code: str
    amount: Decimal


@dataclasses.dataclass(frozen=True, slots=True)
class _Base:
    code: str


@dataclasses.dataclass(frozen=True, slots=True)
class _Derived(_Base):
    amount: Decimal


@pytest.mark.parametrize("cls", [_WithDict, _Derived])
def test_positional_builds_classes_of_another_layout_through_their_fields(cls: type) -> None:
    # No plain class shares these layouts, so their slots or fields are set one by one.
    built = positional(cls)("45", Decimal("1.50"))
    assert type(built) is cls and built == cls("45", Decimal("1.50"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.code = "1"  # type: ignore[misc]
