"""``claimhouse audit verify`` and ``audit export`` against a SQLite database."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

import claims.db.tables  # noqa: F401
import core.tables  # noqa: F401
import remittance.tables  # noqa: F401
from cli.main import main
from core import audit, audit_chain
from core.audit import Action, Actor
from core.db import Base, make_engine, make_session_factory
from core.tables import AuditEntry, utcnow


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'claimhouse.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    now = utcnow()
    for n, (patient, days) in enumerate(((1, 9), (2, 5), (1, 2), (1, 0)), start=1):
        with factory.begin() as session:
            audit.record(session, Actor("kim", 3, f"/api/patients/{patient}", "10.0.0.4"),
                         Action.READ, "patient", patient, patient_id=patient,
                         at=now - timedelta(days=days, minutes=n))
    engine.dispose()
    return url


def _tamper(url: str, statement: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        for drop in audit_chain.trigger_ddl("sqlite", drop=True):
            conn.execute(text(drop))
        conn.execute(text(statement))
    engine.dispose()


def _entries(url: str) -> list[AuditEntry]:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    engine.dispose()
    return rows


def test_verify_an_intact_log(database: str, capsys) -> None:
    assert main(["audit", "verify", "--database-url", database]) == 0
    out = capsys.readouterr().out
    assert out.startswith("audit log intact: 4 entries, the last is entry 4; chain hash ")


def test_verify_names_a_changed_entry(database: str, capsys) -> None:
    _tamper(database, "UPDATE audit_log SET actor = 'lee' WHERE seq = 2")
    assert main(["audit", "verify", "--database-url", database]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("audit log broken: entry 2 (id 2, ")
    assert "lee read patient 2" in lines[0] and "does not match its hash" in lines[0]
    assert lines[1] == "the first 1 entries add up (through entry 1)"


def test_verify_names_a_deleted_entry(database: str, capsys) -> None:
    _tamper(database, "DELETE FROM audit_log WHERE seq = 3")
    assert main(["audit", "verify", "--database-url", database]) == 1
    out = capsys.readouterr().out
    assert out.startswith("audit log broken: entry 3 is missing (after entry 2, before entry 4")


def test_verify_without_the_table(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["audit", "verify", "--database-url", url]) == 2
    assert "claimhouse db upgrade" in capsys.readouterr().err


def test_export_a_patient_as_csv_is_itself_audited(database: str, capsys) -> None:
    code = main(["audit", "export", "--patient", "1", "--database-url", database,
                 "--user", "auditor"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["seq"] for r in rows] == ["1", "3", "4", "5"]
    assert rows[-1]["action"] == "export" and rows[-1]["actor"] == "auditor"
    assert rows[0]["route"] == "/api/patients/1" and rows[0]["client"] == "10.0.0.4"
    last = _entries(database)[-1]
    assert (last.actor, last.action, last.entity_type, last.patient_id, last.detail) == (
        "auditor", "export", "audit_log", 1, "patient 1: 3 entries as csv")
    assert main(["audit", "verify", "--database-url", database]) == 0


def test_export_a_date_range_as_json_to_a_file(database: str, tmp_path: Path) -> None:
    today = utcnow().date()
    out = tmp_path / "audit.json"
    code = main(["audit", "export", "--from", str(today - timedelta(days=6)),
                 "--to", str(today - timedelta(days=1)), "--format", "json",
                 "-o", str(out), "--database-url", database])
    assert code == 0
    exported = json.loads(out.read_text())
    assert [(e["seq"], e["patient_id"]) for e in exported] == [(2, 2), (3, 1)]
    assert exported[0]["at"].endswith("+00:00") and len(exported[0]["chain_hash"]) == 64
    assert _entries(database)[-1].actor.startswith("os:")


@pytest.mark.parametrize("argv, words", [
    ([], "give a patient, a date range"),
    (["--from", "2026-03-01", "--to", "2026-02-01"], "ends (2026-02-01) before it starts"),
])
def test_export_refusals_in_words(database: str, capsys, argv, words) -> None:
    assert main(["audit", "export", "--database-url", database, *argv]) == 2
    assert words in capsys.readouterr().err


def test_export_refuses_a_bad_patient_id(database: str, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["audit", "export", "--patient", "99999999999", "--database-url", database])
    assert "is not a patient id" in capsys.readouterr().err
