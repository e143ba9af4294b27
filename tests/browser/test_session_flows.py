"""Signing in and out, and forms, as a person does them in Chromium against the served demo.

Each test starts from a fresh browser (no cookies). The flows: a biller opens a patient's claim,
logs out and presses Back; a page on another local port submits one of our forms with the
biller's cookie; someone guesses a password again and again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from browser_support import Served, log_in, screenshot

pytestmark = pytest.mark.browser


def _open_first_claim(page) -> str:  # type: ignore[no-untyped-def]
    """Open the first claim of the list; the patient's name as the claim page shows it."""
    page.goto("/claims")
    page.locator("table a[href^='/claims/']").first.click()
    page.wait_for_url("**/claims/*")
    return page.locator("dt:text-is('Patient') + dd a").inner_text()


def test_back_after_logout_shows_no_patient_data(page, served: Served) -> None:
    log_in(page, served, "biller")
    patient = _open_first_claim(page)
    assert patient.strip()
    claim_url = page.url
    page.click("form.who button[type=submit]")
    page.wait_for_url("**/login")
    page.go_back()
    page.wait_for_load_state()
    # The page is asked of the server again (no-store) and the ended session gets the login form.
    assert "/login" in page.url
    assert patient not in page.content()
    screenshot(page, "back-after-logout")
    # The old session cookie, replayed, is refused as well: logout ended it on the server.
    page.goto(claim_url)
    assert "/login" in page.url


@pytest.fixture
def foreign_site(served: Served) -> Iterator[str]:
    """A page on another loopback port (the same site to the browser, another origin) that
    submits a form to Claimhouse as soon as it loads."""
    target = f"{served.base_url}/submissions/send"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = (f"<!doctype html><form id=f method=post action='{target}'></form>"
                    "<script>document.getElementById('f').submit()</script>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_form_posted_from_another_origin_is_refused(page, served: Served,
                                                      foreign_site: str) -> None:
    log_in(page, served, "biller")
    # The biller's own form works: the submissions page posts with its token.
    page.goto("/submissions")
    page.click("form[action='/submissions/poll'] button[type=submit]")
    page.wait_for_load_state()
    assert "/submissions" in page.url
    assert "forbidden" not in page.content().lower()
    # The same browser, lured to another origin that posts a form to Claimhouse.
    with page.expect_response(lambda r: r.url.endswith("/submissions/send")) as answer:
        page.goto(foreign_site)
    assert answer.value.status == 403
    page.wait_for_load_state()
    screenshot(page, "foreign-form-refused")


def test_repeated_wrong_passwords_lock_the_login(page, served: Served) -> None:
    page.goto("/login")
    for _ in range(6):
        page.fill("input[name=username]", "poster")
        page.fill("input[name=password]", "not-the-password-1")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    message = page.locator(".alert.error").inner_text()
    assert "try again" in message.lower()
    screenshot(page, "login-locked")
    # Even the right password is refused while the lock lasts, with the same words.
    page.fill("input[name=username]", "poster")
    page.fill("input[name=password]", served.passwords["poster"])
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login" in page.url
