"""Clearinghouse exchange: outbound 837 batches, inbound acknowledgments, the mailbox transports.

Files move through one seam, a :class:`Transport` (watched folders, an SFTP mailbox, or memory
in tests). Every file is stored by SHA-256 before anything acts on it; outbound batches draw
unique ISA13/GS06 control numbers in the transaction that records them; inbound files are routed
by ST01 (999, TA1, 277CA onto claims; 835 to remittance posting) and applied exactly once.
The units of work that the worker tasks and commands run are in :mod:`clearinghouse.cycle`.
"""

from clearinghouse.acting import FileActor
from clearinghouse.cycle import PollResult, poll_mailbox, process_stored_file, send_unsent
from clearinghouse.errors import (
    BatchError,
    ExchangeError,
    RemoteFileMissing,
    TransportAuthError,
    TransportError,
    TransportUnavailable,
)
from clearinghouse.inbound import (
    DUPLICATE,
    UNHANDLED,
    WAITING,
    ProcessOutcome,
    Received,
    process_file,
    receive_file,
    record_failure,
    unprocessed_file_ids,
)
from clearinghouse.outbound import (
    Batch,
    send_submission,
    submit_ready_claims,
    unsent_submission_ids,
)
from clearinghouse.tables import allocate_control_numbers
from clearinghouse.transports import (
    FolderTransport,
    MemoryTransport,
    RemoteFile,
    Transport,
    transport_from_settings,
)

__all__ = [
    "DUPLICATE",
    "UNHANDLED",
    "WAITING",
    "Batch",
    "BatchError",
    "ExchangeError",
    "FileActor",
    "FolderTransport",
    "MemoryTransport",
    "PollResult",
    "ProcessOutcome",
    "Received",
    "RemoteFile",
    "RemoteFileMissing",
    "SftpTransport",
    "Transport",
    "TransportAuthError",
    "TransportError",
    "TransportUnavailable",
    "allocate_control_numbers",
    "poll_mailbox",
    "process_file",
    "process_stored_file",
    "receive_file",
    "record_failure",
    "send_submission",
    "send_unsent",
    "submit_ready_claims",
    "transport_from_settings",
    "unprocessed_file_ids",
    "unsent_submission_ids",
]


def __getattr__(name: str) -> object:
    # asyncssh takes a fifth of a second to import; only SFTP users should pay for it.
    if name == "SftpTransport":
        from clearinghouse.sftp import SftpTransport

        return SftpTransport
    raise AttributeError(f"module 'clearinghouse' has no attribute {name!r}")
