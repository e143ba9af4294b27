"""A real SFTP server on loopback: asyncssh with an SFTP subsystem rooted in a temporary folder.

It runs on its own event loop in a background thread (the transport under test runs its own
loop in the test's thread), listens on a random port with a freshly generated host key, and
accepts one user with a password.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pytest

SFTP_USER = "billing"
SFTP_PASSWORD = "s3cret-mailbox"


@dataclass(frozen=True)
class SftpServer:
    host: str
    port: int
    root: Path
    known_hosts: Path
    client_key: Path

    def transport_options(self) -> dict[str, object]:
        return {"username": SFTP_USER, "password": SFTP_PASSWORD,
                "known_hosts": self.known_hosts, "timeout": 10.0}


class _PasswordServer(asyncssh.SSHServer):
    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == SFTP_USER and password == SFTP_PASSWORD


@pytest.fixture
def sftp_server(tmp_path: Path) -> Iterator[SftpServer]:
    root = tmp_path / "mailbox"
    for name in ("inbound", "outbound"):
        (root / name).mkdir(parents=True)
    host_key = asyncssh.generate_private_key("ssh-ed25519")
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    client_key_path = tmp_path / "client_key"
    client_key.write_private_key(str(client_key_path))
    authorized = asyncssh.import_authorized_keys(
        client_key.export_public_key().decode())
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, object] = {}

    def sftp_factory(chan: asyncssh.SSHServerChannel) -> asyncssh.SFTPServer:
        return asyncssh.SFTPServer(chan, chroot=str(root).encode())

    async def start() -> None:
        acceptor = await asyncssh.listen(
            "127.0.0.1", 0, server_host_keys=[host_key], server_factory=_PasswordServer,
            sftp_factory=sftp_factory, allow_scp=False, authorized_client_keys=authorized)
        holder["acceptor"] = acceptor
        holder["port"] = acceptor.sockets[0].getsockname()[1]

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="sftp-server", daemon=True)
    thread.start()
    assert started.wait(10), "the SFTP test server did not start"
    port = int(holder["port"])  # type: ignore[arg-type]
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(
        f"[127.0.0.1]:{port} {host_key.export_public_key().decode().strip()}\n")
    try:
        yield SftpServer("127.0.0.1", port, root, known_hosts, client_key_path)
    finally:
        acceptor = holder["acceptor"]

        async def stop() -> None:
            acceptor.close()  # type: ignore[attr-defined]
            await acceptor.wait_closed()  # type: ignore[attr-defined]

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
