"""Remittance errors as the API's: which become a conflict (409) and which bad input (422)."""

from __future__ import annotations

import pytest

from api.remittance_posting import domain_errors
from core.errors import Conflict
from remittance import PostingConflict, QueueError, UnreadableEra


@pytest.mark.parametrize("error", [QueueError("claim payment 7 is posted, not held"),
                                   PostingConflict("x.835: payment T1: another posting of "
                                                   "the same payment kept colliding")])
def test_state_and_posting_races_are_conflicts(error: Exception) -> None:
    with pytest.raises(Conflict, match=str(error)), domain_errors():
        raise error


def test_an_unreadable_file_is_bad_input() -> None:
    with pytest.raises(ValueError, match="not a readable 835"), domain_errors():
        raise UnreadableEra("x.835: not a readable 835")
