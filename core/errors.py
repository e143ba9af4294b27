"""Errors raised by core services. Domain errors know nothing of HTTP; ``api`` maps them.

    CoreError
    ├── AuthenticationFailed   wrong username or password, inactive user, bad or expired token
    ├── PermissionDenied       the user's role does not allow the action
    ├── NotFound               no such record
    └── Conflict               the record would duplicate another (username taken...)
"""

from __future__ import annotations

__all__ = ["AuthenticationFailed", "Conflict", "CoreError", "NotFound", "PermissionDenied"]


class CoreError(Exception):
    """Base of the errors core services raise."""


class AuthenticationFailed(CoreError):
    """The credentials or token do not identify an active user."""


class PermissionDenied(CoreError):
    """The user is known but their role does not allow this."""


class NotFound(CoreError):
    """The record asked for does not exist."""


class Conflict(CoreError):
    """The change would break a uniqueness rule."""
