"""The token-signing key of a running service. There is no built-in key.

An entry point (``claimhouse serve``, ``claimhouse demo``, the ASGI factory) calls
:func:`with_secret_key` once. CLAIMHOUSE_SECRET_KEY wins when set (core.settings refuses one
shorter than 32 bytes). Otherwise, on the embedded SQLite default, a random key is kept in
``<data_dir>/secret_key`` (owner-only, in an owner-only directory) so logins survive a restart;
with any other database the service refuses to start, because every process of a deployment
must share one key the operator controls.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from core.settings import MIN_SECRET_KEY_BYTES, Settings

__all__ = ["KEY_FILE_NAME", "MissingSecretKey", "with_secret_key"]

KEY_FILE_NAME = "secret_key"


class MissingSecretKey(RuntimeError):
    """No usable signing key: the service must not start."""


def with_secret_key(settings: Settings) -> Settings:
    """``settings`` with a usable ``secret_key``; :class:`MissingSecretKey` in words when
    there is none."""
    if settings.secret_key:
        return settings
    if not settings.is_embedded:
        raise MissingSecretKey(
            "CLAIMHOUSE_SECRET_KEY is not set: a server database needs a signing key that "
            f"every Claimhouse process shares, at least {MIN_SECRET_KEY_BYTES} random bytes "
            "(for example `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
    return settings.model_copy(update={"secret_key": _kept_key(settings.data_dir)})


def _kept_key(data_dir: Path) -> str:
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)     # holds PHI
    path = data_dir / KEY_FILE_NAME
    if not path.exists():
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        # Readable by others: anyone who can read it can sign themselves an admin login.
        os.chmod(path, 0o600)
    key = path.read_text(encoding="ascii", errors="replace").strip()
    if len(key.encode()) < MIN_SECRET_KEY_BYTES:
        raise MissingSecretKey(f"{path}: the kept signing key is {len(key.encode())} bytes "
                               f"long, shorter than {MIN_SECRET_KEY_BYTES}; delete the file to "
                               "make a new one (everyone signs in again)")
    return key


def _create(path: Path) -> None:
    """Write a fresh key under a temporary name, then link it into place: two processes
    starting at once both end up reading the one key that won, never a half-written file."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
