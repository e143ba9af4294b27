"""Run pyx12's validator on 837 text and return its error messages (empty: valid)."""

from __future__ import annotations

import io
import json
import logging

import pyx12.params
import pyx12.x12n_document


def pyx12_errors(text: str) -> list[str]:
    """Every error pyx12 reports for ``text``, as "ST02 segment: code message" strings."""
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    out = io.StringIO()
    ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), None,
                                           None, fd_json=out)
    errors: list[str] = []

    def collect(node: dict, where: str) -> None:
        for err in node.get("errors", []):
            errors.append(f"{where}: {err.get('err_cde')} {err.get('err_str')}")
        for seg in node.get("segments", []):
            seg_where = f"{where} {seg.get('seg_id')}@{seg.get('seg_count')}"
            for err in seg.get("errors", []):
                errors.append(f"{seg_where}: {err.get('err_cde')} {err.get('err_str')}")
            for ele in seg.get("elements", []):
                for err in ele.get("errors", []):
                    errors.append(f"{seg_where} {ele.get('ele_pos')}: {err.get('err_cde')} "
                                  f"{err.get('err_str')}")
        for key in ("groups", "transactions"):
            for child in node.get(key, []):
                collect(child, where + "/" + str(child.get("gs_control_num")
                                                 or child.get("trn_set_control_num")))

    doc = json.loads(out.getvalue() or '{"interchanges": []}')
    for isa in doc["interchanges"]:
        collect(isa, "ISA")
    if not ok and not errors:
        errors.append("pyx12 rejected the file without a detailed error")
    return errors
