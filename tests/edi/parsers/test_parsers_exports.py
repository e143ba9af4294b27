"""edi.parsers loads each reader on first use: reading an 835 imports none of the others."""

from __future__ import annotations

import subprocess
import sys

import pytest

import edi.parsers


def _modules_after(code: str) -> set[str]:
    """The edi.parsers modules a fresh interpreter has loaded after running ``code``."""
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\n"
         "print(' '.join(m for m in sys.modules if m.startswith('edi.parsers')))"],
        capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_reading_an_835_imports_only_the_835_modules() -> None:
    loaded = _modules_after("from edi.parsers import read_835")
    assert loaded == {"edi.parsers", "edi.parsers.construction", "edi.parsers.remit835",
                      "edi.parsers.remit835_claims",
                      "edi.parsers.remit835_elements", "edi.parsers.remit835_stream",
                      "edi.parsers.remit835_transaction", "edi.parsers.remit835_values"}


def test_importing_the_package_loads_no_reader() -> None:
    assert _modules_after("import edi.parsers") == {"edi.parsers"}


@pytest.mark.parametrize("name", edi.parsers.__all__)
def test_every_export_loads_from_its_module(name: str) -> None:
    value = getattr(edi.parsers, name)
    assert value.__module__.startswith("edi.parsers.")
    assert getattr(sys.modules[value.__module__], name) is value
    assert name in dir(edi.parsers)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="read_836"):
        edi.parsers.read_836  # noqa: B018
    with pytest.raises(ImportError):
        from edi.parsers import read_836  # noqa: F401
