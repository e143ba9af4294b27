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


def test_serve_refuses_a_server_database_without_a_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMHOUSE_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/x")
    monkeypatch.delenv("CLAIMHOUSE_SECRET_KEY", raising=False)
    import cli.service_commands

    # The database is never reached: the missing key is refused first, in words.
    monkeypatch.setattr(cli.service_commands, "_prepare_database", lambda *a, **k: "")
    with pytest.raises(SystemExit, match="claimhouse: CLAIMHOUSE_SECRET_KEY is not set"):
        main(["serve", "--port", "1"])


def test_serve_refuses_a_short_key_in_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CLAIMHOUSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CLAIMHOUSE_SECRET_KEY", "dev-only-change-me")
    assert main(["serve", "--port", "1"]) == 2
    assert "CLAIMHOUSE_SECRET_KEY is 18 bytes long" in capsys.readouterr().err


def test_embedded_default_keeps_a_private_random_secret(tmp_path: Path) -> None:
    from cli.service_commands import _secret_key
    from core.settings import load_settings

    settings = load_settings(data_dir=tmp_path, database_url="")
    first = _secret_key(settings)
    assert len(first) > 40 and first == _secret_key(settings)
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
