"""No built-in signing key: a key from the environment, or on the embedded default a random
one kept owner-only in the data directory; a server database without one refuses to start."""

from __future__ import annotations

import stat
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.secret_key import MissingSecretKey, with_secret_key
from core.settings import load_settings

KEY = "k" * 32


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_no_built_in_key() -> None:
    import core.settings

    assert load_settings(data_dir=Path("unused")).secret_key == ""
    assert not hasattr(core.settings, "DEFAULT_SECRET")


@pytest.mark.parametrize("key", ["dev-only-change-me", "x" * 31, "é" * 15])
def test_a_key_under_32_bytes_is_refused_in_words(key: str) -> None:
    with pytest.raises(ValidationError, match="CLAIMHOUSE_SECRET_KEY is .* bytes long; a "
                                              "token-signing key needs at least 32"):
        load_settings(secret_key=key)


def test_the_environment_key_wins(tmp_path: Path) -> None:
    settings = with_secret_key(load_settings(secret_key=KEY, data_dir=tmp_path / "d"))
    assert settings.secret_key == KEY
    assert not (tmp_path / "d").exists()


def test_embedded_default_keeps_an_owner_only_random_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = with_secret_key(load_settings(data_dir=data, database_url="")).secret_key
    assert len(first) >= 60
    assert _mode(data) == 0o700 and _mode(data / "secret_key") == 0o600
    again = with_secret_key(load_settings(data_dir=data, database_url="")).secret_key
    assert again == first
    other = with_secret_key(load_settings(data_dir=tmp_path / "other")).secret_key
    assert other != first


def test_a_key_file_others_can_read_is_made_private(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("s" * 64)
    (tmp_path / "secret_key").chmod(0o644)
    assert with_secret_key(load_settings(data_dir=tmp_path)).secret_key == "s" * 64
    assert _mode(tmp_path / "secret_key") == 0o600


def test_a_short_kept_key_is_refused_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("short")
    with pytest.raises(MissingSecretKey, match=r"secret_key: the kept signing key is 5 bytes"):
        with_secret_key(load_settings(data_dir=tmp_path))


def test_a_server_database_without_a_key_refuses_to_start(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path,
                             database_url="postgresql+psycopg://claimhouse@db/claimhouse")
    with pytest.raises(MissingSecretKey, match="CLAIMHOUSE_SECRET_KEY is not set"):
        with_secret_key(settings)
    assert not (tmp_path / "secret_key").exists()


def _key_in(data_dir: str) -> str:
    return with_secret_key(load_settings(data_dir=Path(data_dir))).secret_key


def test_processes_starting_at_once_share_one_key(tmp_path: Path) -> None:
    for attempt in range(5):
        data = tmp_path / f"run{attempt}"
        with ProcessPoolExecutor(4) as pool:
            keys = set(pool.map(_key_in, [str(data)] * 8))
        assert len(keys) == 1 and (data / "secret_key").read_text() in keys
        assert [p.name for p in data.iterdir()] == ["secret_key"]
