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


# -- remembered segments bring the same checks as first sight ----------------------------------

def _with_count(body: list[str]) -> list[str]:
    """``body`` with SE01 counting its segments."""
    control = body[-1].split("*")[2]
    return [*body[:-1], f"SE*{len(body)}*{control}"]


def test_claims_and_line_numbers_from_remembered_segments():
    from edi_samples import CLAIM_837P, text_837p

    from edi.validation import validate_text

    claim = CLAIM_837P[CLAIM_837P.index("CLM*PATIENT001*150.00***11:B:1*Y*A*Y*Y"):-1]
    wrong = [("LX*3" if s == "LX*2" else s) for s in claim]
    # claim 1 is read first; claim 2 repeats it with LX*3 for LX*2; claim 3 repeats claim 2,
    # so its every segment, LX*3 included, is a remembered one
    body = _with_count([*CLAIM_837P[:-1], *wrong, *wrong, CLAIM_837P[-1]])
    report = validate_text(text_837p(body))
    (ts,) = report.interchanges[0].groups[0].transactions
    assert ts.claim_count == 3
    lx = [d for d in report.defects if d.path.segment == "LX"]
    assert [(d.code, d.path.element, d.path.segment_position) for d in lx] == [
        ("8", 1, i + 1) for i, s in enumerate(body) if s == "LX*3"]
    assert all("expected 2" in d.message and d.path.loop.endswith("2400[2]") for d in lx)


def test_line_equations_from_remembered_segments():
    from edi.validation import validate_text

    body = list(REMIT_835)
    at = body.index("SVC*HC:87070*50.00*50.00")
    body[at:at + 2] = ["SVC*HC:87070*50.00*45.00", "DTM*472*20231220"] * 2
    body = _with_count(body)
    report = validate_text(text_835(body))
    found = [d for d in report.defects if d.code == "835-SVC"]
    # the second line repeats the first: its imbalance comes from the memo, at its own place
    assert [d.path.segment_position for d in found] == [at + 1, at + 3]


def test_hl04_promise_is_named_where_it_was_made():
    from edi_samples import CLAIM_837P, text_837p

    from edi.validation import validate_text

    body = list(CLAIM_837P)
    subscriber = body.index("HL*2*1*22*0")
    block = body[subscriber:-1]
    # level 2 promises a child; level 3, a second subscriber, is not one (2000B repeats)
    body = _with_count([*body[:subscriber], "HL*2*1*22*1", *block[1:],
                        "HL*3*1*22*0", *block[1:], body[-1]])
    report = validate_text(text_837p(body))
    (d,) = [x for x in report.defects if "subordinate" in x.message]
    assert str(d.path) == "2000A/2000B/HL04" and d.path.segment_position == subscriber + 1


def _distinct_qualifiers(n: int, prefix: str | None) -> str:
    """The sample claim with ``n`` REF segments in 2300: each with its own REF01 value the
    guide does not list (``prefix`` + number), or all REF*D9 when ``prefix`` is None."""
    from edi_samples import CLAIM_837P, text_837p

    body = list(CLAIM_837P)
    at = body.index("HI*ABK:J209") + 1
    body[at:at] = [f"REF*{prefix}{i:05d}*X{i}" if prefix else f"REF*D9*X{i}" for i in range(n)]
    body[-1] = f"SE*{len(body)}*0001"
    return text_837p(body)


def _engine_cache_sizes() -> int:
    """Entries in every cache the engine keeps between validations."""
    from edi.validation import balancing, elements, plans
    from edi.x12 import machine

    total = sum(m.memo_size() + len(m._states) for _, m in machine._machines.values())
    total += sum(g.size() for g in plans._guides.values())
    for _, checker in elements._checkers.values():
        total += len(checker.shapes) + len(checker.compiled)
        for slot in checker.slots:
            parts = getattr(slot, "parts", (slot,))
            total += sum(len(part.cache) for part in parts)
    return total + len(balancing._amounts)


def test_distinct_qualifiers_cost_no_more_memory_than_one():
    import gc
    import tracemalloc

    from edi.validation.validator import validate_text

    single = _distinct_qualifiers(20_000, None)
    distinct = _distinct_qualifiers(20_000, "Q")
    validate_text(_distinct_qualifiers(10, None))        # guides, checkers, recognisers

    def retained(text: str) -> int:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(2):
            report = validate_text(text)
            assert report.segment_count > 20_000
            del report
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before

    tracemalloc.start()
    try:
        one = retained(single)
        many = retained(distinct)
    finally:
        tracemalloc.stop()
    # before the memo was keyed by qualifier class: 13 MB retained for good
    assert many <= one + 64 * 1024, (one, many)


def test_cache_sizes_stay_flat_across_different_files():
    from edi.validation.validator import validate_text

    validate_text(_distinct_qualifiers(2_000, "Q"))
    after_first = _engine_cache_sizes()
    for prefix in ("Z", "Y", "W", "V"):
        validate_text(_distinct_qualifiers(2_000, prefix))
        assert _engine_cache_sizes() == after_first
