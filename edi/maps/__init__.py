"""Which transaction definition reads which transaction set.

The map in use is picked from GS08 (the guide the group declares) and ST03 when present (it
must agree with GS08 in 005010, TR3 appendix B). Compiled pyx12 maps live next to this module as
JSON and are loaded the first time they are asked for; hand-written definitions are built by
their module of ``edi.maps.hand`` the first time one of them is asked for. Both are listed here
as tables, so naming the guides this engine reads builds none of them.

Errata labels are accepted: a file that says X222A2 (837P) or X223A3 (837I) is read with the
A1/A2 guide, and the lookup says so, because the errata changed prose rules, not the layout
this engine checks.
"""

from __future__ import annotations

import importlib
import json
import threading
from dataclasses import dataclass
from importlib import resources

from edi.errors import GrammarError
from edi.maps.codec import dumps, loads
from edi.x12.grammar import TransactionDef

__all__ = [
    "Resolution",
    "definition_for",
    "resolve",
    "known_versions",
    "canonical_version",
    "external_codes",
    "dumps",
    "loads",
]

#: Compiled guides: (ST01, version) -> JSON file in this package.
_COMPILED: dict[tuple[str, str], str] = {
    ("837", "005010X222A1"): "837.005010X222A1.json",
    ("837", "005010X223A2"): "837.005010X223A2.json",
    ("835", "005010X221A1"): "835.005010X221A1.json",
    ("999", "005010X231A1"): "999.005010X231A1.json",
    ("277", "005010X214"): "277.005010X214.json",
    ("277", "005010X212"): "277.005010X212.json",
}

#: Later labels of a guide read with an earlier one (same loops and segments).
_FALLBACKS: dict[str, str] = {
    "005010X222A2": "005010X222A1",
    "005010X223A3": "005010X223A2",
    "005010X223A1": "005010X223A2",
    "005010X221": "005010X221A1",
    "005010X231": "005010X231A1",
    "005010X222": "005010X222A1",
    "005010X223": "005010X223A2",
}

#: Hand-written guides: (ST01, version or alias) -> (module of edi.maps.hand, definition name).
#: tests/edi/maps/test_registry.py checks this table against ``edi.maps.hand.DEFINITIONS``.
_HAND: dict[tuple[str, str], tuple[str, str]] = {
    ("270", "005010X279A1"): ("eligibility", "INQUIRY_270"),
    ("270", "005010X279"): ("eligibility", "INQUIRY_270"),
    ("271", "005010X279A1"): ("eligibility", "RESPONSE_271"),
    ("271", "005010X279"): ("eligibility", "RESPONSE_271"),
    ("276", "005010X212"): ("claim_status", "STATUS_REQUEST_276"),
    ("277", "005010X212"): ("claim_status", "STATUS_RESPONSE_277"),
    ("837", "005010X224A2"): ("dental", "DENTAL_837"),
    ("837", "005010X224A3"): ("dental", "DENTAL_837"),
}

_lock = threading.Lock()
_loaded: dict[tuple[str, str], TransactionDef] = {}


@dataclass(frozen=True, slots=True)
class Resolution:
    """The definition found for a set, and a note when it was found through a fallback."""

    definition: TransactionDef
    requested: str
    note: str = ""


def _hand_definition(key: tuple[str, str]) -> TransactionDef | None:
    where = _HAND.get(key)
    if where is None:
        return None
    module, name = where
    found: TransactionDef = getattr(importlib.import_module(f"edi.maps.hand.{module}"), name)
    return found


def _load(key: tuple[str, str]) -> TransactionDef | None:
    found = _loaded.get(key)
    if found is not None:
        return found
    name = _COMPILED.get(key)
    if name is None:
        return _hand_definition(key)
    with _lock:
        found = _loaded.get(key)
        if found is None:
            text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
            found = _loaded[key] = loads(text)
    return found


_code_sets: dict[str, frozenset[str]] | None = None


def external_codes(name: str) -> frozenset[str] | None:
    """An external code list by the name the guides use (``"states"``), if we carry it.

    Only stable lists are carried (states and provinces, countries, currencies); the others
    a guide names (place of service, remark codes...) change too often to be frozen here.
    """
    global _code_sets
    if _code_sets is None:
        text = resources.files(__name__).joinpath("code_sets.json").read_text(encoding="utf-8")
        _code_sets = {k: frozenset(v) for k, v in json.loads(text).items()}
    return _code_sets.get(name)


def known_versions() -> tuple[tuple[str, str], ...]:
    """Every (ST01, version) this engine can read, compiled and hand-written."""
    return tuple(sorted(set(_COMPILED) | set(_HAND)))


def resolve(set_id: str, gs08: str, st03: str = "") -> Resolution | None:
    """The definition for ST01 ``set_id`` in a group declaring ``gs08`` (ST03 if present).

    ST03 wins when it names a known guide (it is the set's own statement); otherwise GS08.
    Returns ``None`` when no guide fits.
    """
    set_id = set_id.strip()
    for label in (st03.strip(), gs08.strip()):
        if not label:
            continue
        found = _load((set_id, label))
        if found is not None:
            return Resolution(found, label)
        older = _FALLBACKS.get(label)
        if older:
            found = _load((set_id, older))
            if found is not None:
                return Resolution(found, label, note=(
                    f"{label} is read with the {older} guide (same loops and segments)"))
    return None


def canonical_version(label: str) -> str:
    """The guide a version label is read with (``005010X222A2`` -> ``005010X222A1``)."""
    label = label.strip()
    return _FALLBACKS.get(label, label)


def definition_for(set_id: str, version: str) -> TransactionDef:
    """The definition of ``set_id`` under guide ``version``; raises GrammarError if none."""
    found = resolve(set_id, version)
    if found is None:
        known = ", ".join(f"{s} {v}" for s, v in known_versions())
        raise GrammarError(f"no transaction definition for {set_id} {version} "
                           f"(known: {known})")
    return found.definition
