"""The 835 Health Care Claim Payment/Advice (005010X221A1) read into frozen, typed values.

Sans-I/O: :func:`read_835` takes the text of a file and returns a :class:`RemittanceFile`
holding one :class:`Remittance` per ST..SE (several payers and payments per file are normal).
:func:`iter_835` reads the same text in chunks as a stream of events, handing out each claim
payment as it is read, so a file of any size is read in bounded memory; :func:`read_835` is
that stream collected.
Every segment the TR3 defines for the 835 lands in a typed field; anything else is kept in an
``other`` tuple on the loop it appeared in, so nothing read is thrown away.

Reading never stops at a bad amount or an unexpected segment: the problem becomes a
:class:`~edi.x12.defects.Defect` with its X12 path, and the caller decides. Balancing (TR3
1.10.2.1) is not checked here; that is the posting side's job.

This module collects the stream and re-exports the values; the envelope (or a bare ST..SE) is
read by :mod:`edi.parsers.remit835_stream`, the values are defined in
:mod:`edi.parsers.remit835_values`, one transaction set is read by
:mod:`edi.parsers.remit835_transaction` and its claim loops by
:mod:`edi.parsers.remit835_claims`.
"""

from __future__ import annotations

from dataclasses import replace

from edi.parsers.remit835_stream import (
    FileClosed,
    RemittanceClosed,
    RemittanceEvent,
    RemittanceOpened,
    iter_835,
)
from edi.parsers.remit835_values import (
    CLAIM_STATUS_CODES,
    GROUP_CODES,
    Adjustment,
    Amount,
    ClaimPayment,
    Contact,
    DateValue,
    HeaderGroup,
    Party,
    PaymentInfo,
    ProcedureCode,
    ProviderAdjustment,
    Quantity,
    Reference,
    Remittance,
    RemittanceFile,
    ServicePayment,
    TraceNumber,
)
from edi.x12.collector import collector_paused
from edi.x12.defects import Defect

__all__ = [
    "CLAIM_STATUS_CODES", "GROUP_CODES", "Adjustment", "Amount", "ClaimPayment", "Contact",
    "DateValue", "FileClosed", "HeaderGroup", "Party", "PaymentInfo", "ProcedureCode",
    "ProviderAdjustment", "Quantity", "Reference", "Remittance", "RemittanceClosed",
    "RemittanceEvent", "RemittanceFile", "RemittanceOpened", "ServicePayment", "TraceNumber",
    "iter_835", "read_835",
]


def read_835(text: str, source: str = "") -> RemittanceFile:
    """Read every 835 transaction set in ``text``.

    Raises :class:`~edi.errors.InterchangeError` only when the text is not X12 at all; other
    problems are defects on the file or on the remittance they belong to.
    """
    with collector_paused():
        return _read_835(text, source)


def _read_835(text: str, source: str) -> RemittanceFile:
    remittances: list[Remittance] = []
    claims: list[ClaimPayment] = []
    defects: tuple[Defect, ...] = ()
    for event in iter_835((text,), source):
        if type(event) is ClaimPayment:
            claims.append(event)
        elif isinstance(event, RemittanceClosed):
            remittances.append(replace(event.remittance, claims=tuple(claims)))
            claims = []
        elif isinstance(event, FileClosed):
            defects = event.defects
    return RemittanceFile(tuple(remittances), defects, source)
