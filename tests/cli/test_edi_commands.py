"""claimhouse validate / parse: exit codes, words and JSON, acknowledgments, streaming trees."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli.main import main
from edi.parsers.ack999 import read_999
from edi.parsers.ta1 import read_ta1


@pytest.fixture
def x12(samples_dir: Path) -> Path:
    return samples_dir / "x12"


@pytest.fixture
def broken_dental(x12: Path, tmp_path: Path) -> Path:
    target = tmp_path / "broken.837"
    text = (x12 / "dental_claim.837").read_text(encoding="utf-8")
    target.write_text(text.replace("TOO*JP*14*M:O~", "TOO*JP*14*M:Q~"), encoding="utf-8")
    return target


def test_clean_file_exits_0_and_says_ok(x12: Path, capsys) -> None:
    assert main(["validate", str(x12 / "eligibility_inquiry.270")]) == 0
    out = capsys.readouterr().out
    assert "eligibility_inquiry.270: OK: 26 segments, 1 transaction set(s), 1 accepted" in out


def test_errors_exit_1_and_are_explained(broken_dental: Path, capsys) -> None:
    assert main(["validate", str(broken_dental)]) == 1
    out = capsys.readouterr().out
    assert "ERRORS" in out
    assert "TOO03-2 (Tooth Surface Code): 'Q' is not a valid code here" in out


def test_unreadable_files_exit_2_and_are_named(x12: Path, tmp_path: Path, capsys) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("this is not an X12 file at all", encoding="utf-8")
    missing = tmp_path / "missing.837"
    code = main(["validate", str(x12 / "eligibility_inquiry.270"), str(junk), str(missing)])
    assert code == 2
    out = capsys.readouterr().out
    assert f"{missing}: cannot be read: No such file or directory" in out
    assert str(junk) in out


def test_json_report(broken_dental: Path, x12: Path, capsys) -> None:
    assert main(["validate", "--json", str(broken_dental), str(x12 / "dental_claim.837")]) == 1
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["ok"] is False and second["ok"] is True
    (defect,) = first["defects"]
    assert (defect["segment"], defect["element"], defect["component"], defect["code"]) == (
        "TOO", 3, 2, "7")
    (transaction,) = first["interchanges"][0]["groups"][0]["transactions"]
    assert (transaction["set_id"], transaction["accepted"]) == ("837", False)


def test_ack_dir_gets_ta1_and_999(broken_dental: Path, tmp_path: Path, capsys) -> None:
    out_dir = tmp_path / "acks"
    code = main(["validate", "--ack", str(out_dir), "--control-number", "700",
                 str(broken_dental)])
    assert code == 1
    files = sorted(p.name for p in out_dir.iterdir())
    assert files == ["broken.837.000000103.999", "broken.837.000000103.ta1"]
    (ta1,) = read_ta1((out_dir / "broken.837.000000103.ta1").read_text())
    assert (ta1.control_number, ta1.code) == ("000000103", "A")
    assert ta1.envelope.control_number == 700
    (ack,) = read_999((out_dir / "broken.837.000000103.999").read_text())
    assert ack.interchange.control_number == 701
    (st,) = ack.group.sets
    assert st.code == "R"
    assert st.segments[0].business_unit == ("CLM01", "DPCN-20017")
    assert st.segments[0].elements[0].bad_value == "Q"
    assert "acknowledgment written" in capsys.readouterr().out
    assert not [p for p in out_dir.iterdir() if p.name.startswith(".")]


def test_strict_stops_at_the_first_problem(broken_dental: Path, capsys) -> None:
    assert main(["validate", "--strict", str(broken_dental)]) == 1
    assert "stopped at the first problem" in capsys.readouterr().out


def test_large_file_in_chunks(x12: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    import cli.edi_commands as commands

    monkeypatch.setattr(commands, "CHUNK", 7)     # segments split across many reads
    assert main(["validate", str(x12 / "eligibility_response.271")]) == 0
    assert "OK" in capsys.readouterr().out


def test_progress_bar_goes_to_stderr(x12: Path, tmp_path: Path, capsys) -> None:
    copy = tmp_path / "copy.270"
    shutil.copy(x12 / "eligibility_inquiry.270", copy)
    assert main(["validate", "--progress", str(copy), str(x12 / "eligibility_inquiry.270")]) == 0
    captured = capsys.readouterr()
    assert "OK" in captured.out and "OK" not in captured.err


def test_parse_json_streams_loop_trees(x12: Path, capsys) -> None:
    assert main(["parse", "--json", str(x12 / "eligibility_response.271")]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    units = [line["tree"]["loop"] for line in lines]
    # The dependent (2000D) is complete first, then its subscriber, ... the ST loop last.
    assert units[:2] == ["2000D", "2000C"] and units[-1] == "ST_LOOP"
    assert lines[0]["ancestors"] == ["ST_LOOP", "2000A", "2000B", "2000C"]
    subscriber = lines[1]["tree"]
    assert lines[1]["ancestors"] == ["ST_LOOP", "2000A", "2000B"]
    assert subscriber["segments"][0] == ["HL", "3", "2", "22", "1"]
    assert [c["loop"] for c in subscriber["children"]] == ["2100C"]
    assert lines[1]["guide"] == "005010X279A1"


def test_parse_text_tree(x12: Path, capsys) -> None:
    assert main(["parse", str(x12 / "dental_claim.837")]) == 0
    out = capsys.readouterr().out
    assert "[2300] Claim Information" in out
    assert "SV3*AD:D2392*185.00****1" in out


def test_parse_unknown_guide_and_missing_file(tmp_path: Path, capsys) -> None:
    odd = tmp_path / "odd.x12"
    odd.write_text(
        "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*^*"
        "00501*000000001*0*T*:~GS*HI*A*B*20260101*1200*1*X*005010X217~ST*278*0001*005010X217~"
        "BHT*0007*13~SE*3*0001~GE*1*1~IEA*1*000000001~", encoding="utf-8")
    assert main(["parse", str(odd)]) == 1
    assert "no definition for guide '005010X217'" in capsys.readouterr().err
    assert main(["parse", str(tmp_path / "nope.x12")]) == 2


def test_acknowledgments_are_never_replaced(broken_dental: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "acks"
    for _ in range(2):
        assert main(["validate", "--ack", str(out_dir), str(broken_dental)]) == 1
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "broken.837.000000103.2.999", "broken.837.000000103.2.ta1",
        "broken.837.000000103.999", "broken.837.000000103.ta1"]


def test_an_ack_folder_that_cannot_be_created_is_named(broken_dental: Path, tmp_path: Path,
                                                       capsys) -> None:
    blocker = tmp_path / "acks"
    blocker.write_text("a file where the folder should be")
    assert main(["validate", "--ack", str(blocker / "in"), str(broken_dental)]) == 2
    err = capsys.readouterr().err
    assert f"{blocker / 'in'}: cannot create the acknowledgment folder" in err


def test_an_ack_that_cannot_be_written_is_named(broken_dental: Path, tmp_path: Path, capsys,
                                                monkeypatch) -> None:
    import cli.edi_commands as commands

    def full_disk(path: Path, text: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(commands, "_write_atomically", full_disk)
    assert main(["validate", "--ack", str(tmp_path / "acks"), str(broken_dental)]) == 2
    out, err = capsys.readouterr()
    assert "ERRORS" in out          # the report is still printed
    assert f"{broken_dental}: cannot write its acknowledgment" in err
    assert "No space left on device" in err


def test_parse_says_when_it_read_a_bare_set_in_a_synthetic_envelope(x12: Path, capsys) -> None:
    bare = x12 / "bare_remittance.835"
    assert main(["parse", str(bare)]) == 0
    captured = capsys.readouterr()
    assert "[2100] Claim Payment Information" in captured.out
    (warning,) = captured.err.splitlines()
    assert warning.startswith(f"{bare}: warning: the file has no ISA/GS envelope")


def test_parse_of_an_enveloped_file_says_nothing_on_stderr(x12: Path, capsys) -> None:
    era = x12.parent / "remittance" / "era_basic.835"
    assert main(["parse", str(era)]) == 0
    assert capsys.readouterr().err == ""
