"""Roles and what each may do, as a table (product.md, "Who uses it").

Routes ask for a :class:`Permission`, never for a role, so moving a duty from one role to
another is a one-line change here.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

__all__ = ["DUTIES", "INBOUND_PERMISSIONS", "ROLE_PERMISSIONS", "Permission", "Role",
           "has_permission", "permissions_to_apply"]


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


#: Each permission as the duty it grants, for messages ("waiting for someone who may ...").
DUTIES: dict[Permission, str] = {
    P.PATIENTS_READ: "see patients",
    P.PATIENTS_WRITE: "change patients",
    P.CLAIMS_READ: "see claims",
    P.CLAIMS_WRITE: "change claims",
    P.CLAIMS_SUBMIT: "submit claims and apply the clearinghouse's answers to them",
    P.PAYMENTS_POST: "post payments",
    P.DENIALS_WORK: "work denials",
    P.FILES_READ: "see stored files",
    P.FILES_UPLOAD: "upload files",
    P.REFERENCE_WRITE: "change payers and providers",
    P.AUDIT_READ: "read the audit log",
    P.USERS_MANAGE: "manage users",
}

#: What applying an inbound file takes, by kind (ST01, or "TA1"). Uploading a file only
#: stores it; its effects are applied with the rights of the person who brings or processes
#: it. An 835 posts payments and moves claims to paid or denied; a 999, a TA1 or a 277CA
#: answers a submission and moves its claims to accepted or rejected.
INBOUND_PERMISSIONS: dict[str, Permission] = {
    "835": P.PAYMENTS_POST,
    "999": P.CLAIMS_SUBMIT,
    "TA1": P.CLAIMS_SUBMIT,
    "277": P.CLAIMS_SUBMIT,
}


def permissions_to_apply(kinds: Iterable[str]) -> frozenset[Permission]:
    """Every permission applying a file holding these kinds takes (kinds nothing acts on
    take none)."""
    return frozenset(INBOUND_PERMISSIONS[k] for k in kinds if k in INBOUND_PERMISSIONS)


def has_permission(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
