"""The browser suite: the real commands a new user runs, driven through Chromium.

``claimhouse demo --no-serve`` builds the embedded default (SQLite, the sample practice, the
demo users) in a temporary data directory, then ``claimhouse serve`` serves it on a loopback
port in its own process. Playwright drives Debian's Chromium (/usr/bin/chromium) against it.

Locally the suite is skipped when Chromium or Playwright is missing; under CI=true that is a
failure (scripts/test installs Chromium when it can).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_support import ROOT, Served  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("CLAIMHOUSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

def _missing(why: str) -> None:
    if IN_CI:
        pytest.fail(f"{why}; CI requires the browser suite", pytrace=False)
    pytest.skip(why)


def _clean_environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMHOUSE_")}
    env["CLAIMHOUSE_DATA_DIR"] = str(data_dir)
    env["CLAIMHOUSE_LOG_LEVEL"] = "WARNING"
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within {seconds} s")


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("browser") / "claimhouse-data"
    env = _clean_environment(data_dir)
    demo = subprocess.run([sys.executable, "-m", "cli.main", "demo", "--no-serve"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    passwords = dict(re.findall(r"^\s{2}(\w+)\s+\w+\s+(\S+)$", demo.stdout, re.MULTILINE))
    assert {"admin", "biller", "poster", "supervisor"} <= set(passwords), demo.stdout
    port = _free_port()
    log = (data_dir.parent / "serve.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base_url}/login", server)
        yield Served(base_url, data_dir, passwords)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


# Module scope: Playwright's synchronous API keeps an event loop running in this thread while
# it is open, which would break every later test that runs a loop of its own (asyncssh).
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _missing(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium, served: Served):  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) and page for each test."""
    context = chromium.new_context(base_url=served.base_url)  # type: ignore[attr-defined]
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
