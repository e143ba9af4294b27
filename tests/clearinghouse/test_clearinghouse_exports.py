"""The clearinghouse package's public API is exactly what __all__ says."""

import clearinghouse


def test_public_api_is_pinned():
    assert clearinghouse.__all__ == sorted(clearinghouse.__all__, key=lambda n: (
        not n.isupper(), not n[0].isupper(), n))
    assert set(clearinghouse.__all__) == {
        "DUPLICATE", "UNHANDLED", "WAITING", "Batch", "BatchError", "ExchangeError",
        "FileActor", "FolderTransport",
        "MemoryTransport", "PollResult", "ProcessOutcome", "Received", "RemoteFile",
        "RemoteFileMissing", "SftpTransport", "Transport", "TransportAuthError",
        "TransportError", "TransportUnavailable", "allocate_control_numbers", "poll_mailbox",
        "process_file", "process_stored_file", "receive_file", "record_failure",
        "send_submission", "send_unsent", "submit_ready_claims", "transport_from_settings",
        "unprocessed_file_ids", "unsent_submission_ids"}
    for name in clearinghouse.__all__:
        assert getattr(clearinghouse, name) is not None
