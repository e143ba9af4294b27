"""pyx12 as a second opinion on the acknowledgments we write."""

from __future__ import annotations

import io
import json
import logging

import pytest


@pytest.fixture(scope="session")
def pyx12_errors():
    """pyx12's findings on a text (an empty list: pyx12 finds it valid)."""
    import pyx12.params
    import pyx12.x12n_document

    def run(text: str) -> list[str]:
        logging.getLogger("pyx12").setLevel(logging.CRITICAL)
        out = io.StringIO()
        ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text),
                                               None, None, fd_json=out)
        found: list[str] = []

        def walk(node: object) -> None:
            if isinstance(node, dict):
                for err in node.get("errors", []) or []:
                    found.append(f"{err.get('err_cde')} {err.get('err_str')}")
                for value in node.values():
                    if isinstance(value, (list, dict)):
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(json.loads(out.getvalue() or "{}"))
        if not ok and not found:
            found.append("pyx12 rejected the text without a detailed error")
        return found
    return run
