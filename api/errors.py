"""Domain errors to HTTP: JSON problems for /api, redirects and error pages for the browser.

    AuthenticationFailed -> 401      PermissionDenied -> 403      NotFound -> 404
    Conflict, IllegalTransition -> 409      ClaimInputError, ValueError -> 422
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from claims.json_fields import ClaimInputError
from claims.lifecycle import IllegalTransition
from core.errors import AuthenticationFailed, Conflict, NotFound, PermissionDenied

__all__ = ["install_error_handlers"]

_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (AuthenticationFailed, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (IllegalTransition, 409),
    (ClaimInputError, 422),
    (ValueError, 422),
)


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith("/api")


def _handler(status: int):  # type: ignore[no-untyped-def]
    async def handle(request: Request, exc: Exception) -> Response:
        if _is_page(request):
            if status == 401:
                return RedirectResponse("/login", status_code=303)
            templates = request.app.state.templates
            return templates.TemplateResponse(request, "error.html",
                                              {"status": status, "message": str(exc),
                                               "user": None}, status_code=status)
        body: dict[str, object] = {"detail": str(exc)}
        if isinstance(exc, ClaimInputError):
            body["field"] = exc.path
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)

    return handle


def install_error_handlers(app: FastAPI) -> None:
    for exc_type, status in _STATUS:
        app.add_exception_handler(exc_type, _handler(status))
