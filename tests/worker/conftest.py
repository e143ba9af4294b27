"""The worker tests share the exchange's test support (database, sample batch, settings) and
the root conftest's require_service (imported by path: every conftest module is "conftest")."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS / "clearinghouse"))

_spec = importlib.util.spec_from_file_location("claimhouse_root_conftest", TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
require_service = _root.require_service
