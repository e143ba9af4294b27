"""Balancing: the three equations, findings in words, and the public corpus's verdicts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from remit_practice import sample_text

from edi.errors import InterchangeError
from edi.parsers.remit835 import read_835
from remittance.balancing import check_balance


def _remit(name: str, n: int = 0):
    return read_835(sample_text(name)).remittances[n]


def test_balanced_samples() -> None:
    for name in ("era_basic.835", "era_two_payers.835", "era_reversal.835"):
        for remit in read_835(sample_text(name)).remittances:
            verdict = check_balance(remit)
            assert verdict.balanced, [d.message for d in verdict.defects]
            assert verdict.summary == "balanced"


def test_out_of_balance_is_explained_at_every_level() -> None:
    verdict = check_balance(_remit("era_out_of_balance.835"))
    assert not verdict.balanced
    assert verdict.summary == "out of balance (3 problems)"
    messages = [d.message for d in verdict.defects]
    assert messages[0] == ("claim C1006 line 1 (80053): charge 45.00 less adjustments 10.00 is "
                           "35.00, but the payer paid 30.00")
    assert messages[1].startswith("claim C1006: charge 45.00 less claim adjustments 0.00")
    assert messages[2] == ("payment CHK90001: claim payments 30.00 less provider adjustments "
                           "0.00 is 30.00, but the payment total (BPR02) is 500.00")
    paths = [str(d.path) for d in verdict.defects]
    assert paths == ["2110/SVC03", "2100/CLP04", "HEADER/BPR02"]


def test_provider_adjustments_enter_the_payment_equation() -> None:
    # 261.00 in claim payments, PLB L6 -1.25 adds interest, WO 25.00 recoups: 237.25.
    remit = _remit("era_basic.835")
    assert check_balance(remit).balanced
    tampered = sample_text("era_basic.835").replace("WO:ICN0999*25", "WO:ICN0999*26")
    verdict = check_balance(read_835(tampered).remittances[0])
    assert not verdict.balanced
    assert "less provider adjustments 24.75 is 236.25" in verdict.defects[-1].message


def test_patient_responsibility_mismatch_is_only_a_warning() -> None:
    text = sample_text("era_basic.835").replace("CLP*C1001*1*185*69*51", "CLP*C1001*1*185*69*50")
    verdict = check_balance(read_835(text).remittances[0])
    assert verdict.balanced
    assert any("patient responsibility 50.00 differs" in d.message for d in verdict.defects)


def _corpus_835s(corpus_dir: Path) -> list[str]:
    with (corpus_dir / "INDEX.tsv").open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [r["copied_to"] for r in rows if "835" in r["st01"].split(",")]


@pytest.mark.conformance
def test_every_corpus_835_reads_and_gets_a_verdict(corpus_dir: Path) -> None:
    """Lists each public 835 with its balancing verdict (run with -s to read the table)."""
    names = _corpus_835s(corpus_dir)
    assert len(names) >= 40
    verdicts = {}
    for name in names:
        text = (corpus_dir / name).read_bytes().decode("utf-8", "replace")
        try:
            era = read_835(text, name)
        except InterchangeError as exc:
            verdicts[name] = f"not readable: {exc}"
            continue
        if not era.remittances:
            verdicts[name] = "no 835 transaction set: " + era.defects[-1].message
            continue
        parts = []
        for remit in era.remittances:
            verdict = check_balance(remit)
            errors = sum(1 for d in remit.defects if d.is_error)
            reading = f", {errors} reading problem(s)" if errors else ""
            parts.append(f"ST {remit.control_number}: {len(remit.claims)} claims, "
                         f"{verdict.summary}{reading}")
        verdicts[name] = "; ".join(parts)
    for name, verdict in verdicts.items():
        print(f"{verdict:70}  {name}")
    # Every file with an 835 in it reads, whatever its defects (the ones without an envelope
    # or with line breaks before the terminators included).
    assert all("claims" in v for v in verdicts.values()), verdicts
    balanced = [n for n, v in verdicts.items() if "out of balance" not in v and "claims" in v]
    assert any("X221-dollars-and-data-sent-together" in n for n in balanced)
    assert any("managed-care.835" in n for n in balanced)


def test_a_debit_payment_balances_against_a_negative_net() -> None:
    # The correction now pays 21 against a reversal of 60, and PLB FB recovers 10 more: the
    # provider owes 49, debited.
    text = sample_text("era_reversal.835").replace("BPR*I*11*C*", "BPR*I*49*D*").replace(
        "CLP*C1005*1*135*81*15", "CLP*C1005*1*135*21*15")
    text = text.replace("SVC*HC:99212*100*60**1~\nDTM*472*20260306~\nCAS*CO*45*25~\n"
                        "CAS*PR*2*15~\nREF*6R*C1005-1~\nSVC*HC:87880*35*21",
                        "SVC*HC:99212*100*0**1~\nDTM*472*20260306~\nCAS*CO*45*85~\n"
                        "CAS*PR*2*15~\nREF*6R*C1005-1~\nSVC*HC:87880*35*21")
    verdict = check_balance(read_835(text).remittances[0])
    assert verdict.balanced, [d.message for d in verdict.defects]
