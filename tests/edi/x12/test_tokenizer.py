"""The streaming tokenizer: BOM, line breaks, several interchanges, chunk boundaries."""

from __future__ import annotations

import pytest

from edi.errors import InterchangeError
from edi.x12 import Tokenizer, iter_segments, parse_segments, serialize
from edi.x12.tokenizer import segments_of

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
