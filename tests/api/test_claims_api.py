"""The claim routes, and the audit entries every read of patient data leaves."""

from __future__ import annotations

from claim_docs import claim_doc
from sqlalchemy import select

from core.tables import AuditEntry


def _audit(session_factory, **where):  # type: ignore[no-untyped-def]
    with session_factory() as s:
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEntry, key) == value)
        return s.scalars(stmt).all()


def test_create_read_list_and_audit(client, as_role, session_factory) -> None:
    biller = as_role("biller")
    created = client.post("/api/claims", headers=biller, json=claim_doc("API-1"))
    assert created.status_code == 201, created.text
    claim = created.json()["claim"]
    assert (claim["status"], claim["patient_control_number"], claim["total_charge"]) == (
        "draft", "API-1", "201.00")
    claim_id, patient_id = claim["id"], claim["patient_id"]

    detail = client.get(f"/api/claims/{claim_id}", headers=as_role("poster"))
    assert detail.status_code == 200
    assert detail.json()["allowed_events"] == ["edit", "scrub_passed", "close"]
    assert [h["event"] for h in detail.json()["history"]] == ["create"]
    reads = _audit(session_factory, action="read", entity_type="claim", actor="poster")
    assert [(e.entity_id, e.patient_id, e.route) for e in reads] == [
        (str(claim_id), patient_id, f"/api/claims/{claim_id}")]

    listed = client.get("/api/claims", headers=biller, params={"queue": "to_fix"})
    assert [c["patient_control_number"] for c in listed.json()["items"]] == ["API-1"]
    lists = _audit(session_factory, action="list", entity_type="claim")
    assert [(e.actor, e.entity_id, e.patient_id) for e in lists] == [
        ("biller", str(claim_id), patient_id)]


def test_scrub_release_and_illegal_moves(client, as_role) -> None:
    biller = as_role("biller")
    claim_id = client.post("/api/claims", headers=biller,
                           json=claim_doc("API-2")).json()["claim"]["id"]
    early = client.post(f"/api/claims/{claim_id}/ready", headers=biller)
    assert early.status_code == 409
    assert "cannot mark ready" in early.json()["detail"]
    scrubbed = client.post(f"/api/claims/{claim_id}/scrub", headers=biller)
    assert scrubbed.status_code == 200
    body = scrubbed.json()
    assert body["claim"]["status"] == "scrubbed"
    assert all(f["severity"] != "error" for f in body["claim"]["scrub_findings"])
    ready = client.post(f"/api/claims/{claim_id}/ready", headers=biller)
    assert ready.json()["claim"]["status"] == "ready"
    assert client.post(f"/api/claims/{claim_id}/ready",
                       headers=as_role("poster")).status_code == 403
    by_hand = client.post(f"/api/claims/{claim_id}/transitions", headers=biller,
                          json={"event": "paid", "reason": "x"})
    assert by_hand.status_code == 422
    closed = client.post(f"/api/claims/{claim_id}/transitions", headers=biller,
                         json={"event": "close", "reason": "duplicate of API-1"})
    assert closed.json()["claim"]["status"] == "closed"
    history = [(h["from_status"], h["to_status"], h["actor"], h["reason"])
               for h in closed.json()["history"]]
    assert history[-1] == ("ready", "closed", "biller", "duplicate of API-1")


def test_bad_claim_json_is_422_with_the_field(client, as_role) -> None:
    doc = claim_doc("API-3")
    doc["lines"][0]["service_date"] = "2026-13-01"
    response = client.post("/api/claims", headers=as_role("biller"), json=doc)
    assert response.status_code == 422
    assert response.json()["field"] == "lines[0].service_date"


def test_duplicate_and_missing(client, as_role) -> None:
    biller = as_role("biller")
    assert client.post("/api/claims", headers=biller, json=claim_doc("D-1")).status_code == 201
    again = client.post("/api/claims", headers=biller, json=claim_doc("D-1"))
    assert again.status_code == 409 and "already used" in again.json()["detail"]
    assert client.get("/api/claims/424242", headers=biller).status_code == 404


def test_queues_and_edit(client, as_role) -> None:
    biller = as_role("biller")
    claim_id = client.post("/api/claims", headers=biller,
                           json=claim_doc("Q-1", lines=1)).json()["claim"]["id"]
    edited = client.put(f"/api/claims/{claim_id}", headers=biller,
                        json=claim_doc("Q-1", lines=3))
    assert edited.status_code == 200 and len(edited.json()["claim"]["lines"]) == 3
    queues = {q["name"]: q["count"] for q in client.get("/api/claims/queues",
                                                         headers=biller).json()}
    assert queues["to_fix"] == 1 and queues["rejections"] == 0


def test_create_from_records(client, as_role) -> None:
    admin, biller = as_role("admin"), as_role("biller")
    payer = client.post("/api/payers", headers=admin,
                        json={"payer_id": "MCRB1", "name": "Medicare B",
                              "filing_indicator": "MB"}).json()
    provider = client.post("/api/providers", headers=admin, json={
        "npi": "1234567893", "name": "Riverside Family Medicine", "tax_id": "361234567",
        "taxonomy_code": "207Q00000X", "address_line1": "400 River Rd", "city": "Springfield",
        "state": "IL", "postal_code": "627011234"}).json()
    patient = client.post("/api/patients", headers=biller, json={
        "account_number": "RFM-9", "last_name": "Halvorsen", "first_name": "Margit",
        "birth_date": "1948-03-14", "sex": "F", "address_line1": "12 Birch Ln",
        "city": "Springfield", "state": "IL", "postal_code": "62704"}).json()
    policy = client.post(f"/api/patients/{patient['id']}/policies", headers=biller,
                         json={"payer_id": payer["id"], "member_id": "1EG4TE5MK72"}).json()
    created = client.post("/api/claims/from-records", headers=biller, json={
        "patient_control_number": "REC-1", "patient_id": patient["id"],
        "policy_id": policy["id"], "billing_provider_id": provider["id"],
        "diagnoses": ["I10"],
        "lines": [{"procedure_code": "99214", "charge": "165.00",
                   "service_date": "2026-11-02"}]})
    assert created.status_code == 201, created.text
    claim = created.json()["claim"]
    assert (claim["patient_id"], claim["payer_id"], claim["policy_id"]) == (
        patient["id"], payer["id"], policy["id"])
    assert claim["document"]["subscriber"]["member_id"] == "1EG4TE5MK72"
    assert claim["document"]["payer"] == {"name": "Medicare B", "payer_id": "MCRB1"}
    wrong_policy = client.post("/api/claims/from-records", headers=biller, json={
        "patient_control_number": "REC-2", "patient_id": patient["id"], "policy_id": 999,
        "billing_provider_id": provider["id"], "diagnoses": ["I10"],
        "lines": [{"procedure_code": "99214", "charge": "1", "service_date": "2026-11-02"}]})
    assert wrong_policy.status_code == 404
