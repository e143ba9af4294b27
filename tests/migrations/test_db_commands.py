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


def test_serve_refuses_the_default_secret_on_a_production_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    migrations.upgrade(url)
    monkeypatch.setenv("CLAIMHOUSE_DATABASE_URL", url)
    monkeypatch.delenv("CLAIMHOUSE_SECRET_KEY", raising=False)
    with pytest.raises(SystemExit, match="CLAIMHOUSE_SECRET_KEY"):
        main(["serve", "--port", "1"])


def test_embedded_default_keeps_a_private_random_secret(tmp_path: Path) -> None:
    from cli.service_commands import _secret_key
    from core.settings import load_settings

    settings = load_settings(data_dir=tmp_path, database_url="")
    first = _secret_key(settings)
    assert len(first) > 40 and first == _secret_key(settings)
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
