"""Transports: the one I/O seam between Claimhouse and a clearinghouse mailbox.

A clearinghouse mailbox has two sides: an outbound directory where we drop 837 batches and an
inbound directory where the clearinghouse leaves 999, TA1, 277CA (later 835 and 271) files.
Every transport offers the same four operations, so the exchange services never know whether
they talk to a watched folder, an SFTP server or (in tests) a dictionary:

* ``list_inbound()``: the files waiting for us, oldest first;
* ``fetch(name)``: one inbound file's bytes;
* optionally ``open_inbound(name)``: the same file as a binary stream, for a transport that can
  hand it over without reading it whole (the folder transport); the exchange prefers it;
* ``put(name, content)``: write an outbound file atomically (readers never see half a file);
* ``archive(name)``: take an inbound file out of the inbox once it is safely stored.

The SFTP transport lives in :mod:`clearinghouse.sftp`.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Protocol, Self, runtime_checkable

from clearinghouse.errors import RemoteFileMissing, TransportError

if TYPE_CHECKING:
    from core.settings import Settings

__all__ = [
    "RemoteFile",
    "Transport",
    "FolderTransport",
    "MemoryTransport",
    "check_file_name",
    "is_partial_name",
    "transport_from_settings",
]

# Names writers use while a file is still being written (ours: ".name.part"; WinSCP's
# ".filepart"; many clearinghouse agents ".tmp"). They are never picked up.
_PARTIAL_SUFFIXES = (".part", ".filepart", ".tmp", ".partial")


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """One file waiting in the inbox."""

    name: str
    size: int
    modified: dt.datetime | None = None


@runtime_checkable
class Transport(Protocol):
    """What every clearinghouse transport offers (see the module docstring)."""

    @property
    def location(self) -> str:
        """Where this transport points, for messages (``sftp://host:22``, a folder path)."""
        ...

    def list_inbound(self) -> tuple[RemoteFile, ...]: ...

    def fetch(self, name: str) -> bytes: ...

    def put(self, name: str, content: bytes) -> None: ...

    def archive(self, name: str) -> None: ...

    def close(self) -> None: ...


def check_file_name(name: str) -> str:
    """Refuse names that would leave the mailbox directory (``../x``, ``a/b``, empty)."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise TransportError(f"{name!r} is not a plain file name")
    return name


def is_partial_name(name: str) -> bool:
    """Hidden files and files still being written are left alone."""
    return name.startswith(".") or name.lower().endswith(_PARTIAL_SUFFIXES)


def _sorted_files(files: Iterable[RemoteFile]) -> tuple[RemoteFile, ...]:
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    return tuple(sorted(files, key=lambda f: (f.modified or oldest, f.name)))


class _Closing:
    def close(self) -> None:
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class FolderTransport(_Closing):
    """Watched folders: ``inbound/`` to read, ``outbound/`` to write, ``archive/`` for done files.

    Outbound files are written to a hidden temporary name in the same directory, flushed to
    disk and renamed, so a clearinghouse agent watching the folder only ever sees whole files.
    """

    def __init__(self, root: Path | str, *, inbound: str = "inbound", outbound: str = "outbound",
                 archive: str = "archive") -> None:
        self.root = Path(root)
        self.inbound_dir = self.root / inbound
        self.outbound_dir = self.root / outbound
        self.archive_dir = self.root / archive
        for directory in (self.inbound_dir, self.outbound_dir, self.archive_dir):
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise TransportError(f"cannot create the exchange folder {directory}: "
                                     f"{exc.strerror or exc}") from exc

    @property
    def location(self) -> str:
        return str(self.root)

    def list_inbound(self) -> tuple[RemoteFile, ...]:
        files = []
        try:
            entries = list(os.scandir(self.inbound_dir))
        except OSError as exc:
            raise TransportError(f"cannot list {self.inbound_dir}: {exc.strerror or exc}") from exc
        for entry in entries:
            if is_partial_name(entry.name) or not entry.is_file():
                continue
            stat = entry.stat()
            files.append(RemoteFile(entry.name, stat.st_size,
                                    dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)))
        return _sorted_files(files)

    def fetch(self, name: str) -> bytes:
        path = self.inbound_dir / check_file_name(name)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise RemoteFileMissing(f"{path} is no longer in the inbound folder") from exc
        except OSError as exc:
            raise TransportError(f"cannot read {path}: {exc.strerror or exc}") from exc

    def open_inbound(self, name: str) -> IO[bytes]:
        """The inbound file as a stream, so a large one is stored without being read whole."""
        path = self.inbound_dir / check_file_name(name)
        try:
            return path.open("rb")
        except FileNotFoundError as exc:
            raise RemoteFileMissing(f"{path} is no longer in the inbound folder") from exc
        except OSError as exc:
            raise TransportError(f"cannot read {path}: {exc.strerror or exc}") from exc

    def put(self, name: str, content: bytes) -> None:
        target = self.outbound_dir / check_file_name(name)
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=self.outbound_dir)
        except OSError as exc:
            raise TransportError(f"cannot write {target}: {exc.strerror or exc}") from exc
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except OSError as exc:
            Path(temp).unlink(missing_ok=True)
            raise TransportError(f"cannot write {target}: {exc.strerror or exc}") from exc

    def archive(self, name: str) -> None:
        source = self.inbound_dir / check_file_name(name)
        day = self.archive_dir / dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
        target = day / name
        counter = 1
        while target.exists():
            counter += 1
            target = day / f"{name}.{counter}"
        try:
            day.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        except FileNotFoundError as exc:
            raise RemoteFileMissing(f"{source} is no longer in the inbound folder") from exc
        except OSError as exc:
            raise TransportError(f"cannot move {source} to {target}: "
                                 f"{exc.strerror or exc}") from exc


class MemoryTransport(_Closing):
    """A mailbox held in dictionaries, for tests and demonstrations.

    ``inbound``, ``outbound`` and ``archived`` map file names to bytes; tests drop files into
    ``inbound`` and read what was sent from ``outbound``. ``fail_next`` makes the next call of
    that operation raise the given error, to exercise retries.
    """

    def __init__(self) -> None:
        self.inbound: dict[str, bytes] = {}
        self.outbound: dict[str, bytes] = {}
        self.archived: dict[str, bytes] = {}
        self.fail_next: dict[str, Exception] = {}
        self._clock = 0

    @property
    def location(self) -> str:
        return "memory"

    def _maybe_fail(self, operation: str) -> None:
        error = self.fail_next.pop(operation, None)
        if error is not None:
            raise error

    def drop(self, name: str, content: bytes | str) -> None:
        """Leave a file in the inbox, as the clearinghouse would."""
        self.inbound[check_file_name(name)] = (
            content.encode("utf-8") if isinstance(content, str) else content)

    def list_inbound(self) -> tuple[RemoteFile, ...]:
        self._maybe_fail("list_inbound")
        return tuple(RemoteFile(name, len(data)) for name, data in sorted(self.inbound.items())
                     if not is_partial_name(name))

    def fetch(self, name: str) -> bytes:
        self._maybe_fail("fetch")
        try:
            return self.inbound[check_file_name(name)]
        except KeyError as exc:
            raise RemoteFileMissing(f"{name} is no longer in the memory inbox") from exc

    def put(self, name: str, content: bytes) -> None:
        self._maybe_fail("put")
        self.outbound[check_file_name(name)] = bytes(content)

    def archive(self, name: str) -> None:
        self._maybe_fail("archive")
        try:
            self.archived[name] = self.inbound.pop(check_file_name(name))
        except KeyError as exc:
            raise RemoteFileMissing(f"{name} is no longer in the memory inbox") from exc


def transport_from_settings(settings: Settings) -> Transport:
    """The transport the operator configured (CLAIMHOUSE_EXCHANGE_TRANSPORT: folder | sftp)."""
    kind = settings.exchange_transport.strip().lower()
    if kind == "folder":
        return FolderTransport(settings.data_dir / "exchange")
    if kind == "sftp":
        from clearinghouse.sftp import SftpTransport

        known_hosts = settings.sftp_known_hosts_path.strip()
        return SftpTransport(
            settings.sftp_host, settings.sftp_port, username=settings.sftp_username,
            password=settings.sftp_password or None, key_path=settings.sftp_key_path,
            known_hosts=known_hosts or (), inbound_dir=settings.sftp_inbound_dir,
            outbound_dir=settings.sftp_outbound_dir,
            archive_dir=settings.sftp_archive_dir.strip() or None)
    raise TransportError(f"CLAIMHOUSE_EXCHANGE_TRANSPORT is {settings.exchange_transport!r}; "
                         "use 'folder' or 'sftp'")
