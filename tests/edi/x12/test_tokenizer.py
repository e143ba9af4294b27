"""The streaming tokenizer: BOM, line breaks, several interchanges, chunk boundaries."""

from __future__ import annotations

import pytest

from edi.errors import InterchangeError
from edi.x12 import Tokenizer, iter_segments, parse_segments, serialize
from edi.x12.tokenizer import is_synthetic, segments_of

ISA_STAR = ("ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
            "*240102*1345*^*00501*000000001*0*T*:~")
ISA_PIPE = ("ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       "
            "|240102|1345|!|00501|000000002|0|T|>\n")

ONE = (ISA_STAR + "GS*HC*S*R*20240102*1345*1*X*005010X222A1~ST*837*0001*005010X222A1~"
       "SV1*HC:99213*40~SE*3*0001~GE*1*1~IEA*1*000000001~")
TWO = (ISA_PIPE + "GS|HP|S|R|20240102|1345|2|X|005010X221A1\nST|835|0002\n"
       "SVC|HC>99213|40|30\nSE|3|0002\nGE|1|2\nIEA|1|000000002\n")


def tags(segments):
    return [s.tag for s in segments]


def test_bom_and_crlf_are_tolerated():
    text = "\ufeff" + ONE.replace("~", "~\r\n") + "  \n"
    segs = parse_segments(text)
    assert tags(segs) == ["ISA", "GS", "ST", "SV1", "SE", "GE", "IEA"]
    assert segs[3].elements == ("HC:99213", "40")
    assert serialize(segs) == ONE


def test_two_interchanges_with_different_delimiters():
    segs = parse_segments(ONE + "\n" + TWO)
    assert tags(segs) == (["ISA", "GS", "ST", "SV1", "SE", "GE", "IEA"]
                          + ["ISA", "GS", "ST", "SVC", "SE", "GE", "IEA"])
    assert segs[3].components(1) == ("HC", "99213")
    assert segs[10].components(1) == ("HC", "99213")
    assert segs[10].delimiters.element == "|"
    assert serialize(segs) == ONE + TWO


@pytest.mark.parametrize("size", [1, 2, 3, 7, 50, 105, 106, 107, 500])
def test_any_chunk_boundary_gives_the_same_segments(size):
    text = ONE + TWO
    whole = parse_segments(text)
    chunks = [text[i:i + size] for i in range(0, len(text), size)]
    assert list(iter_segments(chunks)) == whole


def test_positions_count_segments_in_the_file():
    segs = parse_segments(ONE + TWO)
    assert [s.position for s in segs] == list(range(1, 15))


def test_empty_segment_is_kept_visible():
    segs = parse_segments(ONE.replace("SV1*HC:99213*40~", "SV1*HC:99213*40~~"))
    assert "" in tags(segs)


def test_short_isa_is_a_ta1_error():
    with pytest.raises(InterchangeError) as err:
        parse_segments("ISA*00*   *00*")
    assert err.value.note_code == "023"


def test_text_not_starting_with_isa_names_the_file():
    with pytest.raises(InterchangeError) as err:
        parse_segments("HELLO WORLD", source="claims.txt")
    assert "claims.txt" in str(err.value)
    assert err.value.note_code == "024"


def test_unpadded_isa_is_read_and_reported():
    text = ("ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*240102*1345*^*00501*000000001*0*T*:~"
            "GS*HC*S*R*20240102*1345*1*X*005010X222A1~GE*0*1~IEA*1*000000001~")
    tok = Tokenizer()
    segs = tok.feed(text) + tok.close()
    assert tags(segs) == ["ISA", "GS", "GE", "IEA"]
    assert tok.problems and tok.problems[0][0] == "024"


def test_missing_final_terminator_keeps_the_last_segment():
    segs = parse_segments(ONE[:-1])
    assert segs[-1].tag == "IEA"


def test_piece_runs_are_the_segments_as_text():
    text = ONE.replace("~", "~\r\n") + TWO
    tok = Tokenizer()
    runs = tok.feed_pieces(text) + tok.close_pieces()
    assert [r.delimiters.element for r in runs] == ["*", "|"]
    assert runs[0].first == 1 and runs[1].first == 8
    assert runs[0].pieces[3] == "SV1*HC:99213*40"
    assert segments_of(runs) == parse_segments(text)


@pytest.mark.parametrize("size", [1, 4, 9, 120])
def test_piece_runs_split_anywhere(size):
    text = ONE + " \n" + TWO
    tok = Tokenizer()
    runs = []
    for i in range(0, len(text), size):
        runs += tok.feed_pieces(text[i:i + size])
    runs += tok.close_pieces()
    assert segments_of(runs) == parse_segments(text)


def test_iea_inside_data_does_not_end_the_interchange():
    text = ONE.replace("SV1*HC:99213*40~", "NTE*ADD*IEA*IEA~SV1*HC:99213*40~")
    segs = parse_segments(text + TWO)
    assert tags(segs).count("IEA") == 2 and tags(segs)[3] == "NTE"


# Layouts between segments: the one-call splits (nothing, or one line feed after each
# terminator) and every mix that must fall back to stripping piece by piece.
LAYOUTS = [
    ("~", "plain"),
    ("~\n", "one line feed"),
    ("~\r\n", "CR LF"),
    ("~\n  ", "indented"),
    ("~ ", "space after"),
    ("~\t", "tab after"),
    ("~\n\n", "blank lines"),
]


def _reference(text: str) -> list[str]:
    """Segment texts the slow, obvious way: split on the terminator, strip each."""
    body = text.rstrip("\r\n\t ")
    return [p.lstrip("\r\n\t ").rstrip("\r\n") for p in body[:-1].split("~")]


@pytest.mark.parametrize("layout", [lay for lay, _ in LAYOUTS], ids=[n for _, n in LAYOUTS])
@pytest.mark.parametrize("size", [1, 7, 64, 10_000])
def test_layouts_between_segments_give_the_same_pieces(layout, size):
    text = ONE.replace("~", layout)
    tok = Tokenizer()
    runs = []
    for at in range(0, len(text), size):
        runs += tok.feed_pieces(text[at:at + size])
    runs += tok.close_pieces()
    assert [p for run in runs for p in run.pieces] == _reference(text)
    assert [run.first for run in runs][0] == 1


@pytest.mark.parametrize("odd", [
    "SV1*HC:99213*40~~\nSE",            # an empty segment, then a line feed
    "SV1*HC:99213*40\n~\nSE",           # a line feed before a terminator
    "SV1*HC:99213*40~\n~\nSE",          # an empty segment between line feeds
    "SV1*HC:99213*40 ~\nSE",            # a blank before the terminator is data
])
def test_mixed_layouts_fall_back_to_stripping(odd):
    text = ONE.replace("~", "~\n").replace("SV1*HC:99213*40~\nSE", odd)
    pieces = [p for run in Tokenizer().feed_pieces(text) for p in run.pieces]
    assert pieces == _reference(text)


# Lenient reading: a bare ST..SE or GS..GE, and an ISA written with blanks around its
# separators. Each is read with a note in Tokenizer.problems, never silently.
BARE_835 = ("ST*835*0001~BPR*I*40*C*CHK************20240102~TRN*1*12345*1512345678~"
            "SE*4*0001~")
BARE_GS = ("GS*HC*SENDER ID*RECEIVER ID*20240102*1345*7*X*005010X222A1~"
           "ST*837*0001*005010X222A1~SV1*HC:99213*40~SE*3*0001~GE*1*7~")
SPACED_ISA = ("ISA * 00 *            * 00 *            * ZZ * SENDER * ZZ * RECEIVER * "
              "240102 * 1345 * ^ * 00501 * 000000001 * 0 * T * : ~\n")


def _read(text: str, size: int = 0) -> tuple[list, Tokenizer]:
    tok = Tokenizer("x.txt")
    size = size or len(text)
    segs = []
    for at in range(0, len(text), size):
        segs += tok.feed(text[at:at + size])
    return segs + tok.close(), tok


@pytest.mark.parametrize("size", [0, 1, 5, 64])
def test_bare_set_gets_a_synthetic_envelope(size):
    segs, tok = _read(BARE_835, size)
    assert tags(segs) == ["ISA", "GS", "ST", "BPR", "TRN", "SE", "GE", "IEA"]
    synthetic = [s for s in segs if is_synthetic(s)]
    assert tags(synthetic) == ["ISA", "GS", "GE", "IEA"]
    # The file's own segments keep their ordinals in the file.
    assert [s.position for s in segs if not is_synthetic(s)] == [1, 2, 3, 4]
    assert tok.segment_count == 4
    isa, gs, ge, iea = synthetic
    assert gs.elements[0] == "HP" and gs.get(8) == "005010X221A1"
    assert ge.elements == ("1", gs.get(6)) and iea.elements == ("1", isa.get(13))
    assert len(serialize([isa])) == 106
    (note,) = tok.problems
    assert note.ordinal == 0 and note.severity == "warning" and note.code == "024"
    assert "no ISA/GS envelope" in note.message and "no ST03" in note.message
    assert "005010X221A1" in note.message


def test_bare_set_envelope_is_the_same_however_the_text_is_cut():
    whole = parse_segments(BARE_835)
    assert _read(BARE_835, 3)[0] == whole
    other = parse_segments(BARE_835.replace("12345", "12346"))
    assert other[0].get(13) != whole[0].get(13)    # another file, another ISA13


def test_bare_set_takes_its_guide_from_st03_and_its_delimiters_from_the_text():
    text = "ST|837|0001|005010X223A2\nCLM|A1|50|||11>A>1\nSE|3|0001\n"
    segs = parse_segments(text)
    assert tags(segs) == ["ISA", "GS", "ST", "CLM", "SE", "GE", "IEA"]
    d = segs[0].delimiters
    assert (d.element, d.segment, d.component, d.repetition) == ("|", "\n", ">", "^")
    assert segs[3].components(5) == ("11", "A", "1")
    assert segs[1].get(1) == "HC" and segs[1].get(8) == "005010X223A2"


def test_bare_group_gets_a_synthetic_interchange():
    segs, tok = _read(BARE_GS)
    assert tags(segs) == ["ISA", "GS", "ST", "SV1", "SE", "GE", "IEA"]
    isa, iea = segs[0], segs[-1]
    assert is_synthetic(isa) and is_synthetic(iea) and not is_synthetic(segs[1])
    assert isa.get(6) == "SENDER ID      " and isa.get(8) == "RECEIVER ID    "
    assert isa.get(9) == "240102" and iea.elements == ("1", isa.get(13))
    assert "no ISA interchange header" in tok.problems[0].message


def test_bare_set_ends_where_an_interchange_starts():
    segs = parse_segments(BARE_835 + "\n" + ONE)
    assert tags(segs) == (["ISA", "GS", "ST", "BPR", "TRN", "SE", "GE", "IEA"]
                          + ["ISA", "GS", "ST", "SV1", "SE", "GE", "IEA"])
    assert [is_synthetic(s) for s in segs].count(True) == 4
    assert segs[8].position == 5


def test_bare_set_whose_terminator_cannot_be_told_apart_is_a_ta1_error():
    with pytest.raises(InterchangeError) as err:
        parse_segments("ST*835*0001*BPR*I*40~", source="x.txt")
    assert err.value.note_code == "026" and "x.txt" in str(err.value)
    assert "terminator" in str(err.value)


@pytest.mark.parametrize("size", [0, 1, 50])
def test_spaced_isa_is_read_at_its_fixed_widths(size):
    text = SPACED_ISA + ("GS * HC * S * R * 20240102 * 1345 * 1 * X * 005010X222A1 ~\n"
                         "ST * 837 * 0001 * 005010X222A1 ~\nSV1 * HC:99213 * 40 ~\n"
                         "SE * 3 * 0001 ~\nGE * 1 * 1 ~\nIEA * 1 * 000000001 ~\n")
    segs, tok = _read(text, size)
    assert tags(segs) == ["ISA", "GS", "ST", "SV1", "SE", "GE", "IEA"]
    assert serialize(segs[:1]) == ISA_STAR
    assert segs[3].elements == ("HC:99213", "40")
    assert segs[-1].elements == ("1", "000000001")
    (note,) = tok.problems
    assert note.severity == "warning" and "blanks around its separators" in note.message


def test_spaced_isa_whose_separators_clash_is_a_ta1_error():
    with pytest.raises(InterchangeError) as err:
        parse_segments(SPACED_ISA.replace(": ~", "* ~"))
    assert err.value.note_code == "026" and "cannot be told apart" in str(err.value)
