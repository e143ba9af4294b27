"""The HTTP edge: the FastAPI app (JSON API under /api, documented at /api/docs) and the
browser pages. Routes are thin adapters over the core and claims services."""

from api.app import create_app

__all__ = ["create_app"]
