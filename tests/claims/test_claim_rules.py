"""The rule table: unique ids, complete templates, a finding per rule."""

from __future__ import annotations

import re
import string

import pytest

from claims.rules import RULES, Finding, finding
from edi.x12.defects import Severity


def test_ids_are_unique_and_well_formed():
    assert all(re.fullmatch(r"[A-Z]{2}\d{3}", rule_id) for rule_id in RULES)
    assert all(rule.id == rule_id for rule_id, rule in RULES.items())


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_every_rule_formats_into_a_finding(rule):
    names = {n for _, n, _, _ in string.Formatter().parse(rule.message + rule.field) if n}
    values = {name: f"<{name}>" for name in names}
    result = finding(rule.id, **values)
    assert isinstance(result, Finding)
    assert result.severity is rule.severity
    assert "{" not in result.message and "{" not in result.field
    assert rule.source and result.message.endswith(".")


def test_finding_text():
    f = finding("CL001", total="10.00", lines="12.00")
    assert f.field == "total_charge"
    assert str(f) == ("ERROR CL001 total_charge: Total charge 10.00 does not equal the sum of "
                      "the lines 12.00. Correct the total or the line charges.")
    assert f.severity is Severity.ERROR


def test_the_json_documentation_lists_every_rule_and_claim_field():
    from pathlib import Path

    from claims.json_codec import _CLAIM, _INSTITUTIONAL, _LINE

    doc = (Path(__file__).resolve().parents[2] / "docs" / "claim-json.md").read_text()
    assert [rule_id for rule_id in RULES if f"| {rule_id} |" not in doc] == []
    # ... with the message the scrubber really gives, so the document cannot drift.
    assert [r.id for r in RULES.values() if f"| {r.message} |" not in doc] == []
    fields = _CLAIM | _INSTITUTIONAL | _LINE
    assert sorted(f for f in fields if f"`{f}`" not in doc) == []
