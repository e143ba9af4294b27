"""``claimhouse claims check`` and ``claimhouse claims build`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "claims"
CLAIM_FILES = sorted(str(p) for p in SAMPLES.glob("*.json"))
TODAY = ["--today", "2026-11-22"]


@pytest.fixture(autouse=True)
def _reference_lists(monkeypatch, shared_dir):
    ref = shared_dir / "reference"
    monkeypatch.setenv("CLAIMHOUSE_TAXONOMY_CODES_PATH", str(ref / "nucc_taxonomy_251.csv"))
    monkeypatch.setenv("CLAIMHOUSE_POS_CODES_PATH", str(ref / "pos_codes.csv"))
    monkeypatch.setenv("CLAIMHOUSE_ICD10PCS_CODES_PATH",
                       str(ref / "icd10pcs-codes-2026.txt.gz"))
    monkeypatch.setenv("CLAIMHOUSE_SUBMITTER_ID", "MAPLEST")
    monkeypatch.setenv("CLAIMHOUSE_RECEIVER_ID", "CLEARHOUSE01")


def _bad_claim(tmp_path: Path) -> Path:
    data = json.loads((SAMPLES / "office_visit.json").read_text())
    data["total_charge"] = "140.00"
    data["lines"][0]["diagnosis_pointers"] = [5]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    return path


def test_check_clean_samples(capsys):
    assert main(["claims", "check", *CLAIM_FILES, *TODAY]) == 0
    out = capsys.readouterr().out
    assert out.count("0 error(s), 0 warning(s), 1 notice(s)") == len(CLAIM_FILES)
    assert "CS001" in out


def test_check_prints_findings_and_fails(tmp_path, capsys):
    assert main(["claims", "check", str(_bad_claim(tmp_path)), *TODAY]) == 1
    out = capsys.readouterr().out
    assert "claim MSFM-10001: 2 error(s)" in out
    assert "ERROR   CL001  total_charge: Total charge 140.00 does not equal" in out
    assert "ERROR   LN005  lines[0].diagnosis_pointers: Pointer 5 points at no diagnosis" in out


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "bad.json: not valid JSON at line 1, column 2"),
    ('{"claims": [{"kind": "professional"}]}', "bad.json: claims[0].patient_control_number: "
                                               "is required"),
    ("[]", "bad.json: expected a claim object or a non-empty list of claims"),
])
def test_unreadable_input_is_named(tmp_path, capsys, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert main(["claims", "check", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_missing_file(tmp_path, capsys):
    assert main(["claims", "check", str(tmp_path / "none.json")]) == 2
    assert "none.json: cannot read the file" in capsys.readouterr().err


def test_build_writes_one_interchange(tmp_path, capsys):
    out = tmp_path / "claims.837"
    code = main(["claims", "build", *CLAIM_FILES, "-o", str(out), "--control-number", "42",
                 "--contact-phone", "2175550100", "-q", *TODAY])
    assert code == 0
    text = out.read_text()
    assert text.startswith("ISA*00*") and "*000000042*0*T*:~" in text
    assert text.count("CLM*") == len(CLAIM_FILES)
    assert "ISA*00*          *00*          *ZZ*MAPLEST" in text
    assert f"wrote {out}: {len(CLAIM_FILES)} claim(s)" in capsys.readouterr().out


def test_build_refuses_claims_with_errors(tmp_path, capsys):
    out = tmp_path / "claims.837"
    bad = str(_bad_claim(tmp_path))
    assert main(["claims", "build", bad, "-o", str(out), "--contact-phone", "1", *TODAY]) == 1
    assert not out.exists()
    assert "nothing written" in capsys.readouterr().err
    assert main(["claims", "build", bad, "-o", str(out), "--contact-phone", "1", "--force",
                 *TODAY]) == 0
    assert out.exists()


def test_build_keeps_an_existing_file_when_refusing(tmp_path):
    out = tmp_path / "claims.837"
    out.write_text("previous run")
    assert main(["claims", "build", str(_bad_claim(tmp_path)), "-o", str(out),
                 "--contact-phone", "1", *TODAY]) == 1
    assert out.read_text() == "previous run"
    # no temporary file is left behind either
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "claims.837"]


def test_build_needs_a_contact(tmp_path, capsys):
    assert main(["claims", "build", CLAIM_FILES[0], "-o", str(tmp_path / "x.837")]) == 2
    assert "--contact-phone or --contact-email" in capsys.readouterr().err


def test_check_json_output(tmp_path, capsys):
    assert main(["claims", "check", str(_bad_claim(tmp_path)), CLAIM_FILES[0], "--json",
                 *TODAY]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [r["patient_control_number"] for r in report] == ["MSFM-10001",
                                                            report[1]["patient_control_number"]]
    rules = [f["rule_id"] for f in report[0]["findings"]]
    assert rules[:2] == ["CL001", "LN005"] and report[0]["findings"][0]["severity"] == "error"


def test_secondary_writes_the_next_payers_claim(tmp_path, capsys):
    out = tmp_path / "secondary.json"
    code = main(["claims", "secondary", str(SAMPLES / "office_visit.json"),
                 str(SAMPLES / "payments" / "office_visit_primary.json"), "-o", str(out)])
    assert code == 0
    assert json.loads(out.read_text()) == json.loads(
        (SAMPLES / "secondary_after_primary.json").read_text())
    assert "for Lakeside Mutual Insurance (payer sequence S)" in capsys.readouterr().out


def test_secondary_errors(tmp_path, capsys):
    claim = str(SAMPLES / "dependent_patient.json")
    payment = str(SAMPLES / "payments" / "office_visit_primary.json")
    assert main(["claims", "secondary", claim, payment]) == 1
    assert "no other coverage after payer sequence P" in capsys.readouterr().err
    bad = tmp_path / "pay.json"
    bad.write_text('{"paid_amount": "x"}')
    assert main(["claims", "secondary", claim, str(bad)]) == 2
    assert "pay.json: payer: is required" in capsys.readouterr().err


def test_secondary_reads_payment_files_as_claim_files_are(tmp_path, capsys):
    """A byte-order mark is read past; bytes that are not UTF-8 are named, not a traceback."""
    claim = str(SAMPLES / "office_visit.json")
    payment = (SAMPLES / "payments" / "office_visit_primary.json").read_bytes()
    with_bom = tmp_path / "bom.json"
    with_bom.write_bytes(b"\xef\xbb\xbf" + payment)
    assert main(["claims", "secondary", claim, str(with_bom), "-o", str(tmp_path / "s.json")]) == 0
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"payer": "Caf\xe9"}')
    assert main(["claims", "secondary", claim, str(latin)]) == 2
    assert "latin.json: the file is not UTF-8 text" in capsys.readouterr().err
