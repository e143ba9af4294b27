"""Stored files over the API: upload once, recognise the duplicate, export audited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.limits import measure_upload
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


def test_upload_over_the_limit_is_refused_and_nothing_stored(app, db_engine, session_factory,
                                                             tmp_path) -> None:  # type: ignore[no-untyped-def]
    from api_support import token_for
    from fastapi.testclient import TestClient

    from api import create_app
    from core.settings import load_settings

    settings = load_settings(secret_key=app.state.settings.secret_key, data_dir=tmp_path,
                             max_upload_bytes=len(CONTENT) + 100)
    with TestClient(create_app(settings, engine=db_engine)) as small:
        headers = {"Authorization": f"Bearer {token_for(small, 'biller')}"}
        for path in ("/api/files", "/api/remittance/post"):
            refused = small.post(path, headers=headers,
                                 files={"file": ("big.999", CONTENT + b" " * 200)})
            assert refused.status_code == 413 and "nothing was stored" in refused.text
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert not (tmp_path / "archive").exists()


def test_a_spooled_upload_is_measured_in_words() -> None:
    spooled = io.BytesIO(CONTENT)
    assert measure_upload(spooled, "a.999", len(CONTENT)) == CONTENT[:4096]
    assert spooled.tell() == 0
    with pytest.raises(ValueError, match=rf"file b.999: an upload is limited to .* and this "
                                         rf"one is {len(CONTENT)} bytes; nothing was stored"):
        measure_upload(spooled, "b.999", len(CONTENT) - 1)
    with pytest.raises(ValueError, match="file c.999: the file is empty"):
        measure_upload(io.BytesIO(), "c.999", 10)
