"""The bounded posting preview of a whole ERA (remittance.era_preview)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from remit_practice import sample_text
from sqlalchemy.orm import Session

from remittance import describe_plan, era_from_text, import_era, plan_era, preview_era


def test_preview_counts_and_words(session: Session, practice: dict[str, int]) -> None:
    preview = preview_era(session, era_from_text(sample_text("era_basic.835")),
                          source="era_basic.835")
    (remit,) = preview.remittances
    assert (remit.trace_number, remit.payer_id, remit.balanced, remit.held) == (
        "EFT202604100001", "1123456789", True, False)
    assert remit.claim_count == 4 and dict(remit.outcomes) == {"posted": 4}
    assert remit.posted_amount == Decimal("261.00")
    assert not remit.posted_before
    assert remit.lines[0].startswith("Payment EFT202604100001")


def test_preview_knows_a_payment_posted_before(session: Session,
                                               practice: dict[str, int]) -> None:
    text = sample_text("era_basic.835")
    import_era(session, text, source="a", file_sha256="sha-a")
    (remit,) = preview_era(session, text, source="b").remittances
    assert remit.posted_before


def test_preview_without_a_session_matches_nothing() -> None:
    (remit,) = preview_era(None, sample_text("era_basic.835"), source="x").remittances
    assert dict(remit.outcomes) == {"unmatched": 4}
    assert remit.posted_amount == 0 and not remit.posted_before


def test_preview_of_an_out_of_balance_era_is_held(session: Session,
                                                  practice: dict[str, int]) -> None:
    (remit,) = preview_era(session, sample_text("era_out_of_balance.835"),
                           source="x").remittances
    assert remit.held and not remit.balanced and remit.posted_amount == 0
    assert any("BPR02" in p for p in remit.problems)


def test_preview_words_are_those_of_the_whole_plan(session: Session,
                                                   practice: dict[str, int]) -> None:
    text = sample_text("era_two_payers.835")
    plans, _ = plan_era(session, text, source="x")
    previews = preview_era(session, text, source="x").remittances
    assert [p.lines for p in previews] == [tuple(describe_plan(plan)) for plan in plans]


def test_preview_details_the_first_claims_then_sums_the_rest(
        session: Session, practice: dict[str, int]) -> None:
    (remit,) = preview_era(session, sample_text("era_basic.835"), source="x",
                           claim_detail_limit=1).remittances
    assert remit.claim_count == 4
    assert sum(line.startswith("  Claim ") for line in remit.lines) == 1
    assert "  ... and 3 more claim payment(s): charge " in "\n".join(remit.lines)


def test_file_warnings_are_told_apart_from_file_errors() -> None:
    bare = Path(__file__).resolve().parents[2] / "samples" / "x12" / "bare_remittance.835"
    found = preview_era(None, bare.read_text(encoding="utf-8"), source=bare.name)
    (warning,) = found.warnings
    assert warning in found.problems and "no ISA/GS envelope" in warning
    assert preview_era(None, sample_text("era_basic.835"), source="b").warnings == ()
