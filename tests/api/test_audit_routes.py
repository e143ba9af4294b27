"""The audit log over the API: reading it is audited, supervisors export it, refused requests
are recorded, and a raw file download names the patients in the file."""

from __future__ import annotations

import csv
import io

from claim_docs import claim_doc
from sqlalchemy import select

from core import archive
from core.tables import AuditEntry

ISA = ("ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLAIMHOUSE     *261122*1200*^*"
       "00501*000000042*0*T*:~")


def _entries(session_factory, **where: object) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        stmt = select(AuditEntry).order_by(AuditEntry.seq)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEntry, key) == value)
        return list(s.scalars(stmt))


def test_reading_the_audit_log_is_itself_audited(client, as_role, session_factory) -> None:
    supervisor = as_role("supervisor")
    listed = client.get("/api/audit", headers=supervisor, params={"actor": "supervisor"})
    assert listed.status_code == 200, listed.text
    assert {"seq", "chain_hash", "detail"} <= set(listed.json()[0])
    reads = _entries(session_factory, entity_type="audit_log")
    assert [(e.actor, e.action, e.route) for e in reads] == [
        ("supervisor", "list", "/api/audit")]
    assert reads[0].detail is not None and "actor supervisor" in reads[0].detail


def test_supervisors_export_by_patient_and_by_date(client, as_role, session_factory) -> None:
    biller, supervisor = as_role("biller"), as_role("supervisor")
    claim = client.post("/api/claims", headers=biller, json=claim_doc("AU-1")).json()["claim"]
    patient = claim["patient_id"]
    client.get(f"/api/patients/{patient}", headers=biller)
    by_patient = client.get("/api/audit/export", headers=supervisor,
                            params={"patient_id": patient, "format": "csv"})
    assert by_patient.status_code == 200, by_patient.text
    assert by_patient.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(by_patient.text)))
    assert rows and {r["patient_id"] for r in rows} == {str(patient)}
    assert ("biller", "read", "patient") in {(r["actor"], r["action"], r["entity_type"])
                                             for r in rows}
    today = rows[0]["at"][:10]
    by_day = client.get("/api/audit/export", headers=supervisor,
                        params={"from": today, "to": today, "format": "json"})
    assert by_day.status_code == 200
    seqs = [row["seq"] for row in by_day.json()]
    assert seqs == sorted(seqs) and len(seqs) >= len(rows)
    exports = _entries(session_factory, entity_type="audit_log", action="export")
    assert [(e.actor, e.patient_id) for e in exports] == [("supervisor", patient),
                                                          ("supervisor", None)]
    assert exports[1].detail == f"{today} to {today}: {len(seqs)} entries as json"


def test_an_export_needs_a_patient_or_a_range(client, as_role) -> None:
    supervisor = as_role("supervisor")
    assert client.get("/api/audit/export", headers=supervisor).status_code == 422
    backwards = client.get("/api/audit/export", headers=supervisor,
                           params={"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 422 and "before it starts" in backwards.json()["detail"]
    assert client.get("/api/audit/export", headers=as_role("biller"),
                      params={"patient_id": 1}).status_code == 403


def test_refused_requests_are_recorded(client, as_role, session_factory) -> None:
    assert client.get("/api/claims").status_code == 401
    assert client.get("/api/audit", headers=as_role("biller")).status_code == 403
    assert client.get("/api/patients/999999", headers=as_role("biller")).status_code == 404
    assert client.get("/api/payers/999999", headers=as_role("biller")).status_code == 404
    page = client.get("/claims", follow_redirects=False)           # a page: to the login form
    assert page.status_code == 303
    refused = _entries(session_factory, action="refused")
    assert [(e.actor, e.entity_id, e.route) for e in refused] == [
        ("anonymous", "401", "/api/claims"),
        ("biller", "403", "/api/audit"),
        ("biller", "404", "/api/patients/999999"),
        ("anonymous", "401", "/claims"),
    ]
    assert all(e.client == "testclient" for e in refused)
    assert refused[1].detail is not None
    assert refused[1].detail.startswith("GET refused with 403: your role (biller)")
    assert refused[1].user_id is not None


def test_a_failed_sign_in_is_not_recorded_twice(client, session_factory) -> None:
    client.post("/api/auth/token", data={"username": "biller", "password": "wrong"})
    assert _entries(session_factory, action="refused") == []


def test_a_file_download_names_each_patient_in_it(client, as_role, session_factory) -> None:
    biller = as_role("biller")
    first = client.post("/api/claims", headers=biller, json=claim_doc("DL-1")).json()["claim"]
    doc = claim_doc("DL-2", member_id="OTHER0001")
    doc["subscriber"] = {**doc["subscriber"], "first_name": "Bo", "last_name": "Other"}
    second = client.post("/api/claims", headers=biller, json=doc).json()["claim"]
    assert first["patient_id"] != second["patient_id"]
    text = (ISA + "GS*HP*PAYER*CLAIMHOUSE*20261122*1200*42*X*005010X221A1~"
            "ST*835*0001*005010X221A1~BPR*I*100*C*CHK************20261122~TRN*1*T1*1234567890~"
            "CLP*DL-1*1*100*80**12*P1~CLP*DL-2*1*100*80**12*P2~CLP*NOT-OURS*1*5*5**12*P3~"
            "SE*7*0001~GE*1*42~IEA*1*000000042~")
    with session_factory.begin() as s:
        stored, _ = archive.store_file(s, text.encode(), direction="in", source_name="era.835")
        file_id = stored.id
    response = client.get(f"/api/files/{file_id}/content", headers=biller)
    assert response.status_code == 200 and response.content == text.encode()
    exports = _entries(session_factory, action="export", entity_type="stored_file")
    named = sorted(e.patient_id for e in exports if e.patient_id is not None)
    assert named == sorted({first["patient_id"], second["patient_id"]})
    assert len(named) == 2
    unnamed = [e for e in exports if e.patient_id is None]
    assert [e.detail for e in unnamed] == [
        "1 claim(s) in the file match no patient of ours; 2 patient(s) named"]
    assert {e.entity_id for e in exports} == {str(file_id)}
