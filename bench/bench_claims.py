"""Build 10,000 professional claims into one 837P and print how fast that went.

Usage (from the repository root):

    /work/venv/bin/python bench/bench_claims.py [--claims 10000] [--repeat 3] [--validate]

The claims are the samples in samples/claims (office visit, several lines with modifiers and
a drug, a dependent, a replacement, a void, a secondary claim), each copied with its own
patient control number and subscriber so the HL tree has thousands of subscriber loops, as a
billing office's day would. The figure printed is the best of ``--repeat`` runs of
``build_837`` alone (claim values in, interchange text out), as wall time and as this
process's CPU time (the CPU figure is the one to compare on a shared machine); ``--validate`` also runs our own
validator over the result once and reports its defects. The target is under 1 s for 10,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claims import Claim, ClaimKind, Submitter, build_837, claim_from_json  # noqa: E402

SAMPLES = ROOT / "samples" / "claims"


def make_claims(count: int) -> list[Claim]:
    templates = []
    for path in sorted(SAMPLES.glob("*.json")):
        claim = claim_from_json(json.loads(path.read_text()))
        if claim.kind == ClaimKind.PROFESSIONAL:
            templates.append(claim)
    claims = []
    for i in range(count):
        base = templates[i % len(templates)]
        pcn = f"B{i:08d}"
        subscriber = replace(base.subscriber, member_id=f"M{i // 3:09d}", person=replace(
            base.subscriber.person, last_name=f"{base.subscriber.person.last_name}{i // 3}"))
        lines = tuple(replace(line, line_control_number=f"{pcn}-{n}")
                      for n, line in enumerate(base.lines, 1))
        claims.append(replace(base, patient_control_number=pcn, subscriber=subscriber,
                              lines=lines, other_coverages=()))
    return claims


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--validate", action="store_true")
    args = parser.parse_args()
    claims = make_claims(args.claims)
    submitter = Submitter("Bench Billing", "BENCH01", phone="2175550100")
    best = best_cpu = float("inf")
    text = ""
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        text = build_837(claims, sender_id="BENCH", receiver_id="RECEIVER",
                         interchange_control_number=1, group_control_number=1,
                         submitter=submitter, receiver_name="Receiver",
                         created=dt.datetime(2026, 11, 22, 9, 30))
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    lines = sum(len(c.lines) for c in claims)
    print(f"built {len(claims):,} claims ({lines:,} lines, {text.count('~'):,} segments, "
          f"{len(text) / 1e6:.1f} MB) into one 837P")
    print(f"best of {args.repeat}: {best:.3f} s wall = {len(claims) / best:,.0f} claims/s; "
          f"{best_cpu:.3f} s CPU = {len(claims) / best_cpu:,.0f} claims/s "
          f"(target: 10,000 claims under 1 s)")
    if args.validate:
        from edi.validation import validate_text

        start = time.perf_counter()
        report = validate_text(text, "bench.837")
        errors = [d for d in report.defects if d.is_error]
        print(f"our validator: {len(errors)} error(s) in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
