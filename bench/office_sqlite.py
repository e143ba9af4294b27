"""The embedded default under an office's load: the served app on SQLite, 2, 4 and 8 people
reading audited pages and JSON routes at once, back to back. Prints requests per second, the
errors, and reads that left no audit entry (both must be 0).

Run by hand from the repository root (it creates a throwaway data directory):

    .venv/bin/python bench/office_sqlite.py [--people 2 4 8] [--requests 100] [--threads 8]
        [--editors 0]

With ``--editors N``, N of the people alternate reads with reading a patient and saving them
(a read, then a change): changes must not fail either.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served_office import browse, prepare, serve  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument("--requests", type=int, default=100, help="requests per person")
    parser.add_argument("--threads", type=int, default=8, help="CLAIMHOUSE_API_THREADS")
    parser.add_argument("--editors", type=int, default=0,
                        help="how many of the people also read and save patients")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="claimhouse-office-") as directory:
        office = prepare(Path(directory) / "data", max(args.people))
        with serve(office, threads=args.threads) as base:
            print(f"SQLite, {args.threads} API threads, {len(office.claims)} claims stored; "
                  f"{args.requests} requests per person, back to back")
            for people in args.people:
                outcome = browse(office, base, people, args.requests,
                                 editors=min(args.editors, people))
                missing = outcome.unaudited()
                print(f"{people} people: {outcome.requests} requests in "
                      f"{outcome.seconds:.1f} s = {outcome.rate:.0f} requests/s; "
                      f"{len(outcome.errors)} errors; {len(missing)} routes with reads "
                      "missing from the audit log")
                for line in (outcome.errors[:5] + missing[:5]):
                    print(f"  {line}")
                failed = failed or bool(outcome.errors or missing)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
