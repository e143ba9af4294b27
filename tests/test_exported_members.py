"""Every package's public surface is written down, so changing it is a visible test change.

A package's public names are its ``__all__``. For the packages below, this test checks that
``__all__`` exists, names only what the package really defines (no private helpers, nothing
borrowed from a library), is sorted (or ordered as written for a stated reason) and equals the
list written here. Packages an existing test already pins name by name are not pinned twice:
they are listed in PINNED_ELSEWHERE with that test. Every package of the project must appear
in one of the tables, so a new package cannot slip by unpinned.
"""

from __future__ import annotations

import importlib
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: The public names of each package (and of the reader modules other packages import values
#: from), exactly as ``__all__`` lists them.
EXPECTED: dict[str, list[str]] = {
    "edi.parsers": [
        "Acknowledgment999", "Claim837", "ClaimAcknowledgment", "ClaimAcknowledgmentBatch",
        "InterchangeAcknowledgment", "LineAcknowledgment", "Read837", "RemittanceFile",
        "iter_835", "read_277ca", "read_835", "read_837", "read_999", "read_ta1",
    ],
    "edi.parsers.ack999": [
        "ElementNote", "SegmentNote", "SetAcknowledgment", "GroupAcknowledgment",
        "Acknowledgment999", "read_999",
    ],
    "edi.parsers.claim837": [
        "CasAdjustment", "Claim837", "CodedValue", "Entity", "HealthCode",
        "LineAdjudication837", "OtherSubscriber837", "Read837", "ServiceLine837", "read_837",
    ],
    "edi.parsers.claim_ack277": [
        "Outcome", "outcome_of", "Status", "StatusCode", "Party", "LineAcknowledgment",
        "ClaimAcknowledgment", "ClaimAcknowledgmentBatch", "read_277ca",
    ],
    "edi.parsers.remit835": [
        "CLAIM_STATUS_CODES", "GROUP_CODES", "Adjustment", "Amount", "ClaimPayment", "Contact",
        "DateValue", "FileClosed", "HeaderGroup", "Party", "PaymentInfo", "ProcedureCode",
        "ProviderAdjustment", "Quantity", "Reference", "Remittance", "RemittanceClosed",
        "RemittanceEvent", "RemittanceFile", "RemittanceOpened", "ServicePayment",
        "TraceNumber", "iter_835", "read_835",
    ],
    "edi.parsers.ta1": ["InterchangeAcknowledgment", "read_ta1"],
    "eligibility": [],
    "migrations": ["alembic_config", "current_revision", "head_revision", "upgrade"],
}

#: Lists deliberately not sorted, and why; every other list must be sorted.
ORDERED_AS_WRITTEN: dict[str, str] = {
    "edi.parsers.ack999": "values from the innermost loop (IK4) out to the 999, then the reader",
    "edi.parsers.claim_ack277": "code tables, then values from the line out to the batch",
}

#: Packages that do not declare ``__all__`` yet. The test holds them to defining no public
#: name at all, and fails once they declare one, so the entry here is removed.
WITHOUT_ALL: dict[str, str] = {
    "eligibility": "not built yet; its __init__.py holds only a docstring",
}

#: Packages whose ``__all__`` an existing test pins name by name.
PINNED_ELSEWHERE: dict[str, str] = {
    "api": "tests/api/test_api_exports.py",
    "claims": "tests/claims/test_claims_public_api.py",
    "claims.db": "tests/api/test_api_exports.py",
    "clearinghouse": "tests/clearinghouse/test_clearinghouse_exports.py",
    "core": "tests/core/test_core_exports.py",
    "edi.acknowledgments": "tests/edi/acknowledgments/test_ack_implementation.py",
    "edi.maps": "tests/edi/x12/test_public_api.py",
    "edi.maps.hand": "tests/edi/maps/hand/test_hand_definitions.py",
    "edi.validation": "tests/edi/x12/test_public_api.py",
    "edi.x12": "tests/edi/x12/test_public_api.py",
    "remittance": "tests/remittance/test_remit_exports.py",
    "worker": "tests/worker/test_celery_app.py",
}

#: Packages that are a namespace or an entry point, not a library: they export nothing.
NO_PUBLIC_API: dict[str, str] = {
    "cli": "the claimhouse command; its modules register sub-commands",
    "edi": "a namespace for the X12 engine's packages",
}

_NOT_PACKAGES = {"tests", "bench", "scripts"}


def _project_packages() -> list[str]:
    found = []
    for top in ROOT.iterdir():
        if top.name in _NOT_PACKAGES or not (top / "__init__.py").is_file():
            continue
        for init in top.rglob("__init__.py"):
            found.append(".".join(init.parent.relative_to(ROOT).parts))
    return sorted(found)


def _sort_key(name: str) -> tuple[bool, bool, str]:
    """Constants, then classes, then functions, each alphabetical (ruff's RUF022 order)."""
    return (not name.isupper(), not name[0].isupper(), name)


def _public_names(module: types.ModuleType) -> list[str]:
    """Names a module defines without a leading underscore, submodules aside."""
    return sorted(name for name, value in vars(module).items()
                  if not name.startswith("_") and not isinstance(value, types.ModuleType)
                  and name != "annotations")


def _exports(package: str) -> list[str]:
    module = importlib.import_module(package)
    if package in WITHOUT_ALL:
        assert not hasattr(module, "__all__"), (
            f"{package} now declares __all__: remove it from WITHOUT_ALL")
        assert _public_names(module) == [], f"{package} defines public names but no __all__"
        return []
    assert hasattr(module, "__all__"), f"{package} does not declare __all__"
    exports = module.__all__
    assert isinstance(exports, list), f"{package}.__all__ should be a list"
    return exports


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_all_equals_the_expected_list(package: str) -> None:
    assert _exports(package) == EXPECTED[package]


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_every_exported_name_is_defined_by_the_package(package: str) -> None:
    module = importlib.import_module(package)
    exports = _exports(package)
    assert len(set(exports)) == len(exports), f"{package}.__all__ lists a name twice"
    for name in exports:
        assert not name.startswith("_"), f"{package}.__all__ exports private {name}"
        # getattr, not vars(): a package may load its exports on first use (PEP 562).
        assert hasattr(module, name), f"{package}.__all__ names {name}, which it lacks"
        value = getattr(module, name)
        assert not isinstance(value, types.ModuleType), f"{package}.{name} is a module"
        origin = getattr(value, "__module__", None)
        if isinstance(value, type | types.FunctionType) and origin is not None:
            root = package.split(".")[0]
            assert origin.split(".")[0] == root, (
                f"{package}.{name} is borrowed from {origin}, not defined in {root}")


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_all_is_sorted_or_ordered_for_a_reason(package: str) -> None:
    exports = _exports(package)
    if package in ORDERED_AS_WRITTEN:
        assert exports != sorted(exports) and exports != sorted(exports, key=_sort_key), (
            f"{package}.__all__ is sorted now: remove it from ORDERED_AS_WRITTEN")
        return
    assert exports in (sorted(exports), sorted(exports, key=_sort_key)), (
        f"{package}.__all__ is not sorted: {sorted(exports, key=_sort_key)}")


@pytest.mark.parametrize("package", sorted(NO_PUBLIC_API))
def test_namespaces_export_nothing(package: str) -> None:
    module = importlib.import_module(package)
    assert getattr(module, "__all__", []) == []
    assert _public_names(module) == []


@pytest.mark.parametrize("package", sorted(PINNED_ELSEWHERE))
def test_pins_elsewhere_exist(package: str) -> None:
    test_file = ROOT / PINNED_ELSEWHERE[package]
    assert test_file.is_file(), f"{test_file} (said to pin {package}) is gone"
    text = test_file.read_text(encoding="utf-8")
    last = package.rsplit(".", 1)[-1]
    assert "__all__" in text and (package in text or f"import {last}" in text), (
        f"{test_file.name} no longer pins {package}.__all__")
    assert hasattr(importlib.import_module(package), "__all__")


def test_every_package_is_accounted_for() -> None:
    tables = (EXPECTED, PINNED_ELSEWHERE, NO_PUBLIC_API)
    listed = {name for table in tables for name in table}
    missing = [p for p in _project_packages() if p not in listed]
    assert missing == [], f"packages with no pinned public API: {missing}"
    overlap = [p for p in PINNED_ELSEWHERE if p in EXPECTED or p in NO_PUBLIC_API]
    assert overlap == [], f"pinned twice: {overlap}"
    assert set(ORDERED_AS_WRITTEN) <= set(EXPECTED)
    assert set(WITHOUT_ALL) <= set(EXPECTED)
