"""Roles and what each may do, as a table (product.md, "Who uses it").

Routes ask for a :class:`Permission`, never for a role, so moving a duty from one role to
another is a one-line change here.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ROLE_PERMISSIONS", "Permission", "Role", "has_permission"]


class Role(StrEnum):
    BILLER = "biller"            # patients, claims, rejections, denials and appeals
    POSTER = "poster"            # loads ERAs, posts payments, works posting exceptions
    SUPERVISOR = "supervisor"    # everything a biller and poster do, plus reports and the audit log
    ADMIN = "admin"              # all of the above, plus users


class Permission(StrEnum):
    PATIENTS_READ = "patients:read"
    PATIENTS_WRITE = "patients:write"
    CLAIMS_READ = "claims:read"
    CLAIMS_WRITE = "claims:write"
    CLAIMS_SUBMIT = "claims:submit"
    PAYMENTS_POST = "payments:post"
    DENIALS_WORK = "denials:work"          # the denial queue, appeals, secondary claims
    FILES_READ = "files:read"
    FILES_UPLOAD = "files:upload"
    REFERENCE_WRITE = "reference:write"    # payers, providers
    AUDIT_READ = "audit:read"
    USERS_MANAGE = "users:manage"


P = Permission
_READS = {P.PATIENTS_READ, P.CLAIMS_READ, P.FILES_READ}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.BILLER: frozenset(_READS | {P.PATIENTS_WRITE, P.CLAIMS_WRITE, P.CLAIMS_SUBMIT,
                                     P.FILES_UPLOAD, P.DENIALS_WORK}),
    Role.POSTER: frozenset(_READS | {P.PAYMENTS_POST, P.FILES_UPLOAD}),
    Role.SUPERVISOR: frozenset(set(Permission) - {P.USERS_MANAGE}),
    Role.ADMIN: frozenset(Permission),
}


def has_permission(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
