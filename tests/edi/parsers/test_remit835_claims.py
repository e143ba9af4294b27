"""The 835's claim loops: the pass over segment texts reads what the Segment readers read, and
the values it shares between segments written alike stay few."""

from __future__ import annotations

import pytest

from edi.parsers.remit835 import iter_835, read_835
from edi.parsers.remit835_claims import ClaimLoops
from edi.parsers.remit835_transaction import EnvelopeIds, TransactionReader
from edi.x12.delimiters import Delimiters
from edi.x12.tokenizer import PieceRun, segment_of

HEAD = ("ISA*00*          *00*          *ZZ*P              *ZZ*R              *260101*1200*^*"
        "00501*000000001*0*T*:~GS*HP*P*R*20260101*1200*7*X*{version}~")
START = ("BPR*I*100*C*CHK************20260105~TRN*1*CHK1*1999999999~N1*PR*PAYER~"
         "N1*PE*CLINIC*XX*1234567893~LX*1~")

#: Claims with the common segments in every shape the claim pass reads or leaves: plain and
#: unusual amounts, dates that do not read, groups outside 5010's, parties inside a line,
#: remarks outside one, short and empty segments; each claim twice, so the second reads
#: values the first left behind.
CLAIMS = [
    "CLP*A1*1*100*80*20*MC*ICN1*11*1~NM1*QC*1*DOE*JO~NM1*82*1*SMITH*ANN*B*JR*DR*XX*1~"
    "NM1*74~MOA***MA01*MA02~MIA*0***12.5~REF*EA*1*X*Y~REF*1L*G1~REF*F8~AMT*AU*100~"
    "DTM*050*20260105~DTM*232*2026010~DTM*233~PER*CX*ANN*TE*555~QTY*CA*2~",
    "SVC*HC:99213:25*100*80**1~DTM*472*20260101~DTM*472*20261301~CAS*CO*45*20~"
    "CAS*PR*1*5*1*2*3**3*4~CAS*CR*45*1~CAS*XX*45*1~CAS*CO**2~CAS*CO*45~CAS*OA*23*1*1.5.5~"
    "REF*6R*L1~REF*6R~AMT*B6*80~AMT*B6*12345678901~AMT*B6*1E5~AMT*B6~AMT*KH*-13.65~"
    "LQ*HE*N20~LQ*HE~LQ*RX*1~NM1*82*1*SMITH*ANN*B*JR*DR*XX*1~QTY*ZK*1~PER*BL*X~XYZ*1~~",
    "SVC*HC*50*ABC**1E2*HC:99214*1.0~CAS*PR*2*10*1~SVC*NU:0450*10*10*0450*01234567890123456789~"
    "SVC*HC:99215~LQ*HE*M1~",
    "CLP*A2*4*12345678901*0*x*MC*ICN2~NM1*QC~CAS*CO*45*12345678901~REF*6R*L2~",
    "CLP**99*1*1~DTM*472*20260101~SVC*HC:99213*1*1~",
]
BODY = "".join(CLAIMS) + "".join(CLAIMS)


def _text(version: str = "005010X221A1") -> str:
    body = START + BODY
    count = body.count("~") + 2
    return (HEAD.format(version=version) + f"ST*835*0001~{body}SE*{count}*0001~GE*1*7~"
            "IEA*1*000000001~")


def _segments_only(self: ClaimLoops, pieces: list[str], start: int, end: int,
                   delims: Delimiters, first: int) -> int:
    return start                        # every segment left to the Segment readers


@pytest.mark.parametrize("version", ["005010X221A1", "004010X091A1"])
@pytest.mark.parametrize("size", [1 << 20, 13])
def test_the_text_pass_reads_what_the_segment_readers_read(
        monkeypatch: pytest.MonkeyPatch, version: str, size: int) -> None:
    text = _text(version)
    chunks = [text[i:i + size] for i in range(0, len(text), size)]
    fast = repr(list(iter_835(chunks, "f")))
    with monkeypatch.context() as patch:
        patch.setattr(ClaimLoops, "read", _segments_only)
        slow = repr(list(iter_835(chunks, "f")))
    assert fast == slow
    remittance = read_835(text, "f").remittances[0]
    assert len(remittance.claims) == 6 and len(remittance.defects) > 20
    assert sum(len(c.services) for c in remittance.claims) == 10


def _reader(body: list[str]) -> TransactionReader:
    delims = Delimiters("*", ":", "^", "~")
    reader = TransactionReader(segment_of("ST*835*0001", delims, 1), EnvelopeIds(), "f")
    reader.read(PieceRun(delims, body, 2))
    reader.finish()
    return reader


def test_segments_written_alike_share_one_value() -> None:
    claim = ["CLP*A{n}*1*100*80*20*MC*ICN", "NM1*82*1*SMITH*ANN****XX*1", "SVC*HC:99213*100*80",
             "DTM*472*20260101", "CAS*CO*45*20", "AMT*B6*80", "REF*1L*G1"]
    reader = _reader(START.split("~")[:-1] + [p.format(n=n) for n in range(3) for p in claim])
    first, *others = reader.claims
    for other in others:
        assert other.parties[0] is first.parties[0]
        line, first_line = other.services[0], first.services[0]
        assert line.procedure is first_line.procedure
        assert line.dates[0] is first_line.dates[0]
        assert line.adjustments[0] is first_line.adjustments[0]
        assert line.amounts[0] is first_line.amounts[0]
        assert line.references[0] is first_line.references[0]


def test_the_values_kept_for_sharing_stay_few() -> None:
    lines = [f"SVC*HC:{n}*1*1~REF*6R*L{n}~DTM*472*2026{n % 12 + 1:02d}01" for n in range(10_000)]
    body = START.split("~")[:-1] + ["CLP*A1*1*10000*10000"] + "~".join(lines).split("~")
    reader = _reader(body)
    assert sum(len(c.services) for c in reader.claims) == 10_000
    assert len(reader.loops.memo) <= 4096
    assert len(reader.loops.procedures) <= 512


def test_the_memo_rests_while_nothing_recurs_and_reads_alike() -> None:
    lines = [f"SVC*HC:99213*1*1~REF*6R*L{n}~AMT*B6*{n}" for n in range(5_000)]
    body = START.split("~")[:-1] + ["CLP*A1*1*5000*5000"] + "~".join(lines).split("~")
    reader = _reader(body)
    assert not reader.loops.sharing and reader.loops.memo == {}
    services = reader.claims[0].services
    assert [s.references[0].value for s in services] == [f"L{n}" for n in range(5_000)]
    assert services[4_999].amounts[0].amount == 4_999
