"""Where the claim samples live, and the fixed day and time the claims tests judge them by."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from claims import Claim, claim_from_json

TODAY = dt.date(2026, 11, 22)
CREATED = dt.datetime(2026, 11, 22, 9, 30)
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "samples" / "claims"
#: Claim samples (prior payers' adjudications are in samples/claims/payments/).
SAMPLE_NAMES = sorted(p.stem for p in SAMPLE_DIR.glob("*.json"))


def load_sample(name: str) -> Claim:
    return claim_from_json(json.loads((SAMPLE_DIR / f"{name}.json").read_text()))
