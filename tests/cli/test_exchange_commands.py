"""``claimhouse exchange submit | poll | rejections`` and ``worker`` on the embedded default
(SQLite, watched folders, tasks in-process)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "clearinghouse"))
from exchange_support import add_batch, make_database, sample_text  # noqa: E402

from cli import exchange_commands  # noqa: E402


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="claimhouse")
    exchange_commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("CLAIMHOUSE_DATA_DIR", str(data))
    monkeypatch.setenv("CLAIMHOUSE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("CLAIMHOUSE_BROKER_URL", "")
    monkeypatch.setenv("CLAIMHOUSE_EXCHANGE_TRANSPORT", "folder")
    monkeypatch.setenv("CLAIMHOUSE_SUBMITTER_PHONE", "2175550100")
    factory = make_database(f"sqlite:///{tmp_path / 'cli.db'}")
    with factory() as session:
        add_batch(session)
        session.commit()
    return data


def test_submit_poll_and_list_rejections(data_dir, capsys):
    assert run("exchange", "submit", "--as", "jdoe") == 0
    out = capsys.readouterr().out
    assert "interchange 000000001, 3 professional claim(s)" in out and out.rstrip().endswith(
        "sent")
    assert len(list((data_dir / "exchange" / "outbound").glob("*.837"))) == 1
    assert run("exchange", "submit") == 0
    assert "no ready claims" in capsys.readouterr().out

    inbox = data_dir / "exchange" / "inbound"
    (inbox / "a.999").write_text(sample_text("batch_accepted.999"))
    (inbox / "b.277").write_text(sample_text("batch.277"))
    assert run("exchange", "poll") == 0
    out = capsys.readouterr().out
    assert "received 2 new file(s)" in out
    assert "a.999 (999): processed" in out and "b.277 (277): processed" in out

    assert run("exchange", "rejections") == 0
    out = capsys.readouterr().out
    assert "EXB-1003  payer rejected" in out
    assert "line EXB-1002-2:" in out and "EXB-1001" not in out


def test_a_missing_database_is_explained(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CLAIMHOUSE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("CLAIMHOUSE_DATA_DIR", str(tmp_path))
    assert run("exchange", "submit") == 1
    assert "claimhouse db upgrade" in capsys.readouterr().err


def test_the_worker_needs_a_broker(monkeypatch, capsys):
    monkeypatch.setenv("CLAIMHOUSE_BROKER_URL", "")
    assert run("worker") == 1
    assert "CLAIMHOUSE_BROKER_URL" in capsys.readouterr().err


def test_worker_arguments():
    parser = argparse.ArgumentParser()
    exchange_commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["worker", "--beat", "--pool", "solo"])
    assert exchange_commands.worker_argv(args, Path("/data")) == [
        "worker", "-Q", "claimhouse", "--loglevel=INFO", "--concurrency=2", "--pool=solo",
        "--beat", "--schedule=/data/celerybeat-schedule"]


def test_with_a_broker_the_work_is_handed_over_after_commit(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("CLAIMHOUSE_BROKER_URL", "redis://127.0.0.1:6379/14")
    sent: list[tuple[str, tuple[object, ...], str]] = []

    def record(settings, name, *args):
        from sqlalchemy import create_engine, text

        # The submission is already committed when the task is handed over.
        with create_engine(settings.effective_database_url).connect() as conn:
            status = conn.execute(text("SELECT status FROM submissions")).scalar_one()
        sent.append((name, args, status))

    monkeypatch.setattr(exchange_commands, "_send_task", record)
    assert run("exchange", "submit") == 0
    assert run("exchange", "poll") == 0
    assert sent == [("claimhouse.send_submission", (1,), "created"),
                    ("claimhouse.poll_mailbox", (), "created")]
    assert "queued for the workers" in capsys.readouterr().out


def test_the_command_line_names_the_worker_s_queue_and_tasks():
    from worker.app import QUEUE
    from worker.tasks import TASK_NAMES

    assert exchange_commands.QUEUE == QUEUE
    assert {exchange_commands.SEND_SUBMISSION, exchange_commands.POLL_MAILBOX} <= set(TASK_NAMES)


def test_the_embedded_data_directory_is_created_owner_only(tmp_path, monkeypatch, capsys):
    # It holds the SQLite database of claims and patients (PHI), like `claimhouse demo`'s.
    data = tmp_path / "data"
    monkeypatch.setenv("CLAIMHOUSE_DATABASE_URL", "")
    monkeypatch.setenv("CLAIMHOUSE_DATA_DIR", str(data))
    assert run("exchange", "rejections") == 1
    assert "claimhouse db upgrade" in capsys.readouterr().err
    assert data.stat().st_mode & 0o777 == 0o700
