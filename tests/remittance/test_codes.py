"""The code tables: X12 values, and a label for every code a rule mentions."""

from __future__ import annotations

from remittance.codes import (
    CARC_LABELS,
    DENIAL_TABLE,
    PLB_REASONS,
    RARC_LABELS,
    RARC_RULES,
    ClaimStatusCode,
    GroupCode,
    carc_label,
    rarc_label,
)
from remittance.rules import DEFAULT_RULES


def test_x12_values() -> None:
    assert {c.value for c in ClaimStatusCode} == {"1", "2", "3", "4", "19", "20", "21", "22",
                                                 "23", "25"}
    assert {g.value for g in GroupCode} == {"CO", "OA", "PI", "PR"}


def test_every_code_in_a_rule_has_a_label() -> None:
    for key in DENIAL_TABLE:
        assert key.split(":")[-1] in CARC_LABELS, key
    for rule in DEFAULT_RULES.rules:
        assert rule.reason == "*" or rule.reason in CARC_LABELS, rule
    assert set(RARC_RULES) <= set(RARC_LABELS)
    assert {"L6", "WO", "FB", "72", "CS"} <= set(PLB_REASONS)


def test_unknown_codes_are_named_not_refused() -> None:
    assert carc_label("ZZ1") == "adjustment reason ZZ1"
    assert rarc_label("N9999") == "remark N9999"
    assert carc_label("45") == "charge exceeds the fee schedule"
