"""The button beside a waiting file on the Remittances and Submissions screens: apply it in
your own name (an 835 posts payments; a 999, TA1 or 277CA moves submitted claims)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from api.deps import DbSession, Principal, require
from api.file_processing import process_as
from api.params import IdPath
from core.roles import Permission

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

FileReader = Annotated[Principal, require(Permission.FILES_READ)]


@router.post("/files/{file_id}/process")
def process_action(file_id: IdPath, request: Request, session: DbSession,
                   user: FileReader) -> RedirectResponse:
    stored, outcome = process_as(request, session, file_id, user)
    screen = "/remittances" if stored.kind == "835" else "/submissions"
    name = stored.source_name.removeprefix("upload:")
    message = f"{name}: {outcome.summary or outcome.status}"
    return RedirectResponse(f"{screen}?message={quote(message)}", status_code=303)
