"""Users (admin), the audit log (supervisor) and the stored-file archive."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select

from api.deps import DbSession, Principal, require, settings_of
from api.file_processing import apply_stored_file, outcome_words, process_as, store_upload
from api.openapi import refusals
from api.params import BeforeId, FilterDate, IdPath, OptionalId
from api.schemas import (
    AuditEntryOut,
    SessionsEnded,
    StoredFileCreated,
    StoredFileOut,
    UserIn,
    UserOut,
    UserPatch,
)
from clearinghouse.file_patients import patients_in_file
from core import archive, audit, audit_export, sessions, users
from core.audit import Action
from core.errors import NotFound
from core.roles import Permission
from core.tables import AuditEntry, StoredFile, User

router = APIRouter(prefix="/api", tags=["admin"])

Admin = Annotated[Principal, require(Permission.USERS_MANAGE)]
Auditor = Annotated[Principal, require(Permission.AUDIT_READ)]
FileReader = Annotated[Principal, require(Permission.FILES_READ)]
Uploader = Annotated[Principal, require(Permission.FILES_UPLOAD)]


@router.get("/users", response_model=list[UserOut], tags=["users"])
def list_users(session: DbSession, user: Admin) -> list[User]:
    return list(users.list_users(session))


@router.post("/users", response_model=UserOut, status_code=201, tags=["users"],
             responses=refusals(409))
def create_user(body: UserIn, session: DbSession, user: Admin) -> User:
    created = users.create_user(session, username=body.username, password=body.password,
                                role=body.role, full_name=body.full_name)
    audit.record(session, user.actor, Action.CREATE, "user", created.id)
    return created


@router.patch("/users/{user_id}", response_model=UserOut, tags=["users"],
              summary="Change a user's role, name, or deactivate them", responses=refusals(409))
def update_user(user_id: IdPath, body: UserPatch, session: DbSession, user: Admin) -> User:
    changed = users.update_user(session, user_id, role=body.role, active=body.active,
                                full_name=body.full_name)
    audit.record(session, user.actor, Action.UPDATE, "user", user_id)
    return changed


@router.delete("/users/{user_id}/sessions", response_model=SessionsEnded, tags=["users"],
               summary="Sign a user out everywhere: every login token of theirs stops working")
def end_user_sessions(user_id: IdPath, session: DbSession, user: Admin) -> SessionsEnded:
    users.get_user(session, user_id)
    ended = sessions.end_user_sessions(session, user_id,
                                       reason=sessions.EndReason.ADMINISTRATOR)
    audit.record(session, user.actor, Action.UPDATE, "login_session", user_id)
    return SessionsEnded(ended=ended)


@router.get("/audit", response_model=list[AuditEntryOut], tags=["audit"],
            summary="The access log, newest first (who looked at which patient)")
def audit_log(session: DbSession, user: Auditor, patient_id: OptionalId = None,
              actor: Annotated[str | None, Query(max_length=64)] = None,
              before_id: BeforeId = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[AuditEntry]:
    entries = list(audit.list_entries(session, patient_id=patient_id, actor=actor,
                                      before_id=before_id, limit=limit))
    # Reading the access log is itself access to it.
    audit.record(session, user.actor, Action.LIST, "audit_log", patient_id=patient_id,
                 detail=audit_export.describe_query(patient_id, actor=actor,
                                                    count=len(entries)))
    return entries


@router.get("/audit/export", tags=["audit"], response_class=Response,
            summary="Every access-log entry for a patient and/or a date range, oldest first",
            responses={200: {"content": {"text/csv": {}, "application/json": {}},
                             "description": "The entries as CSV or a JSON array"}})
def audit_export_route(session: DbSession, user: Auditor, patient_id: OptionalId = None,
                       from_date: Annotated[FilterDate, Query(alias="from")] = None,
                       to_date: Annotated[FilterDate, Query(alias="to")] = None,
                       format: audit_export.ExportFormat = audit_export.ExportFormat.CSV,
                       ) -> Response:
    """Give a patient (``patient_id``), a date range (``from`` and ``to``, inclusive, UTC
    days) or both. The export is itself written to the log."""
    query = audit_export.ExportQuery.of(patient_id, from_date, to_date)
    entries = audit_export.collect(session, query)
    audit.record(session, user.actor, Action.EXPORT, "audit_log", patient_id=patient_id,
                 detail=query.describe(len(entries), format))
    return Response(audit_export.render(entries, format),
                    media_type=audit_export.media_type(format))


@router.get("/files", response_model=list[StoredFileOut], tags=["files"],
            summary="Stored X12 files, newest first")
def list_files(session: DbSession, user: FileReader, direction: archive.Direction | None = None,
               status: archive.FileStatus | None = None, before_id: BeforeId = None,
               limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[StoredFile]:
    stmt = select(StoredFile).order_by(StoredFile.id.desc()).limit(limit)
    if direction:
        stmt = stmt.where(StoredFile.direction == archive.Direction(direction))
    if status:
        stmt = stmt.where(StoredFile.status == archive.FileStatus(status))
    if before_id is not None:
        stmt = stmt.where(StoredFile.id < before_id)
    return list(session.scalars(stmt))


def _stored(session: DbSession, file_id: int) -> StoredFile:
    stored = session.get(StoredFile, file_id)
    if stored is None:
        raise NotFound(f"no stored file with id {file_id}")
    return stored


@router.get("/files/{file_id}", response_model=StoredFileOut, tags=["files"])
def get_file(file_id: IdPath, session: DbSession, user: FileReader) -> StoredFile:
    return _stored(session, file_id)


@router.get("/files/{file_id}/content", tags=["files"], response_class=Response,
            summary="The file's exact bytes (X12 carries patient data: audited)")
def file_content(file_id: IdPath, request: Request, session: DbSession,
                 user: FileReader) -> Response:
    stored = _stored(session, file_id)
    content = archive.file_content(session, stored, settings_of(request).archive_dir)
    # One entry per patient whose data the bytes carry, so "who saw this patient" finds it.
    found = patients_in_file(session, file_id, archive.decode_x12(content))
    audit.record_many(session, user.actor, Action.EXPORT, "stored_file",
                      ((file_id, patient_id) for patient_id in found.patient_ids))
    if found.unnamed_claims or not found.patient_ids:
        audit.record(session, user.actor, Action.EXPORT, "stored_file", file_id,
                     detail=f"{found.unnamed_claims} claim(s) in the file match no patient "
                            f"of ours; {len(found.patient_ids)} patient(s) named")
    return Response(content, media_type="application/edi-x12")


@router.post("/files", response_model=StoredFileCreated, tags=["files"],
             summary="Store an inbound X12 file (a second upload of the same bytes is a no-op)")
def upload_file(file: UploadFile, request: Request, session: DbSession,
                      user: Uploader) -> StoredFileCreated:
    stored, created = store_upload(request, session, file, user)
    audit.record(session, user.actor, Action.CREATE, "stored_file", stored.id)
    # Stored before anything acts on it: this commit is the point of no loss.
    session.commit()
    settings = settings_of(request)
    # Applied with the uploader's rights and in their name: a file whose kinds need a
    # permission their role lacks (a biller's 835) is left waiting for someone who may.
    if stored.status == archive.FileStatus.WAITING and not created:
        # Someone else's upload left waiting: this person may be one who may apply it.
        processing = outcome_words(apply_stored_file(request, stored.id, user))
        session.refresh(stored)
    elif stored.status != archive.FileStatus.RECEIVED:
        processing = f"already {stored.status}"
    elif settings.tasks_in_process:
        # Bytes stored earlier and never processed (a crash) keep their own uploader.
        processing = outcome_words(apply_stored_file(request, stored.id,
                                                      user if created else None))
        session.refresh(stored)
    else:
        processing = "queued: the worker applies it with the uploader's rights"
    return StoredFileCreated.model_validate({**StoredFileOut.model_validate(stored).model_dump(),
                                             "created": created, "processing": processing})


@router.post("/files/{file_id}/process", response_model=StoredFileCreated, tags=["files"],
             summary="Apply a stored inbound file that is waiting, with your own rights",
             responses={403: {"description": "Your role may not apply this file's kinds"},
                        409: {"description": "The file is already processed or in progress"}})
def process_file(file_id: IdPath, request: Request, session: DbSession,
                 user: FileReader) -> StoredFileCreated:
    """Apply a file left ``waiting`` (or ``received`` or ``failed``) in your own name. Taking
    an 835 needs payments:post; a 999, TA1 or 277CA needs claims:submit (core.roles)."""
    stored, outcome = process_as(request, session, file_id, user)
    return StoredFileCreated.model_validate({**StoredFileOut.model_validate(stored).model_dump(),
                                             "created": False,
                                             "processing": outcome_words(outcome)})
