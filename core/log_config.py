"""Logging set-up that keeps protected health information out of application logs.

Application code logs ids and counts, never names, birth dates or member ids. As a second line
of defence every record passes :class:`PhiFilter`, which drops URL query strings (search boxes
put patient names there) from access-log lines and masks what looks like a social security
number, a date or an e-mail address in any message. SQL parameters are never logged: engines
are built with ``hide_parameters=True`` (core.db).
"""

from __future__ import annotations

import logging
import re
import sys

__all__ = ["PhiFilter", "configure_logging", "redact"]

_PATTERNS = (
    (re.compile(r"\b\d{3}-?\d{2}-?\d{4}\b"), "[ssn]"),
    (re.compile(r"\b(?:19|20)\d{2}-?[01]\d-?[0-3]\d\b"), "[date]"),
    (re.compile(r"\b[01]?\d/[0-3]?\d/(?:19|20)?\d{2}\b"), "[date]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "[email]"),
)
_QUERY = re.compile(r"\?[^\s\"']*")


def redact(text: str) -> str:
    """``text`` with query strings and PHI-shaped values masked."""
    text = _QUERY.sub("?[query]", text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class PhiFilter(logging.Filter):
    """Rewrites each record's message in place; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg = redact(message)
        record.args = None
        return True


def configure_logging(level: str = "INFO") -> None:
    """Root and uvicorn loggers to stderr through :class:`PhiFilter`. Idempotent."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PhiFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_claimhouse", False):
            root.removeHandler(old)
    handler._claimhouse = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # Engine logging would print SQL with bound values (names, birth dates).
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
