import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))

from db_support import db_engine, postgres_schema, session, session_factory  # noqa: E402,F401
