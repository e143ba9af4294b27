"""Spoiled copies of the corpus and sample files, fed to every reader, the validator and the
999/TA1 writer: each must return or raise the engine's X12Error, in time (bench/fuzz.py).

The run is bounded and seeded here; CLAIMHOUSE_FUZZ_COUNT and CLAIMHOUSE_FUZZ_SEED make it
longer or different (``CLAIMHOUSE_FUZZ_COUNT=100000 pytest tests/edi/test_fuzz.py``), and
``python bench/fuzz.py --count N --progress`` runs it by hand.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COUNT = int(os.environ.get("CLAIMHOUSE_FUZZ_COUNT", "1000"))
SEED = int(os.environ.get("CLAIMHOUSE_FUZZ_SEED", "20260101"))
#: Every kind of mutation bench/fuzz.py makes (the first word of its description).
KINDS = {"drop", "repeat", "swap", "cut", "delimiter", "number", "insert", "element", "ISA",
         "segment"}


def test_mutated_files_give_defects_or_x12_errors_only(corpus_dir: Path, samples_dir: Path):
    # A child process: a reader stuck inside C code (int() of a huge Decimal) cannot be
    # interrupted in this one; the child's watchdog ends it with the stuck stack instead.
    hang = 120
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fuzz.py"), "--json", "--count", str(COUNT),
         "--seed", str(SEED), "--corpus", str(corpus_dir), "--samples", str(samples_dir),
         "--limit", "5", "--hang", str(hang)],
        capture_output=True, text=True, timeout=max(600, COUNT), cwd=ROOT)
    assert done.stdout, f"the fuzzer stopped (exit {done.returncode}):\n{done.stderr[-4000:]}"
    summary = json.loads(done.stdout)
    failures = [f"input {f['index']} ({f['seed']}; {'; '.join(f['mutations'])}): "
                f"{f['target']}: {f['problem']}\n{f['detail']}" for f in summary["failures"]]
    assert not failures, "\n".join(failures[:20])
    assert done.returncode == 0, done.stderr[-4000:]
    assert summary["inputs"] == COUNT and summary["seeds"] > 300
    assert KINDS <= set(summary["mutations"]), summary["mutations"]


def _fuzz_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("claimhouse_fuzz", ROOT / "bench" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_fuzzer_tells_a_crash_and_a_slow_reader_from_an_x12_error(monkeypatch):
    import time

    from edi.errors import InterchangeError

    fuzz = _fuzz_module()

    def crashes(text: str) -> None:
        raise ValueError("boom")

    def refuses(text: str) -> None:
        raise InterchangeError("not X12")

    def dawdles(text: str) -> None:
        time.sleep(0.05)

    monkeypatch.setattr(fuzz, "TARGETS", (("crashes", crashes), ("refuses", refuses),
                                          ("dawdles", dawdles)))
    assert fuzz.budget("x" * 50_000, 5) == 5 and fuzz.budget("x" * 300_000, 5) == 15
    found = fuzz.check("ISA*", limit=0.01)
    assert [(name, problem.split(" ", 1)[0]) for name, problem, _ in found] == [
        ("crashes", "ValueError:"), ("dawdles", "took")]


def test_mutations_are_reproducible_from_the_seed(samples_dir: Path):
    import random

    fuzz = _fuzz_module()
    text = (samples_dir / "x12" / "claim_acknowledgment.277").read_text()
    first = [fuzz.Mutator(random.Random(5)).mutate(text) for _ in range(3)]
    again = [fuzz.Mutator(random.Random(5)).mutate(text) for _ in range(3)]
    assert first == again and any(mutant != text for mutant, _ in first)
