"""Patients, policies, payers and providers over the API; patient reads are audited."""

from __future__ import annotations

from sqlalchemy import select

from core.tables import AuditEntry

PATIENT = {"account_number": "P-77", "last_name": "Osei", "first_name": "Kwame",
           "birth_date": "1979-09-30", "sex": "M"}


def test_patient_lifecycle_and_audit(client, as_role, session_factory) -> None:
    biller, supervisor = as_role("biller"), as_role("supervisor")
    payer = client.post("/api/payers", headers=supervisor,
                        json={"payer_id": "AET", "name": "Acme Health"})
    assert payer.status_code == 201
    created = client.post("/api/patients", headers=biller, json=PATIENT)
    assert created.status_code == 201
    patient_id = created.json()["id"]
    policy = client.post(f"/api/patients/{patient_id}/policies", headers=biller,
                         json={"payer_id": payer.json()["id"], "member_id": "W881"})
    assert policy.status_code == 201
    read = client.get(f"/api/patients/{patient_id}", headers=as_role("poster"))
    assert read.json()["policies"][0]["member_id"] == "W881"
    found = client.get("/api/patients", headers=biller, params={"search": "ose"})
    assert [p["account_number"] for p in found.json()] == ["P-77"]
    dup = client.post("/api/patients", headers=biller, json=PATIENT)
    assert dup.status_code == 409
    bad = client.post("/api/patients", headers=biller, json={**PATIENT, "sex": "X"})
    assert bad.status_code == 422

    with session_factory() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.patient_id == patient_id)
                            .order_by(AuditEntry.id)).all()
    assert [(e.actor, e.action) for e in entries] == [
        ("biller", "create"), ("biller", "create"), ("poster", "read"), ("biller", "list")]

    log = client.get("/api/audit", headers=supervisor, params={"patient_id": patient_id})
    assert [e["action"] for e in log.json()] == ["list", "read", "create", "create"]


def test_providers(client, as_role) -> None:
    admin = as_role("admin")
    ok = client.post("/api/providers", headers=admin,
                     json={"npi": "1234567893", "name": "Riverside"})
    assert ok.status_code == 201
    bad = client.post("/api/providers", headers=admin,
                      json={"npi": "1234567890", "name": "Typo"})
    assert bad.status_code == 422 and "check digit" in bad.json()["detail"]
    assert [p["npi"] for p in client.get("/api/providers",
                                         headers=as_role("biller")).json()] == ["1234567893"]
