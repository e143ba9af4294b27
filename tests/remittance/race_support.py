"""Processes that post at the same moment, for the posting-key race tests.

Each worker is a separate OS process (multiprocessing, spawn) with its own engine and
connections. It runs a list of rounds; before each round every worker waits at a shared
barrier, so the rounds start together. Results go back on a queue as plain tuples.
"""

from __future__ import annotations

import io
import multiprocessing as mp
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from remit_practice import sample_text

#: (worker name, round, exit code or status, stdout or summary, stderr, conflicts seen so far)
Result = tuple[str, int, Any, str, str, int]

BASIC = "era_basic.835"
BASIC_TRACE = "EFT202604100001"


def era_variant(trace: str, icn_prefix: str, *, isa13: str | None = None,
                isa_time: str | None = None) -> str:
    """The basic sample ERA under another TRN02 and other payer claim numbers (CLP07), so
    each round has keys of its own; optionally another ISA13 or ISA10 (new bytes)."""
    text = sample_text(BASIC).replace(BASIC_TRACE, trace).replace("*ICN100", f"*{icn_prefix}100")
    if isa13 is not None:
        text = text.replace("*000001001*", f"*{isa13}*", 1)
        text = text.replace("IEA*1*000001001", f"IEA*1*{isa13}", 1)
    if isa_time is not None:
        text = text.replace("*260410*0930*", f"*260410*{isa_time}*", 1)
    return text


def _count_conflicts() -> Callable[[], int]:
    """Count the key conflicts the posting code retries, to show the race was real."""
    import remittance.importer as importer
    import remittance.posting_keys as keys

    seen = [0]
    original = keys.is_conflict

    def counting(exc: BaseException) -> bool:
        found = original(exc)
        seen[0] += found
        return found

    # The retry loop and the streaming importer (mid-remittance conflicts) each look it up.
    keys.is_conflict = counting
    importer.is_conflict = counting
    return lambda: seen[0]


def cli_worker(name: str, rounds: Sequence[list[str]], batch_size: int | None, barrier: Any,
               results: Any) -> None:
    """Run ``claimhouse`` with each round's arguments, as the command line would.

    ``batch_size`` (None: the importer's own) makes each import post its claim payments in
    batches that small, so a race also meets a poster half-way through a remittance."""
    conflicts = _count_conflicts()
    from cli.main import main

    if batch_size is not None:
        import remittance.importer as importer
        importer.import_era.__kwdefaults__["batch_size"] = batch_size

    for number, args in enumerate(rounds):
        barrier.wait(timeout=180)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code: Any = main(args)
            except BaseException as exc:  # noqa: BLE001  (a traceback is what we look for)
                code = f"raised {type(exc).__name__}: {exc}"
        results.put((name, number, code, out.getvalue(), err.getvalue(), conflicts()))


def worker_worker(name: str, url: str, files: Sequence[tuple[str, bytes]], barrier: Any,
                  results: Any) -> None:
    """Store each round's file, then process it as the Celery task does, at the same moment
    as the other worker."""
    conflicts = _count_conflicts()
    from clearinghouse.cycle import process_stored_file
    from clearinghouse.inbound import receive_file
    from core.db import make_engine, make_session_factory, session_scope

    engine = make_engine(url)
    factory = make_session_factory(engine)
    for number, (file_name, content) in enumerate(files):
        with session_scope(factory) as session:
            file_id = receive_file(session, content, name=file_name, source="mailbox").file_id
        barrier.wait(timeout=180)
        try:
            outcome = process_stored_file(factory, file_id)
            status, summary = outcome.status, outcome.summary
        except BaseException as exc:  # noqa: BLE001
            status, summary = "raised", f"{type(exc).__name__}: {exc}"
        results.put((name, number, status, summary, "", conflicts()))
    engine.dispose()


def run_pair(target: Callable[..., None], first: tuple[Any, ...], second: tuple[Any, ...],
             rounds: int) -> list[Result]:
    """Run two workers of ``target`` side by side; their results, by round."""
    context = mp.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [context.Process(target=target, args=(*args, barrier, results))
               for args in (first, second)]
    for worker in workers:
        worker.start()
    collected = [results.get(timeout=240) for _ in range(2 * rounds)]
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0, f"a racing process died (exit {worker.exitcode})"
    return sorted(collected, key=lambda r: (r[1], r[0]))


def write_file(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(text)
    return str(path)
