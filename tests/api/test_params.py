"""Every path and query parameter of every JSON route and page, sent values no column can hold:
a 404 or 422 in words, never a 500."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from api.params import MAX_ID
from api.route_walk import api_routes, declares

#: Too large for a 32-bit or 64-bit column, negative, not finite, not a number, not a date.
BAD = (str(2**63), "99999999999999999999", str(MAX_ID + 1), "-1", "0", "NaN", "inf", "1e999",
       "2024-02-30", "99999-01-01", "\u0661\u0662", "1.5")


def _parameters(app) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    """(method, path, where, name) for every parameter of every route and page."""
    found = []
    for route in api_routes(app):
        if route.path_format.startswith("/api/docs"):
            continue
        for method in sorted(route.methods - {"HEAD"}):
            for where in ("path", "query"):
                for field in declares(route.dependant, f"{where}_params"):
                    found.append((method, route.path_format, where, field.alias))
    return found


def _url(path: str, name: str | None, value: str) -> str:
    def fill(match: re.Match[str]) -> str:
        return value if match.group(1) == name else "1"
    return re.sub(r"\{(\w+)\}", fill, path)


def _typed(app) -> dict[tuple[str, str], Any]:  # type: ignore[no-untyped-def]
    """(path, parameter) -> its annotation, for the numeric and date ones."""
    typed = {}
    for route in api_routes(app):
        for where in ("path", "query"):
            for field in declares(route.dependant, f"{where}_params"):
                text = str(field.field_info.annotation)
                if any(t in text for t in ("int", "Decimal", "float", "date")):
                    typed[(route.path_format, field.alias)] = field.field_info
    return typed


def test_every_parameter_refuses_what_no_column_holds(
        app, client: TestClient, as_role) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    pairs = _parameters(app)
    numeric = _typed(app)
    assert len({(p, n) for _, p, _, n in pairs if (p, n) in numeric}) >= 38
    failures = []
    for method, path, where, name in pairs:
        for value in BAD:
            if where == "path":
                url, query = _url(path, name, value), {}
            else:
                url, query = _url(path, None, ""), {name: value}
            response = client.request(method, url, params=query, headers=admin,
                                      follow_redirects=False)
            if response.status_code >= 500:
                failures.append(f"{method} {url} {query}: {response.status_code}")
                continue
            if response.status_code == 422 and url.startswith("/api"):
                body = response.json()
                assert isinstance(body["detail"], str) and body["detail"], (url, body)
    assert not failures, "\n".join(failures)


def test_a_refused_id_is_named_in_words(
        client: TestClient, as_role) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    big = client.get("/api/claims", params={"before_id": "99999999999999999999"}, headers=admin)
    assert big.status_code == 422
    assert big.json() == {
        "detail": "query parameter before_id: '99999999999999999999' input should be less "
                  "than or equal to 2147483647", "field": "before_id"}
    path = client.get(f"/api/claims/{2**63}", headers=admin)
    assert path.status_code == 422 and path.json()["field"] == "claim_id"
    assert "path parameter claim_id" in path.json()["detail"]
    page = client.get("/claims", params={"payer_id": "NaN"}, headers=admin)
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]
    assert "query parameter payer_id" in page.text
    # An empty form field is no filter, as the claims page's "any payer" sends it.
    assert client.get("/claims", params={"payer_id": "", "before_id": ""},
                      headers=admin).status_code == 200


def test_amounts_and_enums_are_checked(
        client: TestClient, as_role) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    for value in ("NaN", "inf", "1e999", "-1"):
        api = client.get("/api/remittance/patient-balances", params={"small_balance": value},
                         headers=admin)
        assert api.status_code == 422 and api.json()["field"] == "small_balance", value
        page = client.get("/balances", params={"small_balance": value}, headers=admin)
        assert page.status_code == 422 and "is not an amount" in page.text, value
    status = client.get("/api/claims", params={"status": "nonsense"}, headers=admin)
    assert status.status_code == 422 and status.json()["field"] == "status"
    queue = client.get("/api/claims", params={"queue": "nonsense"}, headers=admin)
    assert queue.status_code == 422 and "rejections" in queue.json()["detail"]
    category = client.get("/api/remittance/denials", params={"category": "x"}, headers=admin)
    assert category.status_code == 422 and category.json()["field"] == "category"
    deposit = client.post("/api/remittance/deposits", headers=admin, json={
        "trace_number": "T1", "amount": "1e400", "deposit_date": "2026-01-02"})
    assert deposit.status_code == 422 and deposit.json()["field"] == "amount"


def test_ids_in_bodies_are_bounded(
        client: TestClient, as_role) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    policy = client.post("/api/patients/1/policies", headers=admin,
                         json={"payer_id": 2**63, "member_id": "M1"})
    assert policy.status_code == 422 and policy.json()["field"] == "payer_id"
    submit = client.post("/api/submissions", headers=admin, json={"claim_ids": [2**40]})
    assert submit.status_code == 422 and submit.json()["field"] == "claim_ids[0]"
    assign = client.post("/api/remittance/claim-payments/1/assign", headers=admin,
                         json={"claim_id": -1})
    assert assign.status_code == 422 and assign.json()["field"] == "claim_id"
