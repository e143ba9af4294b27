"""The OpenAPI document and the page that shows it.

The document declares, on every operation, each refusal the operation can answer with, in the
one error shape (api.schemas.ErrorOut): 401 and 403 where a signed-in user with a permission is
needed, 404 where the path names a row, 413 where there is a body (api.limits), 422 where there
is any parameter or body. Routes add the refusals their services raise (a 409 conflict, a 404
for an id in the body) with :func:`refusals` in their decorator.

The interactive page at /api/docs is Swagger UI served from this server (the assets of the
``fastapi-offline`` package), so it works without internet access and under a
Content-Security-Policy that allows only this site's own scripts: the page has no inline
script, its start-up script is served beside it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources import files
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from api.deps import current_user
from api.route_walk import api_routes, declares
from api.schemas import ErrorOut

__all__ = ["DOCS_PATH", "install_openapi", "refusals"]

DOCS_PATH = "/api/docs"
_ASSETS = f"{DOCS_PATH}/assets"

_MEANING = {
    401: "Not signed in, or the login has ended",
    403: "The signed-in user's role does not allow this",
    404: "No row with that id",
    409: "The request conflicts with the current state (a duplicate, a wrong status)",
    413: "The request body is larger than the limit",
    422: "A parameter or the body is not accepted; `field` names it",
    429: "Too many failed attempts; try again after Retry-After seconds",
}


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route decorator: these refusals, in the error shape."""
    return {status: {"model": ErrorOut, "description": _MEANING[status]}
            for status in statuses}


def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _derived(route: Any) -> list[int]:
    calls = list(_calls(route.dependant))
    path = declares(route.dependant, "path_params")
    body = declares(route.dependant, "body_params")
    statuses = []
    if current_user in calls:
        statuses.append(401)
    if any(getattr(c, "__qualname__", "").startswith("require.") for c in calls):
        statuses.append(403)
    if path:
        statuses.append(404)
    if body:
        statuses.append(413)
    if path or body or declares(route.dependant, "query_params"):
        statuses.append(422)
    return statuses


_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


def declare_refusals(app: FastAPI, document: dict[str, Any]) -> None:
    """Add the derived refusals to every documented operation. Refusals a route declared
    itself keep their description and get the error shape if they named none."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ErrorOut.model_json_schema())
    for route in api_routes(app):
        if not route.include_in_schema:
            continue
        for method in route.methods:
            answers = document["paths"][route.path_format][method.lower()]["responses"]
            for status in _derived(route):
                answers.setdefault(str(status), {"description": _MEANING[status]})
            for status, answer in answers.items():
                if status.isdigit() and int(status) >= 400 and (
                        "content" not in answer or "HTTPValidationError" in str(answer)):
                    # FastAPI's own 422 shape is a list; ours answers it in words (api.errors).
                    answer["content"] = _ERROR_REF
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def _document(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        declare_refusals(app, FastAPI.openapi(app))     # FastAPI's document, kept on the app
    assert app.openapi_schema is not None
    return app.openapi_schema


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon.png"></head>
<body><div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{docs}/start.js"></script></body></html>
"""


def install_openapi(app: FastAPI) -> None:
    """The document at ``app.openapi_url`` with its refusals, and the page at /api/docs.
    Build the app with ``docs_url=None``: FastAPI's own page loads Swagger UI from a CDN."""
    app.openapi = lambda: _document(app)  # type: ignore[method-assign]
    start = "window.ui = SwaggerUIBundle(" + json.dumps({
        "url": app.openapi_url, "dom_id": "#swagger-ui", "deepLinking": True,
        "persistAuthorization": False, "layout": "BaseLayout"}) + ");\n"
    page = _PAGE.format(title=app.title, assets=_ASSETS, docs=DOCS_PATH)

    @app.get(DOCS_PATH, include_in_schema=False, response_class=HTMLResponse)
    def docs_page() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get(f"{DOCS_PATH}/start.js", include_in_schema=False)
    def docs_start() -> Response:
        return Response(start, media_type="text/javascript")

    app.mount(_ASSETS, StaticFiles(directory=str(files("fastapi_offline") / "static")),
              name="docs-assets")
