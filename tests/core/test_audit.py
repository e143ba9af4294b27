"""The access audit log."""

from __future__ import annotations

from core import audit
from core.audit import Action, Actor


def test_record_and_query_by_patient(session) -> None:
    kim = Actor("kim", 1, "/api/patients/5", "10.0.0.8")
    audit.record(session, kim, Action.READ, "patient", 5, patient_id=5)
    audit.record_many(session, Actor("lee", 2, "/api/claims"), Action.LIST, "claim",
                      [(10, 5), (11, 6), (12, 5)])
    session.flush()
    entries = audit.list_entries(session, patient_id=5)
    assert [(e.actor, e.action, e.entity_id) for e in entries] == [
        ("lee", "list", "12"), ("lee", "list", "10"), ("kim", "read", "5")]
    assert entries[-1].route == "/api/patients/5" and entries[-1].client == "10.0.0.8"
    assert [e.entity_id for e in audit.list_entries(session, actor="lee", limit=2)] == [
        "12", "11"]
    older = audit.list_entries(session, before_id=entries[1].id)
    assert [e.entity_id for e in older] == ["5"]


def test_record_many_with_nothing_writes_nothing(session) -> None:
    assert audit.record_many(session, Actor("kim"), Action.LIST, "claim", []) == 0
    assert list(audit.list_entries(session)) == []
