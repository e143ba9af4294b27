import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "core"))

from db_support import (  # noqa: E402,F401
    _postgres_tables,
    db_engine,
    fast_password_hashing,
    postgres_schema,
    session,
    session_factory,
)
