"""Every transport honours the same contract; the SFTP one runs against a real server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from clearinghouse.errors import (
    RemoteFileMissing,
    TransportAuthError,
    TransportError,
    TransportUnavailable,
)
from clearinghouse.sftp import SftpTransport
from clearinghouse.transports import FolderTransport, MemoryTransport, Transport, check_file_name

Drop = Callable[[str, bytes], None]
Outbound = Callable[[], dict[str, bytes]]


@pytest.fixture(params=["memory", "folder", pytest.param("sftp", marks=pytest.mark.sftp)])
def mailbox(request: pytest.FixtureRequest,
            tmp_path: Path) -> Iterator[tuple[Transport, Drop, Outbound]]:
    if request.param == "memory":
        memory = MemoryTransport()
        yield memory, memory.drop, lambda: dict(memory.outbound)
        return
    if request.param == "folder":
        root = tmp_path / "exchange"
        transport: Transport = FolderTransport(root)
        inbound, outbound = root / "inbound", root / "outbound"
    else:
        server = request.getfixturevalue("sftp_server")
        transport = SftpTransport(server.host, server.port, archive_dir="done",
                                  **server.transport_options())
        inbound, outbound = server.root / "inbound", server.root / "outbound"

    def drop(name: str, content: bytes) -> None:
        (inbound / name).write_bytes(content)

    def sent() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in outbound.iterdir() if p.is_file()}

    try:
        yield transport, drop, sent
    finally:
        transport.close()


def test_lists_fetches_and_archives_inbound_files(mailbox):
    transport, drop, _ = mailbox
    drop("ack-1.999", b"ISA*first~")
    drop("ack-2.277", b"ISA*second~")
    drop(".hidden", b"x")
    drop("half.x12.part", b"x")
    names = [f.name for f in transport.list_inbound()]
    assert sorted(names) == ["ack-1.999", "ack-2.277"]
    assert transport.fetch("ack-2.277") == b"ISA*second~"
    transport.archive("ack-1.999")
    assert [f.name for f in transport.list_inbound()] == ["ack-2.277"]
    with pytest.raises(RemoteFileMissing):
        transport.fetch("ack-1.999")
    with pytest.raises(RemoteFileMissing):
        transport.archive("ack-1.999")


def test_put_writes_whole_files_and_replaces(mailbox):
    transport, _, sent = mailbox
    transport.put("batch-000000001.837", b"ISA*one~")
    transport.put("batch-000000001.837", b"ISA*one, again~")
    transport.put("batch-000000002.837", b"")
    assert sent() == {"batch-000000001.837": b"ISA*one, again~", "batch-000000002.837": b""}


def test_sizes_are_reported(mailbox):
    transport, drop, _ = mailbox
    drop("a.999", b"12345")
    (only,) = transport.list_inbound()
    assert only.size == 5


@pytest.mark.parametrize("name", ["", ".", "..", "../etc/passwd", "a/b", "a\\b"])
def test_names_that_leave_the_mailbox_are_refused(name):
    with pytest.raises(TransportError):
        check_file_name(name)


def test_folder_archive_keeps_same_named_files(tmp_path):
    transport = FolderTransport(tmp_path)
    for body in (b"one", b"two"):
        (tmp_path / "inbound" / "ack.999").write_bytes(body)
        transport.archive("ack.999")
    archived = sorted(p.read_bytes() for p in (tmp_path / "archive").rglob("*") if p.is_file())
    assert archived == [b"one", b"two"]


def test_folder_put_leaves_no_temporary_file(tmp_path):
    transport = FolderTransport(tmp_path)
    transport.put("x.837", b"data")
    assert [p.name for p in (tmp_path / "outbound").iterdir()] == ["x.837"]


def test_memory_transport_can_fail_once():
    transport = MemoryTransport()
    transport.fail_next["put"] = TransportUnavailable("mailbox down")
    with pytest.raises(TransportUnavailable):
        transport.put("a", b"1")
    transport.put("a", b"1")
    assert transport.outbound == {"a": b"1"}


@pytest.mark.sftp
def test_sftp_wrong_password_is_an_auth_error(sftp_server):
    options = sftp_server.transport_options() | {"password": "wrong"}
    with SftpTransport(sftp_server.host, sftp_server.port, **options) as transport:
        with pytest.raises(TransportAuthError, match="refused the login"):
            transport.list_inbound()


@pytest.mark.sftp
def test_sftp_unknown_host_key_is_an_auth_error(sftp_server, tmp_path):
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    options = sftp_server.transport_options() | {"known_hosts": empty}
    with SftpTransport(sftp_server.host, sftp_server.port, **options) as transport:
        with pytest.raises(TransportAuthError, match="host key"):
            transport.list_inbound()


@pytest.mark.sftp
def test_sftp_connection_refused_is_transient(unused_port):
    with SftpTransport("127.0.0.1", unused_port, username="x", password="y",
                       timeout=5) as transport:
        with pytest.raises(TransportUnavailable, match="127.0.0.1"):
            transport.list_inbound()


@pytest.mark.sftp
def test_sftp_deletes_fetched_files_without_an_archive_dir(sftp_server):
    (sftp_server.root / "inbound" / "a.999").write_bytes(b"x")
    with SftpTransport(sftp_server.host, sftp_server.port,
                       **sftp_server.transport_options()) as transport:
        transport.archive("a.999")
        assert transport.list_inbound() == ()
    assert not (sftp_server.root / "inbound" / "a.999").exists()


@pytest.mark.sftp
def test_sftp_reconnects_after_close(sftp_server):
    with SftpTransport(sftp_server.host, sftp_server.port,
                       **sftp_server.transport_options()) as transport:
        transport.put("a.837", b"1")
        transport.close()
        transport.put("b.837", b"2")
    assert sorted(p.name for p in (sftp_server.root / "outbound").iterdir()) == ["a.837", "b.837"]


@pytest.fixture
def unused_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.sftp
def test_sftp_a_server_that_never_answers_times_out(silent_server):
    with SftpTransport("127.0.0.1", silent_server, username="x", password="y",
                       timeout=1) as transport:
        with pytest.raises(TransportUnavailable, match="took longer than 1 s"):
            transport.list_inbound()


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never says a word (a hung mailbox)."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.sftp
def test_sftp_logs_in_with_a_key(sftp_server):
    (sftp_server.root / "inbound" / "k.999").write_bytes(b"key")
    with SftpTransport(sftp_server.host, sftp_server.port, username="billing",
                       key_path=sftp_server.client_key, known_hosts=sftp_server.known_hosts,
                       timeout=10) as transport:
        assert transport.fetch("k.999") == b"key"


def test_the_configured_transport_is_built_from_settings(tmp_path):
    from clearinghouse.transports import transport_from_settings
    from core.settings import load_settings

    folder = transport_from_settings(load_settings(data_dir=tmp_path))
    assert isinstance(folder, FolderTransport) and folder.root == tmp_path / "exchange"
    sftp = transport_from_settings(load_settings(
        exchange_transport="sftp", sftp_host="mailbox.example", sftp_username="u",
        sftp_known_hosts_path=str(tmp_path / "kh"), sftp_archive_dir="done"))
    assert isinstance(sftp, SftpTransport)
    assert (sftp.location, sftp.archive_dir) == ("sftp://u@mailbox.example:22", "done")
    with pytest.raises(TransportError, match="CLAIMHOUSE_SFTP_HOST"):
        transport_from_settings(load_settings(exchange_transport="sftp"))
    with pytest.raises(TransportError, match="'ftp'"):
        transport_from_settings(load_settings(exchange_transport="ftp"))


def test_folder_put_into_a_vanished_outbound_folder_is_a_transport_error(tmp_path):
    transport = FolderTransport(tmp_path)
    transport.outbound_dir.rmdir()
    with pytest.raises(TransportError, match="cannot write .*outbound/a.837"):
        transport.put("a.837", b"ISA~")
