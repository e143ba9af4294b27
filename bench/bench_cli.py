"""Whole-process benchmark of the ``claimhouse`` command beside pyx12's ``x12valid``.

    python bench/bench_cli.py                           # --help, the small sample, 1 and 10 MB
    python bench/bench_cli.py --runs 7 --pyx12-runs 1   # pyx12 takes about 40 s a 10 MB run

What a user waits for is the whole process: interpreter start-up, imports, reading the guides
and the work itself. So every figure here is one command run as its own process, exactly as typed
at a shell (the ``claimhouse`` and ``x12valid`` scripts beside this Python), timed from spawn to
exit, with the child's peak RSS and CPU time from os.wait4. Each row is the median of several
runs (min and max beside it); one unrecorded warm-up run of each program comes first so neither
pays for a cold page cache or compiling its bytecode.

The 835 inputs are made by ../shared/bench/gen_x12.py (one ST, about 392 bytes a claim) into
--work-dir (default /tmp/claimhouse-bench) and reused. Both programs read the same file in the
same run, and each row says whether the program accepted it (ours: exit 0 and "OK:"; pyx12:
its "path: OK" line, since x12valid exits 1 even for a valid file). x12valid also writes a 997
beside its input, so the small sample is copied into --work-dir first and both read the copy.

Targets (issue 9): ``--help`` under 0.2 s; validate of samples/remittance/era_basic.835 under
0.25 s and 50 MiB; validate at least 15 times faster than x12valid at 1 MB and 50 times at
10 MB (median wall time, start-up included).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CLAIMHOUSE_SHARED_DIR", ROOT.parent / "shared"))
GENERATOR = SHARED / "bench" / "gen_x12.py"
BIN = Path(sys.executable).parent
CLAIMHOUSE = BIN / "claimhouse"
X12VALID = BIN / "x12valid"
SAMPLE = ROOT / "samples" / "remittance" / "era_basic.835"

# (what, limit): the targets, checked against the medians printed.
HELP_SECONDS = 0.2
SMALL_SECONDS, SMALL_MIB = 0.25, 50.0
SPEED_UP = {1: 15.0, 10: 50.0}


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    cpu: float
    rss_mib: float
    accepted: bool


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    runs: tuple[Run, ...]

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    @property
    def rss_mib(self) -> float:
        return statistics.median(run.rss_mib for run in self.runs)

    def line(self) -> str:
        low = min(run.seconds for run in self.runs)
        high = max(run.seconds for run in self.runs)
        verdict = "accepted" if all(run.accepted for run in self.runs) else "NOT ACCEPTED"
        return (f"| {self.label} | {len(self.runs)} | {self.seconds:.3f} s | {low:.3f}-{high:.3f}"
                f" | {self.cpu:.3f} s | {self.rss_mib:.1f} MiB | {verdict} |")


def run_once(argv: list[str], accepted: str, where: str) -> Run:
    """One process, spawn to exit; ``accepted`` is the text that says the file was valid in
    the stream named by ``where`` (stdout or stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                 cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = (out if where == "stdout" else err).read().decode("utf-8", "replace")
    ok = accepted in text and (where == "stderr" or child.returncode == 0)
    return Run(seconds=seconds, cpu=usage.ru_utime + usage.ru_stime,
               rss_mib=usage.ru_maxrss / 1024, accepted=ok)       # Linux reports KiB


def measure(label: str, argv: list[str], accepted: str, where: str, runs: int) -> Row:
    row = Row(label, tuple(run_once(argv, accepted, where) for _ in range(max(runs, 1))))
    print(row.line(), flush=True)
    return row


def ours(path: Path, runs: int) -> Row:
    return measure(f"claimhouse validate {_name(path)}", [str(CLAIMHOUSE), "validate",
                                                          str(path)], "OK:", "stdout", runs)


def pyx12(path: Path, runs: int) -> Row:
    return measure(f"x12valid {_name(path)}", [str(X12VALID), str(path)], f"{path}: OK",
                   "stderr", runs)


def _name(path: Path) -> str:
    if path.name == SAMPLE.name:
        return path.name
    return f"{path.name} ({path.stat().st_size / 1e6:.2f} MB)"


def generate(work: Path, mb: int) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"era_{mb}mb.835"
    if not path.is_file():
        print(f"generating {path} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(GENERATOR), "835", "--mb", str(mb), "-o",
                        str(path)], check=True, capture_output=True)
    return path


def _check(what: str, passed: bool) -> str:
    return f"{'met' if passed else 'MISSED'}: {what}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10", help="835 sizes in MB (default 1,10)")
    parser.add_argument("--runs", type=int, default=5, help="runs of ours per row (default 5)")
    parser.add_argument("--pyx12-runs", type=int, default=3,
                        help="runs of x12valid per file (default 3; 1 saves minutes at 10 MB)")
    parser.add_argument("--no-pyx12", action="store_true", help="measure ours only")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/claimhouse-bench"),
                        help="where the generated 835s are kept (default /tmp/claimhouse-bench)")
    args = parser.parse_args(argv)
    for program in (CLAIMHOUSE, X12VALID):
        if not program.is_file():
            raise SystemExit(f"{program} not found: run with the project's virtualenv Python")
    sizes = [int(size) for size in args.sizes.split(",") if size]
    if sizes and not GENERATOR.is_file():
        raise SystemExit(f"generator not found: {GENERATOR} (set CLAIMHOUSE_SHARED_DIR)")
    files = {mb: generate(args.work_dir, mb) for mb in sizes}
    # A copy, because x12valid writes its 997 beside the file it reads.
    small = args.work_dir / SAMPLE.name
    args.work_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE, small)

    # Warm-up, not recorded: bytecode compiled and the programs' files in the page cache.
    run_once([str(CLAIMHOUSE), "validate", str(small)], "OK:", "stdout")
    if not args.no_pyx12:
        run_once([str(X12VALID), str(small)], f"{small}: OK", "stderr")

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; medians of whole processes")
    print("| run | runs | median wall | min-max wall | median CPU | median peak RSS | verdict |")
    print("|---|---|---|---|---|---|---|")
    checks = []
    help_row = measure("claimhouse --help", [str(CLAIMHOUSE), "--help"], "usage: claimhouse",
                       "stdout", args.runs)
    checks.append(_check(f"--help under {HELP_SECONDS} s ({help_row.seconds:.3f} s)",
                         help_row.seconds < HELP_SECONDS))
    first = ours(small, args.runs)
    checks.append(_check(
        f"validate {small.name} under {SMALL_SECONDS} s and {SMALL_MIB:.0f} MiB "
        f"({first.seconds:.3f} s, {first.rss_mib:.1f} MiB)",
        first.seconds < SMALL_SECONDS and first.rss_mib < SMALL_MIB and first.runs[0].accepted))
    if not args.no_pyx12:
        pyx12(small, args.pyx12_runs)
    for mb, path in files.items():
        mine = ours(path, args.runs)
        if args.no_pyx12:
            continue
        theirs = pyx12(path, args.pyx12_runs)
        ratio, cpu_ratio = theirs.seconds / mine.seconds, theirs.cpu / mine.cpu
        print(f"| x12valid / claimhouse at {mb} MB | | {ratio:.1f}x | | {cpu_ratio:.1f}x | "
              f"{theirs.rss_mib / mine.rss_mib:.2f}x | |", flush=True)
        if mb in SPEED_UP:
            checks.append(_check(f"{SPEED_UP[mb]:.0f}x x12valid at {mb} MB ({ratio:.1f}x wall)",
                                 ratio >= SPEED_UP[mb]))
    print()
    for line in checks:
        print(line)
    return 0 if all(line.startswith("met") for line in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
