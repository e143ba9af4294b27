"""Post an ERA of N claim payments (default 100,000) into PostgreSQL: wall, our CPU, the database's.

    .venv/bin/python bench/bench_posting.py [--claims 100000] [--runs 3] [--database-url URL]

The 835 comes from ../shared/bench/gen_x12.py (one ST, one payment); the matching claims,
patients and lines are bulk-inserted first from the same file, so every claim payment matches
by CLP01 and every line by REF*6R. Everything lives in a throw-away schema that is dropped at
the end. The timed part is what an import costs: reading, balancing, matching, posting,
denials, lifecycle changes and the commit. Each run posts into a fresh schema; the median run
is printed with our process's CPU time and, when PostgreSQL runs on this machine, the CPU time
of the server process that did the work (/proc). Target: 100,000 claim payments in under 30 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import subprocess
import sys
import tempfile
import time
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
from edi.parsers.remit835 import read_835  # noqa: E402
from remittance import import_era  # noqa: E402

GENERATOR = ROOT.parent / "shared" / "bench" / "gen_x12.py"


def generate(claims: int, folder: Path) -> str:
    out = folder / "bench.835"
    subprocess.run([sys.executable, str(GENERATOR), "835", "--claims", str(claims),
                    "-o", str(out)], check=True, capture_output=True)
    return out.read_text()


def seed(session: Session, era_text: str) -> int:
    """Store one claim per CLP with its lines, as if we had billed them."""
    era = read_835(era_text, "bench")
    remit = era.remittances[0]
    provider = ct.Provider(npi="1720220098", name="BENCH PRACTICE")
    # The payer as the practice knows it: the 835's own payer id (REF*2U) and name.
    payer_id = next((r.value for r in remit.payer.references if r.qualifier == "2U"), "BENCH1")
    payer = ct.Payer(payer_id=payer_id, name=remit.payer.name[:60])
    session.add_all([provider, payer])
    session.flush()
    payments = [c for r in era.remittances for c in r.claims]
    patient_rows = [{"account_number": f"P{i}", "last_name": f"LAST{i}", "first_name": "PAT",
                     "birth_date": dt.date(1960, 1, 1), "sex": "U"}
                    for i in range(len(payments))]
    patient_ids = list(session.scalars(insert(ct.Patient).returning(
        ct.Patient.id, sort_by_parameter_order=True), patient_rows))
    claim_rows = []
    for payment, pid in zip(payments, patient_ids, strict=True):
        dates = [s.service_date for s in payment.services if s.service_date] or [
            dt.date(2026, 1, 5)]
        claim_rows.append({
            "patient_control_number": payment.patient_control_number,
            "kind": "professional", "status": "payer_accepted", "patient_id": pid,
            "payer_id": payer.id, "billing_provider_id": provider.id,
            "total_charge": abs(payment.charge), "service_date_from": min(dates),
            "service_date_to": max(dates), "document": {}})
    claim_ids = list(session.scalars(insert(ct.ClaimRecord).returning(
        ct.ClaimRecord.id, sort_by_parameter_order=True), claim_rows))
    line_rows = []
    for payment, cid in zip(payments, claim_ids, strict=True):
        for n, svc in enumerate(payment.services, 1):
            code = svc.billed_procedure
            line_rows.append({
                "claim_id": cid, "line_number": n,
                "line_control_number": svc.line_control_number or f"{cid}-{n}",
                "procedure_code": code.code, "modifiers": ":".join(code.modifiers),
                "charge": abs(svc.charge), "units": svc.units or Decimal(1),
                "service_date": svc.service_date or dt.date(2026, 1, 5), "status": "accepted"})
    if line_rows:
        session.execute(insert(ct.ClaimLineRecord), line_rows)
    return len(payments)


def server_cpu(session: Session) -> float | None:
    """CPU seconds of the server process behind ``session`` (None unless it is local)."""
    pid = session.scalar(text("SELECT pg_backend_pid()"))
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def post_once(url: str, era_text: str) -> tuple[float, float, float | None, str]:
    """Seed a fresh schema, post the ERA into it; wall, our CPU, server CPU and a summary."""
    schema = f"bench_posting_{os.getpid()}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            count = seed(session, era_text)
            session.commit()
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        gc.collect()
        with Session(engine) as session:
            server_start = server_cpu(session)
            start, cpu_start = time.perf_counter(), time.process_time()
            result = import_era(session, era_text, source="bench.835",
                                file_sha256="bench", user="bench")
            session.commit()
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            server_end = server_cpu(session)
        server = None if server_start is None or server_end is None else \
            server_end - server_start
        remit = result.remittances[0]
        with Session(engine) as session:
            postings = session.scalar(text("SELECT count(*) FROM postings"))
            denials = session.scalar(text("SELECT count(*) FROM denials"))
        summary = (f"835 of {count:,} claim payments ({len(era_text.encode()) / 1e6:.1f} MB), "
                   f"{postings:,} postings, {denials:,} denials queued, status {remit.status}, "
                   f"outcomes {dict(remit.outcomes)}")
        return wall, cpu, server, summary
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get(
        "CLAIMHOUSE_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        era_text = generate(args.claims, Path(folder))
    runs = []
    for n in range(1, args.runs + 1):
        wall, cpu, server, summary = post_once(args.database_url, era_text)
        runs.append((wall, cpu, server))
        shown = "n/a" if server is None else f"{server:.2f} s"
        print(f"run {n}: wall {wall:.2f} s, our CPU {cpu:.2f} s, database CPU {shown}",
              flush=True)
    print(summary)
    wall, cpu, server = sorted(runs)[len(runs) // 2]
    target = 30 * args.claims / 100_000
    shown = "n/a" if server is None else f"{server:.2f} s"
    print(f"median of {len(runs)}: {args.claims:,} claim payments posted in {wall:.2f} s "
          f"({args.claims / wall:,.0f} per second), our CPU {cpu:.2f} s, database CPU {shown}; "
          f"target under {target:.1f} s ({'met' if wall < target else 'missed'}); "
          f"machine load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
