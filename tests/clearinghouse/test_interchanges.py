"""Received interchanges: applied once each, even in a file where some were sent before."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent))
from exchange_support import (  # noqa: E402
    add_batch,
    exchange_settings,
    make_database,
    sample_text,
)

import clearinghouse.interchanges as interchanges  # noqa: E402
from claims.db.tables import Acknowledgment  # noqa: E402
from clearinghouse import inbound  # noqa: E402
from clearinghouse.interchanges import fresh_text, register_interchanges, survey  # noqa: E402
from clearinghouse.outbound import submit_ready_claims  # noqa: E402
from clearinghouse.tables import ReceivedInterchange  # noqa: E402
from core.tables import StoredFile  # noqa: E402

ACCEPTED_999 = "batch_accepted.999"     # ISA13 900000101
CLAIMS_277 = "batch.277"                # ISA13 900000103


@pytest.fixture
def factory(tmp_path):
    settings = exchange_settings(tmp_path)
    factory = make_database(settings.database_url)
    with factory() as session:
        add_batch(session)
        submit_ready_claims(session, settings)
        session.commit()
    return factory


def receive_and_process(factory, text: str, name: str) -> inbound.ProcessOutcome:
    with factory() as session:
        file_id = inbound.receive_file(session, text.encode(), name=name,
                                       source="memory").file_id
        session.commit()
    with factory() as session:
        outcome = inbound.process_file(session, file_id)
        session.commit()
        return outcome


def acknowledgments(factory) -> dict[str, int]:
    with factory() as session:
        return dict(session.execute(select(Acknowledgment.kind, func.count())
                                    .group_by(Acknowledgment.kind)).all())


def test_a_file_with_a_resent_interchange_applies_only_the_new_one(factory) -> None:
    receive_and_process(factory, sample_text(ACCEPTED_999), "first.999")
    assert acknowledgments(factory) == {"999": 3}
    # The clearinghouse puts the 999 again (same ISA13) in a file with a new 277CA.
    both = sample_text(ACCEPTED_999) + "\n" + sample_text(CLAIMS_277)
    outcome = receive_and_process(factory, both, "both.x12")
    assert outcome.status == "processed" and outcome.kinds == ("999", "277")
    assert "interchange 900000101 from CLEARINGHOUSE was already received" in outcome.summary
    assert acknowledgments(factory) == {"999": 3, "277CA": 4}
    with factory() as session:
        owners = dict(session.execute(select(ReceivedInterchange.control_number,
                                             ReceivedInterchange.stored_file_id)).all())
        assert owners["900000101"] != owners["900000103"]


def test_every_interchange_seen_before_makes_the_file_a_duplicate(factory) -> None:
    receive_and_process(factory, sample_text(ACCEPTED_999) + sample_text(CLAIMS_277), "a")
    before = acknowledgments(factory)
    again = sample_text(CLAIMS_277) + "\r\n" + sample_text(ACCEPTED_999)
    outcome = receive_and_process(factory, again, "b")
    assert outcome.status == inbound.DUPLICATE
    assert outcome.summary.count("was already received") == 2
    assert acknowledgments(factory) == before


def test_the_same_interchange_twice_in_one_file_is_applied_once(factory) -> None:
    twice = sample_text(ACCEPTED_999) + sample_text(ACCEPTED_999)
    outcome = receive_and_process(factory, twice, "twice.999")
    assert outcome.status == "processed"
    assert "interchange 900000101 from CLEARINGHOUSE appears twice in the file; applied once" \
        in outcome.summary
    assert acknowledgments(factory) == {"999": 3}


def test_survey_and_fresh_text_keep_each_interchange_as_received() -> None:
    first = sample_text(ACCEPTED_999)
    # Another interchange with other delimiters (| and !), after blank lines.
    second = sample_text(CLAIMS_277).replace("*", "|").replace("~", "!")
    third = sample_text("batch_rejected.ta1")
    text = first + "\r\n\r\n" + second + third
    found, kinds = survey(text, "three.x12")
    assert [(i.sender_id, i.control_number, i.kinds) for i in found] == [
        ("CLEARINGHOUSE", "900000101", ("999",)), ("CLEARINGHOUSE", "900000103", ("277",)),
        ("CLEARINGHOUSE", "900000104", ("TA1",))]
    assert kinds == ["999", "277", "TA1"]
    # Each from its ISA to its IEA's terminator; the line breaks between are not part of it.
    assert fresh_text(text, found, [1]) == second.rstrip()
    assert fresh_text(text, found, [0, 2]) == first.rstrip() + third.rstrip()
    assert fresh_text(text, found, [2, 0, 2]) == first.rstrip() + third.rstrip()
    assert survey(fresh_text(text, found, [0, 2]), "two")[0] == [found[0], found[2]]


def test_the_loser_of_a_registration_race_finds_the_winner(factory, monkeypatch) -> None:
    text = sample_text(ACCEPTED_999)
    found, _ = survey(text, "a.999")
    with factory() as session:
        winner = inbound.receive_file(session, text.encode(), name="a", source="m").file_id
        loser = inbound.receive_file(session, text.replace("\n", "\r\n").encode(), name="b",
                                     source="m").file_id
        assert register_interchanges(session, winner, found).fresh == (0,)
        session.commit()
    # The loser looked before the winner committed (found nothing), then inserted.
    real_owner = interchanges._owner
    looks = []

    def late(session, key):  # type: ignore[no-untyped-def]
        looks.append(key)
        return None if len(looks) == 1 else real_owner(session, key)

    monkeypatch.setattr(interchanges, "_owner", late)
    with factory() as session:
        result = register_interchanges(session, loser, found)
        assert result.fresh == ()
        assert result.notes == (f"interchange 900000101 from CLEARINGHOUSE was already "
                                f"received (stored file {winner}); nothing applied again",)
        # The refused insert was rolled back to its savepoint; the transaction goes on.
        assert session.get(StoredFile, loser) is not None
        assert session.scalar(select(func.count()).select_from(ReceivedInterchange)) == 1


def _bare(text: str) -> str:
    """The transaction sets of an interchange without its ISA/GS/GE/IEA, as pasted."""
    segments = [s.strip() for s in text.split("~") if s.strip()]
    return "~\n".join(s for s in segments if s[:3] not in ("ISA", "GS*", "GE*", "IEA")) + "~\n"


def test_a_bare_set_has_no_interchange_key_of_its_own(factory) -> None:
    bare = _bare(sample_text(ACCEPTED_999))
    (found,), kinds = survey(bare, "bare.999")
    assert found.synthetic and kinds == ["999"]
    outcome = receive_and_process(factory, bare, "bare.999")
    assert outcome.status == "processed" and "already received" not in outcome.summary
    assert acknowledgments(factory) == {"999": 3}
    with factory() as session:
        # The made-up sender and ISA13 are not registered: the stored file's SHA-256 is what
        # keeps these bytes from being applied twice, and another bare file is never taken
        # for this one.
        assert session.scalars(select(ReceivedInterchange)).all() == []
