"""Helpers the browser tests share: the served app's address and passwords, logging in, and
screenshots of the screens under test (build/screenshots/, or CLAIMHOUSE_SCREENSHOT_DIR)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("CLAIMHOUSE_SCREENSHOT_DIR", ROOT / "build" / "screenshots"))


@dataclass(frozen=True)
class Served:
    """A served embedded default: its address, data directory and demo passwords."""

    base_url: str
    data_dir: Path
    passwords: dict[str, str]


def log_in(page, served: Served, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", served.passwords[username])
    page.click("button[type=submit]")
    page.wait_for_url("**/claims*")


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Keep a screenshot of the screen under test (build/screenshots/NAME.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
