"""The embedded default serves an office: the app served by uvicorn on SQLite with 8 API
threads, 8 people reading audited pages and JSON routes at once, 0 errors, and every read has
its audit entry (the chain unbroken); two of them saving patients meanwhile fail nothing
either. The database files are the owner's alone."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from served_office import browse, prepare, serve  # noqa: E402

PEOPLE = 8
REQUESTS_EACH = 60


def test_eight_people_reading_at_once_on_sqlite(tmp_path: Path) -> None:
    office = prepare(tmp_path / "office", PEOPLE)
    with serve(office, threads=8) as base:
        outcome = browse(office, base, PEOPLE, REQUESTS_EACH)
        # Then two of them also save patients (read, then change) while six read.
        editing = browse(office, base, PEOPLE, REQUESTS_EACH // 2, editors=2)
    assert editing.errors == [] and editing.unaudited() == []
    assert outcome.errors == []
    assert sum(outcome.sent.values()) == PEOPLE * REQUESTS_EACH
    assert all(n >= 1 for n in outcome.per_request.values()), outcome.per_request
    assert outcome.unaudited() == []
    database = office.data_dir / "claimhouse.db"
    assert database.stat().st_mode & 0o077 == 0
    assert all(p.stat().st_mode & 0o077 == 0 for p in office.data_dir.glob("claimhouse.db*"))
