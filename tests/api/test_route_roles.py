"""Every operation of the API and every page, with the permission it needs, checked against
every role: 401 (or the login page) without a login, 403 for a role without the permission,
and through the permission check for a role with it.

The tables are written by hand on purpose: a new route fails the completeness tests until
someone decides here which permission it needs.
"""

from __future__ import annotations

from typing import Any

import pytest
from api_support import ROLES, token_for
from fastapi.testclient import TestClient

from api.route_walk import api_routes
from core.roles import Permission, has_permission

P = Permission
PUBLIC = "public"          # no login needed (signing in, the docs)
SIGNED_IN = "signed in"    # any role, but a login

Need = Permission | str

#: One row per operation of /api/openapi.json.
OPERATIONS: dict[tuple[str, str], Need] = {
    ("POST", "/api/auth/token"): PUBLIC,
    ("POST", "/api/auth/logout"): SIGNED_IN,
    ("POST", "/api/auth/password"): SIGNED_IN,
    ("GET", "/api/auth/me"): SIGNED_IN,
    ("GET", "/api/claims"): P.CLAIMS_READ,
    ("POST", "/api/claims"): P.CLAIMS_WRITE,
    ("GET", "/api/claims/queues"): P.CLAIMS_READ,
    ("POST", "/api/claims/from-records"): P.CLAIMS_WRITE,
    ("GET", "/api/claims/{claim_id}"): P.CLAIMS_READ,
    ("PUT", "/api/claims/{claim_id}"): P.CLAIMS_WRITE,
    ("POST", "/api/claims/{claim_id}/scrub"): P.CLAIMS_WRITE,
    ("POST", "/api/claims/{claim_id}/ready"): P.CLAIMS_SUBMIT,
    ("POST", "/api/claims/{claim_id}/transitions"): P.CLAIMS_WRITE,
    ("POST", "/api/submissions"): P.CLAIMS_SUBMIT,
    ("GET", "/api/submissions"): P.CLAIMS_READ,
    ("GET", "/api/submissions/{submission_id}"): P.CLAIMS_READ,
    # Polling fetches what the clearinghouse sent; the files are applied as the exchange.
    ("POST", "/api/exchange/poll"): P.FILES_UPLOAD,
    ("GET", "/api/patients"): P.PATIENTS_READ,
    ("POST", "/api/patients"): P.PATIENTS_WRITE,
    ("GET", "/api/patients/{patient_id}"): P.PATIENTS_READ,
    ("PUT", "/api/patients/{patient_id}"): P.PATIENTS_WRITE,
    ("POST", "/api/patients/{patient_id}/policies"): P.PATIENTS_WRITE,
    ("GET", "/api/payers"): P.CLAIMS_READ,
    ("POST", "/api/payers"): P.REFERENCE_WRITE,
    ("GET", "/api/payers/{payer_id}"): P.CLAIMS_READ,
    ("GET", "/api/providers"): P.CLAIMS_READ,
    ("POST", "/api/providers"): P.REFERENCE_WRITE,
    ("GET", "/api/providers/{provider_id}"): P.CLAIMS_READ,
    ("GET", "/api/users"): P.USERS_MANAGE,
    ("POST", "/api/users"): P.USERS_MANAGE,
    ("PATCH", "/api/users/{user_id}"): P.USERS_MANAGE,
    ("DELETE", "/api/users/{user_id}/sessions"): P.USERS_MANAGE,
    ("GET", "/api/audit"): P.AUDIT_READ,
    ("GET", "/api/audit/export"): P.AUDIT_READ,
    ("GET", "/api/files"): P.FILES_READ,
    # Storing a file applies nothing by itself: applying it takes what its kinds need.
    ("POST", "/api/files"): P.FILES_UPLOAD,
    ("GET", "/api/files/{file_id}"): P.FILES_READ,
    ("GET", "/api/files/{file_id}/content"): P.FILES_READ,
    # Anyone who sees files may ask; the file's kinds decide (test_admin_file_routes.py).
    ("POST", "/api/files/{file_id}/process"): P.FILES_READ,
    ("POST", "/api/remittance/preview"): P.PAYMENTS_POST,
    ("POST", "/api/remittance/post"): P.PAYMENTS_POST,
    ("GET", "/api/remittance/remittances"): P.PAYMENTS_POST,
    ("GET", "/api/remittance/remittances/{remittance_id}"): P.PAYMENTS_POST,
    ("POST", "/api/remittance/remittances/{remittance_id}/release"): P.PAYMENTS_POST,
    ("GET", "/api/remittance/held"): P.PAYMENTS_POST,
    ("POST", "/api/remittance/claim-payments/{claim_payment_id}/release"): P.PAYMENTS_POST,
    ("GET", "/api/remittance/unmatched"): P.PAYMENTS_POST,
    ("POST", "/api/remittance/claim-payments/{claim_payment_id}/assign"): P.PAYMENTS_POST,
    ("GET", "/api/remittance/denials"): P.DENIALS_WORK,
    ("POST", "/api/remittance/denials/{denial_id}/resolve"): P.DENIALS_WORK,
    ("GET", "/api/remittance/denials/{denial_id}/appeal-letter.pdf"): P.DENIALS_WORK,
    ("GET", "/api/remittance/secondary"): P.DENIALS_WORK,
    ("POST", "/api/remittance/secondary/{claim_payment_id}"): P.DENIALS_WORK,
    ("GET", "/api/remittance/patient-balances"): P.PATIENTS_READ,
    ("POST", "/api/remittance/deposits"): P.PAYMENTS_POST,
    ("GET", "/api/remittance/deposits/unreconciled"): P.PAYMENTS_POST,
}

#: One row per route outside the OpenAPI document: the HTML screens and the docs.
PAGES: dict[tuple[str, str], Need] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/api/docs/start.js"): PUBLIC,
    ("GET", "/claims"): P.CLAIMS_READ,
    ("GET", "/rejections"): P.CLAIMS_READ,
    ("GET", "/claims/{claim_id}"): P.CLAIMS_READ,
    ("GET", "/patients/{patient_id}"): P.PATIENTS_READ,
    ("POST", "/claims/{claim_id}/scrub"): P.CLAIMS_WRITE,
    ("POST", "/claims/{claim_id}/ready"): P.CLAIMS_SUBMIT,
    ("POST", "/claims/{claim_id}/transition"): P.CLAIMS_WRITE,
    ("GET", "/submissions"): P.CLAIMS_READ,
    ("POST", "/submissions/send"): P.CLAIMS_SUBMIT,
    ("POST", "/submissions/poll"): P.FILES_UPLOAD,
    ("GET", "/remittances"): P.PAYMENTS_POST,
    ("POST", "/remittances/upload"): P.PAYMENTS_POST,
    ("GET", "/remittances/{remittance_id}"): P.PAYMENTS_POST,
    ("POST", "/remittances/{remittance_id}/release"): P.PAYMENTS_POST,
    ("POST", "/deposits"): P.PAYMENTS_POST,
    ("GET", "/payments"): P.PAYMENTS_POST,
    ("POST", "/payments/{claim_payment_id}/release"): P.PAYMENTS_POST,
    ("POST", "/payments/{claim_payment_id}/assign"): P.PAYMENTS_POST,
    ("GET", "/denials"): P.DENIALS_WORK,
    ("POST", "/denials/{denial_id}/resolve"): P.DENIALS_WORK,
    ("GET", "/denials/{denial_id}/appeal-letter.pdf"): P.DENIALS_WORK,
    ("POST", "/secondary/{claim_payment_id}"): P.DENIALS_WORK,
    ("GET", "/balances"): P.PATIENTS_READ,
    # The button beside a waiting file: the file's kinds decide (test_file_pages.py).
    ("POST", "/files/{file_id}/process"): P.FILES_READ,
}

#: Operations that end the caller's login: each call gets a login of its own.
ENDS_THE_LOGIN = {("POST", "/api/auth/logout"), ("POST", "/logout")}

#: An id no row has: the routes a role may use answer 404 or 422, and change nothing.
NO_SUCH_ID = "999999"

# One database for the tables; the permission checks do not depend on the dialect.
sqlite_only = pytest.mark.parametrize("db_engine", ["sqlite"], indirect=True)


def _openapi_operations(client: TestClient) -> set[tuple[str, str]]:
    doc = client.get("/api/openapi.json").json()
    return {(method.upper(), path) for path, item in doc["paths"].items()
            for method in item if method in {"get", "post", "put", "patch", "delete"}}


def _page_routes(app: Any) -> set[tuple[str, str]]:
    return {(method, route.path_format) for route in api_routes(app)
            if not route.include_in_schema for method in route.methods - {"HEAD"}}


@sqlite_only
def test_the_table_names_every_operation_of_the_openapi_document(client) -> None:
    found = _openapi_operations(client)
    assert sorted(found - set(OPERATIONS)) == [], "operations missing from OPERATIONS"
    assert sorted(set(OPERATIONS) - found) == [], "OPERATIONS names operations that are gone"


@sqlite_only
def test_the_page_table_names_every_page(app) -> None:
    found = _page_routes(app)
    assert sorted(found - set(PAGES)) == [], "pages missing from PAGES"
    assert sorted(set(PAGES) - found) == [], "PAGES names pages that are gone"


def _call(client: TestClient, method: str, path: str,
          headers: dict[str, str]) -> Any:
    url = path
    while "{" in url:
        start = url.index("{")
        url = url[:start] + NO_SUCH_ID + url[url.index("}", start) + 1:]
    body = {"json": {}} if method in ("POST", "PUT", "PATCH") and url.startswith("/api/") \
        else {"data": {}} if method == "POST" else {}
    return client.request(method, url, headers=headers, follow_redirects=False, **body)


def _verdict(need: Need, who: str | None, page: bool, response: Any) -> str:
    """'' when the status is what the table says for ``who`` (None: no login)."""
    status = response.status_code
    to_login = status in (302, 303, 307) and response.headers.get("location") == "/login"
    if need == PUBLIC:
        # Open to all: no login asked, no role refused. (A sign-in or sign-out form still
        # wants its CSRF token and our Origin; that refusal is not about roles.)
        role_refused = status == 403 and "does not allow" in response.text
        return f"refused: {status}" if status == 401 or role_refused else ""
    if who is None:
        expected = to_login if page else status == 401
        return "" if expected else f"let in without a login: {status}"
    allowed = need == SIGNED_IN or has_permission(who, Permission(need))
    if not allowed:
        if status != 403:
            return f"not refused: {status}"
        words = response.text
        return "" if page or Permission(need).value in words else f"403 without words: {words}"
    return "" if status not in (401, 403) and not to_login else f"refused: {status}"


@sqlite_only
@pytest.mark.parametrize("table", ["operations", "pages"])
def test_every_route_holds_its_permission_for_every_role(client, as_role, table) -> None:
    rows = OPERATIONS if table == "operations" else PAGES
    wrong: list[str] = []
    for (method, path), need in rows.items():
        page = table == "pages"
        for who in (None, *ROLES):
            if who is None:
                headers: dict[str, str] = {}
            elif (method, path) in ENDS_THE_LOGIN:
                headers = {"Authorization": f"Bearer {token_for(client, who)}"}
            else:
                headers = as_role(who)
            response = _call(client, method, path, headers)
            problem = _verdict(need, who, page, response)
            if problem:
                wrong.append(f"{method} {path} as {who or 'nobody'}: {problem}")
    assert not wrong, "\n".join(wrong)


def test_the_table_agrees_with_the_roles() -> None:
    """Each role's reach, as the office knows it, read off the tables."""
    def reach(role: str) -> set[tuple[str, str]]:
        return {op for op, need in (OPERATIONS | PAGES).items()
                if need in (PUBLIC, SIGNED_IN) or has_permission(role, Permission(need))}

    money = {("POST", "/api/remittance/post"), ("POST", "/remittances/upload"),
             ("POST", "/api/remittance/claim-payments/{claim_payment_id}/assign")}
    users = {("GET", "/api/users"), ("PATCH", "/api/users/{user_id}")}
    assert not money & reach("biller")
    assert money <= reach("poster") and not users & reach("poster")
    assert ("POST", "/api/claims/{claim_id}/transitions") not in reach("poster")
    assert not users & reach("supervisor") and ("GET", "/api/audit") in reach("supervisor")
    assert reach("admin") == set(OPERATIONS | PAGES)
