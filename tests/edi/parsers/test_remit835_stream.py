"""The 835 read as a stream: the same values as reading the whole text, in bounded memory."""

from __future__ import annotations

import gc
import tracemalloc
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from edi.errors import InterchangeError
from edi.parsers.remit835 import (
    ClaimPayment,
    FileClosed,
    RemittanceClosed,
    RemittanceFile,
    RemittanceOpened,
    iter_835,
    read_835,
)
from edi.parsers.remit835_transaction import EnvelopeIds, read_transaction
from edi.x12.tokenizer import parse_segments

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "remittance"

HEAD = ("ISA*00*          *00*          *ZZ*P              *ZZ*R              *260101*1200*^*"
        "00501*000000001*0*T*:~GS*HP*P*R*20260101*1200*7*X*005010X221A1~")
CLAIM = ("CLP*A{n}*1*100*80*20*MC*ICN{n}~NM1*QC*1*DOE*JO~SVC*HC:99213*100*80**1~"
         "DTM*472*20260101~CAS*PR*2*20~REF*6R*L{n}~")


def _era(claims: int) -> str:
    body = (f"BPR*I*{80 * claims}*C*CHK************20260105~TRN*1*CHK1*1999999999~"
            "N1*PR*PAYER~N1*PE*CLINIC*XX*1234567893~LX*1~")
    body += "".join(CLAIM.format(n=n) for n in range(claims))
    count = body.count("~") + 2
    return f"{HEAD}ST*835*0001~{body}SE*{count}*0001~GE*1*7~IEA*1*000000001~"


def _whole(text: str) -> RemittanceFile:
    """The envelope walked over every segment of the text at once (an ISA file only)."""
    envelope, current, out = EnvelopeIds(), None, []
    for seg in parse_segments(text.lstrip("\ufeff\r\n\t "), "f"):
        if current is not None:
            current.append(seg)
            if seg.tag == "SE":
                out.append(read_transaction(current, envelope, "f"))
                current = None
        elif seg.tag == "ISA":
            envelope = EnvelopeIds(interchange_control=seg.get(13))
        elif seg.tag == "GS":
            envelope = replace(envelope, sender_id=seg.get(2), receiver_id=seg.get(3),
                               group_control=seg.get(6), version=seg.get(8))
        elif seg.tag == "ST" and seg.get(1) == "835":
            current = [seg]
    if current is not None:
        out.append(read_transaction(current, envelope, "f"))
    return RemittanceFile(tuple(out))


def _collect(text: str, size: int) -> RemittanceFile:
    chunks = [text[i:i + size] for i in range(0, len(text), size)]
    remittances, claims, defects, opened = [], [], (), None
    for event in iter_835(chunks, "f"):
        if isinstance(event, RemittanceOpened):
            assert opened is None and not claims
            opened = event
        elif isinstance(event, ClaimPayment):
            assert opened is not None
            claims.append(event)
        elif isinstance(event, RemittanceClosed):
            assert opened is not None and opened.index == event.index == len(remittances)
            assert event.claim_count == len(claims)
            # What the header said before the first claim is what the end says.
            head, end = opened.header, event.remittance
            assert (head.payment, head.trace, head.payer, head.payee, head.control_number) \
                == (end.payment, end.trace, end.payer, end.payee, end.control_number)
            remittances.append(replace(end, claims=tuple(claims)))
            claims, opened = [], None
        else:
            assert isinstance(event, FileClosed) and event.remittance_count == len(remittances)
            defects = event.defects
    return RemittanceFile(tuple(remittances), defects, "f")


def _files(*roots: Path) -> list[Path]:
    found = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.stat().st_size < 2_000_000 and \
                    "835" in path.read_bytes()[:400].decode("latin-1"):
                found.append(path)
    return found


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.835")))
def test_samples_read_alike_in_chunks_and_whole(name: str) -> None:
    text = (SAMPLES / name).read_text()
    whole = read_835(text, "f")
    assert whole.remittances == _whole(text).remittances
    for size in (1, 3, 64, 1000):
        assert _collect(text, size) == whole


@pytest.mark.conformance
def test_corpus_835s_read_alike_in_chunks_and_whole(corpus_dir: Path) -> None:
    paths = _files(corpus_dir)
    assert len(paths) > 10
    compared = 0
    for path in paths:
        text = _read(path)
        try:
            whole = read_835(text, "f")
        except InterchangeError:
            with pytest.raises(InterchangeError):
                _collect(text, 97)
            continue
        assert _collect(text, 97) == whole, path
        assert _collect(text, 4096) == whole, path
        if text.lstrip("\ufeff\r\n\t ").startswith("ISA") and not whole.defects:
            assert _whole(text).remittances == whole.remittances, path
            compared += 1
    assert compared > 5


def test_lenient_forms_stream_too() -> None:
    bare = "ST*835*0001~" + _era(3).split("ST*835*0001~")[1].split("GE*")[0]
    broken = _era(3).replace("~", "\n~")
    for text in (bare, broken):
        whole = read_835(text, "f")
        assert len(whole.remittances[0].claims) == 3 and whole.defects
        for size in (1, 5, 50):
            assert _collect(text, size) == whole


def test_claims_come_out_before_the_end_is_read() -> None:
    text = _era(50)
    events = iter_835([text[:len(text) // 2]] + [text[len(text) // 2:]], "f")
    first = next(events)
    assert isinstance(first, RemittanceOpened) and first.header.payment.amount == 4000
    claim = next(events)
    assert isinstance(claim, ClaimPayment) and claim.patient_control_number == "A0"
    assert claim.paid == Decimal("80") and claim.header_number == "1"


def _peak(claims: int) -> int:
    text = _era(claims)
    chunks = (text[i:i + 65536] for i in range(0, len(text), 65536))
    tracemalloc.start()
    try:
        count = sum(1 for e in iter_835(chunks, "f") if isinstance(e, ClaimPayment))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == claims
    return peak


def test_memory_stays_flat_as_claims_grow() -> None:
    # The text itself is made before tracing starts; only reading is measured.
    small, large = _peak(1_500), _peak(15_000)
    assert large < 2 * small, (small, large)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_the_caller_had_it(enabled: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        seen = {gc.isenabled() for _ in iter_835([_era(2_500)], "f")}
        assert seen == {enabled} and gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_events_read_before_a_fault_are_handed_out_first() -> None:
    # Events are read a thousand at a time; a fault in the text after them still comes
    # only once the claims read before it were handed out.
    text = _era(1_500) + "NOT X12 AT ALL~"
    claims = 0
    with pytest.raises(InterchangeError, match="expected an ISA"):
        for event in iter_835([text[i:i + 4096] for i in range(0, len(text), 4096)], "f"):
            claims += isinstance(event, ClaimPayment)
    assert claims >= 1_499
