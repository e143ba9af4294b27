"""Transaction definitions written by hand for the guides pyx12 ships no 005010 map for.

270/271 eligibility (005010X279A1), 276/277 claim status (005010X212) and the 837 dental claim
(005010X224A2), as :class:`edi.x12.grammar.TransactionDef` values built with the notation of
:mod:`edi.maps.hand.notation`. The map registry (``edi.maps.definition_for``) serves them by
ST01 and GS08 next to the definitions compiled from pyx12's maps, importing only the module of
the guide a file needs: the names below are looked up on first use (PEP 562), so importing this
package builds nothing.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "DEFINITIONS",
    "DENTAL_837",
    "INQUIRY_270",
    "RESPONSE_271",
    "STATUS_REQUEST_276",
    "STATUS_RESPONSE_277",
]

_WHERE = {
    "INQUIRY_270": "eligibility",
    "RESPONSE_271": "eligibility",
    "STATUS_REQUEST_276": "claim_status",
    "STATUS_RESPONSE_277": "claim_status",
    "DENTAL_837": "dental",
}


def __getattr__(name: str) -> Any:
    if name == "DEFINITIONS":
        return tuple(__getattr__(n) for n in _WHERE)
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
