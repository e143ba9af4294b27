"""Claim JSON in and out: every sample round-trips; bad input names its JSON path."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from claim_samples import SAMPLE_DIR, SAMPLE_NAMES

from claims import ClaimInputError, ClaimKind, claim_from_json, claim_to_json
from claims.json_codec import adjudication_from_json, adjudication_to_json


def _raw(name: str) -> dict:
    return json.loads((SAMPLE_DIR / f"{name}.json").read_text())


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_round_trips(name, samples):
    claim = samples[name]
    data = claim_to_json(claim)
    assert claim_from_json(data) == claim
    # The canonical form is plain JSON: amounts as strings, dates as ISO text.
    assert claim_from_json(json.loads(json.dumps(data))) == claim


def test_adjudication_round_trips(primary_payment):
    assert adjudication_from_json(adjudication_to_json(primary_payment)) == primary_payment


def test_defaults_fill_in():
    data = _raw("office_visit")
    del data["total_charge"]
    claim = claim_from_json(data)
    assert claim.total_charge == Decimal("145.00")
    assert claim.frequency == "1" and claim.responsibility == "P"
    assert claim.lines[0].line_control_number == "MSFM-10001-1"
    assert claim.kind is ClaimKind.PROFESSIONAL


def test_diagnosis_dots_are_removed_and_codes_uppercased():
    data = _raw("office_visit")
    data["diagnoses"] = ["j06.9", {"code": "r05.1"}]
    assert [d.code for d in claim_from_json(data).diagnoses] == ["J069", "R051"]


def test_numbers_are_accepted_for_amounts():
    data = _raw("office_visit")
    data["lines"][0]["charge"] = 120
    data["lines"][1]["charge"] = 25.0
    assert claim_from_json(data).lines[0].charge == Decimal("120.00")


def test_line_place_of_service_equal_to_the_claims_is_dropped():
    data = _raw("office_visit")
    data["lines"][0]["place_of_service"] = "11"
    assert claim_from_json(data).lines[0].place_of_service == ""


def _set(data: dict, path: str, value):
    target = data
    keys = path.replace("]", "").replace("[", ".").split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is KeyError:
        del target[last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value


@pytest.mark.parametrize(("path", "value", "message"), [
    ("lines[1].charge", "12.x", 'lines[1].charge: "12.x" is not an amount'),
    ("lines[0].charge", "1.005", 'lines[0].charge: "1.005" has more than 2 decimals'),
    ("lines[0].charge", True, "lines[0].charge: True is not an amount"),
    ("lines[0].service_date", "09/14/2026", "lines[0].service_date: \"09/14/2026\" is not a "
                                            "date (YYYY-MM-DD)"),
    ("lines[0].units", "one", 'lines[0].units: "one" is not a number'),
    ("lines[0].diagnosis_pointers", [1, "2"], "lines[0].diagnosis_pointers[1]: '2' is not a "
                                              "diagnosis number (1-12)"),
    ("lines[0].modifiers", ["25", "59", "RT", "LT", "XE"], "lines[0].modifiers: holds 5 "
                                                           "entries; at most 4 are accepted"),
    ("lines[0].chrge", "1", "lines[0].chrge: is not a known field"),
    ("subscriber.member_id", KeyError, "subscriber.member_id: is required"),
    ("subscriber.sex", "X", 'subscriber.sex: "X" is not F, M or U'),
    ("billing_provider.address", "100 Maple", 'billing_provider.address: expected an object, '
                                              'got "100 Maple"'),
    ("payer", KeyError, "payer: is required"),
    ("kind", "dental", 'kind: "dental" is not professional or institutional'),
    ("lines", [], "lines: a claim needs at least one service line"),
    ("diagnoses", ["J069"] * 13, "diagnoses: holds 13 entries; at most 12 are accepted"),
    ("patient_control_number", KeyError, "patient_control_number: is required"),
    ("other_coverages", [{"payer": {"name": "X", "payer_id": "X1"}}],
     "other_coverages[0].subscriber: is required"),
])
def test_bad_input_names_the_field(path, value, message):
    data = copy.deepcopy(_raw("office_visit"))
    _set(data, path, value)
    with pytest.raises(ClaimInputError) as info:
        claim_from_json(data)
    assert str(info.value) == message
    assert info.value.path == message.split(":")[0]


def test_a_claim_must_be_an_object():
    with pytest.raises(ClaimInputError, match="claim: expected an object"):
        claim_from_json(["not", "a", "claim"])  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "ndc"), [
    ("00003-0293-05", "00003029305"),   # 5-4-2
    ("0003-0293-05", "00003029305"),    # 4-4-2
    ("12345-678-90", "12345067890"),    # 5-3-2
    ("12345-6789-0", "12345678900"),    # 5-4-1
    ("00003029305", "00003029305"),
    ("3029305", "3029305"),             # left for the scrubber (LN011)
])
def test_ndc_is_normalized_to_11_digits(text, ndc):
    data = _raw("lines_with_modifiers")
    data["lines"][2]["ndc"] = text
    assert claim_from_json(data).lines[2].ndc == ndc
