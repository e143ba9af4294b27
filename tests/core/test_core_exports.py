"""core's public names are pinned: changing them is a deliberate act."""

import core


def test_core_exports() -> None:
    assert core.__all__ == sorted(core.__all__)
    assert set(core.__all__) == {
        "Action", "Actor", "AuditEntry", "AuthenticationFailed", "Base", "Conflict",
        "CoreError", "Direction", "FileStatus", "NotFound", "Permission", "PermissionDenied",
        "Role", "Settings", "StoredFile", "User", "claim_for_processing", "configure_logging",
        "file_content", "find_file", "has_permission", "load_settings", "make_engine",
        "make_session_factory", "mark_failed", "mark_processed", "mark_sent", "pending_files",
        "session_scope", "sniff_kind", "store_file", "utcnow"}
    for name in core.__all__:
        assert getattr(core, name) is not None
