"""Domain errors to HTTP: JSON problems for /api, redirects and error pages for the browser.

    AuthenticationFailed -> 401      PermissionDenied -> 403      NotFound -> 404
    Conflict, IllegalTransition -> 409      ClaimInputError, ValueError -> 422
    RequestValidationError (a parameter or body the route's types refuse) -> 422
    a body that cannot be parsed at all (a 400 from FastAPI or Starlette) -> 422; other HTTP
    errors keep their status
    LoginThrottled -> 429 with Retry-After

Every JSON refusal is ``{"detail": words, "field": the request field or null}``
(api.schemas.ErrorOut); a page gets the error page with the same words.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from claims.json_fields import ClaimInputError
from claims.lifecycle import IllegalTransition
from core.errors import AuthenticationFailed, Conflict, NotFound, PermissionDenied
from core.login_throttle import LoginThrottled

__all__ = ["install_error_handlers", "validation_words"]

_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (AuthenticationFailed, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (IllegalTransition, 409),
    (ClaimInputError, 422),
    (ValueError, 422),
    (LoginThrottled, 429),
)


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith("/api")


def _handler(status: int):  # type: ignore[no-untyped-def]
    async def handle(request: Request, exc: Exception) -> Response:
        request.state.refused = (status, str(exc))      # for the audit log (api.refusals)
        if _is_page(request):
            if status == 401:
                return RedirectResponse("/login", status_code=303)
            templates = request.app.state.templates
            return templates.TemplateResponse(request, "error.html",
                                              {"status": status, "message": str(exc),
                                               "user": None}, status_code=status)
        body: dict[str, object] = {"detail": str(exc),
                                   "field": exc.path if isinstance(exc, ClaimInputError)
                                   else None}
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if isinstance(exc, LoginThrottled):
            headers = {"Retry-After": str(exc.retry_after_seconds)}
        return JSONResponse(body, status_code=status, headers=headers)

    return handle


_WHERE = {"path": "path parameter", "query": "query parameter", "body": "body field",
          "header": "header", "cookie": "cookie"}


def _field(loc: tuple[object, ...]) -> str:
    text = ""
    for part in loc[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def validation_words(exc: RequestValidationError) -> tuple[str, str | None]:
    """The refusal in words (each field, the value sent, what is wrong) and the first field."""
    problems: list[str] = []
    fields: list[str] = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        field = _field(loc)
        fields.append(field)
        where = _WHERE.get(str(loc[0]), str(loc[0])) if loc else "request"
        message = str(error.get("msg", "is not accepted"))
        message = message[:1].lower() + message[1:]
        value = error.get("input")
        sent = ""
        if isinstance(value, str | int | float) and error.get("type") != "missing":
            shown = repr(value)
            sent = f" {shown[:40] + '...' if len(shown) > 40 else shown}"
        problems.append(f"{where} {field or '(the whole body)'}:{sent} {message}")
    return "; ".join(problems) or "the request is not accepted", (fields[0] if fields
                                                                  else None) or None


async def _refused_input(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    words, field = validation_words(exc)
    if _is_page(request):
        templates = request.app.state.templates
        return templates.TemplateResponse(request, "error.html",
                                          {"status": 422, "message": words, "user": None},
                                          status_code=422)
    return JSONResponse({"detail": words, "field": field}, status_code=422)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status, words, field = exc.status_code, str(exc.detail), None
    request.state.refused = (status, words)             # for the audit log (api.refusals)
    if status == 400:
        # Only the framework raises 400 here: a body that is not JSON, form or multipart data
        # as its Content-Type says ("Missing boundary in multipart.", bad bytes...).
        status, field = 422, "body"
        kind = request.headers.get("content-type") or "no Content-Type"
        words = (f"the body cannot be read as {kind}: {str(exc.detail).rstrip('.')}; "
                 "nothing was stored")
    if _is_page(request):
        templates = request.app.state.templates
        return templates.TemplateResponse(request, "error.html",
                                          {"status": status, "message": words, "user": None},
                                          status_code=status, headers=exc.headers)
    return JSONResponse({"detail": words, "field": field}, status_code=status,
                        headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _refused_input)
    app.add_exception_handler(HTTPException, _http_error)
    for exc_type, status in _STATUS:
        app.add_exception_handler(exc_type, _handler(status))
