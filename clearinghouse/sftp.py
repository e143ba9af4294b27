"""The SFTP mailbox transport, as clearinghouses run them: an outbound and an inbound directory.

asyncssh is asynchronous and our services are not (they run in Celery workers and FastAPI's
thread pool), so the transport owns a private event loop and runs each operation on it to
completion. One SSH connection is opened on first use and reused until :meth:`close`; a lost
connection is dropped and opened again on the next call.

Failures are sorted for the worker: refused or lost connections and timeouts are
:class:`~clearinghouse.errors.TransportUnavailable` (retried later); a refused login or an
untrusted host key is :class:`~clearinghouse.errors.TransportAuthError` (a person must act).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import posixpath
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import asyncssh

from clearinghouse.errors import (
    RemoteFileMissing,
    TransportAuthError,
    TransportError,
    TransportUnavailable,
)
from clearinghouse.transports import RemoteFile, _Closing, _sorted_files, check_file_name
from clearinghouse.transports import is_partial_name as _is_partial

__all__ = ["SftpTransport"]

T = TypeVar("T")


class SftpTransport(_Closing):
    """An SFTP mailbox. ``known_hosts`` is a path to an OpenSSH known_hosts file; ``()`` uses
    the account's ``~/.ssh/known_hosts``. ``archive_dir`` keeps fetched files on the server
    (moved there); without it they are deleted once stored, as most mailboxes expect."""

    def __init__(self, host: str, port: int = 22, *, username: str, password: str | None = None,
                 key_path: Path | str | None = None, known_hosts: Path | str | tuple[()] = (),
                 inbound_dir: str = "inbound", outbound_dir: str = "outbound",
                 archive_dir: str | None = None, timeout: float = 30.0) -> None:
        if not host:
            raise TransportError("no SFTP host is configured (CLAIMHOUSE_SFTP_HOST)")
        if not username:
            raise TransportError("no SFTP user name is configured (CLAIMHOUSE_SFTP_USERNAME)")
        self.host = host
        self.port = port
        self.username = username
        self._password = password or None
        self._key_path = str(key_path) if key_path else None
        self._known_hosts = str(known_hosts) if known_hosts != () else ()
        self.inbound_dir = inbound_dir
        self.outbound_dir = outbound_dir
        self.archive_dir = archive_dir
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._conn: asyncssh.SSHClientConnection | None = None
        self._sftp: asyncssh.SFTPClient | None = None

    @property
    def location(self) -> str:
        return f"sftp://{self.username}@{self.host}:{self.port}"

    def _run(self, what: str, operation: Callable[[asyncssh.SFTPClient], Awaitable[T]]) -> T:
        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.new_event_loop()
        try:
            return self._loop.run_until_complete(
                asyncio.wait_for(self._call(operation), self.timeout))
        except TimeoutError as exc:
            self._drop()
            raise TransportUnavailable(
                f"{self.location}: {what} took longer than {self.timeout:g} s") from exc
        except asyncssh.PermissionDenied as exc:
            self._drop()
            raise TransportAuthError(
                f"{self.location} refused the login for user {self.username!r}: "
                "check the password or key") from exc
        except asyncssh.HostKeyNotVerifiable as exc:
            self._drop()
            raise TransportAuthError(
                f"{self.location}: the server's host key is not in the known_hosts file, "
                "so the connection was refused") from exc
        except asyncssh.SFTPNoSuchFile as exc:
            raise RemoteFileMissing(f"{self.location}: {what}: no such file") from exc
        except (asyncssh.SFTPConnectionLost, asyncssh.SFTPNoConnection,
                asyncssh.ConnectionLost, asyncssh.DisconnectError, OSError) as exc:
            self._drop()
            reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or exc
            raise TransportUnavailable(f"{self.location}: {what} failed: {reason}") from exc
        except asyncssh.SFTPError as exc:
            raise TransportError(f"{self.location}: {what} failed: {exc.reason}") from exc

    async def _call(self, operation: Callable[[asyncssh.SFTPClient], Awaitable[T]]) -> T:
        if self._sftp is None:
            options: dict[str, object] = {"username": self.username,
                                          "known_hosts": self._known_hosts}
            if self._password:
                options["password"] = self._password
            if self._key_path:
                options["client_keys"] = [self._key_path]
            else:
                options["client_keys"] = None if self._password else ()
            self._conn = await asyncssh.connect(self.host, self.port, **options)
            self._sftp = await self._conn.start_sftp_client()
        return await operation(self._sftp)

    def _drop(self) -> None:
        conn, self._conn, self._sftp = self._conn, None, None
        if conn is not None:
            conn.abort()

    def close(self) -> None:
        loop = self._loop
        if self._conn is not None and loop is not None and not loop.is_closed():
            if self._sftp is not None:
                self._sftp.exit()
            self._conn.close()
            try:
                loop.run_until_complete(asyncio.wait_for(self._conn.wait_closed(), 5))
            except (TimeoutError, OSError, asyncssh.Error):
                pass
        self._conn = self._sftp = None
        if loop is not None and not loop.is_closed():
            loop.close()
        self._loop = None

    def list_inbound(self) -> tuple[RemoteFile, ...]:
        async def listing(sftp: asyncssh.SFTPClient) -> tuple[RemoteFile, ...]:
            files = []
            for entry in await sftp.readdir(self.inbound_dir):
                name = entry.filename if isinstance(entry.filename, str) else \
                    entry.filename.decode("utf-8", "replace")
                attrs = entry.attrs
                if _is_partial(name) or (attrs.permissions is not None
                                         and not stat.S_ISREG(attrs.permissions)):
                    continue
                modified = (dt.datetime.fromtimestamp(attrs.mtime, dt.UTC)
                            if attrs.mtime is not None else None)
                files.append(RemoteFile(name, attrs.size or 0, modified))
            return _sorted_files(files)
        return self._run(f"listing {self.inbound_dir}", listing)

    def fetch(self, name: str) -> bytes:
        path = posixpath.join(self.inbound_dir, check_file_name(name))

        async def read(sftp: asyncssh.SFTPClient) -> bytes:
            async with sftp.open(path, "rb") as handle:
                return await handle.read()
        return self._run(f"reading {path}", read)

    def put(self, name: str, content: bytes) -> None:
        target = posixpath.join(self.outbound_dir, check_file_name(name))
        temp = posixpath.join(self.outbound_dir, f".{name}.part")

        async def write(sftp: asyncssh.SFTPClient) -> None:
            async with sftp.open(temp, "wb") as handle:
                await handle.write(content)
            await _rename(sftp, temp, target)
        self._run(f"writing {target}", write)

    def archive(self, name: str) -> None:
        source = posixpath.join(self.inbound_dir, check_file_name(name))
        archive_dir = self.archive_dir

        async def move(sftp: asyncssh.SFTPClient) -> None:
            if archive_dir is None:
                await sftp.remove(source)
                return
            if not await sftp.isdir(archive_dir):
                await sftp.makedirs(archive_dir, exist_ok=True)
            await _rename(sftp, source, posixpath.join(archive_dir, name))
        self._run(f"archiving {source}", move)


async def _rename(sftp: asyncssh.SFTPClient, source: str, target: str) -> None:
    """Replace ``target`` atomically where the server allows it (OpenSSH's posix-rename)."""
    try:
        await sftp.posix_rename(source, target)
    except asyncssh.SFTPOpUnsupported:
        # Plain SFTP rename refuses to overwrite; the target is removed first.
        if await sftp.exists(target):
            await sftp.remove(target)
        await sftp.rename(source, target)
