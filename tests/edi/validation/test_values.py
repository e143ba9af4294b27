"""One value against one element definition: types, lengths, codes, form, external lists."""

from __future__ import annotations

import pytest

from edi.validation.values import ValueCheck, is_valid_date, is_valid_time
from edi.x12.grammar import ElementDef, Usage


def check(kind, lo, hi, value, codes=None, external=None, pattern=None):
    d = ElementDef("XX01", "thing", Usage.REQUIRED, kind, lo, hi,
                   frozenset(codes) if codes else None, external=external, pattern=pattern)
    verdict = ValueCheck(d).check(value)
    return None if verdict is None else (verdict[0], verdict[2])


@pytest.mark.parametrize(("args", "verdict"), [
    (("R", 1, 4, "12.50"), None),
    (("R", 1, 4, "-1.255"), None),             # four digits; sign and point do not count
    (("R", 1, 4, "12345"), ("5", "IK4")),
    (("R", 1, 4, "1e5"), ("6", "IK4")),
    (("N0", 1, 3, "-12"), None),
    (("N2", 1, 3, "1.5"), ("6", "IK4")),      # implied decimals: no point is sent
    (("DT", 8, 8, "20240229"), None),
    (("DT", 8, 8, "240229"), ("8", "IK4")),    # CCYY needed
    (("TM", 4, 8, "235959"), None),
    (("TM", 4, 8, "2400"), ("9", "IK4")),
    (("AN", 2, 3, "A"), ("4", "IK4")),
    (("AN", 1, 3, "A\tB"), ("6", "IK4")),
    (("ID", 1, 2, "ZZ", {"AA"}), ("7", "IK4")),
    (("ID", 2, 2, "IL", None, "states"), None),
    (("ID", 2, 2, "ZQ", None, "states"), ("7", "SNIP5")),
    (("AN", 9, 9, "12345678A", None, None, "[0-9]{9}"), ("I12", "IK4")),
])
def test_value_verdicts(args, verdict):
    assert check(*args) == verdict


@pytest.mark.parametrize(("text", "ok"), [
    ("20240229", True), ("20230229", False), ("20241301", False), ("2024010", False),
    ("240101", True), ("2024-01-01", False), ("10010101", False), ("18991231", True),
])
def test_is_valid_date(text, ok):
    assert is_valid_date(text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("0000", True), ("2359", True), ("235960", False), ("1260", False), ("12345", False),
    ("1234567", True),
])
def test_is_valid_time(text, ok):
    assert is_valid_time(text) is ok


@pytest.mark.parametrize("value", ["9" * 70_000 + "X", "9" * 70_000 + ".5.", "-" + "9" * 70_000])
def test_a_huge_number_element_is_judged_at_once(value):
    # The R form once split a run of digits between two repeats in every possible way before
    # failing: 18 s on one 70,000-digit element (found by bench/fuzz.py).
    import time

    started = time.perf_counter()
    verdict = check("R", 1, 18, value)
    assert verdict in (("6", "IK4"), ("5", "IK4"))
    assert time.perf_counter() - started < 1
    assert check("R", 1, 18, "\uff11\uff12") == ("6", "IK4")     # full-width digits


def test_code_list_verdicts_are_not_kept():
    check = ValueCheck(ElementDef("REF01", "Reference Identification Qualifier", Usage.REQUIRED,
                                  "ID", 2, 3, codes=frozenset({"EA", "D9"})))
    assert check.check("EA") is None
    for i in range(1000):
        assert check.check(f"Q{i:04d}")[0] == "7"
    assert check.cache == {}


def test_verdicts_kept_are_bounded(monkeypatch):
    import edi.validation.values as values

    monkeypatch.setattr(values, "VERDICTS_KEPT", 16)
    check = ValueCheck(ElementDef("DTP03", "Date", Usage.REQUIRED, "DT", 8, 8))
    for day in range(1, 29):
        assert check.check(f"202401{day:02d}") is None
    assert 0 < len(check.cache) <= 16
    assert check.check("20240230")[0] == "8"
