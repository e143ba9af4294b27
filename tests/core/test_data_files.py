"""Files holding patient data are created readable by their owner alone: the SQLite database
with its WAL and shared-memory files, and the stored-file archive."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

import claims.db.tables  # noqa: F401  (every table on the metadata)
from core.archive import store_file
from core.db import Base, make_engine, make_session_factory


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sqlite_database_and_its_wal_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)       # a typical umask would give 0644
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'claimhouse.db'}")
        Base.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
            files = sorted(p.name for p in (tmp_path / "data").iterdir())
            modes = {p.name: _mode(p) for p in (tmp_path / "data").iterdir()}
        engine.dispose()
    finally:
        os.umask(old)
    assert files == ["claimhouse.db", "claimhouse.db-shm", "claimhouse.db-wal"]
    assert modes == dict.fromkeys(files, 0o600)
    assert _mode(tmp_path / "data") == 0o700


def test_an_existing_readable_database_is_tightened(tmp_path: Path) -> None:
    database = tmp_path / "claimhouse.db"
    database.touch()
    database.chmod(0o644)
    make_engine(f"sqlite:///{database}").dispose()
    assert _mode(database) == 0o600


def test_in_memory_databases_touch_no_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_engine("sqlite://").dispose()
    make_engine("sqlite:///:memory:").dispose()
    assert list(tmp_path.iterdir()) == []


def test_archived_files_are_owner_only(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'claimhouse.db'}")
    Base.metadata.create_all(engine)
    archive = tmp_path / "archive"
    old = os.umask(0o022)
    try:
        with make_session_factory(engine).begin() as session:
            stored, _ = store_file(session, b"ISA*00*stored", direction="in",
                                   source_name="a.x12", archive_dir=archive)
            relative = stored.storage_path
    finally:
        os.umask(old)
        engine.dispose()
    assert relative is not None
    assert _mode(archive) == 0o700
    assert _mode((archive / relative).parent) == 0o700
    assert _mode(archive / relative) == 0o600
