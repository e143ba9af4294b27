"""ERA sources: re-openable text in chunks, decoded like the archive decodes a stored file."""

from __future__ import annotations

from pathlib import Path

from core.archive import decode_x12
from remittance.sources import era_from_bytes_chunks, era_from_path, era_from_text


def _chunked(content: bytes, size: int):
    def open_chunks():
        return iter([content[i:i + size] for i in range(0, len(content), size)])
    return open_chunks


def test_text_source_opens_afresh_each_call() -> None:
    source = era_from_text("ISA*00~")
    assert "".join(source()) == "ISA*00~"
    assert "".join(source()) == "ISA*00~"


def test_utf8_split_across_chunks_decodes_whole() -> None:
    content = "NM1*QC*1*MÜLLER*JÖRG~".encode()
    for size in (1, 2, 3, 7):
        source = era_from_bytes_chunks(_chunked(content, size))
        assert "".join(source()) == decode_x12(content) == "NM1*QC*1*MÜLLER*JÖRG~"


def test_a_byte_that_is_not_utf8_reads_the_whole_file_as_latin1() -> None:
    # The bad byte comes late, after text that is valid UTF-8 (é as two bytes).
    content = "N1*PR*CAFÉ~".encode() + b"N3*RUE \xe9~"
    source = era_from_bytes_chunks(_chunked(content, 4))
    assert "".join(source()) == decode_x12(content) == content.decode("latin-1")
    assert "".join(source()) == content.decode("latin-1")


def test_path_source(tmp_path: Path) -> None:
    path = tmp_path / "x.835"
    path.write_bytes(b"\xef\xbb\xbfST*835*0001~")
    assert "".join(era_from_path(path)()) == decode_x12(path.read_bytes())
