"""Fixtures for the hand-written guides: validation against them, samples, the generator."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import edi.maps as maps
from edi.validation import ValidationReport, validate_text


@pytest.fixture
def hand_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve every guide the hand maps define from them, even where a compiled map exists
    (pyx12 ships an X212 277 map; the registry prefers it)."""
    from edi.maps.hand import DEFINITIONS

    for d in DEFINITIONS:
        for label in (d.version, *d.aliases):
            key = (d.set_id, label)
            if key in maps._COMPILED:
                monkeypatch.delitem(maps._COMPILED, key)
            if key in maps._loaded:
                monkeypatch.delitem(maps._loaded, key)


@pytest.fixture
def check() -> Callable[[str], ValidationReport]:
    def run(text: str) -> ValidationReport:
        return validate_text(text, "test")
    return run


@pytest.fixture(scope="session")
def generated(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory
              ) -> Callable[[str, int], str]:
    """Text of a file made by the shared generator (valid by construction)."""
    out_dir = tmp_path_factory.mktemp("generated")

    def make(kind: str, claims: int) -> str:
        target = out_dir / f"{kind}.{claims}.x12"
        if not target.exists():
            subprocess.run([sys.executable, str(shared_dir / "bench" / "gen_x12.py"), kind,
                            "--claims", str(claims), "-o", str(target)],
                           check=True, capture_output=True)
        return target.read_text(encoding="utf-8")
    return make
