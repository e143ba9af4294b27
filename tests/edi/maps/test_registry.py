"""The registry: which guide reads which set, from GS08 and ST03, with errata fallbacks."""

from __future__ import annotations

import pytest

from edi.errors import GrammarError
from edi.maps import canonical_version, definition_for, known_versions, resolve


@pytest.mark.parametrize(("set_id", "gs08", "st03", "version"), [
    ("837", "005010X222A1", "005010X222A1", "005010X222A1"),
    ("837", "005010X223A2", "", "005010X223A2"),
    ("835", "005010X221A1", "", "005010X221A1"),
    ("999", "005010X231A1", "005010X231A1", "005010X231A1"),
    ("277", "005010X214", "005010X214", "005010X214"),
    ("277", "005010X212", "005010X212", "005010X212"),
    # ST03 is the set's own statement and wins over GS08
    ("837", "005010X222A1", "005010X223A2", "005010X223A2"),
])
def test_resolve(set_id, gs08, st03, version):
    found = resolve(set_id, gs08, st03)
    assert found is not None and found.definition.version == version
    assert found.note == ""


@pytest.mark.parametrize(("label", "used"), [
    ("005010X222A2", "005010X222A1"), ("005010X223A3", "005010X223A2")])
def test_errata_labels_fall_back_with_a_note(label, used):
    found = resolve("837", label, label)
    assert found.definition.version == used and found.requested == label
    assert used in found.note
    assert canonical_version(label) == used


def test_unknown_guide():
    assert resolve("834", "005010X220A1") is None
    with pytest.raises(GrammarError, match="834"):
        definition_for("834", "005010X220A1")


def test_definitions_are_loaded_once():
    assert definition_for("835", "005010X221A1") is definition_for("835", "005010X221A1")
    assert ("835", "005010X221A1") in known_versions()


def test_the_hand_written_table_names_every_hand_written_guide():
    from edi.maps import hand
    built = {(t.set_id, label): t for t in hand.DEFINITIONS
             for label in (t.version, *t.aliases)}
    hand_keys = set(known_versions()) - {
        ("837", "005010X222A1"), ("837", "005010X223A2"), ("835", "005010X221A1"),
        ("999", "005010X231A1"), ("277", "005010X214")}
    # 277 X212 is compiled and hand-written: the compiled guide is the one served.
    assert set(built) == hand_keys | {("277", "005010X212")}
    for key, definition in built.items():
        if key != ("277", "005010X212"):
            assert definition_for(*key) is definition


def test_naming_the_guides_builds_none_of_them():
    import subprocess
    import sys
    code = ("import sys; from edi.maps import known_versions; known_versions(); "
            "print(sorted(m for m in sys.modules if m.startswith('edi.maps.hand.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
