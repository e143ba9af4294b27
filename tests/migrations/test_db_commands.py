"""``claimhouse db upgrade`` and ``db current`` on the embedded SQLite default."""

from __future__ import annotations

from pathlib import Path

import pytest

import migrations
from cli.main import main


def test_db_upgrade_then_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CLAIMHOUSE_DATABASE_URL", raising=False)
    monkeypatch.setenv("CLAIMHOUSE_DATA_DIR", str(tmp_path / "data"))
    assert main(["db", "current"]) == 1
    assert "none (empty database)" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    head = migrations.head_revision()
    assert f"database at revision {head}" in capsys.readouterr().out
    assert (tmp_path / "data" / "claimhouse.db").is_file()
    assert main(["db", "current"]) == 0
