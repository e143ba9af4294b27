"""The remittance screens: upload to preview or post, held and unmatched payments, the denial
queue with appeal letters, patient balances; nav by role; audit of what they show."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from api_support import browser_login
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "remittance"))
from remit_practice import SAMPLES, load_practice  # noqa: E402
from test_secondary import C1004  # noqa: E402

from claims.db.tables import ClaimRecord  # noqa: E402
from core.tables import AuditEntry  # noqa: E402
from remittance.tables import ClaimPaymentRecord, DenialRecord, RemittanceRecord  # noqa: E402


@pytest.fixture
def practice(session_factory) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        return load_practice(s)


def login(client, username: str) -> None:  # type: ignore[no-untyped-def]
    assert browser_login(client, username).status_code == 303


def upload(client, name: str, action: str):  # type: ignore[no-untyped-def]
    return client.post("/remittances/upload", data={"action": action},
                       files={"file": (name, (SAMPLES / name).read_bytes())})


def test_nav_follows_the_role(client) -> None:  # type: ignore[no-untyped-def]
    login(client, "poster")
    page = client.get("/claims").text
    assert 'href="/remittances"' in page and 'href="/payments"' in page
    assert 'href="/denials"' not in page
    login(client, "biller")
    page = client.get("/claims").text
    assert 'href="/denials"' in page and 'href="/remittances"' not in page
    refused = client.get("/remittances")
    assert refused.status_code == 403 and "does not allow" in refused.text
    assert client.get("/denials").status_code == 200


def test_preview_then_post_from_the_remittances_page(client, practice,
                                                     session_factory) -> None:  # type: ignore[no-untyped-def]
    login(client, "poster")
    empty = client.get("/remittances")
    assert empty.status_code == 200 and "No remittances yet" in empty.text
    preview = upload(client, "era_basic.835", "preview")
    assert preview.status_code == 200
    assert "Preview of era_basic.835" in preview.text
    assert "DENIAL timely filing: appeal, 200.00 at stake" in preview.text
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(RemittanceRecord)) == 0
    posted = upload(client, "era_basic.835", "post")
    assert posted.status_code == 200
    assert "era_basic.835: 1 payment(s) posted, 0 held for review" in posted.text
    assert "EFT202604100001" in posted.text and "237.25" in posted.text
    again = upload(client, "era_basic.835", "post")
    assert "nothing was posted again" in again.text
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(RemittanceRecord)) == 1
    wrong = client.post("/remittances/upload", data={"action": "post"},
                        files={"file": ("x.txt", b"hello")})
    assert wrong.status_code == 422 and "x.txt: not an 835" in wrong.text

    deposit = client.post("/deposits", data={"trace_number": "EFT202604100001",
                                             "amount": "237.25",
                                             "deposit_date": "2026-04-11"})
    assert "matches the payment from MEDICARE PART B" in deposit.text
    assert "Every payment is matched to a deposit" in deposit.text
    bad = client.post("/deposits", data={"trace_number": "T", "amount": "lots",
                                         "deposit_date": "2026-04-11"})
    assert bad.status_code == 422 and "not an amount of money" in bad.text
    for text in ("NaN", "Infinity"):
        odd = client.post("/deposits", data={"trace_number": "T", "amount": text,
                                             "deposit_date": "2026-04-11"})
        assert odd.status_code == 422 and "not an amount of money" in odd.text


def test_a_bare_set_previews_with_its_reading_note_as_a_warning(client, practice) -> None:  # type: ignore[no-untyped-def]
    login(client, "poster")
    bare = SAMPLES.parent / "x12" / "bare_remittance.835"
    page = client.post("/remittances/upload", data={"action": "preview"},
                       files={"file": (bare.name, bare.read_bytes())})
    assert page.status_code == 200 and "Preview of bare_remittance.835" in page.text
    # Read leniently and said so, in the warning style: not a failure.
    assert '<p class="alert warning">File: warning:' in page.text
    assert "no ISA/GS envelope" in page.text
    assert 'class="alert error"' not in page.text


def test_held_and_unmatched_screen(client, practice, session_factory) -> None:  # type: ignore[no-untyped-def]
    login(client, "poster")
    upload(client, "era_out_of_balance.835", "post")
    upload(client, "era_two_payers.835", "post")
    page = client.get("/payments")
    assert page.status_code == 200
    assert "CHK90001" in page.text and "500.00" in page.text     # the held remittance
    assert "ZZ9999" in page.text                                 # the unmatched payment
    with session_factory() as s:
        remit_id = s.scalar(select(RemittanceRecord.id).where(
            RemittanceRecord.trace_number == "CHK90001"))
        unmatched = s.scalar(select(ClaimPaymentRecord.id).where(
            ClaimPaymentRecord.patient_control_number == "ZZ9999"))
    detail = client.get(f"/remittances/{remit_id}")
    assert detail.status_code == 200 and "out of balance" in detail.text
    assert "C1006" in detail.text and "Release and post" in detail.text
    assert "release the remittance above" in page.text
    assert client.get("/remittances/999999").status_code == 404
    released = client.post(f"/remittances/{remit_id}/release", data={"note": "bank checked"})
    assert f"Remittance {remit_id} released: 0 claim payment(s) posted, 1 still held" \
        in released.text
    unknown = client.post(f"/payments/{unmatched}/assign", data={"claim": "NOPE"})
    assert unknown.status_code == 404 and "NOPE" in unknown.text
    assigned = client.post(f"/payments/{unmatched}/assign",
                           data={"claim": "C1008", "note": "member id"})
    assert f"Claim payment {unmatched} to claim C1008" in assigned.text
    assert "Every claim payment matched a claim" in assigned.text


def test_denials_screen_and_appeal_letter(client, practice, session_factory) -> None:  # type: ignore[no-untyped-def]
    login(client, "poster")
    upload(client, "era_basic.835", "post")
    login(client, "biller")
    page = client.get("/denials")
    assert page.status_code == 200
    assert "timely filing · 1 · 200.00" in page.text
    assert "bundling · 2 · 150.00" in page.text
    assert "350.00" in page.text and "2026-08-08" in page.text
    # No 999/277CA acceptance is on file for C1003: its timely-filing denial is written off.
    filtered = client.get("/denials", params={"action": "write_off"})
    assert "C1003" in filtered.text and "C1002" not in filtered.text
    assert "no acceptance on file within 365 days" in filtered.text
    other_payer = client.get("/denials", params={"payer": "acme"})
    assert "C1003" not in other_payer.text and "C1002" not in other_payer.text
    assert client.get("/denials", params={"due_by": "someday"}).status_code == 422
    with session_factory() as s:
        denial = s.scalar(select(DenialRecord.id).where(DenialRecord.category == "timely_filing"))
    assert f'href="/denials/{denial}/appeal-letter.pdf"' in page.text
    pdf = client.get(f"/denials/{denial}/appeal-letter.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    done = client.post(f"/denials/{denial}/resolve", data={"status": "appealed",
                                                           "note": "mailed"})
    assert f"Denial {denial}: appealed." in done.text and "C1003" not in done.text
    wrong = client.post(f"/denials/{denial}/resolve", data={"status": "lost"})
    assert wrong.status_code == 422 and "is not one of" in wrong.text
    with session_factory() as s:
        actions = {e.action for e in s.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "denial"))}
    assert actions == {"list", "export"}


def test_patient_balances_screen_is_audited(client, practice, session_factory) -> None:  # type: ignore[no-untyped-def]
    login(client, "poster")
    upload(client, "era_basic.835", "post")
    page = client.get("/balances")
    assert page.status_code == 200
    assert "JANE DOE" in page.text and "owes 51.00" in page.text
    assert "the next payer on file has not paid yet" in page.text       # C1004, secondary
    assert "81.00" in page.text
    with session_factory() as s:
        entries = s.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "patient_balance")).all()
    assert len(entries) == 3 and {e.route for e in entries} == {"/balances"}
    assert client.get("/balances", params={"small_balance": "abc"}).status_code == 422


def test_secondary_claim_download(client, practice, session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        s.get(ClaimRecord, practice["C1004"]).document = C1004
    login(client, "poster")
    upload(client, "era_basic.835", "post")
    login(client, "biller")
    page = client.get("/denials")
    assert "Build secondary claim" in page.text and "TOM BROWN" in page.text
    with session_factory() as s:
        payment = s.scalar(select(ClaimPaymentRecord.id).where(
            ClaimPaymentRecord.patient_control_number == "C1004"))
    built = client.post(f"/secondary/{payment}")
    assert built.status_code == 200
    assert 'filename="secondary-C1004.json"' in built.headers["content-disposition"]
    claim = built.json()
    assert claim["payer"]["payer_id"] == "ACME1"
    assert claim["other_coverages"][0]["adjudication"]["paid_amount"] == "72.00"
