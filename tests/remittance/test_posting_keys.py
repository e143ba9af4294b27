"""The posting key: a claim payment (CLP01 + CLP07) is posted once, enforced by the database.

Unit tests on SQLite (turns, reversals, releases, the retry after a refused turn), then real
races on PostgreSQL: two OS processes posting at the same moment, many rounds.
"""

from __future__ import annotations

import sys
from collections import Counter
from functools import partial
from pathlib import Path

import pytest
from race_support import cli_worker, era_variant, run_pair, worker_worker, write_file
from remit_practice import load_practice, sample_text
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import remittance.posting_keys as posting_keys
from core import users
from core.db import Base, make_engine, make_session_factory
from remittance import import_era, release_claim_payment, release_remittance
from remittance.posting_keys import PostingKeys, payment_key
from remittance.tables import ClaimPaymentRecord, RemittanceRecord

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from db_support import POSTGRES_URL, postgres_engine, postgres_schema  # noqa: E402,F401


def post(session: Session, name: str, text_: str | None = None):
    return import_era(session, text_ or sample_text(name), source=name,
                      file_sha256=f"sha-{name}")


def turns(session: Session, pcn: str) -> list[tuple[str, str, int | None, str]]:
    return [tuple(r) for r in session.execute(
        select(ClaimPaymentRecord.payer_claim_number, ClaimPaymentRecord.status_code,
               ClaimPaymentRecord.posting_sequence, ClaimPaymentRecord.outcome)
        .where(ClaimPaymentRecord.patient_control_number == pcn)
        .order_by(ClaimPaymentRecord.id))]


def test_each_posting_takes_the_next_turn_and_a_duplicate_none(
        session: Session, practice: dict[str, int]) -> None:
    post(session, "era_basic.835")
    resent = sample_text("era_basic.835").replace("EFT202604100001", "EFT-AGAIN")
    assert post(session, "again.835", resent).remittances[0].count("duplicate") == 4
    assert turns(session, "C1001") == [("ICN1001", "1", 0, "posted"),
                                       ("ICN1001", "1", None, "duplicate")]


def test_reversal_then_correction_post_again_under_the_key(
        session: Session, practice: dict[str, int]) -> None:
    post(session, "era_two_payers.835")
    result = post(session, "era_reversal.835")
    assert result.remittances[0].count("posted") == 2
    # The original (turn 0) and its reversal (turn 1) share CLP07; the correction has its own.
    assert turns(session, "C1005") == [("ICN1005", "1", 0, "posted"),
                                       ("ICN1005", "22", 1, "posted"),
                                       ("ICN1005B", "1", 0, "posted")]
    keys = PostingKeys.load(session, ["C1005"])
    assert keys.net[payment_key("C1005", "ICN1005")] == 0
    assert keys.take(payment_key("C1005", "ICN1005")) == 2
    # The same original sent again after its reversal is new money: it posts, at turn 2.
    again = sample_text("era_two_payers.835").replace("TRN*1*", "TRN*1*AGAIN")
    assert post(session, "again.835", again).remittances[0].status == "posted"
    assert turns(session, "C1005")[-1] == ("ICN1005", "1", 2, "posted")


def test_the_database_refuses_a_second_posting_of_the_same_turn(
        session: Session, practice: dict[str, int]) -> None:
    post(session, "era_basic.835")
    resent = sample_text("era_basic.835").replace("EFT202604100001", "EFT-AGAIN")
    post(session, "again.835", resent)
    duplicate = session.scalar(select(ClaimPaymentRecord.id).where(
        ClaimPaymentRecord.patient_control_number == "C1001",
        ClaimPaymentRecord.outcome == "duplicate"))
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(update(ClaimPaymentRecord).where(ClaimPaymentRecord.id == duplicate)
                        .values(outcome="posted", posting_sequence=0))
    # Nor may anything post without taking a turn.
    with pytest.raises(IntegrityError, match="CHECK"), session.begin_nested():
        session.execute(update(ClaimPaymentRecord).where(ClaimPaymentRecord.id == duplicate)
                        .values(outcome="posted"))


def test_only_key_refusals_and_deadlocks_are_planned_again(
        session: Session, practice: dict[str, int]) -> None:
    from sqlalchemy.exc import OperationalError

    post(session, "era_basic.835")
    resent = sample_text("era_basic.835").replace("EFT202604100001", "EFT-AGAIN")
    post(session, "again.835", resent)
    duplicate = session.scalar(select(ClaimPaymentRecord.id).where(
        ClaimPaymentRecord.outcome == "duplicate"))
    refusals = []
    for values in ({"outcome": "posted", "posting_sequence": 0}, {"outcome": "posted"}):
        try:
            with session.begin_nested():
                session.execute(update(ClaimPaymentRecord)
                                .where(ClaimPaymentRecord.id == duplicate).values(**values))
        except IntegrityError as exc:
            refusals.append(exc)
    unique, check = refusals
    assert posting_keys.is_conflict(unique) and not posting_keys.is_conflict(check)

    class Deadlock(Exception):
        sqlstate = "40P01"

    assert posting_keys.is_conflict(OperationalError("COPY", None, Deadlock()))
    assert not posting_keys.is_conflict(OperationalError("x", None, Exception("disk full")))
    assert not posting_keys.is_conflict(ValueError("not a database error"))


def test_a_poster_that_read_a_stale_state_plans_again_and_finds_a_duplicate(
        session: Session, practice: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    # What a second process sees when it read the keys just before the first one committed:
    # nothing posted. Its turn 0 is refused by the unique key; the retry reads again.
    post(session, "era_basic.835")
    real_load = PostingKeys.load.__func__  # type: ignore[attr-defined]
    calls = Counter[str]()

    def stale_once(cls, session_, pcns, *rest):  # type: ignore[no-untyped-def]
        calls["load"] += 1
        return cls() if calls["load"] == 1 else real_load(cls, session_, pcns, *rest)

    monkeypatch.setattr(PostingKeys, "load", classmethod(stale_once))
    resent = sample_text("era_basic.835").replace("EFT202604100001", "EFT-RACE")
    (summary,) = post(session, "race.835", resent).remittances
    assert calls["load"] == 2
    assert (summary.status, summary.count("duplicate"), summary.count("posted")) == (
        "posted", 4, 0)
    assert session.scalar(select(func.count()).select_from(RemittanceRecord)) == 2
    assert [t[2] for t in turns(session, "C1001")] == [0, None]


def test_a_conflict_that_never_settles_is_refused_in_words(
        session: Session, practice: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    post(session, "era_basic.835")
    monkeypatch.setattr(PostingKeys, "load", classmethod(lambda cls, s, p, *rest: cls()))
    resent = sample_text("era_basic.835").replace("EFT202604100001", "EFT-STUCK")
    with pytest.raises(posting_keys.PostingConflict,
                       match=r"stuck.835: payment EFT-STUCK: another posting of the same "
                             r"payment kept colliding"):
        post(session, "stuck.835", resent)
    # Nothing of the refused remittance is left behind in the caller's transaction.
    assert session.scalar(select(func.count()).select_from(RemittanceRecord)) == 1


def test_a_released_payment_takes_its_turn(session: Session, practice: dict[str, int]) -> None:
    short = sample_text("era_basic.835").replace("BPR*I*237.25*", "BPR*I*237.00*").replace(
        "EFT202604100001", "EFT-SHORT")
    held = post(session, "short.835", short).remittances[0]
    assert [t[2:] for t in turns(session, "C1001")] == [(None, "held")]
    release_remittance(session, held.remittance_id, user="supervisor", note="bank says 237.00")
    assert [t[2:] for t in turns(session, "C1001")] == [(0, "posted")]
    # The payer's corrected remittance arrives afterwards: already posted, not again.
    assert post(session, "era_basic.835").remittances[0].count("duplicate") == 4


def test_two_held_copies_of_a_claim_payment_post_once(
        session: Session, practice: dict[str, int]) -> None:
    post(session, "era_two_payers.835")
    post(session, "era_reversal.835")
    # The payer sends the same remittance again under a new trace: C1008 is held again.
    again = sample_text("era_reversal.835").replace("TRN*1*", "TRN*1*AGAIN")
    post(session, "again.835", again)
    first, second = session.scalars(select(ClaimPaymentRecord.id).where(
        ClaimPaymentRecord.patient_control_number == "C1008").order_by(
        ClaimPaymentRecord.id)).all()
    assert release_claim_payment(session, first, user="supervisor").released == 1
    assert release_claim_payment(session, second, user="supervisor").released == 0
    assert turns(session, "C1008") == [("ICN1008", "4", 0, "posted"),
                                       ("ICN1008", "4", None, "duplicate")]


# --- real races on PostgreSQL ------------------------------------------------------------

ROUNDS = 25


@pytest.fixture
def race_url(postgres_schema: str) -> str:  # noqa: F811
    """A schema with every table and the sample practice, as a URL other processes use."""
    engine = postgres_engine(postgres_schema)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        load_practice(session)
        for side in "AB":   # the two posters of the command-line races
            users.create_user(session, username=f"poster-{side.lower()}",
                              password="a long password 1", role="poster")
        session.commit()
    engine.dispose()
    return f"{POSTGRES_URL}?options=-csearch_path%3D{postgres_schema}"


def _posted_per_key(url: str) -> Counter[tuple[str, str]]:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        rows = session.execute(select(ClaimPaymentRecord.patient_control_number,
                                      ClaimPaymentRecord.payer_claim_number)
                               .where(ClaimPaymentRecord.outcome == "posted")).all()
    engine.dispose()
    return Counter((pcn, icn) for pcn, icn in rows)


@pytest.mark.postgres
@pytest.mark.parametrize("batch_size", [None, 1], ids=["one-batch", "batches-of-one"])
def test_two_processes_post_two_eras_carrying_the_same_claim_payments(
        race_url: str, tmp_path: Path, batch_size: int | None) -> None:
    rounds = {side: [["remit", "post", write_file(
        tmp_path, f"r{n}{side}.835", era_variant(f"RACE{n}{side}", f"R{n}ICN")),
        "--database-url", race_url, "--user", f"poster-{side}"] for n in range(ROUNDS)]
        for side in "AB"}
    results = run_pair(cli_worker, ("A", rounds["A"], batch_size),
                       ("B", rounds["B"], batch_size), ROUNDS)
    for name, number, code, out, err, _ in results:
        assert code == 0 and err == "", (name, number, code, err)
        assert "-> posted" in out, out
    for n in range(ROUNDS):
        outs = sorted(r[3] for r in results if r[1] == n)
        assert sum("claims: 4 posted" in o for o in outs) == 1, outs
        assert sum("claims: 4 duplicate" in o for o in outs) == 1, outs
    posted = _posted_per_key(race_url)
    assert len(posted) == 4 * ROUNDS and set(posted.values()) == {1}
    conflicts = sum(max(r[5] for r in results if r[0] == side) for side in "AB")
    print(f"\n{ROUNDS} rounds, {conflicts} refused turns planned again")


@pytest.mark.postgres
def test_two_processes_post_the_same_file_or_a_resent_copy(race_url: str,
                                                           tmp_path: Path) -> None:
    # Even rounds: the very same file. Odd rounds: a re-sent copy (new bytes, same TRN02).
    rounds: dict[str, list[list[str]]] = {"A": [], "B": []}
    for n in range(ROUNDS):
        for side, clock in (("A", "0930"), ("B", "0930" if n % 2 == 0 else "1015")):
            path = write_file(tmp_path, f"same{n}{side}.835",
                              era_variant(f"SAME{n}", f"S{n}ICN", isa_time=clock))
            rounds[side].append(["remit", "post", path, "--database-url", race_url])
    results = run_pair(cli_worker, ("A", rounds["A"], None), ("B", rounds["B"], None),
                       ROUNDS)
    for name, number, code, out, err, _ in results:
        assert code == 0, (name, number, code, err)
        assert "Traceback" not in err and "IntegrityError" not in err + out, err
    for n in range(ROUNDS):
        outs = [r[3] for r in results if r[1] == n]
        assert sum("-> posted; claims: 4 posted" in o for o in outs) == 1, outs
        assert sum("-> duplicate" in o and "was imported before" in o for o in outs) == 1
    posted = _posted_per_key(race_url)
    assert len(posted) == 4 * ROUNDS and set(posted.values()) == {1}
    engine = make_engine(race_url)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM remittances")) == ROUNDS
        assert connection.scalar(text("SELECT count(*) FROM stored_files")) == \
            ROUNDS + ROUNDS // 2
    engine.dispose()


@pytest.mark.postgres
def test_two_workers_process_a_resent_era_at_once(race_url: str) -> None:
    # Re-sent: new bytes, same TRN02. Even rounds keep the ISA13 (the interchange key
    # decides), odd rounds carry a new ISA13 (the remittance and posting keys decide).
    files = {side: [] for side in "AB"}
    for n in range(ROUNDS):
        for side, clock in (("A", "0930"), ("B", "1015")):
            isa13 = f"{700000000 + 2 * n + (side == 'B') * (n % 2):09d}"
            content = era_variant(f"RESENT{n}", f"W{n}ICN", isa13=isa13, isa_time=clock)
            files[side].append((f"resent{n}{side}.835", content.encode()))
    results = run_pair(worker_worker, ("A", race_url, files["A"]),
                       ("B", race_url, files["B"]), ROUNDS)
    for name, number, status, summary, _, _ in results:
        assert status in ("processed", "duplicate"), (name, number, status, summary)
    for n in range(ROUNDS):
        this = [(r[2], r[3]) for r in results if r[1] == n]
        if n % 2 == 0:
            assert sorted(s for s, _ in this) == ["duplicate", "processed"], this
        else:
            assert [s for s, _ in this] == ["processed", "processed"], this
            assert sum("duplicate" in summary for _, summary in this) == 1, this
    posted = _posted_per_key(race_url)
    assert len(posted) == 4 * ROUNDS and set(posted.values()) == {1}
    engine = make_engine(race_url)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM remittances")) == ROUNDS
    engine.dispose()


def _race_threads(*work):  # type: ignore[no-untyped-def]
    """Run each callable in its own thread, started together; their results or errors."""
    import threading

    barrier = threading.Barrier(len(work))
    outcomes: list[object] = [None] * len(work)

    def run(index: int) -> None:
        barrier.wait(timeout=30)
        try:
            outcomes[index] = work[index]()
        except Exception as exc:  # noqa: BLE001  (the test inspects what each one got)
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgres
def test_releases_and_imports_of_the_same_payment_at_once_post_it_once(race_url: str) -> None:
    from core.db import session_scope
    from remittance import QueueError

    engine = make_engine(race_url)
    factory = make_session_factory(engine)

    def short_era(n: int, side: str) -> str:
        return era_variant(f"HELD{n}{side}", f"H{n}ICN").replace("BPR*I*237.25*",
                                                                 "BPR*I*237.00*")

    def import_(text_: str, name: str):  # type: ignore[no-untyped-def]
        with session_scope(factory) as session:
            return import_era(session, text_, source=name, file_sha256=name).remittances[0]

    def release(remittance_id: int):  # type: ignore[no-untyped-def]
        with session_scope(factory) as session:
            return release_remittance(session, remittance_id, user="supervisor",
                                      note="bank deposit confirmed")

    rounds = 10
    for n in range(rounds):
        held = import_(short_era(n, "A"), f"held{n}.835")
        if n % 2 == 0:
            # Two people release the same held remittance at the same moment.
            first, second = _race_threads(partial(release, held.remittance_id),
                                          partial(release, held.remittance_id))
            released = [o for o in (first, second) if not isinstance(o, Exception)]
            refused = [o for o in (first, second) if isinstance(o, QueueError)]
            assert len(released) == 1 and released[0].released == 4, (first, second)
            assert len(refused) == 1 and "is released, not held" in str(refused[0])
        else:
            # A person releases it while the payer's corrected ERA is being imported.
            fixed = era_variant(f"HELD{n}B", f"H{n}ICN")
            outcome, imported = _race_threads(partial(release, held.remittance_id),
                                              partial(import_, fixed, f"fixed{n}.835"))
            assert not isinstance(outcome, Exception), outcome
            assert not isinstance(imported, Exception), imported
            assert outcome.released + imported.count("posted") == 4, (outcome, imported)
    posted = _posted_per_key(race_url)
    assert len(posted) == 4 * rounds and set(posted.values()) == {1}
    engine.dispose()
