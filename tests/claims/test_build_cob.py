"""COB segments: CAS grouping and the 2320/2430 loops."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claims.build_cob import cas_segments, line_adjudication_segments, other_payer_segments
from claims.model import Adjustment


def _adj(group, reason, amount, qty=None):
    return Adjustment(group, reason, Decimal(amount), Decimal(qty) if qty else None)


def test_cas_groups_by_group_code_in_first_seen_order():
    segments = cas_segments([_adj("CO", "45", "10.00"), _adj("PR", "1", "5.00"),
                             _adj("CO", "253", "0.50", "1")])
    assert [s.to_text() for s in segments] == ["CAS*CO*45*10**253*0.5*1~", "CAS*PR*1*5~"]


def test_cas_splits_after_six_triplets():
    segments = cas_segments([_adj("CO", str(r), "1.00") for r in range(1, 9)])
    assert [len(s.elements) for s in segments] == [18, 6]
    assert segments[1].to_text() == "CAS*CO*7*1**8*1~"


def test_more_than_five_cas_segments_is_refused():
    with pytest.raises(ValueError, match="6 CAS segments needed; the 837 allows 5"):
        cas_segments([_adj("CO", str(r), "1.00") for r in range(1, 37)])


def test_primary_claim_with_a_secondary_on_file(samples):
    # a primary claim names the secondary coverage, without payment data
    texts = [s.to_text() for s in other_payer_segments(samples["office_visit"])]
    assert texts == ["SBR*S*18*77310******CI~", "OI***Y*P**Y~",
                     "NM1*IL*1*Rivera*Ana****MI*LMI9081772~",
                     "NM1*PR*2*Lakeside Mutual Insurance*****PI*LMI22~"]


def test_line_adjudication_names_the_other_payer(samples):
    claim = samples["secondary_after_primary"]
    texts = [s.to_text() for s in line_adjudication_segments(claim, claim.lines[1])]
    assert texts == ["SVD*PHP01*20*HC:87880**1~", "CAS*CO*45*5~", "DTP*573*D8*20261002~"]
