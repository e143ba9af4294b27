"""The scrubber the API runs: the claims package's rules over the operator's code files.

Code files are read once per app (they are large) on first use, from the CLAIMHOUSE_*_CODES_PATH
settings; any not configured is checked by format only, and the scrubber says so in a finding.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from fastapi import FastAPI

from claims.codesets import load_code_sets
from claims.model import Claim
from claims.rules import Finding
from claims.scrubber import scrub

__all__ = ["scrubber_for"]

_lock = threading.Lock()


def scrubber_for(app: FastAPI) -> Callable[[Claim], Sequence[Finding]]:
    with _lock:
        code_sets = getattr(app.state, "code_sets", None)
        if code_sets is None:
            s = app.state.settings
            code_sets = load_code_sets(cpt_path=s.cpt_codes_path, hcpcs_path=s.hcpcs_codes_path,
                                       taxonomy_path=s.taxonomy_codes_path,
                                       pos_path=s.pos_codes_path,
                                       icd10pcs_path=s.icd10pcs_codes_path)
            app.state.code_sets = code_sets
    return lambda claim: scrub(claim, code_sets)
