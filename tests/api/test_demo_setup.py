"""``claimhouse demo --no-serve`` on a fresh data directory: migrated SQLite database, demo
users whose printed passwords work, the sample practice served through the API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from cli.main import main
from core.settings import load_settings


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
    assert "16 claims added" in out
    assert "Tasks run in-process" in out
    passwords = dict(re.findall(r"^\s+(\w+)\s+\w+\s+(\S+)$", out, re.MULTILINE))
    assert set(passwords) == {"admin", "biller", "poster", "supervisor"}

    settings = load_settings(data_dir=tmp_path, database_url="")
    with TestClient(create_app(settings)) as client:
        token = client.post("/api/auth/token", data={
            "username": "biller", "password": passwords["biller"]}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        queues = {q["name"]: q["count"] for q in client.get("/api/claims/queues",
                                                             headers=headers).json()}
        assert queues["rejections"] == 2 and queues["denials"] >= 2
        assert all(count > 0 for count in queues.values())

    # Running it again keeps the data and only renews the passwords.
    assert main(["demo", "--no-serve"]) == 0
    assert "0 claims added (16 already there)" in capsys.readouterr().out
