"""Who applies an inbound file: the uploader with their own rights, or the exchange; every
effect names them, never the file kind."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "remittance"))
from exchange_support import (  # noqa: E402
    add_batch,
    claim_by_pcn,
    exchange_settings,
    make_database,
    sample_text,
)
from remit_practice import SAMPLES, load_practice  # noqa: E402

from claims.db.tables import ClaimRecord, ClaimStatusChange  # noqa: E402
from clearinghouse import inbound  # noqa: E402
from clearinghouse.acting import FileActor, actor_for_file, exchange_transport_of  # noqa: E402
from clearinghouse.outbound import submit_ready_claims  # noqa: E402
from core.archive import Direction, store_file  # noqa: E402
from core.roles import INBOUND_PERMISSIONS, Permission  # noqa: E402
from core.tables import AuditEntry, StoredFile, User, utcnow  # noqa: E402
from remittance.tables import ClaimPaymentRecord, RemittanceRecord  # noqa: E402

ERA = (SAMPLES / "era_basic.835").read_text()


@pytest.fixture
def settings(tmp_path):
    return exchange_settings(tmp_path)


@pytest.fixture
def factory(settings):
    return make_database(settings.database_url)


@pytest.fixture
def people(factory) -> dict[str, int]:
    """One user per role, plus an inactive poster; ids by username."""
    with factory.begin() as session:
        rows = [User(username=name, password_hash="-", role=role, active=name != "leaver",
                     created_at=utcnow())
                for name, role in (("biller", "biller"), ("poster", "poster"),
                                   ("supervisor", "supervisor"), ("admin", "admin"),
                                   ("leaver", "poster"))]
        session.add_all(rows)
        session.flush()
        return {row.username: row.id for row in rows}


@pytest.fixture
def submitted(factory, settings):
    with factory() as session:
        add_batch(session)
        submit_ready_claims(session, settings)
        session.commit()


@pytest.fixture
def practice(factory) -> dict[str, int]:
    with factory.begin() as session:
        return load_practice(session)


def receive(factory, text: str, *, source: str = "memory", name: str = "in.x12") -> int:
    with factory.begin() as session:
        return inbound.receive_file(session, text.encode(), name=name, source=source).file_id


def upload(factory, text: str, user_id: int, name: str = "up.x12") -> int:
    with factory.begin() as session:
        stored, _ = store_file(session, text.encode(), direction=Direction.IN,
                               source_name=f"upload:{name}", uploaded_by=user_id)
        return stored.id


def process(factory, file_id: int, actor: FileActor | None = None) -> inbound.ProcessOutcome:
    with factory.begin() as session:
        return inbound.process_file(session, file_id, actor=actor)


def person(name: str, role: str, user_id: int | None = None) -> FileActor:
    return FileActor.person(name, role, user_id=user_id, route="/api/files/1/process",
                            client="10.0.0.9")


@pytest.mark.parametrize(("source", "expected"), [
    ("memory", "exchange:memory"),
    ("sftp://billing@mailbox.example:22", "exchange:sftp"),
    ("/srv/claimhouse/exchange", "exchange:folder"),
])
def test_a_mailbox_999_is_applied_as_the_exchange(factory, submitted, source, expected):
    file_id = receive(factory, sample_text("batch_accepted.999"), source=source)
    assert process(factory, file_id).status == "processed"
    with factory() as session:
        changes = session.scalars(select(ClaimStatusChange)
                                  .where(ClaimStatusChange.stored_file_id == file_id)).all()
        assert len(changes) == 3
        assert {c.actor for c in changes} == {expected}
        (entry,) = session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "stored_file")).all()
        assert (entry.actor, entry.action, entry.entity_id) == (expected, "update", str(file_id))


def test_a_mailbox_835_is_posted_as_the_exchange(factory, practice):
    file_id = receive(factory, ERA, name="era.835")
    assert process(factory, file_id).status == "processed"
    with factory() as session:
        (remittance,) = session.scalars(select(RemittanceRecord)).all()
        assert remittance.imported_by == "exchange:memory"
        posted_by = set(session.scalars(select(ClaimPaymentRecord.posted_by)
                                        .where(ClaimPaymentRecord.posted_at.is_not(None))))
        assert posted_by == {"exchange:memory"}
        actors = set(session.scalars(select(ClaimStatusChange.actor)))
        assert actors == {"exchange:memory"}, "never '835' or the file's name"


def test_a_billers_835_waits_and_a_poster_applies_it(factory, practice, people):
    file_id = upload(factory, ERA, people["biller"], "era.835")
    outcome = process(factory, file_id)
    assert outcome.status == inbound.WAITING == "waiting"
    assert outcome.summary.startswith("waiting for someone who may post payments")
    assert "biller (biller) may not (payments:post)" in outcome.summary
    with factory() as session:
        stored = session.get(StoredFile, file_id)
        assert (stored.status, stored.error) == ("waiting", outcome.summary)
        assert session.scalars(select(RemittanceRecord)).all() == []
        assert session.scalars(select(ClaimStatusChange)).all() == []
        assert {c.status for c in session.scalars(select(ClaimRecord))} == {"payer_accepted"}
        # The exchange's restart queue leaves it alone: it is nobody's to apply but a person's.
        assert inbound.unprocessed_file_ids(session) == []
    # Left alone, it keeps waiting: processing again with the uploader's rights changes nothing.
    assert process(factory, file_id).status == "waiting"

    outcome = process(factory, file_id, person("poster", "poster", people["poster"]))
    assert outcome.status == "processed"
    with factory() as session:
        (remittance,) = session.scalars(select(RemittanceRecord)).all()
        assert remittance.imported_by == "poster"
        assert set(session.scalars(select(ClaimStatusChange.actor))) == {"poster"}
        paid = claim_by_pcn(session, "C1001")
        assert paid.status == "paid"
        (entry,) = session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "stored_file")).all()
        assert (entry.actor, entry.user_id, entry.route, entry.client) == (
            "poster", people["poster"], "/api/files/1/process", "10.0.0.9")
    assert process(factory, file_id).status == "skipped"


def test_an_upload_by_someone_who_may_is_applied_in_their_name(factory, submitted, people):
    file_id = upload(factory, sample_text("batch.277"), people["biller"], "answers.277")
    with factory() as session:
        assert actor_for_file(session, session.get(StoredFile, file_id)).name == "biller"
    assert process(factory, file_id).status == "processed"
    with factory() as session:
        assert set(session.scalars(select(ClaimStatusChange.actor).where(
            ClaimStatusChange.stored_file_id == file_id))) == {"biller"}


def test_a_posters_277ca_waits_for_someone_who_may_submit_claims(factory, submitted, people):
    file_id = upload(factory, sample_text("batch.277"), people["poster"], "answers.277")
    outcome = process(factory, file_id)
    assert outcome.status == "waiting"
    assert "may submit claims and apply the clearinghouse's answers" in outcome.summary
    with factory() as session:
        assert {claim_by_pcn(session, p).status
                for p in ("EXB-1001", "EXB-1002", "EXB-1003")} == {"submitted"}


def test_an_inactive_uploader_applies_nothing(factory, submitted, people):
    file_id = upload(factory, sample_text("batch_accepted.999"), people["leaver"], "a.999")
    outcome = process(factory, file_id)
    assert outcome.status == "waiting"
    assert "leaver (poster, inactive) may not (claims:submit)" in outcome.summary


def test_an_upload_with_no_uploader_on_record_applies_nothing(factory, submitted):
    with factory.begin() as session:
        stored, _ = store_file(session, sample_text("batch_accepted.999").encode(),
                               direction=Direction.IN, source_name="upload:a.999")
        file_id = stored.id
    assert process(factory, file_id).status == "waiting"


def test_a_file_of_several_kinds_needs_every_permission(factory, submitted, people):
    both = sample_text("batch_accepted.999") + ERA
    file_id = upload(factory, both, people["poster"], "mixed.x12")
    outcome = process(factory, file_id)
    assert (outcome.status, outcome.kinds) == ("waiting", ("999", "835"))
    assert "(claims:submit)" in outcome.summary and "payments:post" not in outcome.summary
    assert process(factory, file_id, person("biller", "biller")).status == "waiting"
    outcome = process(factory, file_id, person("supervisor", "supervisor"))
    assert outcome.status == "processed"
    with factory() as session:
        assert set(session.scalars(select(ClaimStatusChange.actor).where(
            ClaimStatusChange.stored_file_id == file_id))) == {"supervisor"}
        assert session.scalars(select(RemittanceRecord.imported_by)).all() == ["supervisor"]


def test_what_each_role_may_apply() -> None:
    kinds = {"835": "payments:post", "999": "claims:submit", "TA1": "claims:submit",
             "277": "claims:submit"}
    assert {k: p.value for k, p in INBOUND_PERMISSIONS.items()} == kinds
    may = {role: sorted(k for k in kinds if not person(role, role).missing([k]))
           for role in ("biller", "poster", "supervisor", "admin")}
    assert may == {"biller": ["277", "999", "TA1"], "poster": ["835"],
                   "supervisor": ["277", "835", "999", "TA1"],
                   "admin": ["277", "835", "999", "TA1"]}
    # A kind nothing acts on (271) takes no permission; an unknown role holds none.
    assert person("biller", "biller").refusal(["271"]) == ""
    assert person("x", "owner").missing(["835"]) == {Permission.PAYMENTS_POST}


def test_the_exchange_holds_only_what_the_mailbox_brings() -> None:
    exchange = FileActor.exchange("sftp")
    assert exchange.name == "exchange:sftp"
    assert exchange.permissions == frozenset(INBOUND_PERMISSIONS.values())
    assert Permission.USERS_MANAGE not in exchange.permissions
    assert exchange.refusal(["835", "999", "TA1", "277"]) == ""
    assert exchange.audit_actor.username == "exchange:sftp"


@pytest.mark.parametrize(("source", "transport"), [
    ("sftp://u@h:22/x.999", "sftp"), ("memory/x.999", "memory"), ("/data/in/x.999", "folder")])
def test_the_transport_is_read_from_the_source(source, transport) -> None:
    assert exchange_transport_of(source) == transport
