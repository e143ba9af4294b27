"""Tables owned by the clearinghouse exchange: control-number counters and received interchanges.

Control numbers (ISA13, GS06, ST02) must never repeat towards a trading partner: the
clearinghouse rejects a duplicate ISA13 (TA1 note 025, x12-domain §2.2) and matches its 999 to
our group and sets by GS06 and ST02 (§7.4). They come from a counter row, incremented in the
same transaction that records the submission, so a rolled-back batch gives its numbers back and
two workers can never draw the same one.

Received interchanges are remembered by sender and ISA13: a clearinghouse that sends the same
acknowledgment again with a new timestamp (so a new SHA-256) is still recognised.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base
from core.tables import utcnow

__all__ = ["CONTROL_NUMBER_MAX", "ControlCounter", "ReceivedInterchange",
           "allocate_control_numbers"]

#: ISA13 is N0 9/9 and GS06 N0 1/9; ST02 AN 4/9. All three wrap after nine digits.
CONTROL_NUMBER_MAX = 999_999_999


class ControlCounter(Base):
    """The last control number handed out for one series (``isa13``, ``gs06``, ``st02``)."""

    __tablename__ = "exchange_control_counters"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)


class ReceivedInterchange(Base):
    """One inbound interchange, keyed by its sender (ISA06) and control number (ISA13)."""

    __tablename__ = "exchange_received_interchanges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(15))
    control_number: Mapped[str] = mapped_column(String(9))
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("sender_id", "control_number", name="uq_exchange_received_isa13"),
    )


def allocate_control_numbers(session: Session, series: str, count: int = 1) -> list[int]:
    """Reserve ``count`` consecutive numbers of ``series`` in the caller's transaction.

    The row is incremented with one UPDATE, which takes its row lock on PostgreSQL and the
    database write lock on SQLite, so concurrent batches queue instead of colliding. Numbers
    wrap from 999999999 back to 1.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    statement = (update(ControlCounter).where(ControlCounter.name == series)
                 .values(value=ControlCounter.value + count, updated_at=utcnow())
                 .returning(ControlCounter.value))
    last = session.execute(statement).scalar_one_or_none()
    if last is None:
        try:
            with session.begin_nested():
                session.add(ControlCounter(name=series, value=count))
            last = count
        except IntegrityError:
            # Another transaction created the row first: increment it as usual.
            last = session.execute(statement).scalar_one()
    first = last - count + 1
    numbers = [(n - 1) % CONTROL_NUMBER_MAX + 1 for n in range(first, last + 1)]
    if last > CONTROL_NUMBER_MAX:
        session.execute(update(ControlCounter).where(ControlCounter.name == series)
                        .values(value=(last - 1) % CONTROL_NUMBER_MAX + 1))
    return numbers
