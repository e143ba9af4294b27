"""Practice records: patients, policies, payers, providers."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.db import practice
from claims.db.practice import PatientData, PayerData, PolicyData, ProviderData
from core.errors import Conflict, NotFound


def _patient(**changes: object) -> PatientData:
    base = dict(account_number="A-1", last_name="Halvorsen", first_name="Margit",
                birth_date=dt.date(1948, 3, 14), sex="F")
    base.update(changes)
    return PatientData(**base)  # type: ignore[arg-type]


def test_patient_with_policy(session) -> None:
    payer = practice.create_payer(session, PayerData(payer_id="MCR", name="Medicare"))
    patient = practice.create_patient(session, _patient())
    practice.add_policy(session, patient.id, PolicyData(payer_id=payer.id, member_id="1EG4"))
    session.expire_all()
    loaded = practice.get_patient(session, patient.id)
    assert [(p.payer.name, p.member_id, p.priority) for p in loaded.policies] == [
        ("Medicare", "1EG4", "P")]


@pytest.mark.parametrize(("changes", "problem"), [
    ({"sex": "X"}, "sex"),
    ({"last_name": " "}, "name"),
    ({"birth_date": dt.date.today() + dt.timedelta(days=2)}, "future"),
])
def test_patient_checks(session, changes, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        practice.create_patient(session, _patient(**changes))


def test_duplicates_and_missing(session) -> None:
    practice.create_patient(session, _patient())
    with pytest.raises(Conflict):
        practice.create_patient(session, _patient(first_name="Other"))
    with pytest.raises(NotFound):
        practice.get_patient(session, 404)
    with pytest.raises(NotFound):
        practice.add_policy(session, 404, PolicyData(payer_id=1, member_id="x"))


def test_search_by_last_name_prefix_or_account(session) -> None:
    practice.create_patient(session, _patient())
    practice.create_patient(session, _patient(account_number="A-2", last_name="Hale"))
    practice.create_patient(session, _patient(account_number="B-3", last_name="Osei"))
    assert [p.last_name for p in practice.list_patients(session, search="hal")] == [
        "Halvorsen", "Hale"]
    assert [p.last_name for p in practice.list_patients(session, search="b-3")] == ["Osei"]
    first = practice.list_patients(session, limit=1)
    assert [p.account_number for p in practice.list_patients(
        session, after_id=first[0].id)] == ["A-2", "B-3"]


@pytest.mark.parametrize(("npi", "ok"), [("1234567893", True), ("1234567890", False),
                                         ("123456789", False), ("12345678AB", False)])
def test_provider_npi_check_digit(session, npi, ok) -> None:
    data = ProviderData(npi=npi, name="Clinic")
    if ok:
        assert practice.create_provider(session, data).npi == npi
        with pytest.raises(Conflict):
            practice.create_provider(session, data)
    else:
        with pytest.raises(ValueError, match="NPI"):
            practice.create_provider(session, data)
