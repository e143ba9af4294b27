"""Fuzzing of the X12 engine: spoiled copies of real files fed to every reader and writer.

    python bench/fuzz.py                                 # 2,000 inputs, seed 1
    python bench/fuzz.py --count 200000 --seed 7         # a long run (a few hours)
    python bench/fuzz.py --count 500 --journal /tmp/j    # the journal names the input in work

Seeds are the X12 files of the shared corpus (../shared/corpus) and of samples/. Each input
is one seed with one to three mutations: segments dropped, doubled, swapped or cut short,
delimiters spoiled, numbers spoiled (huge, exponents, NaN, negative, 5000 digits), non-ASCII
characters, the ISA unpadded. Every input goes to the delimiter reader, the tokenizer, the
validator, the 999/TA1 writer (whose output must read back cleanly), and the 835, 277CA, 999,
TA1 and inbound 837 readers.

An input passes when each of them returns, or raises the engine's documented fatal error
(:class:`edi.errors.X12Error`), within ``--limit`` seconds. Any other exception is a failure,
printed with the seed file, mutations and input number (the run is deterministic for a seed).
A reader stuck inside C code cannot be interrupted, so a watchdog (faulthandler) ends the
process with the stack of the stuck reader when one input takes longer than ``--hang``.
Exit status: 0 no failures, 1 failures, and the watchdog's 1 for a hang.
"""

from __future__ import annotations

import argparse
import datetime as dt
import faulthandler
import json
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edi.acknowledgments import AckControl, acknowledge, collect_context  # noqa: E402
from edi.errors import X12Error  # noqa: E402
from edi.parsers import read_277ca, read_835, read_837, read_999, read_ta1  # noqa: E402
from edi.validation import validate_text  # noqa: E402
from edi.x12 import parse_segments, read_delimiters, serialize  # noqa: E402
from edi.x12.delimiters import scan_isa  # noqa: E402

_SKIP_SUFFIXES = (".tsv", ".md", ".json", ".py", ".csv", ".html")
_LARGEST_SEED = 400_000          # characters; bigger files slow a run without finding more

#: Values that once broke a reader, or that a number reader must refuse.
BAD_NUMBERS = (
    "1E999999999", "1E9999999", "-1E-999999", "1e5", "NaN", "-Infinity", "inf", "-5", "-0",
    "9" * 40, "9" * 5000, "0" * 5000 + "1", ".", "-", "1.2.3", "+7", "\u00b9\u00b2",
    "\uff11\uff12", "\u0663", "12345678901234567890.12", "0x1F", "1_000",
)
NON_ASCII = ("\u00e9", "\u00b2", "\uff11", "\ufeff", "\x00", "\x1c", "\u2028", "\U0001f600",
             "\ud800", "\u0085", "\r\n", "\t")


@dataclass(frozen=True, slots=True)
class Failure:
    index: int
    seed: str
    mutations: tuple[str, ...]
    target: str
    problem: str
    detail: str


def load_seeds(directories: list[Path]) -> list[tuple[str, str]]:
    """Every X12 file (by its text starting with ISA or ST) under ``directories``."""
    seeds: list[tuple[str, str]] = []
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            if path.name.endswith(_SKIP_SUFFIXES) or path.stat().st_size > _LARGEST_SEED:
                continue
            text = path.read_bytes().decode("utf-8", errors="replace")
            if text.lstrip("\ufeff\r\n\t ").startswith(("ISA", "ST")):
                seeds.append((str(path.relative_to(directory.parent)), text))
    return seeds


class Mutator:
    """Spoils X12 text in the ways real files and attackers do, from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.kinds: tuple[Callable[[str], tuple[str, str]], ...] = (
            self.drop, self.double, self.swap, self.truncate, self.spoil_delimiter,
            self.spoil_number, self.spoil_number, self.spoil_number, self.non_ascii,
            self.long_element, self.unpad_isa, self.spoil_tag)

    def mutate(self, text: str) -> tuple[str, tuple[str, ...]]:
        done = []
        for _ in range(self.rng.choice((1, 1, 1, 2, 2, 3))):
            text, what = self.rng.choice(self.kinds)(text)
            done.append(what)
        return text, tuple(done)

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def terminator(text: str) -> str:
        body = text.lstrip("\ufeff\r\n\t ")
        if body.startswith("ISA") and len(body) > 105:
            return body[105]
        return "~"

    def segments(self, text: str) -> tuple[list[str], str]:
        term = self.terminator(text)
        return text.split(term), term

    def element_spans(self, text: str) -> list[tuple[int, int]]:
        """Start and end of every element value (after the ISA) that is not empty."""
        body = text.lstrip("\ufeff\r\n\t ")
        element = body[3] if body.startswith("ISA") and len(body) > 3 else "*"
        term = self.terminator(text)
        spans = []
        start = None
        for i, ch in enumerate(text):
            if ch in (element, term, "\n"):
                if start is not None and i > start:
                    spans.append((start, i))
                start = i + 1 if ch == element else None
        return spans

    # -- mutations ---------------------------------------------------------------------
    def drop(self, text: str) -> tuple[str, str]:
        parts, term = self.segments(text)
        i = self.rng.randrange(len(parts))
        return term.join(parts[:i] + parts[i + 1:]), f"drop segment {i}"

    def double(self, text: str) -> tuple[str, str]:
        parts, term = self.segments(text)
        i = self.rng.randrange(len(parts))
        times = self.rng.choice((1, 1, 2, 50))
        return term.join(parts[:i] + [parts[i]] * (times + 1) + parts[i + 1:]), \
            f"repeat segment {i} x{times + 1}"

    def swap(self, text: str) -> tuple[str, str]:
        parts, term = self.segments(text)
        i, j = self.rng.randrange(len(parts)), self.rng.randrange(len(parts))
        parts[i], parts[j] = parts[j], parts[i]
        return term.join(parts), f"swap segments {i} and {j}"

    def truncate(self, text: str) -> tuple[str, str]:
        at = self.rng.randrange(len(text) + 1)
        return text[:at], f"cut at character {at}"

    def spoil_delimiter(self, text: str) -> tuple[str, str]:
        body = text.lstrip("\ufeff\r\n\t ")
        lead = len(text) - len(body)
        choices = [3, 82, 104, 105] if body.startswith("ISA") and len(body) > 105 else [2]
        at = lead + self.rng.choice(choices)
        if at >= len(text):
            return text, "no delimiter to spoil"
        new = self.rng.choice("*~:^|>A9 \n\x1d\x1e\x1f")
        if self.rng.random() < 0.5:
            # Also spoil one later use of the old delimiter.
            old = text[at]
            later = text.find(old, at + 1 + self.rng.randrange(max(1, len(text) - at)))
            if later > 0:
                text = text[:later] + new + text[later + 1:]
        return text[:at] + new + text[at + 1:], f"delimiter at {at} -> {new!r}"

    def spoil_number(self, text: str) -> tuple[str, str]:
        spans = [s for s in self.element_spans(text)
                 if any(c.isdigit() for c in text[s[0]:s[1]])]
        if not spans:
            return text, "no number to spoil"
        start, end = self.rng.choice(spans)
        new = self.rng.choice(BAD_NUMBERS)
        return text[:start] + new + text[end:], f"number at {start} -> {new[:24]!r}"

    def non_ascii(self, text: str) -> tuple[str, str]:
        at = self.rng.randrange(len(text) + 1)
        new = "".join(self.rng.choice(NON_ASCII) for _ in range(self.rng.choice((1, 1, 3))))
        return text[:at] + new + text[at:], f"insert {new!r} at {at}"

    def long_element(self, text: str) -> tuple[str, str]:
        spans = self.element_spans(text)
        if not spans:
            return text, "no element to lengthen"
        start, end = self.rng.choice(spans)
        new = self.rng.choice(("A", "9", " ", "-")) * self.rng.choice((100, 5000, 70_000))
        return text[:start] + new + text[end:], f"element at {start} -> {len(new)} characters"

    def unpad_isa(self, text: str) -> tuple[str, str]:
        body = text.lstrip("\ufeff\r\n\t ")
        if not body.startswith("ISA") or len(body) < 106:
            return text, "no ISA to unpad"
        element = body[3]
        fields = [f.strip() for f in body[:105].split(element)]
        if len(fields) > 6 and self.rng.random() < 0.5:
            fields[6] = "SENDER" * self.rng.choice((3, 1000))
        return element.join(fields) + body[105:], "ISA unpadded"

    def spoil_tag(self, text: str) -> tuple[str, str]:
        parts, term = self.segments(text)
        i = self.rng.randrange(len(parts))
        piece = parts[i].lstrip("\r\n")
        tag = self.rng.choice(("ISA", "IEA", "GS", "GE", "ST", "SE", "HL", "CLP", "LX", "", "Z"))
        parts[i] = tag + piece[3:] if len(piece) > 3 and piece[2].isalnum() else tag + piece[2:]
        return term.join(parts), f"segment {i} renamed {tag!r}"


def _acknowledgments(text: str) -> None:
    """The 999/TA1 writer over the validator's report; what it writes must read back."""
    report = validate_text(text, "fuzz")
    try:
        context = collect_context(parse_segments(text, "fuzz"), report)
    except X12Error:
        context = None
    control = AckControl(interchange_control=1, group_control=1,
                         when=dt.datetime(2026, 1, 2, 3, 4))
    for ack in acknowledge(report, control, context):
        written = serialize(ack.segments)
        if not written.isascii():
            raise AssertionError(f"the {ack.kind} writer wrote non-ASCII text")
        reread = read_ta1(written) if ack.kind == "TA1" else read_999(written)
        if not reread:
            raise AssertionError(f"the {ack.kind} written does not read back")


TARGETS: tuple[tuple[str, Callable[[str], object]], ...] = (
    ("read_delimiters", read_delimiters),
    ("scan_isa", scan_isa),
    ("tokenizer", parse_segments),
    ("validate_text", validate_text),
    ("999/TA1 writer", _acknowledgments),
    ("read_835", read_835),
    ("read_277ca", read_277ca),
    ("read_999", read_999),
    ("read_ta1", read_ta1),
    ("read_837", read_837),
)


def budget(text: str, limit: float) -> float:
    """Seconds one target may take on ``text``: ``limit``, and as long again per 100,000
    characters beyond the first (the largest seeds validate in about 2 s on a loaded core)."""
    return limit * max(1.0, len(text) / 100_000)


def check(text: str, limit: float) -> list[tuple[str, str, str]]:
    """(target, problem, detail) for every target that misbehaves on ``text``."""
    found = []
    limit = budget(text, limit)
    for name, target in TARGETS:
        started = time.perf_counter()
        try:
            target(text)
        except X12Error:
            pass
        except Exception as exc:        # noqa: BLE001 - what the fuzzer is looking for
            found.append((name, f"{type(exc).__name__}: {str(exc)[:200]}",
                          "".join(traceback.format_exception(exc)[-6:])))
        took = time.perf_counter() - started
        if took > limit:
            found.append((name, f"took {took:.1f} s (limit {limit:.1f} s)", ""))
    return found


def run(seeds: list[tuple[str, str]], count: int, seed: int, limit: float, hang: float,
        journal: Path | None = None, progress: bool = False,
        ) -> tuple[Counter[str], list[Failure]]:
    """Try ``count`` inputs; returns how often each kind of mutation was made, and failures."""
    rng = random.Random(seed)
    mutator = Mutator(rng)
    failures: list[Failure] = []
    kinds: Counter[str] = Counter()
    log = journal.open("w", encoding="utf-8") if journal else None
    started = time.monotonic()
    for index in range(count):
        name, original = seeds[rng.randrange(len(seeds))]
        text, mutations = mutator.mutate(original)
        kinds.update(m.split(" ", 1)[0] for m in mutations)
        if log:
            log.write(f"{index}\t{name}\t{'; '.join(mutations)}\n")
            log.flush()
        faulthandler.dump_traceback_later(hang, exit=True)
        for target, problem, detail in check(text, limit):
            failures.append(Failure(index, name, mutations, target, problem, detail))
            if progress:
                print(f"input {index} ({name}; {'; '.join(mutations)}): {target}: {problem}",
                      file=sys.stderr, flush=True)
        faulthandler.cancel_dump_traceback_later()
        if progress and index and index % 1000 == 0:
            print(f"{index} inputs, {len(failures)} failures, "
                  f"{time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    if log:
        log.close()
    return kinds, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=2000, help="inputs to try")
    parser.add_argument("--seed", type=int, default=1, help="random seed (runs repeat)")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--limit", type=float, default=5.0,
                        help="seconds one target may take on one input (per 100,000 "
                             "characters)")
    parser.add_argument("--hang", type=float, default=120.0,
                        help="seconds one input may take before the process is ended")
    parser.add_argument("--journal", type=Path, help="write each input's description here")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--progress", action="store_true", help="report every 1,000 inputs")
    args = parser.parse_args(argv)
    seeds = load_seeds([args.corpus, args.samples])
    if not seeds:
        print(f"no X12 files under {args.corpus} or {args.samples}", file=sys.stderr)
        return 2
    started = time.monotonic()
    kinds, failures = run(seeds, args.count, args.seed, args.limit, args.hang, args.journal,
                          args.progress)
    seconds = time.monotonic() - started
    if args.json:
        print(json.dumps({"inputs": args.count, "mutations": kinds, "seeds": len(seeds), "seed": args.seed,
                          "seconds": round(seconds, 1),
                          "failures": [asdict(f)
                                       for f in failures]}))
    else:
        for f in failures:
            print(f"input {f.index} ({f.seed}; {'; '.join(f.mutations)}): {f.target}: "
                  f"{f.problem}\n{f.detail}")
        print(f"{args.count} inputs from {len(seeds)} seed files (seed {args.seed}) in "
              f"{seconds:.0f} s: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
