"""The cyclic garbage collector paused while the engine reads: one mechanism for the
validator, the typed readers, the 835 stream and posting.

A reader builds hundreds of thousands of small frozen values and keeps every one of them
until it returns. CPython's cyclic collector makes a full pass whenever the objects that
survived earlier passes have grown by a quarter, and each full pass walks every value read so
far: on a 10 MB 837P, eleven full passes took 0.85 s of read_837's 2.2 s, and found nothing to
free, because reading makes no reference cycles (values refer to the values inside them, never
back). :func:`collector_paused` switches the collector off around a read; objects are freed by
reference counting as always, and cycles made meanwhile (by other threads) are collected by a
later full pass.

When the collector comes back on, everything allocated meanwhile is still counted in its
youngest generation, so the first allocation after the read would walk every value read (on a
10 MB 837P, 0.1 to 0.15 s of a read taking under a second), again to free nothing. So the values
are moved straight to the oldest generation instead (``gc.freeze()`` then ``gc.unfreeze()``:
two list splices, nothing walked; whatever else was young goes with them), where full passes
scan them as they scan any long-lived object. That is skipped when the program has frozen
objects of its own (a server that froze its start-up objects before forking): unfreezing would
hand those back to the collector.

Readers may overlap (threads of a server): the first one in switches the collector off, the
last one out switches it back on, and only if it was on when the first came in.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]

_lock = threading.Lock()
_readers = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (see the module notes)."""
    global _readers, _was_enabled
    with _lock:
        if _readers == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _readers += 1
    try:
        yield
    finally:
        with _lock:
            _readers -= 1
            if _readers == 0 and _was_enabled:
                if not gc.get_freeze_count():
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()
