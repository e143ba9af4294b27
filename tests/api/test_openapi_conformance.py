"""Schemathesis against the app in process, signed in as an admin with a bearer token: for every
operation of the OpenAPI document, generated requests (valid and invalid) get no server error,
and every answer has a declared status, content type and body shape.

A fixed seed and a bounded number of examples per operation keep the run short in CI; set
CLAIMHOUSE_SCHEMATHESIS_EXAMPLES (e.g. 500) for a longer run by hand.
"""

from __future__ import annotations

import os
import time

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("CLAIMHOUSE_SCHEMATHESIS_EXAMPLES", "12"))
# Operations that end the admin's own login (logout, a password change, ending a user's
# sessions, which may be the admin's): every operation after them would be answered 401 and
# check nothing. Each has tests of its own (tests/api/test_login_sessions.py).
ENDS_THE_LOGIN = {("POST", "/api/auth/logout"), ("POST", "/api/auth/password"),
                  ("DELETE", "/api/users/{user_id}/sessions")}
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection)


def _conforms(operation, headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                         operation.as_strategy(GenerationMode.NEGATIVE))

    checks = list(CHECKS)
    if "multipart/form-data" in operation.get_request_payload_content_types():
        # A file's content is any bytes: a "number" where the schema says binary is still a
        # file, which POST /api/files stores as it is. The other checks still apply.
        checks.remove(negative_data_rejection)

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    def run(case) -> None:  # type: ignore[no-untyped-def]
        case.call_and_validate(headers=headers, checks=checks)

    run()


def test_every_operation_conforms(app, client, as_role) -> None:  # type: ignore[no-untyped-def]
    """One operation after another over the same database: what one creates, the next reads."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    headers = as_role("admin")
    failures: list[str] = []
    tried = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in ENDS_THE_LOGIN:
            continue
        tried += 1
        try:
            _conforms(operation, headers)
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failure, reported
            found = getattr(exc, "exceptions", [exc])
            failures.append(f"{operation.method.upper()} {operation.path}: "
                            + "\n".join(str(e)[:1500] for e in found))
        # Still signed in: otherwise the operations after this one proved nothing.
        assert client.get("/api/auth/me", headers=headers).status_code == 200, \
            f"{operation.method.upper()} {operation.path} ended the admin's login"
    print(f"schemathesis: {tried} operations, up to {EXAMPLES} examples each, "
          f"{time.monotonic() - started:.0f} s")
    assert tried >= 50
    assert not failures, "\n\n".join(failures)
