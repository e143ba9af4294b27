"""Posting rules as data: defaults from common practice, and an office's overrides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from remittance.rules import (
    DEFAULT_RULES,
    Disposition,
    PostingRules,
    RulesError,
    load_posting_rules,
)

D = Decimal


@pytest.mark.parametrize(("group", "reason", "amount", "expected"), [
    ("CO", "45", D("50"), Disposition.WRITE_OFF),
    ("CO", "253", D("2"), Disposition.WRITE_OFF),
    ("PR", "1", D("30"), Disposition.PATIENT),
    ("PR", "96", D("30"), Disposition.PATIENT),
    ("OA", "23", D("102"), Disposition.WRITE_OFF),
    ("CO", "50", D("80"), Disposition.KEEP_OPEN),
    ("PI", "151", D("80"), Disposition.KEEP_OPEN),
    ("CO", "22", D("150"), Disposition.HOLD),
    ("OA", "109", D("150"), Disposition.HOLD),
    ("PR", "22", D("150"), Disposition.HOLD),
    ("CO", "45", D("-5"), Disposition.HOLD),        # a negative write-off gives money away
    ("CO", "144", D("-5"), Disposition.WRITE_OFF),  # except the incentive adjustment
    ("CO", "ZZ9", D("5"), Disposition.KEEP_OPEN),   # unknown codes go to a person's queue
])
def test_defaults(group: str, reason: str, amount: Decimal, expected: Disposition) -> None:
    assert DEFAULT_RULES.disposition(group, reason, amount) is expected


def test_an_office_overrides_and_adds_rules_from_json_data() -> None:
    rules = PostingRules.from_mapping({
        "rules": [{"group": "co", "reason": "97", "disposition": "write_off"},
                  {"group": "*", "reason": "18", "disposition": "hold"},
                  {"group": "CO", "reason": "22", "disposition": "keep_open"}],
        "hold_unmatched_lines": False})
    assert rules.disposition("CO", "97", D("10")) is Disposition.WRITE_OFF
    assert rules.disposition("OA", "18", D("10")) is Disposition.HOLD
    assert rules.disposition("CO", "22", D("10")) is Disposition.KEEP_OPEN
    assert rules.disposition("OA", "22", D("10")) is Disposition.HOLD
    assert rules.hold_unmatched_lines is False


def test_replacing_the_defaults_entirely() -> None:
    rules = PostingRules.from_mapping({"replace_defaults": True, "rules": [
        {"group": "*", "reason": "*", "disposition": "write_off"}]})
    assert rules.disposition("PR", "1", D("1")) is Disposition.WRITE_OFF


@pytest.mark.parametrize("item", [{"group": "CO"}, {"disposition": "burn"}, "CO 45"])
def test_bad_rules_are_refused_in_words(item: object) -> None:
    with pytest.raises(RulesError, match="posting rule 1: needs a group, a reason"):
        PostingRules.from_mapping({"rules": [item]})


def test_rules_file(tmp_path) -> None:
    path = tmp_path / "rules.json"
    path.write_text('{"rules": [{"group": "CO", "reason": "50", "disposition": "hold"}]}')
    assert load_posting_rules(path).disposition("CO", "50", D("1")) is Disposition.HOLD
    assert load_posting_rules(None) is DEFAULT_RULES
    path.write_text("[1, 2]")
    with pytest.raises(RulesError, match="must be a JSON object"):
        load_posting_rules(path)
    with pytest.raises(RulesError, match="cannot read the posting rules"):
        load_posting_rules(tmp_path / "missing.json")
