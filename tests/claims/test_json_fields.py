"""The typed JSON field reader behind claim_from_json."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from claims.json_fields import ClaimInputError, Fields

ALLOWED = frozenset({"name", "amount", "when", "flag", "codes", "qty"})


def test_reads_typed_values():
    f = Fields({"name": " Ann ", "amount": "3.5", "when": "2026-01-02", "flag": True,
                "codes": ["ab", "CD"], "qty": "1.25"}, "x", ALLOWED)
    assert f.text("name") == "Ann"
    assert f.amount("amount") == Decimal("3.50")
    assert f.date("when") == dt.date(2026, 1, 2)
    assert f.flag("flag", False) is True
    assert f.texts("codes", max_items=4) == ("AB", "CD")
    assert f.quantity("qty") == Decimal("1.25")


@pytest.mark.parametrize(("data", "call", "message"), [
    ({"name": 5.5}, lambda f: f.text("name"), "x.name: 5.5 is not text"),
    ({"name": "A" * 61}, lambda f: f.text("name"), "is longer than 60"),
    ({}, lambda f: f.text("name", None), "x.name: is required"),
    ({"flag": "yes"}, lambda f: f.flag("flag", False), 'x.flag: "yes" is not true or false'),
    ({"amount": "NaN"}, lambda f: f.amount("amount"), 'x.amount: "NaN" is not an amount'),
    ({"qty": "1.0005"}, lambda f: f.quantity("qty"), "has more than 3 decimals"),
    ({"amount": "1E400"}, lambda f: f.amount("amount"),
     'x.amount: "1E400" is too large for an amount'),
    ({"qty": "9" * 30}, lambda f: f.quantity("qty"), "is too large for a quantity"),
    ({"codes": "AB"}, lambda f: f.texts("codes", max_items=2), "x.codes: expected a list"),
    ({"codes": [""]}, lambda f: f.texts("codes", max_items=2), 'x.codes[0]: "" is not a code'),
    ({"when": 20260102}, lambda f: f.date("when"), "is not a date (YYYY-MM-DD)"),
])
def test_errors_name_the_path(data, call, message):
    with pytest.raises(ClaimInputError, match=re.escape(message)):
        call(Fields(data, "x", ALLOWED))


def test_unknown_keys_are_refused():
    with pytest.raises(ClaimInputError, match=r"^x\.nmae: is not a known field$"):
        Fields({"nmae": "A"}, "x", ALLOWED)
