from db_support import db_engine, postgres_schema, session, session_factory  # noqa: F401
