"""Benchmark of the X12 engine: validate and parse throughput and memory, beside pyx12.

    python bench/bench_edi.py                      # 835 and 837P at 1, 10 and 100 MB
    python bench/bench_edi.py --sizes 1,10 --skip-pyx12-10mb

Inputs are generated with ../shared/bench/gen_x12.py into bench/out/ (git-ignored) and reused
on later runs. Every measurement runs in its own process so peak RSS (getrusage in the child)
belongs to that measurement alone; times exclude interpreter start-up, imports and loading
the guides, except pyx12's, which is timed around its ``x12valid`` command (about 0.15 s of
start-up included; pyx12 loads its map per file). Whatever validate() builds on first need
(walk steps, step plans, value verdicts, the whole-segment recognisers of
edi/validation/recognizer.py, about 3 ms on a 1 MB 835) is built inside the timed run.

Columns: our validate(), our parse (edi.x12.walker.iter_file_loops: the loop walker building
frozen loop trees one claim at a time) and the typed reader of the kind (read_837 of an 837P,
read_999 of a 999, read_277ca of a 277CA; the 835's reader has its own bench) with wall and CPU
time, MB/s and segments/s per CPU second, the whole child process's wall time (interpreter
start-up, imports and loading the guides included; for parse and the readers, the segments
counted apart too), peak RSS, pyx12's x12valid on the 1 MB and 10 MB files and the speed-up of
our validate over it in CPU time (the machine is shared: CPU time is what other work inflates
least; each figure is the median of --repeat runs, pyx12's at 10 MB of one). Beside our parse,
pyx12's x12xml, which walks the same maps into a tree of loops and writes it as XML (its
nearest equivalent; the speed-up is of our parse over it). pyx12 has no typed readers.
Targets (docs/performance.md, issues 2 and 9): validation at least 50 times pyx12, a 100 MB
file in under 150 MB resident, parse and the typed readers at least 10 MB/s.

The 835 and 837P inputs come from the shared generator; 999 and 277CA ones are made here
(``gen_999``, ``gen_277ca``: fictional acknowledgments of generated claims, one set each, some
claims rejected with segment and element notes).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CLAIMHOUSE_SHARED_DIR", ROOT.parent / "shared"))
GENERATOR = SHARED / "bench" / "gen_x12.py"
OUT = ROOT / "bench" / "out"
CHUNK = 256 * 1024


def _chunks(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                return
            yield chunk


def _peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024      # Linux reports KiB


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _preload() -> None:
    # Guides are loaded and compiled once per process (JSON to definitions, segment checkers);
    # a running service has them ready, so that is kept out of the timings.
    from edi.maps import definition_for, known_versions
    from edi.validation.elements import checker_for
    from edi.x12.walker import machine_for

    for key in known_versions():
        for segment in machine_for(definition_for(*key)).segments:
            checker_for(segment)


def child_validate(path: Path) -> dict:
    from edi.validation import validate

    _preload()
    start, cpu = time.perf_counter(), time.process_time()
    report = validate(_chunks(path), str(path))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "segments": report.segment_count, "ok": report.ok,
            "detail": f"{len(report.defects)} defects", "rss": _peak_rss_mib()}


def _count_segments(path: Path) -> int:
    from edi.x12 import iter_segments

    return sum(1 for _ in iter_segments(_chunks(path), str(path)))


def child_read(path: Path) -> dict:
    """The typed reader of the file's kind, on the whole text (as the readers take it)."""
    from edi.parsers.ack999 import read_999
    from edi.parsers.claim837 import read_837
    from edi.parsers.claim_ack277 import read_277ca

    text = path.read_text(encoding="utf-8")
    kind = text[text.index("ST*") + 3:text.index("ST*") + 6]
    segments = _count_segments(path)
    _preload()
    start, cpu = time.perf_counter(), time.process_time()
    if kind == "837":
        found = len(read_837(text, str(path)).claims)
    elif kind == "999":
        found = sum(len(a.group.sets) for a in read_999(text, str(path)))
    else:
        found = sum(len(b.claims) for b in read_277ca(text, str(path)))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "segments": segments, "ok": True,
            "detail": f"{found} claims or sets read", "rss": _peak_rss_mib()}


def child_parse(path: Path) -> dict:
    from edi.maps import resolve
    from edi.x12 import iter_segments
    from edi.x12.walker import iter_file_loops

    def lookup(set_id: str, gs08: str, st03: str):
        found = resolve(set_id, gs08, st03)
        return found.definition if found else None

    segments = _count_segments(path)     # apart: a counting wrapper would be timed too
    _preload()
    start, cpu = time.perf_counter(), time.process_time()
    loops = 0
    for _item in iter_file_loops(iter_segments(_chunks(path), str(path)), lookup):
        loops += 1
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "segments": segments, "ok": True,
            "detail": f"{loops} loop trees", "rss": _peak_rss_mib()}


def child_pyx12(path: Path) -> dict:
    x12valid = Path(sys.executable).with_name("x12valid")
    start = time.perf_counter()
    done = subprocess.run([str(x12valid), str(path)], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    cpu = _cpu(resource.RUSAGE_CHILDREN)
    # x12valid exits 1 even when the file is valid: its verdict is the "path: OK" line.
    verdict = "OK" if f"{path}: OK" in done.stderr else "Failure"
    return {"seconds": seconds, "cpu": cpu, "segments": 0, "ok": verdict == "OK",
            "detail": verdict, "rss": _peak_rss_mib(resource.RUSAGE_CHILDREN)}


def child_pyx12_xml(path: Path) -> dict:
    x12xml = Path(sys.executable).with_name("x12xml")
    out = OUT / f"{path.name}.xml"
    start = time.perf_counter()
    subprocess.run([str(x12xml), "--outputfile", str(out), str(path)], capture_output=True,
                   text=True)
    seconds = time.perf_counter() - start
    cpu = _cpu(resource.RUSAGE_CHILDREN)
    # x12xml exits 1 on success too: a whole document is one that was closed
    ok = out.is_file() and out.read_text(encoding="utf-8").rstrip().endswith("</x12simple>")
    out.unlink(missing_ok=True)
    return {"seconds": seconds, "cpu": cpu, "segments": 0, "ok": ok,
            "detail": "XML tree written" if ok else "Failure",
            "rss": _peak_rss_mib(resource.RUSAGE_CHILDREN)}


CHILDREN = {"validate": child_validate, "parse": child_parse, "read": child_read,
            "pyx12": child_pyx12, "pyx12-xml": child_pyx12_xml}
#: The typed reader measured per kind ("read" mode); the 835's is benchmarked apart.
READERS = {"837p": "read_837", "999": "read_999", "277ca": "read_277ca"}


def measure(mode: str, path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(path)],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    process = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{mode} on {path} failed:\n{done.stderr}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "process": process}


_ISA = ("ISA*00*          *00*          *ZZ*PAYERONE       *ZZ*CLAIMHOUSE     *240102*1345*^"
        "*00501*000000001*0*P*:~\n")


def _envelope(functional_id: str, version: str, body: list[str]) -> str:
    lines = [f"GS*{functional_id}*PAYERONE*CLAIMHOUSE*20240102*1345*1*X*{version}", *body,
             f"SE*{len(body) + 1}*0001", "GE*1*1", "IEA*1*000000001"]
    return _ISA + "~\n".join(lines) + "~\n"


def gen_999(mb: int) -> str:
    """A 999 of one group of 837 sets; every fourth set rejected with an IK3, CTX and IK4."""
    body = ["ST*999*0001*005010X231A1", "AK1*HC*1*005010X222A1"]
    size, n, accepted = 0, 0, 0
    while size < mb * 1_000_000:
        n += 1
        lines = [f"AK2*837*{n:09d}*005010X222A1"]
        if n % 4:
            lines.append("IK5*A")
            accepted += 1
        else:
            lines += [f"IK3*CLM*{20 + n % 40}*2300*8", f"CTX*CLM01:PCN{n:010d}",
                      "IK4*5*1331*7*ZZ", "IK5*R*5"]
        body += lines
        size += sum(len(line) + 2 for line in lines)
    body.append(f"AK9*P*{n}*{n}*{accepted}")
    return _envelope("FA", "005010X231A1", body)


def gen_277ca(mb: int) -> str:
    """A 277CA accepting claims one patient level each; every fifth claim rejected."""
    body = ["ST*277*0001*005010X214", "BHT*0085*08*BATCH0001*20240102*1345*TH",
            "HL*1**20*1", "NM1*PR*2*PAYER ONE*****PI*PAYER1", "TRN*1*RECEIPT0001",
            "DTP*050*D8*20240102", "DTP*009*D8*20240102",
            "HL*2*1*21*1", "NM1*41*2*RIVERSIDE BILLING*****46*RB001", "TRN*2*BATCH0001",
            "STC*A1:20*20240102*WQ*0", "HL*3*2*19*1",
            "NM1*85*2*RIVERSIDE CLINIC*****XX*1234567893", "TRN*1*0",
            "STC*A1:20**WQ*0"]
    size, n = 0, 0
    while size < mb * 1_000_000:
        n += 1
        status = "STC*A7:562*20240102*U*150.00" if n % 5 == 0 else "STC*A2:20*20240102*WQ*150.00"
        lines = [f"HL*{3 + n}*3*PT", f"NM1*QC*1*DOE{n}*JANE****MI*MEMBER{n:07d}",
                 f"TRN*2*PCN{n:010d}", status, f"REF*1K*PAYERCLAIM{n:08d}",
                 "DTP*472*RD8*20231220-20231220"]
        body += lines
        size += sum(len(line) + 2 for line in lines)
    return _envelope("HN", "005010X214", body)


def generate(kind: str, mb: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{kind}_{mb}mb.x12"
    if not path.is_file():
        print(f"generating {path.name} ...", file=sys.stderr, flush=True)
        if kind in ("999", "277ca"):
            text = (gen_999 if kind == "999" else gen_277ca)(mb)
            path.write_text(text, encoding="utf-8")
        else:
            subprocess.run([sys.executable, str(GENERATOR), kind, "--mb", str(mb), "-o",
                            str(path)], check=True, capture_output=True)
    return path


def row(kind: str, mb: int, path: Path, mode: str, result: dict, base: dict | None) -> str:
    size = path.stat().st_size / 1e6
    secs, cpu = result["seconds"], result["cpu"]
    segs = f"{result['segments'] / cpu:>11,.0f}" if result["segments"] else f"{'-':>11}"
    ratio = f"{base['cpu'] / cpu:6.1f}x" if base else f"{'':>7}"
    return (f"{kind:5} {mb:>4} MB  {mode:10} {secs:8.2f} s {cpu:8.2f} s {size / cpu:8.2f} MB/s "
            f"{segs} seg/s {result['process']:8.2f} s {result['rss']:7.1f} MiB {ratio}  "
            f"{result['detail']}")


def median_of(mode: str, path: Path, runs: int) -> dict:
    """The run with the median CPU time of ``runs`` (the lower middle one of an even number)."""
    results = sorted((measure(mode, path) for _ in range(max(runs, 1))), key=lambda r: r["cpu"])
    return results[(len(results) - 1) // 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100", help="sizes in MB (default 1,10,100)")
    parser.add_argument("--kinds", default="835,837p,999,277ca",
                        help="input kinds (835,837p,999,277ca)")
    parser.add_argument("--skip-pyx12-10mb", action="store_true",
                        help="run pyx12 on the 1 MB files only (10 MB takes over a minute)")
    parser.add_argument("--no-pyx12", action="store_true", help="do not run pyx12 at all")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of ours per file up to 10 MB, the median kept (default 3)")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, file = args.child
        print(json.dumps(CHILDREN[mode](Path(file))))
        return 0
    if not GENERATOR.is_file():
        raise SystemExit(f"generator not found: {GENERATOR} (set CLAIMHOUSE_SHARED_DIR)")
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'kind':5} {'size':>7}  {'run':10} {'wall':>10} {'CPU':>10} {'rate (CPU)':>13} "
          f"{'segments':>17} {'process':>10} {'peak RSS':>11} {'vs pyx12':>7}  result")
    for kind in args.kinds.split(","):
        for mb in sizes:
            path = generate(kind, mb)
            run_pyx12 = not args.no_pyx12 and (mb <= 1 or (mb <= 10 and not
                                                           args.skip_pyx12_10mb))
            peer_runs = args.repeat if mb <= 1 else 1       # pyx12 takes a minute at 10 MB
            base = median_of("pyx12", path, peer_runs) if run_pyx12 else None
            tree = median_of("pyx12-xml", path, peer_runs) if run_pyx12 else None
            peers = {"validate": base, "parse": tree}
            modes = ["validate", "parse"] + (["read"] if kind in READERS else [])
            for mode in modes:
                result = median_of(mode, path, args.repeat if mb <= 10 else 1)
                label = READERS[kind] if mode == "read" else mode
                print(row(kind, mb, path, label, result, peers.get(mode)), flush=True)
            if base and tree:
                print(row(kind, mb, path, "pyx12", base, None), flush=True)
                print(row(kind, mb, path, "pyx12 xml", tree, None), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
