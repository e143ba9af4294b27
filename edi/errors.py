"""Errors raised by the X12 engine.

Fatal problems, the ones after which a file cannot be read any further, are exceptions.
Everything a reader can recover from is reported as a :class:`edi.x12.defects.Defect`
value instead, unless the caller asked for strict reading.

    X12Error
     +-- InterchangeError      the ISA/IEA envelope is unusable (TA1 level); carries a TA105 note
     +-- GrammarError          no transaction definition fits, or a definition is malformed
     +-- StrictModeError       a defect was found while reading strictly; carries the defect
     +-- WrongTransactionError the file holds transaction sets, none of the kind the reader
                               reads (also a ValueError, as readers raised before)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from edi.x12.defects import Defect

__all__ = ["X12Error", "InterchangeError", "GrammarError", "StrictModeError",
           "WrongTransactionError"]


class X12Error(Exception):
    """Base of every error the X12 engine raises."""


class InterchangeError(X12Error):
    """The interchange envelope cannot be read (reported with a TA1).

    ``note_code`` is the TA105 interchange note code (for example ``"004"`` for an invalid
    segment terminator), ``position`` the character offset in the text where it was noticed.
    """

    def __init__(self, message: str, note_code: str = "024", position: int = 0,
                 source: str | None = None) -> None:
        self.note_code = note_code
        self.position = position
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{message}")


class GrammarError(X12Error):
    """No transaction definition applies, or a definition is inconsistent."""


class StrictModeError(X12Error):
    """Raised instead of recording a defect when reading in strict mode."""

    def __init__(self, defect: Defect) -> None:
        self.defect = defect
        super().__init__(str(defect))


class WrongTransactionError(X12Error, ValueError):
    """The text holds transaction sets, but none the reader was asked to read (an 837 given
    to the 999 reader); the message names the file and the sets found."""
