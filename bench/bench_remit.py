"""`claimhouse remit read` and `remit post` of large ERAs, and our 835 reading beside
edi-835-parser's, as whole processes: median wall time of several runs and peak RSS.

    .venv/bin/python bench/bench_remit.py [--mb [10 100]] [--runs 3] [--database-url URL]
        [--peer-python /tmp/p4peer/bin/python] [--varied]

The ERAs come from ../shared/bench/gen_x12.py (one ST, one payment; kept in /tmp). Posting
goes into a throw-away PostgreSQL schema where one claim per CLP, with its lines, is
bulk-loaded first, so every claim payment matches; between runs the posted rows are removed
and the claims set back. The peer (``pip install edi-835-parser`` into a venv of its own, for
example /tmp/p4peer) parses the same 10 MB file in its own process; ours reads it with
iter_835 and counts the claim payments. Peak RSS is the child's ru_maxrss (start-up
included). Targets (issue 9): read and post of 100 MB under 200 MiB; 100,000 claim payments
post in under 30 s; reading at least 5 times faster than the peer in less memory.

The generated file repeats a few claims' amounts, dates and providers, and our reader shares
the values of segments written alike; ``--varied`` also compares the two on a copy whose
amounts, dates, procedure codes, providers and references are drawn at random (fixed seed),
where little is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import claims.db.tables as ct  # noqa: E402
import core.tables  # noqa: E402, F401
import remittance.tables  # noqa: E402, F401
from core.db import Base, make_engine  # noqa: E402
from edi.parsers.remit835 import ClaimPayment, RemittanceOpened, iter_835  # noqa: E402

GENERATOR = ROOT.parent / "shared" / "bench" / "gen_x12.py"
CLAIMHOUSE = Path(sys.executable).parent / "claimhouse"

OURS = """
import sys, time
from edi.parsers.remit835 import ClaimPayment, iter_835
start = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as f:
    chunks = iter(lambda: f.read(1 << 20), "")
    n = sum(1 for e in iter_835(chunks, "x") if type(e) is ClaimPayment)
print(n, time.perf_counter() - start)
"""
PEER = """
import sys, time
from edi_835_parser import parse
start = time.perf_counter()
found = parse(sys.argv[1])
n = sum(len(t.claims) for t in found)
print(n, time.perf_counter() - start)
"""


#: Runs a command as its child and prints the wall time, the child's CPU time (user +
#: system), its peak RSS (MiB; the child is this wrapper's only one, so RUSAGE_CHILDREN is its
#: own) and its last output line. CPU time is steadier than wall time on a busy machine.
_WRAP = """
import resource, subprocess, sys, time
start = time.perf_counter()
child = subprocess.run(sys.argv[1:], capture_output=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = usage.ru_maxrss / 1024
if child.returncode not in (0, 3):
    sys.exit(child.stderr.decode()[-800:])
last = (child.stdout.decode().strip().splitlines() or [""])[-1]
print(f"{wall:.3f} {usage.ru_utime + usage.ru_stime:.3f} {peak:.1f} {last}")
"""


def measured(command: list[str], runs: int, env: dict[str, str] | None = None,
             before=None) -> tuple[float, float, float, str]:  # type: ignore[no-untyped-def]
    """Median wall seconds, median CPU seconds and the largest peak RSS (MiB) of ``runs``
    whole processes, and the last run's last output line."""
    times, cpus, peaks, last = [], [], [], ""
    for _ in range(runs):
        if before is not None:
            before()
        out = subprocess.run([sys.executable, "-c", _WRAP, *command], capture_output=True,
                             env=env, check=True).stdout.decode().strip()
        wall, cpu, peak, last = (out.split(" ", 3) + ["", "", ""])[:4]
        times.append(float(wall))
        cpus.append(float(cpu))
        peaks.append(float(peak))
    return statistics.median(times), statistics.median(cpus), max(peaks), last


def varied(path: Path) -> Path:
    """A copy of ``path`` with every amount, date, SVC procedure code, rendering provider and
    REF 1L/28/SY value drawn at random (seed 9)."""
    out_path = path.with_name(path.stem + "_varied.835")
    if out_path.exists():
        return out_path
    rng = random.Random(9)

    def amount() -> str:
        return f"{rng.randint(1, 99999) / 100:.2f}".rstrip("0").rstrip(".")

    out = []
    for seg in path.read_text(encoding="utf-8").split("~"):
        e = seg.split("*")
        tag = e[0].lstrip("\r\n")
        if tag == "DTM" and len(e) > 2:
            e[2] = f"{dt.date(2021, 10, 1) + dt.timedelta(days=rng.randrange(120)):%Y%m%d}"
        elif tag == "AMT" and len(e) > 2:
            e[2] = amount()
        elif tag == "CAS":
            e[3::3] = [amount() if a else a for a in e[3::3]]
        elif tag == "SVC" and len(e) > 3:
            code = e[1].split(">")
            code[1] = str(rng.randrange(99201, 99499))
            e[1], e[2], e[3] = ">".join(code), amount(), amount()
        elif tag == "CLP" and len(e) > 4:
            e[3], e[4] = amount(), amount()
        elif tag == "NM1" and len(e) > 9 and e[1] == "82":
            e[3], e[9] = f"DOC{rng.randrange(300)}", str(1000000000 + rng.randrange(300))
        elif tag == "REF" and len(e) > 2 and e[1] in ("28", "SY", "1L"):
            e[2] = str(rng.randrange(10**8))
        out.append("*".join(e))
    out_path.write_text("~".join(out), encoding="utf-8")
    return out_path


def generate(mb: int) -> Path:
    path = Path(f"/tmp/bench_remit_{mb}mb.835")
    if not path.exists():
        subprocess.run([sys.executable, str(GENERATOR), "835", "--mb", str(mb), "-o",
                        str(path)], check=True, capture_output=True)
    return path


def seed(engine, path: Path) -> int:  # type: ignore[no-untyped-def]
    """One claim per CLP with its lines, as if we had billed them; loaded 5,000 at a time."""
    count = 0
    with Session(engine) as session, path.open(encoding="utf-8") as handle:
        payer = provider = None
        batch: list[ClaimPayment] = []

        def flush() -> None:
            assert payer is not None and provider is not None
            patients = list(session.scalars(insert(ct.Patient).returning(
                ct.Patient.id, sort_by_parameter_order=True), [
                {"account_number": f"P{count + i}", "last_name": f"LAST{count + i}",
                 "first_name": "PAT", "birth_date": dt.date(1960, 1, 1), "sex": "U"}
                for i in range(len(batch))]))
            rows = []
            for payment, pid in zip(batch, patients, strict=True):
                dates = [s.service_date for s in payment.services if s.service_date] or [
                    dt.date(2026, 1, 5)]
                rows.append({
                    "patient_control_number": payment.patient_control_number,
                    "kind": "professional", "status": "payer_accepted", "patient_id": pid,
                    "payer_id": payer.id, "billing_provider_id": provider.id,
                    "total_charge": abs(payment.charge), "service_date_from": min(dates),
                    "service_date_to": max(dates), "document": {}})
            ids = list(session.scalars(insert(ct.ClaimRecord).returning(
                ct.ClaimRecord.id, sort_by_parameter_order=True), rows))
            lines = []
            for payment, cid in zip(batch, ids, strict=True):
                for n, svc in enumerate(payment.services, 1):
                    code = svc.billed_procedure
                    lines.append({
                        "claim_id": cid, "line_number": n,
                        "line_control_number": svc.line_control_number or f"{cid}-{n}",
                        "procedure_code": code.code, "modifiers": ":".join(code.modifiers),
                        "charge": abs(svc.charge), "units": svc.units or Decimal(1),
                        "service_date": svc.service_date or dt.date(2026, 1, 5),
                        "status": "accepted"})
            if lines:
                session.execute(insert(ct.ClaimLineRecord), lines)
            batch.clear()

        for event in iter_835(iter(lambda: handle.read(1 << 20), ""), "bench"):
            if isinstance(event, RemittanceOpened) and payer is None:
                remit = event.header
                ref = next((r.value for r in remit.payer.references if r.qualifier == "2U"),
                           "BENCH1")
                provider = ct.Provider(npi="1720220098", name="BENCH PRACTICE")
                payer = ct.Payer(payer_id=ref, name=remit.payer.name[:60])
                session.add_all([provider, payer])
                session.flush()
            elif type(event) is ClaimPayment:
                batch.append(event)
                if len(batch) >= 5000:
                    flush()
                    count += 5000
        count += len(batch)
        if batch:
            flush()
        session.commit()
    return count


_RESET = [
    "TRUNCATE remittances, claim_payments, postings, denials, provider_adjustments, "
    "claim_status_changes, stored_files CASCADE",
    "UPDATE claims SET status = 'payer_accepted', status_reason = '', "
    "payer_claim_number = NULL",
    "UPDATE claim_lines SET status = 'accepted', status_reason = ''",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, nargs="*", default=[10, 100],
                        help="ERA sizes to read and post (none: only the reading beside the "
                             "peer, no database)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get(
        "CLAIMHOUSE_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--peer-python", default="/tmp/p4peer/bin/python",
                        help="a python with edi-835-parser installed (skipped if missing)")
    parser.add_argument("--varied", action="store_true",
                        help="also read beside the peer a copy with amounts, dates and "
                             "providers drawn at random")
    args = parser.parse_args()
    for mb in args.mb:
        path = generate(mb)
        size = path.stat().st_size / 1e6
        schema = f"bench_remit_{os.getpid()}_{mb}"
        admin = make_engine(args.database_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{args.database_url}?options=-csearch_path%3D{schema}"
        engine = make_engine(args.database_url,
                             connect_args={"options": f"-csearch_path={schema}"})
        try:
            Base.metadata.create_all(engine)
            claims = seed(engine, path)

            def reset(engine=engine) -> None:  # type: ignore[no-untyped-def]
                with engine.begin() as conn:
                    for statement in _RESET:
                        conn.execute(text(statement))

            env = {**os.environ, "CLAIMHOUSE_DATABASE_URL": url,
                   "CLAIMHOUSE_DATA_DIR": "/tmp/bench_remit_data"}
            wall, cpu, peak, _ = measured([str(CLAIMHOUSE), "remit", "read", str(path)],
                                          args.runs, env)
            print(f"remit read {size:.0f} MB ({claims:,} claims): {wall:.2f} s median "
                  f"({cpu:.2f} s CPU), {peak:.0f} MiB peak RSS")
            wall, cpu, peak, last = measured([str(CLAIMHOUSE), "remit", "post", str(path)],
                                             args.runs, env, before=reset)
            print(f"remit post {size:.0f} MB ({claims:,} claims): {wall:.2f} s median "
                  f"({cpu:.2f} s CPU of ours; the database's is not counted), {peak:.0f} MiB "
                  f"peak RSS ({last[:120]})")
        finally:
            engine.dispose()
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    path = generate(10)
    for label, read in [("10 MB", path)] + ([("10 MB varied", varied(path))]
                                            if args.varied else []):
        beside_peer(label, read, args.runs, args.peer_python)
    return 0


def beside_peer(label: str, path: Path, runs: int, peer_python: str) -> None:
    wall, cpu, peak, last = measured([sys.executable, "-c", OURS, str(path)], runs)
    print(f"ours: iter_835 of {label}: {wall:.2f} s median whole process ({cpu:.2f} s CPU), "
          f"{peak:.0f} MiB peak RSS (claims, seconds in process: {last})")
    if Path(peer_python).exists():
        wall_peer, cpu_peer, peak_peer, last = measured(
            [peer_python, "-c", PEER, str(path)], runs)
        print(f"edi-835-parser: parse of {label}: {wall_peer:.2f} s median whole process "
              f"({cpu_peer:.2f} s CPU), {peak_peer:.0f} MiB peak RSS (claims, seconds in "
              f"process: {last}); ours {wall_peer / wall:.1f}x faster by wall time, "
              f"{cpu_peer / cpu:.1f}x by CPU time, in {peak / peak_peer:.0%} of its memory")


if __name__ == "__main__":
    sys.exit(main())
