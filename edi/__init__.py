"""The pure X12 engine: no files, no database, no settings."""
