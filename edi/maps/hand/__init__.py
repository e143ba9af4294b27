"""Transaction definitions written by hand for the guides pyx12 ships no 005010 map for.

270/271 eligibility (005010X279A1), 276/277 claim status (005010X212) and the 837 dental claim
(005010X224A2), as :class:`edi.x12.grammar.TransactionDef` values built with the notation of
:mod:`edi.maps.hand.notation`. The map registry (``edi.maps.definition_for``) serves them by
ST01 and GS08 next to the definitions compiled from pyx12's maps.
"""

from __future__ import annotations

from edi.maps.hand.claim_status import STATUS_REQUEST_276, STATUS_RESPONSE_277
from edi.maps.hand.dental import DENTAL_837
from edi.maps.hand.eligibility import INQUIRY_270, RESPONSE_271
from edi.x12.grammar import TransactionDef

__all__ = [
    "DEFINITIONS",
    "DENTAL_837",
    "INQUIRY_270",
    "RESPONSE_271",
    "STATUS_REQUEST_276",
    "STATUS_RESPONSE_277",
]

DEFINITIONS: tuple[TransactionDef, ...] = (
    INQUIRY_270,
    RESPONSE_271,
    STATUS_REQUEST_276,
    STATUS_RESPONSE_277,
    DENTAL_837,
)
