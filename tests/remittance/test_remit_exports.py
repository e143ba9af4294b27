"""The remittance package's public API is pinned: changing it is a deliberate act."""

from __future__ import annotations

import remittance

PUBLIC = [
    "DEFAULT_RULES", "Action", "AppealLetter", "BalanceVerdict", "ClaimBalance", "ClaimIndex",
    "ClaimPosting", "ClaimSnapshot", "DenialCategory", "DenialFinding", "DenialItem",
    "Disposition", "EntryKind", "EraPreview", "EraSource", "HeldPayment", "ImportResult", "LinePosting", "LineSnapshot",
    "Outcome", "PatientBalance", "PostingConflict", "PostingRules", "QueueError", "ReconciliationResult",
    "ReleaseResult", "RemittanceError", "RemittancePlan", "RemittancePreview", "RemittanceSummary", "RulesError",
    "SecondaryCandidate", "SecondaryClaimError", "UnmatchedPayment", "UnreadableEra", "appeal_letter_pdf", "assign_claim_payment", "check_balance",
    "claims_awaiting_secondary", "classify_adjustment", "denial_findings", "describe_plan", "era_from_bytes_chunks", "era_from_path", "era_from_text", "held_payments", "import_era",
    "list_denials", "load_posting_rules", "patient_balances", "plan_era", "plan_remittance", "preview_era", "preview_lines",
    "prior_payer_adjudication", "reconcile_deposit", "release_claim_payment",
    "release_remittance", "render_appeal_letter", "resolve_denial", "secondary_claim_from_era",
    "unmatched_payments", "unreconciled_remittances",
]


def test_public_api() -> None:
    assert remittance.__all__ == PUBLIC
    for name in PUBLIC:
        assert getattr(remittance, name) is not None
