"""Uploaded files are applied with the uploader's rights, and every effect names the person:
a biller's 835 waits for someone who may post payments; a poster's 277CA waits for someone who
may submit claims; the last admin stays."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "remittance"))
from remit_practice import SAMPLES, load_practice  # noqa: E402

from claims.db.tables import Acknowledgment, ClaimRecord, ClaimStatusChange  # noqa: E402
from core.tables import AuditEntry, StoredFile, User  # noqa: E402
from remittance.tables import ClaimPaymentRecord, RemittanceRecord  # noqa: E402

ERA = (SAMPLES / "era_basic.835").read_bytes()
EXCHANGE = Path(__file__).resolve().parents[2] / "samples" / "exchange"


@pytest.fixture
def practice(session_factory) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        return load_practice(s)


def upload(client, headers, name: str, content: bytes) -> dict:  # type: ignore[no-untyped-def]
    response = client.post("/api/files", headers=headers, files={"file": (name, content)})
    assert response.status_code == 200, response.text
    return response.json()


def claim_statuses(session_factory) -> set[str]:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return set(s.scalars(select(ClaimRecord.status)))


def test_a_billers_835_posts_nothing_until_a_poster_processes_it(
        client, as_role, practice, session_factory) -> None:  # type: ignore[no-untyped-def]
    body = upload(client, as_role("biller"), "era.835", ERA)
    assert (body["created"], body["status"]) == (True, "waiting")
    assert body["processing"].startswith("waiting: waiting for someone who may post payments")
    assert body["error"].startswith("waiting for someone who may post payments")
    assert claim_statuses(session_factory) == {"payer_accepted"}
    with session_factory() as s:
        assert s.scalars(select(RemittanceRecord)).all() == []
        assert s.scalars(select(ClaimStatusChange)).all() == []

    path = f"/api/files/{body['id']}/process"
    refused = client.post(path, headers=as_role("biller"))
    assert refused.status_code == 403
    assert "may post payments" in refused.json()["detail"]
    assert "biller (biller) may not (payments:post)" in refused.json()["detail"]
    assert claim_statuses(session_factory) == {"payer_accepted"}

    done = client.post(path, headers=as_role("poster"))
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "processed"
    assert done.json()["processing"].startswith("processed: 835: posted")
    with session_factory() as s:
        paid = s.scalar(select(ClaimRecord).where(ClaimRecord.patient_control_number == "C1001"))
        assert paid.status == "paid"
        history = s.scalars(select(ClaimStatusChange)).all()
        assert history and {h.actor for h in history} == {"poster"}
        assert {h.stored_file_id for h in history} == {body["id"]}
        (remittance,) = s.scalars(select(RemittanceRecord)).all()
        assert remittance.imported_by == "poster"
        assert set(s.scalars(select(ClaimPaymentRecord.posted_by).where(
            ClaimPaymentRecord.posted_at.is_not(None)))) == {"poster"}
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "stored_file")
                            .order_by(AuditEntry.id)).all()
        assert [(e.actor, e.action, e.route) for e in entries] == [
            ("biller", "create", "/api/files"), ("poster", "update", path)]
    again = client.post(path, headers=as_role("poster"))
    assert again.status_code == 409 and "processed" in again.json()["detail"]


def test_a_poster_uploading_the_same_waiting_file_applies_it(
        client, as_role, practice, session_factory) -> None:  # type: ignore[no-untyped-def]
    first = upload(client, as_role("biller"), "era.835", ERA)
    assert first["status"] == "waiting"
    second = upload(client, as_role("poster"), "same-era.835", ERA)
    assert (second["created"], second["id"], second["status"]) == (False, first["id"],
                                                                   "processed")
    with session_factory() as s:
        assert set(s.scalars(select(ClaimStatusChange.actor))) == {"poster"}


def test_the_remittance_post_route_takes_a_waiting_file(
        client, as_role, practice, session_factory) -> None:  # type: ignore[no-untyped-def]
    upload(client, as_role("biller"), "era.835", ERA)
    response = client.post("/api/remittance/post", headers=as_role("poster"),
                           files={"file": ("era.835", ERA)})
    assert response.status_code == 200, response.text
    assert response.json()["already_processed"] is False
    with session_factory() as s:
        assert s.scalars(select(RemittanceRecord.imported_by)).all() == ["poster"]
        assert s.scalars(select(StoredFile.status)).all() == ["processed"]


def test_a_posters_277ca_waits_for_someone_who_may_submit_claims(
        client, as_role, session_factory) -> None:  # type: ignore[no-untyped-def]
    body = upload(client, as_role("poster"), "batch.277", (EXCHANGE / "batch.277").read_bytes())
    assert body["status"] == "waiting"
    assert "may submit claims and apply the clearinghouse's answers" in body["processing"]
    assert "poster (poster) may not (claims:submit)" in body["processing"]
    with session_factory() as s:
        assert s.scalars(select(Acknowledgment)).all() == []
    refused = client.post(f"/api/files/{body['id']}/process", headers=as_role("poster"))
    assert refused.status_code == 403
    done = client.post(f"/api/files/{body['id']}/process", headers=as_role("biller"))
    assert done.status_code == 200 and done.json()["status"] == "processed"


def test_processing_names_the_file_it_cannot_take(
        client, as_role, session_factory) -> None:  # type: ignore[no-untyped-def]
    missing = client.post("/api/files/999999/process", headers=as_role("poster"))
    assert missing.status_code == 404 and "999999" in missing.json()["detail"]
    with session_factory.begin() as s:
        out = StoredFile(sha256="0" * 64, direction="out", kind="837", source_name="batch.837",
                         size=1, content=b"x", status="sent", attempts=0)
        s.add(out)
        s.flush()
        out_id = out.id
    outbound = client.post(f"/api/files/{out_id}/process", headers=as_role("admin"))
    assert outbound.status_code == 409 and "outbound" in outbound.json()["detail"]


def _user_id(session_factory, name: str) -> int:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return s.scalar(select(User.id).where(User.username == name))


def test_the_last_admin_keeps_the_admin_role(
        client, as_role, session_factory) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    admin_id = _user_id(session_factory, "admin")
    for change in ({"role": "biller"}, {"active": False}):
        refused = client.patch(f"/api/users/{admin_id}", headers=admin, json=change)
        assert refused.status_code == 409, refused.text
        assert "last active admin" in refused.json()["detail"]
    me = client.get("/api/auth/me", headers=admin).json()
    assert (me["role"], me["active"]) == ("admin", True)

    # With a second admin, either may step down; then the other is the last one.
    made = client.patch(f"/api/users/{_user_id(session_factory, 'supervisor')}",
                        headers=admin, json={"role": "admin"})
    assert made.status_code == 200
    assert client.patch(f"/api/users/{admin_id}", headers=admin,
                        json={"role": "supervisor"}).json()["role"] == "supervisor"
    boss = as_role("supervisor")
    refused = client.patch(f"/api/users/{_user_id(session_factory, 'supervisor')}",
                           headers=boss, json={"active": False})
    assert refused.status_code == 409 and "deactivating" in refused.json()["detail"]
