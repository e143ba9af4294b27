"""Test support for the exchange: a database with every table, the sample practice's claims
stored as ready, and settings for a submitter. Imported by tests/clearinghouse, tests/worker
and tests/claims/test_acknowledgments.py."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

import claims.db.tables  # noqa: F401  (registers the tables on Base.metadata)
import clearinghouse.tables  # noqa: F401
import remittance.tables  # noqa: F401
from claims.db.tables import ClaimLineRecord, ClaimRecord, Patient, Payer, Provider
from claims.json_codec import claim_from_json
from clearinghouse.transports import MemoryTransport
from core.db import Base, make_engine, make_session_factory
from core.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


def _root_conftest():  # type: ignore[no-untyped-def]
    """tests/conftest.py by path: every conftest module is named "conftest" on sys.path."""
    spec = importlib.util.spec_from_file_location("claimhouse_root_conftest",
                                                  ROOT / "tests" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: Skip when a service is down, fail under CI=true (tests/conftest.py).
require_service = _root_conftest().require_service
EXCHANGE_SAMPLES = ROOT / "samples" / "exchange"
BATCH = json.loads((EXCHANGE_SAMPLES / "batch.json").read_text())


class SharedMailbox(MemoryTransport):
    """One mailbox that survives the tasks' open/close."""

    def close(self) -> None:
        return None


def sample_text(name: str) -> str:
    return (EXCHANGE_SAMPLES / name).read_text()


def make_database(url: str) -> sessionmaker[Session]:
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    return make_session_factory(engine)


def exchange_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data", "database_url": f"sqlite:///{tmp_path / 'ex.db'}",
        "broker_url": "", "submitter_id": "CLAIMHOUSE", "receiver_id": "CLEARINGHOUSE",
        "submitter_name": "Riverbend Billing", "submitter_phone": "2175550100",
        "receiver_name": "Sample Clearinghouse",
    }
    values.update(overrides)
    return load_settings(**values)


def _practice(session: Session, account: str) -> tuple[int, int, int]:
    payer = session.scalar(select(Payer).where(Payer.payer_id == "PHP01"))
    if payer is None:
        payer = Payer(payer_id="PHP01", name="Prairie Health Plan")
        provider = Provider(npi="1234567893", name="Riverbend Family Practice")
        session.add_all([payer, provider])
        session.flush()
    provider = session.scalar(select(Provider).where(Provider.npi == "1234567893"))
    assert provider is not None
    patient = Patient(account_number=f"ACCT-{account}", last_name="Sample",
                      first_name="Patient", birth_date=dt.date(1980, 1, 1), sex="U")
    session.add(patient)
    session.flush()
    return patient.id, payer.id, provider.id


def add_claim(session: Session, document: dict[str, Any], *, status: str = "ready") -> ClaimRecord:
    """Store one claim document as a claim with its lines, in ``status``."""
    model = claim_from_json(document)
    patient_id, payer_id, provider_id = _practice(session, model.patient_control_number)
    record = ClaimRecord(
        patient_control_number=model.patient_control_number, kind=model.kind.value,
        status=status, patient_id=patient_id, payer_id=payer_id,
        billing_provider_id=provider_id, total_charge=model.total_charge,
        service_date_from=min(line.service_date for line in model.lines),
        service_date_to=max(line.service_date for line in model.lines),
        frequency=model.frequency, document=document)
    record.lines = [ClaimLineRecord(
        line_number=n, line_control_number=line.line_control_number,
        procedure_code=line.procedure_code, modifiers=":".join(line.modifiers),
        charge=line.charge, units=Decimal(line.units), service_date=line.service_date)
        for n, line in enumerate(model.lines, 1)]
    session.add(record)
    session.flush()
    return record


def add_batch(session: Session, documents: Iterable[dict[str, Any]] = BATCH,
              status: str = "ready") -> list[ClaimRecord]:
    return [add_claim(session, doc, status=status) for doc in documents]


def claim_by_pcn(session: Session, pcn: str) -> ClaimRecord:
    claim = session.scalar(select(ClaimRecord).where(ClaimRecord.patient_control_number == pcn))
    assert claim is not None, pcn
    return claim


POSTGRES_URL = os.environ.get("CLAIMHOUSE_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A throwaway PostgreSQL schema with every table; yields a URL whose search_path is it."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    schema = f"exchange_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
