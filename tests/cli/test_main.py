"""``claimhouse`` itself: commands load on demand, and starting one loads nothing heavy.

What a process imports is checked in a fresh interpreter (this test process has imported
everything already); the start-up time those imports cost is measured by bench/bench_cli.py,
not here.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main as cli_main
from cli.main import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_835 = ROOT / "samples" / "remittance" / "era_basic.835"

#: Libraries only some commands need; none may load for --help or validate.
HEAVY = ("sqlalchemy", "fastapi", "starlette", "pydantic", "pydantic_core", "pydantic_settings",
         "fpdf", "fontTools", "celery", "kombu", "argon2", "alembic", "uvicorn", "jinja2",
         "asyncssh", "redis", "psycopg", "lxml", "pyx12")

# Runs main() in a fresh interpreter and prints the top-level names of what got imported.
_RUN_MAIN = """
import json, sys
from cli.main import main
try:
    code = main(json.loads(sys.argv[1]))
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""

# Imports the given modules with Argon2 watched, and prints what got imported and hashed.
_IMPORT_WATCHED = """
import json, sys
import argon2
calls = []
for name in ("hash", "verify"):
    real = getattr(argon2.PasswordHasher, name)
    def watched(self, *args, _real=real, _name=name, **kwargs):
        calls.append(_name)
        return _real(self, *args, **kwargs)
    setattr(argon2.PasswordHasher, name, watched)
for module in sys.argv[1:]:
    __import__(module)
print(json.dumps({"argon2_calls": calls, "modules": sorted(sys.modules)}))
"""


def _fresh(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


def _main_in_fresh_process(argv: list[str]) -> tuple[int, set[str], str]:
    done = _fresh(_RUN_MAIN, json.dumps(argv))
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"]), done.stdout


def _heavy_in(modules: set[str]) -> list[str]:
    return sorted(name for name in modules if name.split(".")[0] in HEAVY)


def test_help_imports_no_command_module_and_nothing_heavy() -> None:
    code, modules, out = _main_in_fresh_process(["--help"])
    assert code == 0
    assert "validate" in out and "remit" in out and "audit" in out
    assert _heavy_in(modules) == []
    assert sorted(m for m in modules if m.startswith("cli.")) == ["cli.main"]
    assert not any(m == "edi" or m.startswith(("edi.", "core", "claims", "remittance"))
                   for m in modules)


def test_validate_imports_the_engine_and_nothing_heavy() -> None:
    code, modules, out = _main_in_fresh_process(["validate", str(SAMPLE_835)])
    assert code == 0
    assert "OK: 75 segments" in out
    assert _heavy_in(modules) == []
    assert sorted(m for m in modules if m.startswith("cli.")) == ["cli.edi_commands",
                                                                  "cli.main"]
    assert not any(m.split(".")[0] in ("core", "claims", "remittance", "clearinghouse",
                                       "worker", "api", "migrations") for m in modules)


def test_a_command_loads_its_own_module_only() -> None:
    code, modules, out = _main_in_fresh_process(["remit", "--help"])
    assert code == 0
    assert "usage: claimhouse remit" in out
    assert sorted(m for m in modules if m.startswith("cli.")) == ["cli.main",
                                                                  "cli.remit_commands"]


def test_exchange_loads_celery_only_to_reach_a_broker() -> None:
    code, modules, out = _main_in_fresh_process(["exchange", "--help"])
    assert code == 0
    assert "usage: claimhouse exchange" in out
    assert "cli.exchange_commands" in modules
    assert sorted(m for m in modules if m.split(".")[0] in ("celery", "kombu")) == []


def test_importing_the_packages_draws_no_pdf_and_hashes_no_password() -> None:
    done = _fresh(_IMPORT_WATCHED, "core", "claims", "remittance", "core.users", "api",
                  "clearinghouse", "worker")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["argon2_calls"] == []
    modules = set(report["modules"])
    assert {"core", "claims", "remittance", "core.users"} <= modules
    assert sorted(m for m in modules if m.split(".")[0] in ("fpdf", "fontTools")) == []


def _registered_by(module_name: str) -> list[tuple[str, str]]:
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers()
    importlib.import_module(module_name).register(subparsers)
    return [(action.dest, action.help or "") for action in subparsers._choices_actions]


def test_the_table_matches_what_each_module_registers() -> None:
    table = cli_main._COMMANDS
    for module_name in dict.fromkeys(module for _, _, module in table):
        listed = [(name, help_text) for name, help_text, module in table
                  if module == module_name]
        assert _registered_by(module_name) == listed, module_name
    # A module registers all its commands at once, so its rows must be next to each other.
    order = [module for _, _, module in table]
    assert order == sorted(order, key=order.index)


def test_top_level_help_is_the_full_parsers_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == build_parser().format_help()


@pytest.mark.parametrize("command", [name for name, _, _ in cli_main._COMMANDS])
def test_every_command_has_its_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: claimhouse {command}")


def test_no_command_prints_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out = capsys.readouterr().out
    assert all(name in out for name, _, _ in cli_main._COMMANDS)


def test_an_unknown_command_is_refused_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["valdiate", str(SAMPLE_835)])
    assert exited.value.code == 2
    assert "invalid choice: 'valdiate'" in capsys.readouterr().err


def test_a_refused_setting_is_named_in_words(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CLAIMHOUSE_TOKEN_MINUTES", "0")
    claim = ROOT / "samples" / "claims" / "office_visit.json"
    assert main(["claims", "check", str(claim)]) == 2
    assert capsys.readouterr().err == (
        "claimhouse: CLAIMHOUSE_TOKEN_MINUTES: must be at least 1, not 0\n")


def test_other_errors_are_not_taken_for_settings_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    import cli.edi_commands

    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("not a setting")

    monkeypatch.setattr(cli.edi_commands, "validate_command", broken)
    with pytest.raises(RuntimeError, match="not a setting"):
        main(["validate", str(SAMPLE_835)])
