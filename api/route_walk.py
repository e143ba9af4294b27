"""The app's routes as the request handler sees them, for the code that derives behaviour from
the route declarations themselves (the body limit, the refusals in the OpenAPI document) and
for the tests that walk every route.

FastAPI keeps an included router either as its routes copied onto the app (up to 0.15x) or as
one entry that resolves them lazily (later releases); :func:`api_routes` gives the same list
either way: each item has ``path_format``, ``methods``, ``dependant``, ``include_in_schema``
and ``matches(scope)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

__all__ = ["api_routes", "declares", "takes_file"]


def api_routes(app: FastAPI) -> Iterator[Any]:
    """Every FastAPI route of the app (JSON routes and pages), prefixes applied."""
    for route in app.routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "effective_route_contexts"):
            for context in route.effective_route_contexts():
                if isinstance(context.original_route, APIRoute):
                    yield context


def declares(dependant: Dependant, kind: str) -> list[Any]:
    """The route's ``path_params``, ``query_params`` or ``body_params``, its dependencies'
    included."""
    found = list(getattr(dependant, kind))
    for sub in dependant.dependencies:
        found.extend(declares(sub, kind))
    return found


def takes_file(route: Any) -> bool:
    """True when one of the route's body parameters is a file upload."""
    return any(isinstance(getattr(field, "field_info", None), params.File)
               for field in declares(route.dependant, "body_params"))
