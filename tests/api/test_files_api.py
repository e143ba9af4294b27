"""Stored files over the API: upload once, recognise the duplicate, export audited."""

from __future__ import annotations

from sqlalchemy import select

from core.tables import AuditEntry

CONTENT = (b"ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*CLAIMHOUSE     *261122*"
           b"1200*^*00501*000000007*0*T*:~GS*FA*C*H*20261122*1200*7*X*005010X231A1~"
           b"ST*999*0001*005010X231A1~AK1*HC*1*005010X222A1~AK9*A*1*1*1~SE*4*0001~GE*1*7~"
           b"IEA*1*000000007~")


def test_upload_twice(client, as_role, session_factory) -> None:
    biller = as_role("biller")     # a 999 is applied by someone who may submit claims
    first = client.post("/api/files", headers=biller, files={"file": ("a.999", CONTENT)})
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["created"], body["kind"], body["direction"]) == (True, "999", "in")
    # Tasks run in-process here: the file was applied right after it was stored. It answers
    # a group we never sent, which the exchange records instead of failing.
    assert body["status"] == "processed", body["processing"]
    assert body["processing"].startswith("processed")
    second = client.post("/api/files", headers=biller,
                         files={"file": ("copy-of-a.999", CONTENT)})
    assert (second.json()["created"], second.json()["id"]) == (False, body["id"])
    assert second.json()["processing"] == "already processed"
    assert second.json()["source_name"] == "upload:a.999"
    listed = client.get("/api/files", headers=biller).json()
    assert [f["id"] for f in listed] == [body["id"]]

    content = client.get(f"/api/files/{body['id']}/content", headers=biller)
    assert content.content == CONTENT
    with session_factory() as s:
        exports = s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert [(e.actor, e.entity_id) for e in exports] == [("biller", str(body["id"]))]


def test_empty_upload_refused(client, as_role) -> None:
    response = client.post("/api/files", headers=as_role("biller"),
                           files={"file": ("empty.835", b"")})
    assert response.status_code == 422 and "empty" in response.json()["detail"]
