"""Where an ERA's text comes from: a re-openable source of text chunks.

An :data:`EraSource` is a function that, each time it is called, returns a fresh iterator over
the text of one 835 in chunks of any size. Posting reads a remittance a second time when it
turns out out of balance only at its SE (the claims are posted again as held), so a source
must be able to start over; a file on disk or a stored archive entry can, a socket cannot.

Decoding follows :func:`core.archive.decode_x12`: UTF-8, and when any byte of the file is not
UTF-8, the whole file as latin-1 (X12's extended character set is single-byte, so every byte
then reads as it came). Which of the two applies is settled by one pass over the bytes the
first time the source is opened, because text handed out cannot be taken back.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["CHUNK_BYTES", "EraSource", "era_from_bytes_chunks", "era_from_path",
           "era_from_text"]

#: Each call returns a fresh iterator over the text of the file, in chunks.
EraSource = Callable[[], Iterator[str]]

#: Bytes read from a file at a time: large enough that per-chunk costs vanish, small enough
#: that a chunk and its text stay a few MiB.
CHUNK_BYTES = 1 << 20


def era_from_text(text: str) -> EraSource:
    """A source over text already in memory (tests, small uploads)."""

    def open_text() -> Iterator[str]:
        return iter((text,))

    return open_text


def _is_utf8(open_chunks: Callable[[], Iterator[bytes]]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in open_chunks():
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decoded(chunks: Iterator[bytes], encoding: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)()
    for chunk in chunks:
        text = decoder.decode(chunk)
        if text:
            yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def era_from_bytes_chunks(open_chunks: Callable[[], Iterator[bytes]]) -> EraSource:
    """A source over bytes read in chunks; ``open_chunks`` starts the bytes over each call."""
    encoding: list[str] = []

    def open_text() -> Iterator[str]:
        if not encoding:
            encoding.append("utf-8" if _is_utf8(open_chunks) else "latin-1")
        return _decoded(open_chunks(), encoding[0])

    return open_text


def era_from_path(path: Path | str) -> EraSource:
    """A source over a file on disk, read :data:`CHUNK_BYTES` at a time."""
    target = Path(path)

    def open_chunks() -> Iterator[bytes]:
        with target.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk

    return era_from_bytes_chunks(open_chunks)
