"""The role table: who may do what."""

from __future__ import annotations

import pytest

from core.roles import Permission, Role, has_permission

P = Permission

# (role, allowed, refused)
CASES = [
    (Role.BILLER, {P.CLAIMS_WRITE, P.CLAIMS_SUBMIT, P.PATIENTS_WRITE, P.PATIENTS_READ},
     {P.PAYMENTS_POST, P.AUDIT_READ, P.USERS_MANAGE}),
    (Role.POSTER, {P.PAYMENTS_POST, P.CLAIMS_READ, P.FILES_UPLOAD},
     {P.CLAIMS_WRITE, P.CLAIMS_SUBMIT, P.AUDIT_READ, P.USERS_MANAGE}),
    (Role.SUPERVISOR, set(Permission) - {P.USERS_MANAGE}, {P.USERS_MANAGE}),
    (Role.ADMIN, set(Permission), set()),
]


@pytest.mark.parametrize(("role", "allowed", "refused"), CASES)
def test_role_permissions(role, allowed, refused) -> None:
    assert all(has_permission(role, p) for p in allowed)
    assert not any(has_permission(role, p) for p in refused)


def test_unknown_role_has_no_permission() -> None:
    assert not has_permission("owner", P.CLAIMS_READ)
