"""validate(): each kind of broken input gives the right defect code, level and path."""

from __future__ import annotations

import subprocess
import sys

import pytest
from edi_samples import text_835, text_837p

from edi.errors import StrictModeError
from edi.validation import validate, validate_text
from edi.x12.defects import DefectLevel, Severity


def errors(report):
    return [d for d in report.defects if d.severity is Severity.ERROR]


def only(report, level, code):
    found = [d for d in report.defects if d.level is level and d.code == code]
    assert found, f"no {level.value} {code} in {[str(d) for d in report.defects]}"
    return found[0]


def replace(body: list[str], old: str, new: str | None) -> list[str]:
    assert any(line.startswith(old) for line in body), old
    out = []
    for line in body:
        if line.startswith(old) and old:
            if new is not None:
                out.append(new)
            old = ""          # first match only
        else:
            out.append(line)
    return out


def test_clean_files_have_no_defects(claim_837p, remit_835):
    for text in (text_837p(claim_837p), text_835(remit_835)):
        report = validate_text(text, "clean.x12")
        assert report.ok, [str(d) for d in report.defects]
        assert report.defects == ()


def test_report_describes_envelopes_and_sets(claim_837p):
    report = validate_text(text_837p(claim_837p))
    (ic,) = report.interchanges
    (group,) = ic.groups
    (ts,) = group.transactions
    assert ic.header.control_number == 101
    assert group.header.version == "005010X222A1"
    assert (ts.set_id, ts.control_number, ts.implementation) == ("837", "0001", "005010X222A1")
    assert ts.segment_count == 26 and ts.claim_count == 1 and ts.accepted
    assert group.accepted_count == 1
    assert report.segment_count == 30


def test_wrong_se01(claim_837p):
    report = validate_text(text_837p(replace(claim_837p, "SE*", "SE*25*0001")))
    d = only(report, DefectLevel.TRANSACTION, "4")
    assert "SE01" in d.message and "26" in d.message
    assert not report.interchanges[0].groups[0].transactions[0].accepted


def test_se02_differs_from_st02(claim_837p):
    report = validate_text(text_837p(replace(claim_837p, "SE*", "SE*26*0002")))
    only(report, DefectLevel.TRANSACTION, "3")


def test_bad_hl_parent(claim_837p):
    report = validate_text(text_837p(replace(claim_837p, "HL*2*", "HL*2*7*22*0")))
    (d,) = [x for x in report.defects if x.is_error]
    assert d.path.segment == "HL" and d.path.element == 2
    assert d.path.segment_position == 11 and d.path.transaction == "0001"
    assert str(d.path) == "2000A/2000B/HL02"


def test_hl01_that_is_not_ascii_digits_is_a_defect(claim_837p):
    # A superscript two is a digit to str.isdigit() but not to int(): named, not a crash.
    report = validate_text(text_837p(replace(claim_837p, "HL*2*", "HL*\u00b2*1*22*0")))
    assert any(d.path.segment == "HL" and d.path.element == 1 for d in errors(report))


@pytest.mark.parametrize("hl01", ["9" * 5000, "1E3", "-1"])
def test_absurd_hl01_is_a_defect_not_a_crash(claim_837p, hl01):
    # A 5000-digit HL01 once raised ValueError (int() refuses over 4300 digits).
    report = validate_text(text_837p(replace(claim_837p, "HL*2*", f"HL*{hl01}*1*22*0")))
    found = [x for x in errors(report) if x.path.segment == "HL" and x.path.element == 1]
    assert any("out of sequence" in d.message for d in found)


def test_bare_set_without_an_isa_is_an_interchange_defect():
    report = validate_text("ST~835~0001~")
    assert report.defects and all(d.level is DefectLevel.INTERCHANGE for d in report.defects)


def test_missing_required_segment(claim_837p):
    report = validate_text(text_837p(replace(claim_837p, "N4*SPRINGFIELD*IL*627010000", None)))
    d = only(report, DefectLevel.SEGMENT, "3")
    assert d.path.segment == "N4" and d.path.loop == "2000A/2010AA"
    assert "N4" in d.message and "missing" in d.message


def test_code_not_in_list(claim_837p):
    body = replace(claim_837p, "CLM*", "CLM*PATIENT001*150.00***11:X:1*Y*A*Y*Y")
    d = only(validate_text(text_837p(body)), DefectLevel.ELEMENT, "7")
    assert str(d.path) == "2000A/2000B/2300/CLM05-2"
    assert "'X'" in d.message and "Facility Code Qualifier" in d.message


def test_value_too_long(claim_837p):
    body = replace(claim_837p, "CLM*", "CLM*" + "P" * 39 + "*150.00***11:B:1*Y*A*Y*Y")
    d = only(validate_text(text_837p(body)), DefectLevel.ELEMENT, "5")
    assert str(d.path) == "2000A/2000B/2300/CLM01" and "at most 38" in d.message


@pytest.mark.parametrize(("old", "new", "where"), [
    ("DTP*472", "DTP*472*D8*20231345", "2000A/2000B/2300/2400/DTP03"),
    ("DMG*", "DMG*D8*19800231*F", "2000A/2000B/2010BA/DMG02"),
])
def test_bad_date(claim_837p, old, new, where):
    d = only(validate_text(text_837p(replace(claim_837p, old, new))), DefectLevel.ELEMENT, "8")
    assert str(d.path) == where and "not a valid date" in d.message


def test_clm02_does_not_equal_line_charges(claim_837p):
    body = replace(claim_837p, "SV1*HC:87070", "SV1*HC:87070*40.00*UN*1***1")
    d = only(validate_text(text_837p(body)), DefectLevel.BALANCING, "837-CLM")
    assert d.message == ("CLM02 total claim charge 150.00 does not equal the sum of the "
                         "service line charges 140.00")
    assert d.path.segment == "CLM" and d.path.element == 2 and d.path.segment_position == 18


def test_835_service_line_out_of_balance(remit_835):
    body = replace(remit_835, "SVC*HC:87070", "SVC*HC:87070*50.00*45.00")
    report = validate_text(text_835(body))
    d = only(report, DefectLevel.BALANCING, "835-SVC")
    assert d.path.segment == "SVC" and "SVC03" in d.message and "45.00" in d.message
    # the claim equation uses adjustments only, so it still holds
    assert [x.code for x in report.defects] == ["835-SVC"]


def test_835_claim_out_of_balance(remit_835):
    body = replace(remit_835, "CAS*CO*45*10.00", "CAS*CO*45*15.00")   # the claim-level CAS
    report = validate_text(text_835(body))
    d = only(report, DefectLevel.BALANCING, "835-CLP")
    assert "CLP04" in d.message and "110.00" in d.message
    assert not [x for x in report.defects if x.code == "835-SVC"]


def test_835_transaction_out_of_balance(remit_835):
    body = replace(remit_835, "PLB*", "PLB*1234567893*20241231*WO:ADJ1*12.00")
    d = only(validate_text(text_835(body)), DefectLevel.BALANCING, "835-BPR")
    assert "BPR02" in d.message and "128.00" in d.message


def test_unknown_segment_id(claim_837p):
    body = claim_837p[:5] + ["ZZZ*1"] + claim_837p[5:]
    body = replace(body, "SE*", "SE*27*0001")
    d = only(validate_text(text_837p(body)), DefectLevel.SEGMENT, "1")
    assert d.path.segment == "ZZZ" and d.path.segment_position == 6


def test_segment_used_too_often(claim_837p):
    at = claim_837p.index("REF*EI*123456789")
    body = claim_837p[:at + 1] + ["REF*EI*123456789"] + claim_837p[at + 1:]
    body = replace(body, "SE*", "SE*27*0001")
    d = only(validate_text(text_837p(body)), DefectLevel.SEGMENT, "5")
    assert d.path.segment == "REF" and "allows 1" in d.message


def test_not_used_element_present(claim_837p):
    body = replace(claim_837p, "CLM*", "CLM*PATIENT001*150.00*X**11:B:1*Y*A*Y*Y")
    d = only(validate_text(text_837p(body)), DefectLevel.ELEMENT, "I10")
    assert str(d.path) == "2000A/2000B/2300/CLM03"


def test_syntax_note_paired_elements(remit_835):
    body = replace(remit_835, "BPR*", "BPR*I*130.00*C*CHK**01***********20240105")
    d = only(validate_text(text_835(body)), DefectLevel.ELEMENT, "2")
    assert d.path.segment == "BPR" and d.path.element == 7


def test_lx_numbering(claim_837p):
    body = replace(claim_837p, "LX*2", "LX*3")
    d = only(validate_text(text_837p(body)), DefectLevel.SEGMENT, "8")
    assert "LX01" in d.message


def test_envelope_counts_and_control_numbers(claim_837p):
    text = text_837p(claim_837p).replace("GE*1*7", "GE*2*8").replace("IEA*1*000000101",
                                                                      "IEA*2*000000102")
    report = validate_text(text)
    only(report, DefectLevel.GROUP, "4")
    only(report, DefectLevel.GROUP, "5")
    only(report, DefectLevel.INTERCHANGE, "001")
    only(report, DefectLevel.INTERCHANGE, "021")


def test_duplicate_set_control_number_and_missing_trailer(claim_837p):
    text = text_837p(claim_837p + claim_837p).replace("GE*1*7", "GE*2*7")
    report = validate_text(text)
    only(report, DefectLevel.TRANSACTION, "23")
    text = text_837p(claim_837p[:-1])
    report = validate_text(text)
    only(report, DefectLevel.TRANSACTION, "2")


def test_unpadded_isa_is_a_ta1_defect(claim_837p):
    text = text_837p(claim_837p).replace("*ZZ*CLAIMHOUSE     *", "*ZZ*CLAIMHOUSE*", 1)
    d = only(validate_text(text), DefectLevel.INTERCHANGE, "024")
    assert d.path.segment == "ISA"


def test_unreadable_file_is_fatal_not_a_crash():
    report = validate_text("this is not X12 at all", "upload.txt")
    assert report.fatal is not None and report.fatal.level is DefectLevel.INTERCHANGE
    assert "upload.txt" in report.fatal.message and not report.ok


def test_strict_raises_on_first_error(claim_837p):
    text = text_837p(replace(claim_837p, "SE*", "SE*25*0001"))
    with pytest.raises(StrictModeError) as err:
        validate_text(text, strict=True)
    assert err.value.defect.code == "4"
    assert validate_text(text_837p(claim_837p), strict=True).ok


def test_errata_label_is_read_with_a_warning(claim_837p):
    text = text_837p(claim_837p).replace("005010X222A1", "005010X222A2")
    report = validate_text(text)
    assert report.ok
    (warning,) = report.defects
    assert warning.severity is Severity.WARNING and "005010X222A1" in warning.message


@pytest.mark.parametrize("size", [1, 5, 64, 1000])
def test_chunking_does_not_change_the_report(claim_837p, remit_835, size):
    text = text_837p(replace(claim_837p, "LX*2", "LX*3")) + text_835(remit_835)
    whole = validate_text(text)
    parts = validate(text[i:i + size] for i in range(0, len(text), size))
    assert parts.defects == whole.defects
    assert len(parts.interchanges) == 2


@pytest.mark.parametrize("kind", ["835", "837p"])
def test_generated_files_are_clean(shared_dir, tmp_path, kind):
    out = tmp_path / f"gen.{kind}"
    subprocess.run([sys.executable, str(shared_dir / "bench" / "gen_x12.py"), kind,
                    "--claims", "40", "-o", str(out)], check=True, capture_output=True)
    report = validate_text(out.read_text(), str(out))
    assert report.ok, [str(d) for d in report.defects[:5]]
    assert sum(t.claim_count for ic in report.interchanges for g in ic.groups
               for t in g.transactions) == 40


def test_trailing_separator_and_empty_segment(claim_837p):
    body = replace(claim_837p, "N3*100 MAIN ST", "N3*100 MAIN ST*")
    d = only(validate_text(text_837p(body)), DefectLevel.SEGMENT, "8")
    assert d.path.segment == "N3" and "left out" in d.message
    text = text_837p(claim_837p).replace("N3*100 MAIN ST~", "N3*100 MAIN ST~~")
    d = only(validate_text(text), DefectLevel.SEGMENT, "8")
    assert "empty segment" in d.message


def test_loop_over_its_maximum(claim_837p):
    at = claim_837p.index("LX*2")
    lines = [f"{seg}" for n in range(3, 52) for seg in (
        f"LX*{n}", "SV1*HC:87070*0*UN*1***1", "DTP*472*D8*20231220")]
    body = claim_837p[:at + 3] + lines + claim_837p[at + 3:]
    body[-1] = f"SE*{len(body)}*0001"
    report = validate_text(text_837p(body))
    d = only(report, DefectLevel.SEGMENT, "4")
    assert d.path.segment == "LX" and "2400" in d.message and "51" in d.message


def test_state_code_is_checked_against_the_external_list(claim_837p):
    body = ["N4*SPRINGFIELD*XQ*62701" if line == "N4*SPRINGFIELD*IL*62701" else line
            for line in claim_837p]
    d = only(validate_text(text_837p(body)), DefectLevel.CODE_SET, "7")
    assert str(d.path) == "2000A/2000B/2010BA/N402" and "US state" in d.message


def test_hl04_child_codes(claim_837p):
    # level 1 says it has no subordinates, yet level 2 names it: an error
    report = validate_text(text_837p(replace(claim_837p, "HL*1**20*1", "HL*1**20*0")))
    (d,) = [x for x in report.defects if x.level is DefectLevel.SEGMENT]
    assert d.is_error and d.path.element == 2 and "HL04 of level 1" in d.message
    # level 2 promises a subordinate that never comes: a warning
    report = validate_text(text_837p(replace(claim_837p, "HL*2*1*22*0", "HL*2*1*22*1")))
    (d,) = report.defects
    assert d.severity is Severity.WARNING and str(d.path) == "2000A/2000B/HL04"
    assert report.ok


def test_defects_per_set_are_capped(claim_837p, monkeypatch):
    import edi.validation.validator as validator

    monkeypatch.setattr(validator, "MAX_SET_DEFECTS", 3)
    body = claim_837p[:-1] + ["ZZZ*1"] * 10
    body.append(f"SE*{len(body) + 1}*0001")
    report = validate_text(text_837p(body))
    (ts,) = report.interchanges[0].groups[0].transactions
    assert len([d for d in ts.defects if d.code == "1"]) == 3
    assert "7 more" in ts.defects[-1].message and ts.defects[-1].code == "5"


# Lenient reading: a bare set or group inside a synthetic envelope, and a spaced ISA.
def _bare(body: list[str]) -> str:
    return "~\n".join(body) + "~\n"


def _lenient_warning(report):
    (interchange,) = report.interchanges
    warnings = [d for d in interchange.defects if d.severity is Severity.WARNING]
    assert len(warnings) == 1 and warnings[0].code == "024"
    return warnings[0]


def test_bare_set_is_validated_inside_a_synthetic_envelope(claim_837p, remit_835):
    for body in (claim_837p, remit_835):
        report = validate_text(_bare(body), "example.txt")
        assert report.ok and report.segment_count == len(body)
        assert report.defects == (_lenient_warning(report),)
        assert "no ISA/GS envelope" in report.defects[0].message
        (ts,) = report.interchanges[0].groups[0].transactions
        assert ts.accepted and ts.segment_count == len(body)


def test_everything_inside_a_bare_set_is_still_checked(claim_837p):
    body = replace(claim_837p, "DMG*D8*19800115*F", "DMG*D8*19801315*F")
    body = replace(body, "SE*", "SE*27*0001")
    report = validate_text(_bare(body))
    date = only(report, DefectLevel.ELEMENT, "8")
    assert date.path.file_position == body.index("DMG*D8*19801315*F") + 1
    se01 = only(report, DefectLevel.TRANSACTION, "4")
    assert se01.path.file_position == len(body)
    # Nothing about the envelope the file does not have.
    assert [d.code for d in report.interchanges[0].defects] == ["024"]
    assert not report.interchanges[0].groups[0].defects


def test_bare_group_is_read_and_a_trailer_without_its_header_reported(remit_835):
    group = ["GS*HP*PAYERONE*CLAIMHOUSE*20240105*0900*12*X*005010X221A1", *remit_835,
             "GE*1*12"]
    report = validate_text(_bare(group))
    assert report.ok and "no ISA interchange header" in _lenient_warning(report).message
    report = validate_text(_bare([*group, "IEA*1*000000012"]))
    (d,) = [d for d in errors(report) if d.level is DefectLevel.INTERCHANGE]
    assert "IEA without an ISA" in d.message and d.code == "024"
    assert d.path.file_position == len(group) + 1
    assert not [d for d in report.defects if d.code in ("001", "021")]   # IEA01/IEA02


def test_bare_set_followed_by_a_ge_reports_the_missing_gs(remit_835):
    report = validate_text(_bare([*remit_835, "GE*1*1"]))
    (d,) = errors(report)
    assert (d.level, d.code, d.message) == (DefectLevel.INTERCHANGE, "024", "GE without a GS")


def test_bare_set_warning_does_not_stop_a_strict_reading(remit_835):
    assert validate_text(_bare(remit_835), strict=True).ok


def test_spaced_isa_is_read_with_a_warning_and_its_values_still_checked(claim_837p):
    text = text_837p(claim_837p)
    isa, rest = text.split("~", 1)
    spaced = " * ".join(f.strip() for f in isa.split("*")) + " ~" + rest
    report = validate_text(spaced)
    assert report.ok and "blanks around its separators" in _lenient_warning(report).message
    d = only(validate_text(spaced.replace("* T * :", "* X * :", 1)), DefectLevel.INTERCHANGE,
             "020")
    assert d.path.element == 15


def test_spaced_isa_whose_separators_cannot_be_told_apart_is_fatal(claim_837p):
    isa, rest = text_837p(claim_837p).split("~", 1)
    spaced = " * ".join(f.strip() for f in isa.split("*")[:-1]) + " * ~" + rest
    report = validate_text(spaced, "mail.txt")
    assert report.fatal is not None and report.fatal.code == "026"
    assert "mail.txt" in report.fatal.message and "ISA16" in report.fatal.message
