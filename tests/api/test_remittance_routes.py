"""Remittance over the JSON API: roles, preview, posting once, holds, queues, letters, audit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "remittance"))
from remit_practice import SAMPLES, load_practice  # noqa: E402
from test_secondary import C1004  # noqa: E402

from claims.db.tables import ClaimRecord  # noqa: E402
from core.tables import AuditEntry, StoredFile  # noqa: E402
from remittance.tables import ClaimPaymentRecord, PostingRecord, RemittanceRecord  # noqa: E402

R = "/api/remittance"


@pytest.fixture
def practice(session_factory) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        return load_practice(s)


def era(name: str) -> tuple[str, bytes]:
    return name, (SAMPLES / name).read_bytes()


def post(client, headers, name: str):  # type: ignore[no-untyped-def]
    response = client.post(f"{R}/post", headers=headers, files={"file": era(name)})
    assert response.status_code == 200, response.text
    return response.json()


# (method, path, body, allowed roles): every route refuses the roles without its permission.
ROUTES = [
    ("post", "/preview", None, {"poster", "supervisor", "admin"}),
    ("get", "/remittances", None, {"poster", "supervisor", "admin"}),
    ("get", "/held", None, {"poster", "supervisor", "admin"}),
    ("get", "/unmatched", None, {"poster", "supervisor", "admin"}),
    ("get", "/deposits/unreconciled", None, {"poster", "supervisor", "admin"}),
    ("get", "/denials", None, {"biller", "supervisor", "admin"}),
    ("get", "/secondary", None, {"biller", "supervisor", "admin"}),
    ("get", "/patient-balances", None, {"biller", "poster", "supervisor", "admin"}),
]


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROUTES)
def test_roles(client, as_role, method, path, body, allowed) -> None:  # type: ignore[no-untyped-def]
    for role in ("admin", "biller", "poster", "supervisor"):
        kwargs = {"files": {"file": era("era_basic.835")}} if method == "post" else {}
        response = getattr(client, method)(f"{R}{path}", headers=as_role(role), **kwargs)
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, (role, path, response.text)
        if expected == 403:
            assert "does not allow" in response.json()["detail"]
    assert client.get(f"{R}/remittances").status_code == 401


def test_write_routes_refuse_the_wrong_role(client, as_role, practice) -> None:  # type: ignore[no-untyped-def]
    biller, poster = as_role("biller"), as_role("poster")
    assert client.post(f"{R}/post", headers=biller,
                       files={"file": era("era_basic.835")}).status_code == 403
    assert client.post(f"{R}/remittances/1/release", headers=biller,
                       json={"note": "x"}).status_code == 403
    assert client.post(f"{R}/claim-payments/1/assign", headers=biller,
                       json={"claim_id": 1}).status_code == 403
    assert client.post(f"{R}/deposits", headers=biller, json={
        "trace_number": "T", "amount": "1.00", "deposit_date": "2026-04-12"}).status_code == 403
    assert client.post(f"{R}/denials/1/resolve", headers=poster,
                       json={"status": "appealed"}).status_code == 403
    assert client.get(f"{R}/denials/1/appeal-letter.pdf", headers=poster).status_code == 403
    assert client.post(f"{R}/secondary/1", headers=poster).status_code == 403


def test_preview_stores_nothing(client, as_role, practice, session_factory) -> None:  # type: ignore[no-untyped-def]
    response = client.post(f"{R}/preview", headers=as_role("poster"),
                           files={"file": era("era_basic.835")})
    assert response.status_code == 200, response.text
    (remit,) = response.json()["remittances"]
    assert (remit["trace_number"], remit["payment_amount"], remit["balanced"]) == (
        "EFT202604100001", "237.25", True)
    text = "\n".join(remit["lines"])
    assert "4 claim payment(s): 4 to post" in text
    assert "DENIAL timely filing: appeal, 200.00 at stake" in text
    assert remit["posted_before"] is False
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(RemittanceRecord)) == 0
        assert s.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_the_same_835_posted_twice_posts_once(client, as_role, practice,
                                               session_factory) -> None:  # type: ignore[no-untyped-def]
    poster = as_role("poster")
    first = post(client, poster, "era_basic.835")
    assert (first["created"], first["already_processed"]) == (True, False)
    (summary,) = first["remittances"]
    assert (summary["status"], summary["posted_amount"], summary["denials"]) == (
        "posted", "261.00", 3)
    assert summary["outcomes"] == {"posted": 4}
    second = post(client, poster, "era_basic.835")
    assert (second["created"], second["already_processed"]) == (False, True)
    assert second["stored_file_id"] == first["stored_file_id"]
    assert "nothing was posted again" in second["message"]
    # The same payment in new bytes (a re-sent ERA) is recognised by payer + TRN02.
    resent = era("era_basic.835")[1] + b"\n"
    third = client.post(f"{R}/post", headers=poster, files={"file": ("again.835", resent)})
    assert third.status_code == 200, third.text
    assert [r["status"] for r in third.json()["remittances"]] == ["duplicate"]
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(RemittanceRecord)) == 1
        payments = s.scalar(select(func.count()).select_from(ClaimPaymentRecord))
        assert payments == 4
        assert s.scalar(select(func.count()).select_from(StoredFile)) == 2
        assert s.get(ClaimRecord, practice["C1003"]).status == "denied"
    preview = client.post(f"{R}/preview", headers=poster, files={"file": era("era_basic.835")})
    assert preview.json()["remittances"][0]["posted_before"] is True
    listed = client.get(f"{R}/remittances", headers=poster).json()
    assert [(r["trace_number"], r["status"], r["balanced"], r["outcomes"])
            for r in listed["items"]] == [("EFT202604100001", "posted", True, {"posted": 4})]
    detail = client.get(f"{R}/remittances/{listed['items'][0]['id']}", headers=poster).json()
    assert [(p["patient_control_number"], p["outcome"], p["paid"])
            for p in detail["claim_payments"]] == [
        ("C1001", "posted", "69.00"), ("C1002", "posted", "120.00"),
        ("C1003", "posted", "0.00"), ("C1004", "posted", "72.00")]
    assert client.get(f"{R}/remittances/999999", headers=poster).status_code == 404
    with session_factory() as s:
        reads = s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "claim_payment"))
        assert len({e.patient_id for e in reads}) == 4


def test_an_unreadable_file_stores_nothing(client, as_role, session_factory) -> None:  # type: ignore[no-untyped-def]
    response = client.post(f"{R}/post", headers=as_role("poster"),
                           files={"file": ("notes.txt", b"this is not an 835")})
    assert response.status_code == 422
    assert "notes.txt: not an 835" in response.json()["detail"]
    # An 835 without its payment segment reads, but nothing in it posts: a person looks.
    broken = (SAMPLES / "era_basic.835").read_bytes().replace(b"BPR*", b"BPX*")
    held = client.post(f"{R}/post", headers=as_role("poster"),
                       files={"file": ("broken.835", broken)})
    (summary,) = held.json()["remittances"]
    assert (summary["status"], summary["posted_amount"]) == ("held", "0.00")
    assert any("BPR" in p for p in summary["problems"])
    empty = client.post(f"{R}/post", headers=as_role("poster"), files={"file": ("e.835", b"")})
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]
    with session_factory() as s:
        assert s.scalar(select(StoredFile.source_name)) == "upload:broken.835"


def test_out_of_balance_era_is_held_then_released(client, as_role, practice,
                                                   session_factory) -> None:  # type: ignore[no-untyped-def]
    poster = as_role("poster")
    (summary,) = post(client, poster, "era_out_of_balance.835")["remittances"]
    assert (summary["status"], summary["balanced"], summary["posted_amount"]) == (
        "held", False, "0.00")
    assert summary["problems"]
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(PostingRecord)
                        .where(PostingRecord.posted.is_(True))) == 0
    (held,) = client.get(f"{R}/held", headers=poster).json()
    # Held twice over: the remittance does not balance, and the claim's lines do not either.
    assert (held["patient_control_number"], held["hold_kind"]) == ("C1006", "claim")
    remit_id = held["remittance_id"]
    # A claim payment of a held remittance cannot jump the review of the whole payment.
    one_path = f"{R}/claim-payments/{held['claim_payment_id']}/release"
    one = client.post(one_path, headers=poster, json={})
    assert one.status_code == 409 and "release it first" in one.json()["detail"]
    no_note = client.post(f"{R}/remittances/{remit_id}/release", headers=poster, json={})
    assert no_note.status_code == 409 and "say why" in no_note.json()["detail"]
    assert client.post(f"{R}/remittances/999999/release", headers=poster,
                       json={"note": "x"}).status_code == 404
    released = client.post(f"{R}/remittances/{remit_id}/release", headers=poster,
                           json={"note": "bank deposit checked"})
    assert released.status_code == 200, released.text
    assert (released.json()["released"], released.json()["still_held"]) == (0, 1)
    posted = client.post(one_path, headers=poster, json={"note": "split claim, checked"})
    assert posted.status_code == 200 and posted.json()["released"] == 1, posted.text
    assert client.get(f"{R}/held", headers=poster).json() == []
    again = client.post(f"{R}/remittances/{remit_id}/release", headers=poster,
                        json={"note": "again"})
    assert again.status_code == 409 and "not held" in again.json()["detail"]


def test_unmatched_payment_assigned_to_a_claim(client, as_role, practice,
                                               session_factory) -> None:  # type: ignore[no-untyped-def]
    poster = as_role("poster")
    post(client, poster, "era_two_payers.835")
    unmatched = client.get(f"{R}/unmatched", headers=poster).json()
    assert [u["patient_control_number"] for u in unmatched] == ["ZZ9999"]
    item = unmatched[0]
    missing = client.post(f"{R}/claim-payments/{item['claim_payment_id']}/assign",
                          headers=poster, json={"claim_id": 999999})
    assert missing.status_code == 404 and "no claim" in missing.json()["detail"]
    assigned = client.post(f"{R}/claim-payments/{item['claim_payment_id']}/assign",
                           headers=poster, json={"claim_id": practice["C1008"],
                                                 "note": "found by member id"})
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["released"] + assigned.json()["still_held"] == 1
    assert client.get(f"{R}/unmatched", headers=poster).json() == []
    with session_factory() as s:
        record = s.get(ClaimPaymentRecord, item["claim_payment_id"])
        assert (record.claim_id, record.match_method) == (practice["C1008"], "assigned")
        listed = s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "claim_payment"))
        assert [e.action for e in listed] == ["list"]
    twice = client.post(f"{R}/claim-payments/{item['claim_payment_id']}/assign",
                        headers=poster, json={"claim_id": practice["C1008"]})
    assert twice.status_code == 409 and "not unmatched" in twice.json()["detail"]


def test_denial_queue_filters_resolve_and_appeal_letter(client, as_role, practice,
                                                        session_factory) -> None:  # type: ignore[no-untyped-def]
    post(client, as_role("poster"), "era_basic.835")
    biller = as_role("biller")
    queue = client.get(f"{R}/denials", headers=biller).json()
    assert [(d["patient_control_number"], d["category"], d["amount_at_stake"])
            for d in queue["items"]] == [("C1002", "bundling", "60.00"),
                                         ("C1003", "timely_filing", "200.00"),
                                         ("C1004", "bundling", "90.00")]
    assert queue["total_at_stake"] == "350.00"
    assert queue["by_category"] == [
        {"category": "timely_filing", "count": 1, "amount_at_stake": "200.00"},
        {"category": "bundling", "count": 2, "amount_at_stake": "150.00"}]

    def pcns(**params):  # type: ignore[no-untyped-def]
        got = client.get(f"{R}/denials", headers=biller, params=params)
        assert got.status_code == 200, got.text
        return [d["patient_control_number"] for d in got.json()["items"]]

    # Timely filing without a 999/277CA acceptance on file is written off, not appealed.
    assert pcns(action="write_off") == ["C1003"]
    assert pcns(action="appeal") == []
    assert pcns(category="bundling") == ["C1002", "C1004"]
    assert pcns(payer="medicare") == ["C1002", "C1003", "C1004"]
    assert pcns(payer="acme") == []
    # The payer filter is in the query: the limit counts only that payer's denials.
    assert pcns(payer=" Part B ", limit=1) == ["C1002"]
    assert pcns(payer="%") == [] and pcns(payer="_") == []
    assert pcns(due_by="2026-08-08") == ["C1002", "C1003", "C1004"]
    assert pcns(due_by="2026-08-01") == []
    bad = client.get(f"{R}/denials", headers=biller, params={"due_by": "soon"})
    assert bad.status_code == 422

    timely = queue["items"][1]
    letter = client.get(f"{R}/denials/{timely['denial_id']}/appeal-letter.pdf", headers=biller)
    assert letter.status_code == 200
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF-") and letter.content.rstrip().endswith(b"%%EOF")
    assert "appeal-C1003-" in letter.headers["content-disposition"]
    assert client.get(f"{R}/denials/999999/appeal-letter.pdf",
                      headers=biller).status_code == 404

    done = client.post(f"{R}/denials/{timely['denial_id']}/resolve", headers=biller,
                       json={"status": "appealed", "note": "letter mailed"})
    assert done.status_code == 204, done.text
    assert pcns() == ["C1002", "C1004"]
    appealed = client.get(f"{R}/denials", headers=biller, params={"status": "appealed"}).json()
    assert [(d["patient_control_number"], d["note"]) for d in appealed["items"]] == [
        ("C1003", "letter mailed")]
    wrong = client.post(f"{R}/denials/{timely['denial_id']}/resolve", headers=biller,
                        json={"status": "lost"})
    assert wrong.status_code == 422
    assert client.post(f"{R}/denials/999999/resolve", headers=biller,
                       json={"status": "resolved"}).status_code == 404
    with session_factory() as s:
        c1003 = s.get(ClaimRecord, practice["C1003"]).patient_id
        exports = s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
        assert [(e.entity_type, e.patient_id) for e in exports] == [("denial", c1003)]
        lists = s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "denial",
                                                   AuditEntry.action == "list")).all()
        assert c1003 in {e.patient_id for e in lists}


def test_patient_balances_are_audited(client, as_role, practice, session_factory) -> None:  # type: ignore[no-untyped-def]
    post(client, as_role("poster"), "era_basic.835")
    response = client.get(f"{R}/patient-balances", headers=as_role("biller"))
    assert response.status_code == 200, response.text
    body = response.json()
    owed = {p["name"]: p["total"] for p in body["patients"]}
    # C1004 has a secondary policy: its coinsurance waits for that payer, not the patient.
    assert owed == {"JANE DOE": "51.00", "RICHARD ROE": "30.00", "TOM BROWN": "0.00"}
    assert body["total"] == "81.00"
    jane = next(p for p in body["patients"] if p["name"] == "JANE DOE")
    (claim,) = jane["claims"]
    assert (claim["deductible"], claim["coinsurance"], claim["copay"], claim["patient_owes"]) == (
        "30.00", "16.00", "5.00", "51.00")
    with session_factory() as s:
        entries = s.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "patient_balance")).all()
        assert sorted(e.patient_id for e in entries) == sorted(
            p["patient_id"] for p in body["patients"])
        assert {(e.actor, e.action, e.route) for e in entries} == {
            ("biller", "read", f"{R}/patient-balances")}
    one = client.get(f"{R}/patient-balances", headers=as_role("biller"),
                     params={"patient_id": jane["patient_id"]}).json()
    assert [p["name"] for p in one["patients"]] == ["JANE DOE"]


def test_secondary_claim_from_the_primary_payment(client, as_role, practice,
                                                  session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        s.get(ClaimRecord, practice["C1004"]).document = C1004
    post(client, as_role("poster"), "era_basic.835")
    biller = as_role("biller")
    waiting = client.get(f"{R}/secondary", headers=biller).json()
    assert [(w["patient_control_number"], w["patient_responsibility"]) for w in waiting] == [
        ("C1004", "18.00")]
    built = client.post(f"{R}/secondary/{waiting[0]['claim_payment_id']}", headers=biller)
    assert built.status_code == 200, built.text
    body = built.json()
    assert body["claim"]["payer"]["payer_id"] == "ACME1"
    assert body["payer"] == "Acme Health Plan"
    assert isinstance(body["findings"], list)
    with session_factory() as s:
        payment = s.scalar(select(ClaimPaymentRecord.id).where(
            ClaimPaymentRecord.patient_control_number == "C1002"))
    # C1002 has no claim document to build from: a clear 422, not a crash.
    refused = client.post(f"{R}/secondary/{payment}", headers=biller)
    assert refused.status_code == 422 and "C1002" in refused.json()["detail"]
    assert client.post(f"{R}/secondary/999999", headers=biller).status_code == 404


def test_deposit_reconciliation(client, as_role, practice) -> None:  # type: ignore[no-untyped-def]
    poster = as_role("poster")
    post(client, poster, "era_basic.835")
    assert [r["trace_number"] for r in client.get(f"{R}/deposits/unreconciled",
                                                  headers=poster).json()] == ["EFT202604100001"]
    short = client.post(f"{R}/deposits", headers=poster, json={
        "trace_number": "EFT202604100001", "amount": "230.00", "deposit_date": "2026-04-11"})
    assert short.status_code == 201
    assert (short.json()["status"], short.json()["difference"]) == ("amount_mismatch", "-7.25")
    matched = client.post(f"{R}/deposits", headers=poster, json={
        "trace_number": "EFT202604100001", "amount": "237.25", "deposit_date": "2026-04-11",
        "bank_reference": "BNK-1"})
    assert matched.json()["status"] == "matched", matched.text
    assert client.get(f"{R}/deposits/unreconciled", headers=poster).json() == []
    listed = client.get(f"{R}/remittances", headers=poster).json()["items"]
    assert listed[0]["reconciled"] is True
    bad = client.post(f"{R}/deposits", headers=poster, json={
        "trace_number": "X", "amount": "ten", "deposit_date": "2026-04-11"})
    assert bad.status_code == 422


def test_posting_rules_from_the_settings(client, app, as_role, practice, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rules = tmp_path / "rules.json"
    rules.write_text("{not json")
    app.state.settings = app.state.settings.model_copy(update={"posting_rules_path": rules})
    refused = client.post(f"{R}/post", headers=as_role("poster"),
                          files={"file": era("era_basic.835")})
    assert refused.status_code == 422 and "rules.json" in refused.json()["detail"]
    # The office writes CO 97 (bundled) off instead of working it as a denial.
    rules.write_text('{"rules": [{"group": "CO", "reason": "97", '
                     '"disposition": "write_off"}]}')
    summary = post(client, as_role("poster"), "era_basic.835")["remittances"][0]
    assert summary["denials"] == 2


GENERATOR = Path(__file__).resolve().parents[3] / "shared" / "bench" / "gen_x12.py"


@pytest.fixture
def era_250(tmp_path: Path) -> bytes:
    """A generated ERA of 250 claim payments in one ST (../shared/bench/gen_x12.py)."""
    if not GENERATOR.is_file():
        pytest.skip(f"{GENERATOR} is not here")
    out = tmp_path / "gen" / "era_250.835"
    out.parent.mkdir()
    subprocess.run([sys.executable, str(GENERATOR), "835", "--claims", "250", "-o", str(out)],
                   check=True, capture_output=True)
    return out.read_bytes()


def test_multi_claim_era_previewed_then_posted_from_the_archive(
        client, as_role, app, session_factory, era_250, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Preview counts every claim and describes a bounded number; posting copies the upload
    to <data_dir>/archive (it is over the in-row size) and posts from that copy."""
    from core import archive
    monkeypatch.setattr(archive, "IN_ROW_BYTES", 16 * 1024)
    poster = as_role("poster")
    preview = client.post(f"{R}/preview", headers=poster, files={"file": ("big.835", era_250)})
    assert preview.status_code == 200, preview.text
    (remit,) = preview.json()["remittances"]
    assert remit["claim_count"] == 250 and sum(remit["outcomes"].values()) == 250
    assert (remit["balanced"], remit["held"], remit["posted_before"]) == (True, False, False)
    assert remit["payment_amount"] == "5991.70"
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(StoredFile)) == 0

    posted = post_bytes(client, poster, "big.835", era_250)
    (summary,) = posted["remittances"]
    assert (summary["status"], sum(summary["outcomes"].values())) == ("posted", 250)
    with session_factory() as s:
        stored = s.get(StoredFile, posted["stored_file_id"])
        assert stored.content is None and stored.size == len(era_250)
        where = Path(stored.storage_path)
        assert where == (app.state.settings.data_dir / "archive").resolve() / \
            stored.sha256[:2] / stored.sha256
        assert where.read_bytes() == era_250 and stored.status == "processed"
        assert s.scalar(select(func.count()).select_from(ClaimPaymentRecord)) == 250
    again = client.post(f"{R}/preview", headers=poster, files={"file": ("big.835", era_250)})
    assert again.json()["remittances"][0]["posted_before"] is True


def test_upload_checked_from_its_head_before_storing(client, as_role, session_factory,
                                                     tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    poster = as_role("poster")
    ack = (SAMPLES.parent / "x12" / "implementation_ack.999").read_bytes()
    for name, body, words in [
            ("e.835", b"", "file e.835: the file is empty"),
            ("a.999", ack, "a.999: not an 835 remittance (a 999 file)"),
            ("n.txt", b"hello", "n.txt: not an 835 remittance (not an X12 interchange)")]:
        for path in ("/post", "/preview"):
            refused = client.post(f"{R}{path}", headers=poster, files={"file": (name, body)})
            assert refused.status_code == 422 and words in refused.json()["detail"], (
                path, refused.text)
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert not (tmp_path / "archive").exists()


def post_bytes(client, headers, name: str, content: bytes):  # type: ignore[no-untyped-def]
    response = client.post(f"{R}/post", headers=headers, files={"file": (name, content)})
    assert response.status_code == 200, response.text
    return response.json()


def test_posting_holds_no_audit_lock_while_it_imports(client, as_role, practice,
                                                      session_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Nothing of the request is in the audit chain while the ERA imports: an entry written
    at one of the import's savepoints would hold the chain's database-wide lock throughout."""
    import api.remittance_posting as posting

    poster = as_role("poster")
    seen = []
    real = posting.import_era

    def spy(session, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(session.scalar(select(func.count()).select_from(AuditEntry)))
        return real(session, *args, **kwargs)

    monkeypatch.setattr(posting, "import_era", spy)
    with session_factory() as s:
        before = s.scalar(select(func.count()).select_from(AuditEntry))
    post(client, poster, "era_basic.835")
    assert seen == [before]
