"""One reader per transaction: wire text in, frozen typed values out.

Each module names its values after the TR3 (``read_835`` gives ``RemittanceFile`` ->
``Remittance`` -> ``ClaimPayment`` -> ``ServicePayment``); the values of one module are
imported from that module, the readers and their top-level results from here. The larger
readers keep their values in a module of their own (``remit835_values``, ``claim837_values``)
and their loop reading in others; ``remit835`` and ``claim837`` re-export every value, so
import from those.
"""

from edi.parsers.ack999 import Acknowledgment999, read_999
from edi.parsers.claim837 import Claim837, Read837, read_837
from edi.parsers.claim_ack277 import (
    ClaimAcknowledgment,
    ClaimAcknowledgmentBatch,
    LineAcknowledgment,
    read_277ca,
)
from edi.parsers.remit835 import RemittanceFile, read_835
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
    "read_277ca",
    "read_835",
    "read_837",
    "read_999",
    "read_ta1",
]
