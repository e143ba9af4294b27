"""The browser pages: login, claim list with queues and filters, claim detail, rejections."""

from __future__ import annotations

from api_support import browser_login
from claim_docs import claim_doc
from sqlalchemy import select

from claims.db.tables import ClaimRecord
from claims.lifecycle import ClaimEvent, LineEvent, apply_line_transition, apply_transition
from core.tables import AuditEntry


def _login(client, username: str = "biller") -> None:  # type: ignore[no-untyped-def]
    response = browser_login(client, username)
    assert (response.status_code, response.headers["location"]) == (303, "/claims")
    assert "httponly" in response.headers["set-cookie"].lower()
    assert "samesite=strict" in response.headers["set-cookie"].lower()


def test_login_page_and_wrong_password(client) -> None:
    assert "<form" in client.get("/login").text
    wrong = browser_login(client, "biller", "nope-nope-1")
    assert wrong.status_code == 401 and "wrong username or password" in wrong.text


def test_claim_screens(client, as_role, session_factory) -> None:
    biller = as_role("biller")
    ids = [client.post("/api/claims", headers=biller,
                       json=claim_doc(f"PG-{i}")).json()["claim"]["id"] for i in range(3)]
    with session_factory.begin() as s:
        rejected = s.get(ClaimRecord, ids[1])
        accepted = s.get(ClaimRecord, ids[2])
        for record in (rejected, accepted):
            for event in (ClaimEvent.SCRUB_PASSED, ClaimEvent.MARK_READY, ClaimEvent.SUBMIT):
                apply_transition(s, record, event, actor="test")
        apply_transition(s, rejected, ClaimEvent.PAYER_REJECTED, actor="277CA",
                         reason="A7:164 member id invalid")
        apply_transition(s, accepted, ClaimEvent.PAYER_ACCEPTED, actor="277CA")
        apply_line_transition(s, accepted.lines[1], LineEvent.REJECTED, actor="277CA",
                              reason="A7:454 procedure code invalid")
    _login(client)

    page = client.get("/claims")
    assert page.status_code == 200
    assert all(f"PG-{i}" in page.text for i in range(3))
    assert "Rejected: fix and resubmit" in page.text
    queue = client.get("/claims", params={"queue": "rejections"})
    assert "PG-1" in queue.text and "PG-0" not in queue.text
    filtered = client.get("/claims", params={"status": "draft"})
    assert "PG-0" in filtered.text and "PG-2" not in filtered.text

    rejections = client.get("/rejections")
    assert "A7:164 member id invalid" in rejections.text
    assert "A7:454 procedure code invalid" in rejections.text

    detail = client.get(f"/claims/{ids[0]}")
    assert "Not scrubbed since the last change" in detail.text
    scrubbed = client.post(f"/claims/{ids[0]}/scrub")
    assert scrubbed.status_code == 200 and "Scrubbed: 0 error(s)" in scrubbed.text
    assert "CS001" in scrubbed.text           # the findings table

    with session_factory() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.route == f"/claims/{ids[0]}"))
        assert {e.action for e in entries} == {"read"}
        patient_id = s.get(ClaimRecord, ids[0]).patient_id

    patient = client.get(f"/patients/{patient_id}")
    assert patient.status_code == 200
    assert "Rivera, Ana" in patient.text and "PHP778812301" in patient.text
    assert all(f"PG-{i}" in patient.text for i in range(3))
    with session_factory() as s:
        reads = s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "patient"))
        assert [(e.action, e.patient_id) for e in reads] == [("read", patient_id)]


def test_forbidden_action_shows_an_error_page(client, session_factory, as_role) -> None:
    claim_id = client.post("/api/claims", headers=as_role("biller"),
                           json=claim_doc("PG-9")).json()["claim"]["id"]
    _login(client, "poster")
    response = client.post(f"/claims/{claim_id}/scrub")
    assert response.status_code == 403 and "Not allowed" in response.text


def test_logout(client) -> None:
    _login(client)
    client.post("/logout")
    assert client.get("/claims", follow_redirects=False).status_code == 303


def test_a_bad_date_filter_names_the_field(client) -> None:
    _login(client)
    response = client.get("/claims", params={"service_to": "2024-13-01"})
    assert response.status_code == 422
    assert "service to: &#39;2024-13-01&#39; is not a date" in response.text
