"""Building sample claims the same way in every builder test."""

from __future__ import annotations

from collections.abc import Iterable

from claim_samples import CREATED

from claims import Claim, Submitter, build_837

SUBMITTER = Submitter(name="Maple Street Billing", identifier="MSB0001",
                      contact_name="Billing Desk", phone="217-555-0100")


def build(claims: Iterable[Claim], control: int = 101, **options) -> str:
    return build_837(list(claims), sender_id="MAPLEST", receiver_id="CLEARHOUSE01",
                     interchange_control_number=control, group_control_number=control,
                     submitter=SUBMITTER, receiver_name="Sample Clearinghouse",
                     created=CREATED, **options)
