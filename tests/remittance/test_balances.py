"""Patient balances after insurance, from posted remittances."""

from __future__ import annotations

from decimal import Decimal

from remit_practice import sample_text
from sqlalchemy.orm import Session

from remittance import import_era, patient_balances


def post(session: Session, name: str) -> None:
    import_era(session, sample_text(name), source=name, file_sha256=name)


def by_claim(session: Session):
    return {c.patient_control_number: c for p in patient_balances(session) for c in p.claims}


def test_balances_follow_the_last_payer(session: Session, practice: dict[str, int]) -> None:
    post(session, "era_basic.835")
    claims = by_claim(session)
    c1001 = claims["C1001"]
    assert (c1001.deductible, c1001.coinsurance, c1001.copay, c1001.patient_owes) == (
        Decimal("30.00"), Decimal("16.00"), Decimal("5.00"), Decimal("51.00"))
    assert c1001.ready_for_statement and c1001.insurance_paid == Decimal("69.00")
    assert c1001.written_off == Decimal("65.00")
    # Brown has a secondary on file: not billed to the patient until it pays.
    assert not claims["C1004"].ready_for_statement
    assert claims["C1004"].waiting_for == "the next payer on file has not paid yet"
    post(session, "era_two_payers.835")
    claims = by_claim(session)
    assert "C1004" not in claims          # the secondary paid the coinsurance
    assert claims["C1007"].waiting_for == "crossed over to STATE MEDICAID"
    assert claims["C1006"].patient_owes == Decimal("49.00")


def test_a_reversal_and_correction_net_out(session: Session, practice: dict[str, int]) -> None:
    post(session, "era_two_payers.835")
    post(session, "era_reversal.835")
    assert by_claim(session)["C1005"].coinsurance == Decimal("15.00")


def test_statement_totals_per_patient(session: Session, practice: dict[str, int]) -> None:
    post(session, "era_basic.835")
    patients = {p.name: p for p in patient_balances(session)}
    doe = patients["JANE DOE"]
    assert doe.total == Decimal("51.00")
    assert doe.address == ("1 MAIN ST", "SPRINGFIELD IL 62701")
    only = patient_balances(session, patient_id=doe.patient_id)
    assert [p.name for p in only] == ["JANE DOE"]
    assert patients["TOM BROWN"].total == 0


def test_small_balances_are_not_sent_on_statements(session: Session,
                                                    practice: dict[str, int]) -> None:
    post(session, "era_basic.835")
    claims = {c.patient_control_number: c
              for p in patient_balances(session, small_balance=Decimal("30.00"))
              for c in p.claims}
    assert not claims["C1002"].ready_for_statement
    assert claims["C1002"].waiting_for == "small balance (at most 30.00): write off"
    assert claims["C1001"].ready_for_statement
