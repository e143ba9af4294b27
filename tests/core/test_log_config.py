"""PHI never reaches the log output."""

from __future__ import annotations

import logging

import pytest

from core.log_config import PhiFilter, configure_logging, redact

# (message, what must not survive, what must)
CASES = [
    ('127.0.0.1:5 - "GET /api/patients?search=HALVORSEN HTTP/1.1" 200', "HALVORSEN",
     "/api/patients?[query]"),
    ("subscriber ssn 123-45-6789 on file", "123-45-6789", "[ssn]"),
    ("born 1948-03-14", "1948-03-14", "[date]"),
    ("born 03/14/1948", "03/14/1948", "[date]"),
    ("mail margit@example.org", "margit@example.org", "[email]"),
]


@pytest.mark.parametrize(("message", "gone", "kept"), CASES)
def test_redact(message: str, gone: str, kept: str) -> None:
    out = redact(message)
    assert gone not in out and kept in out


def test_filter_rewrites_formatted_records(caplog: pytest.LogCaptureFixture) -> None:
    configure_logging("INFO")
    logger = logging.getLogger("claimhouse.test")
    record = logger.makeRecord("claimhouse.test", logging.INFO, __file__, 1,
                               "claim %s for DOB %s", ("RFM26-1", "1951-11-02"), None)
    PhiFilter().filter(record)
    assert record.getMessage() == "claim RFM26-1 for DOB [date]"
