"""Stored files over the API: upload once, recognise the duplicate, export audited."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from core import archive
from core.tables import AuditEntry, StoredFile

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


def test_large_upload_is_kept_in_the_data_directory_and_applied(
        client, as_role, app, session_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Without an archive directory, a file over the in-row size is copied in chunks to
    <data_dir>/archive (never whole in memory), then applied from there."""
    monkeypatch.setattr(archive, "IN_ROW_BYTES", 512)
    era = (Path(__file__).resolve().parents[2] / "samples" / "remittance" / "era_basic.835")
    response = client.post("/api/files", headers=as_role("poster"),
                           files={"file": ("era.835", era.read_bytes())})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["kind"], body["status"], body["size"]) == ("835", "processed",
                                                            era.stat().st_size)
    with session_factory() as s:
        stored = s.get(StoredFile, body["id"])
        archived = (app.state.settings.data_dir / "archive").resolve()
        assert stored.content is None and Path(stored.storage_path).parent.parent == archived
    content = client.get(f"/api/files/{body['id']}/content", headers=as_role("poster"))
    assert content.content == era.read_bytes()
