"""Alembic environment: binds every table module's metadata and runs the revisions online.

A caller may pass an open connection in ``config.attributes["connection"]`` (the tests do, to
migrate inside a throwaway schema); otherwise an engine is built from ``sqlalchemy.url``.
"""

from __future__ import annotations

import importlib

from alembic import context
from sqlalchemy import create_engine, pool

import claims.db.tables  # noqa: F401  (registers the claims tables on Base.metadata)
import core.tables  # noqa: F401  (users, audit log, stored files)
from core.db import Base

# The remittance and clearinghouse packages add their own tables; they are written alongside
# this one and may not exist yet in a given checkout, so a missing module is skipped, while an
# error inside an existing one still fails loudly.
for _module in ("remittance.tables", "clearinghouse.tables"):
    try:
        importlib.import_module(_module)
    except ModuleNotFoundError as exc:
        if exc.name not in (_module, _module.rsplit(".", 1)[0]):
            raise

target_metadata = Base.metadata
config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run them online")
run_migrations_online()
