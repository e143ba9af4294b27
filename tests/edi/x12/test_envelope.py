"""Envelope headers: ISA and GS dates read as strptime reads them, without calling it."""

from __future__ import annotations

import datetime as dt

import pytest

from edi.x12.envelope import _parse_date


def _strptime(text: str, fmt: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, fmt).date()
    except ValueError:
        return dt.date(1900, 1, 1)


@pytest.mark.parametrize(("text", "fmt"), [
    ("240131", "%y%m%d"), ("690101", "%y%m%d"), ("681231", "%y%m%d"), ("000229", "%y%m%d"),
    ("010229", "%y%m%d"), ("241301", "%y%m%d"), ("240100", "%y%m%d"), ("2401", "%y%m%d"),
    ("24 131", "%y%m%d"), ("", "%y%m%d"), ("20240229", "%Y%m%d"), ("20230229", "%Y%m%d"),
    ("00000101", "%Y%m%d"), ("18000101", "%Y%m%d"), ("2024131", "%Y%m%d"),
    ("٢٠٢٤٠١٠١", "%Y%m%d"), ("ABCDEFGH", "%Y%m%d"),
])
def test_dates_read_as_strptime_reads_them(text, fmt):
    assert _parse_date(text, fmt) == _strptime(text, fmt)
