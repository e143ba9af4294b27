"""The stored-file archive: once per SHA-256, content kept exactly, restart queue."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from core import archive
from core.tables import StoredFile

ISA = ("ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261122*1200*^*"
       "00501*000000001*0*T*:~")


def x12(st01: str, body: str = "") -> bytes:
    return (ISA + f"GS*HC*S*R*20261122*1200*1*X*005010X222A1~ST*{st01}*0001~{body}SE*2*0001~"
            "GE*1*1~IEA*1*000000001~").encode()


# (content, kind): sniffing reads ST01 with the delimiters the ISA declares.
KIND_CASES = [
    (x12("837"), "837"),
    (x12("999"), "999"),
    (x12("835"), "835"),
    (("\ufeff" + ISA + "\r\nST*277*0001~SE*2*0001~").encode(), "277"),
    (ISA.replace("*", "|").replace("~", "\n").encode()
     + b"GS|HC\nST|270|0001\n", "270"),
    ((ISA + "TA1*000000001*261122*1200*A*000~IEA*0*000000001~").encode(), "TA1"),
    (b"not an interchange", ""),
    (b"ST*835*0001~BPR*I*1*C*CHK~", "835"),       # a bare set, as the TR3 examples are
    (b"STOP*835~", ""),
    (b"ST*ABC*1~", ""),
    (b"", ""),
]


@pytest.mark.parametrize(("content", "kind"), KIND_CASES)
def test_sniff_kind(content: bytes, kind: str) -> None:
    assert archive.sniff_kind(content) == kind


def test_store_records_hash_size_kind_and_direction(session) -> None:
    data = x12("999")
    stored, created = archive.store_file(session, data, direction="in",
                                         source_name="inbox/a.999")
    assert created
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (stored.size, stored.kind, stored.direction, stored.status) == (
        len(data), "999", "in", "received")
    assert stored.received_at is not None and stored.processed_at is None
    assert archive.file_content(session, stored) == data


def test_duplicate_file_is_recognised_and_changes_nothing(session) -> None:
    data = x12("835")
    first, created = archive.store_file(session, data, direction="in", source_name="a.835")
    archive.mark_processed(session, first)
    session.commit()
    processed_at = first.processed_at
    again, created_again = archive.store_file(session, data, direction="in",
                                              source_name="renamed-copy.835")
    session.commit()
    assert created and not created_again
    assert again.id == first.id
    assert again.source_name == "a.835"
    assert again.status == "processed" and again.processed_at == processed_at
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 1


def test_archive_directory_keeps_content_on_disk(session, tmp_path: Path) -> None:
    data = x12("837")
    stored, _ = archive.store_file(session, data, direction="out", source_name="batch.837",
                                   archive_dir=tmp_path)
    assert stored.content is None
    assert (tmp_path / stored.storage_path).read_bytes() == data
    assert archive.file_content(session, stored, tmp_path) == data
    # A damaged copy is refused, not returned.
    (tmp_path / stored.storage_path).write_bytes(data + b"x")
    with pytest.raises(ValueError, match="does not match its SHA-256"):
        archive.file_content(session, stored, tmp_path)


def test_bad_direction_is_refused(session) -> None:
    with pytest.raises(ValueError):
        archive.store_file(session, b"x", direction="sideways", source_name="x")


def test_crash_between_storing_and_processing_is_processed_once(session_factory) -> None:
    """Store and commit, crash mid-processing (rolled back), restart: the file comes back from
    the pending queue, is processed, and a redelivery does nothing."""
    data = x12("999")
    with session_factory.begin() as s:
        stored, _ = archive.store_file(s, data, direction="in", source_name="inbox/x.999")
        file_id = stored.id
    effects: list[int] = []

    def process(s, row) -> None:  # type: ignore[no-untyped-def]
        effects.append(row.id)
        archive.mark_processed(s, row)

    with pytest.raises(RuntimeError), session_factory.begin() as s:
        row = archive.claim_for_processing(s, file_id)
        assert row is not None
        raise RuntimeError("worker killed mid-processing")

    with session_factory() as s:   # restart: what is left to do?
        assert [f.id for f in archive.pending_files(s)] == [file_id]
    with session_factory.begin() as s:
        row = archive.claim_for_processing(s, file_id)
        assert row is not None and archive.file_content(s, row) == data
        process(s, row)
    with session_factory.begin() as s:   # the task is delivered again
        assert archive.claim_for_processing(s, file_id) is None
        assert list(archive.pending_files(s)) == []
    assert effects == [file_id]


def test_failed_processing_is_recorded_and_retried(session_factory) -> None:
    with session_factory.begin() as s:
        stored, _ = archive.store_file(s, x12("277"), direction="in", source_name="y.277")
        file_id = stored.id
    with session_factory.begin() as s:
        row = archive.claim_for_processing(s, file_id)
        archive.mark_failed(s, row, "segment 4 (STC): unknown status category")
    with session_factory.begin() as s:
        row = s.get(StoredFile, file_id)
        assert row.status == "failed" and "STC" in row.error
        again = archive.claim_for_processing(s, file_id)
        assert again is not None and again.attempts == 2


@pytest.mark.parametrize(("content", "text"), [
    (b"ISA*00*", "ISA*00*"),
    ("NM1*QC*1*M\u00fcller~".encode(), "NM1*QC*1*M\u00fcller~"),
    # Not UTF-8: read byte for byte, so nothing is lost.
    (b"NM1*QC*1*M\xfcller~", "NM1*QC*1*M\u00fcller~"),
])
def test_decode_x12_reads_utf8_or_else_byte_for_byte(content: bytes, text: str) -> None:
    assert archive.decode_x12(content) == text


def _big_x12(claims: int) -> bytes:
    """An 835-shaped file of many CLP segments (only its head and size matter here)."""
    body = "".join(f"CLP*PCN{n:07d}*1*100*80**MC*CTRL{n:09d}~" for n in range(claims))
    return x12("835", body)


def test_streaming_store_gives_the_row_store_file_gives(db_engine, tmp_path: Path) -> None:
    data = _big_x12(200)
    source = tmp_path / "in.835"
    source.write_bytes(data)
    factory = sessionmaker(db_engine)
    with factory() as s:
        by_bytes, _ = archive.store_file(s, data, direction="in", source_name="a.835")
        expected = (by_bytes.sha256, by_bytes.size, by_bytes.kind, by_bytes.direction)
        s.rollback()
        streamed, created = archive.store_path(s, source, direction="in", source_name="a.835",
                                               large_dir=tmp_path / "large")
        assert created
        assert (streamed.sha256, streamed.size, streamed.kind, streamed.direction) == expected
        assert streamed.storage_path is None and streamed.content == data
        assert b"".join(archive.open_content(s, streamed)) == data
        # The same bytes again, as a stream: the row stored first, nothing new.
        again, created_again = archive.store_stream(s, io.BytesIO(data), direction="in",
                                                    source_name="b.835")
        assert (again.id, created_again) == (streamed.id, False)
    # Small enough for the row: the copy staged in the large-file directory is gone.
    assert list((tmp_path / "large").iterdir()) == []


def test_large_file_goes_to_the_large_file_directory(session, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "IN_ROW_BYTES", 4096)
    data = _big_x12(300)
    big = tmp_path / "data" / "archive"
    stored, _ = archive.store_stream(session, io.BytesIO(data), direction="in",
                                     source_name="big.835", large_dir=big)
    assert stored.content is None and Path(stored.storage_path).is_absolute()
    assert Path(stored.storage_path) == big.resolve() / stored.sha256[:2] / stored.sha256
    assert oct(big.stat().st_mode & 0o777) == "0o700"
    # Readable without naming a directory: the row records where it is.
    assert archive.file_content(session, stored) == data
    assert [len(c) for c in archive.open_content(session, stored)] == [len(data)]
    # Nowhere to put it: refused in words, nothing stored.
    with pytest.raises(ValueError, match=r"over 4096 bytes is kept in the archive directory"):
        archive.store_stream(session, io.BytesIO(data + b"\n"), direction="in",
                             source_name="other.835")
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 1


def test_archive_directory_stream_is_read_in_chunks(session, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "CHUNK_BYTES", 1000)
    tmp_path = tmp_path / "arc"
    data = _big_x12(100)
    stored, _ = archive.store_stream(session, io.BytesIO(data), direction="in",
                                     source_name="c.835", archive_dir=tmp_path)
    assert stored.storage_path == f"{stored.sha256[:2]}/{stored.sha256}"
    chunks = list(archive.open_content(session, stored, tmp_path))
    assert b"".join(chunks) == data and max(map(len, chunks)) == 1000
    assert [p.name for p in tmp_path.iterdir()] == [stored.sha256[:2]]   # no .incoming- left


@pytest.mark.parametrize("damage", ["flip", "truncate", "remove"])
def test_damaged_archive_copy_is_refused_in_words(session, tmp_path: Path,
                                                  damage: str) -> None:
    tmp_path = tmp_path / "arc"
    data = _big_x12(50)
    stored, _ = archive.store_stream(session, io.BytesIO(data), direction="in",
                                     source_name="inbox/d.835", archive_dir=tmp_path)
    path = tmp_path / stored.storage_path
    if damage == "flip":
        path.write_bytes(data[:-5] + b"X" + data[-4:])
    elif damage == "truncate":
        path.write_bytes(data[:-1])
    else:
        path.unlink()
    with pytest.raises(ValueError, match=r"stored file inbox/d.835 does not match its SHA-256"
                                         r".*archive copy is damaged"):
        for _chunk in archive.open_content(session, stored, tmp_path):
            pass


def test_upload_over_the_limit_is_refused_while_copying(session, tmp_path: Path) -> None:
    tmp_path = tmp_path / "arc"
    data = _big_x12(100)
    with pytest.raises(ValueError, match=f"file e.835: larger than {len(data) - 1} bytes"):
        archive.store_stream(session, io.BytesIO(data), direction="in", source_name="e.835",
                             archive_dir=tmp_path, max_bytes=len(data) - 1)
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert list(tmp_path.iterdir()) == []


def test_large_row_of_an_older_store_is_read_in_slices(session,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    data = _big_x12(400)
    stored, _ = archive.store_file(session, data, direction="in", source_name="old.835")
    monkeypatch.setattr(archive, "IN_ROW_BYTES", 1024)
    monkeypatch.setattr(archive, "CHUNK_BYTES", 1024)
    chunks = list(archive.open_content(session, stored))
    assert b"".join(chunks) == data and len(chunks) == -(-len(data) // 4096)


def test_streaming_store_keeps_memory_flat(session, tmp_path: Path) -> None:
    """Storing and reading back 24 MiB through the stream allocates a few chunks, not the
    file: the traced peak stays under 4 MiB."""
    source = tmp_path / "big.835"
    line = b"CLP*PCN0000001*1*100*80**MC*CTRL000000001~\n" * 20_000
    with source.open("wb") as out:
        out.write(x12("835"))
        for _ in range(24 * 1024 * 1024 // len(line)):
            out.write(line)
    size = source.stat().st_size
    tracemalloc.start()
    try:
        stored, _ = archive.store_path(session, source, direction="in",
                                       source_name="big.835", large_dir=tmp_path / "archive")
        read = sum(len(chunk) for chunk in archive.open_content(session, stored))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (stored.size, read, stored.kind) == (size, size, "835")
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes for a {size}-byte file"
