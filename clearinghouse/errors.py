"""Errors of the clearinghouse exchange.

    ExchangeError
     +-- TransportError             the mailbox or the watched folder could not be used
     |    +-- TransportUnavailable  transient: refused or lost connection, timeout (retried)
     |    +-- TransportAuthError    the login or the server's host key was refused (not retried)
     |    +-- RemoteFileMissing     the file named is no longer in the mailbox
     +-- BatchError                 a batch cannot be built (nothing ready, a claim will not build)

Problems inside a received file are not exceptions here: the file is stored, marked failed with
the reason in words, and kept for a person to look at.
"""

from __future__ import annotations

__all__ = [
    "ExchangeError",
    "TransportError",
    "TransportUnavailable",
    "TransportAuthError",
    "RemoteFileMissing",
    "BatchError",
]


class ExchangeError(Exception):
    """Base of every error the clearinghouse exchange raises."""


class TransportError(ExchangeError):
    """The mailbox or folder could not be used; the message names it and the operation."""


class TransportUnavailable(TransportError):
    """A transient failure (connection refused or lost, timeout): trying again later may work."""


class TransportAuthError(TransportError):
    """The server refused our credentials or we refused its host key: a person must act."""


class RemoteFileMissing(TransportError):
    """The named file is not (or no longer) in the mailbox."""


class BatchError(ExchangeError):
    """A batch of claims cannot be built; the message says which claim and why."""
