"""Browser protections: security headers and no-store on every response, HSTS and Secure
cookies only over TLS (directly or through a trusted proxy), and CSRF tokens plus an Origin
check on every form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from api_support import browser_login, csrf_field, token_for
from claim_docs import claim_doc
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import create_app
from api.deps import COOKIE_NAME
from api.security import CONTENT_SECURITY_POLICY, LOGIN_CSRF_COOKIE
from core.settings import load_settings
from core.tables import AuditEntry

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"
SECRET = "api-test-secret-0123456789abcdef0123"


def _claim(client, as_role) -> int:  # type: ignore[no-untyped-def]
    return client.post("/api/claims", headers=as_role("biller"),
                       json=claim_doc("SEC-1")).json()["claim"]["id"]


def _page_login(client, username: str = "biller") -> None:  # type: ignore[no-untyped-def]
    """Log in through the form, without the helper's X-CSRF-Token header: the forms' own
    hidden fields are what is tested here."""
    assert browser_login(client, username).status_code == 303
    client.headers.pop("X-CSRF-Token")


def _scrub_form(client, claim_id: int) -> str:  # type: ignore[no-untyped-def]
    page = client.get(f"/claims/{claim_id}")
    assert f'action="/claims/{claim_id}/scrub"' in page.text
    return csrf_field(page.text)


# -- headers -----------------------------------------------------------------------------

_COMMON = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@pytest.mark.parametrize("url", ["/login", "/claims", "/api/claims", "/api/openapi.json",
                                 "/api/nothing-here", "/static/style.css"])
def test_security_headers_on_every_response(client, url: str) -> None:
    response = client.get(url, follow_redirects=False)
    for name, value in _COMMON.items():
        assert response.headers[name] == value, (url, name)
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "strict-transport-security" not in response.headers      # plain HTTP
    if url.startswith("/static/"):
        assert "no-store" not in response.headers.get("cache-control", "")
    else:
        assert response.headers["cache-control"] == "no-store"


def test_pages_with_patient_data_are_never_cached(client, as_role) -> None:
    claim_id = _claim(client, as_role)
    _page_login(client)
    page = client.get(f"/claims/{claim_id}")
    assert page.status_code == 200 and "Rivera" in page.text
    assert page.headers["cache-control"] == "no-store"
    api = client.get(f"/api/claims/{claim_id}", headers=as_role("biller"))
    assert api.headers["cache-control"] == "no-store"


def test_the_templates_need_no_inline_script_or_style() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert "<script" not in text and "<style" not in text, template.name
        assert not re.search(r"\son[a-z]+=", text) and " style=" not in text, template.name


def test_the_api_page_runs_under_its_policy(client) -> None:
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert docs.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    # Everything it loads is this site's own; no inline script the policy would block.
    assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", docs.text)
    for source in re.findall(r'(?:src|href)="([^"]+)"', docs.text):
        assert source.startswith("/") and not source.startswith("//"), source
        assert client.get(source).status_code == 200, source
    assert docs.headers["cache-control"] == "no-store"


# -- TLS and the trusted proxy -----------------------------------------------------------

@pytest.fixture
def proxied_app(db_engine, session_factory, app):  # type: ignore[no-untyped-def]
    """The test app behind a reverse proxy at 10.0.0.5 (the fixture `app` made the users)."""
    settings = load_settings(secret_key=SECRET, data_dir=Path("unused"),
                             trusted_proxies="10.0.0.0/29, ::1")
    return create_app(settings, engine=db_engine)


def _login_response(client):  # type: ignore[no-untyped-def]
    response = browser_login(client, "biller")
    assert response.status_code == 303, response.text
    return response


def test_no_hsts_or_secure_cookie_over_plain_http(client) -> None:
    response = _login_response(client)
    assert "secure" not in response.headers["set-cookie"].lower()
    assert "strict-transport-security" not in response.headers


def test_tls_directly(app) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        response = _login_response(client)
        cookie = response.headers["set-cookie"].lower()
        assert cookie.startswith(COOKIE_NAME) and "; secure" in cookie
        assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_an_untrusted_proxy_is_not_believed(app) -> None:
    with TestClient(app, client=("10.0.0.5", 40000)) as client:
        client.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"})
        response = _login_response(client)
        assert "secure" not in response.headers["set-cookie"].lower()
        assert "strict-transport-security" not in response.headers


def test_a_trusted_proxy_saying_https(proxied_app, session_factory) -> None:
    with TestClient(proxied_app, client=("10.0.0.5", 40000)) as client:
        # The browser speaks https to the proxy; the proxy speaks http to us.
        client.headers.update({"X-Forwarded-Proto": "https",
                               "X-Forwarded-For": "203.0.113.9, 10.0.0.6",
                               "Origin": "https://testserver"})
        form = client.get("/login")
        assert form.headers["strict-transport-security"] == "max-age=31536000"
        nonce_cookie = form.headers["set-cookie"]
        assert "; secure" in nonce_cookie.lower()
        nonce = re.search(rf"{LOGIN_CSRF_COOKIE}=([^;]+)", nonce_cookie).group(1)
        # The test client keeps Secure cookies off plain http, as it should: send it by hand.
        response = client.post("/login", data={"username": "biller",
                                                "password": "test-password-1",
                                                "csrf_token": csrf_field(form.text)},
                               headers={"Cookie": f"{LOGIN_CSRF_COOKIE}={nonce}"},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        session_cookie = [c for c in response.headers.get_list("set-cookie")
                          if c.startswith(COOKIE_NAME)]
        assert "; secure" in session_cookie[0].lower()
        assert response.headers["strict-transport-security"] == "max-age=31536000"
        # A proxy that says plain http gets neither.
        plain = client.get("/login", headers={"X-Forwarded-Proto": "http"})
        assert "strict-transport-security" not in plain.headers
        assert "secure" not in plain.headers["set-cookie"].lower()
    with session_factory() as s:
        login = s.scalars(select(AuditEntry).where(AuditEntry.action == "login")).one()
        assert login.client == "203.0.113.9"     # the browser, not the proxy


def test_a_trusted_proxy_with_an_untrusted_sender_of_https(proxied_app) -> None:
    # X-Forwarded-Proto from a client that is not a listed proxy is ignored.
    with TestClient(proxied_app, client=("192.0.2.50", 40000)) as client:
        client.headers["X-Forwarded-Proto"] = "https"
        assert "strict-transport-security" not in client.get("/login").headers


def test_a_bad_trusted_proxy_entry_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="CLAIMHOUSE_TRUSTED_PROXIES: 'proxy.local' is not an "
                                         "IP address or network"):
        load_settings(trusted_proxies="10.0.0.1, proxy.local")


# -- CSRF --------------------------------------------------------------------------------

def test_every_post_form_carries_the_token() -> None:
    for template in TEMPLATES.glob("*.html"):
        for form in re.findall(r"<form\b[^>]*>", template.read_text(), re.I):
            if 'method="post"' in form.lower():
                after = template.read_text().split(form, 1)[1]
                assert after.startswith('<input type="hidden" name="csrf_token" '
                                        'value="{{ csrf_token(request) }}">'), template.name


def test_a_real_form_with_its_token_works(client, as_role) -> None:
    claim_id = _claim(client, as_role)
    _page_login(client)
    token = _scrub_form(client, claim_id)
    done = client.post(f"/claims/{claim_id}/scrub", data={"csrf_token": token},
                       headers={"Origin": "http://testserver"})
    assert done.status_code == 200 and "Scrubbed:" in done.text


@pytest.mark.parametrize(("data", "headers", "words"), [
    ({}, {}, "the form is missing its security token (CSRF)"),
    ({"csrf_token": "forged-token"}, {}, "the form's security token (CSRF) does not match"),
    ("valid", {"Origin": "https://evil.example"},
     "this request was sent from https://evil.example, not from this site"),
    ("valid", {"Origin": "null"}, "this request was sent from null"),
    ("valid", {"Referer": "https://evil.example/page"},
     "this request was sent from https://evil.example, not from this site"),
    ("valid", {"Origin": "https://testserver"}, "list its address in CLAIMHOUSE_TRUSTED_PROXIES"),
])
def test_a_forged_form_is_refused(client, as_role, data, headers, words) -> None:
    claim_id = _claim(client, as_role)
    _page_login(client)
    if data == "valid":
        data = {"csrf_token": _scrub_form(client, claim_id)}
    refused = client.post(f"/claims/{claim_id}/scrub", data=data, headers=headers)
    assert refused.status_code == 403
    assert words in refused.text.replace("&#39;", "'")
    record = client.get(f"/api/claims/{claim_id}", headers=as_role("biller")).json()
    assert record["claim"]["status"] == "draft"      # nothing happened


def test_one_sessions_token_does_not_serve_another(app, client, as_role) -> None:
    claim_id = _claim(client, as_role)
    _page_login(client)
    theirs = _scrub_form(client, claim_id)
    with TestClient(app) as other:
        _page_login(other)
        mine = _scrub_form(other, claim_id)
        assert mine != theirs
        assert other.post(f"/claims/{claim_id}/scrub",
                          data={"csrf_token": theirs}).status_code == 403


def test_the_header_serves_script_and_json_callers_with_the_cookie(client, as_role) -> None:
    claim_id = _claim(client, as_role)
    _page_login(client)
    token = _scrub_form(client, claim_id)
    assert client.post(f"/api/claims/{claim_id}/scrub").status_code == 403
    ok = client.post(f"/api/claims/{claim_id}/scrub", headers={"X-CSRF-Token": token})
    assert ok.status_code == 200


def test_bearer_calls_need_neither_token_nor_origin(client, as_role) -> None:
    claim_id = _claim(client, as_role)
    response = client.post(f"/api/claims/{claim_id}/scrub",
                           headers={**as_role("biller"), "Origin": "https://elsewhere.example"})
    assert response.status_code == 200


def test_logout_needs_the_token(client) -> None:
    _page_login(client)
    assert client.post("/logout").status_code == 403
    assert client.get("/claims").status_code == 200          # still signed in
    token = csrf_field(client.get("/claims").text)
    assert client.post("/logout", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    assert client.get("/claims", follow_redirects=False).status_code == 303


def test_the_login_form_is_protected_before_any_session(client) -> None:
    form = client.get("/login")
    token = csrf_field(form.text)
    assert client.cookies.get(LOGIN_CSRF_COOKIE)
    credentials = {"username": "biller", "password": "test-password-1"}
    missing = client.post("/login", data=credentials)
    assert missing.status_code == 403 and "missing its security token" in missing.text
    wrong = client.post("/login", data={**credentials, "csrf_token": token[::-1]})
    assert wrong.status_code == 403
    foreign = client.post("/login", data={**credentials, "csrf_token": token},
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    # A token without its cookie (another browser's form) is refused too.
    client.cookies.delete(LOGIN_CSRF_COOKIE)
    cookieless = client.post("/login", data={**credentials, "csrf_token": token})
    assert cookieless.status_code == 403 and "had expired" in cookieless.text
    assert COOKIE_NAME not in client.cookies
    assert browser_login(client, "biller").status_code == 303


def test_a_login_through_the_json_api_is_not_a_cookie_login(client) -> None:
    # The token route answers JSON and sets no cookie, so it needs no CSRF token.
    assert token_for(client, "biller")
    assert COOKIE_NAME not in client.cookies


def test_a_multipart_upload_form_carries_its_token_in_the_body(client) -> None:
    _page_login(client, "poster")
    token = csrf_field(client.get("/remittances").text)
    era = (Path(__file__).resolve().parents[2] / "samples" / "remittance"
           / "era_basic.835").read_bytes()
    files = {"file": ("era_basic.835", era)}
    refused = client.post("/remittances/upload", data={"action": "preview"}, files=files)
    assert refused.status_code == 403 and "missing its security token" in refused.text
    preview = client.post("/remittances/upload", files=files,
                          data={"action": "preview", "csrf_token": token})
    assert preview.status_code == 200 and "Preview of era_basic.835" in preview.text
