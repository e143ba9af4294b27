"""Settings, database plumbing, users and roles, login tokens, the access audit log, the
stored-file archive and PHI-safe logging. Imports no domain package (import-linter contract).

Service functions take a Session and never commit; entry points own the transaction.
"""

from core.archive import (
    Direction,
    FileStatus,
    claim_for_processing,
    file_content,
    find_file,
    mark_failed,
    mark_processed,
    mark_sent,
    pending_files,
    sniff_kind,
    store_file,
)
from core.audit import Action, Actor
from core.db import Base, make_engine, make_session_factory, session_scope
from core.errors import AuthenticationFailed, Conflict, CoreError, NotFound, PermissionDenied
from core.log_config import configure_logging
from core.roles import Permission, Role, has_permission
from core.settings import Settings, load_settings
from core.tables import AuditEntry, StoredFile, User, utcnow

__all__ = [
    "Action",
    "Actor",
    "AuditEntry",
    "AuthenticationFailed",
    "Base",
    "Conflict",
    "CoreError",
    "Direction",
    "FileStatus",
    "NotFound",
    "Permission",
    "PermissionDenied",
    "Role",
    "Settings",
    "StoredFile",
    "User",
    "claim_for_processing",
    "configure_logging",
    "file_content",
    "find_file",
    "has_permission",
    "load_settings",
    "make_engine",
    "make_session_factory",
    "mark_failed",
    "mark_processed",
    "mark_sent",
    "pending_files",
    "session_scope",
    "sniff_kind",
    "store_file",
    "utcnow",
]
