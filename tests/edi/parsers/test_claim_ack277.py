"""read_277ca: one ClaimAcknowledgment per claim, with its lines and outcome."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from edi.parsers.claim_ack277 import Outcome, outcome_of, read_277ca


def _sample(samples_dir: Path):
    (batch,) = read_277ca((samples_dir / "x12" / "claim_acknowledgment.277").read_text())
    return batch


def test_batch_level_values(samples_dir: Path) -> None:
    batch = _sample(samples_dir)
    assert batch.control_number == "0001"
    assert batch.source.name == "HARBOR HEALTH PLAN" and batch.source.id == "HHP01"
    assert batch.receiver.id == "CLAIMHOUSE"
    assert (batch.receipt_date, batch.process_date) == (dt.date(2026, 3, 1),
                                                        dt.date(2026, 3, 2))
    assert batch.batch_trace == "BATCH-20260301-01"
    assert (batch.accepted_count, batch.rejected_count) == (1, 1)
    assert [s.codes[0].category for s in batch.batch_statuses] == ["A1", "A1"]
    assert batch.defects == ()


def test_accepted_claim(samples_dir: Path) -> None:
    claim = _sample(samples_dir).claims[0]
    assert claim.patient_control_number == "PCN-10045"
    assert claim.payer_claim_number == "HHP2026030100017"
    assert claim.accepted and not claim.rejected
    assert claim.total_charge == Decimal("185.00")
    assert claim.service_from == claim.service_to == dt.date(2026, 2, 20)
    assert claim.patient.id == "HHP558120"
    assert claim.billing_provider.id == "1245319599"
    assert claim.batch_trace == "BATCH-20260301-01"
    assert claim.lines == ()


def test_rejected_claim_with_line(samples_dir: Path) -> None:
    claim = _sample(samples_dir).claims[1]
    assert claim.patient_control_number == "PCN-10046"
    assert claim.outcome is Outcome.REJECTED
    (status,) = claim.statuses
    (code,) = status.codes
    assert (code.category, code.status, code.entity) == ("A7", "562", "85")
    assert status.action == "U" and status.message == "BILLING PROVIDER NPI NOT ON FILE"
    (line,) = claim.lines
    assert (line.procedure_qualifier, line.procedure, line.charge, line.units) == (
        "HC", "97110", Decimal("145.00"), Decimal("2"))
    assert line.line_item_control_number == "PCN-10046-1"
    assert line.outcome is Outcome.REJECTED
    assert line.service_date == dt.date(2026, 2, 21)


# (category, STC03 action, outcome): x12-domain.md 7.3 claim status categories
OUTCOMES = [
    ("A1", "", Outcome.ACCEPTED), ("A2", "WQ", Outcome.ACCEPTED), ("A5", "", Outcome.ACCEPTED),
    ("A3", "U", Outcome.REJECTED), ("A4", "", Outcome.REJECTED), ("A6", "", Outcome.REJECTED),
    ("A7", "", Outcome.REJECTED), ("A8", "", Outcome.REJECTED), ("A0", "", Outcome.FORWARDED),
    ("P1", "", Outcome.PENDING), ("E1", "", Outcome.PENDING), ("E0", "", Outcome.REJECTED),
    ("F2", "", Outcome.FINALIZED), ("R4", "", Outcome.INFORMATION_REQUESTED),
    ("X9", "U", Outcome.REJECTED), ("X9", "WQ", Outcome.ACCEPTED), ("", "", Outcome.UNKNOWN),
]


@pytest.mark.parametrize(("category", "action", "outcome"), OUTCOMES)
def test_outcome_table(category: str, action: str, outcome: Outcome) -> None:
    assert outcome_of(category, action) is outcome


def test_worst_status_wins_and_bad_values_are_defects(samples_dir: Path) -> None:
    text = (samples_dir / "x12" / "claim_acknowledgment.277").read_text()
    text = text.replace("STC*A2:20:PR*20260302*WQ*185.00~",
                        "STC*A2:20:PR*2026XX02*WQ*18X.00~\nSTC*A6:21:QC*20260302*U~")
    (batch,) = read_277ca(text, "ack.277")
    claim = batch.claims[0]
    assert claim.outcome is Outcome.REJECTED
    assert [(d.path.segment, d.path.element) for d in batch.defects] == [("STC", 2),
                                                                         ("STC", 4)]
    assert batch.defects[0].message.startswith("ack.277: STC02")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf"])
def test_counts_and_amounts_that_are_not_numbers_are_defects(samples_dir: Path,
                                                             value: str) -> None:
    text = (samples_dir / "x12" / "claim_acknowledgment.277").read_text()
    text = text.replace("QTY*90*1~", f"QTY*90*{value}~").replace(
        "STC*A2:20:PR*20260302*WQ*185.00~", f"STC*A2:20:PR*20260302*WQ*{value}~")
    (batch,) = read_277ca(text, "ack.277")
    assert [(d.path.segment, d.path.element) for d in batch.defects] == [("QTY", 2),
                                                                         ("STC", 4)]


def test_corpus_277ca_files_read(corpus_dir: Path) -> None:
    files = sorted(corpus_dir.glob("imsweb__x12-parser/src/test/resources/277_5010/x12_277CA_*"))
    assert files
    for path in files:
        batches = read_277ca(path.read_text(encoding="utf-8", errors="replace"), path.name)
        assert batches and all(b.claims for b in batches)
        for claim in (c for b in batches for c in b.claims):
            assert claim.patient_control_number and claim.outcome is not Outcome.UNKNOWN


def test_sample_round_trips(samples_dir: Path) -> None:
    from edi.x12 import parse_segments, serialize

    text = (samples_dir / "x12" / "claim_acknowledgment.277").read_text(encoding="utf-8")
    assert serialize(parse_segments(text), line_breaks=True) == text


def test_category_in_words(samples_dir: Path) -> None:
    claim = _sample(samples_dir).claims[1]
    assert claim.statuses[0].codes[0].category_meaning == "rejected for invalid information"


def test_a_file_that_is_not_a_277_is_named(samples_dir: Path) -> None:
    text = (samples_dir / "x12" / "implementation_ack.999").read_text()
    with pytest.raises(ValueError, match="ack.999: transaction set '999' is not a 277"):
        read_277ca(text, "ack.999")


def test_exponent_count_is_a_defect_not_a_hang(samples_dir: Path) -> None:
    # QTY*90*1E999999999 once made int(Decimal(...)) compute a billion-digit integer. Read in
    # a child process so that a regression fails on the time limit instead of hanging.
    script = (
        "import sys; from edi.parsers.claim_ack277 import read_277ca\n"
        "text = open(sys.argv[1]).read().replace('QTY*90*1~', 'QTY*90*1E999999999~', 1)\n"
        "(batch,) = read_277ca(text)\n"
        "print('|'.join(d.message for d in batch.defects))\n")
    done = subprocess.run(
        [sys.executable, "-c", script, str(samples_dir / "x12" / "claim_acknowledgment.277")],
        capture_output=True, text=True, timeout=30, cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr
    assert "QTY02 should be a count: '1E999999999' is written with an exponent" in done.stdout


@pytest.mark.parametrize("value", ["1E5", "NaN", "-2", "2.5", "9" * 5000, "\uff13"])
def test_absurd_counts_and_amounts_name_the_element(samples_dir: Path, value: str) -> None:
    text = (samples_dir / "x12" / "claim_acknowledgment.277").read_text()
    assert "QTY*90*1~" in text and "STC*" in text
    (batch,) = read_277ca(text.replace("QTY*90*1~", f"QTY*90*{value}~", 1))
    (defect,) = [d for d in batch.defects if d.path.segment == "QTY"]
    assert defect.path.element == 2 and defect.message.startswith("QTY02 should be a count: ")
    assert len(defect.message) < 200


def test_huge_hl_id_is_read(samples_dir: Path) -> None:
    text = (samples_dir / "x12" / "claim_acknowledgment.277").read_text()
    batches = read_277ca(text.replace("HL*1*", "HL*" + "9" * 5000 + "*", 1))
    assert batches


@pytest.mark.parametrize(("lenient", "plain", "words"), [
    ("bare_claim_status_response.277", "claim_status_response.277", "no ISA/GS envelope"),
    ("spaced_isa_claim_acknowledgment.277", "claim_acknowledgment.277",
     "blanks around its separators"),
])
def test_guide_shaped_277_is_read_with_a_warning(samples_dir: Path, lenient: str, plain: str,
                                                 words: str) -> None:
    (batch,) = read_277ca((samples_dir / "x12" / lenient).read_text(), lenient)
    (expected,) = read_277ca((samples_dir / "x12" / plain).read_text(), plain)
    (warning,) = batch.defects
    assert (warning.severity, warning.level, warning.code, warning.path.segment) == (
        "warning", "TA1", "024", "ISA")
    assert warning.message.startswith(f"{lenient}: ") and words in warning.message
    assert expected.defects == ()
    assert batch == dataclasses.replace(expected, defects=(warning,))
