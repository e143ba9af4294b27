"""The one typed settings object, read from CLAIMHOUSE_* environment variables.

Entry points (the command line, the web app, the Celery worker) build it once with
:func:`load_settings` and pass it down; nothing reads the environment at import time.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_SECRET", "Settings", "load_settings"]

DEFAULT_SECRET = "dev-only-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMHOUSE_", frozen=True, extra="ignore")

    #: SQLAlchemy URL. The embedded default is a SQLite file in the data directory.
    database_url: str = ""
    #: Celery broker (redis://127.0.0.1:6379/0). Empty: tasks run in-process after commit.
    broker_url: str = ""
    #: Celery result backend; defaults to the broker when that is Redis.
    result_backend: str = ""
    #: Where the SQLite database, the file archive and the exchange folders live.
    data_dir: Path = Path("./claimhouse-data")
    #: Keep stored X12 files on disk here instead of in the database (large volumes).
    archive_dir: Path | None = None
    #: Secret for signing login tokens. Must be set in production; on the embedded default
    #: the commands keep a random one in ``<data_dir>/secret_key`` instead.
    secret_key: str = DEFAULT_SECRET
    token_minutes: int = 480
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
    #: Worker threads per API server process, and its database pool size (api/asgi.py).
    api_threads: int = 8

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'claimhouse.db').resolve()}"

    @property
    def has_default_secret(self) -> bool:
        return self.secret_key == DEFAULT_SECRET

    @property
    def tasks_in_process(self) -> bool:
        return not self.broker_url


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides taking precedence."""
    return Settings(**overrides)  # type: ignore[arg-type]
