"""A small office on the embedded default: the served app on SQLite with several people
browsing at once. Used by ``bench/office_sqlite.py`` (requests/s and errors for 2, 4 and 8
people) and by ``tests/api/test_served_office.py`` (8 people, 0 errors, every read audited).

:func:`prepare` migrates a SQLite database in a fresh data directory, loads the sample
practice and creates one user per person. :func:`serve` starts ``uvicorn --factory
api.asgi:app_from_environment`` on a loopback port with ``CLAIMHOUSE_API_THREADS`` threads.
:func:`browse` has each person sign in and read audited pages and JSON routes back to back,
then counts, per person and route, the audit entries the reads left.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import migrations  # noqa: E402
from claims.codesets import load_code_sets  # noqa: E402
from claims.db.samples import load_practice  # noqa: E402
from claims.db.tables import ClaimRecord  # noqa: E402
from claims.scrubber import scrub  # noqa: E402
from core import audit, users  # noqa: E402
from core.db import make_engine, make_session_factory  # noqa: E402
from core.tables import AuditEntry  # noqa: E402

__all__ = ["Office", "Outcome", "browse", "prepare", "serve"]

PASSWORD = "office-password-1"
SECRET = "office-bench-secret-key-0123456789abcdef"


@dataclass(frozen=True)
class Office:
    data_dir: Path
    url: str
    people: tuple[str, ...]
    claims: tuple[tuple[int, int], ...]       # (claim id, patient id)


def prepare(data_dir: Path, people: int) -> Office:
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    url = f"sqlite:///{data_dir / 'claimhouse.db'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    code_sets = load_code_sets()
    practice = json.loads((ROOT / "samples" / "practice" / "practice.json").read_text())
    names = tuple(f"person{n}" for n in range(people))
    with factory.begin() as session:
        load_practice(session, practice, scrubber=lambda c: scrub(c, code_sets))
        for name in names:
            users.create_user(session, username=name, password=PASSWORD, role="supervisor",
                              full_name=name.title())
    with factory() as session:
        claims = tuple((int(i), int(p)) for i, p in session.execute(
            select(ClaimRecord.id, ClaimRecord.patient_id).order_by(ClaimRecord.id)).all())
    engine.dispose()
    return Office(data_dir, url, names, claims)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(office: Office, *, threads: int = 8) -> Iterator[str]:
    """The app served on a loopback port; yields its base URL."""
    port = _free_port()
    env = {**os.environ, "CLAIMHOUSE_DATA_DIR": str(office.data_dir),
           "CLAIMHOUSE_SECRET_KEY": SECRET, "CLAIMHOUSE_API_THREADS": str(threads),
           "CLAIMHOUSE_LOG_LEVEL": "WARNING",
           "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT),
                                                       os.environ.get("PYTHONPATH"))))}
    env.pop("CLAIMHOUSE_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.asgi:app_from_environment",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
         "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode}")
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not answer within 30 s")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@dataclass
class Outcome:
    requests: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    #: (person, route) -> how many requests read it
    sent: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: (person, route) -> audit entries found for it afterwards
    audited: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: route -> entries one request leaves (a list page names each claim it shows)
    per_request: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def unaudited(self) -> list[str]:
        return [f"{person} {route}: {self.sent[(person, route)]} reads, "
                f"{self.audited[(person, route)]} entries"
                for person, route in sorted(self.sent)
                if self.audited[(person, route)]
                != self.sent[(person, route)] * self.per_request[route]]


#: How many of the practice's claims the people read (the probe reads each route once).
_CLAIMS_READ = 5


def _routes(office: Office, n: int) -> str:
    claim_id, patient_id = office.claims[(n // 6) % min(_CLAIMS_READ, len(office.claims))]
    return (f"/api/claims/{claim_id}", f"/api/patients/{patient_id}", f"/claims/{claim_id}",
            f"/patients/{patient_id}", "/api/claims?limit=5", "/claims")[n % 6]


def _sign_in(base: str, person: str) -> dict[str, str]:
    response = httpx.post(f"{base}/api/auth/token",
                          data={"username": person, "password": PASSWORD}, timeout=30)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _entries(office: Office) -> Counter[tuple[str, str]]:
    engine = make_engine(office.url)
    with make_session_factory(engine)() as session:
        rows = session.execute(
            select(AuditEntry.actor, AuditEntry.route, func.count())
            .where(AuditEntry.action.in_(("read", "list")))
            .group_by(AuditEntry.actor, AuditEntry.route)).all()
        report = audit.verify_chain(session)
    engine.dispose()
    if not report.ok:
        raise AssertionError(f"audit chain broken after the run: {report.problem}")
    return Counter({(actor, route): count for actor, route, count in rows})


_PATIENT_FIELDS = ("account_number", "last_name", "first_name", "birth_date", "sex",
                   "middle_name", "address_line1", "address_line2", "city", "state",
                   "postal_code", "phone")


def _edit(client: httpx.Client, patient_id: int, n: int) -> httpx.Response:
    """Read a patient, then save them with a new phone number (a read, then a change)."""
    shown = client.get(f"/api/patients/{patient_id}")
    if shown.status_code != 200:
        return shown
    body = {name: shown.json().get(name) or "" for name in _PATIENT_FIELDS}
    body["phone"] = f"555{n:07d}"
    return client.put(f"/api/patients/{patient_id}", json=body)


def browse(office: Office, base: str, people: int, requests_each: int, *,
           editors: int = 0) -> Outcome:
    """``people`` people at once, ``requests_each`` requests each, back to back; the first
    ``editors`` of them alternate reads with reading and saving a patient."""
    outcome = Outcome()
    headers = {person: _sign_in(base, person) for person in office.people[:people]}
    # One request per route first, alone, to learn how many entries each leaves (a patient's
    # page names each of their claims).
    routes = sorted({_routes(office, n) for n in range(6 * _CLAIMS_READ)})
    probe = office.people[0]
    with httpx.Client(base_url=base, headers=headers[probe], timeout=60) as client:
        for route in routes:
            before = _entries(office)
            client.get(route).raise_for_status()
            path = route.split("?")[0]
            outcome.per_request[path] = _entries(office)[(probe, path)] - before[(probe, path)]
    after = _entries(office)
    lock = threading.Lock()
    start = threading.Barrier(people)

    def person_reads(person: str, offset: int) -> None:
        sent: Counter[tuple[str, str]] = Counter()
        errors: list[str] = []
        edits = offset < editors
        with httpx.Client(base_url=base, headers=headers[person], timeout=60) as client:
            start.wait()
            for n in range(requests_each):
                route = _routes(office, n + offset)
                try:
                    if edits and n % 2:
                        patient_id = office.claims[n % _CLAIMS_READ][1]
                        response = _edit(client, patient_id, n)
                        route = f"/api/patients/{patient_id}"    # its read is audited too
                    else:
                        response = client.get(route)
                    if response.status_code != 200:
                        errors.append(f"{route}: {response.status_code} {response.text[:200]}")
                        continue
                except httpx.HTTPError as exc:
                    errors.append(f"{route}: {exc!r}")
                    continue
                sent[(person, route.split("?")[0])] += 1
        with lock:
            outcome.sent.update(sent)
            outcome.errors.extend(errors)

    workers = [threading.Thread(target=person_reads, args=(person, k))
               for k, person in enumerate(office.people[:people])]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    outcome.seconds = time.perf_counter() - began
    outcome.requests = people * requests_each + editors * (requests_each // 2)  # save = 2
    final = _entries(office)
    for key in outcome.sent:
        outcome.audited[key] = final[key] - after[key]
    return outcome
