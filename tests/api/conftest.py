import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_TESTS / "core"))
sys.path.insert(0, str(_TESTS / "claims" / "db"))

from api_support import PASSWORD, ROLES, token_for  # noqa: E402
from db_support import (  # noqa: E402,F401
    _postgres_tables,
    db_engine,
    fast_password_hashing,
    postgres_schema,
    session,
    session_factory,
)
from fastapi.testclient import TestClient  # noqa: E402

from api import create_app  # noqa: E402
from core import users  # noqa: E402
from core.settings import load_settings  # noqa: E402


@pytest.fixture
def app(db_engine, session_factory, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    with session_factory.begin() as s:
        for role in ROLES:
            users.create_user(s, username=role, password=PASSWORD, role=role,
                              full_name=f"Test {role}")
    settings = load_settings(secret_key="api-test-secret-0123456789abcdef0123",
                             data_dir=tmp_path)
    return create_app(settings, engine=db_engine)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


@pytest.fixture
def as_role(client):  # type: ignore[no-untyped-def]
    """as_role("biller") -> headers carrying that user's bearer token."""
    cache: dict[str, dict[str, str]] = {}

    def headers(role: str) -> dict[str, str]:
        if role not in cache:
            cache[role] = {"Authorization": f"Bearer {token_for(client, role)}"}
        return cache[role]

    return headers
