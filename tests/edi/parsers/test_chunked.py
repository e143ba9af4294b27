"""Going through a large text: segments a chunk at a time, the cyclic collector paused."""

from __future__ import annotations

import gc
import threading

import pytest

import edi.parsers.chunked as chunked
from edi.parsers.chunked import ReadingWarnings, collector_paused, text_batches
from edi.x12 import parse_segments
from edi.x12.tokenizer import Tokenizer

TEXT = ("ISA*00*          *00*          *ZZ*S              *ZZ*R              *240102*1345*^"
        "*00501*000000001*0*T*:~\nGS*HC*S*R*20240102*1345*1*X*005010X222A1~\n"
        + "".join(f"ST*837*{n:04d}~\nBHT*0019*00*B{n}*20240102*1345*CH~\nSE*3*{n:04d}~\n"
                  for n in range(1, 400))
        + "GE*399*1~\nIEA*1*000000001~\n")


def test_batches_hold_the_segments_of_the_whole_text(monkeypatch):
    monkeypatch.setattr(chunked, "CHUNK", 500)
    batches = list(text_batches(TEXT, "x.837"))
    assert len(batches) > 10
    assert [s for b in batches for s in b] == parse_segments(TEXT, "x.837")


def test_the_collector_is_off_inside_and_back_on_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()      # the outer read is still going
    assert gc.isenabled()


def test_the_collector_comes_back_on_after_an_error():
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("unreadable")
    assert gc.isenabled()


def test_a_collector_the_caller_switched_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_reads_in_threads_leave_it_on():
    inside, release = threading.Event(), threading.Event()

    def read():
        with collector_paused():
            inside.set()
            release.wait(5)

    other = threading.Thread(target=read)
    other.start()
    inside.wait(5)
    with collector_paused():
        pass
    assert not gc.isenabled()          # the other thread's read has not ended
    release.set()
    other.join(5)
    assert gc.isenabled()


def _in_generation(obj: object, generation: int) -> bool:
    return any(o is obj for o in gc.get_objects(generation))


def test_values_read_are_handed_to_the_oldest_generation_without_a_pass():
    with collector_paused():
        values = [[n] for n in range(5000)]
    # the first allocation after the read would otherwise walk all 5,000 in a young pass
    assert gc.get_count()[0] < 5000
    assert not _in_generation(values[0], 0)
    assert _in_generation(values[0], 2)
    assert gc.get_freeze_count() == 0


def test_objects_the_program_froze_stay_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with collector_paused():
            values = [[n] for n in range(1000)]
        # Still frozen: an unfreeze would have made the count 0. (It may be a little lower:
        # a frozen object freed meanwhile leaves the count.)
        assert gc.get_freeze_count() > frozen // 2
        assert not _in_generation(values[0], 2)     # left to the young passes as usual
    finally:
        gc.unfreeze()


def _spaced(text: str) -> str:
    isa, rest = text.split("~", 1)
    return " * ".join(p.strip() for p in isa.split("*")) + " ~" + rest


def test_reading_warnings_are_handed_out_at_the_isa_they_belong_to():
    second = _spaced(TEXT.replace("*00501*", "*99999*", 1))   # an error note and a warning
    tokenizer = Tokenizer("two.837")
    warnings = ReadingWarnings(tokenizer, "two.837: ")
    isas = [s for batch in text_batches(TEXT + second, "two.837", tokenizer)
            for s in batch if s.tag == "ISA"]
    assert [n.severity for n in tokenizer.problems] == ["warning", "error"]
    assert warnings.at(isas[0]) == ()
    (warning,) = warnings.at(isas[1])      # the version error is the validator's to report
    assert (warning.severity, warning.level, warning.code) == ("warning", "TA1", "024")
    assert warning.path.segment == "ISA" and warning.path.file_position == isas[1].position
    assert warning.message.startswith("two.837: the ISA is written with blanks around")
    assert warnings.at(isas[1]) == ()      # each note is handed out once
