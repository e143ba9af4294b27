"""Remittance: 835 posting to the penny, reconciliation, denials on a work queue, appeals.

Data flow: an inbound 835 (from the clearinghouse exchange, the API or the command line) goes
to :func:`import_era`, which reads it (:mod:`edi.parsers.remit835`), checks its balancing, matches
each claim payment and line to our claims, posts per line by the office's posting rules, queues
denials with category, action and appeal deadline, and moves the claims along their lifecycle;
all in the caller's session, never committed here.
"""

from remittance.appeal_letter import AppealLetter, appeal_letter_pdf, render_appeal_letter
from remittance.assignment import assign_claim_payment
from remittance.balances import ClaimBalance, PatientBalance, patient_balances
from remittance.balancing import BalanceVerdict, check_balance
from remittance.codes import Action, DenialCategory
from remittance.denials import DenialFinding, classify_adjustment, denial_findings
from remittance.era_preview import EraPreview, RemittancePreview, preview_era, preview_lines
from remittance.errors import (
    PostingConflict,
    QueueError,
    RemittanceError,
    RulesError,
    SecondaryClaimError,
    UnreadableEra,
)
from remittance.importer import ImportResult, RemittanceSummary, import_era, plan_era
from remittance.matching import ClaimIndex, ClaimSnapshot, LineSnapshot
from remittance.posting import (
    ClaimPosting,
    EntryKind,
    LinePosting,
    Outcome,
    RemittancePlan,
    plan_remittance,
)
from remittance.preview import describe_plan
from remittance.queues import (
    DenialItem,
    HeldPayment,
    ReleaseResult,
    UnmatchedPayment,
    held_payments,
    list_denials,
    release_claim_payment,
    release_remittance,
    resolve_denial,
    unmatched_payments,
)
from remittance.reconciliation import (
    ReconciliationResult,
    reconcile_deposit,
    unreconciled_remittances,
)
from remittance.rules import (
    DEFAULT_RULES,
    Disposition,
    PostingRules,
    load_posting_rules,
)
from remittance.secondary import (
    SecondaryCandidate,
    claims_awaiting_secondary,
    prior_payer_adjudication,
    secondary_claim_from_era,
)
from remittance.sources import (
    EraSource,
    era_from_bytes_chunks,
    era_from_path,
    era_from_text,
)

__all__ = [
    "DEFAULT_RULES",
    "Action",
    "AppealLetter",
    "BalanceVerdict",
    "ClaimBalance",
    "ClaimIndex",
    "ClaimPosting",
    "ClaimSnapshot",
    "DenialCategory",
    "DenialFinding",
    "DenialItem",
    "Disposition",
    "EntryKind",
    "EraPreview",
    "EraSource",
    "HeldPayment",
    "ImportResult",
    "LinePosting",
    "LineSnapshot",
    "Outcome",
    "PatientBalance",
    "PostingConflict",
    "PostingRules",
    "QueueError",
    "ReconciliationResult",
    "ReleaseResult",
    "RemittanceError",
    "RemittancePlan",
    "RemittancePreview",
    "RemittanceSummary",
    "RulesError",
    "SecondaryCandidate",
    "SecondaryClaimError",
    "UnmatchedPayment",
    "UnreadableEra",
    "appeal_letter_pdf",
    "assign_claim_payment",
    "check_balance",
    "claims_awaiting_secondary",
    "classify_adjustment",
    "denial_findings",
    "describe_plan",
    "era_from_bytes_chunks",
    "era_from_path",
    "era_from_text",
    "held_payments",
    "import_era",
    "list_denials",
    "load_posting_rules",
    "patient_balances",
    "plan_era",
    "plan_remittance",
    "preview_era",
    "preview_lines",
    "prior_payer_adjudication",
    "reconcile_deposit",
    "release_claim_payment",
    "release_remittance",
    "render_appeal_letter",
    "resolve_denial",
    "secondary_claim_from_era",
    "unmatched_payments",
    "unreconciled_remittances",
]
