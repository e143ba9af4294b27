"""Claim JSON for storage and API tests, built from the claims package's office-visit sample
with a chosen CLM01, date and number of lines."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

_SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "claims" / "office_visit.json"
_BASE = json.loads(_SAMPLE.read_text())


def claim_doc(pcn: str, *, lines: int = 2, day: dt.date | None = None,
              member_id: str | None = None, payer_id: str | None = None) -> dict[str, Any]:
    doc = copy.deepcopy(_BASE)
    doc["patient_control_number"] = pcn
    day = day or dt.date.today() - dt.timedelta(days=10)
    template = doc["lines"][0]
    doc["lines"] = []
    for i in range(lines):
        line = copy.deepcopy(template)
        line["service_date"] = day.isoformat()
        line["charge"] = f"{100 + i}.00"
        line["procedure_code"] = ("99213", "87880", "36415", "81002")[i % 4]
        doc["lines"].append(line)
    doc.pop("total_charge", None)
    if member_id:
        doc["subscriber"]["member_id"] = member_id
    if payer_id:
        doc["payer"] = {"name": f"Payer {payer_id}", "payer_id": payer_id}
    return doc
