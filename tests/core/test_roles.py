"""The role table: who may do what."""

from __future__ import annotations

import pytest

from core.roles import (
    DUTIES,
    INBOUND_PERMISSIONS,
    Permission,
    Role,
    has_permission,
    permissions_to_apply,
)

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


def test_every_permission_is_a_duty_in_words() -> None:
    assert set(DUTIES) == set(Permission)
    assert all(words and words == words.lower() for words in DUTIES.values())


def test_applying_a_file_takes_what_each_of_its_kinds_takes() -> None:
    assert permissions_to_apply(["835"]) == {P.PAYMENTS_POST}
    assert permissions_to_apply(["999", "277", "TA1"]) == {P.CLAIMS_SUBMIT}
    assert permissions_to_apply(["999", "835"]) == {P.CLAIMS_SUBMIT, P.PAYMENTS_POST}
    assert permissions_to_apply(["271", ""]) == frozenset()
    assert set(INBOUND_PERMISSIONS) == {"835", "999", "TA1", "277"}
