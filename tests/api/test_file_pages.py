"""Waiting files on the screens: listed where the people who may apply them work, with a
button that applies them in that person's name."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from api_support import browser_login
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "remittance"))
from remit_practice import SAMPLES, load_practice  # noqa: E402

from claims.db.tables import ClaimRecord, ClaimStatusChange  # noqa: E402
from core.tables import StoredFile  # noqa: E402

ERA = (SAMPLES / "era_basic.835").read_bytes()
ANSWERS = (Path(__file__).resolve().parents[2] / "samples" / "exchange" / "batch.277")


@pytest.fixture
def practice(session_factory) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        return load_practice(s)


def _upload(client, headers, name: str, content: bytes) -> int:  # type: ignore[no-untyped-def]
    response = client.post("/api/files", headers=headers, files={"file": (name, content)})
    assert response.status_code == 200 and response.json()["status"] == "waiting"
    return response.json()["id"]


def test_a_poster_applies_a_billers_835_from_the_remittances_screen(
        client, as_role, practice, session_factory) -> None:  # type: ignore[no-untyped-def]
    file_id = _upload(client, as_role("biller"), "april-era.835", ERA)
    browser_login(client, "poster")
    screen = client.get("/remittances")
    assert "Files waiting for someone who may apply them" in screen.text
    assert "april-era.835" in screen.text and f"/files/{file_id}/process" in screen.text
    assert "waiting for someone who may post payments" in screen.text

    done = client.post(f"/files/{file_id}/process", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/remittances?")
    after = client.get(done.headers["location"])
    assert "april-era.835: 835: posted" in after.text
    assert f"/files/{file_id}/process" not in after.text
    with session_factory() as s:
        assert s.get(StoredFile, file_id).status == "processed"
        assert set(s.scalars(select(ClaimStatusChange.actor))) == {"poster"}
        paid = s.scalar(select(ClaimRecord).where(ClaimRecord.patient_control_number == "C1001"))
        assert paid.status == "paid"


def test_the_button_refuses_someone_who_may_not_apply_the_file(
        client, as_role, practice, session_factory) -> None:  # type: ignore[no-untyped-def]
    file_id = _upload(client, as_role("biller"), "april-era.835", ERA)
    browser_login(client, "biller")
    refused = client.post(f"/files/{file_id}/process", follow_redirects=False)
    assert refused.status_code == 403
    assert "still waiting for someone who may post payments" in refused.text
    with session_factory() as s:
        assert s.get(StoredFile, file_id).status == "waiting"
        assert s.scalars(select(ClaimStatusChange)).all() == []


def test_a_posters_277ca_is_listed_on_the_submissions_screen(
        client, as_role) -> None:  # type: ignore[no-untyped-def]
    file_id = _upload(client, as_role("poster"), "answers.277", ANSWERS.read_bytes())
    browser_login(client, "poster")
    # A poster sees the file but not the button: applying it takes claims:submit.
    seen = client.get("/submissions").text
    assert "answers.277" in seen and f"/files/{file_id}/process" not in seen
    browser_login(client, "biller")
    screen = client.get("/submissions").text
    assert "answers.277" in screen and f"/files/{file_id}/process" in screen
    done = client.post(f"/files/{file_id}/process", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/submissions?")
    assert "answers.277" not in client.get("/submissions").text.split("<table>")[0]
