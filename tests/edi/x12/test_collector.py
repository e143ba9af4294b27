"""The collector paused while the engine reads: off inside, back as the caller had it after,
safe when reads overlap in threads, and the values read handed to the oldest generation."""

from __future__ import annotations

import gc
import threading

import pytest

from edi.x12.collector import collector_paused


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
