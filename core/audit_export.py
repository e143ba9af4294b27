"""Exporting the access log for a patient and/or a date range, as CSV or JSON.

Used by ``claimhouse audit export`` and by the supervisors' API route; both record the export
itself in the log. Dates are whole UTC days and ``to`` is inclusive.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from core.audit import export_entries
from core.tables import AuditEntry

__all__ = ["COLUMNS", "MAX_ROWS", "ExportFormat", "ExportQuery", "collect", "describe_query",
           "media_type", "render", "render_lines"]

#: The columns of an export, in order (the chain columns let a reader check it).
COLUMNS = ("seq", "id", "at", "actor", "user_id", "action", "entity_type", "entity_id",
           "patient_id", "route", "client", "detail", "chain_hash")

#: The most entries one API export returns; narrow the range for more.
MAX_ROWS = 100_000


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


def media_type(fmt: ExportFormat) -> str:
    return "text/csv; charset=utf-8" if fmt is ExportFormat.CSV else "application/json"


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ExportQuery:
    """Which entries: one patient, a range of days, or both (never neither)."""

    patient_id: int | None
    from_day: date | None
    to_day: date | None

    @classmethod
    def of(cls, patient_id: int | None, from_day: date | None,
           to_day: date | None) -> ExportQuery:
        if patient_id is None and from_day is None and to_day is None:
            raise ValueError("audit export: give a patient, a date range (from and to) or both")
        if from_day is not None and to_day is not None and to_day < from_day:
            raise ValueError(f"audit export: the range ends ({to_day}) before it starts "
                             f"({from_day})")
        return cls(patient_id, from_day, to_day)

    @property
    def since(self) -> datetime | None:
        return None if self.from_day is None else _start(self.from_day)

    @property
    def until(self) -> datetime | None:
        return None if self.to_day is None else _start(self.to_day) + timedelta(days=1)

    def entries(self, session: Session) -> Iterator[AuditEntry]:
        return export_entries(session, patient_id=self.patient_id, since=self.since,
                              until=self.until)

    def describe(self, count: int, fmt: ExportFormat) -> str:
        parts = [] if self.patient_id is None else [f"patient {self.patient_id}"]
        if self.from_day is not None or self.to_day is not None:
            parts.append(f"{self.from_day or 'start'} to {self.to_day or 'now'}")
        return f"{', '.join(parts)}: {count} entries as {fmt.value}"


def describe_query(patient_id: int | None, *, actor: str | None, count: int) -> str:
    """The words for an audit-log listing's entry."""
    parts = [f"{count} entries"]
    if patient_id is not None:
        parts.append(f"patient {patient_id}")
    if actor:
        parts.append(f"actor {actor}")
    return ", ".join(parts)


def collect(session: Session, query: ExportQuery, *, limit: int = MAX_ROWS) -> list[AuditEntry]:
    """The entries in memory (for one response); refused in words past ``limit``."""
    entries: list[AuditEntry] = []
    for entry in query.entries(session):
        if len(entries) == limit:
            raise ValueError(f"audit export: more than {limit} entries match; narrow the "
                             "patient or the date range")
        entries.append(entry)
    return entries


def _value(entry: AuditEntry, column: str) -> object:
    value = getattr(entry, column)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    return value


def render_lines(entries: Iterable[AuditEntry], fmt: ExportFormat) -> Iterator[str]:
    """The export as text, a line at a time (a long export is never held whole)."""
    if fmt is ExportFormat.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for entry in entries:
            writer.writerow(["" if (v := _value(entry, c)) is None else v for c in COLUMNS])
            if buffer.tell() > 65536:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
        return
    first = True
    yield "["
    for entry in entries:
        row = {c: _value(entry, c) for c in COLUMNS}
        yield ("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "\n]\n"


def render(entries: Iterable[AuditEntry], fmt: ExportFormat) -> str:
    return "".join(render_lines(entries, fmt))
