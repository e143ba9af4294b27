"""Load test of the JSON API on PostgreSQL: 50 concurrent clients listing and reading claims
with 100,000 claims stored. Prints p50/p95/p99 latency (target: p95 under 100 ms).

Run by hand, never in CI (from the repository root):

    /work/venv/bin/python bench/load_api.py [--claims 100000] [--clients 50] [--seconds 30]
        [--workers 2] [--think-ms 0] [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]

It migrates a dedicated schema (``claimhouse_load``) in that database, seeds it once with
synthetic patients, payers, providers and claims (kept between runs; ``--reseed`` starts over),
starts ``uvicorn --factory api.asgi:app_from_environment`` on 127.0.0.1 and drives it with
``--clients`` asyncio/httpx clients for ``--seconds``. Each client logs in, then loops: list a
page of a work queue (half of them with a payer filter, one in five asking for the next page),
or read one claim with its lines and history (40% of requests). Every request is a real,
audited read: the audit log grows by one row per claim shown.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import migrations  # noqa: E402
from claims.db.tables import (  # noqa: E402
    ClaimLineRecord,
    ClaimRecord,
    ClaimStatusChange,
    Patient,
    Payer,
    Provider,
)
from claims.lifecycle import ClaimStatus  # noqa: E402
from core import users  # noqa: E402
from core.db import make_engine, make_session_factory, session_scope  # noqa: E402
from core.tables import User  # noqa: E402

SCHEMA = "claimhouse_load"
USER, PASSWORD = "loadtest", "load-test-password-1"
QUEUES = ("to_fix", "to_release", "to_submit", "in_flight", "rejections", "denials", "done")
# Rough shares of a billing office's claims by status.
STATUS_WEIGHTS = {ClaimStatus.DRAFT: 3, ClaimStatus.SCRUBBED: 2, ClaimStatus.READY: 2,
                  ClaimStatus.SUBMITTED: 5, ClaimStatus.CLEARINGHOUSE_ACCEPTED: 5,
                  ClaimStatus.CLEARINGHOUSE_REJECTED: 2, ClaimStatus.PAYER_ACCEPTED: 10,
                  ClaimStatus.PAYER_REJECTED: 2, ClaimStatus.PAID: 45,
                  ClaimStatus.PARTLY_PAID: 8, ClaimStatus.DENIED: 6, ClaimStatus.APPEALED: 2,
                  ClaimStatus.CLOSED: 8}


def schema_url(base: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{SCHEMA}"


def seed(base_url: str, claims: int, reseed: bool) -> str:
    admin = create_engine(base_url)
    with admin.begin() as conn:
        if reseed:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
    admin.dispose()
    url = schema_url(base_url)
    migrations.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        have = s.scalar(select(func.count()).select_from(ClaimRecord))
        if not s.scalar(select(User.id).where(User.username == USER)):
            users.create_user(s, username=USER, password=PASSWORD, role="supervisor")
    if have >= claims:
        print(f"seed: {have:,} claims already stored in schema {SCHEMA}")
        engine.dispose()
        return url
    started = time.perf_counter()
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE claims, claim_lines, claim_status_changes, patients, "
                          "payers, providers, policies RESTART IDENTITY CASCADE"))
        conn.execute(insert(Payer), [{"payer_id": f"PAY{i:03d}", "name": f"Payer {i}",
                                      "filing_indicator": "CI", "created_at": now}
                                     for i in range(1, 21)])
        conn.execute(insert(Provider), [{"npi": f"1{i:08d}{i % 10}", "name": f"Clinic {i}",
                                         "entity_type": "2", "created_at": now}
                                        for i in range(1, 11)])
        patients = max(1, claims // 20)
        conn.execute(insert(Patient), [{
            "account_number": f"LT-{i:07d}", "last_name": f"PATIENT{i % 997}",
            "first_name": f"TEST{i % 101}", "birth_date": dt.date(1940 + i % 60, 1 + i % 12,
                                                                  1 + i % 28),
            "sex": "FM"[i % 2], "created_at": now, "updated_at": now}
            for i in range(1, patients + 1)])
        statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()),
                               k=claims)
        batch = 5000
        for start in range(0, claims, batch):
            rows, lines, changes = [], [], []
            for n in range(start, min(start + batch, claims)):
                pcn = f"LT{n + 1:08d}"
                day = dt.date(2026, 1, 1) + dt.timedelta(days=n % 300)
                charges = [Decimal(rng.choice(("95.00", "120.00", "165.00", "42.00")))
                           for _ in range(rng.randint(1, 3))]
                rows.append({
                    "id": n + 1, "patient_control_number": pcn, "kind": "professional",
                    "status": str(statuses[n]), "patient_id": 1 + n % patients,
                    "payer_id": 1 + n % 20, "billing_provider_id": 1 + n % 10,
                    "total_charge": sum(charges), "service_date_from": day,
                    "service_date_to": day, "frequency": "1",
                    "document": {"patient_control_number": pcn, "kind": "professional",
                                 "diagnoses": ["J06.9"], "lines": len(charges)},
                    "status_reason": "", "created_at": now, "updated_at": now})
                for i, charge in enumerate(charges, 1):
                    lines.append({"claim_id": n + 1, "line_number": i,
                                  "line_control_number": f"{pcn}-{i}", "procedure_code": "99213",
                                  "modifiers": "", "revenue_code": "", "charge": charge,
                                  "units": Decimal(1), "service_date": day, "status": "open",
                                  "status_reason": ""})
                changes.append({"claim_id": n + 1, "event": "create", "from_status": "",
                                "to_status": "draft", "actor": "seed", "reason": "", "at": now})
            conn.execute(insert(ClaimRecord), rows)
            conn.execute(insert(ClaimLineRecord), lines)
            conn.execute(insert(ClaimStatusChange), changes)
        conn.execute(text("SELECT setval(pg_get_serial_sequence('claims', 'id'), "
                          "(SELECT max(id) FROM claims))"))
        conn.execute(text("ANALYZE"))
    print(f"seed: {claims:,} claims stored in {time.perf_counter() - started:.1f} s")
    engine.dispose()
    return url


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CLAIMHOUSE_DATABASE_URL": url, "CLAIMHOUSE_LOG_LEVEL": "WARNING",
           "CLAIMHOUSE_SECRET_KEY": "load-test-secret-0123456789abcdef0123456789"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.asgi:app_from_environment",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--no-access-log", "--log-level", "warning"], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


async def client_loop(base: str, token: str, max_id: int, until: float, warm_until: float,
                      think: float, seed_value: int, samples: list[float],
                      errors: list[str]) -> None:
    rng = random.Random(seed_value)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        next_page: int | None = None
        while (now := time.perf_counter()) < until:
            if rng.random() < 0.4:
                url, params = f"/api/claims/{rng.randint(1, max_id)}", {}
            else:
                params = {"queue": rng.choice(QUEUES), "limit": 50}
                if rng.random() < 0.5:
                    params["payer_id"] = rng.randint(1, 20)
                if next_page and rng.random() < 0.2:
                    params["before_id"] = next_page
                url = "/api/claims"
            started = time.perf_counter()
            response = await client.get(url, params=params)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                errors.append(f"{response.status_code} {url}")
            elif url == "/api/claims":
                next_page = response.json()["next_before_id"]
            if now >= warm_until:
                samples.append(elapsed)
            if think:
                await asyncio.sleep(think)


async def drive(port: int, clients: int, seconds: float, think_ms: float,
                max_id: int) -> tuple[list[float], list[str], float]:
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base) as login:
        response = await login.post("/api/auth/token", data={"username": USER,
                                                              "password": PASSWORD})
        response.raise_for_status()
        token = response.json()["access_token"]
    samples: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    warm_until, until = start + 3, start + 3 + seconds
    await asyncio.gather(*(client_loop(base, token, max_id, until, warm_until,
                                       think_ms / 1000, i, samples, errors)
                           for i in range(clients)))
    return samples, errors, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get(
        "CLAIMHOUSE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think-ms", type=float, default=0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    url = seed(args.url, args.claims, args.reseed)
    server = start_server(url, args.port, args.workers)
    try:
        samples, errors, seconds = asyncio.run(drive(args.port, args.clients, args.seconds,
                                                     args.think_ms, args.claims))
    finally:
        server.terminate()
        server.wait(timeout=20)
    if not samples:
        print("no requests completed")
        return 1
    ms = sorted(s * 1000 for s in samples)
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    result = {"claims": args.claims, "clients": args.clients, "workers": args.workers,
              "think_ms": args.think_ms, "seconds": seconds, "requests": len(ms),
              "requests_per_s": round(len(ms) / seconds, 1), "errors": len(errors),
              "p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1),
              "p99_ms": round(cuts[98], 1), "max_ms": round(ms[-1], 1)}
    print(json.dumps(result, indent=1))
    for line in errors[:5]:
        print("error:", line)
    print(f"p95 {result['p95_ms']} ms: {'meets' if result['p95_ms'] < 100 else 'MISSES'} "
          "the 100 ms target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
