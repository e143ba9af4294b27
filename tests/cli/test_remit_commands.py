"""``claimhouse remit read`` and ``remit post`` against a SQLite database."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import claims.db.tables  # noqa: F401
import core.tables  # noqa: F401
import remittance.tables  # noqa: F401
from cli.main import main
from core import users
from core.db import Base, make_engine
from remittance.tables import ClaimPaymentRecord, PostingRecord, RemittanceRecord

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "remittance"
sys.path.insert(0, str(ROOT / "tests" / "remittance"))
from remit_practice import load_practice  # noqa: E402


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'claimhouse.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        load_practice(session)
        for name, role in (("poster", "poster"), ("biller", "biller")):
            users.create_user(session, username=name, password="a long password 1",
                              role=role)
        session.commit()
    engine.dispose()
    return url


def _count(url: str, table) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        n = session.scalar(select(func.count()).select_from(table))
    engine.dispose()
    return n


def test_read_prints_a_preview_and_writes_nothing(database: str, capsys) -> None:
    code = main(["remit", "read", str(SAMPLES / "era_basic.835"), "--database-url", database])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Payment EFT202604100001 from MEDICARE PART B to RIVERSIDE FAMILY "
                          "PRACTICE: 237.25 by EFT on 2026-04-10")
    assert "4 claim payment(s): 4 to post, 0 held, 0 unmatched" in out
    assert "30.00  to patient: deductible  [PR 1 deductible]" in out
    assert "DENIAL timely filing: appeal, 200.00 at stake, appeal by 2026-08-08" in out
    assert "Provider adjustment WO (overpayment recovery) ICN0999: 25.00 reduces" in out
    assert _count(database, RemittanceRecord) == 0


def test_post_posts_once(database: str, capsys) -> None:
    path = str(SAMPLES / "era_basic.835")
    assert main(["remit", "post", path, "--database-url", database, "--user", "poster"]) == 0
    out = capsys.readouterr().out
    assert "-> posted; claims: 4 posted; 3 denial(s) queued; 261.00 posted" in out
    postings = _count(database, PostingRecord)
    assert main(["remit", "post", path, "--database-url", database]) == 0
    assert "-> duplicate" in capsys.readouterr().out
    assert _count(database, PostingRecord) == postings


def _posted_by(url: str) -> set[str]:
    engine = make_engine(url)
    with Session(engine) as session:
        names = set(session.scalars(select(RemittanceRecord.imported_by)))
        names |= set(session.scalars(select(ClaimPaymentRecord.posted_by)
                                     .where(ClaimPaymentRecord.outcome == "posted")))
    engine.dispose()
    return names


def test_post_records_the_named_poster(database: str) -> None:
    path = str(SAMPLES / "era_basic.835")
    assert main(["remit", "post", path, "--database-url", database, "--user", "Poster"]) == 0
    assert _posted_by(database) == {"poster"}


def test_post_without_a_user_records_the_command_s_account(database: str,
                                                           monkeypatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "night-batch")
    assert main(["remit", "post", str(SAMPLES / "era_basic.835"),
                 "--database-url", database]) == 0
    assert _posted_by(database) == {"cli:night-batch"}


@pytest.mark.parametrize(("user", "words"), [
    ("biller", "the role biller may not post payments (payments:post)"),
    ("nobody", "no active Claimhouse user by that name"),
])
def test_post_refuses_a_user_who_may_not_post(database: str, capsys, user: str,
                                              words: str) -> None:
    code = main(["remit", "post", str(SAMPLES / "era_basic.835"), "--database-url", database,
                 "--user", user])
    assert code == 1
    err = capsys.readouterr().err
    assert words in err and "nothing was posted" in err
    assert _count(database, RemittanceRecord) == 0


def test_post_exits_3_when_held(database: str, capsys) -> None:
    code = main(["remit", "post", str(SAMPLES / "era_out_of_balance.835"),
                 "--database-url", database])
    assert code == 3
    assert "-> held" in capsys.readouterr().out


def test_office_rules_file(database: str, tmp_path: Path, capsys) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"rules": [{"group": "CO", "reason": "29",
                                            "disposition": "write_off"}]}))
    main(["remit", "read", str(SAMPLES / "era_basic.835"), "--database-url", database,
          "--rules", str(rules)])
    assert "200.00  written off (contractual)  [CO 29" in capsys.readouterr().out
    rules.write_text('{"rules": [{"group": "CO"}]}')
    code = main(["remit", "read", str(SAMPLES / "era_basic.835"), "--database-url", database,
                 "--rules", str(rules)])
    assert code == 1
    assert "posting rule 1: needs a group" in capsys.readouterr().err


def test_clear_errors(database: str, tmp_path: Path, capsys) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text("Dear billing office")
    assert main(["remit", "post", str(letter), "--database-url", database]) == 1
    assert "letter.txt: not a readable 835" in capsys.readouterr().err
    assert main(["remit", "read", str(tmp_path / "missing.835"),
                 "--database-url", database]) == 1
    assert "missing.835" in capsys.readouterr().err
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["remit", "post", str(SAMPLES / "era_basic.835"), "--database-url", empty]) == 1
    assert "run `claimhouse db upgrade` first" in capsys.readouterr().err


def test_read_without_a_claims_database_still_previews(tmp_path: Path, capsys) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["remit", "read", str(SAMPLES / "era_basic.835"), "--database-url", empty]) == 0
    out = capsys.readouterr().out
    assert out.startswith("note: no claims to match against")
    assert "4 claim payment(s): 0 to post, 0 held, 4 unmatched" in out


def test_two_processes_posting_at_once_on_sqlite_post_once(database: str, tmp_path: Path
                                                           ) -> None:
    # SQLite serializes writers: the process that read before the other committed is told
    # "database is locked" at its first write, and posts again in a fresh transaction, where
    # it finds the payment posted. Two ERAs with different TRN02 carry the same claim payments.
    from race_support import cli_worker, era_variant, run_pair, write_file

    rounds = 8
    args = {side: [["remit", "post", write_file(
        tmp_path, f"r{n}{side}.835", era_variant(f"LITE{n}{side}", f"L{n}ICN")),
        "--database-url", database] for n in range(rounds)] for side in "AB"}
    results = run_pair(cli_worker, ("A", args["A"], None), ("B", args["B"], None), rounds)
    for name, number, code, _out, err, _ in results:
        assert (code, err) == (0, ""), (name, number, code, err)
    for n in range(rounds):
        outs = [r[3] for r in results if r[1] == n]
        assert sum("claims: 4 posted" in o for o in outs) == 1, outs
        assert sum("claims: 4 duplicate" in o for o in outs) == 1, outs
    engine = make_engine(database)
    with Session(engine) as session:
        posted = session.execute(select(func.count()).select_from(
            select(remittance.tables.ClaimPaymentRecord.id)
            .where(remittance.tables.ClaimPaymentRecord.outcome == "posted").subquery())
        ).scalar_one()
    engine.dispose()
    assert posted == 4 * rounds


def test_a_database_that_stays_busy_is_refused_in_words(database: str, monkeypatch,
                                                        capsys) -> None:
    from sqlalchemy.exc import OperationalError

    import cli.remit_commands as remit_commands

    calls = []

    def busy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        raise OperationalError("INSERT", None, Exception("database is locked"))

    monkeypatch.setattr(remit_commands, "_post_once", busy)
    monkeypatch.setattr(remit_commands.time, "sleep", lambda _s: None)
    code = main(["remit", "post", str(SAMPLES / "era_basic.835"), "--database-url", database])
    assert code == 1 and len(calls) == remit_commands._BUSY_ATTEMPTS
    err = capsys.readouterr().err
    assert "era_basic.835: the database stayed busy with other changes (6 attempts); " \
           "nothing was posted, try again" in err
    assert "Traceback" not in err
