"""One reader per transaction: wire text in, frozen typed values out.

Each module names its values after the TR3 (``read_835`` gives ``RemittanceFile`` ->
``Remittance`` -> ``ClaimPayment`` -> ``ServicePayment``); the values of one module are
imported from that module, the readers and their top-level results from here. The larger
readers keep their values in a module of their own (``remit835_values``, ``claim837_values``)
and their loop reading in others; ``remit835`` and ``claim837`` re-export every value, so
import from those.

The names below are loaded on first use (PEP 562): reading an 835 imports the 835's modules
and not the 999's acknowledgment tables or the 837's walker, so a command that reads one kind
of file starts without paying for the others.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from edi.parsers.ack999 import Acknowledgment999, read_999
    from edi.parsers.claim837 import Claim837, Read837, read_837
    from edi.parsers.claim_ack277 import (
        ClaimAcknowledgment,
        ClaimAcknowledgmentBatch,
        LineAcknowledgment,
        read_277ca,
    )
    from edi.parsers.remit835 import RemittanceFile, iter_835, read_835
    from edi.parsers.ta1 import InterchangeAcknowledgment, read_ta1

__all__ = [
    "Acknowledgment999",
    "Claim837",
    "ClaimAcknowledgment",
    "ClaimAcknowledgmentBatch",
    "InterchangeAcknowledgment",
    "LineAcknowledgment",
    "Read837",
    "RemittanceFile",
    "iter_835",
    "read_277ca",
    "read_835",
    "read_837",
    "read_999",
    "read_ta1",
]

#: The module each exported name is defined in.
_HOMES = {
    "Acknowledgment999": "ack999", "read_999": "ack999",
    "Claim837": "claim837", "Read837": "claim837", "read_837": "claim837",
    "ClaimAcknowledgment": "claim_ack277", "ClaimAcknowledgmentBatch": "claim_ack277",
    "LineAcknowledgment": "claim_ack277", "read_277ca": "claim_ack277",
    "RemittanceFile": "remit835", "read_835": "remit835", "iter_835": "remit835",
    "InterchangeAcknowledgment": "ta1", "read_ta1": "ta1",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value             # later look-ups find it without coming here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
