"""SetChecker: one look-up per repeated segment, defects reported as they are found."""

from __future__ import annotations

from edi_samples import REMIT_835, text_835

from edi.maps import definition_for
from edi.validation.transaction import SetChecker
from edi.x12 import Tokenizer
from edi.x12.tokenizer import segment_of


def checker_and_pieces(body):
    tok = Tokenizer()
    runs = tok.feed_pieces(text_835(body)) + tok.close_pieces()
    (run,) = runs
    found = []
    checker = SetChecker(definition_for("835", "005010X221A1"), "1001", {}, found.append)
    return checker, run, found


def test_repeated_segments_are_memoized():
    checker, run, found = checker_and_pieces(REMIT_835)
    pieces = run.pieces
    st = pieces.index("ST*835*1001")
    checker.feed(segment_of(pieces[st], run.delimiters, run.first + st))
    stop = checker.feed_pieces(pieces, st + 1, run.delimiters, run.first,
                               frozenset({"SE", "GE", "IEA"}))
    assert pieces[stop].startswith("SE*")
    # DTM*472*20231220 occurs twice in the same walk state: one memo entry serves both
    keys = [k for k in checker.memo if k[1] == "DTM*472*20231220"]
    assert len(keys) == 1
    assert checker.position == stop - st
    checker.feed(segment_of(pieces[stop], run.delimiters, run.first + stop))
    checker.finish()
    assert found == [] and checker.claims == 2


def test_defects_come_through_the_callback_with_positions():
    body = list(REMIT_835)
    body[body.index("SVC*HC:87070*50.00*50.00")] = "SVC*HC:87070*50.00*45.00"
    checker, run, found = checker_and_pieces(body)
    pieces = run.pieces
    st = pieces.index("ST*835*1001")
    checker.feed(segment_of(pieces[st], run.delimiters, run.first + st))
    stop = checker.feed_pieces(pieces, st + 1, run.delimiters, run.first, frozenset({"SE"}))
    checker.feed(segment_of(pieces[stop], run.delimiters, run.first + stop))
    checker.finish()
    assert [d.code for d in found] == ["835-SVC"]     # the claim equation uses CAS only
    (svc,) = found
    assert svc.path.segment_position == body.index("SVC*HC:87070*50.00*45.00") + 1
