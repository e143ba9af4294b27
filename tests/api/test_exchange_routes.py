"""Submitting ready claims through the API and the Submissions screen, the submissions list,
and polling the mailbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_support import browser_login
from claim_docs import claim_doc
from sqlalchemy import select

from api import create_app
from claims.db.tables import ClaimRecord
from core.settings import load_settings
from core.tables import AuditEntry

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "exchange"


@pytest.fixture
def app(db_engine, session_factory, tmp_path, app):  # type: ignore[no-untyped-def]
    settings = load_settings(secret_key="api-test-secret-0123456789abcdef0123",
                             data_dir=tmp_path, submitter_phone="2175550100",
                             submitter_name="Riverbend Billing")
    return create_app(settings, engine=db_engine)


def _ready_claim(client, headers, number: str) -> int:  # type: ignore[no-untyped-def]
    claim_id = client.post("/api/claims", headers=headers,
                           json=claim_doc(number)).json()["claim"]["id"]
    assert client.post(f"/api/claims/{claim_id}/scrub", headers=headers).status_code == 200
    assert client.post(f"/api/claims/{claim_id}/ready", headers=headers).status_code == 200
    return claim_id


def test_submit_sends_the_batch_after_commit(client, as_role, session_factory,
                                             tmp_path) -> None:
    biller = as_role("biller")
    first = _ready_claim(client, biller, "EXA-1")
    _ready_claim(client, biller, "EXA-2")

    response = client.post("/api/submissions", headers=biller, json={"claim_ids": [first]})
    assert response.status_code == 201, response.text
    (batch,) = response.json()
    assert (batch["kind"], batch["claim_count"]) == ("professional", 1)

    outbox = list((tmp_path / "exchange" / "outbound").iterdir())
    assert [p.name for p in outbox] == [batch["file_name"]]
    text = outbox[0].read_text()
    assert "CLM*EXA-1*" in text and "EXA-2" not in text
    with session_factory() as s:
        statuses = dict(s.execute(select(ClaimRecord.patient_control_number,
                                         ClaimRecord.status)).all())
    assert statuses == {"EXA-1": "submitted", "EXA-2": "ready"}

    listed = client.get("/api/submissions", headers=as_role("poster")).json()
    assert [(s["id"], s["status"], s["claim_count"]) for s in listed] == [
        (batch["submission_id"], "sent", 1)]
    detail = client.get(f"/api/submissions/{batch['submission_id']}", headers=biller).json()
    assert [c["patient_control_number"] for c in detail["claims"]] == ["EXA-1"]

    # Nothing ready among these ids: no batch, nothing sent.
    again = client.post("/api/submissions", headers=biller, json={"claim_ids": [first]})
    assert again.status_code == 201 and again.json() == []
    with session_factory() as s:
        exports = s.scalars(select(AuditEntry.entity_id).where(
            AuditEntry.action == "export")).all()
    assert exports == [str(batch["submission_id"])]


def test_submitting_needs_the_role_and_missing_submissions_are_404(client, as_role) -> None:
    assert client.post("/api/submissions", headers=as_role("poster")).status_code == 403
    assert client.post("/api/submissions").status_code == 401
    missing = client.get("/api/submissions/999", headers=as_role("biller"))
    assert missing.status_code == 404 and "999" in missing.json()["detail"]


def test_poll_applies_a_ta1_from_the_mailbox(client, as_role, tmp_path) -> None:
    biller = as_role("biller")
    _ready_claim(client, biller, "EXA-3")
    assert client.post("/api/submissions", headers=biller).status_code == 201
    inbound = tmp_path / "exchange" / "inbound"
    inbound.mkdir(parents=True, exist_ok=True)
    (inbound / "response.ta1").write_bytes((SAMPLES / "batch_rejected.ta1").read_bytes())

    polled = client.post("/api/exchange/poll", headers=biller)
    assert polled.status_code == 202 and polled.json() == {"status": "polled"}
    assert list(inbound.iterdir()) == []
    files = client.get("/api/files", headers=biller).json()
    (ta1,) = [f for f in files if f["source_name"].endswith("response.ta1")]
    assert ta1["status"] == "processed", ta1
    (submission,) = client.get("/api/submissions", headers=biller).json()
    assert submission["status"] == "rejected"
    assert client.post("/api/exchange/poll", headers=as_role("poster")).status_code == 202


def test_the_submissions_screen_sends_ready_claims_and_checks_the_mailbox(
        client, as_role, tmp_path) -> None:
    _ready_claim(client, as_role("biller"), "EXA-4")
    browser_login(client, "biller")
    page = client.get("/submissions")
    assert page.status_code == 200 and "Send 1 ready claim(s)" in page.text

    sent = client.post("/submissions/send")
    assert sent.status_code == 200 and "1 claim(s) in 1 file(s) sent" in sent.text
    assert "Nothing has been submitted yet" not in sent.text
    assert len(list((tmp_path / "exchange" / "outbound").iterdir())) == 1
    again = client.post("/submissions/send")
    assert "No claims are ready to send." in again.text
    checked = client.post("/submissions/poll")
    assert "Mailbox checked" in checked.text


def test_the_screen_says_why_nothing_was_sent(client, as_role, app) -> None:
    app.state.settings = app.state.settings.model_copy(
        update={"submitter_phone": "", "submitter_email": ""})
    _ready_claim(client, as_role("biller"), "EXA-5")
    browser_login(client, "poster")
    assert client.post("/submissions/send", follow_redirects=False).status_code == 403
    browser_login(client, "biller")
    refused = client.post("/submissions/send")
    assert "Nothing sent" in refused.text and "CLAIMHOUSE_SUBMITTER_PHONE" in refused.text
