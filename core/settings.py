"""The one typed settings object, read from CLAIMHOUSE_* environment variables.

Entry points (the command line, the web app, the Celery worker) build it once with
:func:`load_settings` and pass it down; nothing reads the environment at import time.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["MIN_SECRET_KEY_BYTES", "Settings", "load_settings"]

#: HS256 keys shorter than the hash output (RFC 7518 section 3.2) are refused.
MIN_SECRET_KEY_BYTES = 32

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Settings(BaseSettings):
    # hide_input_in_errors: a refused value (a secret key, a password) never reaches a log.
    model_config = SettingsConfigDict(env_prefix="CLAIMHOUSE_", frozen=True, extra="ignore",
                                      hide_input_in_errors=True)

    #: SQLAlchemy URL. The embedded default is a SQLite file in the data directory.
    database_url: str = ""
    #: Celery broker (redis://127.0.0.1:6379/0). Empty: tasks run in-process after commit.
    broker_url: str = ""
    #: Celery result backend; defaults to the broker when that is Redis.
    result_backend: str = ""
    #: Seconds a task may run before it is asked to stop (the file it was processing is
    #: quarantined as failed, with that reason), and before its worker process is ended.
    task_soft_time_limit: int = 300
    task_time_limit: int = 360
    #: A stored file whose processing was ended this many times without finishing (its
    #: worker killed at the hard limit, or crashed) is quarantined instead of tried again.
    max_file_attempts: int = 3
    #: Where the SQLite database, the file archive and the exchange folders live.
    data_dir: Path = Path("./claimhouse-data")
    #: Keep stored X12 files on disk here instead of in the database (large volumes).
    archive_dir: Path | None = None
    #: Secret for signing login tokens, at least 32 bytes. There is no built-in value: on the
    #: embedded SQLite default the entry points keep a random one in ``<data_dir>/secret_key``
    #: (core.secret_key); with any other database it must be set.
    secret_key: str = ""
    #: Absolute lifetime of a login, in minutes: after it the user signs in again.
    token_minutes: int = 480
    #: A login ends after this many minutes without a request.
    session_idle_minutes: int = 15
    #: Failed logins tolerated within ``login_lockout_minutes`` per username and per client
    #: address before further attempts are refused for a while (429).
    login_failures_per_user: int = 5
    login_failures_per_address: int = 20
    login_lockout_minutes: int = 15
    #: Comma-separated addresses or networks of reverse proxies whose X-Forwarded-Proto and
    #: X-Forwarded-For are believed (TLS ends at the proxy). Empty: no proxy is trusted.
    trusted_proxies: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    #: Submitter / receiver identities used on outbound envelopes (ISA06/ISA08, GS02/GS03).
    submitter_id: str = "CLAIMHOUSE"
    submitter_qualifier: str = "ZZ"
    receiver_id: str = "CLEARINGHOUSE"
    receiver_qualifier: str = "ZZ"
    usage_indicator: str = "T"     # ISA15: T test, P production
    #: Loop 1000A submitter name and PER contact (the 837 requires a phone or an e-mail),
    #: and loop 1000B receiver name.
    submitter_name: str = ""
    submitter_contact: str = ""
    submitter_phone: str = ""
    submitter_email: str = ""
    receiver_name: str = ""
    #: Clearinghouse transport: "folder" (watched folders) or "sftp".
    exchange_transport: str = "folder"
    sftp_host: str = ""
    sftp_port: int = 22
    sftp_username: str = ""
    sftp_password: str = ""
    sftp_key_path: Path | None = None
    sftp_outbound_dir: str = "outbound"
    sftp_inbound_dir: str = "inbound"
    #: known_hosts file for the SFTP server's host key; empty uses ~/.ssh/known_hosts.
    sftp_known_hosts_path: str = ""
    #: Server folder fetched files are moved to; empty deletes them once stored.
    sftp_archive_dir: str = ""
    #: Operator-supplied code files (CPT is licensed and never shipped).
    cpt_codes_path: Path | None = None
    hcpcs_codes_path: Path | None = None
    taxonomy_codes_path: Path | None = None
    pos_codes_path: Path | None = None
    icd10pcs_codes_path: Path | None = None
    #: The office's posting rules (JSON, see remittance.rules); empty uses the defaults.
    posting_rules_path: Path | None = None
    log_level: str = "INFO"
    #: The largest request body an upload route accepts (an X12 file or an 835), in bytes;
    #: checked while the body arrives (api/limits.py), so nothing larger is ever stored.
    max_upload_bytes: int = 200 * 1024 * 1024
    #: Worker threads per API server process, and its database pool size (api/asgi.py).
    api_threads: int = 8

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'claimhouse.db').resolve()}"

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        size = len(value.encode())
        if value and size < MIN_SECRET_KEY_BYTES:
            raise ValueError(f"CLAIMHOUSE_SECRET_KEY is {size} bytes long; a token-signing key "
                             f"needs at least {MIN_SECRET_KEY_BYTES} random bytes (for example "
                             "the output of `python -c 'import secrets; "
                             "print(secrets.token_urlsafe(48))'`)")
        return value

    @field_validator("token_minutes", "session_idle_minutes", "login_failures_per_user",
                     "login_failures_per_address", "login_lockout_minutes",
                     "max_upload_bytes", "task_soft_time_limit", "task_time_limit",
                     "max_file_attempts")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"must be at least 1, not {value}")
        return value

    @field_validator("task_time_limit")
    @classmethod
    def _after_soft_limit(cls, value: int, info: ValidationInfo) -> int:
        soft = info.data.get("task_soft_time_limit")
        if soft is not None and value <= soft:
            raise ValueError(f"the hard time limit ({value} s) must be longer than the soft "
                             f"one (CLAIMHOUSE_TASK_SOFT_TIME_LIMIT, {soft} s)")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_list(cls, value: str) -> str:
        _networks(value)
        return value

    @property
    def trusted_proxy_networks(self) -> tuple[_Network, ...]:
        return _networks(self.trusted_proxies)

    @property
    def is_embedded(self) -> bool:
        """The embedded default: a SQLite file, one office, no separate database server."""
        return self.effective_database_url.startswith("sqlite")

    @property
    def tasks_in_process(self) -> bool:
        return not self.broker_url


def _networks(text: str) -> tuple[_Network, ...]:
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"CLAIMHOUSE_TRUSTED_PROXIES: {entry!r} is not an IP address or "
                             "network (e.g. 10.0.0.5 or 10.0.0.0/24)") from None
    return tuple(networks)


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides taking precedence."""
    return Settings(**overrides)  # type: ignore[arg-type]
