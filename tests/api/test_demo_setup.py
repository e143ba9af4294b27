"""``claimhouse demo --no-serve`` on a fresh data directory: migrated SQLite database, demo
users whose printed passwords work, the sample practice served through the API, and the sample
ERAs posted through the importer so the payment and denial screens have work on them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from cli.main import main
from cli.service_commands import _redated
from core.secret_key import with_secret_key
from core.settings import load_settings
from edi.parsers.remit835 import read_835
from edi.validation import validate

PRACTICE = Path(__file__).resolve().parents[2] / "samples" / "practice"


def test_demo_sets_up_a_working_practice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CLAIMHOUSE_DATABASE_URL", raising=False)
    monkeypatch.delenv("CLAIMHOUSE_BROKER_URL", raising=False)
    monkeypatch.setenv("CLAIMHOUSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CLAIMHOUSE_LOG_LEVEL", "WARNING")
    # The demo sets these for the server it starts; undo that after the test.
    for name in ("CLAIMHOUSE_SUBMITTER_NAME", "CLAIMHOUSE_SUBMITTER_PHONE",
                 "CLAIMHOUSE_SUBMITTER_EMAIL"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    assert main(["demo", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert "22 claims added" in out
    assert ("Sample remittances: 3 ERA(s) imported, 1 held for review; 6 claim payment(s) "
            "posted for $245.60, 1 held, 1 unmatched; 6 denial(s) found") in out
    assert "Tasks run in-process" in out
    passwords = dict(re.findall(r"^\s+(\w+)\s+\w+\s+(\S+)$", out, re.MULTILINE))
    assert set(passwords) == {"admin", "biller", "poster", "supervisor"}

    settings = with_secret_key(load_settings(data_dir=tmp_path, database_url=""))
    with TestClient(create_app(settings)) as client:
        token = client.post("/api/auth/token", data={
            "username": "biller", "password": passwords["biller"]}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        queues = {q["name"]: q["count"] for q in client.get("/api/claims/queues",
                                                             headers=headers).json()}
        assert queues["rejections"] == 2 and queues["denials"] >= 2
        assert all(count > 0 for count in queues.values())
        _check_remittance_screens(client, passwords)

    # Running it again keeps the data and only renews the passwords.
    assert main(["demo", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert "0 claims added (22 already there)" in out
    assert "Sample remittances: nothing new to post (3 ERA file(s) imported before)" in out
    passwords = dict(re.findall(r"^\s+(\w+)\s+\w+\s+(\S+)$", out, re.MULTILINE))
    with TestClient(create_app(settings)) as client:
        headers = _login(client, "poster", passwords)
        page = client.get("/api/remittance/remittances", headers=headers).json()["items"]
        assert len(page) == 3
        queue = client.get("/api/remittance/denials",
                           headers=_login(client, "biller", passwords)).json()
        assert (len(queue["items"]), queue["total_at_stake"]) == (6, "650.00")


def _login(client: TestClient, username: str, passwords: dict[str, str]) -> dict[str, str]:
    token = client.post("/api/auth/token", data={
        "username": username, "password": passwords[username]}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _check_remittance_screens(client: TestClient, passwords: dict[str, str]) -> None:
    poster, biller = _login(client, "poster", passwords), _login(client, "biller", passwords)
    remits = {r["trace_number"].split("-")[1]: r for r in client.get(
        "/api/remittance/remittances", headers=poster).json()["items"]}
    assert {k: (r["status"], r["balanced"], r["payment_amount"]) for k, r in remits.items()} == {
        "MCRB1": ("posted", True, "230.80"), "BCBS7": ("posted", True, "76.00"),
        "AETX3": ("held", False, "87.00")}
    # Re-dated to the day the practice was loaded, so the deadlines lie ahead.
    paid_on = dt.date.fromisoformat(remits["MCRB1"]["payment_date"])
    assert abs((paid_on - dt.date.today()).days) <= 1

    held = client.get("/api/remittance/held", headers=poster).json()
    assert [(h["patient_control_number"], h["hold_kind"]) for h in held] == [
        ("RFM26-0007", "remittance")]
    unmatched = client.get("/api/remittance/unmatched", headers=poster).json()
    assert [(u["patient_control_number"], u["paid"]) for u in unmatched] == [
        ("RFM25-0931", "61.20")]

    queue = client.get("/api/remittance/denials", headers=biller).json()
    by_category = {c["category"]: (c["count"], c["amount_at_stake"])
                   for c in queue["by_category"]}
    assert by_category == {"medical_necessity": (2, "210.00"),
                           "missing_information": (1, "68.00"),
                           "timely_filing": (1, "120.00"),
                           "patient_responsibility": (2, "252.00")}
    assert queue["total_at_stake"] == "650.00"
    items = {(d["patient_control_number"], d["procedure_code"]): d for d in queue["items"]}
    necessity = items[("RFM26-0019", "99214")]
    assert (necessity["action"], necessity["reasons"]) == ("appeal", "CO 50")
    # Medicare redetermination: 120 days from the remittance (payer appeal_days).
    assert necessity["appeal_deadline"] == str(paid_on + dt.timedelta(days=120))
    missing = items[("RFM26-0020", "73610")]
    assert (missing["action"], missing["remark_codes"]) == ("correct_and_resubmit", "N265")
    assert items[("RFM26-0021", "99396")]["action"] == "bill_patient"
    assert items[("RFM26-0022", "99213")]["reasons"] == "CO 29"
    assert all(d["appeal_deadline"] and d["amount_at_stake"] != "0.00" for d in queue["items"])

    balances = client.get("/api/remittance/patient-balances", headers=poster).json()
    owed = {c["patient_control_number"]: Decimal(c["patient_owes"])
            for p in balances["patients"] for c in p["claims"]}
    assert owed["RFM26-0018"] == Decimal("20.40") and owed["RFM26-0020"] == Decimal("20.00")
    assert Decimal(balances["total"]) > 0

    secondary = client.get("/api/remittance/secondary", headers=biller).json()
    assert [(s["patient_control_number"], s["patient_responsibility"]) for s in secondary] == [
        ("RFM26-0017", "30.00")]

    statuses = {c["patient_control_number"]: c["status"] for c in client.get(
        "/api/claims", params={"limit": 200}, headers=biller).json()["items"]}
    assert {pcn: statuses[pcn] for pcn in ("RFM26-0007", "RFM26-0017", "RFM26-0019",
                                            "RFM26-0020", "RFM26-0022")} == {
        "RFM26-0007": "payer_accepted", "RFM26-0017": "paid", "RFM26-0019": "denied",
        "RFM26-0020": "partly_paid", "RFM26-0022": "denied"}


@pytest.mark.parametrize("name", ["era_medicare.835", "era_blueshield.835"])
def test_sample_era_redated_to_the_practice_day(name: str) -> None:
    text = (PRACTICE / name).read_text()
    day = dt.date(2027, 2, 14)
    moved = _redated(text, name, day)
    report = validate((moved,), name)
    assert not [str(d) for d in report.defects if d.is_error]
    before, after = read_835(text, name).remittances[0], read_835(moved, name).remittances[0]
    assert before.payment.date is not None and before.production_date is not None
    shift = day - before.payment.date          # GS04 and BPR16 are the same day
    assert after.payment.date == day
    assert after.production_date == before.production_date + shift
    assert [s.service_date for c in after.claims for s in c.services] == [
        s.service_date + shift for c in before.claims for s in c.services]
    # Nothing but dates changes: same claims, same money, same trace number.
    assert (after.trace, after.payment.amount) == (before.trace, before.payment.amount)
    assert [(c.patient_control_number, c.paid) for c in after.claims] == [
        (c.patient_control_number, c.paid) for c in before.claims]
    assert moved.split("*")[9] == "270214"          # ISA09, YYMMDD


def test_redating_names_what_is_not_a_date() -> None:
    text = (PRACTICE / "era_blueshield.835").read_text().replace("DTM*405*", "DTM*405*X", 1)
    with pytest.raises(ValueError, match=r"era_blueshield.835: segment 6 DTM02 'X\d+' is not"):
        _redated(text, "era_blueshield.835", dt.date(2027, 1, 1))
