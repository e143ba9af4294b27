"""A large ERA through the served app and through the exchange, as whole processes.

    .venv/bin/python bench/bench_era_files.py [--mb 100] [--runs 3] [--database-url URL]

The 835 comes from ../shared/bench/gen_x12.py (one ST, one payment, about 392 bytes a claim;
100 MB is about 255,000 claims), written to /tmp. Every run gets a throw-away PostgreSQL schema
(migrated to the newest revision, one poster) and a fresh data directory without an archive
directory, so the file goes where a large one goes by default: ``<data_dir>/archive``.

(a) the served app: ``uvicorn --factory api.asgi:app_from_environment`` in a child process,
    started fresh for each request; the file is uploaded (multipart, streamed by the client)
    to ``POST /api/remittance/preview`` and, in another fresh server, to ``.../post``. Printed:
    the request's wall time and the server's peak RSS (VmHWM) during the request, everything
    resident included (imports, pools); the peak is reset after sign-in (``clear_refs``),
    because signing in hashes with Argon2 (64 MiB for a moment), and that figure, the
    process's peak from start-up to sign-in, is printed beside it.
(b) the exchange: the file is left in ``<data_dir>/exchange/inbound`` and ``claimhouse
    exchange poll`` runs as a child process: it stores the file, surveys it and posts it.
    Printed: wall time and peak RSS (``os.wait4``).

Each figure is the median of ``--runs`` runs, with the spread. Target: under 200 MiB resident.
There is no peer for these: no other tool serves an upload preview or an exchange.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

import migrations  # noqa: E402
from core import users  # noqa: E402
from core.db import make_engine, make_session_factory  # noqa: E402

GENERATOR = ROOT.parent / "shared" / "bench" / "gen_x12.py"
SECRET = "era-files-bench-secret-key-0123456789abcdef"
PASSWORD = "era-files-bench-1"
MIB = 1024 * 1024


def generate(mb: float, folder: Path) -> Path:
    out = folder / f"era_{mb:g}mb.835"
    if not out.exists():
        subprocess.run([sys.executable, str(GENERATOR), "835", "--mb", str(mb), "-o", str(out)],
                       check=True, capture_output=True)
    return out


@contextmanager
def office(database_url: str) -> Iterator[tuple[str, Path]]:
    """A throw-away schema, migrated, with one poster; and a fresh data directory."""
    schema = f"bench_era_files_{os.getpid()}_{time.monotonic_ns()}"
    admin = make_engine(database_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in database_url else "?"
    url = f"{database_url}{sep}options=-csearch_path%3D{schema}"
    try:
        migrations.upgrade(url)
        engine = make_engine(url)
        with make_session_factory(engine).begin() as session:
            users.create_user(session, username="poster", password=PASSWORD, role="poster",
                              full_name="Bench Poster")
        engine.dispose()
        with tempfile.TemporaryDirectory(prefix="era-files-") as data_dir:
            yield url, Path(data_dir)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def child_env(url: str, data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "CLAIMHOUSE_DATABASE_URL": url, "CLAIMHOUSE_DATA_DIR": str(data_dir),
           "CLAIMHOUSE_SECRET_KEY": SECRET, "CLAIMHOUSE_LOG_LEVEL": "WARNING",
           "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT),
                                                       os.environ.get("PYTHONPATH"))))}
    for name in ("CLAIMHOUSE_ARCHIVE_DIR", "CLAIMHOUSE_BROKER_URL"):
        env.pop(name, None)
    return env


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def served_request(url: str, data_dir: Path, era: Path, route: str) -> tuple[float, int, str]:
    """Start a fresh server, upload ``era`` to ``route``; (seconds, server peak RSS, words)."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.asgi:app_from_environment",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level",
         "warning"], cwd=ROOT, env=child_env(url, data_dir))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode}")
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        token = httpx.post(f"{base}/api/auth/token", data={
            "username": "poster", "password": PASSWORD}).json()["access_token"]
        idle = peak_rss(server.pid)
        # The sign-in's Argon2 hash takes 64 MiB for a moment: the request's own peak is
        # measured from here (writing 5 to clear_refs resets VmHWM to the current RSS).
        Path(f"/proc/{server.pid}/clear_refs").write_text("5")
        with era.open("rb") as handle:
            start = time.perf_counter()
            response = httpx.post(f"{base}/api/remittance/{route}",
                                  headers={"Authorization": f"Bearer {token}"},
                                  files={"file": (era.name, handle)}, timeout=3600)
            elapsed = time.perf_counter() - start
        peak = peak_rss(server.pid)
        if response.status_code != 200:
            raise RuntimeError(f"{route}: {response.status_code} {response.text[:500]}")
        body = response.json()
        remits = body["remittances"]
        if route == "preview":
            words = "; ".join(f"{r['claim_count']:,} claims, outcomes {r['outcomes']}, "
                              f"{len(r['lines'])} lines of words" for r in remits)
        else:
            words = "; ".join(f"{r['status']}, outcomes {r['outcomes']}" for r in remits)
        return elapsed, peak, (f"{words} (whole-process peak before the request, start-up "
                               f"and sign-in: {idle / MIB:.0f} MiB)")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def exchange_poll(url: str, data_dir: Path, era: Path) -> tuple[float, int, str]:
    """``claimhouse exchange poll`` over a folder mailbox holding ``era``."""
    inbox = data_dir / "exchange" / "inbound"
    inbox.mkdir(parents=True)
    try:
        os.link(era, inbox / era.name)          # the exchange moves it out when stored
    except OSError:
        shutil.copyfile(era, inbox / era.name)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "cli.main", "exchange", "poll"], cwd=ROOT,
                             env=child_env(url, data_dir), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    out = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"exchange poll exited with {child.returncode}: {out[-2000:]}")
    return elapsed, usage.ru_maxrss * 1024, out.strip().splitlines()[-1] if out else ""


def measure(name: str, runs: int, database_url: str,
            once: Callable[[str, Path], tuple[float, int, str]]) -> None:
    times, peaks, words = [], [], ""
    for _ in range(runs):
        with office(database_url) as (url, data_dir):
            seconds, peak, words = once(url, data_dir)
        times.append(seconds)
        peaks.append(peak)
    verdict = "under" if statistics.median(peaks) < 200 * MIB else "OVER"
    print(f"{name:<28} {statistics.median(times):7.2f} s (min {min(times):.2f}, max "
          f"{max(times):.2f})   peak RSS {statistics.median(peaks) / MIB:6.0f} MiB "
          f"(max {max(peaks) / MIB:.0f}; {verdict} 200 MiB)   {words}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("preview", "post", "exchange"), action="append")
    parser.add_argument("--database-url", default=os.environ.get(
        "CLAIMHOUSE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    era = generate(args.mb, Path(tempfile.gettempdir()))
    size = era.stat().st_size
    print(f"ERA {era} ({size / 1e6:.1f} MB), median of {args.runs} run(s), PostgreSQL "
          "throw-away schema, no archive directory (large files go to <data_dir>/archive)")
    steps = args.only or ["preview", "post", "exchange"]
    if "preview" in steps:
        measure("served: upload preview", args.runs, args.database_url,
                lambda url, d: served_request(url, d, era, "preview"))
    if "post" in steps:
        measure("served: upload post", args.runs, args.database_url,
                lambda url, d: served_request(url, d, era, "post"))
    if "exchange" in steps:
        measure("exchange poll (folder)", args.runs, args.database_url,
                lambda url, d: exchange_poll(url, d, era))
    return 0


if __name__ == "__main__":
    sys.exit(main())
