from db_support import (  # noqa: F401
    _postgres_tables,
    db_engine,
    fast_password_hashing,
    postgres_schema,
    session,
    session_factory,
)
